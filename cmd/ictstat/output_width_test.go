package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// longest is the length in runes of the longest line of s.
func longest(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		n = max(n, utf8.RuneCountInString(l))
	}
	return n
}

const wording = "to encourage the development of content and to put in place technical conditions in order to facilitate the presence and use of all world languages on the Internet"

// wideTable is a table of some 200 runes a line: long texts, numbers and years.
func wideTable() resultTable {
	r := resultTable{columns: []column{{name: "target"}, {name: "indicator"}, {name: "baseline_year", drop: 1},
		{name: "latest", text: decimals(1)}, {name: "status", whole: true}, {name: "coverage_reported", text: percent, drop: 2},
		{name: "wording"}}}
	for i := range 5 {
		r.rows = append(r.rows, []any{fmt.Sprintf("T%d", i+1), "Mobile-cellular telephone subscriptions per 100 inhabitants",
			2005, 72.0 + float64(i), "acceleration needed", 0.947, wording})
	}
	r.rows = append(r.rows, []any{"T9", "—", 0, math.NaN(), "no global data", math.NaN(), "to connect villages"})
	return r
}

func table(t *testing.T, r resultTable, width int) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.writeTable(&b, width); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestOutputFitsWidth: a table printed at width 80 has no line longer than 80 runes; long texts are
// cut with "…" or wrapped, and a note says so and where the full values are.
func TestOutputFitsWidth(t *testing.T) {
	r := wideTable()
	full := table(t, r, 0)
	if longest(full) < 200 || !strings.Contains(full, wording) || strings.Contains(full, "…") {
		t.Fatalf("without a width the table is not printed in full:\n%s", full)
	}
	for _, width := range []int{60, 80, 100, 120, 160} {
		out := table(t, r, width)
		if n := longest(out); n > width {
			t.Errorf("width %d: a line of %d runes:\n%s", width, n, out)
		}
		for _, s := range []string{"T1 ", "T9 ", "acceleration needed"} {
			if !strings.Contains(out, s) {
				t.Errorf("width %d: %q missing:\n%s", width, s, out)
			}
		}
		// The note under the table, its lines joined.
		note := strings.Join(strings.Fields(out), " ")
		if width <= 120 && !strings.Contains(note, "--format csv or json gives every column in full.") {
			t.Errorf("width %d: no note of what was cut:\n%s", width, out)
		}
	}
	// At 80 the indicator is cut, the columns that do not fit left out, the highest drop first
	// (coverage_reported, baseline_year), then from the right (the wording, whose wrapping needs
	// 30 runes), and named; the status (column.whole) is never cut.
	out := table(t, r, 80)
	body, _, _ := strings.Cut(out, "Texts ending")
	if !strings.Contains(body, "Mobile-cellular telephone subscriptions pe…") || strings.Contains(body, "coverage_") ||
		strings.Contains(body, "to encourage") || strings.Contains(body, "2005") ||
		!strings.Contains(strings.Join(strings.Fields(out), " "), "3 columns not shown for the terminal's width: baseline_year, coverage_reported, wording.") {
		t.Errorf("width 80:\n%s", out)
	}
	// At 160 the wording wraps: every word of it is printed, none cut, and nothing is cut or left
	// out, so there is no note.
	out = table(t, r, 160)
	if strings.Contains(out, "…") || strings.Count(out, "Internet") != 5 || !strings.Contains(out, "coverage_") ||
		strings.Contains(out, "--format") || !strings.Contains(out, "to connect villages") {
		t.Errorf("width 160, the wording does not wrap:\n%s", out)
	}
	// No line ends in padding.
	for _, l := range strings.Split(out, "\n") {
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing spaces: %q", l)
		}
	}
}

// TestOutputTableThatFits: a table narrower than the width prints as it always has.
func TestOutputTableThatFits(t *testing.T) {
	r := resultTable{columns: []column{{name: "code"}, {name: "value", text: decimals(1)}, {name: "name"}},
		rows: [][]any{{"KEN", 1.25, "Kenya"}, {"WLD", math.NaN(), "World"}}}
	want := "code  value  name\nKEN   1.2    Kenya\nWLD          World\n"
	for _, width := range []int{0, 80} {
		if got := table(t, r, width); got != want {
			t.Errorf("width %d:\n%q\nwant\n%q", width, got, want)
		}
	}
}

