package ingest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// crlfFile has a byte-order mark, CRLF line endings, blank lines, quoted fields and no final
// newline.
const crlfFile = "\xEF\xBB\xBFindicator,economy,year,value,note\r\n" + // line 1
	"\r\n" + // 2
	"x,ABW,2005,1.5,\"a, b\"\r\n" + // 3
	"x,\"ABW\",2006,2,plain\r\n" + // 4
	"\r\n\r\n" + // 5, 6
	"x,\"KEN\",2007,3,\"two\r\nlines\"\r\n" + // 7, 8
	"x,KEN,2008,4,last" // 9

func TestCSVLineEndingsByteOrderMarkAndBlankLines(t *testing.T) {
	want := []obs{
		{Line: 3, Indicator: "x", Economy: "ABW", Year: "2005", Value: "1.5", Note: "a, b"},
		{Line: 4, Indicator: "x", Economy: "ABW", Year: "2006", Value: "2", Note: "plain"},
		{Line: 7, Indicator: "x", Economy: "KEN", Year: "2007", Value: "3", Note: "two\r\nlines"},
		{Line: 9, Indicator: "x", Economy: "KEN", Year: "2008", Value: "4", Note: "last"},
	}
	t.Run("CRLF", func(t *testing.T) {
		src, d := decodeText(t, "crlf.csv", crlfFile, Options{})
		if src.Format != "long" {
			t.Errorf("format %q, want long", src.Format)
		}
		checkRows(t, d.rows, want)
		checkRejects(t, d.rejects, nil)
	})
	t.Run("LF", func(t *testing.T) {
		lf := slicesMap(want, func(o obs) obs { o.Note = strings.ReplaceAll(o.Note, "\r\n", "\n"); return o })
		_, d := decodeText(t, "lf.csv", strings.ReplaceAll(crlfFile, "\r\n", "\n"), Options{})
		checkRows(t, d.rows, lf)
	})
}

func slicesMap[T any](in []T, f func(T) T) []T {
	out := make([]T, len(in))
	for i, x := range in {
		out[i] = f(x)
	}
	return out
}

// longRecord is a record too long to be quoted back whole in a reject.
var longRecord = "x,ABW,2007," + strings.Repeat("9", 300) + ",extra"

// malformedFile has one malformed record of each kind among well-formed ones.
var malformedFile = "indicator,economy,year,value\n" + // 1
	"x,ABW,2000,1\n" + // 2
	"x,ABW,2001\n" + // 3: a field short
	"x,ABW,2002,5\"\n" + // 4: quote inside an unquoted field
	"x,ABW,\"2003\"x,1\n" + // 5: text after a closing quote
	"x,\xffBW,2004,1\n" + // 6: not UTF-8
	"\"x\",\"ABW\",\"2005\",\"1\n0\"\n" + // 7, 8: a well-formed value over two lines
	"x,ABW,2006,6\n" + // 9
	longRecord + "\n" // 10: a field too many

func TestCSVMalformedRecordsAreRejectedOneByOne(t *testing.T) {
	_, d := decodeText(t, "bad.csv", malformedFile, Options{})
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "x", Economy: "ABW", Year: "2000", Value: "1"},
		{Line: 7, Indicator: "x", Economy: "ABW", Year: "2005", Value: "1\n0"},
		{Line: 9, Indicator: "x", Economy: "ABW", Year: "2006", Value: "6"},
	})
	checkRejects(t, d.rejects, []Reject{
		{Line: 3, Value: "x,ABW,2001", Reason: "expected 4 fields as in the header, found 3"},
		{Line: 4, Value: "x,ABW,2002,5\"", Reason: "a quote inside an unquoted field"},
		{Line: 5, Value: "x,ABW,\"2003\"x,1", Reason: "text after a closing quote"},
		{Line: 6, Value: "x,\uFFFDBW,2004,1", Reason: "the record is not valid UTF-8 text"}, // shown as valid text
		{Line: 10, Value: longRecord[:200] + fmt.Sprintf("… (%d bytes)", len(longRecord)), Reason: "expected 4 fields as in the header, found 5"},
	})
}

// unclosedFile opens a quote on line 3 that is never closed.
const unclosedFile = "indicator,economy,year,value\nx,ABW,2000,1\nx,ABW,2001,\"2\nx,ABW,2002,3\n"

func TestCSVUnclosedQuoteAtTheEndOfTheFile(t *testing.T) {
	src := openSource(t, writeTemp(t, "open.csv", unclosedFile), Options{})
	_, err := readAll(src, memory.NewGoAllocator())
	if err == nil {
		t.Fatal("decoding succeeded, want an error for the quote opened on line 3")
	}
	checkFormatError(t, err, "line 3: a quoted field is never closed")
}

