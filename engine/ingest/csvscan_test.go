package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

func TestRecordSplitter(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		pos      int
		delim    byte
		fields   []string // nil for a blank line or a malformed record
		end      int
		newlines int
		reason   string
	}{
		{"plain record", "a,b,c\nd", 0, ',', []string{"a", "b", "c"}, 6, 1, ""},
		{"empty fields", ",a,,\n", 0, ',', []string{"", "a", "", ""}, 5, 1, ""},
		{"last record without newline", "a,b", 0, ',', []string{"a", "b"}, 3, 0, ""},
		{"record in the middle of the data", "a,b\nc,d\ne", 4, ',', []string{"c", "d"}, 8, 1, ""},
		{"blank line", "\nx", 0, ',', nil, 1, 1, ""},
		{"blank CRLF line", "\r\nx", 0, ',', nil, 2, 1, ""},
		{"CRLF stripped from an unquoted record", "a,b\r\nc", 0, ',', []string{"a", "b"}, 5, 1, ""},
		{"semicolon delimiter", "a;b,c\n", 0, ';', []string{"a", "b,c"}, 6, 1, ""},
		{"tab delimiter", "a\tb c\n", 0, '\t', []string{"a", "b c"}, 6, 1, ""},
		{"quoted field with a comma", `"a,b",c` + "\n", 0, ',', []string{"a,b", "c"}, 8, 1, ""},
		{"doubled quotes", `"say ""hi""",x` + "\n", 0, ',', []string{`say "hi"`, "x"}, 15, 1, ""},
		{"empty quoted field", `"",x` + "\n", 0, ',', []string{"", "x"}, 5, 1, ""},
		{"only a doubled quote", `""""` + "\n", 0, ',', []string{`"`}, 5, 1, ""},
		{"quoted field over two lines", "\"two\nlines\",x\nnext\n", 0, ',', []string{"two\nlines", "x"}, 14, 2, ""},
		{"quoted field over three lines with CRLF kept inside", "\"a\r\nb\r\nc\",d\r\n", 0, ',', []string{"a\r\nb\r\nc", "d"}, 13, 3, ""},
		{"quoted last field with CRLF", "a,\"b\"\r\nc", 0, ',', []string{"a", "b"}, 7, 1, ""},
		{"quoted record whose last field is unquoted, CRLF", "\"a\",b\r\nc", 0, ',', []string{"a", "b"}, 7, 1, ""},
		{"quoted record ending in CR at end of data", "\"a\",b\r", 0, ',', []string{"a", "b"}, 6, 0, ""},
		{"quoted field at end of data", `x,"y"`, 0, ',', []string{"x", "y"}, 5, 0, ""},
		{"quoted field ending in CR at end of data", "x,\"y\"\r", 0, ',', []string{"x", "y"}, 6, 0, ""},
		{"quoted delimiter is not a delimiter", `"a;b";c` + "\n", 0, ';', []string{"a;b", "c"}, 8, 1, ""},
		{"non-ASCII text", "Comisión,México\n", 0, ',', []string{"Comisión", "México"}, 18, 1, ""},
		{"quote inside an unquoted field", "a\"b,c\nd", 0, ',', nil, 6, 1, "a quote inside an unquoted field"},
		{"quote at the end of an unquoted field", "ab\",c\n", 0, ',', nil, 6, 1, "a quote inside an unquoted field"},
		{"text after a closing quote", "\"a\"b,c\nd", 0, ',', nil, 7, 1, "text after a closing quote"},
		{"text after a closing quote runs to the end of the record", "\"a\"b\"c,d\ne", 0, ',', nil, 9, 1, "text after a closing quote"},
		{"invalid UTF-8 in an unquoted record", "a,\xff\nb", 0, ',', nil, 4, 1, "the record is not valid UTF-8 text"},
		{"invalid UTF-8 in a quoted field", "\"\xc3\",a\nb", 0, ',', nil, 6, 1, "the record is not valid UTF-8 text"},
		{"invalid UTF-8 in an unquoted field of a quoted record", "\"a\",\xff\n", 0, ',', nil, 6, 1, "the record is not valid UTF-8 text"},
		{"malformed record over two lines keeps its newline count", "\"a\nb\"c,d\ne", 0, ',', nil, 9, 2, "text after a closing quote"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := recordSplitter{delim: tc.delim}
			fields, end, newlines, reason, err := s.next([]byte(tc.data), tc.pos)
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if got := fieldStrings(fields); !slices.Equal(got, tc.fields) || (got == nil) != (tc.fields == nil) {
				t.Errorf("fields %q, want %q", got, tc.fields)
			}
			if end != tc.end || newlines != tc.newlines || reason != tc.reason {
				t.Errorf("end %d, newlines %d, reason %q; want %d, %d, %q", end, newlines, reason, tc.end, tc.newlines, tc.reason)
			}
		})
	}
}

