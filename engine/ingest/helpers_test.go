package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// obs is one raw row as text. A null field reads as "".
type obs struct {
	Line                                                                                 int32
	Indicator, Economy, Aggregate, Year, Sex, Area, Age, Value, Unit, Flag, Source, Note string
}

// decoded is everything a source handed out.
type decoded struct {
	rows    []obs
	rejects []Reject
	chunks  int
	nulls   [numColumns]int // null count per raw column
}

// datasetPath is the path of a file of the default dataset, seen from this package.
func datasetPath(name string) string { return filepath.Join("..", "..", "datasets", "default", name) }

// writeTemp writes content to a file called name in a new temporary directory and returns its path.
func writeTemp(t testing.TB, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// readAll decodes every chunk of src with mem, checks that each batch is well formed and releases
// it. It stops at the first error.
func readAll(src *Source, mem memory.Allocator) (decoded, error) {
	var d decoded
	for {
		c, err := src.Next()
		if err == io.EOF {
			return d, nil
		}
		if err != nil {
			return d, err
		}
		d.chunks++
		b, err := c.Decode(mem)
		if err != nil {
			return d, err
		}
		err = d.add(b.Record)
		d.rejects = append(d.rejects, b.Rejects...)
		b.Release()
		if err != nil {
			return d, err
		}
	}
}

// add checks that rec has the raw schema and columns of equal length, and appends its rows.
func (d *decoded) add(rec arrow.RecordBatch) error {
	if !rec.Schema().Equal(Schema) {
		return fmt.Errorf("batch schema %s, want %s", rec.Schema(), Schema)
	}
	n := int(rec.NumRows())
	for i, col := range rec.Columns() {
		if col.Len() != n {
			return fmt.Errorf("column %s has %d values in a batch of %d rows", ColumnNames[i], col.Len(), n)
		}
		d.nulls[i] += col.NullN()
	}
	if rec.Column(ColLine).NullN() != 0 {
		return errors.New("null line number")
	}
	lines := rec.Column(ColLine).(*array.Int32)
	for r := range n {
		o := obs{Line: lines.Value(r)}
		texts := []*string{&o.Indicator, &o.Economy, &o.Aggregate, &o.Year, &o.Sex, &o.Area, &o.Age,
			&o.Value, &o.Unit, &o.Flag, &o.Source, &o.Note}
		for i, p := range texts {
			*p = cellText(rec.Column(ColIndicator+i), r)
		}
		d.rows = append(d.rows, o)
	}
	return nil
}

// cellText is the text of one cell of a raw column, "" for null.
func cellText(arr arrow.Array, row int) string {
	if arr.IsNull(row) {
		return ""
	}
	switch a := arr.(type) {
	case *array.String:
		return a.Value(row)
	case *array.Dictionary:
		return a.Dictionary().(*array.String).Value(a.GetValueIndex(row))
	}
	panic(fmt.Sprintf("unexpected raw column type %s", arr.DataType()))
}

// openSource opens path, closing it when the test ends.
func openSource(t testing.TB, path string, opts Options) *Source {
	t.Helper()
	src, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// decodeNext decodes the next chunk of src, which must have one.
func decodeNext(t testing.TB, src *Source) decoded {
	t.Helper()
	c, err := src.Next()
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Decode(memory.NewGoAllocator())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	var d decoded
	if err := d.add(b.Record); err != nil {
		t.Fatal(err)
	}
	return d
}

// decodeFile opens path, decodes it all with a checked allocator and checks that every byte
// allocated was freed.
func decodeFile(t testing.TB, path string, opts Options) (*Source, decoded) {
	t.Helper()
	src := openSource(t, path, opts)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	d, err := readAll(src, mem)
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	mem.AssertSize(t, 0)
	return src, d
}

// decodeText writes content to a file called name and decodes it.
func decodeText(t testing.TB, name, content string, opts Options) (*Source, decoded) {
	t.Helper()
	return decodeFile(t, writeTemp(t, name, content), opts)
}

// openFails writes content to a file called name, opens it and checks that Open fails with a
// FormatError whose message contains every one of wants.
func openFails(t testing.TB, name, content string, opts Options, wants ...string) {
	t.Helper()
	src, err := Open(writeTemp(t, name, content), opts)
	if err == nil {
		src.Close()
		t.Fatalf("Open succeeded, want an error containing %q", wants)
	}
	checkFormatError(t, err, wants...)
}

// checkFormatError checks that err wraps a *FormatError and that its message contains every one
// of wants.
func checkFormatError(t testing.TB, err error, wants ...string) {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Errorf("error %q (%T) does not wrap a *FormatError", err, err)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

// checkRows compares decoded rows with the expected ones, row by row.
func checkRows(t testing.TB, got, want []obs) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("row %d missing, want %#v", i, want[i])
		case i >= len(want):
			t.Errorf("unexpected row %d: %#v", i, got[i])
		case got[i] != want[i]:
			t.Errorf("row %d:\n got  %#v\n want %#v", i, got[i], want[i])
		}
	}
}

// checkRejects compares rejects by line, value and reason.
func checkRejects(t testing.TB, got []Reject, want []Reject) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d rejects %v, want %d %v", len(got), got, len(want), want)
		return
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("reject %d:\n got  %#v\n want %#v", i, got[i], want[i])
		}
	}
}

// checkSHA256 checks that src, read to the end, reports the SHA-256 of the file at path.
func checkSHA256(t testing.TB, src *Source, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if got, ok := src.SHA256(); !ok || got != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256() = %q, %v; want %x, true", got, ok, sum)
	}
}
