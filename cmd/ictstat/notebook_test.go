package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/notebook"
	"github.com/ictstat/ictstat/engine/store"
)

// renderExample renders one of the example notebooks against the default database.
func renderExample(t *testing.T, st *store.Store, name string, params map[string]string) (*notebook.Notebook, string) {
	t.Helper()
	path := filepath.Join("..", "..", "notebooks", name)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := notebook.Parse(path, src)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := renderNotebook(context.Background(), st, nb, params, false)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	// Every block produced output: a table for each query that shows rows, a figure for each chart.
	for i, r := range rep.Results {
		b := nb.Blocks[i]
		switch {
		case b.Kind == "sql" && b.Rows > 0 && !strings.Contains(r.HTML, "<td"):
			t.Errorf("%s, line %d: the query shows no rows", name, b.Line)
		case b.Kind == "chart" && !strings.Contains(r.HTML, "<svg"):
			t.Errorf("%s, line %d: the chart has no figure", name, b.Line)
		case b.Kind == "markdown" && strings.Contains(r.HTML, "{{"):
			t.Errorf("%s, line %d: a reference was left unresolved", name, b.Line)
		}
	}
	html := buf.String()
	charts := 0
	for _, b := range nb.Blocks {
		if b.Kind == "chart" {
			charts++
		}
	}
	if got := strings.Count(html, "<svg"); got != charts {
		t.Errorf("%s: %d inline SVG figures, %d chart blocks", name, got, charts)
	}
	for _, s := range []string{"<nav class=\"toc\">", "Data sources and editions", "World Bank WDI (2025 edition)", "Source: ITU"} {
		if !strings.Contains(html, s) {
			t.Errorf("%s lacks %q", name, s)
		}
	}
	return nb, html
}

func quoted(t *testing.T, html, pattern string) []string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("the report lacks %s", pattern)
	}
	return m[1:]
}

func near(t *testing.T, what, got string, want float64, decimals int) {
	t.Helper()
	if s := fmt.Sprintf("%.*f", decimals, want); got != s {
		t.Errorf("%s: the prose says %s, the database %s", what, got, s)
	}
}

// TestNotebooks renders the three example notebooks from the embedded data: every block has its
// output, the figures are SVG, the numbers in the prose are the database's, and parameters change
// the report.
func TestNotebooks(t *testing.T) {
	st := defaultStore(t)
	q := func(sql string, args ...any) float64 {
		var v float64
		if err := st.DB().QueryRow(sql, args...).Scan(&v); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return v
	}
	agg := `SELECT value FROM aggregates WHERE group_code = ? AND indicator = 'internet_use_pct' AND sex = 'total' AND area = 'total' AND age = 'total' AND year = ?`

	_, html := renderExample(t, st, "wsis20.md", nil)
	m := quoted(t, html, `In 2005, ([0-9.]+)% of the world's population used the Internet; in 2024,\s+([0-9.]+)%`)
	near(t, "world 2005", m[0], q(agg, "WLD", 2005), 1)
	near(t, "world 2024", m[1], q(agg, "WLD", 2024), 1)
	m = quoted(t, html, `In (\d+), ([0-9.]+) billion people were still offline`)
	near(t, "offline", m[1], q(`SELECT value / 1e9 FROM gaps WHERE entity = 'WLD' AND measure = 'offline_persons' AND year = ?`, m[0]), 2)
	if !strings.Contains(html, "Least developed countries: 44 economies in the group's current composition") {
		t.Error("the WSIS+20 report does not count the LDCs")
	}
	_, other := renderExample(t, st, "wsis20.md", map[string]string{"group": "SIDS", "from": "2010"})
	if !strings.Contains(other, "Small island developing States against the world") || !strings.Contains(other, "In 2010, ") || strings.Contains(other, "Least developed countries against the world") {
		t.Error("the parameters did not change the WSIS+20 report")
	}

	_, html = renderExample(t, st, "gender-divide.md", nil)
	m = quoted(t, html, `In (\d+), the world's gender parity score for Internet use was ([0-9.]+)`)
	near(t, "world parity", m[1], q(`SELECT value FROM gaps WHERE entity = 'WLD' AND measure = 'gender_parity_score' AND indicator = 'internet_use_pct' AND area = 'total' AND age = 'total' AND year = ?`, m[0]), 3)
	_, eur := renderExample(t, st, "gender-divide.md", map[string]string{"region": "ITU_EUR"})
	if !strings.Contains(eur, "Europe (ITU region): women and men") || !strings.Contains(eur, "Germany") || strings.Contains(eur, "Egypt") {
		t.Error("region=ITU_EUR did not change the gender report")
	}

	_, html = renderExample(t, st, "rural-connectivity.md", nil)
	m = quoted(t, html, `In (\d+), ([0-9.]+)% of the population \(World\) was covered by 3G or better but\s+only ([0-9.]+)% used the Internet: a usage gap of ([0-9.]+) percentage points`)
	gap := `SELECT %s FROM gaps WHERE entity = 'WLD' AND measure = 'usage_gap_pct' AND year = ?`
	near(t, "covered", m[1], q(fmt.Sprintf(gap, "first"), m[0]), 1)
	near(t, "online", m[2], q(fmt.Sprintf(gap, "second"), m[0]), 1)
	near(t, "usage gap", m[3], q(fmt.Sprintf(gap, "value"), m[0]), 1)
	if v := q(fmt.Sprintf(gap, "value"), m[0]); math.Abs(v-(q(fmt.Sprintf(gap, "first"), m[0])-q(fmt.Sprintf(gap, "second"), m[0]))) > 1e-9 {
		t.Errorf("the usage gap %v is not coverage minus use", v)
	}
}

