package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunExitCodes runs `ictstat run` as a scheduler would and checks each documented exit code.
func TestRunExitCodes(t *testing.T) {
	db := copyOfDefault(t)
	dir := t.TempDir()
	job := func(name, body string) string { return writeFile(t, dir, name, body) }
	writeFile(t, dir, "good.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2025,41.5\n")
	writeFile(t, dir, "some-bad.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2025,41.5\ninternet_use_pct,UGA,2025,12\n"+
		strings.Repeat("internet_use_pct,TZA,2025,n/a\n", 1))
	out := filepath.Join(dir, "out")

	// 2: a job file that cannot run, and nothing ran.
	r := ictstat(t, "--db", db, "run", job("bad.yaml", "output: out\ntables:\n  - name: progress\n    formats: [csv, docx]\n"))
	if r.code != 2 || !strings.Contains(r.stderr, `line 4: unknown format "docx"`) {
		t.Errorf("invalid job: exit %d %s", r.code, r.stderr)
	}

	// --dry-run says what would happen and changes nothing.
	okJob := job("ok.yaml", "title: ok\noutput: out\nsources:\n  - files: good.csv\n    edition: NSO 2026\ntables:\n  - name: changes\n    formats: [csv]\n")
	r = ictstat(t, "--db", db, "run", okJob, "--dry-run", "--out", out)
	if r.code != 0 || !strings.Contains(r.stdout, "would load "+filepath.Join(dir, "good.csv")+" as edition NSO 2026") {
		t.Errorf("dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the dry run wrote its output")
	}

	// 0: success, with the outputs and the manifest.
	r = ictstat(t, "--db", db, "run", okJob, "--out", out)
	if r.code != 0 || !strings.Contains(r.stdout, "wrote 2 files to "+out) {
		t.Fatalf("success: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	changes, _ := os.ReadFile(filepath.Join(out, "tables", "changes.csv"))
	if !strings.Contains(string(changes), "internet_use_pct,KEN,2025,total,total,total,% of population,,,NSO 2026,41.5,,new") {
		t.Errorf("changes.csv:\n%s", changes)
	}

	// 4: success with warnings, for a reject of a column the job does not count as an error.
	warnJob := job("warn.yaml", "output: out\nsources:\n  - files: some-bad.csv\n    edition: NSO 2026b\nvalidation:\n  max_reject_rate: 0.5\ntables:\n  - name: changes\n    formats: [csv]\n")
	r = ictstat(t, "--db", db, "run", warnJob, "--out", out)
	if r.code != 4 || !strings.Contains(r.stdout, "warning: 1 rows rejected for their value") {
		t.Errorf("warnings: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// 3: the same reject counted as an error: nothing landed, the previous release stays.
	before := fingerprint(t, db)
	prev, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	errJob := job("err.yaml", "output: out\nsources:\n  - files: some-bad.csv\n    edition: NSO 2026c\nvalidation:\n  max_reject_rate: 0.5\n  errors: [value]\ntables:\n  - name: changes\n    formats: [csv]\n")
	r = ictstat(t, "--db", db, "run", errJob, "--out", out)
	if r.code != 3 || !strings.Contains(r.stderr, "1 rows rejected for their value, which the job counts as errors") {
		t.Errorf("refused: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if after := fingerprint(t, db); after != before {
		t.Error("the refused run changed the database")
	}
	if now, _ := os.ReadFile(filepath.Join(out, "manifest.json")); string(now) != string(prev) {
		t.Error("the refused run changed the previous release")
	}

	// 3: a source file that cannot be read as its format.
	writeFile(t, dir, "broken.csv", "this,is,not\nan,indicator,file\n")
	brokenJob := job("broken.yaml", "output: out\nsources:\n  - files: broken.csv\n    edition: NSO 2026d\n    format: long\ntables:\n  - name: changes\n    formats: [csv]\n")
	r = ictstat(t, "--db", db, "run", brokenJob, "--out", out)
	if r.code != 3 || !strings.Contains(r.stderr, filepath.Join(dir, "broken.csv")) {
		t.Errorf("broken file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if now, _ := os.ReadFile(filepath.Join(out, "manifest.json")); string(now) != string(prev) {
		t.Error("the broken run changed the previous release")
	}
}
