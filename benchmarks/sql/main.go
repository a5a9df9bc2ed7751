// Command sql is the SQL benchmark: typical analyst queries through ictstat's views, run the way
// `ictstat sql` and `ictstat serve` run them (engine/query's streaming results, CSV out), against
// the same questions written on the base tables and run by bare DuckDB through database/sql, on a
// store of generated observations.
//
// The store is built with `ictstat gen` and `ictstat ingest`: -editions editions of -rows rows
// each (by default 10 x 10 million = 100 million observations), every edition a new vintage of
// the same series, as a statistical office's store holds them. Each query's two forms must give
// the same rows. Runs alternate which side goes first; medians and their ratio are reported.
//
//	go run ./benchmarks/sql                           # 100 million observations, 5 runs
//	go run ./benchmarks/sql -rows 200000 -editions 5  # the short run of .ci/run
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/engine/store"
)

// analystQuery is one question asked two ways: on the views and on the base tables.
type analystQuery struct {
	name, view, base string
}

// The base-table forms look codes up the way one would by hand on the integer-keyed tables.
const (
	sexTotal  = `(SELECT code_id FROM store.codes WHERE dimension = 'sex' AND code = 'total')`
	areaTotal = `(SELECT code_id FROM store.codes WHERE dimension = 'area' AND code = 'total')`
	ageTotal  = `(SELECT code_id FROM store.codes WHERE dimension = 'age' AND code = 'total')`
)