func fieldStrings(fields [][]byte) []string {
	if fields == nil {
		return nil
	}
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = string(f)
	}
	return out
}

func TestRecordSplitterUnclosedQuote(t *testing.T) {
	for _, data := range []string{`"abc`, "a,\"b\nc,d\n", "\"a\"\"\n"} {
		s := recordSplitter{delim: ','}
		_, end, _, _, err := s.next([]byte(data), 0)
		if !errors.Is(err, errUnclosedQuote) {
			t.Errorf("%q: error %v, want errUnclosedQuote", data, err)
		}
		if end != len(data) {
			t.Errorf("%q: end %d, want the end of the data %d", data, end, len(data))
		}
	}
}

func TestLastRecordEnd(t *testing.T) {
	tests := []struct {
		data  string
		delim byte
		want  int
	}{
		{"", ',', -1},
		{"a,b", ',', -1},
		{"a,b\n", ',', 4},
		{"a,b\nc,d", ',', 4},
		{"a\nb\nc", ',', 4},
		{"\"x\ny\",1\n", ',', 8},
		{"\"x\ny\",1\n\"open\nz", ',', 8},
		{"\"open\nz\n", ',', -1},
		{`"a""b",1` + "\nc", ',', 9},
		{"a,\"b\nc\"\r\nd", ',', 9},
		// Quotes the record splitter takes as text must not start a quoted stretch either:
		// a quote inside an unquoted field, and text after a closing quote.
		{"a\"b,c\nd,e\n", ',', 10},
		{"5\" screen,1\n\"x\ny\",2\n", ',', 20},
		{"\"a\"b\"c\nd\n", ',', 9},
		{"\"a\"b\"c,\"d\ne\"\n", ',', 13},
		// Whether a quote starts a field depends on the delimiter.
		{"a;\"b\nc", ';', -1},
		{"a;\"b\nc", ',', 5},
	}
	for _, tc := range tests {
		if got := lastRecordEnd([]byte(tc.data), tc.delim); got != tc.want {
			t.Errorf("lastRecordEnd(%q, %q) = %d, want %d", tc.data, tc.delim, got, tc.want)
		}
	}
}

// readChunks runs a chunker over data, read through r, until io.EOF.
func readChunks(t *testing.T, r io.Reader, delim byte) []*csvChunk {
	t.Helper()
	c := newChunker(r, delim, 1, nil)
	var chunks []*csvChunk
	for {
		ch, err := c.next()
		if err == io.EOF {
			return chunks
		}
		if err != nil {
			t.Fatal(err)
		}
		chunks = append(chunks, ch)
	}
}

// record is a split record with the line it starts at.
type record struct {
	line   int64
	fields string // fields joined by "|", or the reason of a malformed record
}

// splitAll splits data into records from the start, numbering lines from firstLine.
func splitAll(t *testing.T, data []byte, firstLine int64, delim byte) []record {
	t.Helper()
	s := recordSplitter{delim: delim}
	var out []record
	line := firstLine
	for pos := 0; pos < len(data); {
		fields, next, nl, reason, err := s.next(data, pos)
		if err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		switch {
		case reason != "":
			out = append(out, record{line, "reject: " + reason})
		case fields != nil:
			out = append(out, record{line, strings.Join(fieldStrings(fields), "|")})
		}
		pos, line = next, line+int64(nl)
	}
	return out
}

