package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenSurvey writes survey microdata with `ictstat gen survey`, runs the estimate command it
// prints, and checks the help, the refusals and that no temporary file is left.
func TestGenSurvey(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hh.csv")
	r := ictstat(t, "gen", "survey", "-o", file, "--persons", "3000", "--regions", "3", "--replicates", "4", "--seed", "2")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "persons") || !strings.Contains(r.stdout, "6 strata") {
		t.Errorf("summary: %s", r.stdout)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(b), "\n")
	if header != "hh_id,person_id,region,area,stratum,psu,fpc,weight,sex,age,age_group,used_internet,owns_mobile_phone,copy_paste_skill,rw1,rw2,rw3,rw4" {
		t.Errorf("header %q", header)
	}
	if n := strings.Count(string(b), "\n") - 1; n < 2000 || n > 4000 {
		t.Errorf("%d persons, want about 3000", n)
	}
	// The printed estimate line runs as is.
	var line string
	for _, l := range strings.Split(r.stdout, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "ictstat survey estimate") && strings.Contains(l, "--fpc fpc") {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("no estimate command in %s", r.stdout)
	}
	e := ictstat(t, append(strings.Fields(strings.TrimPrefix(line, "ictstat ")), "--format", "csv")...)
	if e.code != 0 || strings.Count(e.stdout, "\n") != 8 || !strings.Contains(e.stdout, "copy_paste_skill,male,") {
		t.Errorf("%s: exit %d\n%s%s", line, e.code, e.stdout, e.stderr)
	}
	// Same flags, same bytes, through Parquet too.
	pq := filepath.Join(dir, "hh.parquet")
	for i := 0; i < 2; i++ {
		if r := ictstat(t, "gen", "survey", "-o", pq, "--persons", "3000", "--regions", "3", "--seed", "2", "-q"); r.code != 0 {
			t.Fatalf("parquet: exit %d: %s", r.code, r.stderr)
		}
	}
	if r := ictstat(t, "survey", "estimate", pq, "--weight", "weight", "--strata", "stratum", "--psu", "psu", "--fpc", "fpc", "--var", "used_internet", "--format", "csv"); r.code != 0 ||
		!strings.Contains(r.stdout, "\nused_internet,0.") {
		t.Errorf("parquet estimate: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	// The design file written beside the data runs as printed (by sex), and with more domain
	// sets: the whole population, area, age.
	var designLine string
	for _, l := range strings.Split(r.stdout, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "ictstat survey estimate") && strings.Contains(l, "--design") {
			designLine = l
		}
	}
	if e := ictstat(t, append(strings.Fields(strings.TrimPrefix(designLine, "ictstat ")), "--by", "total;area;age_group", "--format", "csv")...); e.code != 0 ||
		strings.Count(e.stdout, "\n") != 2+3*(2+1+2+3) || !strings.Contains(e.stdout, "\ncopy_paste_skill,,,75+,") {
		t.Errorf("%s: exit %d\n%s%s", designLine, e.code, e.stdout, e.stderr)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "hh.csv hh.design.yaml hh.parquet" {
		t.Errorf("files left: %v, want hh.csv, hh.design.yaml and hh.parquet", names)
	}
	if r := ictstat(t, "gen", "survey"); r.code == 0 || !strings.Contains(r.stderr, "-o FILE") {
		t.Errorf("without -o: exit %d: %s", r.code, r.stderr)
	}
	if r := ictstat(t, "gen", "survey", "-o", filepath.Join(dir, "x.csv"), "--replicates", "1"); r.code == 0 || !strings.Contains(r.stderr, "--replicates") {
		t.Errorf("--replicates 1: exit %d: %s", r.code, r.stderr)
	}
	if r := ictstat(t, "gen", "survey", "-o", filepath.Join(dir, "missing", "x.csv")); r.code == 0 || !strings.Contains(r.stderr, filepath.Join(dir, "missing", "x.csv")) {
		t.Errorf("unwritable folder: exit %d: %s", r.code, r.stderr)
	}
	if r := ictstat(t, "gen", "--help"); !strings.Contains(r.stdout, "survey") {
		t.Errorf("gen --help does not list survey: %s", r.stdout)
	}
	if r := ictstat(t, "gen", "survey", "--help"); !strings.Contains(r.stdout, "copy_paste_skill") || !strings.Contains(r.stdout, "fpc BIGINT") {
		t.Errorf("gen survey --help: %s", r.stdout)
	}
}
