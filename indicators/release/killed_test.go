package release_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ictstat/ictstat/indicators/release"
)

// stopWhilePublishing runs the job ICTSTAT_TEST_JOB on the database ICTSTAT_TEST_DB into
// ICTSTAT_TEST_OUT and stops it at ICTSTAT_TEST_STOP_AT ("swapped" or "published"): it writes
// the file ICTSTAT_TEST_READY there and waits to be killed.
func stopWhilePublishing() {
	point := os.Getenv("ICTSTAT_TEST_STOP_AT")
	release.SetPublishing(func(p string) {
		if p == point {
			os.WriteFile(os.Getenv("ICTSTAT_TEST_READY"), nil, 0o644)
			select {}
		}
	})
	j, err := release.Read(os.Getenv("ICTSTAT_TEST_JOB"))
	if err == nil {
		_, err = release.Run(context.Background(), j, release.Options{Database: os.Getenv("ICTSTAT_TEST_DB"), Out: os.Getenv("ICTSTAT_TEST_OUT")})
	}
	fmt.Fprintln(os.Stderr, "the run was not stopped:", err)
	os.Exit(3)
}

// killWhilePublishing runs the job in a process of its own and kills it (SIGKILL) at point.
func killWhilePublishing(t *testing.T, jobFile, db, out, point string) {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ICTSTAT_TEST_STOP_AT="+point, "ICTSTAT_TEST_JOB="+jobFile, "ICTSTAT_TEST_DB="+db,
		"ICTSTAT_TEST_OUT="+out, "ICTSTAT_TEST_READY="+ready)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("the run ended before %s: %v\n%s", point, err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the run did not reach %s", point)
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
}

// TestKilledWhilePublishing: `kill -9` of a run between swapping its outputs in and publishing
// its database leaves a release the database does not match, and a journal; the next run sets
// it right before anything else: the previous release is back (a dry run only says it will be).
// Killed after the database was published, the next run keeps the new release and removes the
// previous one.
func TestKilledWhilePublishing(t *testing.T) {
	dbPath := database(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "rel")
	first := writeJob(t, dir, "first.yaml", "title: first\noutput: rel\ntables:\n  - name: targets\n    formats: [csv]\n")
	run(t, first, dbPath, out)
	previous, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	os.WriteFile(filepath.Join(dir, "new.csv"), []byte("indicator,economy,year,value\ninternet_use_pct,KEN,2025,41.5\n"), 0o644)
	newJob := writeJob(t, dir, "new.yaml", "title: new\noutput: rel\nsources:\n  - files: new.csv\n    edition: NSO 2026\ntables:\n  - name: changes\n    formats: [csv]\n")
	before, _ := os.ReadFile(dbPath)
	journal := filepath.Join(dir, ".rel.publishing")
	left := func() []string { l, _ := filepath.Glob(filepath.Join(dir, ".rel.*")); return l }

	killWhilePublishing(t, newJob, dbPath, out, "swapped")
	if now, _ := os.ReadFile(dbPath); !bytes.Equal(now, before) {
		t.Fatal("the database changed before it was published")
	}
	if !exists(filepath.Join(out, "tables", "changes.csv")) || !exists(journal) {
		t.Fatalf("the kill did not leave the new release and a journal: %v", left())
	}

	// A dry run says what the next run will do, and changes nothing.
	j, err := release.Read(first)
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	if _, err := release.Run(context.Background(), j, release.Options{Database: dbPath, Out: out, DryRun: true, Log: &log}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "would first set right the publishing of "+out) || !exists(journal) {
		t.Errorf("dry run:\n%s", log.String())
	}

	// The next run puts the previous release back first. It is refused here right after (its
	// database would be inside the output folder), so what is left is what the recovery did.
	recovered := func() {
		t.Helper()
		var steps []string
		_, err := release.Run(context.Background(), j, release.Options{Database: filepath.Join(out, "db.duckdb"), Out: out,
			Progress: func(s string) { steps = append(steps, s) }})
		if !errors.Is(err, release.ErrInvalid) || !slices.Equal(steps, []string{"recover the interrupted publishing of " + out}) {
			t.Fatalf("the next run: %v, steps %v", err, steps)
		}
		if l := left(); len(l) > 0 {
			t.Errorf("left behind %v", l)
		}
	}
	recovered()
	if now, _ := os.ReadFile(filepath.Join(out, "manifest.json")); !bytes.Equal(now, previous) {
		t.Error("the previous release is not back")
	}
	if slices.Contains(editions(t, dbPath), "NSO 2026") {
		t.Error("the database holds the new edition")
	}

	// Killed after the database was published: the new release stays.
	killWhilePublishing(t, newJob, dbPath, out, "published")
	published, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if !slices.Contains(editions(t, dbPath), "NSO 2026") || !exists(journal) || bytes.Equal(published, previous) {
		t.Fatalf("the database or the outputs were not published, or no journal: %v", left())
	}
	recovered()
	if now, _ := os.ReadFile(filepath.Join(out, "manifest.json")); !bytes.Equal(now, published) {
		t.Error("the new release is not in place")
	}
	run(t, first, dbPath, out)
}
