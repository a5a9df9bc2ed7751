// Command duckdbonly opens a DuckDB database read-only (or, with no argument, a new in-memory
// one), runs SELECT 1 and exits: the floor under any command that reads the database, a Go
// program that links DuckDB and does nothing else. The chart benchmark times it as a process
// beside `ictstat chart`.
package main

import (
	"database/sql"
	"fmt"
	"os"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	dsn := ""
	if len(os.Args) > 1 {
		dsn = os.Args[1] + "?access_mode=read_only"
	}
	db, err := sql.Open("duckdb", dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var one int
	if err := db.QueryRow("SELECT 1").Scan(&one); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	db.Close()
}
