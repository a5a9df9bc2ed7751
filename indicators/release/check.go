package release

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/ictstat/ictstat/engine/export"
	"github.com/ictstat/ictstat/engine/query"
)

// checkSQL checks the sql of every table of the job on db as the run will run it, under the
// read-only policy, and what the table's formats need of its columns, running nothing where it
// can (tableColumns). A table whose sql DuckDB cannot run, that is not one statement that
// reads, that reads a file the job does not allow, or that lacks the columns SDMX-CSV needs
// makes the job invalid (ErrInvalid), naming its line. db must be opened as the run opens it:
// with external access off and the job's allowed paths.
func (j *Job) checkSQL(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, t := range j.Tables {
		if t.SQL == "" {
			continue
		}
		cols, err := tableColumns(ctx, conn, t.SQL)
		if err != nil {
			return j.sqlError(&export.TableError{Table: t.Name, Err: err})
		}
		if slices.Contains(t.Formats, "sdmx-csv") {
			if missing := sdmxMissing(cols); missing != "" {
				return fmt.Errorf("%w: %s, line %d: table %s: SDMX-CSV needs a column %s; the sql gives %s",
					ErrInvalid, j.Path, t.line, t.Name, missing, strings.Join(cols, ", "))
			}
		}
	}
	return nil
}

// tableColumns checks text under the read-only policy, as export runs a table, and returns the
// names of its result's columns. The query is checked, then prepared, as the subquery of one
// that asks for no row, which DuckDB answers without running the subquery. A statement that
// cannot be a subquery (EXPLAIN, PIVOT, or what the policy refuses) is checked alone instead:
// what the policy refuses, or DuckDB cannot prepare, is refused before it runs; a statement
// that passes runs, its rows discarded. Errors are *query.Error.
func tableColumns(ctx context.Context, conn *sql.Conn, text string) ([]string, error) {
	run := func(text string) ([]string, error) {
		c := &columnNames{}
		q := query.Query{SQL: text, Policy: query.Policy{SelectOnly: true}}
		_, err := query.RunWith(ctx, conn, q, func(io.Writer) query.Writer { return c }, io.Discard)
		return c.names, err
	}
	inner := strings.TrimRight(strings.TrimSpace(text), "; \t\r\n")
	if cols, err := run("SELECT * FROM (\n" + inner + "\n) LIMIT 0"); err == nil {
		return cols, nil
	}
	return run(text)
}

// columnNames is a result writer that keeps the names of the columns and no row.
type columnNames struct{ names []string }

func (c *columnNames) Begin(cols []query.Column) error {
	for _, col := range cols {
		c.names = append(c.names, col.Name)
	}
	return nil
}
func (c *columnNames) Row([]driver.Value) error { return nil }
func (c *columnNames) End(*query.Error) error   { return nil }

// sdmxMissing names a column SDMX-CSV needs that cols lack, "" when none is missing.
func sdmxMissing(cols []string) string {
	for _, need := range []string{"indicator", "year", "value"} {
		if !slices.Contains(cols, need) {
			return need
		}
	}
	if !slices.ContainsFunc(cols, func(c string) bool { return c == "economy" || c == "group_code" || c == "entity" }) {
		return "economy, group_code or entity"
	}
	return ""
}

// sqlError makes the failure of a table's query an invalid job when the query is at fault:
// DuckDB cannot run it, or it does what a job may not (more than reading, or reading a file
// the job does not allow). Failures of the machine are returned as they are.
func (j *Job) sqlError(err error) error {
	var te *export.TableError
	var qe *query.Error
	if !errors.As(err, &te) || !errors.As(err, &qe) {
		return err
	}
	switch qe.Kind {
	case query.Invalid, query.Refused, query.BadRequest:
		return j.tableError(te.Table, qe)
	}
	return err
}

// tableError is the invalid job of a table whose query qe refused, with its line and, for a
// refusal, what a job's sql may do.
func (j *Job) tableError(table string, qe *query.Error) error {
	line := 0
	for _, t := range j.Tables {
		if t.Name == table {
			line = t.line
		}
	}
	err := fmt.Errorf("%w: %s, line %d: table %s: %s", ErrInvalid, j.Path, line, table, qe.Message)
	if qe.Kind == query.Refused {
		err = fmt.Errorf("%w\na table's sql is one query that reads the database (SELECT or WITH), and reads no file "+
			"unless the job lists it under allow_files: (paths relative to the job file)%s", err, j.pathsHint(qe.Message))
	}
	return err
}

var refusedFile = regexp.MustCompile(`Cannot access (?:file|directory) "([^"]*)"`)

// pathsHint says, for a file DuckDB refused to read, where the paths in a job's sql are read
// from and which the job allows, and how to write a relative path that the job allows from its
// own folder.
func (j *Job) pathsHint(msg string) string {
	m := refusedFile.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	cwd, err := os.Getwd()
	if err != nil {
		return ""
	}
	allowed := "the job allows no file"
	if len(j.allowed) > 0 {
		allowed = "the job allows " + strings.Join(j.allowed, ", ")
	}
	hint := fmt.Sprintf(".\nDuckDB reads a relative path in the sql from the current folder, %s, not from the job's folder; %s", cwd, allowed)
	if p := m[1]; !filepath.IsAbs(p) {
		there, err := filepath.Abs(filepath.Join(j.dir(), p))
		if err == nil && j.allows(there) {
			if rel, err := filepath.Rel(cwd, there); err == nil {
				hint += fmt.Sprintf(": write '%s' as '%s' or '%s'", p, rel, there)
			}
		}
	}
	return hint
}

// allows reports whether the job's allow_files covers the absolute path p.
func (j *Job) allows(p string) bool {
	for _, a := range j.allowed {
		if p == a || strings.HasPrefix(p, a+string(filepath.Separator)) {
			return true
		}
	}
	return false
}
