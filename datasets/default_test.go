package datasets_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/ictstat/ictstat/datasets"
)

// defaultDB builds the default database once per test run and returns its path.
var defaultDB = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "ictstat-datasets-test-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "default.duckdb")
	_, err = datasets.Build(context.Background(), path, datasets.BuildOptions{ToolVersion: "test"})
	return path, err
})

// openDefault opens the default database read-only with the plain DuckDB driver, as any client
// would: nothing of ictstat's code is involved in reading it back.
func openDefault(t *testing.T) *sql.DB {
	t.Helper()
	path, err := defaultDB()
	if err != nil {
		t.Fatalf("building the default database: %v", err)
	}
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMain(m *testing.M) {
	code := m.Run()
	if path, err := defaultDB(); err == nil {
		os.RemoveAll(filepath.Dir(path))
	}
	os.Exit(code)
}

// readEmbedded reads an embedded CSV file with encoding/csv: the header, the data records and
// the line each record starts on (quoted fields of the ITU DataHub exports span lines).
func readEmbedded(t *testing.T, name string) (header []string, rows [][]string, lines []int64) {
	t.Helper()
	data, err := datasets.Files.ReadFile("default/" + name)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))))
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if header == nil {
			header = rec
			continue
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, rec)
		lines = append(lines, int64(line))
	}
	return header, rows, lines
}

// valueColumn is the column of a default file that holds the observation's value.
func valueColumn(header []string) int {
	for i, h := range header {
		switch h {
		case "dataValue", "Value":
			return i
		}
	}
	return len(header) - 1
}

// TestEveryValueLandsAsPublished checks every data row of every embedded file against the
// database: the value stored for the file's batch at that line equals the value in the file,
// and the rows that did not land are exactly the rows rejected.
func TestEveryValueLandsAsPublished(t *testing.T) {
	db := openDefault(t)
	files, err := datasets.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 22 {
		t.Fatalf("manifest lists %d files, want 22", len(files))
	}
	for _, f := range files {
		t.Run(f.Name, func(t *testing.T) {
			header, rows, lines := readEmbedded(t, f.Name)
			vc := valueColumn(header)
			var batch int
			var read, loaded, rejected int64
			err := db.QueryRow(`SELECT batch, rows_read, rows_loaded, rows_rejected FROM batches WHERE file = ?`,
				"datasets/default/"+f.Name).Scan(&batch, &read, &loaded, &rejected)
			if err != nil {
				t.Fatal(err)
			}
			stored := map[int64]float64{}
			q, err := db.Query(`SELECT line, value FROM store.observations WHERE batch_id = ?`, batch)
			if err != nil {
				t.Fatal(err)
			}
			for q.Next() {
				var line int64
				var v float64
				if err := q.Scan(&line, &v); err != nil {
					t.Fatal(err)
				}
				stored[line] = v
			}
			q.Close()
			rejectedLines := map[int64]bool{}
			r, err := db.Query(`SELECT line FROM rejects WHERE batch = ?`, batch)
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
				var line int64
				r.Scan(&line)
				rejectedLines[line] = true
			}
			r.Close()

			var withValue int64
			for i, row := range rows {
				line := lines[i]
				text := strings.TrimSpace(row[vc])
				if text == "" {
					continue
				}
				withValue++
				want, err := strconv.ParseFloat(text, 64)
				if err != nil {
					t.Fatalf("line %d: the source value %q is not a number", line, text)
				}
				got, ok := stored[line]
				switch {
				case rejectedLines[line] && ok:
					t.Errorf("line %d was both rejected and stored", line)
				case rejectedLines[line]:
				case !ok:
					t.Errorf("line %d (value %s) neither stored nor rejected", line, text)
				case got != want:
					t.Errorf("line %d: stored %v, the file has %v", line, got, want)
				}
			}
			if read != withValue || loaded != int64(len(stored)) || rejected != int64(len(rejectedLines)) {
				t.Errorf("batch %d: read %d loaded %d rejected %d; the file has %d values, the store %d rows and %d rejects",
					batch, read, loaded, rejected, withValue, len(stored), len(rejectedLines))
			}
		})
	}
}

