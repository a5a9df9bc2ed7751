// Command duckdbfloor times what DuckDB alone takes to replace rows of the derived tables a
// computation writes (aggregates, estimates and gaps): in one transaction, it deletes them and
// inserts the same rows again from copies made beforehand, and commits, at the memory limit
// `ictstat compute` runs with. No computation is done, so the time is a floor under any
// computation that writes those rows. The compute benchmark runs it beside `ictstat compute`.
//
//	duckdbfloor DB                      # every row
//	duckdbfloor DB internet_use_pct ... # the rows of these indicators
//
// It prints the seconds the transaction took. The copies are dropped at the end, so the tables
// hold the same rows as before.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

// tables are the derived tables replaced, as `ictstat compute` replaces them.
var tables = []string{"aggregates", "estimates", "gaps"}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: duckdbfloor DB [indicator ...]")
		os.Exit(2)
	}
	secs, err := run(os.Args[1], os.Args[2:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "duckdbfloor:", err)
		os.Exit(1)
	}
	fmt.Printf("%.3f\n", secs)
}

func run(path string, indicators []string) (float64, error) {
	db, err := sql.Open("duckdb", path+"?memory_limit=256MB")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	where := "true"
	if len(indicators) > 0 {
		// The tables keep indicator codes as term ids (migration 0018).
		where = "indicator_term IN (SELECT term_id FROM store.terms WHERE term IN ('" + strings.Join(indicators, "', '") + "'))"
	}
	exec := func(qs ...string) error {
		for _, q := range qs {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	}
	for _, t := range tables {
		if err := exec("CREATE TABLE store.floor_" + t + " AS SELECT * FROM store." + t + " WHERE " + where); err != nil {
			return 0, err
		}
	}
	defer func() {
		for _, t := range tables {
			exec("DROP TABLE IF EXISTS store.floor_" + t)
		}
		exec("CHECKPOINT")
	}()
	if err := exec("CHECKPOINT"); err != nil {
		return 0, err
	}
	started := time.Now()
	if err := exec("BEGIN TRANSACTION"); err != nil {
		return 0, err
	}
	for _, t := range tables {
		if err := exec("DELETE FROM store."+t+" WHERE "+where, "INSERT INTO store."+t+" SELECT * FROM store.floor_"+t); err != nil {
			exec("ROLLBACK")
			return 0, err
		}
	}
	if err := exec("COMMIT"); err != nil {
		return 0, err
	}
	return time.Since(started).Seconds(), nil
}
