package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRunSQLPathsFromTheCurrentFolder: DuckDB reads a relative path in a job's SQL from the
// current folder, and allow_files is relative to the job file. Run from another folder, the
// refusal says so, names what the job allows and how to write the path; written so, it runs.
func TestRunSQLPathsFromTheCurrentFolder(t *testing.T) {
	db := copyOfDefault(t)
	dir := t.TempDir()
	jobDir := filepath.Join(dir, "j1")
	os.MkdirAll(filepath.Join(jobDir, "data"), 0o755)
	writeFile(t, filepath.Join(jobDir, "data"), "regions.csv", "code,region\nKEN,East Africa\n")
	job := func(path string) string {
		return writeFile(t, jobDir, "t.yaml", "title: t\noutput: out\nallow_files: [data]\ntables:\n  - name: r\n    formats: [csv]\n    sql: SELECT * FROM read_csv('"+path+"')\n")
	}
	job("data/regions.csv")
	r := ictstatIn(t, dir, nil, "--db", db, "run", "j1/t.yaml")
	allowed := filepath.Join(jobDir, "data")
	if r.code != 2 || !strings.Contains(r.stderr, "j1/t.yaml, line 5: table r: Permission Error") ||
		!strings.Contains(r.stderr, "from the current folder, "+dir+", not from the job's folder; the job allows "+allowed) ||
		!strings.Contains(r.stderr, "write 'data/regions.csv' as 'j1/data/regions.csv'") {
		t.Errorf("from the parent folder: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("the refused job wrote its output")
	}
	// From the job's folder the same job runs; from the parent, the path the message gives.
	if r := ictstatIn(t, jobDir, nil, "--db", db, "run", "t.yaml"); r.code != 0 {
		t.Errorf("from the job's folder: exit %d\n%s", r.code, r.stderr)
	}
	job("j1/data/regions.csv")
	r = ictstatIn(t, dir, nil, "--db", db, "run", "j1/t.yaml")
	if b, _ := os.ReadFile(filepath.Join(dir, "out", "tables", "r.csv")); r.code != 0 || string(b) != "code,region\nKEN,East Africa\n" {
		t.Errorf("the path as the message gives it: exit %d %s; r.csv %q", r.code, r.stderr, b)
	}
}

// TestRunSQLCheckedBeforeAnyStep: mistakes in a table's SQL and a format the SQL cannot give
// exit 2 with the line before anything is loaded, in a dry run too.
func TestRunSQLCheckedBeforeAnyStep(t *testing.T) {
	db := copyOfDefault(t)
	dir := t.TempDir()
	writeFile(t, dir, "new.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2025,41.5\n")
	before := fingerprint(t, db)
	head := "title: t\noutput: out\nsources:\n  - files: new.csv\n    edition: NSO 2026\ntables:\n"
	for _, tc := range []struct{ table, msg string }{
		{"  - name: t\n    formats: [csv]\n    sql: \"SELECT nosuchcol FROM economies\"\n", `line 7: table t: Binder Error: Referenced column "nosuchcol" not found`},
		{"  - name: t\n    formats: [sdmx-csv]\n    sql: SELECT economy, year, value FROM observations\n", "line 7: table t: SDMX-CSV needs a column indicator"},
	} {
		job := writeFile(t, dir, "j.yaml", head+tc.table)
		for _, dry := range []bool{false, true} {
			args := []string{"--db", db, "run", job}
			if dry {
				args = append(args, "--dry-run")
			}
			r := ictstat(t, args...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.msg) || strings.Contains(r.stdout, "load") || strings.Contains(r.stdout, "rows read") {
				t.Errorf("%s dry run %v: exit %d\n%s%s", tc.table, dry, r.code, r.stdout, r.stderr)
			}
		}
	}
	if fingerprint(t, db) != before {
		t.Error("the database changed")
	}
}

// TestRunKeepsFoldersNamedLikeStaging: a folder of the user's named as ictstat's staging
// folders are is left alone by a run of that output.
func TestRunKeepsFoldersNamedLikeStaging(t *testing.T) {
	db := copyOfDefault(t)
	dir := t.TempDir()
	writeFile(t, dir, "j.yaml", "title: t\noutput: rel\ntables:\n  - name: targets\n    formats: [csv]\n")
	var notes []string
	for _, name := range []string{".rel.partial-mynotes", ".rel.partial-2024", ".rel.partial-7.previous"} {
		os.MkdirAll(filepath.Join(dir, name), 0o755)
		notes = append(notes, writeFile(t, filepath.Join(dir, name), "notes.txt", "mine"))
	}
	for i := 0; i < 2; i++ {
		if r := ictstatIn(t, dir, nil, "--db", db, "run", "j.yaml"); r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
	}
	for _, n := range notes {
		if b, _ := os.ReadFile(n); string(b) != "mine" {
			t.Errorf("%s is gone", n)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".rel.*"))
	if len(left) != 3 {
		t.Errorf("left %v", left)
	}
}

// TestNotebookReportIsNotItsSource: a report written over its notebook, through a symbolic
// link too, or over the database exits 2 and changes neither.
func TestNotebookReportIsNotItsSource(t *testing.T) {
	db := copyOfDefault(t)
	dir := t.TempDir()
	src := "# Notes\n\n```sql\nSELECT 1 AS x\n```\n"
	nb := writeFile(t, dir, "rc.md", src)
	os.Symlink(nb, filepath.Join(dir, "link.md"))
	os.Symlink(db, filepath.Join(dir, "db.html"))
	before := fingerprint(t, db)
	for _, out := range []string{nb, filepath.Join(dir, ".", "rc.md"), filepath.Join(dir, "link.md"), filepath.Join(dir, "db.html")} {
		r := ictstat(t, "--db", db, "notebook", "render", nb, "-o", out)
		if r.code != 2 || !regexp.MustCompile(`-o \S+ is the (notebook|database) `).MatchString(r.stderr) {
			t.Errorf("-o %s: exit %d\n%s", out, r.code, r.stderr)
		}
	}
	if b, _ := os.ReadFile(nb); string(b) != src {
		t.Error("the notebook changed")
	}
	if fingerprint(t, db) != before {
		t.Error("the database changed")
	}
	if r := ictstat(t, "--db", db, "notebook", "render", nb, "-o", filepath.Join(dir, "report.md")); r.code != 0 {
		t.Errorf("a report of its own: exit %d\n%s", r.code, r.stderr)
	}
}

// TestNotebookReadmeExamples renders the format example of notebooks/README.md, to HTML and to
// Markdown, and a named EXPLAIN block exits 2 with its line.
func TestNotebookReadmeExamples(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../notebooks/README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)\n````markdown\n(.*?)\n````\n").FindSubmatch(readme)
	if m == nil {
		t.Fatal("notebooks/README.md has no format example")
	}
	dir := t.TempDir()
	nb := writeFile(t, dir, "example.md", string(m[1]))
	r := ictstat(t, "--db", db, "notebook", "render", nb, "-o", filepath.Join(dir, "example.html"))
	page, _ := os.ReadFile(filepath.Join(dir, "example.html"))
	if r.code != 0 || !strings.Contains(string(page), "<h1>Internet use in KEN</h1>") ||
		!regexp.MustCompile(`In 20\d\d, \d+\.\d% of the population used the Internet.`).Match(page) {
		t.Errorf("HTML: exit %d %s", r.code, r.stderr)
	}
	r = ictstat(t, "--db", db, "notebook", "render", nb, "-p", "economy=UGA", "-o", filepath.Join(dir, "example.md.md"))
	md, _ := os.ReadFile(filepath.Join(dir, "example.md.md"))
	if r.code != 0 || !strings.HasPrefix(string(md), "# Internet use in UGA\n") || !strings.Contains(string(md), "![Figure 1]") {
		t.Errorf("Markdown: exit %d %s\n%.300s", r.code, r.stderr, md)
	}

	bad := writeFile(t, dir, "explain.md", "# E\n\n```sql name=plan\nEXPLAIN ANALYZE SELECT * FROM latest\n```\n")
	r = ictstat(t, "--db", db, "notebook", "render", bad, "-o", filepath.Join(dir, "explain.html"))
	if r.code != 2 || !strings.Contains(r.stderr, "explain.md, line 3: the sql block failed: name=plan: only a SELECT block can be named") {
		t.Errorf("a named EXPLAIN: exit %d\n%s", r.code, r.stderr)
	}
}

// TestRunReadmeJobExample runs the job file README.md describes, with files of its names.
func TestRunReadmeJobExample(t *testing.T) {
	db := copyOfDefault(t)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)A job file says once what a release does.*?\n```yaml\n(.*?)\n```\n").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no job example")
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	writeFile(t, dir, "job.yaml", string(m[1]))
	writeFile(t, filepath.Join(dir, "data"), "household-survey-2026.csv", "indicator,Country Code,year,value\ninternet_use_pct,KEN,2025,41.5\n")
	writeFile(t, filepath.Join(dir, "data"), "regions.csv", "code,region\nKEN,East Africa\n")
	r := ictstatIn(t, dir, nil, "--db", db, "run", "job.yaml")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, f := range []string{"tables/progress.csv", "tables/changes.sdmx.csv", "tables/tables.xlsx", "charts/internet-use.png", "scorecard.md", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(dir, "release-2026", f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