// TestOutputManyColumns: columns that cannot fit are left out, the highest drop first and then
// from the right, and named under the table.
func TestOutputManyColumns(t *testing.T) {
	var r resultTable
	row := []any{}
	for i := range 30 {
		c := column{name: fmt.Sprintf("measure_%02d", i)}
		if i == 3 {
			c.drop = 1
		}
		r.columns = append(r.columns, c)
		row = append(row, 1000.5+float64(i))
	}
	r.rows = [][]any{row}
	out := table(t, r, 80)
	if n := longest(out); n > 80 {
		t.Errorf("a line of %d runes:\n%s", n, out)
	}
	head := strings.Fields(strings.SplitN(out, "\n", 2)[0])
	if head[0] != "measure_" || slices.Contains(head, "03") {
		t.Errorf("header %v: want the names broken at the underscore, measure_03 left out first", head)
	}
	if !strings.Contains(out, "columns not shown for the terminal's width: measure_03, ") || !strings.Contains(out, "measure_29.") {
		t.Errorf("the columns left out are not named:\n%s", out)
	}
	// Even at a width narrower than a column, one column is shown, cut to the width.
	if out := table(t, r, 5); longest(out) > 5 {
		t.Errorf("width 5:\n%s", out)
	}
}

// TestOutputCSVAndJSONIgnoreWidth: with COLUMNS set, CSV and JSON are unchanged and hold every
// value in full, while the table fits.
func TestOutputCSVAndJSONIgnoreWidth(t *testing.T) {
	r := wideTable()
	write := func(format string) string {
		var b bytes.Buffer
		if err := r.write(&b, format); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	t.Setenv("COLUMNS", "")
	csv0, json0, table0 := write("csv"), write("json"), write("table")
	t.Setenv("COLUMNS", "80")
	if got := write("csv"); got != csv0 {
		t.Errorf("CSV changed with COLUMNS=80:\n%s", got)
	}
	if got := write("json"); got != json0 {
		t.Errorf("JSON changed with COLUMNS=80:\n%s", got)
	}
	recs, err := csv.NewReader(strings.NewReader(csv0)).ReadAll()
	if err != nil || len(recs) != 7 || len(recs[0]) != 7 || recs[1][6] != wording {
		t.Errorf("CSV: %v %v", err, recs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(json0), &rows); err != nil || len(rows) != 6 || rows[0]["wording"] != wording {
		t.Errorf("JSON: %v %v", err, rows)
	}
	if longest(table0) < 200 || longest(write("table")) > 80 {
		t.Errorf("tables: %d runes without COLUMNS, %d with COLUMNS=80", longest(table0), longest(write("table")))
	}
}

func TestOutputTableWidth(t *testing.T) {
	var b bytes.Buffer
	for columns, want := range map[string]int{"80": 80, "132": 132, "": 0, "0": 0, "-3": 0, "wide": 0} {
		t.Setenv("COLUMNS", columns)
		if got := tableWidth(&b); got != want {
			t.Errorf("COLUMNS=%q: width %d, want %d", columns, got, want)
		}
	}
}

func TestOutputCutAndWrap(t *testing.T) {
	if got := cut("acceleration needed", 12); got != "acceleratio…" || utf8.RuneCountInString(got) != 12 {
		t.Errorf("cut: %q", got)
	}
	if got := cut("to connect villages", 11); got != "to connect…" {
		t.Errorf("cut at a space: %q", got)
	}
	if got := cut("Kenya", 12); got != "Kenya" {
		t.Errorf("cut: %q", got)
	}
	got := wrap("to connect villages with ICTs and establish", 12)
	want := []string{"to connect", "villages", "with ICTs", "and", "establish"}
	if !slices.Equal(got, want) {
		t.Errorf("wrap: %q, want %q", got, want)
	}
	if got := wrap("internet_use_pct_by_sex", 10); !slices.Equal(got, []string{"internet_u", "se_pct_by_", "sex"}) {
		t.Errorf("wrap of a long word: %q", got)
	}
	if got := wrap("", 10); !slices.Equal(got, []string{""}) {
		t.Errorf("wrap of nothing: %q", got)
	}
	if got := splitName("coverage_reported"); !slices.Equal(got, []string{"coverage_", "reported"}) {
		t.Errorf("splitName: %q", got)
	}
	if got := splitName("required_logit_growth"); !slices.Equal(got, []string{"required_", "logit_growth"}) {
		t.Errorf("splitName: %q", got)
	}
}

// TestScorecardAndProgressFitWidth: the scorecard and progress tables of the default database fit
// 80 columns; CSV is the same with or without COLUMNS, its projected years whole years.
func TestScorecardAndProgressFitWidth(t *testing.T) {
	db := copyOfDefault(t)
	narrow := []string{"COLUMNS=80"}
	r := ictstatIn(t, "", narrow, "--db", db, "scorecard")
	if r.code != 0 || longest(r.stdout) > 80 || !strings.Contains(r.stdout, "target met") || strings.Count(r.stdout, "no global data") != 8 {
		t.Errorf("scorecard at 80 columns: exit %d, longest line %d\n%s%s", r.code, longest(r.stdout), r.stdout, r.stderr)
	}
	r = ictstatIn(t, "", narrow, "--db", db, "progress", "--group", "WLD", "--framework", "umc_2030")
	if r.code != 0 || longest(r.stdout) > 80 || !strings.Contains(r.stdout, "UMC.1") || !strings.Contains(r.stdout, "--format csv or json") {
		t.Errorf("progress at 80 columns: exit %d, longest line %d\n%s%s", r.code, longest(r.stdout), r.stdout, r.stderr)
	}
	r = ictstatIn(t, "", []string{"COLUMNS="}, "--db", db, "progress", "--group", "WLD", "--framework", "umc_2030")
	if longest(r.stdout) < 300 || !strings.Contains(r.stdout, "required_logit_growth") {
		t.Errorf("progress to a pipe is not printed in full: longest line %d", longest(r.stdout))
	}
	args := []string{"--db", db, "progress", "--group", "WLD", "--format", "csv"}
	full, cut := ictstatIn(t, "", []string{"COLUMNS="}, args...), ictstatIn(t, "", narrow, args...)
	if full.stdout != cut.stdout || full.code != 0 {
		t.Errorf("CSV differs with COLUMNS=80")
	}
	recs, err := csv.NewReader(strings.NewReader(full.stdout)).ReadAll()
	if err != nil || len(recs) < 10 {
		t.Fatalf("progress CSV: %v, %d rows", err, len(recs))
	}
	col := slices.Index(recs[0], "projected_year")
	years := 0
	for _, rec := range recs[1:] {
		for _, v := range rec[col : col+3] {
			if v == "" {
				continue
			}
			years++
			if strings.ContainsAny(v, ".e") || len(v) != 4 {
				t.Errorf("projected year %q is not a whole year: %v", v, rec)
			}
		}
	}
	if years == 0 {
		t.Error("no projected years for the world")
	}
}

// TestOutputSameValueLeftOutFirst: a column with one value on every row is left out before the
// columns that tell the rows apart, and the note gives its value.
func TestOutputSameValueLeftOutFirst(t *testing.T) {
	r := resultTable{columns: []column{{name: "framework", cutFirst: true}, {name: "target"}, {name: "measure", drop: 1},
		{name: "entity"}, {name: "level", text: decimals(2)}, {name: "class", whole: true}, {name: "note", drop: 2}}}
	r.rows = [][]any{
		{"connect_2020", "2.1.A", "households_internet_pct", "KEN", 50.0, "limited progress", "note 1: a long note that says a great deal"},
		{"connect_2030", "2.1.A", "households_internet_pct", "KEN", 60.0, "on track", "note 2: a long note that says a great deal"},
		{"umc_2030", "UMC.1", "internet_use_pct", "KEN", 95.0, "deterioration", ""},
	}
	out := table(t, r, 70)
	head := strings.Fields(strings.SplitN(out, "\n", 2)[0])
	if slices.Contains(head, "entity") || !slices.Contains(head, "framework") || !slices.Contains(head, "target") {
		t.Errorf("header %v: want entity left out first, framework and target kept:\n%s", head, out)
	}
	if !strings.Contains(out, "connect_2020") || !strings.Contains(out, "connect_2030") {
		t.Errorf("the rows are not told apart:\n%s", out)
	}
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "entity: KEN on every row.") {
		t.Errorf("no note of the one value:\n%s", out)
	}
}

// TestScorecardIndicatorMissing: a target without an indicator reads "—" in the table only;
// JSON has null and CSV an empty cell.
func TestScorecardIndicatorMissing(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	r := ictstatIn(t, "", []string{"COLUMNS="}, "--db", db, "scorecard")
	if r.code != 0 || !strings.Contains(r.stdout, "—") {
		t.Errorf("table: exit %d, no —\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = ictstat(t, "--db", db, "scorecard", "--format", "json")
	var card []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &card); err != nil || len(card) < 10 {
		t.Fatalf("JSON: %v, %d rows\n%s", err, len(card), r.stdout)
	}
	nulls := 0
	for _, row := range card {
		if row["indicator"] == "—" {
			t.Errorf("JSON indicator —: %v", row)
		}
		if row["indicator"] == nil {
			nulls++
		}
	}
	if nulls == 0 {
		t.Errorf("no target without an indicator in JSON")
	}
	if r = ictstat(t, "--db", db, "scorecard", "--format", "csv"); strings.Contains(r.stdout, "—") {
		t.Errorf("CSV has —:\n%s", r.stdout)
	}
}

// TestProgressEconomyNarrow: at 80 columns the progress of one economy leaves out the entity
// (KEN on every row, as a note says) and keeps the framework and measure, which tell apart the
// rows of one target code; the targets are in their natural order.
func TestProgressEconomyNarrow(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	r := ictstatIn(t, "", []string{"COLUMNS=80"}, "--db", db, "progress", "--economy", "KEN")
	head := strings.Fields(strings.SplitN(r.stdout, "\n", 2)[0])
	if r.code != 0 || longest(r.stdout) > 80 || slices.Contains(head, "entity") || !slices.Contains(head, "framework") ||
		!slices.Contains(head, "measure") || !strings.Contains(strings.Join(strings.Fields(r.stdout), " "), "entity: KEN on every row.") {
		t.Errorf("exit %d, header %v\n%s%s", r.code, head, r.stdout, r.stderr)
	}
	u2, u10 := strings.Index(r.stdout, "UMC.2 "), strings.Index(r.stdout, "UMC.10 ")
	if u2 < 0 || u10 < 0 || u10 < u2 {
		t.Errorf("UMC.10 before UMC.2:\n%s", r.stdout)
	}
}

// TestScorecardSourceEditions: the scorecard's source line names the editions of the indicators
// it rests on, not an edition of an indicator no WSIS target measures.
func TestScorecardSourceEditions(t *testing.T) {
	db := copyOfDefault(t)
	f := writeFile(t, t.TempDir(), "mbb.csv", "indicator,economy,year,value\nmobile_broadband_per100,KEN,2024,61.5\n")
	if r := ictstat(t, "--db", db, "ingest", f, "--edition", "Kenya MBB 2026", "--released", "2026-06-30"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := ictstat(t, "--db", db, "compute"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := ictstatIn(t, "", []string{"COLUMNS="}, "--db", db, "scorecard", "--group", "ITU_EUR")
	src := strings.Join(strings.Fields(r.stdout[strings.Index(r.stdout, "Source:"):]), " ")
	if r.code != 0 || strings.Contains(src, "Kenya MBB") || !strings.Contains(src, "World Bank WDI") {
		t.Errorf("exit %d, source line %q\n%s", r.code, src, r.stderr)
	}
}

// TestOutputChineseAligned: Chinese characters take two terminal cells, so a table of Chinese
// names lines its columns up by cells, not characters, and fits the width in cells.
func TestOutputChineseAligned(t *testing.T) {
	r := resultTable{columns: []column{{name: "经济体"}, {name: "值", text: decimals(1)}, {name: "说明"}}}
	r.rows = [][]any{
		{"中国", 90.6, "国际电联估计"},
		{"联合王国", 97.8, "reported"},
		{"Kenya", 40.8, "在农村地区的互联网使用情况，按性别和年龄分列的数据来自住户调查"},
	}
	for _, width := range []int{0, 40, 60} {
		out := table(t, r, width)
		var starts []int // the cell where the second column starts on each line
		for n, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
			if i := strings.IndexFunc(l, func(c rune) bool { return c >= '0' && c <= '9' || c == '值' }); i >= 0 && n < 4 {
				starts = append(starts, cellWidth(l[:i]))
			}
			if width > 0 && cellWidth(l) > width {
				t.Errorf("width %d: a line of %d cells: %q", width, cellWidth(l), l)
			}
		}
		if len(starts) != 4 || slices.Min(starts) != slices.Max(starts) {
			t.Errorf("width %d: the second column starts at cells %v:\n%s", width, starts, out)
		}
	}
	if got := cut("互联网使用情况", 7); got != "互联网…" || cellWidth(got) > 7 {
		t.Errorf("cut = %q", got)
	}
	if got := runeWidth('ِ') + runeWidth('\u200c') + runeWidth('a') + runeWidth('中'); got != 3 {
		t.Errorf("widths of a kasra, a zero-width non-joiner, a and 中 add up to %d, want 3", got)
	}
}
