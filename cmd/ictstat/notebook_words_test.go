package main

import (
	"context"
	"html"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/gaps"
)

// defaultStore opens the default test database read-only.
func defaultStore(t *testing.T) *store.Store {
	t.Helper()
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// wordsTable is a table of a rendered report: its headers and its cells, as text.
type wordsTable struct {
	Headers []string
	Rows    [][]string
	Numeric []bool // per column: right-aligned as numbers
}

var (
	wordsTableTag  = regexp.MustCompile(`(?s)<table>.*?</table>`)
	wordsHeaderTag = regexp.MustCompile(`(?s)<th>(.*?)</th>`)
	wordsRowTag    = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	wordsCellTag   = regexp.MustCompile(`(?s)<td( class="num")?>(.*?)</td>`)
	wordsAnyTag    = regexp.MustCompile(`(?s)<[^>]*>`)
)

// wordsTables are the tables of a rendered HTML report.
func wordsTables(page string) []wordsTable {
	var out []wordsTable
	for _, tb := range wordsTableTag.FindAllString(page, -1) {
		var t wordsTable
		for _, h := range wordsHeaderTag.FindAllStringSubmatch(tb, -1) {
			t.Headers = append(t.Headers, html.UnescapeString(h[1]))
		}
		t.Numeric = make([]bool, len(t.Headers))
		for _, r := range wordsRowTag.FindAllStringSubmatch(tb, -1) {
			cells := wordsCellTag.FindAllStringSubmatch(r[1], -1)
			if len(cells) == 0 {
				continue
			}
			var row []string
			for j, c := range cells {
				row = append(row, html.UnescapeString(c[2]))
				if c[1] != "" && j < len(t.Numeric) {
					t.Numeric[j] = true
				}
			}
			t.Rows = append(t.Rows, row)
		}
		out = append(out, t)
	}
	return out
}

// wordsProse is the text a reader reads outside the tables and figures: title, headings,
// contents and paragraphs, without the render line and the data sources.
func wordsProse(page string) string {
	for _, cut := range []string{`(?s)<head>.*?</head>`, `(?s)<svg.*?</svg>`, `(?s)<table>.*?</table>`,
		`(?s)<p class="meta">.*?</p>`, `(?s)<section class="sources".*?</section>`} {
		page = regexp.MustCompile(cut).ReplaceAllString(page, " ")
	}
	return html.UnescapeString(wordsAnyTag.ReplaceAllString(page, " "))
}

// wordsCodes finds the codes a reader should not meet: the codes of the groups and economies as
// whole words (WLD, LDC, ITU_AFR, KEN) and code-like identifiers (internet_use_pct,
// rural:coverage_2g_pct, group_code).
func wordsCodes(t *testing.T, st *store.Store) *regexp.Regexp {
	t.Helper()
	rows, err := st.DB().Query(`SELECT group_code FROM groups WHERE kind IN ('world', 'itu_region', 'income', 'ldc', 'lldc', 'sids')
		UNION SELECT economy FROM economies`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, regexp.QuoteMeta(c))
	}
	if len(codes) < 200 {
		t.Fatalf("%d codes of groups and economies", len(codes))
	}
	return regexp.MustCompile(`\b(` + strings.Join(codes, "|") + `)\b|\b\w+_\w+\b|\w+:\w+|_pct\b`)
}

