package main

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUserIndicators defines the example core-list indicators, loads observations of two of them
// under economies named in every way, aggregates and charts them, and checks each refusal the
// catalogue makes, with its file, line, column and reason.
func TestUserIndicators(t *testing.T) {
	db := copyOfDefault(t)
	dir := t.TempDir()
	example := "../../datasets/examples/indicators-core.csv"

	// A file of an indicator not yet defined is refused, with the hint.
	data := writeFile(t, dir, "ict.csv", "indicator,economy,year,value\n"+
		"ict_sector_gva_pct,KEN,2021,3.1\nict_sector_gva_pct,uga,2021,2.0\nict_sector_gva_pct,ken,2022,3.4\n"+
		"ict_sector_gva_pct,800,2022,2.2\nict_sector_gva_pct,834,2022,1.5\n")
	r := ictstat(t, "--db", db, "ingest", data, "--edition", "Demo NSO 2026", "--licence", "CC BY 4.0 (test)")
	if r.code != 3 || !strings.Contains(r.stderr, "ict_sector_gva_pct is not in the catalogue: define new indicators first with 'ictstat indicator define FILE'") {
		t.Fatalf("an undefined indicator: exit %d\n%s", r.code, r.stderr)
	}

	r = ictstat(t, "--db", db, "indicator", "define", example)
	if r.code != 0 || !strings.Contains(r.stdout, "7 defined (employed_using_computers_pct,") {
		t.Fatalf("define: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r = ictstat(t, "--db", db, "indicator", "define", example); r.code != 0 || !strings.Contains(r.stdout, "7 unchanged") {
		t.Errorf("define again: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	bad := writeFile(t, dir, "bad.csv", "code,name,unit,unit_kind,min,max,polarity,aggregation,weight,wdi_code\n"+
		"internet_use_pct,X,%,percent,0,100,higher,median,,\n"+
		"egov,E-government,index,index,0,abc,higher,median,,\n"+
		"ok_one,OK,index,index,0,1,higher,median,,IT.NET.USER.ZS\n"+
		"fine,Fine,index,index,0,1,higher,median,,\n")
	r = ictstat(t, "--db", db, "indicator", "define", bad)
	for _, want := range []string{
		"bad.csv refused, nothing of it defined",
		`bad.csv, line 2, column code, value "internet_use_pct": internet_use_pct is an indicator of ictstat's own catalogue, which cannot be redefined`,
		`bad.csv, line 3, column max, value "abc": not a number; leave it empty for no bound`,
		`bad.csv, line 4, column wdi_code, value "IT.NET.USER.ZS": is already the wdi code of the indicator internet_use_pct`,
	} {
		if r.code != 3 || !strings.Contains(r.stderr, want) {
			t.Errorf("a bad file: exit %d, want 3 and %q\n%s", r.code, want, r.stderr)
		}
	}
	if rows := sqlRows(t, db, `SELECT count(*) FROM indicators WHERE indicator IN ('fine', 'ok_one', 'egov')`); rows[0][0] != "0" {
		t.Errorf("a refused file defined %s indicators", rows[0][0])
	}
	changed := writeFile(t, dir, "changed.csv", "code,name,unit,unit_kind,polarity,aggregation,description\n"+
		"learners_per_computer,Learners per computer,learners per computer,ratio,lower,median,Renamed.\n")
	if r = ictstat(t, "--db", db, "indicator", "define", changed); r.code != 3 || !strings.Contains(r.stderr, "give --replace to replace its definition") {
		t.Errorf("another definition: exit %d\n%s", r.code, r.stderr)
	}
	if r = ictstat(t, "--db", db, "indicator", "define", "--replace", changed); r.code != 0 || !strings.Contains(r.stdout, "1 replaced (learners_per_computer)") {
		t.Errorf("--replace: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// The user's definitions, listed as CSV, define them in another database.
	r = ictstat(t, "--db", db, "indicator", "list", "--user", "--format", "csv")
	listed := writeFile(t, dir, "listed.csv", r.stdout)
	if n := strings.Count(r.stdout, ",user\n"); r.code != 0 || n != 7 {
		t.Errorf("list --user: exit %d, %d user rows\n%s", r.code, n, r.stdout)
	}
	other := copyOfDefault(t)
	if r = ictstat(t, "--db", other, "indicator", "define", listed); r.code != 0 || !strings.Contains(r.stdout, "7 defined") {
		t.Errorf("defining the listed definitions elsewhere: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Observations load under economies named in any case and by M49 code, into an edition with
	// its licence; a group of members named by name and M49 code aggregates them by the median.
	if r = ictstat(t, "--db", db, "ingest", data, "--edition", "Demo NSO 2026", "--licence", "CC BY 4.0 (test)"); r.code != 0 {
		t.Fatalf("ingest: exit %d\n%s", r.code, r.stderr)
	}
	if r = ictstat(t, "--db", db, "group", "set", "EAC3", "--name", "Three of the EAC", "--members", "kenya,800,tza"); r.code != 0 {
		t.Fatalf("group set: %s", r.stderr)
	}
	if r = ictstat(t, "--db", db, "group", "set", "EAC4", "--name", "x", "--members", "Kenia"); r.code != 2 || !strings.Contains(r.stderr, "the closest are KEN (Kenya)") {
		t.Errorf("an unknown member: exit %d\n%s", r.code, r.stderr)
	}
	if r = ictstat(t, "--db", db, "compute"); r.code != 0 {
		t.Fatalf("compute: %s", r.stderr)
	}
	rows := sqlRows(t, db, `SELECT year, value, method, members FROM aggregates WHERE indicator = 'ict_sector_gva_pct' AND group_code = 'EAC3' AND year = 2022`)
	if len(rows) != 1 || strings.Join(rows[0], " ") != "2022 2.2 median 3" {
		t.Errorf("EAC3 2022: %v, want the median 2.2 of 3.4, 2.2 and 1.5", rows)
	}
	svg := filepath.Join(dir, "ict.svg")
	r = ictstat(t, "--db", db, "chart", "trend", "--indicator", "ict_sector_gva_pct", "--economies", "Kenya,800,EAC3", "-o", svg)
	b, _ := os.ReadFile(svg)
	if r.code != 0 || !strings.Contains(string(b), "ICT sector share of gross value added") || !strings.Contains(string(b), "Source: Demo NSO 2026.") {
		t.Errorf("chart: exit %d\n%s", r.code, r.stderr)
	}

	// Commands name economies as files do; an unknown one is answered with the closest.
	if r = ictstat(t, "--db", db, "scorecard", "--economy", "404", "--format", "json"); r.code != 0 || !strings.Contains(r.stdout, `"target": "T10"`) {
		t.Errorf("scorecard --economy 404: exit %d\n%s", r.code, r.stderr)
	}
	if r = ictstat(t, "--db", db, "progress", "--economy", "Kenia"); r.code != 2 || !strings.Contains(r.stderr, `no economy or group "Kenia"`) ||
		!strings.Contains(r.stderr, "the closest are KEN (Kenya)") {
		t.Errorf("progress --economy Kenia: exit %d\n%s", r.code, r.stderr)
	}

	// Licences: info names every edition's.
	r = ictstat(t, "--db", db, "info")
	for _, want := range []string{"licence", "CC BY 4.0 (test)", "CC BY-NC-SA 3.0 IGO (ITU DataHub terms of use, https://datahub.itu.int/about)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("info lacks %q", want)
		}
	}
	more := writeFile(t, dir, "more.csv", "indicator,economy,year,value\nict_sector_gva_pct,KEN,2023,3.6\n")
	if r = ictstat(t, "--db", db, "ingest", more, "--edition", "Demo NSO 2026", "--licence", "CC0"); r.code != 2 || !strings.Contains(r.stderr, `is published under "CC BY 4.0 (test)", not "CC0"`) {
		t.Errorf("another licence for the edition: exit %d\n%s", r.code, r.stderr)
	}
}

// TestJobDefinesIndicatorsAndNamesLicences runs a job that defines indicators and loads a source
// with its licence: the manifest records the definitions file and every edition's licence, and so
// do the workbook's notes and a notebook's.
func TestJobDefinesIndicatorsAndNamesLicences(t *testing.T) {
	db := copyOfDefault(t)
	dir := t.TempDir()
	writeFile(t, dir, "mine.csv", "code,name,unit,unit_kind,polarity,aggregation,description\n"+
		"egov_index,E-government index,index (0-1),index,higher,median,An illustrative definition.\n")
	writeFile(t, dir, "egov.csv", "indicator,economy,year,value\negov_index,KEN,2022,0.52\negov_index,UGA,2022,0.41\n")
	writeFile(t, dir, "job.yaml", `title: "Own indicators"
output: out
indicators: mine.csv
sources:
  - files: egov.csv
    edition: "Demo 2026"
    released: 2026-01-31
    licence: "CC BY 4.0 (test)"
tables:
  - name: own
    sql: "SELECT economy, year, value FROM observations WHERE indicator = 'egov_index' ORDER BY economy"
    formats: [csv, xlsx]
`)
	r := ictstatIn(t, dir, nil, "--db", db, "run", "job.yaml")
	if r.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "out", "tables", "own.csv")); string(b) != "economy,year,value\nKEN,2022,0.52\nUGA,2022,0.41\n" {
		t.Errorf("own.csv:\n%s", b)
	}
	var m struct {
		Database map[string]any `json:"database"`
		Steps    []struct {
			Name, Detail string
		} `json:"steps"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "out", "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	licences, _ := m.Database["licences"].(map[string]any)
	if licences["Demo 2026"] != "CC BY 4.0 (test)" || !strings.HasPrefix(licences["ITU DataHub 2025-12"].(string), "CC BY-NC-SA 3.0 IGO") {
		t.Errorf("manifest licences: %v", licences)
	}
	if m.Steps[0].Name != "define indicators mine.csv" || !strings.Contains(m.Steps[0].Detail, "sha256") || !strings.Contains(m.Steps[0].Detail, "1 defined") {
		t.Errorf("first step: %+v", m.Steps[0])
	}
	zr, err := zip.OpenReader(filepath.Join(dir, "out", "tables", "tables.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var text strings.Builder
	for _, f := range zr.File {
		rc, _ := f.Open()
		io.Copy(&text, rc)
		rc.Close()
	}
	for _, want := range []string{"licence: CC BY 4.0 (test)", "licence: CC BY-NC-SA 3.0 IGO"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the workbook's notes lack %q", want)
		}
	}
	// A changed definition is not replaced by a job: it is refused, exit 2, and nothing lands.
	writeFile(t, dir, "mine.csv", "code,name,unit,unit_kind,polarity,aggregation\negov_index,Renamed,index,index,higher,median\n")
	if r = ictstatIn(t, dir, nil, "--db", db, "run", "job.yaml"); r.code != 2 || !strings.Contains(r.stderr, "give --replace") {
		t.Errorf("a changed definition: exit %d\n%s", r.code, r.stderr)
	}

	nb := writeFile(t, dir, "nb.md", "# Notes\n\n```sql\nSELECT 1 AS x\n```\n")
	if r = ictstat(t, "--db", db, "notebook", "render", nb, "-o", filepath.Join(dir, "nb.out.md")); r.code != 0 {
		t.Fatalf("notebook: exit %d\n%s", r.code, r.stderr)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "nb.out.md"))
	for _, want := range []string{"Demo 2026: Demo 2026, released 2026-01-31 (1 file); licence: CC BY 4.0 (test)", "licence: CC BY 4.0 (World Bank"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the notebook's notes lack %q:\n%s", want, md)
		}
	}
}
