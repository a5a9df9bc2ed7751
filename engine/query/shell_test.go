package query_test

import (
	"bytes"
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
)

// runShell runs a script in the shell on db and returns what it printed and its errors.
func runShell(t *testing.T, db *sql.DB, script string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	sh := &query.Shell{DB: db, In: strings.NewReader(script), Out: &out, Err: &errb}
	if err := sh.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String()
}

// TestShellTablesCounts: .tables gives each view and table with its row count, count(*), on the
// default database.
func TestShellTablesCounts(t *testing.T) {
	db := computetest.Open(t)
	out, errs := runShell(t, db, ".maxrows 0\n.tables\n")
	if errs != "" {
		t.Errorf("errors: %s", errs)
	}
	if !regexp.MustCompile(`(?m)^schema +name +type +rows$`).MatchString(out) {
		t.Errorf("no header with rows:\n%s", out)
	}
	for _, view := range []string{"observations", "progress", "economies", "targets"} {
		var n int64
		if err := db.QueryRow(`SELECT count(*) FROM main.` + view).Scan(&n); err != nil {
			t.Fatal(err)
		}
		line := regexp.MustCompile(`(?m)^main +` + view + ` +view +(\d+)$`).FindStringSubmatch(out)
		if line == nil || line[1] != strconv.FormatInt(n, 10) || n == 0 {
			t.Errorf("%s: want %d rows, got %v in\n%s", view, n, line, out)
		}
	}
}

// TestShellTablesFailedCount: a view that cannot be counted is listed with a NULL count, and the
// error named; the others keep theirs.
func TestShellTablesFailedCount(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one in-memory database
	for _, q := range []string{`CREATE TABLE t AS SELECT range AS x FROM range(3)`, `CREATE TABLE gone (x INTEGER)`,
		`CREATE VIEW "v w" AS SELECT * FROM t WHERE x > 0`, `CREATE VIEW broken AS SELECT * FROM gone`, `DROP TABLE gone`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	out, errs := runShell(t, db, ".tables\n")
	for _, re := range []string{`(?m)^main +broken +view +NULL$`, `(?m)^main +t +base table +3$`, `(?m)^main +v w +view +2$`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("output lacks %s:\n%s", re, out)
		}
	}
	if !strings.Contains(errs, "counting the rows of broken") {
		t.Errorf("errors: %q", errs)
	}
}
