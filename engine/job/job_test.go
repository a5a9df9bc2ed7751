package job

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// publish writes files (path → content) and their manifest as a run does, and publishes them.
func publish(t *testing.T, final string, files map[string]string) {
	t.Helper()
	o, err := Stage(final)
	if err != nil {
		t.Fatal(err)
	}
	for p, c := range files {
		if _, err := o.Write(p, func(w io.Writer) (int64, error) { _, err := io.WriteString(w, c); return 0, err }); err != nil {
			t.Fatal(err)
		}
	}
	m := Manifest{Generator: Generator, Outputs: o.Files()}
	if _, err := o.Write("manifest.json", func(w io.Writer) (int64, error) { return 0, m.Write(w) }); err != nil {
		t.Fatal(err)
	}
	if err := o.Publish(); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func occupied(t *testing.T, err error, want ...string) {
	t.Helper()
	var oe *OccupiedError
	if !errors.As(err, &oe) {
		t.Fatalf("%v, want an OccupiedError naming %v", err, want)
	}
	if !slices.Equal(oe.Files, want) || !strings.Contains(err.Error(), strings.Join(want, ", ")) {
		t.Errorf("%v: names %v, want %v", err, oe.Files, want)
	}
}

// TestCheckFolder: a run replaces only a folder that is missing, empty, or ictstat's previous
// output holding nothing but what its manifest lists.
func TestCheckFolder(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := CheckFolder(out); err != nil {
		t.Errorf("missing folder: %v", err)
	}
	os.Mkdir(out, 0o755)
	if err := CheckFolder(out); err != nil {
		t.Errorf("empty folder: %v", err)
	}
	write(t, filepath.Join(out, "precious", "thesis.txt"), "x")
	occupied(t, CheckFolder(out), "precious/")
	os.RemoveAll(out)

	publish(t, out, map[string]string{"tables/a.csv": "a\n1\n", "scorecard.md": "# s\n"})
	if err := CheckFolder(out); err != nil {
		t.Errorf("a previous output: %v", err)
	}
	write(t, filepath.Join(out, "tables", "notes.txt"), "mine")
	os.Mkdir(filepath.Join(out, "empty"), 0o755)
	occupied(t, CheckFolder(out), "empty/", "tables/notes.txt")
	os.Remove(filepath.Join(out, "tables", "notes.txt"))
	os.Remove(filepath.Join(out, "empty"))

	write(t, filepath.Join(out, "scorecard.md"), "# s, annotated by hand\n")
	occupied(t, CheckFolder(out), "scorecard.md")
	write(t, filepath.Join(out, "scorecard.md"), "# s\n")
	if err := CheckFolder(out); err != nil {
		t.Errorf("the previous output restored: %v", err)
	}

	// A manifest that is not ictstat's proves nothing.
	b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	write(t, filepath.Join(out, "manifest.json"), strings.Replace(string(b), `"generator": "ictstat"`, `"generator": "other"`, 1))
	occupied(t, CheckFolder(out), "manifest.json", "scorecard.md", "tables/")

	// Nor one listing paths outside the folder.
	write(t, filepath.Join(out, "manifest.json"), `{"generator": "ictstat", "outputs": [{"path": "/etc/x/y"}, {"path": "../z"}]}`)
	occupied(t, CheckFolder(out), "scorecard.md", "tables/")

	file := filepath.Join(dir, "file")
	write(t, file, "x")
	if err := CheckFolder(file); err == nil || !strings.Contains(err.Error(), "is a file, not a folder") {
		t.Errorf("a file: %v", err)
	}
	link := filepath.Join(dir, "link")
	os.Symlink(out, link)
	if err := CheckFolder(link); err == nil || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Errorf("a symbolic link: %v", err)
	}

	wd, _ := os.Getwd()
	for _, f := range []string{".", "..", wd, "/"} {
		if err := CheckFolder(f); err == nil || !strings.Contains(err.Error(), "is the current folder or holds it") {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestStageRefusesUserFiles: nothing of a folder the user filled is touched, at Stage or when
// the folder fills while the run writes.
func TestStageRefusesUserFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "v")
	write(t, filepath.Join(out, "precious", "thesis.txt"), "x")
	if _, err := Stage(out); err == nil {
		t.Fatal("Stage accepted a folder holding the user's files")
	}
	if b, _ := os.ReadFile(filepath.Join(out, "precious", "thesis.txt")); string(b) != "x" {
		t.Fatal("the user's file is gone")
	}

	out = filepath.Join(t.TempDir(), "w")
	publish(t, out, map[string]string{"a.csv": "1\n"})
	o, err := Stage(out)
	if err != nil {
		t.Fatal(err)
	}
	o.Write("a.csv", func(w io.Writer) (int64, error) { _, err := io.WriteString(w, "2\n"); return 0, err })
	write(t, filepath.Join(out, "thesis.txt"), "x") // meanwhile
	occupied(t, o.Swap(), "thesis.txt")
	if err := o.Discard(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "thesis.txt")); string(b) != "x" {
		t.Fatal("the user's file is gone")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".w.*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestSwapDiscardCommit: after Swap the new release is in place and the previous one aside;
// Discard puts the previous one back, Commit removes it.
func TestSwapDiscardCommit(t *testing.T) {
	out := filepath.Join(t.TempDir(), "release")
	read := func() string { b, _ := os.ReadFile(filepath.Join(out, "a.csv")); return string(b) }
	leftovers := func() []string { l, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".release.*")); return l }
	publish(t, out, map[string]string{"a.csv": "previous\n"})

	for _, commit := range []bool{false, true} {
		o, err := Stage(out)
		if err != nil {
			t.Fatal(err)
		}
		o.Write("a.csv", func(w io.Writer) (int64, error) { _, err := io.WriteString(w, "new\n"); return 0, err })
		if err := o.Swap(); err != nil {
			t.Fatal(err)
		}
		if got := read(); got != "new\n" {
			t.Fatalf("after Swap: %q", got)
		}
		if commit {
			err = o.Commit()
		} else {
			err = o.Discard()
		}
		if err != nil {
			t.Fatal(err)
		}
		want := map[bool]string{false: "previous\n", true: "new\n"}[commit]
		if got := read(); got != want {
			t.Errorf("commit %v: %q, want %q", commit, got, want)
		}
		if l := leftovers(); len(l) > 0 {
			t.Errorf("commit %v: left behind %v", commit, l)
		}
	}

	// The first release: Discard after Swap leaves no folder.
	first := filepath.Join(t.TempDir(), "first")
	o, _ := Stage(first)
	o.Write("a.csv", func(w io.Writer) (int64, error) { return 0, nil })
	if err := o.Swap(); err != nil {
		t.Fatal(err)
	}
	o.Discard()
	if _, err := os.Stat(first); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a discarded first release: %v", err)
	}
}