// TestNotebookErrors: a failing block stops the render with its line, and nothing is written.
func TestNotebookErrors(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := writeFile(t, dir, "bad.md", "---\ntitle: Bad\nparams:\n  economy: KEN\n---\n# A\n\n```sql name=x\nSELECT value FROM observations WHERE economy = {{economy}} LIMIT 1\n```\n\nValue {{x.value}}.\n\n```sql\nSELECT nope FROM observations\n```\n")
	out := filepath.Join(dir, "bad.html")
	r := ictstat(t, "--db", db, "notebook", "render", path, "-o", out)
	if r.code != 2 || !strings.Contains(r.stderr, "bad.md, line 14: the sql block failed") || !strings.Contains(r.stderr, `"nope" not found`) {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed render wrote its report")
	}
	r = ictstat(t, "--db", db, "notebook", "render", path, "-o", out, "-p", "colour=red")
	if r.code != 2 || !strings.Contains(r.stderr, `no parameter "colour"`) {
		t.Errorf("unknown parameter: exit %d: %s", r.code, r.stderr)
	}
	for src, msg := range map[string]string{
		"```sql\nSELECT 1\n":                                           "line 1: the sql block is not closed",
		"```sql name=a b\nSELECT 1\n```\n":                             `option "b"`,
		"---\ntitle: x\ncolour: red\n---\n":                            "field colour not found",
		"```sql name=a\nSELECT 1\n```\n```sql name=a\nSELECT 2\n```\n": "line 4: the name a is also given on line 1",
	} {
		_, err := notebook.Parse("t.md", []byte(src))
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: %v, want %q", src, err, msg)
		}
	}
}

// TestNotebookMarkdown writes the Markdown form, with its figures as PNG files beside it.
func TestNotebookMarkdown(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "rural.md")
	if r := ictstat(t, "--db", db, "notebook", "render", "../../notebooks/rural-connectivity.md", "-o", out); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	md, _ := os.ReadFile(out)
	pngs, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "rural_files", "figure-*.png"))
	if len(pngs) != 2 || !strings.Contains(string(md), "![Figure 1](rural_files/figure-1.png)") || !strings.Contains(string(md), "| Year |") {
		t.Errorf("%d figures; markdown:\n%.600s", len(pngs), md)
	}
	for _, p := range pngs {
		if b, _ := os.ReadFile(p); !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("%s is not a PNG", p)
		}
	}
}

// BenchmarkWSIS20Notebook renders the WSIS+20 notebook to HTML, as `ictstat notebook render`
// does after opening the database.
func BenchmarkWSIS20Notebook(b *testing.B) {
	db, err := defaultDB()
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	src, _ := os.ReadFile("../../notebooks/wsis20.md")
	nb, err := notebook.Parse("wsis20.md", src)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := renderNotebook(context.Background(), st, nb, nil, false)
		if err != nil {
			b.Fatal(err)
		}
		if err := rep.WriteHTML(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNotebookEditionNotes: the data sources of a notebook are the editions with observations of
// the indicators it reads (and the population), their files counted in good English.
func TestNotebookEditionNotes(t *testing.T) {
	st := defaultStore(t)
	ctx := context.Background()
	all, err := editionNotes(ctx, st.DB(), nil)
	if err != nil {
		t.Fatal(err)
	}
	some, err := editionNotes(ctx, st.DB(), []string{"select", "internet_use_pct", "gender_parity_score"})
	if err != nil {
		t.Fatal(err)
	}
	var unused int
	if err := st.DB().QueryRow(`SELECT count(*) FROM editions WHERE edition NOT IN
		(SELECT edition FROM observations WHERE indicator IN ('internet_use_pct', 'population'))`).Scan(&unused); err != nil {
		t.Fatal(err)
	}
	if unused == 0 || len(some) != len(all)-unused {
		t.Errorf("%d notes for internet_use_pct, %d in all, %d editions without it: %q", len(some), len(all), unused, some)
	}
	for _, n := range all {
		if strings.Contains(n, "(1 files)") {
			t.Errorf("%q", n)
		}
	}
	if n := plural(1, "file", "files"); n != "1 file" {
		t.Errorf("plural: %q", n)
	}
}
