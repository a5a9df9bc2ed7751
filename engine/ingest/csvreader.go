package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// layout maps the fields of one data record to rows of the raw layout.
type layout interface {
	// appendRecord adds the observations of one record to b. It returns a reason when the
	// record cannot be mapped, and adds nothing then.
	appendRecord(b *RawBuilder, line int32, fields [][]byte) string
	// width is the number of fields a record has: the header's.
	width() int
}

// tableLayout is what a format makes of a header: how records map to raw rows, what the columns
// are called and which code lists the codes come from.
type tableLayout struct {
	layout
	names           [numColumns]string
	indicatorScheme string
	economyScheme   string
}

// layoutFor builds the layout of format for a header. format "" detects it.
func layoutFor(format string, header []string, opts Options) (string, tableLayout, error) {
	if err := checkOptionColumns(opts); err != nil {
		return "", tableLayout{}, err
	}
	if format == "" || format == "xlsx" || format == "parquet" {
		detected, err := detectLayout(header, opts)
		if err != nil {
			return "", tableLayout{}, err
		}
		format = detected
	}
	var tl tableLayout
	var err error
	switch format {
	case "long", "parquet":
		tl, err = newLongLayout(header, opts)
	case "wide":
		tl, err = newWideLayout(header, opts)
	case "itu-datahub":
		tl, err = newDataHubLayout(header, opts)
	case "ddf":
		tl, err = newDDFLayout(header, opts)
	case "sdg":
		tl, err = newSDGLayout(header, opts)
	case "owid":
		tl, err = newOWIDLayout(header, opts)
	default:
		err = fmt.Errorf("format %s has no tabular layout", format)
	}
	return format, tl, err
}

// openCSV reads the header of a CSV file and hands out the rest in chunks of whole records.
func openCSV(f io.Reader, closeFn func() error, size int64, format string, opts Options) (*Source, error) {
	counted := &countingReader{r: f}
	header, delim, rest, nextLine, err := readHeader(counted, opts.Delimiter)
	if err != nil {
		return nil, err
	}
	format, tl, err := layoutFor(format, header, opts)
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	ch := newChunker(f, delim, nextLine, append([]byte(nil), rest...))
	headerBytes := counted.n - int64(len(rest)) // the header's bytes: read so far, less what follows it
	src := &Source{
		Format:          format,
		IndicatorScheme: tl.indicatorScheme,
		EconomyScheme:   tl.economyScheme,
		Names:           tl.names,
		size:            size,
		close:           closeFn,
	}
	src.offset = func() int64 { return min(size, headerBytes+ch.consumed) }
	src.next = func() (Chunk, error) {
		c, err := ch.next()
		if err != nil {
			if err != io.EOF {
				err = fmt.Errorf("line %d: %w", ch.line, err)
			}
			return nil, err
		}
		return &csvDecoder{chunk: c, delim: delim, layout: tl.layout}, nil
	}
	return src, nil
}

// csvDecoder decodes one chunk of a CSV file.
type csvDecoder struct {
	chunk  *csvChunk
	delim  byte
	layout layout
}

// Decode splits the chunk into records and maps them to raw rows.
func (d *csvDecoder) Decode(mem memory.Allocator) (*Batch, error) {
	defer d.chunk.free()
	data := d.chunk.data
	b := NewRawBuilder(mem)
	defer b.Release()
	s := recordSplitter{delim: d.delim}
	var rejects []Reject
	line := d.chunk.firstLine
	for pos := 0; pos < len(data); {
		if line > math.MaxInt32 {
			return nil, &FormatError{errors.New("more than 2,147,483,647 lines: split the file")}
		}
		fields, next, nl, reason, err := s.next(data, pos)
		if err != nil {
			return nil, &FormatError{fmt.Errorf("line %d: %w", line, err)}
		}
		switch {
		case reason != "":
			rejects = append(rejects, Reject{Line: line, Value: recordText(data[pos:next]), Reason: reason})
		case len(fields) > 0:
			if reason := d.layout.appendRecord(b, int32(line), fields); reason != "" {
				rejects = append(rejects, Reject{Line: line, Value: recordText(data[pos:next]), Reason: reason})
			}
		}
		pos, line = next, line+int64(nl)
	}
	return &Batch{Record: b.NewBatch(), Rejects: rejects}, nil
}

// recordText is a record as it stands in the file, cut for a reject.
func recordText(b []byte) string {
	return Cut(bytes.TrimRight(b, "\r\n"))
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