// checkChunks checks that chunks put back together are the input, that each starts at the line
// its predecessors end on, and that splitting them one by one gives the records that splitting
// the whole input gives.
func checkChunks(t *testing.T, input []byte, chunks []*csvChunk, delim byte) {
	t.Helper()
	var joined []byte
	var records []record
	line := int64(1)
	for i, ch := range chunks {
		if ch.firstLine != line {
			t.Errorf("chunk %d starts at line %d, want %d", i, ch.firstLine, line)
		}
		if i < len(chunks)-1 && !bytes.HasSuffix(ch.data, []byte{'\n'}) {
			t.Errorf("chunk %d does not end with a newline", i)
		}
		records = append(records, splitAll(t, ch.data, ch.firstLine, delim)...)
		joined = append(joined, ch.data...)
		line += int64(bytes.Count(ch.data, []byte{'\n'}))
	}
	if !bytes.Equal(joined, input) {
		t.Fatalf("chunks put together are %d bytes, not the %d bytes of the input", len(joined), len(input))
	}
	if want := splitAll(t, input, 1, delim); !slices.Equal(records, want) {
		t.Errorf("records of the chunks differ from the records of the whole input")
	}
}

// fillRecords appends records "x,ABW,2000,1\n" to b until it is n bytes long; the last record's
// value is padded with zeros to land exactly on n.
func fillRecords(b []byte, n int) []byte {
	const rec = "x,ABW,2000,1\n"
	for len(b)+2*len(rec) <= n {
		b = append(b, rec...)
	}
	b = append(b, "x,ABW,2000,"...)
	for len(b) < n-2 {
		b = append(b, '0')
	}
	return append(b, "1\n"...)
}

func TestChunkerCutsBeforeARecordQuotedAcrossTheBlockBoundary(t *testing.T) {
	start := blockSize - 30
	input := fillRecords(nil, start)
	lines := bytes.Count(input, []byte{'\n'})
	// A record whose quoted note holds newlines and a comma before the block boundary and closes
	// after it; the last newline before the boundary lies inside the quotes.
	input = append(input, "x,ABW,2001,\"a\nb,c \"\"d\"\"\nffffffffffffffffffffffffffff\"\n"...)
	input = fillRecords(input, 2*blockSize+1000)
	input = append(input, "x,KEN,2002,\"last\""...) // no final newline

	chunks := readChunks(t, iotest.HalfReader(bytes.NewReader(input)), ',')
	if len(chunks) != 3 {
		t.Fatalf("%d chunks, want 3", len(chunks))
	}
	if len(chunks[0].data) != start {
		t.Errorf("first chunk is %d bytes, want %d: the start of the quoted record", len(chunks[0].data), start)
	}
	if chunks[1].firstLine != int64(lines)+1 {
		t.Errorf("second chunk starts at line %d, want %d", chunks[1].firstLine, lines+1)
	}
	if !bytes.HasPrefix(chunks[1].data, []byte("x,ABW,2001,\"a\n")) {
		t.Errorf("second chunk starts with %q", chunks[1].data[:20])
	}
	checkChunks(t, input, chunks, ',')
}

func TestChunkerReadsOnForARecordLongerThanABlock(t *testing.T) {
	input := []byte("x,ABW,2000,\"")
	for len(input) < blockSize+blockSize/2 {
		input = append(input, "0123456789, \"\"quoted\"\"\n"...)
	}
	input = append(input, "\"\nx,ABW,2001,2\n"...)
	input = fillRecords(input, 3*blockSize)
	chunks := readChunks(t, bytes.NewReader(input), ',')
	if len(chunks) < 2 {
		t.Fatalf("%d chunks, want at least 2", len(chunks))
	}
	if first := bytes.Index(input, []byte("x,ABW,2001,2\n")); len(chunks[0].data) < first {
		t.Errorf("first chunk is %d bytes, shorter than the first record (%d bytes)", len(chunks[0].data), first)
	}
	checkChunks(t, input, chunks, ',')
}

func TestChunkerSmallInputs(t *testing.T) {
	for _, input := range []string{"", "a,b", "a,b\n", "a\n\"b\nc\"\nd", "\"never closed\nx\n"} {
		chunks := readChunks(t, iotest.OneByteReader(strings.NewReader(input)), ',')
		if input == "" {
			if len(chunks) != 0 {
				t.Errorf("empty input gives %d chunks", len(chunks))
			}
			continue
		}
		if len(chunks) != 1 || string(chunks[0].data) != input || chunks[0].firstLine != 1 {
			t.Errorf("%q: want one chunk with all the input at line 1, got %d chunks", input, len(chunks))
		}
	}
}

