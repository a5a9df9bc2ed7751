package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRunKeepsTheUsersFolders: `ictstat run` refuses with exit 2, before any step and in a dry
// run, an output folder holding the user's files, the job's own folder and the current folder;
// nothing is deleted and the database does not change.
func TestRunKeepsTheUsersFolders(t *testing.T) {
	db := copyOfDefault(t)
	dir := t.TempDir()
	writeFile(t, dir, "new.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2025,41.5\n")
	job := writeFile(t, dir, "j.yaml", "title: t\noutput: .\nsources:\n  - files: new.csv\n    edition: NSO 2026\ntables:\n  - name: changes\n    formats: [csv]\n")
	v := filepath.Join(dir, "v")
	os.MkdirAll(filepath.Join(v, "precious"), 0o755)
	thesis := writeFile(t, filepath.Join(v, "precious"), "thesis.txt", "x")
	before := fingerprint(t, db)

	for _, args := range [][]string{
		{"--db", db, "run", job, "--out", v},
		{"--db", db, "run", job, "--out", v, "--dry-run"},
		{"--db", db, "run", job, "--out", dir},
	} {
		r := ictstat(t, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "the output folder "+args[len(args)-1]) && !strings.Contains(r.stderr, "the output folder "+args[len(args)-2]) {
			t.Errorf("ictstat %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		if strings.Contains(r.stdout, "load ") {
			t.Errorf("ictstat %s ran a step:\n%s", strings.Join(args, " "), r.stdout)
		}
	}
	// output: . in the job's folder.
	r := ictstatIn(t, dir, nil, "--db", db, "run", "j.yaml")
	if r.code != 2 || !strings.Contains(r.stderr, "is the current folder") {
		t.Errorf("output: .: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, f := range []string{job, thesis, filepath.Join(dir, "new.csv")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s is gone", f)
		}
	}
	if fingerprint(t, db) != before {
		t.Error("the database changed")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".*partial*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestRunSQLReadsNoFile: a job's SQL that writes or reads a file the job does not allow exits 2
// with the line and how to allow it; allow_files lets it read.
func TestRunSQLReadsNoFile(t *testing.T) {
	db := copyOfDefault(t)
	dir := t.TempDir()
	elsewhere := t.TempDir()
	secret := writeFile(t, elsewhere, "secret.csv", "user,password\nroot,hunter2\n")
	target := filepath.Join(elsewhere, "x.csv")
	out := filepath.Join(dir, "out")
	job := func(sql, allow string) string {
		return writeFile(t, dir, "j.yaml", "title: t\noutput: out\ntables:\n  - name: t\n    formats: [csv]\n    sql: |\n      "+sql+"\n"+allow)
	}
	for _, sql := range []string{"COPY (SELECT 1 AS x) TO '" + target + "'", "SELECT * FROM read_csv('" + secret + "')"} {
		r := ictstat(t, "--db", db, "run", job(sql, ""), "--out", out)
		if r.code != 2 || !strings.Contains(r.stderr, "line 4: table t:") || !strings.Contains(r.stderr, "allow_files:") {
			t.Errorf("%s: exit %d\n%s", sql, r.code, r.stderr)
		}
		if _, err := os.Stat(target); err == nil {
			t.Fatalf("%s wrote %s", sql, target)
		}
	}
	r := ictstat(t, "--db", db, "run", job("SELECT * FROM read_csv('"+secret+"')", "allow_files: ["+secret+"]\n"), "--out", out)
	if b, _ := os.ReadFile(filepath.Join(out, "tables", "t.csv")); r.code != 0 || string(b) != "user,password\nroot,hunter2\n" {
		t.Errorf("allowed: exit %d %s; t.csv %q", r.code, r.stderr, b)
	}
}

// TestNotebookReadsNoFile: a notebook's sql blocks are one query that reads, and read no file
// unless the render allows it with --allow-files; a refused block exits 2 with its line.
func TestNotebookReadsNoFile(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	secret := writeFile(t, t.TempDir(), "secret.csv", "user,password\nroot,hunter2\n")
	target := filepath.Join(dir, "x.csv")
	out := filepath.Join(dir, "r.html")
	for _, tc := range []struct{ block, msg string }{
		{"```sql\nSELECT * FROM read_csv('" + secret + "')\n```\n", "Permission Error"},
		{"```sql\nCOPY (SELECT 1 AS x) TO '" + target + "'\n```\n", "Permission Error|COPY statements are not"},
		{"```sql name=x\nSELECT 1 AS x; COPY (SELECT 1 AS x) TO '" + target + "'\n```\n", "one (statement )?at a time"},
		{"```sql name=x\nSELECT * FROM read_csv('" + secret + "')\n```\n", "Permission Error"},
	} {
		nb := writeFile(t, dir, "nb.md", "# Title\n\nSome prose.\n\n"+tc.block)
		r := ictstat(t, "--db", db, "notebook", "render", nb, "-o", out)
		if r.code != 2 || !strings.Contains(r.stderr, "nb.md, line 5: the sql block failed") || !regexp.MustCompile(tc.msg).MatchString(r.stderr) || !strings.Contains(r.stderr, "--allow-files PATH") {
			t.Errorf("%q: exit %d\n%s", tc.block, r.code, r.stderr)
		}
		for _, f := range []string{target, out} {
			if _, err := os.Stat(f); err == nil {
				t.Fatalf("%q wrote %s", tc.block, f)
			}
		}
	}
	nb := writeFile(t, dir, "nb.md", "# Title\n\n```sql name=s\nSELECT * FROM read_csv('"+secret+"')\n```\n\nThe password is {{s.password}}.\n")
	r := ictstat(t, "--db", db, "notebook", "render", nb, "--allow-files", filepath.Dir(secret), "-o", out)
	if html, _ := os.ReadFile(out); r.code != 0 || !strings.Contains(string(html), "The password is hunter2.") {
		t.Errorf("allowed: exit %d %s", r.code, r.stderr)
	}
}

// TestSQLCSVFormulas: `ictstat sql` escapes text a spreadsheet would run as a formula in CSV,
// numbers aside, and --csv-raw writes it as it is.
func TestSQLCSVFormulas(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	q := `SELECT '=cmd|'' /C calc''!A0' AS a, '@SUM(1)' AS b, -0.5 AS c, -12 AS d, '-12' AS e, '+x' AS "=f"`
	r := ictstat(t, "--db", db, "sql", q)
	recs, _ := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if r.code != 0 || len(recs) != 2 || strings.Join(recs[0], "|") != "a|b|c|d|e|'=f" || strings.Join(recs[1], "|") != "'=cmd|' /C calc'!A0|'@SUM(1)|-0.5|-12|-12|'+x" {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = ictstat(t, "--db", db, "sql", "--csv-raw", q)
	recs, _ = csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if r.code != 0 || len(recs) != 2 || strings.Join(recs[1], "|") != "=cmd|' /C calc'!A0|@SUM(1)|-0.5|-12|-12|+x" {
		t.Errorf("--csv-raw: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestResultTableCSVFormulas: the CSV of progress, scorecard and IDI results escapes text a
// spreadsheet would run, such as a group's name, and leaves numbers as they are.
func TestResultTableCSVFormulas(t *testing.T) {
	r := resultTable{columns: []column{{name: "group"}, {name: "name"}, {name: "value"}, {name: "year"}},
		rows: [][]any{{"EAC", "=HYPERLINK(\"x\")", -0.5, -12}, {"@X", "-", 1e-3, 2024}}}
	var buf bytes.Buffer
	if err := r.write(&buf, "csv"); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "group,name,value,year\nEAC,\"'=HYPERLINK(\"\"x\"\")\",-0.5,-12\n'@X,'-,0.001,2024\n" {
		t.Errorf("CSV:\n%s", got)
	}
}
