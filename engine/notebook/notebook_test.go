package notebook

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// testDB is a DuckDB file holding a table of hostile text, as a loaded note or source can be.
func testDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE notes AS SELECT 'KEN' AS economy, '<img src=x onerror=alert(2)>' AS note,
		'<script>alert(1)</script>' AS source, 'a|b \ c' AS "x|y", 'two' || chr(10) || 'lines' AS t`); err != nil {
		t.Fatal(err)
	}
	return db
}

func render(t *testing.T, db *sql.DB, src string, params map[string]string) (*Report, error) {
	t.Helper()
	nb, err := Parse("nb.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return Run(context.Background(), nb, Options{DB: db, Params: params, Notes: []string{"E1: <script>alert(1)</script>, released 2025-01-01"}})
}

// TestMarkdownIsText: values from the database and the parameters are text in the Markdown
// report, as in the HTML one: no HTML tag, no extra table cell, no broken row.
func TestMarkdownIsText(t *testing.T) {
	src := "---\ntitle: \"Notes on {{who}}\"\nparams:\n  who: KEN\n---\n\n```sql name=n\nSELECT * FROM notes\n```\n\n" +
		"The note {{n.note}} from {{n.source}}, for {{who}}.\n"
	rep, err := render(t, testDB(t), src, map[string]string{"who": "<b onmouseover=alert(3)>x</b>|y"})
	if err != nil {
		t.Fatal(err)
	}
	var md, page bytes.Buffer
	if _, err := rep.WriteMarkdown(&md, "nb_files"); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"Markdown": md.String(), "HTML": page.String()} {
		for _, tag := range []string{"<img", "<script", "<b "} {
			if strings.Contains(out, tag) {
				t.Errorf("the %s report holds %s:\n%s", name, tag, out)
			}
		}
	}
	for _, want := range []string{
		"# Notes on &lt;b onmouseover=alert(3)&gt;x&lt;/b&gt;\\|y\n",
		"parameters: who = &lt;b onmouseover=alert(3)&gt;x&lt;/b&gt;\\|y_",
		"| economy | note | source | x\\|y | t |\n|---|---|---|---|---|\n" +
			"| KEN | &lt;img src=x onerror=alert(2)&gt; | &lt;script&gt;alert(1)&lt;/script&gt; | a\\|b \\\\ c | two lines |\n",
		"The note &lt;img src=x onerror=alert(2)&gt; from &lt;script&gt;alert(1)&lt;/script&gt;, for &lt;b onmouseover=alert(3)&gt;x&lt;/b&gt;\\|y.",
		"- E1: &lt;script&gt;alert(1)&lt;/script&gt;, released 2025-01-01\n",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the Markdown report lacks %q:\n%s", want, md.String())
		}
	}
	// The HTML shows the same text.
	if !strings.Contains(page.String(), "<p>The note &lt;img src=x onerror=alert(2)&gt; from &lt;script&gt;alert(1)&lt;/script&gt;, for &lt;b onmouseover=alert(3)&gt;x&lt;/b&gt;|y.</p>") {
		t.Errorf("the HTML report:\n%s", page.String())
	}
}

// TestOnlySelectBlocksAreNamed: a named EXPLAIN, DESCRIBE or SUMMARIZE block fails with its line
// and a message saying which blocks can be named.
func TestOnlySelectBlocksAreNamed(t *testing.T) {
	db := testDB(t)
	for _, q := range []string{"EXPLAIN SELECT * FROM notes", "EXPLAIN ANALYZE SELECT * FROM notes", "DESCRIBE SELECT * FROM notes", "SUMMARIZE notes"} {
		_, err := render(t, db, "# T\n\n```sql name=x\n"+q+"\n```\n", nil)
		var be *Error
		if !errors.As(err, &be) || be.Line != 3 || !strings.Contains(err.Error(), "name=x: only a SELECT block can be named") {
			t.Errorf("%s: %v", q, err)
		}
	}
	for _, q := range []string{"SELECT * FROM notes", "FROM notes", "WITH n AS (SELECT * FROM notes) SELECT * FROM n", "VALUES (1, 2)"} {
		if _, err := render(t, db, "# T\n\n```sql name=x\n"+q+"\n```\n\n{{x.rows}} rows.\n", nil); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	// A name that is also a keyword.
	rep, err := render(t, db, "# T\n\n```sql name=order\nSELECT note FROM notes\n```\n\n```sql\nSELECT count(*) AS n FROM \"order\"\n```\n\n{{order.rows}} row.\n", nil)
	if err != nil || strings.TrimSpace(rep.Results[3].resolved) != "1 row." {
		t.Errorf("name=order: %v", err)
	}
}

