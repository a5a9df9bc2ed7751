package release_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/indicators/release"
)

// TestJobSQLCheckedFirst: mistakes in a table's SQL, and SQL that lacks the columns its format
// needs, make the job invalid before any step runs, in a dry run too, naming the line; a query
// that fails only when it runs makes the job invalid too, and nothing lands.
func TestJobSQLCheckedFirst(t *testing.T) {
	dbPath := database(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	os.WriteFile(filepath.Join(dir, "new.csv"), []byte("indicator,economy,year,value\ninternet_use_pct,KEN,2025,41.5\n"), 0o644)
	before, _ := os.ReadFile(dbPath)
	head := "title: t\noutput: out\nsources:\n  - files: new.csv\n    edition: NSO 2026\ntables:\n  - name: ok\n    formats: [csv]\n    sql: SELECT 1 AS x;\n"
	for _, tc := range []struct{ table, msg string }{
		{"  - name: t\n    formats: [csv]\n    sql: SELECT nosuchcol FROM economies\n", `line 10: table t: Binder Error: Referenced column "nosuchcol" not found`},
		{"  - name: t\n    formats: [csv]\n    sql: SELEC 1\n", "line 10: table t: Parser Error"},
		{"  - name: t\n    formats: [sdmx-csv]\n    sql: SELECT economy, year, value FROM observations\n", "line 10: table t: SDMX-CSV needs a column indicator; the sql gives economy, year, value"},
		{"  - name: t\n    formats: [csv, sdmx-csv]\n    sql: SELECT indicator, year, value FROM observations\n", "line 10: table t: SDMX-CSV needs a column economy, group_code or entity"},
		{"  - name: t\n    formats: [csv]\n    sql: \"  \"\n", "line 10: table t:"},
		{"  - name: t\n    formats: [csv]\n    sql: INSERT INTO store.notes VALUES (1, 'x')\n", "line 10: table t: only queries that read are allowed"},
	} {
		j, err := release.Read(writeJob(t, dir, "j.yaml", head+tc.table))
		if err != nil {
			t.Fatal(err)
		}
		for _, dry := range []bool{true, false} {
			var steps []string
			_, err := release.Run(context.Background(), j, release.Options{Database: dbPath, Out: out, DryRun: dry,
				Progress: func(s string) { steps = append(steps, s) }})
			if !errors.Is(err, release.ErrInvalid) || !strings.Contains(err.Error(), tc.msg) || len(steps) > 0 {
				t.Errorf("%s dry run %v: %v, steps %v; want an invalid job saying %q", tc.table, dry, err, steps, tc.msg)
			}
		}
	}

	// A query DuckDB can prepare but not run: the job is invalid, and nothing landed.
	j, err := release.Read(writeJob(t, dir, "j.yaml", head+"  - name: t\n    formats: [csv]\n    sql: SELECT CAST(name AS INTEGER) AS n FROM economies\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = release.Run(context.Background(), j, release.Options{Database: dbPath, Out: out})
	if !errors.Is(err, release.ErrInvalid) || !strings.Contains(err.Error(), "line 10: table t: Conversion Error") {
		t.Errorf("a query that fails as it runs: %v", err)
	}
	if after, _ := os.ReadFile(dbPath); !bytes.Equal(before, after) || exists(out) {
		t.Error("the failed run landed")
	}
}
