package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// waitForAnswer asks the service q until it answers want, for up to ten seconds, and returns
// the last answer.
func waitForAnswer(t *testing.T, s *server, q, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, got := post(t, s.url+"/v1/sql", q, "Accept", "text/csv")
		if string(got) == want || time.Now().After(deadline) {
			return string(got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

const kenya2025 = `SELECT value, edition FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND year = 2025`

// TestLoadWhileServingTheDefaultDatabase loads into the default database, "ictstat.duckdb" in
// the current folder, while the service reads it, with the temporary folder missing: the load
// works on a copy beside the database (so on its filesystem), the service sees the new edition
// and no copy is left.
func TestLoadWhileServingTheDefaultDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ictstat.duckdb")
	if err := os.Rename(copyOfDefault(t), db); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, "--db", db, "--reload-every", "100ms")
	file := writeFile(t, t.TempDir(), "ken.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2025,41.5\n")
	r := ictstatIn(t, dir, []string{"TMPDIR=" + filepath.Join(dir, "no-such-folder")}, "ingest", file, "--edition", "NSO 2026")
	if r.code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := waitForAnswer(t, s, kenya2025, "value,edition\n41.5,NSO 2026\n"); got != "value,edition\n41.5,NSO 2026\n" {
		t.Errorf("the service answers %q after the load", got)
	}
	if copies, _ := filepath.Glob(filepath.Join(dir, ".ictstat.ictstat-*")); len(copies) > 0 {
		t.Errorf("copies left: %v", copies)
	}
}

// TestLoadThroughASymlinkWhileServing loads through a symbolic link to the database that the
// service reads: the link stays a link and the service, reading the file it points to, sees the
// new edition.
func TestLoadThroughASymlinkWhileServing(t *testing.T) {
	db := copyOfDefault(t)
	dir := t.TempDir()
	link := filepath.Join(dir, "ictstat.duckdb")
	if err := os.Symlink(db, link); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, "--db", db, "--reload-every", "100ms")
	file := writeFile(t, t.TempDir(), "ken.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2025,41.5\n")
	if r := ictstat(t, "--db", link, "ingest", file, "--edition", "NSO 2026"); r.code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("after the load the link is %v (%v)", info.Mode(), err)
	}
	if got := waitForAnswer(t, s, kenya2025, "value,edition\n41.5,NSO 2026\n"); got != "value,edition\n41.5,NSO 2026\n" {
		t.Errorf("the service answers %q after the load", got)
	}
	// No working copy is left; the service keeps one folder of links (with its spill folder)
	// beside the file, for the version it serves. The folder of the version it served before
	// is removed once its last query ends: on a loaded machine, that may take a moment.
	serving := 0
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		serving = 0
		entries, _ := os.ReadDir(filepath.Dir(db))
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".ictstat-serve-") {
				serving++
			}
		}
		if serving <= 1 || time.Now().After(deadline) {
			break
		}
	}
	for _, d := range []string{dir, filepath.Dir(db)} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".ictstat-") && !(strings.HasPrefix(e.Name(), ".ictstat-serve-") && d == filepath.Dir(db)) {
				t.Errorf("left in %s: %s", d, e.Name())
			}
		}
	}
	if serving > 1 {
		t.Errorf("%d folders of links beside the database, want the served version's only", serving)
	}
}
