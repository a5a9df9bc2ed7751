package job

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStaleFoldersOfTheUser: only folders ictstat made are taken for a killed run's staging
// folders: a folder of the user's whose name merely starts like one stays, even with digits.
func TestStaleFoldersOfTheUser(t *testing.T) {
	dir := t.TempDir()
	kept := []string{".rel.partial-mynotes", ".rel.partial-123", ".rel.partial-77.previous", ".rel.partial-", ".rel.partial-12x"}
	for _, name := range kept {
		write(t, filepath.Join(dir, name, "notes.txt"), "mine")
	}
	killed := filepath.Join(dir, ".rel.partial-5") // a killed run's staging folder, with ictstat's marker
	write(t, filepath.Join(killed, "tables", "a.csv"), "x")
	write(t, filepath.Join(killed, stageMarker), "")
	aside := filepath.Join(dir, ".rel.partial-6.previous") // a previous release a killed run kept aside
	publish(t, filepath.Join(dir, "x"), map[string]string{"a.csv": "1\n"})
	if err := os.Rename(filepath.Join(dir, "x"), aside); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, ".rel.partial-8")
	os.Mkdir(empty, 0o755)

	o, err := Stage(filepath.Join(dir, "rel"))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Discard()
	for _, name := range kept {
		if b, err := os.ReadFile(filepath.Join(dir, name, "notes.txt")); string(b) != "mine" {
			t.Errorf("%s/notes.txt is gone: %v", name, err)
		}
	}
	for _, d := range []string{killed, aside, empty} {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was not removed", d)
		}
	}
	if _, err := os.Stat(filepath.Join(o.stage, stageMarker)); err != nil {
		t.Errorf("the staging folder has no marker: %v", err)
	}
	o.Write("a.csv", func(w io.Writer) (int64, error) { return 0, nil })
	if err := o.Publish(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "rel", stageMarker)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the published folder holds the marker: %v", err)
	}
}

// publishing is a run of the output folder final, stopped where a kill would stop it: its
// outputs staged (a.csv holding content, and the manifest), its journal written for the
// database db and the working copy work, and swapped in when swap is set. The process lets go
// of its locks, as a killed one does.
func publishing(t *testing.T, final, content, db, work string, swap bool) {
	t.Helper()
	o, err := Stage(final)
	if err != nil {
		t.Fatal(err)
	}
	o.Write("a.csv", func(w io.Writer) (int64, error) { _, err := io.WriteString(w, content); return 0, err })
	m := Manifest{Generator: Generator, Outputs: o.Files()}
	if _, err := o.Write("manifest.json", func(w io.Writer) (int64, error) { return 0, m.Write(w) }); err != nil {
		t.Fatal(err)
	}
	if err := o.Journal(db, work); err != nil {
		t.Fatal(err)
	}
	if swap {
		if err := o.Swap(); err != nil {
			t.Fatal(err)
		}
	}
	o.unlock()
	o.journal.Close()
}

// TestRecover: a run killed while publishing is set right by Recover: when its database was not
// published the previous release is back, when it was the new release stays; the journal and
// the staging folders go, and what is not the run's stays.
func TestRecover(t *testing.T) {
	for _, tc := range []struct {
		name      string
		first     bool // no previous release
		swap      bool // killed after the swap, not before
		published bool // ... and after the database was published
		want      string
	}{
		{name: "killed before the swap", swap: false, want: "previous\n"},
		{name: "killed after the swap", swap: true, want: "previous\n"},
		{name: "killed after the database was published", swap: true, published: true, want: "new\n"},
		{name: "a first release, killed after the swap", first: true, swap: true, want: ""},
		{name: "a first release, killed after the database was published", first: true, swap: true, published: true, want: "new\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			final := filepath.Join(dir, "rel")
			db, work := filepath.Join(dir, "db.duckdb"), filepath.Join(dir, ".db.ictstat-1.duckdb")
			write(t, db, "old database")
			write(t, work, "new database")
			if !tc.first {
				publish(t, final, map[string]string{"a.csv": "previous\n"})
			}
			write(t, filepath.Join(dir, "notes.txt"), "mine")
			publishing(t, final, "new\n", db, work, tc.swap)
			if !Pending(final) {
				t.Fatal("no journal is pending")
			}
			if tc.published {
				if err := os.Rename(work, db); err != nil {
					t.Fatal(err)
				}
			}
			did, err := Recover(final)
			if err != nil || did == "" {
				t.Fatalf("Recover: %q, %v", did, err)
			}
			if b, err := os.ReadFile(filepath.Join(final, "a.csv")); string(b) != tc.want {
				t.Errorf("a.csv is %q (%v), want %q", b, err, tc.want)
			}
			if err := CheckFolder(final); err != nil {
				t.Errorf("the release is not whole: %v", err)
			}
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			want := "db.duckdb notes.txt"
			if !tc.published {
				want = ".db.ictstat-1.duckdb " + want // the store's next writer removes its working copy
			}
			if tc.want != "" {
				want += " rel"
			}
			if got := strings.Join(names, " "); got != want {
				t.Errorf("left %s, want %s", got, want)
			}
			if did, err := Recover(final); did != "" || err != nil {
				t.Errorf("a second Recover: %q, %v", did, err)
			}
		})
	}
}

