// Command compute is the computation benchmark: `ictstat compute` on a store of many million
// observations, side by side in one run with `ictstat ingest` of the same file, then after a
// load of one economy's value (incremental: only what changed is recomputed).
//
//	go run ./benchmarks/compute                        # 10 million rows, 1 run
//	go run ./benchmarks/compute -rows 1000000 -runs 3
//
// Every run starts from a copy of the default database (`ictstat init`) and, each step a child
// process timed from start to exit with its peak resident memory:
//
//  1. ingest: `ictstat ingest` of the generated file (`ictstat gen`, no bad rows);
//  2. full: `ictstat compute --full` of everything;
//  3. one economy, internet use: a file with Kenya's internet use of one more year is loaded
//     and `ictstat compute` recomputes what it changed (internet use with 3G coverage and rural
//     3G coverage, which depend on it);
//  4. one economy, mobile broadband: the same with Kenya's mobile-broadband subscriptions;
//  5. nothing changed: `ictstat compute` again.
//
// After steps 2 and 3, a DuckDB-only program (benchmarks/compute/duckdbfloor) replaces every
// derived row (step 2) and every row of internet use's family (step 3) in one transaction,
// deleting them and inserting the same rows from copies, with no computation: what DuckDB itself
// takes to rewrite them. Its time is the transaction's, printed beside the step. Step 3 itself
// rewrites only the years whose results could change, fewer rows than that.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ictstat/ictstat/benchmarks/internal/child"
)

func main() {
	var (
		rows = flag.Int64("rows", 10_000_000, "rows of the generated file")
		runs = flag.Int("runs", 1, "runs; the medians are reported")
		dir  = flag.String("dir", filepath.Join("benchmarks", "data", "compute"), "working directory")
		bin  = flag.String("ictstat", "", "ictstat binary (default: build ./cmd/ictstat into -dir)")
	)
	flag.Parse()
	if err := run(*rows, *runs, *dir, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "benchmark:", err)
		os.Exit(1)
	}
}

// steps are the steps of a run, in order.
var steps = []string{"ingest", "full compute", "one economy: internet use", "one economy: mobile broadband", "nothing changed"}

func run(rows int64, runs int, dir, bin string) error {
	dir, bin, err := child.Prepare(dir, bin)
	if err != nil {
		return err
	}
	base := filepath.Join(dir, "base.duckdb")
	os.Remove(base)
	if _, err := child.Run(bin, "--db", base, "init", "-q"); err != nil {
		return err
	}
	source := filepath.Join(dir, "source.csv")
	defer os.Remove(source)
	if _, err := child.Run(bin, "gen", "-o", source, "--rows", fmt.Sprint(rows), "--bad-rate", "0", "--seed", "7", "-q"); err != nil {
		return err
	}
	floor := filepath.Join(dir, "duckdbfloor")
	if out, err := exec.Command("go", "build", "-o", floor, "./benchmarks/compute/duckdbfloor").CombinedOutput(); err != nil {
		return fmt.Errorf("building the DuckDB-only program: %w\n%s", err, out)
	}
	db := filepath.Join(dir, "run.duckdb")
	defer os.Remove(db)
	results := make([][]child.Measurement, len(steps))
	floors := make([][]float64, len(steps)) // seconds
	fmt.Printf("\n%-4s %-32s %10s %12s  %s\n", "run", "step", "seconds", "peak MB", "recomputed")
	for r := 1; r <= runs; r++ {
		if err := copyFile(base, db); err != nil {
			return err
		}
		for i, step := range steps {
			m, err := runStep(bin, db, dir, i, r)
			if err != nil {
				return fmt.Errorf("run %d, %s: %w", r, step, err)
			}
			scope := ""
			if i > 0 {
				if scope, err = lastScope(bin, db); err != nil {
					return err
				}
			}
			results[i] = append(results[i], m)
			fmt.Printf("%-4d %-32s %10.2f %12.0f  %s\n", r, step, m.Wall.Seconds(), float64(m.MaxRS)/1e6, scope)
			if family, ok := floorOf[i]; ok {
				secs, err := duckdbFloor(floor, db, family)
				if err != nil {
					return err
				}
				floors[i] = append(floors[i], secs)
				fmt.Printf("%-4d %-32s %10.2f\n", r, "  DuckDB alone: its rows", secs)
			}
		}
	}
	med := make([]child.Measurement, len(steps))
	fmt.Printf("\nmedians of %d run(s), %d generated rows loaded into the default database:\n", runs, rows)
	for i, step := range steps {
		med[i] = child.Median(results[i])
		fmt.Printf("  %-32s %10.2f s %10.0f MB\n", step, med[i].Wall.Seconds(), float64(med[i].MaxRS)/1e6)
	}
	for i := range steps {
		if len(floors[i]) > 0 {
			fmt.Printf("  %-32s %10.2f s   DuckDB alone replacing the rows of %s\n", "", median(floors[i]), steps[i])
		}
	}
	fmt.Printf("full compute / ingest: %.2f (goal ≤ 2); DuckDB alone replacing its rows / ingest: %.2f\n",
		med[1].Wall.Seconds()/med[0].Wall.Seconds(), median(floors[1])/med[0].Wall.Seconds())
	fmt.Printf("incremental after a one-economy load: %.2f s (internet use), %.2f s (mobile broadband) (goal < 2 s)\n",
		med[2].Wall.Seconds(), med[3].Wall.Seconds())
	fmt.Printf("peak resident memory of the full compute: %.0f MB (goal < 1 GiB)\n", float64(med[1].MaxRS)/1e6)
	return nil
}

