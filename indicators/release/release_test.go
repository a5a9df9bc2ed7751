package release_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/xuri/excelize/v2"

	"github.com/ictstat/ictstat/engine/job"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
	"github.com/ictstat/ictstat/indicators/release"
)

func TestMain(m *testing.M) {
	if os.Getenv("ICTSTAT_TEST_STOP_AT") != "" {
		stopWhilePublishing() // the test binary as a run to kill, in killed_test.go
		return
	}
	computetest.Main(m)
}

// database is a copy of the computed default database for one test.
func database(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(computetest.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ictstat.duckdb")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t *testing.T, jobFile, db, out string) release.Result {
	t.Helper()
	j, err := release.Read(jobFile)
	if err != nil {
		t.Fatal(err)
	}
	res, err := release.Run(context.Background(), j, release.Options{Database: db, Out: out, ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// writeJob writes a job file into dir and returns its path.
func writeJob(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// TestWSIS20 runs the WSIS+20 review job on the embedded data and reads every output back with a
// real reader: the values are the database's, the manifest's hashes are the files', and a second
// run gives the same bytes.
func TestWSIS20(t *testing.T) {
	dbPath := database(t)
	out := filepath.Join(t.TempDir(), "wsis20-review")
	res := run(t, "../../datasets/jobs/wsis20.yaml", dbPath, out)
	db := openDB(t, dbPath)

	// CSV: the progress of the world against T10 (internet use) as the progress view has it.
	recs := readCSV(t, filepath.Join(out, "tables", "progress.csv"))
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var found bool
	for _, r := range recs[1:] {
		if r[col["entity"]] == "WLD" && r[col["target"]] == "T10" && r[col["measure"]] == "internet_use_pct" {
			found = true
			var latest float64
			var met int
			db.QueryRow(`SELECT latest, met_year FROM progress WHERE framework = 'wsis_geneva_2003' AND target = 'T10'
				AND measure = 'internet_use_pct' AND entity = 'WLD'`).Scan(&latest, &met)
			if got, _ := strconv.ParseFloat(r[col["latest"]], 64); got != latest || r[col["met_year"]] != strconv.Itoa(met) || met != 2019 {
				t.Errorf("WLD T10: latest %s met %s, the database %v %d", r[col["latest"]], r[col["met_year"]], latest, met)
			}
		}
		if r[col["framework"]] != "wsis_geneva_2003" {
			t.Errorf("a row of framework %s", r[col["framework"]])
		}
	}
	if !found {
		t.Error("progress.csv lacks WLD T10")
	}

	// Parquet: the same rows as the CSV.
	pf, err := file.OpenParquetFile(filepath.Join(out, "tables", "progress.parquet"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if tbl.NumRows() != int64(len(recs)-1) {
		t.Errorf("progress.parquet has %d rows, the CSV %d", tbl.NumRows(), len(recs)-1)
	}
	tr := array.NewTableReader(tbl, 0)
	for tr.Next() {
		rec := tr.RecordBatch()
		idx := rec.Schema().FieldIndices("latest")
		lat := rec.Column(idx[0]).(*array.Float64)
		ent := rec.Column(rec.Schema().FieldIndices("entity")[0]).(*array.String)
		for i := 0; i < int(rec.NumRows()); i++ {
			var want sql.NullFloat64
			db.QueryRow(`SELECT latest FROM progress WHERE framework = 'wsis_geneva_2003' AND entity = ? AND target = ? AND measure = ?`,
				ent.Value(i), rec.Column(1).(*array.String).Value(i), rec.Column(2).(*array.String).Value(i)).Scan(&want)
			if lat.IsNull(i) != !want.Valid || (want.Valid && lat.Value(i) != want.Float64) {
				t.Errorf("parquet row %d: latest %v, the database %v", i, lat.Value(i), want)
			}
		}
	}
	tr.Release()

	// XLSX: a sheet per table and the notes; cells hold numbers.
	xf, err := excelize.OpenFile(filepath.Join(out, "tables", "tables.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	if got := strings.Join(xf.GetSheetList(), ","); got != "progress,targets,aggregates,gaps,Notes" {
		t.Errorf("sheets %s", got)
	}
	rows, _ := xf.GetRows("aggregates")
	var n int
	db.QueryRow(`SELECT count(*) FROM aggregates WHERE list_contains(['WLD','ITU_AFR','ITU_AMS','ITU_ARB','ITU_ASP','ITU_CIS','ITU_EUR','LIC','LMC','UMC','HIC','LDC','LLDC','SIDS'], group_code)
		AND list_contains(['internet_use_pct','mobile_cellular_per100','coverage_2g_pct','coverage_3g_pct','coverage_4g_pct','households_internet_pct','fixed_broadband_per100','mobile_broadband_per100'], indicator)
		AND year BETWEEN 2005 AND 2024`).Scan(&n)
	if len(rows)-1 != n || n == 0 {
		t.Errorf("aggregates sheet: %d rows, the database %d", len(rows)-1, n)
	}
	typ, _ := xf.GetCellType("aggregates", "G2")
	v, _ := xf.GetCellValue("aggregates", "G2")
	if _, err := strconv.ParseFloat(v, 64); rows[0][6] != "value" || err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("aggregates G2: %q under %s, type %v", v, rows[0][6], typ)
	}
	notes, _ := xf.GetRows("Notes")
	if !strings.Contains(fmt.Sprint(notes), "Source: ITU") || !strings.Contains(fmt.Sprint(notes), "World Bank WDI (2025 edition)") {
		t.Errorf("notes: %v", notes)
	}

	// SDMX-CSV: the world's internet use in 2024 as the aggregates view has it.
	sdmx := readCSV(t, filepath.Join(out, "tables", "aggregates.sdmx.csv"))
	if strings.Join(sdmx[0], ",") != "DATAFLOW,SERIES,REF_AREA,SEX,AGE,URBANISATION,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS" {
		t.Errorf("SDMX header %v", sdmx[0])
	}
	var world float64
	db.QueryRow(`SELECT value FROM aggregates WHERE group_code = 'WLD' AND indicator = 'internet_use_pct' AND sex = 'total'
		AND area = 'total' AND age = 'total' AND year = 2024`).Scan(&world)
	found = false
	for _, r := range sdmx[1:] {
		if r[1] == "internet_use_pct" && r[2] == "WLD" && r[3] == "_T" && r[5] == "_T" && r[6] == "2024" {
			found = true
			// ITU's 2025 edition puts the world at 71% in 2024.
			if v, _ := strconv.ParseFloat(r[7], 64); v != world || world < 68 || world > 74 {
				t.Errorf("SDMX WLD 2024: %s, the database %v", r[7], world)
			}
		}
		if r[0] != release.SDMXDataflow {
			t.Fatalf("dataflow %s", r[0])
		}
	}
	if !found {
		t.Error("the SDMX-CSV lacks the world's internet use in 2024")
	}

	// The scorecard names the world's met targets.
	md, _ := os.ReadFile(filepath.Join(out, "scorecard.md"))
	if !strings.Contains(string(md), fmt.Sprintf("| T10 | Individuals using the Internet | 15.5 (2005) | %.1f (2024) | target met | 2019 |", world)) {
		t.Errorf("scorecard.md:\n%s", md)
	}

	// The manifest lists every file with its hash.
	var m job.Manifest
	b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Outputs) != 15 || m.ToolVersion != "test" || m.Job.SHA256 == "" {
		t.Errorf("manifest: %d outputs, tool %q", len(m.Outputs), m.ToolVersion)
	}
	for _, f := range m.Outputs {
		h, err := job.HashFile(filepath.Join(out, f.Path))
		if err != nil || h.SHA256 != f.SHA256 || h.Bytes != f.Bytes {
			t.Errorf("%s: manifest %s %d, file %s %d", f.Path, f.SHA256, f.Bytes, h.SHA256, h.Bytes)
		}
	}

	// Again: the same bytes.
	res2 := run(t, "../../datasets/jobs/wsis20.yaml", dbPath, out)
	for i, f := range res2.Manifest.Outputs {
		if f != res.Manifest.Outputs[i] {
			t.Errorf("second run: %+v, first %+v", f, res.Manifest.Outputs[i])
		}
	}
}

// TestCountryRelease loads a new edition of four series and publishes what changed.
// The job loads into a database of its own, in the current folder, which starts as a copy of the
// user's; the user's database is left as it was.
func TestCountryRelease(t *testing.T) {
	jobFile, err := filepath.Abs("../../datasets/jobs/country-release.yaml")
	if err != nil {
		t.Fatal(err)
	}
	userDB := database(t)
	userBytes, _ := os.ReadFile(userDB)
	dir := t.TempDir()
	t.Chdir(dir)
	out := filepath.Join(dir, "release")
	res := run(t, jobFile, userDB, out)
	if len(res.Manifest.Inputs) != 1 || res.Manifest.Inputs[0].RowsLoaded != 40 || res.Manifest.Inputs[0].SHA256 == "" {
		t.Fatalf("inputs %+v", res.Manifest.Inputs)
	}
	if after, _ := os.ReadFile(userDB); !bytes.Equal(after, userBytes) {
		t.Error("the example job changed the user's database")
	}
	dbPath := filepath.Join(dir, "country-release.duckdb")
	db := openDB(t, dbPath)
	before := openDB(t, userDB)
	recs := readCSV(t, filepath.Join(out, "tables", "changes.csv"))
	if len(recs) != 41 {
		t.Fatalf("%d changes, want 40", len(recs)-1)
	}
	statuses := map[string]int{}
	for _, r := range recs[1:] {
		statuses[r[12]]++
		// The previous value is the one the user's database showed before the run, which the job's
		// database started from (none where an edition replacing the series had withdrawn it).
		var prev sql.NullFloat64
		var prevEd sql.NullString
		before.QueryRow(`SELECT value, edition FROM observations WHERE indicator = 'internet_use_pct' AND economy = ? AND year = ?
			AND sex = 'total' AND area = 'total' AND age = 'total'`, r[1], r[2]).Scan(&prev, &prevEd)
		got, _ := strconv.ParseFloat(r[8], 64)
		switch {
		case r[12] == "new" && prev.Valid:
			t.Errorf("%s %s: new, but %s has %v", r[1], r[2], prevEd.String, prev.Float64)
		case r[12] != "new" && (!prev.Valid || got != prev.Float64 || r[7] != prevEd.String):
			t.Errorf("%s %s: previous %s %s, the database %s %v", r[1], r[2], r[7], r[8], prevEd.String, prev)
		}
		var now float64
		db.QueryRow(`SELECT value FROM observations WHERE indicator = 'internet_use_pct' AND economy = ? AND year = ? AND sex = 'total' AND area = 'total' AND age = 'total'`, r[1], r[2]).Scan(&now)
		if v, _ := strconv.ParseFloat(r[10], 64); v != now || r[9] != "SYN 2026-06" {
			t.Errorf("%s %s: %s %s, the newest %v", r[1], r[2], r[9], r[10], now)
		}
	}
	if statuses["revised"] == 0 || statuses["revised"]+statuses["new"]+statuses["unchanged"] != 40 {
		t.Errorf("statuses %v", statuses)
	}
	// The new edition is the default, and aggregates were recomputed from it.
	var ed string
	db.QueryRow(`SELECT edition FROM series WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND sex = 'total' AND area = 'total' AND age = 'total'`).Scan(&ed)
	if ed != "SYN 2026-06" {
		t.Errorf("Kenya's newest edition: %s", ed)
	}
	var last, computed int
	db.QueryRow(`SELECT (SELECT max(batch) FROM batches), (SELECT last_batch FROM computations ORDER BY computed_at DESC LIMIT 1)`).Scan(&last, &computed)
	if last != computed {
		t.Errorf("the computation includes batch %d, the last is %d", computed, last)
	}
}

// TestBrokenSource: a job whose source is refused fails with ErrRefused, and leaves the database
// and the previous release byte for byte as they were.
func TestBrokenSource(t *testing.T) {
	dir := t.TempDir()
	dbPath := database(t)
	out := filepath.Join(dir, "release")
	run(t, writeJob(t, dir, "previous.yaml", "title: previous\noutput: release\ntables:\n  - name: targets\n    formats: [csv]\n"), dbPath, out)
	previous, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	before, _ := os.ReadFile(dbPath)
	os.WriteFile(filepath.Join(dir, "broken.csv"), []byte("indicator,economy,year,value\ninternet_use_pct,KEN,2025,41\ninternet_use_pct,XXX,2025,12\nnope,KEN,2025,1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "job.yaml"), []byte("title: broken\noutput: release\nsources:\n  - files: broken.csv\n    edition: E1\ntables:\n  - name: progress\n    formats: [csv]\n"), 0o644)
	j, err := release.Read(filepath.Join(dir, "job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = release.Run(context.Background(), j, release.Options{Database: dbPath, Out: out})
	if !errors.Is(err, release.ErrRefused) || !strings.Contains(err.Error(), "broken.csv") || !strings.Contains(err.Error(), "2 of 3 rows") {
		t.Fatalf("err = %v", err)
	}
	if after, _ := os.ReadFile(dbPath); !bytes.Equal(before, after) {
		t.Error("the database changed")
	}
	if now, _ := os.ReadFile(filepath.Join(out, "manifest.json")); !bytes.Equal(now, previous) {
		t.Error("the previous release changed")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestInvalidJobs: what cannot run is refused with its line before anything runs.
func TestInvalidJobs(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("indicator,economy,year,value\n"), 0o644)
	for _, tc := range []struct{ job, msg string }{
		{"output: x\ncolour: red\n", "line 2: field colour not found"},
		{"output: x\nsources:\n  - files: missing-*.csv\n    edition: E\n", "line 3: no file matches missing-*.csv"},
		{"output: x\nsources:\n  - files: a.csv\n", "line 3: a source needs an edition"},
		{"output: x\nsources:\n  - files: a.csv\n    edition: E\n    format: xml\n", "line 5: unknown format \"xml\""},
		{"output: x\ntables:\n  - name: progress\n    formats: [csv, pdf]\n", "line 4: unknown format \"pdf\""},
		{"output: x\ntables:\n  - name: progress\n    formats: [sdmx-csv]\n", "line 4: table progress has no observations"},
		{"output: x\ntables:\n  - name: nothing\n    formats: [csv]\n", "line 3: \"nothing\" is not a built-in table"},
		{"output: x\nselect:\n  frameworks: [wsis_2003]\n", "line 3: unknown framework \"wsis_2003\""},
		{"output: x\nvalidation:\n  errors: [colour]\n", "line 3: unknown column \"colour\""},
		{"output: x\ncharts:\n  - file: a.png\n    kind: trend\n    colour: red\n", "line 5: unknown key \"colour\" in a chart"},
		{"tables: []\n", "needs an output folder"},
		{"output: x\ncomposition: yearly\n", "line 2: composition \"yearly\""},
		{"output: x\nlang: de\n", "line 2: lang \"de\": use one of en, ar, fa, fr, es, ru, zh"},
		{"output: x\nlang: ar\ndigits: roman\n", "line 3: digits \"roman\""},
	} {
		path := filepath.Join(dir, "job.yaml")
		os.WriteFile(path, []byte(tc.job), 0o644)
		_, err := release.Read(path)
		if !errors.Is(err, release.ErrInvalid) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: %v, want %q", tc.job, err, tc.msg)
		}
	}
}
