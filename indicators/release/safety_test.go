package release_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/indicators/release"
)

// editions lists the editions of the database at path.
func editions(t *testing.T, path string) []string {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	rows, err := db.Query(`SELECT edition FROM editions ORDER BY edition`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		rows.Scan(&e)
		out = append(out, e)
	}
	return out
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// TestOutputFolderOfTheUser: a run refuses, before any step and in a dry run too, an output
// folder holding files it did not write, its job's own folder, and a folder holding the
// database; it replaces its own previous output.
func TestOutputFolderOfTheUser(t *testing.T) {
	dbPath := database(t)
	dir := t.TempDir()
	jobPath := writeJob(t, dir, "j.yaml", "title: t\noutput: v\ntables:\n  - name: targets\n    formats: [csv]\n")
	j, err := release.Read(jobPath)
	if err != nil {
		t.Fatal(err)
	}
	v := filepath.Join(dir, "v")
	thesis := filepath.Join(v, "precious", "thesis.txt")
	os.MkdirAll(filepath.Dir(thesis), 0o755)
	os.WriteFile(thesis, []byte("x"), 0o644)
	for _, dry := range []bool{true, false} {
		_, err := release.Run(context.Background(), j, release.Options{Database: dbPath, Out: v, DryRun: dry})
		if !errors.Is(err, release.ErrInvalid) || !strings.Contains(err.Error(), "the output folder "+v+" holds") || !strings.Contains(err.Error(), "precious/") {
			t.Errorf("dry run %v: %v", dry, err)
		}
		if b, _ := os.ReadFile(thesis); string(b) != "x" {
			t.Fatal("the user's file is gone")
		}
	}

	// The job's own folder, with the job file in it.
	_, err = release.Run(context.Background(), j, release.Options{Database: dbPath, Out: dir})
	if !errors.Is(err, release.ErrInvalid) || !strings.Contains(err.Error(), "j.yaml") {
		t.Errorf("the job's folder: %v", err)
	}
	if !exists(jobPath) || !exists(thesis) {
		t.Fatal("the job's folder lost files")
	}

	// A folder that would hold the database, built there by the run.
	fresh := filepath.Join(dir, "fresh")
	_, err = release.Run(context.Background(), j, release.Options{Database: filepath.Join(fresh, "ictstat.duckdb"), Out: fresh})
	if !errors.Is(err, release.ErrInvalid) || !strings.Contains(err.Error(), "inside the output folder") || exists(fresh) {
		t.Errorf("the database in the output folder: %v", err)
	}

	// A new folder, then the same folder again: the previous output of ictstat is replaced.
	out := filepath.Join(dir, "new")
	run(t, jobPath, dbPath, out)
	run(t, jobPath, dbPath, out)
	if !exists(filepath.Join(out, "tables", "targets.csv")) {
		t.Error("the second run did not publish")
	}
}

// TestFailedPublish: a run whose publishing fails leaves the database and the previous release
// as they were, and removes the staging folders killed runs left.
func TestFailedPublish(t *testing.T) {
	dbPath := database(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "release")
	run(t, writeJob(t, dir, "first.yaml", "title: first\noutput: release\ntables:\n  - name: targets\n    formats: [csv]\n"), dbPath, out)
	previous, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	stale := filepath.Join(dir, ".release.partial-4242")
	os.MkdirAll(filepath.Join(stale, "tables"), 0o755)
	os.WriteFile(filepath.Join(stale, "tables", "changes.csv"), []byte("left by a killed run"), 0o644)
	os.WriteFile(filepath.Join(stale, ".ictstat-staging"), nil, 0o644) // the marker of ictstat's staging folders

	os.WriteFile(filepath.Join(dir, "new.csv"), []byte("indicator,economy,year,value\ninternet_use_pct,KEN,2025,41.5\n"), 0o644)
	j, err := release.Read(writeJob(t, dir, "new.yaml", "title: new\noutput: release\nsources:\n  - files: new.csv\n    edition: NSO 2026\ntables:\n  - name: changes\n    formats: [csv]\n"))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(dbPath)
	unchanged := func(when string) {
		t.Helper()
		if after, _ := os.ReadFile(dbPath); !bytes.Equal(before, after) {
			t.Errorf("%s: the database changed", when)
		}
		if slices.Contains(editions(t, dbPath), "NSO 2026") {
			t.Errorf("%s: the database lists the new edition", when)
		}
		if now, _ := os.ReadFile(filepath.Join(out, "manifest.json")); !bytes.Equal(now, previous) {
			t.Errorf("%s: the previous release changed", when)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".release.*")); len(left) > 0 {
			t.Errorf("%s: left behind %v", when, left)
		}
	}

	// The outputs cannot be published: a file of the user's lands in the folder meanwhile.
	notes := filepath.Join(out, "notes.txt")
	_, err = release.Run(context.Background(), j, release.Options{Database: dbPath, Out: out, Progress: func(step string) {
		if strings.HasPrefix(step, "table ") {
			os.WriteFile(notes, []byte("mine"), 0o644)
		}
	}})
	if err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("the outputs published over the user's file: %v", err)
	}
	if b, _ := os.ReadFile(notes); string(b) != "mine" {
		t.Fatal("the user's file is gone")
	}
	os.Remove(notes)
	unchanged("outputs not published")

	// The database cannot be published: a folder stands where its file was, meanwhile.
	moved := dbPath + ".moved"
	_, err = release.Run(context.Background(), j, release.Options{Database: dbPath, Out: out, Progress: func(step string) {
		if strings.HasPrefix(step, "table ") {
			os.Rename(dbPath, moved)
			os.MkdirAll(filepath.Join(dbPath, "in-the-way"), 0o755)
		}
	}})
	if err == nil || !strings.Contains(err.Error(), "publish "+dbPath) {
		t.Errorf("the database published: %v", err)
	}
	os.RemoveAll(dbPath)
	os.Rename(moved, dbPath)
	unchanged("database not published")

	// Nothing in the way: both land.
	if _, err := release.Run(context.Background(), j, release.Options{Database: dbPath, Out: out}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(editions(t, dbPath), "NSO 2026") || !exists(filepath.Join(out, "tables", "changes.csv")) || exists(filepath.Join(out, "tables", "targets.csv")) {
		t.Error("the run did not publish its database and outputs")
	}
}