// runStep runs step i of run r; the loads of one economy come before their computation and are
// not timed.
func runStep(bin, db, dir string, i, r int) (child.Measurement, error) {
	oneEconomy := func(indicator string, value float64) (child.Measurement, error) {
		file := filepath.Join(dir, "one-economy.csv")
		body := fmt.Sprintf("indicator,economy,year,value\n%s,KEN,%d,%g\n", indicator, 2025, value+float64(r)/10)
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			return child.Measurement{}, err
		}
		defer os.Remove(file)
		if _, err := child.Run(bin, "--db", db, "ingest", file, "--edition", fmt.Sprintf("Kenya %s %d", indicator, r), "-q"); err != nil {
			return child.Measurement{}, err
		}
		return child.Run(bin, "--db", db, "compute", "-q")
	}
	switch i {
	case 0:
		return child.Run(bin, "--db", db, "ingest", filepath.Join(dir, "source.csv"), "-q")
	case 1:
		return child.Run(bin, "--db", db, "compute", "--full", "-q")
	case 2:
		return oneEconomy("internet_use_pct", 51)
	case 3:
		return oneEconomy("mobile_broadband_per100", 71)
	}
	return child.Run(bin, "--db", db, "compute", "-q")
}

// floorOf gives, for the steps after which DuckDB's floor is timed, the indicators whose rows
// it replaces (none: every row).
var floorOf = map[int][]string{1: nil, 2: {"internet_use_pct", "coverage_3g_pct", "rural:coverage_3g_pct"}}

// duckdbFloor runs the DuckDB-only program on db and returns the seconds its transaction took.
func duckdbFloor(floor, db string, indicators []string) (float64, error) {
	m, err := child.Run(floor, append([]string{db}, indicators...)...)
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(strings.TrimSpace(string(m.Out)), 64)
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	slices.Sort(s)
	return s[len(s)/2]
}

// lastScope is what the latest computation recomputed.
func lastScope(bin, db string) (string, error) {
	m, err := child.Run(bin, "--db", db, "sql", "--format", "csv", "SELECT scope FROM computations ORDER BY computation_id DESC LIMIT 1")
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSpace(string(m.Out)), "\n")
	return strings.Trim(lines[len(lines)-1], `"`), nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}