// TestPublishedFigures checks figures the producers publish, through the analysts' views.
func TestPublishedFigures(t *testing.T) {
	db := openDefault(t)
	cases := []struct {
		name, query string
		args        []any
		want        float64
	}{
		// PROVENANCE.md: CHN internet is 90.6 in 2023 and 92 in 2024 in the WDI 2025 vintage.
		{"China internet use 2023", `SELECT value FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'CHN' AND year = 2023 AND sex = 'total'`, nil, 90.6},
		{"China internet use 2024", `SELECT value FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'CHN' AND year = 2024 AND sex = 'total'`, nil, 92},
		// PROVENANCE.md: world female internet use 2022 = 63.4 (SDG 17.8.1).
		{"World female internet use 2022", `SELECT value FROM published_aggregates WHERE indicator = 'internet_use_pct' AND group_code = 'WLD' AND year = 2022 AND sex = 'female'`, nil, 63.4},
		// Curaçao is 'nld_curacao' in the Gapminder files: nld_curacao,2015,114.331.
		{"Curaçao mobile subscriptions 2015", `SELECT value FROM observations WHERE indicator = 'mobile_cellular_per100' AND economy = 'CUW' AND year = 2015`, nil, 114.331},
		// Guernsey is 'AAA' in the ITU DataHub export: "AAA","Guernsey","41",2001.
		{"Guernsey households with internet 2001", `SELECT value FROM observations WHERE indicator = 'households_internet_pct' AND economy = 'GGY' AND year = 2001`, nil, 41},
		// ITU DataHub: "i271GA","At least LTE/WiMAX",...,"KEN","Kenya","97",2023.
		{"Kenya 4G coverage 2023", `SELECT value FROM observations WHERE indicator = 'coverage_4g_pct' AND economy = 'KEN' AND year = 2023`, nil, 97},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got float64
			if err := db.QueryRow(c.query, c.args...).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-c.want) > 1e-9 {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestCodesResolveToEconomies checks the source codes that are not ISO3 codes.
func TestCodesResolveToEconomies(t *testing.T) {
	db := openDefault(t)
	for _, c := range []struct{ file, economy string }{
		{"wdi_itu_internet_users_pct.csv", "CUW"},                         // nld_curacao
		{"wdi_itu_internet_users_pct.csv", "XKX"},                         // kos
		{"wdi_rural_population_pct.csv", "CHI"},                           // chanisl
		{"sdg_4_4_1_ict_skills.csv", "XKX"},                               // M49 412 in the SDG database
		{"itu_datahub_population_coverage_mobile_2g_3g_4g_5g.csv", "JEY"}, // GBJ
		{"itu_datahub_price_fixed_broadband_5gb.csv", "XKX"},              // KSO
	} {
		var n int
		err := db.QueryRow(`SELECT count(*) FROM observations_all_editions o JOIN batches b USING (batch)
			WHERE b.file = ? AND o.economy = ?`, "datasets/default/"+c.file, c.economy).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("%s: no observation for %s", c.file, c.economy)
		}
	}
}

// TestNewestEditionIsDefault checks that a series published in several editions shows its newest
// in the observations view and keeps the others.
func TestNewestEditionIsDefault(t *testing.T) {
	db := openDefault(t)
	// Kenya's fixed broadband per 100 for 2020 is in WDI 2025, the SDG database 2023-12 and the
	// ITU DataHub export of 2025-12, the newest.
	var editions int
	var newest string
	err := db.QueryRow(`SELECT count(*), max(edition) FILTER (WHERE current) FROM observations_all_editions
		WHERE indicator = 'fixed_broadband_per100' AND economy = 'KEN' AND year = 2020`).Scan(&editions, &newest)
	if err != nil {
		t.Fatal(err)
	}
	if editions != 3 || newest != "ITU DataHub 2025-12" {
		t.Errorf("%d editions, newest %q; want 3 and ITU DataHub 2025-12", editions, newest)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM observations WHERE indicator = 'fixed_broadband_per100' AND economy = 'KEN' AND year = 2020`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("the default view has %d rows for one series and year, want 1", n)
	}
}

// TestSourceErrorsAreRejected checks the two values of the SDG 4.4.1 file that break the rules
// (a share of 556.79% and one of −0.0000027%): they are rejected with their line and reason, and
// nothing else is.
func TestSourceErrorsAreRejected(t *testing.T) {
	db := openDefault(t)
	rows, err := db.Query(`SELECT file, line, "column", value, reason FROM rejects ORDER BY file, line`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var file, column, value, reason string
		var line int
		if err := rows.Scan(&file, &line, &column, &value, &reason); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{filepath.Base(file), strconv.Itoa(line), column, value, reason}, " | "))
	}
	want := []string{
		"sdg_4_4_1_ict_skills.csv | 5002 | se_adt_acts | 556.79408 | percentage outside 0–100",
		"sdg_4_4_1_ict_skills.csv | 12253 | se_adt_acts | -0.0000027 | percentage outside 0–100",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRowsAreAccountedFor checks every batch: rows read = loaded + unchanged + rejected.
func TestRowsAreAccountedFor(t *testing.T) {
	db := openDefault(t)
	var bad int
	if err := db.QueryRow(`SELECT count(*) FROM batches WHERE rows_read <> rows_loaded + rows_unchanged + rows_rejected`).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d batches do not account for their rows", bad)
	}
}

// TestBuildLeavesNothingWhenInterrupted checks that a cancelled build leaves no database and no
// temporary file behind, and that an existing database is kept.
func TestBuildLeavesNothingWhenInterrupted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.duckdb")
	ctx, cancel := context.WithCancel(context.Background())
	_, err := datasets.Build(ctx, path, datasets.BuildOptions{
		Progress: func(file string, i, n int) {
			if i == 3 {
				cancel()
			}
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
	if err := os.WriteFile(path, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := datasets.Build(context.Background(), path, datasets.BuildOptions{}); err == nil {
		t.Error("Build over an existing file without Replace succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "keep" {
		t.Error("the existing file was changed")
	}
}
