// Package query runs analysts' SQL against a DuckDB database and writes the result as a table,
// CSV, JSON, NDJSON, an Arrow IPC stream or Parquet, row by row as the driver returns them, so that
// ictstat never holds a whole result in Go.
//
// A Policy says what a query may be: the HTTP service allows one SELECT (or EXPLAIN) statement and
// nothing else, before DuckDB runs it; DuckDB's own controls (read-only access, external access
// disabled, configuration locked) stand behind that check. Limits stop a result that grows past a
// number of rows or bytes.
package query

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	bindings "github.com/duckdb/duckdb-go-bindings"
	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// Policy is what a query may do.
type Policy struct {
	// SelectOnly allows one statement, of type SELECT (which covers DESCRIBE, SHOW, SUMMARIZE and
	// PRAGMA functions that only read) or EXPLAIN. Otherwise any statements DuckDB accepts run, the
	// last one's rows being the result.
	SelectOnly bool
}

// Limits bound a result. Zero means no limit.
type Limits struct {
	MaxRows  int64 // rows of the result
	MaxBytes int64 // bytes written, in the output format
	// MaxElements bounds the elements of the lists, maps and structs in one row, which Go holds
	// whole while the row is written (about 24 bytes each); checked on the streaming path only.
	MaxElements int64
}

// Kind classifies why a query failed, so that a caller can choose a status or an exit code.
type Kind int

const (
	Internal   Kind = iota // the machine or the database, not the query
	Invalid                // DuckDB refused the query: syntax, unknown names, types, conversions
	Refused                // the policy or DuckDB's access controls forbid what the query does
	TooLarge               // the result passed a limit, or DuckDB ran out of memory
	Timeout                // the query ran past its time limit
	Canceled               // the caller went away
	BadRequest             // the request itself: empty query, unknown format
)

// Error is a failed query with its kind. Message is DuckDB's message, with the position of the
// error in the query where DuckDB gives one.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// Stats describes a query that ran.
type Stats struct {
	Columns  int
	Rows     int64
	Bytes    int64
	Duration time.Duration
}

// Query is a statement to run, its arguments ($1, $2, ... or ?, or sql.Named for $name), what it
// may do and how large its result may be.
type Query struct {
	SQL    string
	Args   []any
	Policy Policy
	Limits Limits
	// Setup are statements of ictstat's own run on the query's connection before it (such as
	// the temporary views of an as-of date), not subject to the policy. DB.Run only.
	Setup []string
}

// Run runs q on conn and writes its rows to w in format. It returns an *Error for every
// failure. When the result passes lim, the rows written so far stay written and the error is
// TooLarge; writers of self-describing formats (JSON) end their output properly first.
func Run(ctx context.Context, conn *sql.Conn, q Query, format string, w io.Writer) (Stats, error) {
	newWriter, err := writerOf(format)
	if err != nil {
		return Stats{}, err
	}
	return RunWith(ctx, conn, q, newWriter, w)
}

// writerOf returns the constructor of format's writer, or a BadRequest error.
func writerOf(format string) (func(io.Writer) Writer, error) {
	if !slices.Contains(Formats, format) {
		return nil, &Error{Kind: BadRequest, Message: fmt.Sprintf("unknown format %q: use %s", format, strings.Join(Formats, ", "))}
	}
	return func(w io.Writer) Writer {
		rw, _ := NewWriter(format, w)
		return rw
	}, nil
}

// RunWith is Run with a writer of the caller's making, newWriter(out), where out counts the bytes
// written to w for the limits.
func RunWith(ctx context.Context, conn *sql.Conn, q Query, newWriter func(io.Writer) Writer, w io.Writer) (Stats, error) {
	started := time.Now()
	if strings.TrimSpace(q.SQL) == "" {
		return Stats{}, &Error{Kind: BadRequest, Message: "the query is empty"}
	}
	cw := &countingWriter{w: w}
	rw := newWriter(cw)
	var st Stats
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("not a DuckDB connection: %T", dc)
		}
		rows, err := execute(ctx, c, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		return stream(ctx, rows, rw, cw, q.Limits, &st)
	})
	st.Bytes = cw.n
	st.Duration = time.Since(started)
	if err != nil {
		return st, classify(ctx, err)
	}
	return st, nil
}

