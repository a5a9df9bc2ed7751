package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
)

func TestSQL(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	q := `SELECT economy, year, value FROM observations WHERE indicator = 'internet_use_pct' AND economy IN ('KEN', 'TZA')
		AND sex = 'total' AND year = 2019 ORDER BY economy`

	r := ictstat(t, "--db", db, "sql", q)
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if r.code != 0 || err != nil || len(recs) != 3 || recs[1][0] != "KEN" || recs[1][2] != "22.6688" {
		t.Fatalf("CSV to a pipe: exit %d %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}

	r = ictstat(t, "--db", db, "sql", "--format", "json", q)
	var res struct {
		Rows []map[string]any
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || len(res.Rows) != 2 || res.Rows[1]["economy"] != "TZA" {
		t.Errorf("JSON: %v\n%s", err, r.stdout)
	}

	r = ictstat(t, "--db", db, "sql", "--format", "table", q)
	if !strings.Contains(r.stdout, "KEN      2019  22.6688") || !strings.Contains(r.stdout, "(2 rows)") {
		t.Errorf("table:\n%s", r.stdout)
	}

	dir := t.TempDir()
	out := filepath.Join(dir, "r.arrow")
	if r = ictstat(t, "--db", db, "sql", "--format", "arrow", "-o", out, q); r.code != 0 {
		t.Fatalf("arrow: %d %s", r.code, r.stderr)
	}
	b, _ := os.ReadFile(out)
	rd, err := ipc.NewReader(bytes.NewReader(b))
	if err != nil || !rd.Next() || rd.RecordBatch().NumRows() != 2 {
		t.Errorf("the Arrow file does not hold the 2 rows: %v", err)
	}

	// A query from standard input and from a file.
	qf := writeFile(t, dir, "q.sql", "SELECT 6 * 7 AS answer;\n")
	if r = ictstat(t, "--db", db, "sql", "-f", qf); r.stdout != "answer\n42\n" {
		t.Errorf("-f: %q %s", r.stdout, r.stderr)
	}
	cmd := command("--db", db, "sql")
	cmd.Stdin = strings.NewReader("SELECT 1 AS a;\nSELECT 2\n AS b;\n")
	o, err := cmd.Output()
	if err != nil || !strings.Contains(string(o), "a\n-\n1\n(1 row)") || !strings.Contains(string(o), "b\n-\n2\n") {
		t.Errorf("statements from standard input: %v\n%s", err, o)
	}

	// Errors: DuckDB's message with the position; the file of a failed query is not written.
	bad := filepath.Join(dir, "bad.csv")
	r = ictstat(t, "--db", db, "sql", "-o", bad, "SELECT economy FROM observations WHERE yaer = 2020")
	if r.code != 2 || !strings.Contains(r.stderr, `Referenced column "yaer" not found`) || !strings.Contains(r.stderr, "LINE 1:") {
		t.Errorf("bad column: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Error("a failed query wrote its output file")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".bad.csv.*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// Only reads: nothing reaches the database, or any other file, but through -o.
	before := fingerprint(t, db)
	link := filepath.Join(dir, "hard.duckdb")
	if err := os.Link(db, link); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DELETE FROM store.observations", "CREATE TABLE main.x AS SELECT 1",
		"CREATE TEMP TABLE x AS SELECT 1; INSERT INTO store.notes VALUES (999, 'x')",
		"COPY (SELECT 1 AS a) TO '" + db + "'", "COPY (SELECT 1 AS a) TO '" + filepath.Join(dir, "copied.csv") + "'",
		"ATTACH '" + link + "' AS w (READ_WRITE)", "EXPLAIN ANALYZE COPY (SELECT 1 AS a) TO '" + db + "'"} {
		if r = ictstat(t, "--db", db, "sql", q); r.code != 3 {
			t.Errorf("%s: exit %d %s, want 3 (refused)", q, r.code, r.stderr)
		}
	}
	for _, out := range []string{db, link} {
		if r = ictstat(t, "--db", db, "sql", "--format", "csv", "-o", out, "SELECT 1 AS a"); r.code != 2 || !strings.Contains(r.stderr, "is the database file") {
			t.Errorf("-o %s: exit %d %s, want 2", out, r.code, r.stderr)
		}
	}
	if fingerprint(t, db) != before {
		t.Error("a refused query changed the database")
	}
	if _, err := os.Stat(filepath.Join(dir, "copied.csv")); err == nil {
		t.Error("COPY TO wrote a file")
	}
	// On the analyst's own machine a query may read other files, to join them with the views.
	mine := writeFile(t, dir, "mine.csv", "answer\n42\n")
	if r = ictstat(t, "--db", db, "sql", "SELECT answer + 1 AS n FROM read_csv('"+mine+"')"); r.code != 0 || r.stdout != "n\n43\n" {
		t.Errorf("read_csv of a file: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	if r = ictstat(t, "--db", db, "sql", "--format", "xml", "SELECT 1"); r.code != 2 {
		t.Errorf("unknown format: exit %d", r.code)
	}
}
