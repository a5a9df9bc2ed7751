package load_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
)

// countOf is the number of rows of a store table.
func countOf(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM store.` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFilesWithNoDataRowsAreRefused: a file with a header and nothing under it that holds an
// observation loads nothing and creates no batch and no edition.
func TestFilesWithNoDataRowsAreRefused(t *testing.T) {
	st := newStore(t)
	mustLoad(t, st, writeFile(t, "good.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2020,29.5\n"), load.Options{})
	before := fingerprint(t, st)
	editions := countOf(t, st, "editions")
	for _, c := range []struct{ name, content string }{
		{"header only", "indicator,economy,year,value\n"},
		{"header without a newline", "indicator,economy,year,value"},
		{"header and blank lines", "indicator,economy,year,value\r\n\r\n\n"},
		{"wide, every value missing", "Country Code,Series Code,2022 [YR2022],2023 [YR2023]\nKEN,IT.NET.USER.ZS,..,..\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := load.File(context.Background(), st, writeFile(t, "empty.csv", c.content), load.Options{Edition: edition("2030-01")})
			if !errors.Is(err, store.ErrNoDataRows) || !load.IsRefused(err) {
				t.Fatalf("error %v, want a refusal for no data rows", err)
			}
			if want := "empty.csv: no data rows: nothing under the header to load"; !strings.HasSuffix(err.Error(), want) {
				t.Errorf("error %q, want it to end %q", err, want)
			}
			if after := fingerprint(t, st); after != before || countOf(t, st, "editions") != editions {
				t.Errorf("the store changed:\n%s\n%s", before, after)
			}
		})
	}
}

// TestNumbersAndYearsWrittenOddlyAreRejected loads, into a real store, values and years that
// parse but are not what they seem: each row is rejected with its value as written. A year with
// spaces around it loads.
func TestNumbersAndYearsWrittenOddlyAreRejected(t *testing.T) {
	st := newStore(t)
	long := "1" + strings.Repeat("0", 300)
	path := writeFile(t, "odd.csv", strings.Join([]string{
		"indicator,economy,year,value",
		"internet_use_pct,KEN,2020,29.5",
		"internet_use_pct,KEN,2021,-0",
		"internet_use_pct,KEN,2022,1e-400",
		"internet_use_pct,KEN,02023,5",
		`internet_use_pct,KEN,"2024 ",5`,
		"internet_use_pct,KEN,+2025,5",
		"internet_use_pct,UGA,2020," + long,
		"internet_use_pct,UGA,2021,0",
		"",
	}, "\n"))
	o := mustLoad(t, st, path, load.Options{MaxRejectRate: 1})
	want := []string{
		"3|value|-0|negative zero; write 0",
		"4|value|1e-400|number too close to 0 to be stored: below 2.2e-308 it reads as 0 or loses digits",
		"5|year|02023|year not written plainly as digits, e.g. 2024 (no sign or leading zeros)",
		"7|year|+2025|year not written plainly as digits, e.g. 2024 (no sign or leading zeros)",
		"8|value|" + long[:200] + "… (301 bytes)|percentage outside 0–100",
	}
	if got := rejectsOf(t, st, o.Batch); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// "2024 " is 2024: spaces around a field are passed over, in years as in values.
	if o.RowsLoaded != 3 || o.RowsRejected != 5 {
		t.Errorf("loaded %d, rejected %d; want 3 and 5", o.RowsLoaded, o.RowsRejected)
	}
}

// TestLongFieldsAreRejected: a note longer than the bound on a field rejects its row, with the
// note cut in the reject; no such text reaches the store; a record past the bound on a record
// refuses the file.
func TestLongFieldsAreRejected(t *testing.T) {
	st := newStore(t)
	note := strings.Repeat("n", 1<<20)
	path := writeFile(t, "notes.csv", "indicator,economy,year,value,note\n"+
		"internet_use_pct,KEN,2020,29.5,"+note+"\n"+
		"internet_use_pct,KEN,2021,30,short\n")
	o := mustLoad(t, st, path, load.Options{MaxRejectRate: 1})
	want := []string{"2|note|" + note[:200] + "… (1048576 bytes)|field of 1048576 bytes, longer than the 65536 a field may hold"}
	if got := rejectsOf(t, st, o.Batch); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var longest int
	if err := st.DB().QueryRow(`SELECT max(length(text)) FROM store.notes`).Scan(&longest); err != nil || longest != len("short") {
		t.Errorf("longest note stored: %d (%v)", longest, err)
	}

	before := fingerprint(t, st)
	huge := writeFile(t, "huge.csv", "indicator,economy,year,value,note\ninternet_use_pct,KEN,2022,31,"+strings.Repeat("n", 20<<20)+"\n")
	_, err := load.File(context.Background(), st, huge, load.Options{MaxRejectRate: 1})
	if !load.IsRefused(err) || !strings.Contains(err.Error(), "huge.csv: line 2: a record longer than 16 MiB") {
		t.Errorf("a 20 MiB record: %v", err)
	} else if len(err.Error()) > 300 {
		t.Errorf("the error quotes %d bytes", len(err.Error()))
	}
	if after := fingerprint(t, st); after != before {
		t.Errorf("the store changed")
	}
}

// TestDamagedWorkbookIsRefused: a workbook whose sheet is cut off after 60 rows is refused whole,
// not loaded up to the damage.
func TestDamagedWorkbookIsRefused(t *testing.T) {
	st := newStore(t)
	wb := excelize.NewFile()
	rows := [][]any{{"indicator", "economy", "year", "value"}}
	for y := 1961; y <= 2020; y++ {
		rows = append(rows, []any{"internet_use_pct", "KEN", y, float64(y-1960) / 2})
	}
	for i, r := range rows {
		if err := wb.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var whole bytes.Buffer
	if err := wb.Write(&whole); err != nil {
		t.Fatal(err)
	}
	wb.Close()
	good := filepath.Join(t.TempDir(), "good.xlsx")
	if err := os.WriteFile(good, whole.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// The same workbook, its sheet's XML cut in the middle.
	zr, err := zip.NewReader(bytes.NewReader(whole.Bytes()), int64(whole.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var cut bytes.Buffer
	zw := zip.NewWriter(&cut)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			data = data[:len(data)/2]
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	damaged := filepath.Join(t.TempDir(), "damaged.xlsx")
	if err := os.WriteFile(damaged, cut.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	before := fingerprint(t, st)
	_, err = load.File(context.Background(), st, damaged, load.Options{})
	if !load.IsRefused(err) || !strings.Contains(err.Error(), "damaged.xlsx: the workbook is damaged: part xl/worksheets/sheet1.xml: XML syntax error") {
		t.Errorf("error %v, want a refusal naming the damaged part", err)
	}
	if after := fingerprint(t, st); after != before {
		t.Errorf("the store changed")
	}
	if o := mustLoad(t, st, good, load.Options{}); o.RowsLoaded != 60 {
		t.Errorf("the undamaged workbook loaded %d rows, want 60", o.RowsLoaded)
	}
}

// TestFilesPastTheStoreBoundsAreRefused: a file whose rejects, or whose new notes and sources,
// would pass what a load holds until the file's end is refused as it is read, before DuckDB or
// the process runs out of memory.
func TestFilesPastTheStoreBoundsAreRefused(t *testing.T) {
	st := newStore(t)
	before := fingerprint(t, st)
	var b strings.Builder
	b.WriteString("indicator,economy,year,value\n")
	for range store.MaxRejectedRows + 1 {
		b.WriteString("internet_use_pct,KEN,2020,x\n")
	}
	_, err := load.File(context.Background(), st, writeFile(t, "bad.csv", b.String()), load.Options{MaxRejectRate: 1})
	if !errors.Is(err, store.ErrTooManyRejects) || !load.IsRefused(err) || !strings.Contains(err.Error(), "more than 1000000, the most a file may have") {
		t.Errorf("%d rejects: %v", store.MaxRejectedRows+1, err)
	}

	b.Reset()
	b.WriteString("indicator,economy,year,value,note\n")
	note := strings.Repeat("n", 60<<10)
	for i := range store.MaxNewTextBytes/len(note) + 1 {
		fmt.Fprintf(&b, "internet_use_pct,KEN,%d,5,%05d%s\n", 1960+i%141, i, note)
	}
	_, err = load.File(context.Background(), st, writeFile(t, "notes.csv", b.String()), load.Options{MaxRejectRate: 1})
	if !errors.Is(err, store.ErrTooMuchText) || !load.IsRefused(err) || !strings.Contains(err.Error(), "notes and sources add more than 16 MiB of text") {
		t.Errorf("%d MiB of notes: %v", store.MaxNewTextBytes>>20, err)
	}
	if after := fingerprint(t, st); after != before {
		t.Errorf("the store changed")
	}
}