// TestJobSQLReadsOnlyTheDatabase: a table's SQL is one query that reads; it reads no file but
// those the job allows, and the job fails as invalid, naming the line and how to allow a file.
func TestJobSQLReadsOnlyTheDatabase(t *testing.T) {
	dbPath := database(t)
	dir := t.TempDir()
	elsewhere := t.TempDir()
	secret := filepath.Join(elsewhere, "secret.csv")
	os.WriteFile(secret, []byte("user,password\nroot,hunter2\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	extra := filepath.Join(dir, "data", "extra.csv")
	os.WriteFile(extra, []byte("code,label\nKEN,Kenya\n"), 0o644)
	target := filepath.Join(elsewhere, "x.csv")
	job := func(allow, sql string) *release.Job {
		body := "title: t\noutput: out\ntables:\n  - name: t\n    formats: [csv]\n    sql: |\n      " + sql + "\n" + allow
		j, err := release.Read(writeJob(t, dir, "j.yaml", body))
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	out := filepath.Join(dir, "out")
	written := filepath.Join(dir, "data", "x.csv")
	for _, tc := range []struct{ allow, sql, msg string }{
		{"", "COPY (SELECT 1 AS x) TO '" + target + "'", "Permission Error|COPY statements are not"},
		{"allow_files: [data]\n", "COPY (SELECT 1 AS x) TO '" + written + "'", "COPY statements are not"},
		{"", "SELECT 1 AS x; COPY (SELECT 1 AS x) TO '" + target + "'", "one (statement )?at a time"},
		{"", "SELECT * FROM read_csv('" + secret + "')", "Permission Error"},
		{"", "SELECT * FROM read_csv('" + extra + "')", "Permission Error"},
		{"allow_files: [data/extra.csv]\n", "SELECT * FROM read_csv('" + secret + "')", "Permission Error"},
		{"allow_files: [data]\n", "SELECT * FROM read_text('" + filepath.Join(dir, "data", "..", "j.yaml") + "')", "Permission Error"},
	} {
		_, err := release.Run(context.Background(), job(tc.allow, tc.sql), release.Options{Database: dbPath, Out: out})
		if !errors.Is(err, release.ErrInvalid) || !strings.Contains(err.Error(), "line 4: table t:") || !regexp.MustCompile(tc.msg).MatchString(err.Error()) ||
			!strings.Contains(err.Error(), "unless the job lists it under allow_files:") {
			t.Errorf("%s: %v, want an invalid job saying %q", tc.sql, err, tc.msg)
		}
		if exists(target) || exists(written) || exists(out) {
			t.Fatalf("%s: wrote a file", tc.sql)
		}
	}

	// Allowed, as a file or as its folder.
	for _, allow := range []string{"allow_files: [data/extra.csv]\n", "allow_files: [data]\n"} {
		if _, err := release.Run(context.Background(), job(allow, "SELECT * FROM read_csv('"+extra+"')"), release.Options{Database: dbPath, Out: out}); err != nil {
			t.Fatalf("%s: %v", allow, err)
		}
		if b, _ := os.ReadFile(filepath.Join(out, "tables", "t.csv")); string(b) != "code,label\nKEN,Kenya\n" {
			t.Errorf("%s: t.csv is %q", allow, b)
		}
	}

	_, err := release.Read(writeJob(t, dir, "bad.yaml", "output: out\nallow_files:\n  - data/missing.csv\n"))
	if !errors.Is(err, release.ErrInvalid) || !strings.Contains(err.Error(), "line 3: allow_files: no file or folder data/missing.csv") {
		t.Errorf("a missing allowed file: %v", err)
	}
}

// TestJobCSVFormulas: job tables in CSV and SDMX-CSV escape text a spreadsheet would run, leave
// numbers as they are, and write values raw with csv_raw: true.
func TestJobCSVFormulas(t *testing.T) {
	dbPath := database(t)
	dir := t.TempDir()
	body := `title: t
output: out
tables:
  - name: hostile
    formats: [csv]
    sql: SELECT '=cmd|'' /C calc''!A0' AS formula, '@SUM(1)' AS at, -0.5 AS v, -12 AS n, '-12' AS s, '+x' AS plus
  - name: sdmx
    formats: [sdmx-csv]
    sql: SELECT '=HYPERLINK("x")' AS indicator, 'KEN' AS economy, 2024 AS year, -0.5 AS value
`
	out := filepath.Join(dir, "out")
	run(t, writeJob(t, dir, "j.yaml", body), dbPath, out)
	recs := readCSV(t, filepath.Join(out, "tables", "hostile.csv"))
	if got := strings.Join(recs[1], "|"); got != "'=cmd|' /C calc'!A0|'@SUM(1)|-0.5|-12|-12|'+x" {
		t.Errorf("hostile.csv: %s", got)
	}
	recs = readCSV(t, filepath.Join(out, "tables", "sdmx.sdmx.csv"))
	if recs[1][1] != `'=HYPERLINK("x")` || recs[1][6] != "2024" || recs[1][7] != "-0.5" {
		t.Errorf("sdmx.sdmx.csv: %q", recs[1])
	}

	run(t, writeJob(t, dir, "raw.yaml", body+"csv_raw: true\n"), dbPath, out)
	recs = readCSV(t, filepath.Join(out, "tables", "hostile.csv"))
	if got := strings.Join(recs[1], "|"); got != "=cmd|' /C calc'!A0|@SUM(1)|-0.5|-12|-12|+x" {
		t.Errorf("hostile.csv, csv_raw: %s", got)
	}
	if recs = readCSV(t, filepath.Join(out, "tables", "sdmx.sdmx.csv")); recs[1][1] != `=HYPERLINK("x")` {
		t.Errorf("sdmx.sdmx.csv, csv_raw: %q", recs[1])
	}
}
