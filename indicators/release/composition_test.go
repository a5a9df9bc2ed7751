package release_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/indicators/release"
)

// TestJobComposition: a job's composition key computes the aggregates with each year's group
// composition, which the published database then holds; a job that does not compute refuses a
// database computed with the other composition, rather than publish figures it did not ask for.
func TestJobComposition(t *testing.T) {
	dbPath := database(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	table := "tables:\n  - name: members\n    formats: [csv]\n    sql: SELECT composition, members FROM aggregates WHERE group_code = 'LDC' AND indicator = 'population' AND year = 2020\n"

	_, err := release.Run(context.Background(), mustRead(t, writeJob(t, dir, "read.yaml", "output: out\ncomposition: historical\n"+table)),
		release.Options{Database: dbPath, Out: out, ToolVersion: "test"})
	if err == nil || !strings.Contains(err.Error(), "the database's aggregates use the current group composition") {
		t.Errorf("a job asking for the historical composition of a database computed with the current one: %v", err)
	}

	run(t, writeJob(t, dir, "compute.yaml", "output: out\ncompute: true\ncomposition: historical\n"+table), dbPath, out)
	recs := readCSV(t, filepath.Join(out, "tables", "members.csv"))
	if len(recs) != 2 || strings.Join(recs[1], ",") != "historical,47" {
		t.Errorf("members.csv: %q, want historical,47 (São Tomé and Príncipe, Vanuatu and Bhutan still LDCs in 2020)", recs)
	}

	// The database now holds the historical composition; a job that reads it with the default
	// composition key unset runs, and one that asks for the current one recomputes.
	run(t, writeJob(t, dir, "again.yaml", "output: out\n"+table), dbPath, out)
	run(t, writeJob(t, dir, "current.yaml", "output: out\ncompute: true\ncomposition: current\n"+table), dbPath, out)
	recs = readCSV(t, filepath.Join(out, "tables", "members.csv"))
	if len(recs) != 2 || strings.Join(recs[1], ",") != "current,44" {
		t.Errorf("members.csv: %q, want current,44", recs)
	}
}

func mustRead(t *testing.T, path string) *release.Job {
	t.Helper()
	j, err := release.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return j
}