func TestChunkerPendingBytesAndFirstLine(t *testing.T) {
	c := newChunker(strings.NewReader("d\ne,f\n"), ',', 7, []byte("a,b\nc,"))
	ch, err := c.next()
	if err != nil {
		t.Fatal(err)
	}
	if string(ch.data) != "a,b\nc,d\ne,f\n" || ch.firstLine != 7 {
		t.Errorf("chunk %q at line %d, want the pending bytes then the reader's at line 7", ch.data, ch.firstLine)
	}
	if _, err := c.next(); err != io.EOF {
		t.Errorf("second next: %v, want io.EOF", err)
	}
	if c.consumed != 12 || c.line != 10 {
		t.Errorf("consumed %d bytes up to line %d, want 12 and 10", c.consumed, c.line)
	}
}

func TestReadHeader(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		delim    byte // passed in; 0 guesses
		header   []string
		gotDelim byte
		rest     string
		nextLine int64
	}{
		{"comma", "a,b\nc,d\n", 0, []string{"a", "b"}, ',', "c,d\n", 2},
		{"byte-order mark and semicolons", "\xEF\xBB\xBFa;b\n1;2", 0, []string{"a", "b"}, ';', "1;2", 2},
		{"tabs, spaces trimmed", " a \t b\t c\n", 0, []string{"a", "b", "c"}, '\t', "", 2},
		{"header only, no newline", "a,b", 0, []string{"a", "b"}, ',', "", 1},
		{"CRLF", "a,b\r\nc,d\r\n", 0, []string{"a", "b"}, ',', "c,d\r\n", 2},
		{"quoted header over two lines", "\"a\nb\",c\nd,e\n", 0, []string{"a\nb", "c"}, ',', "d,e\n", 3},
		{"quoted delimiters do not count", "\"a;b;c\",d,e\n", 0, []string{"a;b;c", "d", "e"}, ',', "", 2},
		{"blank lines before the header", "\n\r\nindicator;economy;year;value\nx;ABW;2000;1\n", 0,
			[]string{"indicator", "economy", "year", "value"}, ';', "x;ABW;2000;1\n", 4},
		{"delimiter given", "a,b;c\n", ';', []string{"a,b", "c"}, ';', "", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			header, delim, rest, next, err := readHeader(strings.NewReader(tc.data), tc.delim)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(header, tc.header) || delim != tc.gotDelim || string(rest) != tc.rest || next != tc.nextLine {
				t.Errorf("got %q %q rest %q line %d; want %q %q rest %q line %d",
					header, delim, rest, next, tc.header, tc.gotDelim, tc.rest, tc.nextLine)
			}
		})
	}
}

func TestReadHeaderErrors(t *testing.T) {
	tests := []struct{ data, want string }{
		{"", "the file is empty"},
		{"\n\r\n\n", "the file is empty"},
		{"\"a,b\nc,d\n", "line 1: header: a quoted field is never closed"},
		{"\n\"a,b\nc,d\n", "line 2: header: a quoted field is never closed"},
		{"a\"b,c\n", "line 1: header: a quote inside an unquoted field"},
	}
	for _, tc := range tests {
		_, _, _, _, err := readHeader(strings.NewReader(tc.data), 0)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("readHeader(%q): error %v, want %q", tc.data, err, tc.want)
		}
	}
}

// A header longer than the first read, after a blank line, must be read whole rather than cut
// where the first read ended.
func TestReadHeaderLongerThanTheFirstRead(t *testing.T) {
	var h strings.Builder
	h.WriteString("\nindicator,economy")
	for i := range 10000 {
		fmt.Fprintf(&h, ",column%05d", i)
	}
	h.WriteString("\nx,ABW\n")
	header, _, rest, next, err := readHeader(iotest.HalfReader(strings.NewReader(h.String())), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(header) != 10002 || header[10001] != "column09999" {
		t.Errorf("header of %d fields ending %q, want 10002 ending column09999", len(header), header[len(header)-1])
	}
	if string(rest) != "x,ABW\n" || next != 3 {
		t.Errorf("rest %q at line %d, want \"x,ABW\\n\" at line 3", rest, next)
	}
}
