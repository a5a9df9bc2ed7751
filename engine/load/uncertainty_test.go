package load_test

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/ictstat/ictstat/engine/load"
)

// TestUncertaintyColumns loads a long file with standard errors and interval bounds: good rows
// keep them, rows without them hold NULL, bad ones are rejected with their reason, and a row
// equal in value but not in uncertainty to the stored one conflicts with it.
func TestUncertaintyColumns(t *testing.T) {
	st := newStore(t)
	path := writeFile(t, "survey.csv", `indicator,economy,year,sex,value,se,ci_low,ci_high
internet_use_pct,KEN,2024,female,41.5,1.2,39.2,43.9
internet_use_pct,KEN,2024,male,47.25,1.31,,
internet_use_pct,KEN,2023,total,40,,,
internet_use_pct,UGA,2024,female,30,-0.5,,
internet_use_pct,UGA,2024,male,30,1,31,33
internet_use_pct,TZA,2024,female,30,1,25,29
internet_use_pct,TZA,2024,male,30,x,,
internet_use_pct,RWA,2024,male,30,1,-2,33
`)
	o := mustLoad(t, st, path, load.Options{Edition: edition("2025-11"), MaxRejectRate: 1})
	if o.RowsLoaded != 3 || o.RowsRejected != 5 {
		t.Errorf("loaded %d rejected %d, want 3 and 5", o.RowsLoaded, o.RowsRejected)
	}
	want := []string{
		"5|se|-0.5|negative standard error",
		"6|ci_low|31|lower bound above the value 30",
		"7|ci_high|29|upper bound below the value 30",
		"8|se|x|not a number",
		"9|ci_low|-2|percentage outside 0–100",
	}
	got := rejectsOf(t, st, o.Batch)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rejects\n%v\nwant\n%v", got, want)
	}
	rows, err := st.DB().Query(`SELECT economy, year, sex, value, se, ci_low, ci_high FROM observations ORDER BY year, sex`)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for rows.Next() {
		var eco, sex string
		var year int
		var v float64
		var se, lo, hi sql.NullFloat64
		if err := rows.Scan(&eco, &year, &sex, &v, &se, &lo, &hi); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%s %d %s %g %v %v %v", eco, year, sex, v, nullText(se), nullText(lo), nullText(hi)))
	}
	rows.Close()
	wantRows := "[KEN 2023 total 40 null null null KEN 2024 female 41.5 1.2 39.2 43.9 KEN 2024 male 47.25 1.31 null null]"
	if fmt.Sprint(lines) != wantRows {
		t.Errorf("observations %v, want %s", lines, wantRows)
	}

	// The same values again, one with another standard error: unchanged, and a conflict.
	again := writeFile(t, "again.csv", `indicator,economy,year,sex,value,se,ci_low,ci_high
internet_use_pct,KEN,2024,female,41.5,1.2,39.2,43.9
internet_use_pct,KEN,2024,male,47.25,1.4,,
`)
	o = mustLoad(t, st, again, load.Options{Edition: edition("2025-11"), MaxRejectRate: 1})
	if o.RowsUnchanged != 1 || o.RowsRejected != 1 {
		t.Errorf("unchanged %d rejected %d, want 1 and 1", o.RowsUnchanged, o.RowsRejected)
	}
	got = rejectsOf(t, st, o.Batch)
	w := "3|value|47.25|conflicts with the standard error or interval (1.31, none to none) stored for edition 2025-11 by batch 1 (line 3); load a revision as a new edition"
	if len(got) != 1 || got[0] != w {
		t.Errorf("rejects %v, want %s", got, w)
	}
}

func nullText(x sql.NullFloat64) string {
	if !x.Valid {
		return "null"
	}
	return fmt.Sprint(x.Float64)
}