var queries = []analystQuery{
	{
		name: "one series",
		view: `SELECT year, value FROM observations
			WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND sex = 'total' AND area = 'total' AND age = 'total' ORDER BY year`,
		base: `SELECT o.year, o.value FROM store.observations o
			JOIN store.series s ON s.series_id = o.series_id AND o.current
			JOIN store.indicators i ON i.indicator_id = s.indicator_id
			JOIN store.economies e ON e.economy_id = s.economy_id
			WHERE i.code = 'internet_use_pct' AND e.iso3 = 'KEN' AND s.sex = ` + sexTotal + ` AND s.area = ` + areaTotal + ` AND s.age = ` + ageTotal + `
			ORDER BY o.year`,
	},
	{
		name: "cross-section of a year",
		view: `SELECT economy, value FROM observations
			WHERE indicator = 'mobile_cellular_per100' AND year = 2020 AND sex = 'total' AND area = 'total' AND age = 'total' ORDER BY economy`,
		base: `SELECT e.iso3, o.value FROM store.observations o
			JOIN store.series s ON s.series_id = o.series_id AND o.current
			JOIN store.indicators i ON i.indicator_id = s.indicator_id
			JOIN store.economies e ON e.economy_id = s.economy_id
			WHERE i.code = 'mobile_cellular_per100' AND o.year = 2020 AND s.sex = ` + sexTotal + ` AND s.area = ` + areaTotal + ` AND s.age = ` + ageTotal + `
			ORDER BY e.iso3`,
	},
	{
		name: "regional means by year",
		view: `SELECT e.itu_region, o.year, avg(o.value) AS mean, count(*) AS economies
			FROM observations o JOIN economies e USING (economy)
			WHERE o.indicator = 'internet_use_pct' AND o.sex = 'total' AND o.area = 'total' AND o.age = 'total'
			GROUP BY ALL ORDER BY ALL`,
		base: `SELECT e.itu_region, o.year, avg(o.value) AS mean, count(*) AS economies
			FROM store.observations o
			JOIN store.series s ON s.series_id = o.series_id AND o.current
			JOIN store.indicators i ON i.indicator_id = s.indicator_id
			JOIN store.economies e ON e.economy_id = s.economy_id
			WHERE i.code = 'internet_use_pct' AND s.sex = ` + sexTotal + ` AND s.area = ` + areaTotal + ` AND s.age = ` + ageTotal + `
			GROUP BY ALL ORDER BY ALL`,
	},
	{
		name: "women and men",
		view: `SELECT f.economy, f.year, f.value / m.value AS parity
			FROM observations f JOIN observations m USING (indicator, economy, year, area, age)
			WHERE f.indicator = 'internet_use_pct' AND f.sex = 'female' AND m.sex = 'male' AND f.area = 'total' AND f.age = 'total' AND f.year >= 2015
			ORDER BY ALL`,
		base: `SELECT e.iso3, f.year, f.value / m.value AS parity
			FROM store.observations f
			JOIN store.series sf ON sf.series_id = f.series_id AND f.current
			JOIN store.series sm ON sm.indicator_id = sf.indicator_id AND sm.economy_id = sf.economy_id AND sm.area = sf.area AND sm.age = sf.age
			JOIN store.observations m ON m.series_id = sm.series_id AND m.current AND m.year = f.year
			JOIN store.indicators i ON i.indicator_id = sf.indicator_id
			JOIN store.economies e ON e.economy_id = sf.economy_id
			WHERE i.code = 'internet_use_pct' AND sf.sex = (SELECT code_id FROM store.codes WHERE dimension = 'sex' AND code = 'female')
			  AND sm.sex = (SELECT code_id FROM store.codes WHERE dimension = 'sex' AND code = 'male')
			  AND sf.area = ` + areaTotal + ` AND sf.age = ` + ageTotal + ` AND f.year >= 2015
			ORDER BY ALL`,
	},
	{
		name: "every indicator summarised",
		view: `SELECT indicator, count(*) AS n, avg(value) AS mean, min(year) AS first, max(year) AS last
			FROM observations GROUP BY indicator ORDER BY indicator`,
		base: `SELECT i.code, count(*) AS n, avg(o.value) AS mean, min(o.year) AS first, max(o.year) AS last
			FROM store.observations o
			JOIN store.series s ON s.series_id = o.series_id AND o.current
			JOIN store.indicators i ON i.indicator_id = s.indicator_id
			WHERE s.economy_id IS NOT NULL
			GROUP BY i.code ORDER BY i.code`,
	},
	{
		name: "observations per edition",
		view: `SELECT edition, count(*) AS n, count(*) FILTER (WHERE current) AS current
			FROM observations_all_editions GROUP BY edition ORDER BY edition`,
		base: `SELECT ed.edition, count(*) AS n, count(*) FILTER (WHERE o.current) AS current
			FROM store.observations o
			JOIN store.series s ON s.series_id = o.series_id
			JOIN store.editions ed ON ed.edition_id = o.edition_id
			WHERE s.economy_id IS NOT NULL
			GROUP BY ed.edition ORDER BY ed.edition`,
	},
	{
		name: "revisions between editions",
		view: `SELECT a.economy, a.year, a.value AS before, b.value AS after
			FROM observations_all_editions a JOIN observations_all_editions b USING (indicator, economy, year, sex, area, age)
			WHERE a.indicator = 'fixed_broadband_per100' AND a.edition = 'SYN 2016' AND b.edition = 'SYN 2017'
			  AND a.sex = 'total' AND abs(b.value - a.value) > 1
			ORDER BY ALL`,
		base: `SELECT e.iso3, a.year, a.value AS before, b.value AS after
			FROM store.observations a
			JOIN store.observations b ON b.series_id = a.series_id AND b.year = a.year
			JOIN store.series s ON s.series_id = a.series_id
			JOIN store.indicators i ON i.indicator_id = s.indicator_id
			JOIN store.economies e ON e.economy_id = s.economy_id
			WHERE i.code = 'fixed_broadband_per100' AND s.sex = ` + sexTotal + `
			  AND a.edition_id = (SELECT edition_id FROM store.editions WHERE edition = 'SYN 2016')
			  AND b.edition_id = (SELECT edition_id FROM store.editions WHERE edition = 'SYN 2017')
			  AND abs(b.value - a.value) > 1
			ORDER BY ALL`,
	},
	{
		name: "series coverage",
		view: `SELECT economy, first_year, last_year, observations FROM series
			WHERE indicator = 'households_internet_pct' AND sex = 'total' ORDER BY economy`,
		base: `SELECT e.iso3, min(o.year), max(o.year), count(*)
			FROM store.observations o
			JOIN store.series s ON s.series_id = o.series_id AND o.current
			JOIN store.indicators i ON i.indicator_id = s.indicator_id
			JOIN store.economies e ON e.economy_id = s.economy_id
			WHERE i.code = 'households_internet_pct' AND s.sex = ` + sexTotal + `
			GROUP BY s.series_id, e.iso3 ORDER BY e.iso3`,
	},
	{
		name: "latest value of each economy",
		view: `SELECT economy, year, value FROM latest
			WHERE indicator = 'internet_use_pct' AND sex = 'total' AND area = 'total' AND age = 'total' ORDER BY economy`,
		base: `SELECT e.iso3, max(o.year), arg_max(o.value, o.year)
			FROM store.observations o
			JOIN store.series s ON s.series_id = o.series_id AND o.current
			JOIN store.indicators i ON i.indicator_id = s.indicator_id
			JOIN store.economies e ON e.economy_id = s.economy_id
			WHERE i.code = 'internet_use_pct' AND s.sex = ` + sexTotal + ` AND s.area = ` + areaTotal + ` AND s.age = ` + ageTotal + `
			GROUP BY e.iso3 ORDER BY e.iso3`,
	},
}

