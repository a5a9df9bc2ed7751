package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/engine/store"
)

func newSQL(g *globals) *cobra.Command {
	var format, output, file string
	var csvRaw bool
	cmd := &cobra.Command{
		Use:   "sql [QUERY]",
		Short: "Query the database's views in SQL, or open an interactive SQL shell",
		Long: `Run one SQL query against the database's views and print the result, or with no query open an
interactive shell (statements end with ";" and may span lines; .tables, .schema VIEW, .format,
.timer and .help; history in ~/.ictstat_history).

The views are observations (the current value of every observation: editions layer value by
value), observations_all_editions, revisions, series, latest, published_aggregates, indicators,
economies, groups, group_members, income_groups, targets, aggregates, estimates, gaps, progress,
editions, batches, rejects and computations; docs/sql.md describes every column. With --as-of
DATE the observation views show the data as published on that date (editions released on or
before it), and the computed results (aggregates, gaps, progress) are refused. Each query is one statement that reads (a
SELECT, or EXPLAIN of one), as in ictstat serve; statements that write, COPY, ATTACH and SET are
refused and the database is opened read-only, so nothing a query does can change it. On your
own machine a query may read other files (read_csv, read_parquet) to join them with the
database; write a result to a file with -o, which is never the database. The result streams as
DuckDB produces it.

Formats: table (default on a terminal), csv (default in a pipe), json (an object with columns,
rows and row_count), ndjson (one object per line), parquet and arrow (an Arrow IPC stream),
the last two to a file with -o or to a pipe. In CSV, text that a spreadsheet would run as a
formula (starting with =, +, -, @, a tab or a carriage return, and not a number) gets a leading
single quote; --csv-raw writes it as it is, for programs. Errors show DuckDB's message with the
position in the query. A query can also come from a file (-f FILE) or from standard input ("-");
with no query and standard input not a terminal, the statements read from it run one after
another.

Exit codes: 0 success; 1 failure of the machine or the database; 2 a bad command line or a
query DuckDB cannot run (syntax, unknown names, types); 3 a query refused (it does more than
read: write, COPY, ATTACH, SET).`,
		Example: `  ictstat sql "SELECT economy, year, value FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN'"
  ictstat sql --format parquet -o progress.parquet "SELECT * FROM progress WHERE framework = 'wsis_geneva_2003'"
  ictstat sql -f query.sql --format csv > result.csv
  ictstat sql                                    # the interactive shell`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q, err := queryText(cmd, args, file)
			if err != nil {
				return err
			}
			stdoutTTY := term.IsTerminal(int(os.Stdout.Fd()))
			if format == "" {
				format = "csv"
				if stdoutTTY && output == "" {
					format = "table"
				}
			}
			if !slices.Contains(query.Formats, format) {
				return usageError("--format must be one of %s", strings.Join(query.Formats, ", "))
			}
			if (format == "parquet" || format == "arrow") && output == "" && stdoutTTY {
				return usageError("--format %s is binary: write it to a file with -o FILE, or to a pipe", format)
			}
			st, err := openReadOnly(cmd, g)
			if err != nil {
				return err
			}
			defer st.Close()
			if q == "" {
				return runShell(cmd, g, st)
			}
			if output != "" {
				if err := notTheDatabase(output, g.db); err != nil {
					return err
				}
			}
			newWriter := func(w io.Writer) query.Writer {
				rw, _ := query.NewWriterWith(format, w, query.WriterOptions{CSVRaw: csvRaw})
				return rw
			}
			run := func(w io.Writer) error {
				_, err := st.Query().RunWith(cmd.Context(), query.Query{SQL: q, Policy: query.Policy{SelectOnly: true}}, newWriter, w)
				return err
			}
			if output == "" {
				err = run(os.Stdout)
			} else {
				err = writeFileAtomic(output, run)
			}
			return queryExit(err)
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "table, csv, json, ndjson, parquet or arrow (default table on a terminal, else csv)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the result to FILE, whole or not at all (default standard output)")
	cmd.Flags().StringVarP(&file, "file", "f", "", `read the query from FILE ("-": standard input)`)
	cmd.Flags().BoolVar(&csvRaw, "csv-raw", false, "write CSV values as they are, for programs: no quote before text a spreadsheet would run as a formula")
	addAsOf(cmd, g)
	return cmd
}

// notTheDatabase refuses an output file that is the database file itself (or its write-ahead
// log), through links.
func notTheDatabase(output, db string) error {
	out, err := os.Stat(output)
	if err != nil {
		return nil // a new file
	}
	for _, f := range []string{db, db + ".wal"} {
		if info, err := os.Stat(f); err == nil && os.SameFile(info, out) {
			return usageError("-o %s is the database file: write the result to another file", output)
		}
	}
	return nil
}

// runShell runs the SQL shell: interactive on a terminal, else reading statements from standard
// input.
func runShell(cmd *cobra.Command, g *globals, st *store.Store) error {
	tty := term.IsTerminal(int(os.Stdin.Fd()))
	sh := &query.Shell{DB: st.DB(), In: cmd.InOrStdin(), Out: os.Stdout, Err: os.Stderr, Terminal: tty, Policy: query.Policy{SelectOnly: true}}
	if tty {
		sh.Banner = fmt.Sprintf("ictstat %s SQL shell on %s (read-only). Statements end with \";\"; .help for commands, .quit to leave.", Version, g.db)
		if home, err := os.UserHomeDir(); err == nil {
			sh.HistoryFile = filepath.Join(home, ".ictstat_history")
		}
	}
	// Ctrl-C stops the running statement, not the shell: the command's context ends on the first
	// interrupt, so statements run under one that does not.
	return sh.Run(context.WithoutCancel(cmd.Context()))
}

// queryText is the query from the argument or from --file; "" when there is none.
func queryText(cmd *cobra.Command, args []string, file string) (string, error) {
	switch {
	case len(args) == 1 && file != "":
		return "", usageError("give the query as an argument or with -f, not both")
	case len(args) == 1 && args[0] == "-":
		file = "-"
	case len(args) == 1:
		return args[0], nil
	}
	if file == "" {
		return "", nil
	}
	var b []byte
	var err error
	if file == "-" {
		b, err = io.ReadAll(cmd.InOrStdin())
	} else {
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return "", usageError("read the query: %v", err)
	}
	if strings.TrimSpace(string(b)) == "" {
		return "", usageError("%s holds no query", file)
	}
	return string(b), nil
}

// queryExit gives a failed query its exit code.
func queryExit(err error) error {
	var qe *query.Error
	if !errors.As(err, &qe) {
		return err
	}
	switch qe.Kind {
	case query.Invalid, query.BadRequest:
		return &exitError{exitUsage, err}
	case query.Refused, query.TooLarge:
		return &exitError{exitRefused, err}
	}
	return err
}

// writeFileAtomic writes path through write, under a temporary name in the same folder that is
// renamed to path when write succeeds and removed when it fails.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	err = write(f)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