func TestCSVUnclosedQuoteInTheHeader(t *testing.T) {
	openFails(t, "open.csv", "\"indicator,economy,year,value\nx,ABW,2000,1\n", Options{},
		"open.csv", "line 1: header: a quoted field is never closed")
}

// bigQuotedFile is a long CSV file of several chunks: a record with a stray quote on line 2, then
// n records whose note is quoted over two lines, record i starting on line 3+2i.
func bigQuotedFile(n int) string {
	var b strings.Builder
	b.WriteString("indicator,economy,year,value,note\nx,ABW,1999,0,5\" screen\n")
	for i := range n {
		fmt.Fprintf(&b, "x,ABW,%d,%d,\"first line, \"\"quoted\"\"\nsecond line\"\n", i, i)
	}
	return b.String()
}

func TestCSVLineNumbersAcrossChunksAndAStrayQuote(t *testing.T) {
	const n = 200000
	content := bigQuotedFile(n)
	if len(content) < 2*blockSize {
		t.Fatalf("test file of %d bytes is too small to span three chunks", len(content))
	}
	_, d := decodeText(t, "big.csv", content, Options{})
	if d.chunks < 3 {
		t.Errorf("%d chunks, want at least 3", d.chunks)
	}
	checkRejects(t, d.rejects, []Reject{{Line: 2, Value: "x,ABW,1999,0,5\" screen", Reason: "a quote inside an unquoted field"}})
	if len(d.rows) != n {
		t.Fatalf("%d rows, want %d", len(d.rows), n)
	}
	for i, r := range d.rows {
		want := obs{Line: int32(3 + 2*i), Indicator: "x", Economy: "ABW", Year: fmt.Sprint(i), Value: fmt.Sprint(i),
			Note: "first line, \"quoted\"\nsecond line"}
		if r != want {
			t.Fatalf("row %d: got %#v, want %#v", i, r, want)
		}
	}
}

func TestCSVDelimiters(t *testing.T) {
	tests := []struct {
		name, content string
		delim         byte
	}{
		{"semicolons guessed, decimal comma kept", "indicator;economy;year;value\nx;ABW;2000;1,5\n", 0},
		{"tabs guessed", "indicator\teconomy\tyear\tvalue\nx\tABW\t2000\t1,5\n", 0},
		{"semicolons guessed after blank lines", "\n\r\nindicator;economy;year;value\nx;ABW;2000;1,5\n", 0},
		{"semicolons given", "indicator;economy;year;value\nx;ABW;2000;1,5\n", ';'},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, d := decodeText(t, "d.csv", tc.content, Options{Delimiter: tc.delim})
			line := int32(strings.Count(tc.content, "\n"))
			checkRows(t, d.rows, []obs{{Line: line, Indicator: "x", Economy: "ABW", Year: "2000", Value: "1,5"}})
		})
	}
}

func TestCSVHeaderOnlyAndEmptyFiles(t *testing.T) {
	src, d := decodeText(t, "h.csv", "indicator,economy,year,value\n\n", Options{})
	if len(d.rows) != 0 || len(d.rejects) != 0 {
		t.Errorf("a file with only a header gives %d rows and %d rejects", len(d.rows), len(d.rejects))
	}
	if _, ok := src.SHA256(); !ok {
		t.Error("no SHA-256 after the last chunk")
	}
	openFails(t, "empty.csv", "", Options{}, "the file is empty")
	openFails(t, "blank.csv", "\n\n", Options{}, "the file is empty")
}

func TestCSVProgressCountsTheBytesHandedOut(t *testing.T) {
	content := bigQuotedFile(200000)
	src := openSource(t, writeTemp(t, "big.csv", content), Options{})
	if done, total := src.Progress(); done >= total || total != int64(len(content)) {
		t.Errorf("progress %d of %d before the first chunk, want less than %d of %d", done, total, len(content), len(content))
	}
	d := decodeNext(t, src)
	// The first chunk ends with the record that starts on the last row's line and spans two lines,
	// so it hands out the bytes before line last+2.
	last := int(d.rows[len(d.rows)-1].Line)
	want := 0
	for range last + 1 {
		want += strings.IndexByte(content[want:], '\n') + 1
	}
	if done, _ := src.Progress(); done != int64(want) {
		t.Errorf("progress %d after the first chunk, want %d: the bytes up to line %d", done, want, last+2)
	}
	if _, err := readAll(src, memory.NewGoAllocator()); err != nil {
		t.Fatal(err)
	}
	if done, total := src.Progress(); done != total {
		t.Errorf("progress %d of %d at the end", done, total)
	}
}
