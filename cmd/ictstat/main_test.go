package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/datasets/synth"
	"github.com/ictstat/ictstat/engine/store"
)

// The test binary doubles as ictstat: run with ICTSTAT_TEST_MAIN=1 it is the command itself, so
// tests can run it as a separate process, kill it and read its exit code.
func TestMain(m *testing.M) {
	if os.Getenv("ICTSTAT_TEST_MAIN") == "1" {
		main()
		return
	}
	code := m.Run()
	if defaultDir != "" {
		os.RemoveAll(defaultDir)
	}
	os.Exit(code)
}

// result is what a run of ictstat did.
type result struct {
	code           int
	stdout, stderr string
}

func ictstat(t *testing.T, args ...string) result {
	t.Helper()
	return ictstatIn(t, "", nil, args...)
}

// ictstatIn runs ictstat in the folder dir ("" for this one), with env added to its environment.
func ictstatIn(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := command(args...)
	cmd.Dir = dir
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return result{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
}

func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "ICTSTAT_TEST_MAIN=1", "ICTSTAT_DB=")
	return cmd
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fingerprint sums up the store's tables: row counts and a hash of every row.
func fingerprint(t *testing.T, path string) string {
	t.Helper()
	st, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	var b strings.Builder
	for _, table := range []string{"batches", "editions", "rejects", "series", "observations", "sources", "notes", "codes", "groups"} {
		var n int64
		var h uint64
		if err := db.QueryRow(fmt.Sprintf(`SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM store.%s t`, table)).Scan(&n, &h); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:%d:%x ", table, n, h)
	}
	return b.String()
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	good := writeFile(t, dir, "good.csv", "indicator,economy,year,value\n"+strings.Repeat("internet_use_pct,KEN,2020,29.5\n", 1)+
		"internet_use_pct,KEN,2021,abc\ninternet_use_pct,UGA,2019,20\ninternet_use_pct,UGA,2020,21\ninternet_use_pct,UGA,2021,22\n"+
		"internet_use_pct,TZA,2018,20\ninternet_use_pct,TZA,2019,21\ninternet_use_pct,TZA,2020,22\ninternet_use_pct,TZA,2021,23\ninternet_use_pct,TZA,2022,24\ninternet_use_pct,TZA,2023,25\n")
	bad := writeFile(t, dir, "bad.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2022,x\ninternet_use_pct,KEN,2023,y\n")
	unreadable := writeFile(t, dir, "unreadable.csv", "indicator,economy,year,value\ninternet_use_pct,\"KEN,2022,1\n")
	steps := []struct {
		args     []string
		code     int
		contains string // in stdout or stderr
	}{
		{[]string{"--db", db, "info"}, 1, "run `ictstat init`"},
		{[]string{"--bogus"}, 2, "unknown flag"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"--db", db, "init", "--empty"}, 0, "built"},
		{[]string{"--db", db, "init"}, 2, "--force"},
		{[]string{"--db", db, "ingest"}, 2, "requires at least 1 arg"},
		{[]string{"--db", db, "ingest", "--max-reject-rate", "2", good}, 2, "between 0 and 1"},
		{[]string{"--db", db, "ingest", good}, 0, "11 rows read, 10 loaded, 0 unchanged, 1 rejected"},
		{[]string{"--db", db, "ingest", good}, 0, "already loaded as batch 1"},
		{[]string{"--db", db, "ingest", bad}, 3, "line 2, column value, value \"x\": not a number"},
		{[]string{"--db", db, "ingest", unreadable}, 3, "a quoted field is never closed"},
		{[]string{"--db", db, "ingest", filepath.Join(dir, "missing.csv")}, 1, "no such file"},
		{[]string{"--db", db, "info"}, 0, "internet_use_pct"},
		{[]string{"--db", db, "info", "--format", "yaml"}, 2, "table or json"},
	}
	for _, s := range steps {
		r := ictstat(t, s.args...)
		if r.code != s.code || !strings.Contains(r.stdout+r.stderr, s.contains) {
			t.Errorf("ictstat %s: exit %d, want %d with %q\nstdout: %s\nstderr: %s",
				strings.Join(s.args, " "), r.code, s.code, s.contains, r.stdout, r.stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	r := ictstat(t, "--help")
	for _, want := range []string{"init", "ingest", "info", "gen", "--db", "Exit codes"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--help does not mention %s", want)
		}
	}
	r = ictstat(t, "ingest", "--help")
	for _, want := range []string{"--edition", "--max-reject-rate", "itu-datahub", "generic long CSV"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("ingest --help does not mention %s", want)
		}
	}
}

