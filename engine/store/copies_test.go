//go:build unix

package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ictstat/ictstat/engine/store"
)

// TestMain lets the test binary stand in for a process that holds a database file open
// read-only with DuckDB: with ICTSTAT_TEST_HOLD set to a file it opens it, says "held" and waits
// to be killed.
func TestMain(m *testing.M) {
	if file := os.Getenv("ICTSTAT_TEST_HOLD"); file != "" {
		db, err := sql.Open("duckdb", file+"?access_mode=read_only")
		if err == nil {
			err = db.Ping()
		}
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("held")
		select {}
	}
	os.Exit(m.Run())
}

// holdOpenElsewhere starts a process that holds file open read-only with DuckDB, and returns how
// to end it.
func holdOpenElsewhere(t *testing.T, file string) (stop func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "ICTSTAT_TEST_HOLD="+file)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop = func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
	t.Cleanup(stop)
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "held\n" {
		t.Fatalf("the process holding %s: %q", file, line)
	}
	return stop
}

// createDB creates an ictstat database at path.
func createDB(t *testing.T, path string) {
	t.Helper()
	st, err := store.Create(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeMark writes v into the open database, in a table of its own.
func writeMark(t *testing.T, st *store.Store, v int) {
	t.Helper()
	if _, err := st.DB().Exec(`CREATE TABLE IF NOT EXISTS marks (v INTEGER); INSERT INTO marks VALUES (?)`, v); err != nil {
		t.Fatal(err)
	}
}

// marksOf lists the values writeMark wrote into the database db reads, "" for none.
func marksOf(t *testing.T, db *sql.DB) string {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'marks'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		return ""
	}
	var got string
	if err := db.QueryRow(`SELECT string_agg(v::VARCHAR, ',' ORDER BY v) FROM marks`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	return got
}

// readMarks lists the values writeMark wrote into the database at path, opening it read-only.
func readMarks(t *testing.T, path string) string {
	t.Helper()
	st, err := store.Open(ctx, path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return marksOf(t, st.DB())
}

// namesWithPrefix lists the names in dir that begin with prefix.
func namesWithPrefix(t *testing.T, dir, prefix string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

func mustStat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// TestCopyOfARelativeDatabaseIsBesideIt opens a database by a relative name, as the default
// "ictstat.duckdb" is, with the temporary folder missing: the working copy is made in the
// database's own folder, hence on its filesystem, and replaces the file on Close.
func TestCopyOfARelativeDatabaseIsBesideIt(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("TMPDIR", filepath.Join(dir, "no-such-folder"))
	createDB(t, "ictstat.duckdb")
	st, err := store.Open(ctx, "ictstat.duckdb", store.Options{OnCopy: true})
	if err != nil {
		t.Fatal(err)
	}
	if copies := namesWithPrefix(t, dir, ".ictstat.ictstat-"); len(copies) != 1 || !strings.HasSuffix(copies[0], ".duckdb") {
		t.Errorf("working copies beside the database: %v", copies)
	}
	writeMark(t, st, 1)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readMarks(t, filepath.Join(dir, "ictstat.duckdb")); got != "1" {
		t.Errorf("the database holds %q, want the load", got)
	}
	if left := namesWithPrefix(t, dir, ".ictstat.ictstat-"); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestSymlinkedDatabase writes a database through a symbolic link to it, on a copy and in
// place: the link stays a link and the file it points to gets every load.
func TestSymlinkedDatabase(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "data", "s.duckdb")
	createDB(t, target)
	link := filepath.Join(dir, "link.duckdb")
	if err := os.Symlink(filepath.Join("data", "s.duckdb"), link); err != nil {
		t.Fatal(err)
	}
	for i, opts := range []store.Options{{OnCopy: true}, {}} {
		st, err := store.Open(ctx, link, opts)
		if err != nil {
			t.Fatal(err)
		}
		if st.Path() != link {
			t.Errorf("Path() = %s, want %s", st.Path(), link)
		}
		writeMark(t, st, i+1)
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("after load %d the link is %v (%v)", i+1, info.Mode(), err)
		}
		want := []string{"1", "1,2"}[i]
		if got := readMarks(t, target); got != want {
			t.Errorf("after load %d the target holds %q, want %q", i+1, got, want)
		}
	}
	for _, d := range []string{dir, filepath.Join(dir, "data")} {
		if left := append(namesWithPrefix(t, d, ".link."), namesWithPrefix(t, d, ".s.ictstat-")...); len(left) > 0 {
			t.Errorf("left in %s: %v", d, left)
		}
	}
}

// TestWriterWorksOnACopyWhileAReaderFollows simulates 'ictstat serve': it follows the database
// and opens it read-only through a hard link in a folder of its own. Two loads land before it
// opens the new version: each works on a copy renamed over the file, never on the file in
// place, and the reader keeps the version it opened until it opens the file again.
func TestWriterWorksOnACopyWhileAReaderFollows(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.duckdb")
	createDB(t, path)
	release, err := store.FollowAsReader(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	serveOpen := func() *sql.DB {
		t.Helper()
		folder, err := os.MkdirTemp(dir, ".ictstat-serve-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(folder)
		link := filepath.Join(folder, "s.duckdb")
		if err := os.Link(path, link); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("duckdb", link+"?access_mode=read_only")
		if err == nil {
			err = db.Ping()
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	served := serveOpen()

	for i := 1; i <= 2; i++ {
		before := mustStat(t, path)
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if copies := namesWithPrefix(t, dir, ".s.ictstat-"); len(copies) != 1 {
			t.Errorf("load %d: working copies %v, want one", i, copies)
		}
		writeMark(t, st, i)
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if os.SameFile(before, mustStat(t, path)) {
			t.Errorf("load %d wrote the database file in place", i)
		}
	}
	if got := marksOf(t, served); got != "" {
		t.Errorf("the reader's open version holds %q, want nothing of the loads", got)
	}
	if got := marksOf(t, serveOpen()); got != "1,2" {
		t.Errorf("the new version holds %q, want 1,2", got)
	}
	if left := append(namesWithPrefix(t, dir, ".s.ictstat-"), namesWithPrefix(t, dir, ".ictstat-serve-")...); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}

	// Once the reader stops following, a writer works in place again.
	release()
	before := mustStat(t, path)
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if copies := namesWithPrefix(t, dir, ".s.ictstat-"); len(copies) != 0 {
		t.Errorf("with no reader following, working copies %v", copies)
	}
	writeMark(t, st, 3)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, mustStat(t, path)) {
		t.Error("with no reader following, the writer replaced the file")
	}
}

// TestFollowAsReaderWaitsForAWriterInPlace: a reader that starts following while a writer
// writes the file in place waits until the writer has closed it.
func TestFollowAsReaderWaitsForAWriterInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.duckdb")
	createDB(t, path)
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if release, err := store.FollowAsReader(short, path); err == nil {
		release()
		t.Error("FollowAsReader did not wait for the writer")
	}
	done := make(chan error, 1)
	go func() {
		release, err := store.FollowAsReader(ctx, path)
		if err == nil {
			release()
		}
		done <- err
	}()
	time.Sleep(200 * time.Millisecond)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Error("FollowAsReader still waits after the writer closed")
	}
	if _, err := store.FollowAsReader(ctx, filepath.Join(t.TempDir(), "missing.duckdb")); err == nil {
		t.Error("FollowAsReader of a missing file succeeded")
	}
}

// TestWriterRemovesWhatKilledProcessesLeft plants what killed writers and a killed service
// leave beside a database, and what belongs to others: the next writer removes the first and
// keeps the second.
func TestWriterRemovesWhatKilledProcessesLeft(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.duckdb")
	createDB(t, path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	plant := func(name string, content []byte) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	serveFolder := func(name string) string {
		t.Helper()
		folder := filepath.Join(dir, name)
		if err := os.Mkdir(folder, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Link(path, filepath.Join(folder, "s.duckdb")); err != nil {
			t.Fatal(err)
		}
		return folder
	}
	// Left by killed writers: a copy with its log and spill folder, and a log and a spill
	// folder whose copy is gone.
	plant(".s.ictstat-101.duckdb", data)
	plant(".s.ictstat-101.duckdb.wal", []byte("log"))
	plant(".s.ictstat-101.duckdb.tmp/duckdb_temp_storage-0.tmp", []byte("spill"))
	plant(".s.ictstat-102.duckdb.wal", []byte("log"))
	plant(".s.ictstat-103.duckdb.tmp/duckdb_temp_block-1.block", []byte("spill"))
	// Left by a killed service: a link folder with the link and a spill folder.
	serveFolder(".ictstat-serve-201")
	plant(".ictstat-serve-201/s.duckdb.tmp/x", []byte("spill"))
	// Not this database's, or not ictstat's.
	keep := []string{".ictstat-serve-202/other.duckdb", ".ictstat-serve-203/s.duckdb.notes", ".s.ictstat-notes.duckdb",
		".t.ictstat-104.duckdb", "s.duckdb.backup", ".s.ictstat-105.duckdb.bak"}
	for _, name := range keep {
		plant(name, []byte("keep"))
	}
	gone := []string{".s.ictstat-101.duckdb", ".s.ictstat-101.duckdb.wal", ".s.ictstat-101.duckdb.tmp", ".s.ictstat-102.duckdb.wal",
		".s.ictstat-103.duckdb.tmp", ".ictstat-serve-201"}

	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeMark(t, st, 1)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range gone {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s is still there", name)
		}
	}
	for _, name := range keep {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was removed", name)
		}
	}

	t.Run("copy in use", func(t *testing.T) {
		// s.db's working copy has a name that s.duckdb's writer could take for one of its own.
		other := filepath.Join(dir, "s.db")
		createDB(t, other)
		busy, err := store.Open(ctx, other, store.Options{OnCopy: true})
		if err != nil {
			t.Fatal(err)
		}
		copies := namesWithPrefix(t, dir, ".s.ictstat-")
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		if now := namesWithPrefix(t, dir, ".s.ictstat-"); !slices.Equal(now, copies) {
			t.Errorf("copies %v became %v while in use", copies, now)
		}
		writeMark(t, busy, 7)
		if err := busy.Close(); err != nil {
			t.Fatal(err)
		}
		if got := readMarks(t, other); got != "7" {
			t.Errorf("s.db holds %q, want 7", got)
		}
	})

	t.Run("link folder of a following reader", func(t *testing.T) {
		release, err := store.FollowAsReader(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		folder := serveFolder(".ictstat-serve-301")
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		if _, err := os.Stat(folder); err != nil {
			t.Error("the folder of a reader that follows the database was removed")
		}
		release()
		st, err = store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		if _, err := os.Stat(folder); err == nil {
			t.Error("the folder is still there once no reader follows the database")
		}
	})

	t.Run("link held open", func(t *testing.T) {
		folder := serveFolder(".ictstat-serve-401")
		stop := holdOpenElsewhere(t, filepath.Join(folder, "s.duckdb"))
		st, err := store.Open(ctx, path, store.Options{OnCopy: true})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		if _, err := os.Stat(folder); err != nil {
			t.Error("a folder whose link a process holds open was removed")
		}
		stop()
		st, err = store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		if _, err := os.Stat(folder); err == nil {
			t.Error("the folder is still there once no process holds its link")
		}
	})
}