// TestTitleQuotesParameters: the title's references to parameters are resolved; a title quoting
// anything else is refused when the notebook is read.
func TestTitleQuotesParameters(t *testing.T) {
	rep, err := render(t, testDB(t), "---\ntitle: \"Internet use in {{economy}}\"\nparams:\n  economy: KEN\n---\n\nText.\n", map[string]string{"economy": "UGA"})
	if err != nil || rep.Title != "Internet use in UGA" {
		t.Errorf("title %q, %v", rep.Title, err)
	}
	for _, title := range []string{"{{x.value}}", "{{country}}"} {
		_, err := Parse("nb.md", []byte("---\ntitle: \""+title+"\"\nparams:\n  economy: KEN\n---\n"))
		if err == nil || !strings.Contains(err.Error(), "a title may quote the parameters only") {
			t.Errorf("%s: %v", title, err)
		}
	}
}

// TestNotebookColumnDecimals: the numbers of a column show with the same decimals: a DECIMAL column's
// scale, a DOUBLE column's decimals=N or else as many as its values need (at most 2), so that
// 0.9 and 1 show as 0.9 and 1.0, not 0.9 and 1; integers and NULL as they are.
func TestNotebookColumnDecimals(t *testing.T) {
	db := testDB(t)
	q := "SELECT * FROM (VALUES (0.9::DOUBLE, 29.26::DOUBLE, 0.976::DECIMAL(4,3), 2024, NULL::DOUBLE), " +
		"(1.0::DOUBLE, 88.0::DOUBLE, 1.0::DECIMAL(4,3), 2025, 3.0::DOUBLE)) AS t(score, pct, exact, year, empty)"
	cases := map[string][][]string{
		"":           {{"0.9", "29.26", "0.976", "2024", ""}, {"1.0", "88.00", "1.000", "2025", "3"}},
		"decimals=1": {{"0.9", "29.3", "0.976", "2024", ""}, {"1.0", "88.0", "1.000", "2025", "3.0"}},
		"decimals=0": {{"1", "29", "0.976", "2024", ""}, {"1", "88", "1.000", "2025", "3"}},
	}
	for opt, want := range cases {
		rep, err := render(t, db, "# T\n\n```sql name=x "+opt+"\n"+q+"\n```\n\nScore {{x.exact | 2}}.\n", nil)
		if err != nil {
			t.Fatalf("%s: %v", opt, err)
		}
		got := rep.Results[1].Table.Cells
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: cells %v, want %v", opt, got, want)
		}
		if s := strings.TrimSpace(rep.Results[2].resolved); s != "Score 0.98." {
			t.Errorf("%q: a DECIMAL quoted with 2 decimals: %q", opt, s)
		}
		if h := rep.Results[1].HTML; !strings.Contains(h, `<td class="num">0.976</td>`) {
			t.Errorf("%q: a DECIMAL is a number:\n%s", opt, h)
		}
	}
	rep, err := render(t, db, "# T\n\n```sql\nSELECT -0.05::DECIMAL(4,3) AS a, 0::DECIMAL(4,2) AS b, 12345678901234567.89::DECIMAL(38,2) AS c\n```\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(rep.Results[1].Table.Cells); got != "[[-0.050 0.00 12345678901234567.89]]" {
		t.Errorf("DECIMAL cells: %s", got)
	}
	for _, bad := range []string{"decimals=x", "decimals=-1", "decimals=10"} {
		if _, err := Parse("nb.md", []byte("```sql "+bad+"\nSELECT 1\n```\n")); err == nil || !strings.Contains(err.Error(), "0 to 9") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