// wordsDecimals is the number of decimals of a number as shown, -1 when s is not a number.
func wordsDecimals(s string) int {
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return -1
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

// TestNotebooksSayNamesNotCodes renders the example notebooks, with their default parameters
// and others, and reads them as a report author does: no code of a group, an economy or an
// indicator in the prose, the table headers or the cells, and the numbers of each table column
// with the same decimals (0.90 and 1.00, not 0.9 and 1).
func TestNotebooksSayNamesNotCodes(t *testing.T) {
	st := defaultStore(t)
	codes := wordsCodes(t, st)
	for _, c := range []struct {
		name   string
		params map[string]string
	}{
		{"wsis20.md", nil},
		{"wsis20.md", map[string]string{"group": "SIDS"}},
		{"gender-divide.md", nil},
		{"gender-divide.md", map[string]string{"region": "ITU_EUR"}},
		{"rural-connectivity.md", nil},
		{"rural-connectivity.md", map[string]string{"group": "LDC"}},
		{"facts-and-figures.md", nil},
		{"facts-and-figures.md", map[string]string{"year": "2024"}},
	} {
		label := c.name
		for k, v := range c.params {
			label += " " + k + "=" + v
		}
		_, page := renderExample(t, st, c.name, c.params)
		prose := wordsProse(page)
		for _, m := range codes.FindAllString(prose, -1) {
			i := strings.Index(prose, m)
			t.Errorf("%s: the prose holds the code %q: ...%s...", label, m, strings.Join(strings.Fields(prose[max(0, i-60):min(len(prose), i+60)]), " "))
		}
		tables := wordsTables(page)
		if len(tables) == 0 {
			t.Errorf("%s: no table", label)
		}
		for _, tb := range tables {
			for _, h := range tb.Headers {
				if m := codes.FindString(h); m != "" {
					t.Errorf("%s: the header %q holds the code %q", label, h, m)
				}
			}
			for _, row := range tb.Rows {
				for _, cell := range row {
					if m := codes.FindString(cell); m != "" {
						t.Errorf("%s: a cell of the table %v holds the code %q: %q", label, tb.Headers, m, cell)
					}
				}
			}
			for j, h := range tb.Headers {
				if !tb.Numeric[j] {
					continue
				}
				seen := -1
				for _, row := range tb.Rows {
					d := wordsDecimals(row[j])
					if row[j] == "" || d < 0 {
						continue
					}
					if seen >= 0 && d != seen {
						t.Errorf("%s: the column %q shows numbers with %d and %d decimals (%q)", label, h, seen, d, row[j])
						break
					}
					seen = d
				}
			}
		}
	}
}

// TestNotebookParityWords: the gender notebook places each score in the parity band (0.98–1.02)
// by its unrounded value, as the gaps view does, and shows it so that the number agrees with the
// word: no score shown as 0.98 next to "women behind". Europe has scores just outside the band
// (0.976, 1.022) that two decimals would show as 0.98 and 1.02.
func TestNotebookParityWords(t *testing.T) {
	st := defaultStore(t)
	score := func(q string, args ...any) float64 {
		t.Helper()
		var v float64
		if err := st.DB().QueryRow(q, args...).Scan(&v); err != nil {
			t.Fatalf("%s %v: %v", q, args, err)
		}
		return v
	}
	const economy = `SELECT g.value FROM gaps g JOIN economies e ON e.economy = g.entity
		WHERE e.name = ? AND g.year = ? AND g.measure = 'gender_parity_score' AND g.indicator = 'internet_use_pct' AND g.area = 'total' AND g.age = 'total'`
	const region = `SELECT s.value FROM gaps s JOIN groups r ON r.group_code = s.entity
		WHERE r.name = ? AND s.year = ? AND s.measure = 'gender_parity_score' AND s.indicator = 'internet_use_pct' AND s.area = 'total' AND s.age = 'total'`
	edges, rows := 0, 0
	check := func(where, shown, word string, exact float64) {
		t.Helper()
		rows++
		f, err := strconv.ParseFloat(shown, 64)
		switch {
		case err != nil:
			t.Errorf("%s: the score %q is not a number", where, shown)
		case word != gaps.ParityStatus(exact):
			t.Errorf("%s: %q for the score %v, which is %q", where, word, exact, gaps.ParityStatus(exact))
		case gaps.ParityStatus(f) != word:
			t.Errorf("%s: the score is shown as %s next to %q", where, shown, word)
		case math.Abs(f-exact) > math.Pow(10, -float64(wordsDecimals(shown))):
			t.Errorf("%s: the score %v is shown as %s", where, exact, shown)
		}
		if r := math.Round(exact*100) / 100; gaps.ParityStatus(r) != gaps.ParityStatus(exact) {
			edges++
		}
	}
	for _, r := range []string{"ITU_ARB", "ITU_EUR", "ITU_AMS", "ITU_ASP", "ITU_CIS"} {
		_, page := renderExample(t, st, "gender-divide.md", map[string]string{"region": r})
		m := quoted(t, page, `In (\d+), the world's gender parity score for Internet use was ([0-9.]+)\s+\(([a-z ]+)\)`)
		check(r+", the world", m[1], m[2], score(`SELECT value FROM gaps WHERE entity = 'WLD' AND year = ? AND measure = 'gender_parity_score' AND indicator = 'internet_use_pct' AND area = 'total' AND age = 'total'`, m[0]))
		found := 0
		for _, tb := range wordsTables(page) {
			col := map[string]int{}
			for j, h := range tb.Headers {
				col[h] = j
			}
			s, ok1 := col["Gender parity score"]
			w, ok2 := col["Status"]
			y, ok3 := col["Year"]
			if !ok1 || !ok2 || !ok3 {
				continue
			}
			found++
			name, q := 0, economy
			if _, ok := col["Region"]; ok {
				name, q = col["Region"], region
			}
			for _, row := range tb.Rows {
				check(r+", "+row[name], row[s], row[w], score(q, row[name], row[y]))
			}
		}
		if found != 2 {
			t.Errorf("%s: %d tables of parity scores, want the regions' and the members'", r, found)
		}
	}
	if rows < 50 || edges == 0 {
		t.Errorf("%d scores checked, %d of them where two decimals would cross the band's edge: the test needs both", rows, edges)
	}
}

// TestNotebookGenderNoNowcasts: the gender notebook's world score and the regions' latest scores
// are of years whose score is not a nowcast, and the prose gives the world's score to three
// decimals, as the tables do.
func TestNotebookGenderNoNowcasts(t *testing.T) {
	st := defaultStore(t)
	nowcast := func(q string, args ...any) bool {
		t.Helper()
		var n bool
		if err := st.DB().QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s %v: %v", q, args, err)
		}
		return n
	}
	var any bool
	if err := st.DB().QueryRow(`SELECT bool_or(nowcast) FROM gaps WHERE entity = 'WLD' AND measure = 'gender_parity_score'
		AND indicator = 'internet_use_pct' AND area = 'total' AND age = 'total'`).Scan(&any); err != nil || !any {
		t.Fatalf("the test needs nowcast world scores: %v %v", any, err)
	}
	_, page := renderExample(t, st, "gender-divide.md", nil)
	m := quoted(t, page, `In (\d+), the world's gender parity score for Internet use was ([0-9.]+)`)
	if nowcast(`SELECT nowcast FROM gaps WHERE entity = 'WLD' AND year = ? AND measure = 'gender_parity_score'
		AND indicator = 'internet_use_pct' AND area = 'total' AND age = 'total'`, m[0]) {
		t.Errorf("the world's score of %s is a nowcast, presented as data", m[0])
	}
	if wordsDecimals(m[1]) != 3 {
		t.Errorf("the world's score is given as %s, the tables give three decimals", m[1])
	}
	for _, tb := range wordsTables(page) {
		col := map[string]int{}
		for j, h := range tb.Headers {
			col[h] = j
		}
		r, ok1 := col["Region"]
		y, ok2 := col["Year"]
		if !ok1 || !ok2 {
			continue
		}
		for _, row := range tb.Rows {
			if nowcast(`SELECT s.nowcast FROM gaps s JOIN groups g ON g.group_code = s.entity WHERE g.name = ? AND s.year = ?
				AND s.measure = 'gender_parity_score' AND s.indicator = 'internet_use_pct' AND s.area = 'total' AND s.age = 'total'`, row[r], row[y]) {
				t.Errorf("%s %s: a nowcast score in the table", row[r], row[y])
			}
		}
	}
}
