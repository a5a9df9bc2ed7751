package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Formats lists the formats Open understands, with what each expects.
var Formats = []struct{ Name, Description string }{
	{"long", "generic long CSV: one observation per row, columns indicator, economy, year, value and optionally sex, area, age, unit, flag, source, note, and the value's standard error and interval bounds se, ci_low, ci_high"},
	{"wide", "wide CSV: one row per economy (and indicator), one column per year (2005, 2005 [YR2005] or YR2005); World Bank DataBank and WDI exports"},
	{"itu-datahub", "ITU DataHub CSV export: seriesCode, entityIso, dataValue, dataYear, dataNote, dataSource"},
	{"ddf", "DDF datapoints (open-numbers, Gapminder): key columns geo/geo_area and time/year, one column per indicator"},
	{"sdg", "UN SDG global database CSV: SeriesCode, GeoAreaCode (M49), TimePeriod, Value, Nature and dimension columns"},
	{"owid", "Our World in Data grapher CSV: Entity, Code, Year, one column per indicator"},
	{"xlsx", "Excel workbook: one sheet laid out as long or wide"},
	{"parquet", "Parquet file laid out as long"},
}

// Options say how to read a file. The zero value reads a file of any supported format with its
// own headers.
type Options struct {
	Format    string            // one of Formats; "" tells the format from the file name and header
	Delimiter byte              // CSV field delimiter; 0 guesses comma, semicolon or tab from the header
	Sheet     string            // XLSX sheet; "" is the first sheet
	Columns   map[string]string // raw column name (indicator, economy, ...) → the file's header for it
	Constants map[string]string // raw column name → value for every row, e.g. indicator for a one-indicator file
	Ignore    []string          // headers to ignore
}

// Bounds on what a file may hold. They keep the time and memory a load takes in proportion to
// real files whatever a file holds: past MaxHeaderBytes, MaxColumns or MaxRecordBytes the file is
// refused whole; a field longer than MaxFieldBytes rejects its row (engine/validate).
const (
	MaxFieldBytes  = 64 << 10 // the longest field: a code, a value, a source or a note
	MaxRecordBytes = 16 << 20 // the longest CSV record, or text or tag in a workbook's XML
	MaxHeaderBytes = 1 << 20  // the longest CSV header line
	MaxColumns     = 16384    // the most fields a header or record may have (as Excel's sheets)
)

// FormatError means the file cannot be read in its format at all: a header without the columns
// the format needs, a quote never closed, a sheet with no table, a damaged workbook, a file past
// the bounds above. No part of such a file loads.
type FormatError struct{ Err error }

func (e *FormatError) Error() string { return e.Err.Error() }
func (e *FormatError) Unwrap() error { return e.Err }

// Reject is a record, or one field of it, that cannot become an observation.
type Reject struct {
	Line   int64  // line (or spreadsheet row) where the record starts; 0 for the whole file
	Column string // the file's name for the column, "" for the whole record
	Value  string // the text as written
	Reason string
}

