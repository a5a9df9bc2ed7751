package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// fuzzSeeds are the crafted CSV inputs of the tests, plus a few edge cases.
var fuzzSeeds = []string{
	longFile, sdmxFile, wideYRFile, ddfFile, owidFile, crlfFile, malformedFile, unclosedFile,
	dataBankFile + "Aruba,ABW,Internet users,IT.NET.USER.ZS,25.4,..,33.5\n\nData from database: WDI\n",
	dataHubHeader + "19257,\"i4213tfbb\",\"FBB\",,\"per 100 people\",4,\"ABW\",\"Aruba\",\"18800\",2009,\"\",\"ITU estimate.\",\"d\"",
	sdgAPIHeader + "4,4.4,4.4.1,SE_ADT_ACTS,\"a, b\",404,Kenya,2019,3.4,2019,ITU,,E,PERCENT,15-24,ALLAREA,FEMALE,COPA,G\n",
	"age,geo_area,location,nature,sex,type_of_skill,units,year,se_adt_acts\n15_24,8,allarea,c,bothsex,copa,percent,2019,32.14765\n",
	"\n\r\nindicator;economy;year;value\nx;ABW;2000;1,5\n",
	"indicator\teconomy\tyear\tvalue\r\nx\tABW\t2000\t\"1\r\n2\"\r\n",
	"\"indicator,economy,year,value\nx,ABW,2000,1\n",
	"indicator,economy,year,value\n\"x\"\r\"y\",ABW,2000,1\n",
	"", "\n", "\"", "a,b\n\"", "\xEF\xBB\xBF",
}

// csvFormats are the formats Open reads from CSV; "" detects the format.
var csvFormats = []string{"", "long", "wide", "itu-datahub", "ddf", "sdg", "owid"}

// FuzzDecode opens arbitrary bytes as a CSV file in every CSV format and decodes them. Whatever
// the input, reading must not panic, must fail only with a FormatError, must free what it
// allocates, must number rows and rejects within the file, and, in the formats with one row per
// record, must give a row or a reject when there is a data line.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	// Inputs run one at a time in each fuzzing process, so they can share one file.
	path := filepath.Join(f.TempDir(), "fuzz.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, format := range csvFormats {
			checkDecodes(t, path, data, format)
		}
	})
}

func checkDecodes(t *testing.T, path string, data []byte, format string) {
	src, err := Open(path, Options{Format: format})
	if err != nil {
		if !errors.As(err, new(*FormatError)) {
			t.Fatalf("format %q: Open error %q is not a FormatError", format, err)
		}
		return
	}
	defer src.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	d, err := readAll(src, mem)
	mem.AssertSize(t, 0)
	if err != nil {
		if !errors.As(err, new(*FormatError)) {
			t.Fatalf("format %q (%s): error %q is not a FormatError", format, src.Format, err)
		}
		return
	}
	lines := int32(bytes.Count(data, []byte{'\n'}) + 1)
	prev := int32(2)
	for _, r := range d.rows {
		if r.Line < prev || r.Line > lines {
			t.Fatalf("format %q (%s): row at line %d after line %d, in a file of %d lines", format, src.Format, r.Line, prev, lines)
		}
		prev = r.Line
	}
	for _, r := range d.rejects {
		if r.Line < 2 || r.Line > int64(lines) || r.Reason == "" || len(r.Value) > 200+len(fmt.Sprintf("… (%d bytes)", len(data))) {
			t.Fatalf("format %q (%s): bad reject %#v in a file of %d lines", format, src.Format, r, lines)
		}
	}
	oneRowPerRecord := src.Format == "long" || src.Format == "itu-datahub"
	if oneRowPerRecord && hasDataLine(data) && len(d.rows)+len(d.rejects) == 0 {
		t.Fatalf("format %q (%s): a data line gives neither a row nor a reject", format, src.Format)
	}
}

// hasDataLine reports whether a line after the header record is not blank.
func hasDataLine(data []byte) bool {
	_, _, rest, _, err := readHeader(bytes.NewReader(data), 0)
	if err != nil {
		return false
	}
	for line := range strings.SplitSeq(string(rest), "\n") {
		if line != "" && line != "\r" {
			return true
		}
	}
	return false
}

// FuzzRecordBoundaries checks that the chunker's cut, for every prefix of the input, is the end
// of the last whole record that the record splitter finds in it, so that chunks split into the
// same records as the whole file.
func FuzzRecordBoundaries(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(0))
	}
	f.Add([]byte("a;\"b\nc\";d\n"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, d uint8) {
		if len(data) > 1024 {
			data = data[:1024]
		}
		delim := ",;\t"[d%3]
		// ends[i]: a record the splitter reads from the start ends with the newline at i-1.
		// A CR alone refuses the file: past it, boundaries do not matter.
		ends := make([]bool, len(data)+1)
		s := recordSplitter{delim: delim}
		limit := len(data)
		for pos := 0; pos < len(data); {
			_, next, _, _, err := s.next(data, pos)
			if errors.Is(err, errCROnly) {
				limit = pos
			}
			if err != nil {
				break
			}
			if data[next-1] == '\n' {
				ends[next] = true
			}
			pos = next
		}
		want := -1
		for k := 0; k <= limit; k++ {
			if ends[k] {
				want = k
			}
			if got := lastRecordEnd(data[:k], delim); got != want {
				t.Fatalf("lastRecordEnd(%q, %q) = %d, want %d", data[:k], delim, got, want)
			}
		}
	})
}