// TestRecoverWithoutExchange: a run that renamed the previous release aside (where the system
// cannot exchange two folders) and was killed before renaming the new one in is undone too.
func TestRecoverWithoutExchange(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "rel")
	db, work := filepath.Join(dir, "db.duckdb"), filepath.Join(dir, ".db.ictstat-1.duckdb")
	write(t, db, "old database")
	write(t, work, "new database")
	publish(t, final, map[string]string{"a.csv": "previous\n"})
	publishing(t, final, "new\n", db, work, false)
	stages, _ := filepath.Glob(filepath.Join(dir, ".rel.partial-*"))
	if len(stages) != 1 {
		t.Fatalf("staging folders %v", stages)
	}
	if err := os.Rename(final, stages[0]+".previous"); err != nil {
		t.Fatal(err)
	}
	if _, err := Recover(final); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(final, "a.csv")); string(b) != "previous\n" {
		t.Errorf("a.csv is %q", b)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".rel.*")); len(left) > 0 {
		t.Errorf("left behind %v", left)
	}
}

// TestJournalOfARunningRun: the journal of a run that is publishing is left alone, and so are
// its folders; Commit removes it with the previous release, Discard after putting it back.
func TestJournalOfARunningRun(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "rel")
	db, work := filepath.Join(dir, "db.duckdb"), filepath.Join(dir, ".db.ictstat-1.duckdb")
	write(t, db, "old database")
	publish(t, final, map[string]string{"a.csv": "previous\n"})
	for _, commit := range []bool{false, true} {
		write(t, work, "new database")
		o, err := Stage(final)
		if err != nil {
			t.Fatal(err)
		}
		o.Write("a.csv", func(w io.Writer) (int64, error) { _, err := io.WriteString(w, "new\n"); return 0, err })
		m := Manifest{Generator: Generator, Outputs: o.Files()}
		o.Write("manifest.json", func(w io.Writer) (int64, error) { return 0, m.Write(w) })
		if err := o.Journal(db, work); err != nil {
			t.Fatal(err)
		}
		if err := o.Swap(); err != nil {
			t.Fatal(err)
		}
		if did, err := Recover(final); did != "" || err != nil {
			t.Errorf("Recover during the run: %q, %v", did, err)
		}
		if b, _ := os.ReadFile(filepath.Join(final, "a.csv")); string(b) != "new\n" {
			t.Errorf("the running run's release was touched: %q", b)
		}
		if commit {
			os.Rename(work, db)
			err = o.Commit()
		} else {
			err = o.Discard()
		}
		if err != nil {
			t.Fatal(err)
		}
		if Pending(final) {
			t.Errorf("commit %v: the journal stayed", commit)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".rel.*")); len(left) > 0 {
			t.Errorf("commit %v: left behind %v", commit, left)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(final, "a.csv")); string(b) != "new\n" {
		t.Errorf("a.csv is %q", b)
	}
}

// TestIncompleteJournal: a journal that does not parse was cut short before anything was
// swapped; Recover removes it and nothing else.
func TestIncompleteJournal(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "rel")
	publish(t, final, map[string]string{"a.csv": "previous\n"})
	write(t, journalPath(final), `{"output": "rel", "sta`)
	if did, err := Recover(final); err != nil || !strings.Contains(did, "incomplete") {
		t.Errorf("Recover: %q, %v", did, err)
	}
	if Pending(final) || CheckFolder(final) != nil {
		t.Error("the journal stayed, or the release changed")
	}
	// A journal naming a folder that is not a staging folder of the output is refused.
	write(t, journalPath(final), `{"output": "rel", "stage": "precious"}`)
	if _, err := Recover(final); err == nil || !strings.Contains(err.Error(), "is not of") {
		t.Errorf("Recover: %v", err)
	}
}
