// Command job is the batch-job benchmark: `ictstat run` over a generated source of many million
// observations, loaded into a copy of the default database, recomputed and published (tables in
// CSV, Parquet, XLSX and SDMX-CSV, a chart, the scorecard). It prints the time of every step from
// the job's manifest, the wall time and the peak resident memory of the run. Then it checks every
// progress row the run computed against the rules of progress.CheckRows (valid ranges, intervals,
// projections, growth and classes, tolerances, scopes, notes), as the test over the default
// database does, and fails on any violation.
//
//	go run ./benchmarks/job                      # 10 million rows
//	go run ./benchmarks/job -rows 1000000        # the short run of .ci/run
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ictstat/ictstat/benchmarks/internal/child"
	"github.com/ictstat/ictstat/engine/job"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/progress"
	"github.com/ictstat/ictstat/indicators/report"
)

const jobFile = `title: "A release of %d generated observations"
output: out
sources:
  - files: source.csv
    format: long
    edition: "SYN benchmark"
    released: 2026-11-30
validation:
  max_reject_rate: 0.01
select:
  entities: [WLD, ITU_AFR, ITU_AMS, ITU_ARB, ITU_ASP, ITU_CIS, ITU_EUR, LIC, LMC, UMC, HIC, LDC, LLDC, SIDS]
  frameworks: [wsis_geneva_2003, umc_2030]
  from: 2005
  to: 2024
tables:
  - name: progress
    formats: [csv, parquet, xlsx]
  - name: aggregates
    formats: [csv, parquet, sdmx-csv]
charts:
  - file: internet-use.png
    kind: trend
    indicator: internet_use_pct
    economies: [WLD, ITU_AFR, ITU_EUR]
scorecard:
  file: scorecard.md
  entities: [WLD, LDC]
`

func main() {
	var (
		rows = flag.Int64("rows", 10_000_000, "rows of the generated source")
		dir  = flag.String("dir", filepath.Join("benchmarks", "data", "job"), "working directory")
		bin  = flag.String("ictstat", "", "ictstat binary (default: build ./cmd/ictstat into -dir)")
	)
	flag.Parse()
	if err := run(*rows, *dir, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "benchmark:", err)
		os.Exit(1)
	}
}

func run(rows int64, dir, bin string) error {
	dir, bin, err := child.Prepare(dir, bin)
	if err != nil {
		return err
	}
	db := filepath.Join(dir, "benchmark.duckdb")
	os.Remove(db)
	os.RemoveAll(filepath.Join(dir, "out"))
	if out, err := exec.Command(bin, "--db", db, "init", "-q").CombinedOutput(); err != nil {
		return fmt.Errorf("init: %v\n%s", err, out)
	}
	source := filepath.Join(dir, "source.csv")
	defer os.Remove(source)
	if out, err := exec.Command(bin, "gen", "-o", source, "--rows", fmt.Sprint(rows), "--bad-rate", "0.0005", "--seed", "7", "-q").CombinedOutput(); err != nil {
		return fmt.Errorf("gen: %v\n%s", err, out)
	}
	jf := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(jf, []byte(fmt.Sprintf(jobFile, rows)), 0o644); err != nil {
		return err
	}
	cmd := exec.Command(bin, "--db", db, "run", jf, "-q")
	cmd.Dir = dir
	started := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(started)
	if code := cmd.ProcessState.ExitCode(); code != 0 && code != 4 { // 4: success with warnings (the rejects)
		return fmt.Errorf("ictstat run: %v\n%s", err, out)
	}
	peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024
	var m job.Manifest
	b, err := os.ReadFile(filepath.Join(dir, "out", "manifest.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		return err
	}
	fmt.Printf("ictstat run over %d generated rows (%d loaded), into a copy of the default database\n\n", rows, m.Inputs[0].RowsLoaded)
	for _, s := range m.Steps {
		fmt.Printf("  %-42s %10d rows %8.2f s\n", s.Name, s.Rows, s.Seconds)
	}
	fmt.Printf("\nwall time %.1f s (with copying and publishing the database); peak resident memory %.0f MB (goal: under 1 GiB)\n",
		wall.Seconds(), float64(peak)/1e6)
	if peak >= 1<<30 {
		return fmt.Errorf("peak memory %d bytes is 1 GiB or more", peak)
	}
	return checkProgress(db)
}

// checkProgress checks every progress row of the database against progress.CheckRows.
func checkProgress(db string) error {
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	started := time.Now()
	rows, err := report.Progress(ctx, st.DB(), report.Filter{})
	if err != nil {
		return err
	}
	vs := progress.CheckRows(rows)
	byRule := map[string]int{}
	for _, v := range vs {
		byRule[v.Rule]++
	}
	fmt.Printf("progress rules: %d rows checked in %.2f s, %d violations", len(rows), time.Since(started).Seconds(), len(vs))
	for _, rule := range progress.Rules {
		if byRule[rule] > 0 {
			fmt.Printf(", %s %d", rule, byRule[rule])
		}
	}
	fmt.Println()
	for i, v := range vs {
		if i == 20 {
			fmt.Printf("  … %d more\n", len(vs)-20)
			break
		}
		fmt.Println("  " + v.String())
	}
	if len(rows) == 0 {
		return fmt.Errorf("the run computed no progress rows")
	}
	if len(vs) > 0 {
		return fmt.Errorf("%d progress rows break the rules", len(vs))
	}
	return nil
}
