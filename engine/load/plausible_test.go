package load_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
)

// TestAbsurdValuesAreRejectedWithTheirBound: values past the catalogue's upper bound of their
// indicator are rejected naming the bound; real values, however large, load.
func TestAbsurdValuesAreRejectedWithTheirBound(t *testing.T) {
	st := newStore(t)
	path := writeFile(t, "absurd.csv", strings.Join([]string{
		"indicator,economy,year,value",
		"population,KEN,2020,1e308",
		"mobile_cellular_per100,UGA,2020,1e308",
		"population,IND,2024,1450935791",
		"mobile_cellular_per100,MAC,2019,416.261",
		"mobile_cellular_subs,CHN,2023,1824420000",
		"mobile_cellular_subs,CHN,2024,3e11",
		"price_fixed_broadband_5gb_pct_gni,BDI,2018,964.29",
		"price_fixed_broadband_5gb_usd,ERI,2020,2e5",
		"fixed_traffic_gb_per_sub,KOR,2024,1e6",
		"",
	}, "\n"))
	o := mustLoad(t, st, path, load.Options{MaxRejectRate: 1})
	want := []string{
		"2|value|1e308|above the maximum 2e10 for population",
		"3|value|1e308|above the maximum 1000 for mobile_cellular_per100",
		"7|value|3e11|above the maximum 2e11 for mobile_cellular_subs",
		"9|value|2e5|above the maximum 100000 for price_fixed_broadband_5gb_usd",
		"10|value|1e6|above the maximum 100000 for fixed_traffic_gb_per_sub",
	}
	if got := rejectsOf(t, st, o.Batch); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if o.RowsLoaded != 4 {
		t.Errorf("%d rows loaded, want 4", o.RowsLoaded)
	}
}

// TestWorkbookCellsLoadAsTheirCSV loads a workbook with TRUE and FALSE cells, a date, an error's
// text, a number and a year as text with spaces around them, and the CSV a spreadsheet would save
// from it: both load the same values and reject the same rows for the same reasons.
func TestWorkbookCellsLoadAsTheirCSV(t *testing.T) {
	csv := strings.Join([]string{
		"indicator,economy,year,value",
		"internet_use_pct,ETH,2020,TRUE",
		"internet_use_pct,ETH,2021,2024-03-01",
		"internet_use_pct,ETH,2022,#N/A",
		"internet_use_pct,ETH,2023, 21.5",
		"internet_use_pct,ETH, 2024,22",
		"internet_use_pct,ETH,FALSE,23",
		"internet_use_pct,ETH,2019,19",
		"",
	}, "\n")
	wb := excelize.NewFile()
	rows := [][]any{
		{"indicator", "economy", "year", "value"},
		{"internet_use_pct", "ETH", 2020, true},
		{"internet_use_pct", "ETH", 2021, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"internet_use_pct", "ETH", 2022, "#N/A"},
		{"internet_use_pct", "ETH", 2023, " 21.5"},
		{"internet_use_pct", "ETH", " 2024", 22},
		{"internet_use_pct", "ETH", false, 23},
		{"internet_use_pct", "ETH", 2019, 19},
	}
	for i, r := range rows {
		if err := wb.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	xlsx := filepath.Join(t.TempDir(), "eth.xlsx")
	if err := wb.SaveAs(xlsx); err != nil {
		t.Fatal(err)
	}
	wb.Close()

	want := []string{
		"2|value|TRUE|a TRUE/FALSE cell, not a number",
		"3|value|2024-03-01|a date, not a number",
		"4|value|#N/A|not a number",
		"7|year|FALSE|year is not a whole number",
	}
	var loaded []string
	for i, path := range []string{writeFile(t, "eth.csv", csv), xlsx} {
		st := newStore(t)
		o := mustLoad(t, st, path, load.Options{MaxRejectRate: 1, Edition: edition("2030-01")})
		if got := rejectsOf(t, st, o.Batch); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: rejects:\n%s\nwant:\n%s", filepath.Base(path), strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		loaded = append(loaded, valuesOf(t, st))
		if i == 1 && loaded[1] != loaded[0] {
			t.Errorf("the workbook loaded %s, the CSV %s", loaded[1], loaded[0])
		}
	}
	if loaded[0] != "2019:19.0 2023:21.5 2024:22.0" {
		t.Errorf("loaded %s", loaded[0])
	}
}

// valuesOf lists the store's observations as year:value.
func valuesOf(t *testing.T, st *store.Store) string {
	t.Helper()
	var s string
	err := st.DB().QueryRow(`SELECT coalesce(string_agg(year || ':' || value, ' ' ORDER BY year), '') FROM observations`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFileWithCROnlyDataLinesIsRefused: a file whose header ends with LF and whose data lines
// end with CR alone is refused for its line endings, and nothing of it lands.
func TestFileWithCROnlyDataLinesIsRefused(t *testing.T) {
	st := newStore(t)
	before := fingerprint(t, st)
	path := writeFile(t, "mac.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2019,29.5\rinternet_use_pct,KEN,2020,30\rinternet_use_pct,KEN,2021,31\r")
	_, err := load.File(context.Background(), st, path, load.Options{})
	if !load.IsRefused(err) || !strings.Contains(err.Error(), "line 2: lines end with CR only; save the file with LF or CRLF line endings") {
		t.Errorf("error %v, want a refusal for CR-only lines", err)
	}
	if after := fingerprint(t, st); after != before {
		t.Errorf("the store changed")
	}
}
