// Command ingest is the ingest benchmark: it loads the same generated long CSV through
// `ictstat ingest` (with validation) and through DuckDB's own read_csv into a plain table, in one
// run, and prints both times, their ratio and each side's peak memory.
//
// Both sides run as child processes on a new database file and are timed from start to exit, so
// each includes opening, loading, committing and closing (the checkpoint) its database. Runs
// alternate which side goes first, and medians are reported.
//
//	go run ./benchmarks/ingest                  # 10 million rows, 3 runs
//	go run ./benchmarks/ingest -rows 1000000 -runs 5
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/ictstat/ictstat/benchmarks/internal/child"
)

func main() {
	var (
		rows    = flag.Int64("rows", 10_000_000, "rows in the generated file")
		badRate = flag.Float64("bad-rate", 0.001, "share of bad rows in the generated file")
		runs    = flag.Int("runs", 3, "runs of each side")
		dir     = flag.String("dir", filepath.Join("benchmarks", "data"), "working directory for the binary, the file and the databases")
		bin     = flag.String("ictstat", "", "ictstat binary to measure (default: build ./cmd/ictstat into -dir)")
		// The baseline child: read_csv FILE into a new database DB.
		baseline = flag.String("baseline", "", "internal: run DuckDB's read_csv on this file")
		baseDB   = flag.String("baseline-db", "", "internal: database for -baseline")
	)
	flag.Parse()
	if *baseline != "" {
		if err := readCSV(*baseline, *baseDB, *badRate > 0); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := run(*rows, *badRate, *runs, *dir, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "benchmark:", err)
		os.Exit(1)
	}
}

// readCSV is the reference: DuckDB reading the file with its own CSV reader, types and dialect
// detected, into a plain table of a database file. A file with bad rows needs store_rejects,
// DuckDB's own way of setting aside (and recording) the rows it cannot read; a bare read_csv
// stops at the first.
func readCSV(file, dbPath string, rejects bool) error {
	db, err := sql.Open("duckdb", dbPath)
	if err != nil {
		return err
	}
	query := `CREATE TABLE observations AS SELECT * FROM read_csv(?)`
	if rejects {
		query = `CREATE TABLE observations AS SELECT * FROM read_csv(?, store_rejects = true)`
	}
	if _, err := db.Exec(query, file); err != nil {
		db.Close()
		return err
	}
	return db.Close()
}

func run(rows int64, badRate float64, runs int, dir, bin string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if bin == "" {
		bin = filepath.Join(dir, "ictstat")
		fmt.Printf("building %s\n", bin)
		build := exec.Command("go", "build", "-o", bin, "./cmd/ictstat")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build (run from the repository root): %w", err)
		}
	}
	file := filepath.Join(dir, fmt.Sprintf("long_%d_%s.csv", rows, strconv.FormatFloat(badRate, 'f', -1, 64)))
	if _, err := os.Stat(file); err != nil {
		fmt.Printf("generating %s\n", file)
		gen := exec.Command(bin, "gen", "-o", file, "--rows", strconv.FormatInt(rows, 10), "--bad-rate", strconv.FormatFloat(badRate, 'f', -1, 64))
		gen.Stdout, gen.Stderr = os.Stdout, os.Stderr
		if err := gen.Run(); err != nil {
			return err
		}
	}
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Printf("file: %s, %d rows, %.0f MB\n", file, rows, float64(st.Size())/1e6)
	if badRate > 0 {
		fmt.Printf("reference: CREATE TABLE observations AS SELECT * FROM read_csv(file, store_rejects = true)\n\n")
	} else {
		fmt.Printf("reference: CREATE TABLE observations AS SELECT * FROM read_csv(file)\n\n")
	}
	fmt.Printf("%-4s %-24s %10s %12s %12s\n", "run", "side", "seconds", "rows/s", "peak RSS MB")
	var ours, theirs []child.Measurement
	for i := 0; i < runs; i++ {
		sides := []string{"ictstat", "duckdb"}
		if i%2 == 1 {
			sides[0], sides[1] = sides[1], sides[0]
		}
		for _, side := range sides {
			db := filepath.Join(dir, side+".duckdb")
			os.Remove(db)
			os.Remove(db + ".wal")
			var m child.Measurement
			if side == "ictstat" {
				if _, err := child.Run(bin, "--db", db, "init", "--empty", "-q"); err != nil {
					return err
				}
				m, err = child.Run(bin, "--db", db, "-q", "ingest", file)
				ours = append(ours, m)
			} else {
				m, err = child.Run(self, "-baseline", file, "-baseline-db", db, "-bad-rate", strconv.FormatFloat(badRate, 'f', -1, 64))
				theirs = append(theirs, m)
			}
			if err != nil {
				return err
			}
			label := "ictstat ingest"
			if side == "duckdb" {
				label = "duckdb read_csv"
			}
			fmt.Printf("%-4d %-24s %10.2f %12.0f %12.0f\n", i+1, label, m.Wall.Seconds(), float64(rows)/m.Wall.Seconds(), float64(m.MaxRS)/1e6)
			os.Remove(db)
			os.Remove(db + ".wal")
		}
	}
	o, t := child.Median(ours), child.Median(theirs)
	fmt.Printf("\nmedian of %d runs: ictstat ingest %.2f s (%.1f M rows/s, %.0f MB/s, peak RSS %.0f MB); duckdb read_csv %.2f s (peak RSS %.0f MB)\n",
		runs, o.Wall.Seconds(), float64(rows)/o.Wall.Seconds()/1e6, float64(st.Size())/o.Wall.Seconds()/1e6, float64(o.MaxRS)/1e6,
		t.Wall.Seconds(), float64(t.MaxRS)/1e6)
	fmt.Printf("ratio ictstat / duckdb: %.2f (goal ≤ 1.0; above 1.5 is a defect)\n", o.Wall.Seconds()/t.Wall.Seconds())
	if o.MaxRS > 1<<30 {
		fmt.Printf("peak RSS above 1 GiB\n")
	}
	return nil
}