// TestStaleStagingFolders: Stage removes the staging folders killed runs of the same output
// left, and no other folder: not one a running run holds, not another output's.
func TestStaleStagingFolders(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, ".out.partial-123")
	staleAside := filepath.Join(dir, ".out.partial-77.previous")
	running := filepath.Join(dir, ".out.partial-456")
	others := []string{filepath.Join(dir, ".other.partial-1"), filepath.Join(dir, "out.partial-2"), filepath.Join(dir, ".out.previous-20250101T000000")}
	for _, d := range append([]string{stale, staleAside, running}, others...) {
		write(t, filepath.Join(d, "tables", "a.csv"), "x")
	}
	write(t, filepath.Join(stale, stageMarker), "")
	m := Manifest{Generator: Generator, Outputs: []File{{Path: "tables/a.csv", Bytes: 1}}}
	f, _ := os.Create(filepath.Join(staleAside, "manifest.json"))
	m.Write(f)
	f.Close()
	held, err := lockDir(running)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	o, err := Stage(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Discard()
	for _, d := range []string{stale, staleAside} {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was not removed", d)
		}
	}
	for _, d := range append([]string{running}, others...) {
		if _, err := os.Stat(filepath.Join(d, "tables", "a.csv")); err != nil {
			t.Errorf("%s was touched: %v", d, err)
		}
	}
	// This run's own staging folder is held too.
	if _, err := lockDir(o.stage); err == nil {
		t.Error("the staging folder of a running run is not held")
	}
}