// RejectReasons are the formats of every reason a row is rejected for, at any stage of a load:
// splitting the file into records (here), validating the fields (engine/validate) and the rules
// over the whole file and the store (engine/store: repeated rows, conflicts with a stored
// edition). The reasons are stored in English; a command shows them in the language of --lang
// by matching them against these formats (translations.FormatIn, rejects.<lang>.csv).
var RejectReasons = []string{
	// Records.
	"text after a closing quote",
	"a quote inside an unquoted field",
	"more than %d fields",
	"the record is not valid UTF-8 text",
	"expected %d fields as in the header, found %d",
	"a text or tag of more than %s",
	// Fields.
	"field of %d bytes, longer than the %d a field may hold",
	"missing economy",
	"missing value",
	"missing value (%s)",
	"missing %s",
	"unknown indicator",
	"unknown economy or group",
	"unknown economy or group; the closest are %s",
	"a date, not a year",
	"year is not a whole number",
	"year not written plainly as digits, e.g. 2024 (no sign or leading zeros)",
	"year outside %d–%d",
	"unknown %s code",
	"unknown unit",
	"unknown age group (write 15-24, 15+ or <15)",
	"unit does not match %s, which is in %s",
	"a TRUE/FALSE cell, not a number",
	"a date, not a number",
	"not a number",
	"number too close to 0 to be stored: below 2.2e-308 it reads as 0 or loses digits",
	"negative zero; write 0",
	"negative standard error",
	"lower bound above the value %s",
	"upper bound below the value %s",
	"percentage outside 0–100",
	"negative count",
	"negative value for %s",
	"below the minimum %s for %s",
	"above the maximum %s for %s",
	// The file and the store.
	"conflicting values for the same indicator, economy, breakdown and year on lines %s",
	"repeats line %d",
	"conflicts with the value %s stored for edition %s by batch %d (line %d); load a revision as a new edition",
	"conflicts with the standard error or interval (%s, %s to %s) stored for edition %s by batch %d (line %d); load a revision as a new edition",
}

// sizeText writes a number of bytes in the largest binary unit it reaches: 64 KiB, 16 MiB,
// 1.5 GiB.
func sizeText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	x, prefix := float64(n)/unit, "KMGTPE"
	i := 0
	for ; x >= unit && i < len(prefix)-1; i++ {
		x /= unit
	}
	if x == float64(int64(x)) {
		return fmt.Sprintf("%d %ciB", int64(x), prefix[i])
	}
	return fmt.Sprintf("%.1f %ciB", x, prefix[i])
}

// maxShown is how much of a text from a file messages and rejects quote.
const maxShown = 200

// Cut shortens text from a file for a message or a reject: past 200 bytes it is cut at a
// character boundary and says how long it was, e.g. `99999… (300000000 bytes)`. The result is
// valid UTF-8.
func Cut[T string | []byte](s T) string {
	if len(s) <= maxShown {
		return strings.ToValidUTF8(string(s), "\uFFFD")
	}
	n := maxShown
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return fmt.Sprintf("%s… (%d bytes)", strings.ToValidUTF8(string(s[:n]), "\uFFFD"), len(s))
}