func main() {
	var (
		rows     = flag.Int64("rows", 10_000_000, "rows of each generated edition")
		editions = flag.Int("editions", 10, "editions to load")
		runs     = flag.Int("runs", 5, "runs of each query on each side")
		dir      = flag.String("dir", filepath.Join("benchmarks", "data"), "working directory for the binary and the store")
		bin      = flag.String("ictstat", "", "ictstat binary (default: build ./cmd/ictstat into -dir)")
	)
	flag.Parse()
	if err := run(*rows, *editions, *runs, *dir, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "benchmark:", err)
		os.Exit(1)
	}
}

func run(rows int64, editions, runs int, dir, bin string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if bin == "" {
		bin = filepath.Join(dir, "ictstat")
		fmt.Println("building ictstat")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/ictstat").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	path := filepath.Join(dir, fmt.Sprintf("sql-%d-x-%d.duckdb", editions, rows))
	if err := buildStore(bin, path, rows, editions); err != nil {
		return err
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	db := st.DB()
	var n int64
	if err := db.QueryRow(`SELECT count(*) FROM store.observations`).Scan(&n); err != nil {
		return err
	}
	info, _ := os.Stat(path)
	fmt.Printf("store %s: %d observations in %d editions, %.0f MB\n\n", path, n, editions, float64(info.Size())/1e6)
	fmt.Printf("%-30s %8s %12s %12s %7s\n", "query", "rows", "ictstat sql", "bare DuckDB", "ratio")
	var logSum float64
	for _, q := range queries {
		views, base, count, err := compare(ctx, st, q, runs)
		if err != nil {
			return fmt.Errorf("%s: %w", q.name, err)
		}
		ratio := views.Seconds() / base.Seconds()
		logSum += math.Log(ratio)
		fmt.Printf("%-30s %8d %10.1fms %10.1fms %7.2f\n", q.name, count, ms(views), ms(base), ratio)
	}
	fmt.Printf("\ngeometric mean of the ratios: %.2f (medians of %d runs, alternating which side goes first)\n",
		math.Exp(logSum/float64(len(queries))), runs)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// compare runs both forms of q, checks they give the same rows, and returns their median times.
func compare(ctx context.Context, st *store.Store, q analystQuery, runs int) (views, base time.Duration, rows int64, err error) {
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	defer conn.Close()
	viewSide := func() (time.Duration, int64, error) {
		started := time.Now()
		stats, err := st.Query().Run(ctx, query.Query{SQL: q.view}, "csv", io.Discard)
		return time.Since(started), stats.Rows, err
	}
	baseSide := func() (time.Duration, int64, error) {
		started := time.Now()
		n, err := bare(ctx, conn, q.base)
		return time.Since(started), n, err
	}
	// Both forms give the same rows (compared as CSV, the way ictstat sql writes them).
	a, err := csvOf(func(w io.Writer) error {
		_, err := st.Query().Run(ctx, query.Query{SQL: q.view}, "csv", w)
		return err
	})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("views: %w", err)
	}
	b, err := csvOf(func(w io.Writer) error {
		_, err := query.Run(ctx, conn, query.Query{SQL: q.base}, "csv", w)
		return err
	})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("base tables: %w", err)
	}
	if a != b {
		return 0, 0, 0, fmt.Errorf("the two forms give different rows")
	}
	var vt, bt []time.Duration
	for i := 0; i < runs; i++ {
		sides := []func() (time.Duration, int64, error){viewSide, baseSide}
		if i%2 == 1 {
			sides[0], sides[1] = sides[1], sides[0]
		}
		for j, side := range sides {
			d, n, err := side()
			if err != nil {
				return 0, 0, 0, err
			}
			rows = n
			if (j == 0) == (i%2 == 0) {
				vt = append(vt, d)
			} else {
				bt = append(bt, d)
			}
		}
	}
	return median(vt), median(bt), rows, nil
}

// csvOf is the result run writes as CSV, without its header, numbers to 10 significant digits (sums
// in parallel differ in the last ones), for comparing two forms.
func csvOf(run func(io.Writer) error) (string, error) {
	var sb strings.Builder
	if err := run(&sb); err != nil {
		return "", err
	}
	lines := strings.Split(sb.String(), "\n")
	for i, line := range lines[1:] {
		fields := strings.Split(line, ",")
		for j, f := range fields {
			if v, err := strconv.ParseFloat(f, 64); err == nil {
				fields[j] = strconv.FormatFloat(v, 'g', 10, 64)
			}
		}
		lines[i+1] = strings.Join(fields, ",")
	}
	return strings.Join(lines[1:], "\n"), nil
}

// bare runs q through database/sql and reads every value, as a program using DuckDB directly
// would.
func bare(ctx context.Context, conn *sql.Conn, q string) (int64, error) {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// buildStore loads editions generated editions of rows rows into a new store at path, unless a
// store of that shape is already there.
func buildStore(bin, path string, rows int64, editions int) error {
	if st, err := store.Open(context.Background(), path, store.Options{ReadOnly: true}); err == nil {
		var n int64
		err := st.DB().QueryRow(`SELECT count(*) FROM store.observations`).Scan(&n)
		st.Close()
		if err == nil && n == rows*int64(editions) {
			return nil
		}
	}
	os.Remove(path)
	building := path + ".building"
	os.Remove(building)
	if out, err := exec.Command(bin, "--db", building, "init", "--empty", "-q").CombinedOutput(); err != nil {
		return fmt.Errorf("init: %v\n%s", err, out)
	}
	file := path + ".csv"
	defer os.Remove(file)
	started := time.Now()
	for e := 1; e <= editions; e++ {
		if out, err := exec.Command(bin, "gen", "-o", file, "--rows", fmt.Sprint(rows), "--bad-rate", "0", "--seed", fmt.Sprint(e), "-q").CombinedOutput(); err != nil {
			return fmt.Errorf("gen: %v\n%s", err, out)
		}
		if out, err := exec.Command(bin, "--db", building, "ingest", file, "--edition", fmt.Sprintf("SYN %d", 2015+e), "-q").CombinedOutput(); err != nil {
			return fmt.Errorf("ingest: %v\n%s", err, out)
		}
		fmt.Printf("\rloaded edition %d of %d (%d rows each), %.0fs", e, editions, rows, time.Since(started).Seconds())
	}
	fmt.Println()
	return os.Rename(building, path)
}