// bigFile writes a generated file large enough that loading it takes a few seconds.
func bigFile(t *testing.T, dir string, rows int64) string {
	t.Helper()
	opts, err := datasets.SynthOptions()
	if err != nil {
		t.Fatal(err)
	}
	opts.Rows, opts.BadRate, opts.Seed = rows, 0.001, 3
	path := filepath.Join(dir, "big.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Write(f, opts); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestInterruptedLoadLeavesTheDatabaseAsItWas stops `ictstat ingest` midway through a large
// file, by SIGKILL (a crash) and by SIGINT (Ctrl-C), and checks that the database holds exactly
// what it held before, and still loads the file afterwards.
func TestInterruptedLoadLeavesTheDatabaseAsItWas(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	if r := ictstat(t, "--db", db, "init"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	big := bigFile(t, dir, 4_000_000)
	before := fingerprint(t, db)
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := command("--db", db, "ingest", big)
			var errb bytes.Buffer
			cmd.Stderr = &errb
			info, err := os.Stat(db)
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until rows are being written: the database file grows as DuckDB writes them.
			deadline := time.Now().Add(20 * time.Second)
			for {
				st, err := os.Stat(db)
				if err == nil && st.Size() >= info.Size()+2<<20 {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatal("the load did not start writing within 20 s")
				}
				time.Sleep(10 * time.Millisecond)
			}
			cmd.Process.Signal(sig)
			err = cmd.Wait()
			if err == nil {
				t.Fatalf("the load finished before the %s", sig)
			}
			if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); sig == syscall.SIGKILL && ws.Signal() != syscall.SIGKILL {
				t.Fatalf("the process ended by %v, not by the kill", cmd.ProcessState)
			}
			if sig == syscall.SIGINT && (cmd.ProcessState.ExitCode() != 1 || !strings.Contains(errb.String(), "context canceled")) {
				t.Errorf("after SIGINT: exit %d, stderr %q", cmd.ProcessState.ExitCode(), errb.String())
			}
			if after := fingerprint(t, db); after != before {
				t.Errorf("the database changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
	r := ictstat(t, "--db", db, "ingest", big)
	if r.code != 0 || !strings.Contains(r.stdout, "4000000 rows read") {
		t.Errorf("loading after the interruptions: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestTheDatabaseOpensInAnyDuckDBClient reads the views with the plain DuckDB driver.
func TestTheDatabaseOpensInAnyDuckDBClient(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	if r := ictstat(t, "--db", db, "init"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	conn, err := sql.Open("duckdb", db+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, view := range []string{"observations", "observations_all_editions", "series", "latest", "published_aggregates", "indicators", "economies", "groups",
		"group_members", "income_groups", "targets", "aggregates", "gaps", "progress", "editions", "batches", "rejects"} {
		var n int
		if err := conn.QueryRow("SELECT count(*) FROM " + view).Scan(&n); err != nil {
			t.Errorf("%s: %v", view, err)
		} else if n == 0 {
			t.Errorf("%s is empty", view)
		}
	}
}

// defaultDB builds the default database once, in defaultDir; copyOfDefault gives each caller its
// own copy.
var defaultDir string

var defaultDB = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "ictstat-cmd-test-")
	if err != nil {
		return "", err
	}
	defaultDir = dir
	path := filepath.Join(dir, "default.duckdb")
	out, err := command("--db", path, "init", "-q").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("init: %v\n%s", err, out)
	}
	return path, nil
})

func copyOfDefault(t *testing.T) string {
	t.Helper()
	src, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, t.TempDir(), "db.duckdb", string(data))
}

func TestScorecardAndProgress(t *testing.T) {
	db := copyOfDefault(t)
	r := ictstat(t, "--db", db, "scorecard")
	if r.code != 0 || strings.Count(r.stdout, "no global data") != 8 || !strings.Contains(r.stdout, "target met") {
		t.Errorf("scorecard: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = ictstat(t, "--db", db, "scorecard", "--format", "json")
	var card []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &card); err != nil || len(card) != 11 {
		t.Fatalf("scorecard as JSON: %v, %d rows", err, len(card))
	}
	last := card[10]
	if last["target"] != "T10" || last["status"] != "target met" || last["met_year"] != 2019.0 || last["baseline_year"] != 2005.0 {
		t.Errorf("T10, internet use: %v", last)
	}
	r = ictstat(t, "--db", db, "progress", "--group", "WLD", "--framework", "umc_2030", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) < 5 || rows[0][4] != "scope" || rows[0][14] != "logit_growth" || rows[0][17] != "class" {
		t.Errorf("progress as CSV: %v, %d rows, header %v", err, len(rows), rows[0])
	}
	// Kenya against Broadband Commission BB.3: the developing-country level (65%) applies; the
	// world (75%) and LDC (35%) levels are listed with --all-levels.
	r = ictstat(t, "--db", db, "progress", "--economy", "KEN", "--target", "BB.3", "--format", "csv")
	applies, _ := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	r = ictstat(t, "--db", db, "progress", "--economy", "KEN", "--target", "BB.3", "--all-levels", "--format", "csv")
	all, _ := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if len(applies) != 2 || applies[1][4] != "developing" || applies[1][9] != "65" || len(all) != 4 {
		t.Errorf("Kenya BB.3: %v; all levels: %v", applies, all)
	}
	for _, bad := range [][]string{
		{"progress", "--economy", "ZZZ"},
		{"progress", "--framework", "mdg_2015"},
		{"progress", "--economy", "KEN", "--group", "WLD"},
		{"scorecard", "--format", "xml"},
		{"compute", "--composition", "yearly"},
	} {
		if r := ictstat(t, append([]string{"--db", db}, bad...)...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", bad, r.code, r.stderr)
		}
	}
}

func TestGroupsAndStaleness(t *testing.T) {
	db := copyOfDefault(t)
	r := ictstat(t, "--db", db, "group", "set", "EAC", "--name", "East African Community", "--members", "BDI,COD,KEN,RWA,SOM,SSD,TZA,UGA")
	if r.code != 0 {
		t.Fatalf("group set: %s", r.stderr)
	}
	for _, bad := range [][]string{
		{"group", "set", "WLD", "--name", "x", "--members", "KEN"},
		{"group", "set", "XYZ", "--name", "x", "--members", "KEN,ZZZ"},
		{"group", "delete", "LDC"},
	} {
		if r := ictstat(t, append([]string{"--db", db}, bad...)...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, r.code)
		}
	}
	// After a load, results are stale until computed again.
	file := writeFile(t, t.TempDir(), "new.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2024,41\n")
	if r := ictstat(t, "--db", db, "ingest", "--edition", "NSO 2026", file); r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	r = ictstat(t, "--db", db, "progress", "--economy", "KEN")
	if !strings.Contains(r.stderr, "1 batch was loaded after the last computation") {
		t.Errorf("no warning of stale results: %q", r.stderr)
	}
	if r := ictstat(t, "--db", db, "compute"); r.code != 0 {
		t.Fatalf("compute: %s", r.stderr)
	}
	r = ictstat(t, "--db", db, "scorecard", "--group", "EAC", "--format", "json")
	var card []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &card); err != nil || len(card) != 11 {
		t.Fatalf("EAC scorecard: %v", err)
	}
	if card[10]["status"] == "no data for EAC" || card[10]["coverage"] == nil {
		t.Errorf("EAC internet use: %v", card[10])
	}
	if r := ictstat(t, "--db", db, "progress", "--economy", "KEN"); r.stderr != "" || !strings.Contains(r.stdout, "KEN") {
		t.Errorf("after compute: %q", r.stderr)
	}
	if r := ictstat(t, "--db", db, "group", "delete", "EAC"); r.code != 0 {
		t.Errorf("group delete: %s", r.stderr)
	}
}

// group list shows the reference groups and the user's, with their current members, as the
// groups view counts them; --kind narrows it, and an unknown kind names the kinds there are.
func TestGroupList(t *testing.T) {
	db := copyOfDefault(t)
	if r := ictstat(t, "--db", db, "group", "set", "EAC", "--name", "East African Community", "--members", "BDI,COD,KEN,RWA,SOM,SSD,TZA,UGA"); r.code != 0 {
		t.Fatalf("group set: %s", r.stderr)
	}
	r := ictstat(t, "--db", db, "group", "list", "--format", "csv")
	if r.code != 0 {
		t.Fatalf("group list: %s", r.stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"EAC": {"EAC", "East African Community", "custom", "user", "8"},
		"WLD": {"WLD", "World", "world", "", ""},
	}
	var n string
	sqlOut := ictstat(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) FROM groups")
	n = strings.TrimSpace(strings.Split(sqlOut.stdout, "\n")[1])
	if strings.Join(rows[0], ",") != "group,name,kind,defined_by,members" || fmt.Sprint(len(rows)-1) != n {
		t.Errorf("header %v, %d groups, the groups view has %s", rows[0], len(rows)-1, n)
	}
	for _, row := range rows[1:] {
		if w, ok := want[row[0]]; ok {
			if row[0] == "WLD" {
				w[4] = row[4] // the world's count is the economies' in the reference data
			}
			if strings.Join(row, "|") != strings.Join(w, "|") {
				t.Errorf("group %s: %v, want %v", row[0], row, w)
			}
			delete(want, row[0])
		}
	}
	if len(want) != 0 {
		t.Errorf("missing %v", want)
	}
	r = ictstat(t, "--db", db, "group", "list", "--kind", "itu_region")
	if r.code != 0 || strings.Count(r.stdout, "ITU_") != 6 || strings.Contains(r.stdout, "WLD") {
		t.Errorf("--kind itu_region: %d %s", r.code, r.stdout)
	}
	r = ictstat(t, "--db", db, "group", "list", "--kind", "planet")
	if r.code != 2 || !strings.Contains(r.stderr, "itu_region") {
		t.Errorf("--kind planet: %d %s", r.code, r.stderr)
	}
}