// execute prepares q, checks it against its policy and runs it.
func execute(ctx context.Context, c *duckdb.Conn, q Query) (driver.Rows, error) {
	args := make([]driver.NamedValue, len(q.Args))
	for i, a := range q.Args {
		args[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		if n, ok := a.(sql.NamedArg); ok {
			args[i].Name, args[i].Value = n.Name, n.Value
		}
	}
	if !q.Policy.SelectOnly {
		s, err := c.PrepareContext(ctx, q.SQL)
		if err != nil {
			return nil, err
		}
		return queryStmt(ctx, s, args)
	}
	in := connInspector{ctx, c}
	if err := checkReadsOnce(q.SQL, in); err != nil {
		return nil, err
	}
	// Prepare, unlike PrepareContext, runs no statement of a query that holds several.
	s, _, err := in.prepare(q.SQL)
	if err != nil {
		return nil, err
	}
	return queryStmt(ctx, s, args)
}

// connInspector answers the read-only check on a database/sql connection.
type connInspector struct {
	ctx context.Context
	c   *duckdb.Conn
}

// prepare prepares text, one statement, and returns it with its type.
func (i connInspector) prepare(text string) (driver.Stmt, mapping.StatementType, error) {
	s, err := i.c.Prepare(text)
	if err != nil {
		if strings.Contains(err.Error(), "multi-statement") {
			return nil, 0, &Error{Kind: Refused, Message: "send one statement at a time: this query holds several"}
		}
		return nil, 0, err
	}
	t, err := s.(*duckdb.Stmt).StatementType()
	if err != nil {
		s.Close()
		return nil, 0, err
	}
	return s, mapping.StatementType(t), nil
}

func (i connInspector) statementType(text string) (mapping.StatementType, error) {
	s, t, err := i.prepare(text)
	if err == nil {
		s.Close()
	}
	return t, err
}

func (i connInspector) serialized(text string) (string, error) {
	rows, err := i.c.QueryContext(i.ctx, "SELECT json_serialize_sql($1::VARCHAR)::VARCHAR", []driver.NamedValue{{Ordinal: 1, Value: text}})
	if err != nil {
		return "", err
	}
	defer rows.Close()
	v := make([]driver.Value, 1)
	if err := rows.Next(v); err != nil {
		return "", err
	}
	s, _ := v[0].(string)
	return s, nil
}

// queryStmt runs a prepared statement; the statement is closed with its rows.
func queryStmt(ctx context.Context, s driver.Stmt, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := s.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &stmtRows{Rows: rows, stmt: s}, nil
}

type stmtRows struct {
	driver.Rows
	stmt driver.Stmt
}

func (r *stmtRows) Close() error {
	err := r.Rows.Close()
	if cerr := r.stmt.Close(); err == nil {
		err = cerr
	}
	return err
}

// stream copies rows to rw, checking the limits after every row.
func stream(ctx context.Context, rows driver.Rows, rw Writer, cw *countingWriter, lim Limits, st *Stats) error {
	cols, err := columnsOf(rows)
	if err != nil {
		return err
	}
	st.Columns = len(cols)
	if err := rw.Begin(cols); err != nil {
		return err
	}
	vals := make([]driver.Value, len(cols))
	for {
		if err := rows.Next(vals); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		if lim.MaxRows > 0 && st.Rows >= lim.MaxRows {
			return endWith(rw, tooManyRows(lim))
		}
		if err := rw.Row(vals); err != nil {
			return err
		}
		st.Rows++
		if lim.MaxBytes > 0 && cw.n > lim.MaxBytes {
			return endWith(rw, tooManyBytes(lim))
		}
		if st.Rows%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return rw.End(nil)
}

// endWith ends the output with err recorded in it, where the format can hold it, and returns err.
func endWith(rw Writer, err *Error) error {
	if werr := rw.End(err); werr != nil {
		return werr
	}
	return err
}

// classify turns any error of a query into an *Error.
func classify(ctx context.Context, err error) *Error {
	var qe *Error
	if errors.As(err, &qe) {
		return qe
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &Error{Kind: Timeout, Message: "the query ran past its time limit", Err: err}
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		return &Error{Kind: Canceled, Message: "the query was canceled", Err: err}
	}
	var de *duckdb.Error
	if !errors.As(err, &de) {
		return &Error{Kind: Internal, Message: err.Error(), Err: err}
	}
	msg := strings.TrimSpace(de.Msg)
	kind := Invalid
	switch de.Type {
	case duckdb.ErrorTypePermission:
		kind = Refused
	case duckdb.ErrorTypeOutOfMemory:
		kind = TooLarge
	case duckdb.ErrorTypeInterrupt:
		kind = Timeout
	case duckdb.ErrorTypeIO, duckdb.ErrorTypeFatal, duckdb.ErrorTypeInternal, duckdb.ErrorTypeConnection:
		kind = Internal
	case duckdb.ErrorTypeInvalidInput:
		if strings.Contains(msg, "read-only mode") || strings.Contains(msg, "configuration has been locked") {
			kind = Refused
		}
	}
	return &Error{Kind: kind, Message: msg, Err: err}
}

var statementNames = map[mapping.StatementType]string{
	mapping.StatementTypeInsert: "INSERT", mapping.StatementTypeUpdate: "UPDATE", mapping.StatementTypeDelete: "DELETE",
	mapping.StatementTypePrepare: "PREPARE", mapping.StatementTypeCreate: "CREATE", mapping.StatementTypeExecute: "EXECUTE",
	mapping.StatementTypeAlter: "ALTER", mapping.StatementTypeTransaction: "transaction", mapping.StatementTypeCopy: "COPY",
	mapping.StatementTypeAnalyze: "ANALYZE", mapping.StatementTypeVariableSet: "SET", mapping.StatementTypeCreateFunc: "CREATE FUNCTION",
	mapping.StatementTypeDrop: "DROP", mapping.StatementTypeExport: "EXPORT", mapping.StatementTypePragma: "PRAGMA",
	mapping.StatementTypeVacuum: "VACUUM", mapping.StatementTypeCall: "CALL", mapping.StatementTypeSet: "SET",
	mapping.StatementTypeLoad: "INSTALL or LOAD", mapping.StatementTypeExtension: "extension", mapping.StatementTypeAttach: "ATTACH",
	mapping.StatementTypeDetach: "DETACH", mapping.StatementTypeMulti: "multi-statement",
	bindings.StatementTypeCopyDatabase: "COPY FROM DATABASE", bindings.StatementTypeUpdateExtensions: "UPDATE EXTENSIONS",
	bindings.StatementTypeMergeInto: "MERGE INTO",
}

func statementName(t mapping.StatementType) string {
	if n, ok := statementNames[t]; ok {
		return n
	}
	return fmt.Sprintf("type %d", t)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