func (r Reject) String() string {
	var b strings.Builder
	if r.Line > 0 {
		fmt.Fprintf(&b, "line %d", r.Line)
	}
	if r.Column != "" {
		fmt.Fprintf(&b, ", column %s", r.Column)
	}
	if r.Value != "" || r.Column != "" {
		fmt.Fprintf(&b, ", value %q", r.Value)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(r.Reason)
	return b.String()
}

// Batch is a decoded piece of a file: records in the raw layout (Schema) plus the records that
// could not be split into fields.
type Batch struct {
	Record  arrow.RecordBatch
	Rejects []Reject
}

// Release frees the batch's record.
func (b *Batch) Release() {
	if b.Record != nil {
		b.Record.Release()
	}
}

// Chunk is a piece of a file that can be decoded independently of, and concurrently with, the
// other pieces.
type Chunk interface {
	Decode(mem memory.Allocator) (*Batch, error)
}

// Source is an opened file, read chunk by chunk.
type Source struct {
	Path   string
	Format string
	// IndicatorScheme and EconomyScheme name the code lists the file's codes come from
	// (e.g. "itu", "wdi", "sdg"; "iso3", "m49", "ddf"), so that validation can resolve them.
	IndicatorScheme string
	EconomyScheme   string
	// Names are the file's names for the raw columns, for rejects. NamedByYear marks a value
	// column named by its year (wide files).
	Names [numColumns]string

	next   func() (Chunk, error)
	size   int64
	offset func() int64
	close  func() error
	hash   hash.Hash // SHA-256 of the bytes read, complete once Next has returned io.EOF
	done   bool
}

// NamedByYear is the column name of values in files with one column per year.
const NamedByYear = "{year}"

// Next returns the next chunk of the file, or io.EOF after the last.
func (s *Source) Next() (Chunk, error) {
	c, err := s.next()
	if err == io.EOF {
		s.done = true
	}
	return c, err
}

// SHA256 is the hex SHA-256 of the file, known once Next has returned io.EOF.
func (s *Source) SHA256() (string, bool) {
	if !s.done || s.hash == nil {
		return "", false
	}
	return hex.EncodeToString(s.hash.Sum(nil)), true
}

// Progress reports how many bytes of the file have been handed out in chunks, of how many.
func (s *Source) Progress() (done, total int64) { return s.offset(), s.size }

// Close releases the file.
func (s *Source) Close() error {
	if s.close == nil {
		return nil
	}
	return s.close()
}

// ColumnName is the file's name for raw column col, cut as Cut cuts it.
func (s *Source) ColumnName(col int) string {
	if n := s.Names[col]; n != "" {
		return Cut(n)
	}
	return ColumnNames[col]
}

// Open opens path for reading in the format opts.Format, or the format its name and header tell.
func Open(path string, opts Options) (*Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s is a directory", path)
	}
	format := opts.Format
	if format == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".xlsx", ".xlsm":
			format = "xlsx"
		case ".parquet", ".pq":
			format = "parquet"
		}
	} else if !knownFormat(format) {
		f.Close()
		return nil, &FormatError{fmt.Errorf("unknown format %q; known formats: %s", format, formatNames())}
	}
	var src *Source
	h := sha256.New()
	switch format {
	case "xlsx", "parquet":
		// These are read at random; their hash is taken first, in one pass.
		if _, err := io.Copy(h, f); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		src, err = guard(func() (*Source, error) {
			if format == "xlsx" {
				return openXLSX(f, st.Size(), opts)
			}
			return openParquet(f, st.Size(), opts)
		})
	default:
		src, err = openCSV(io.TeeReader(f, h), f.Close, st.Size(), format, opts)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, contentError(err))
	}
	src.Path = path
	src.hash = h
	return src, nil
}

func knownFormat(name string) bool {
	for _, f := range Formats {
		if f.Name == name {
			return true
		}
	}
	return false
}

func formatNames() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// rawColumn returns the raw column index for a raw column name such as "economy".
func rawColumn(name string) (int, bool) {
	for i, n := range ColumnNames {
		if n == name && i != ColLine {
			return i, true
		}
	}
	return 0, false
}

// checkOptionColumns rejects Columns and Constants keys that are not raw column names.
func checkOptionColumns(opts Options) error {
	var bad []string
	for _, m := range []map[string]string{opts.Columns, opts.Constants} {
		for k := range m {
			if _, ok := rawColumn(k); !ok {
				bad = append(bad, k)
			}
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("unknown column name %s in the column mapping; use one of %s",
			strings.Join(bad, ", "), strings.Join(ColumnNames[1:], ", "))
	}
	return nil
}

var errNotTabular = errors.New("no header row found")

// guard runs fn and turns a panic in the libraries that read spreadsheets and Parquet into a
// FormatError: a file they cannot cope with is refused, not a crash.
func guard[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &FormatError{fmt.Errorf("the file could not be read: %v", r)}
		}
	}()
	return fn()
}

// contentError marks an error met while reading a file as a FormatError, the file's content being
// at fault, unless it is an error of the operating system (I/O, a full disk), which stays as it is:
// the machine is at fault then.
func contentError(err error) error {
	if err == nil || errors.As(err, new(*FormatError)) || errors.As(err, new(*fs.PathError)) || errors.As(err, new(syscall.Errno)) {
		return err
	}
	return &FormatError{err}
}

// DecodeSafely decodes c, refusing the file instead of crashing when decoding panics.
func DecodeSafely(c Chunk, mem memory.Allocator) (*Batch, error) {
	return guard(func() (*Batch, error) { return c.Decode(mem) })
}
