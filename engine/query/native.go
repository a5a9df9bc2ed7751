package query

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bindings "github.com/duckdb/duckdb-go-bindings"
	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// DB is a database file opened for analysts' queries. Its results stream: DuckDB produces them
// a chunk (2,048 rows) at a time as the writer asks for more, so that neither DuckDB nor Go
// ever holds a whole result, and a value too large for the byte limit is refused before it is
// copied out of DuckDB. Each query runs on a connection of its own, closed when the query ends,
// so that nothing a query leaves behind (temporary objects, prepared statements, variables)
// reaches another.
//
// The file is opened once, as one DuckDB instance that two handles share: SQL, through
// database/sql, for the queries ictstat makes itself, and DuckDB's C API (through duckdb-go's
// mapping package) for the streaming results that duckdb-go does not offer.
type DB struct {
	SQL     *sql.DB
	native  mapping.Database
	mu      sync.RWMutex // held for reading by queries running, for writing by Close
	closed  bool
	running atomic.Int64
	init    []string // run on every connection as it opens
}

// Running is the number of queries running, each on its own connection.
func (d *DB) Running() int { return int(d.running.Load()) }

// Open opens the DuckDB database at path with settings (DuckDB configuration options, as in a
// duckdb-go DSN: access_mode, memory_limit, enable_external_access, ...). The init statements
// run on every connection, of SQL and of Run alike, as it opens: temporary views made there
// stand in for the database's views of the same name.
func Open(path string, settings url.Values, init ...string) (*DB, error) {
	dsn := path
	if len(settings) > 0 {
		dsn += "?" + settings.Encode()
	}
	var connInit func(driver.ExecerContext) error
	if len(init) > 0 {
		connInit = func(x driver.ExecerContext) error {
			for _, stmt := range init {
				if _, err := x.ExecContext(context.Background(), stmt, nil); err != nil {
					return err
				}
			}
			return nil
		}
	}
	connector, err := duckdb.NewConnector(dsn, connInit)
	if err != nil {
		return nil, err
	}
	db := &DB{SQL: sql.OpenDB(connector), init: init}
	// duckdb-go opened the file through its instance cache; the same path and configuration
	// (duckdb-go adds duckdb_api=go) give the same instance.
	var cfg mapping.Config
	if mapping.CreateConfig(&cfg) == mapping.StateError {
		db.SQL.Close()
		return nil, errors.New("cannot create a DuckDB configuration")
	}
	defer mapping.DestroyConfig(&cfg)
	set := func(k, v string) error {
		if mapping.SetConfig(cfg, k, v) == mapping.StateError {
			return fmt.Errorf("DuckDB setting %s=%s", k, v)
		}
		return nil
	}
	err = set("duckdb_api", "go")
	for k, vs := range settings {
		if err == nil && len(vs) > 0 {
			err = set(k, vs[0])
		}
	}
	var msg string
	if err == nil && mapping.GetOrCreateFromCache(duckdb.GetInstanceCache(), path, &db.native, cfg, &msg) == mapping.StateError {
		err = fmt.Errorf("open %s: %s", path, msg)
	}
	if err != nil {
		db.SQL.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database once the queries running on it have ended.
func (d *DB) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	mapping.Close(&d.native)
	return d.SQL.Close()
}

// Run runs q on a new connection of its own and streams its rows to w in format, as Run does
// on a database/sql connection. The context's end interrupts DuckDB wherever the query is:
// planning, running, or producing the next chunk.
func (d *DB) Run(ctx context.Context, q Query, format string, w io.Writer) (Stats, error) {
	newWriter, err := writerOf(format)
	if err != nil {
		return Stats{}, err
	}
	return d.RunWith(ctx, q, newWriter, w)
}

// RunWith is Run with a writer of the caller's making, newWriter(out), where out counts the bytes
// written to w for the limits.
func (d *DB) RunWith(ctx context.Context, q Query, newWriter func(io.Writer) Writer, w io.Writer) (Stats, error) {
	started := time.Now()
	if strings.TrimSpace(q.SQL) == "" {
		return Stats{}, &Error{Kind: BadRequest, Message: "the query is empty"}
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return Stats{}, &Error{Kind: Internal, Message: "the database is closed"}
	}
	var conn mapping.Connection
	if mapping.Connect(d.native, &conn) == mapping.StateError {
		return Stats{}, &Error{Kind: Internal, Message: "cannot connect to the database"}
	}
	defer mapping.Disconnect(&conn)
	d.running.Add(1)
	defer d.running.Add(-1)
	stop := interruptOnDone(ctx, conn)
	defer stop()
	for _, stmt := range append(d.init[:len(d.init):len(d.init)], q.Setup...) {
		if err := execNative(conn, stmt); err != nil {
			return Stats{}, classify(ctx, err)
		}
	}

	cw := &countingWriter{w: w}
	var st Stats
	err := runNative(ctx, conn, q, newWriter(cw), cw, &st)
	st.Bytes, st.Duration = cw.n, time.Since(started)
	if err != nil {
		return st, classify(ctx, err)
	}
	return st, nil
}

// interruptOnDone interrupts what runs on conn when ctx ends; stop waits until it no longer can.
func interruptOnDone(ctx context.Context, conn mapping.Connection) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-ctx.Done():
			mapping.Interrupt(conn)
		case <-done:
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

func runNative(ctx context.Context, conn mapping.Connection, q Query, rw Writer, cw *countingWriter, st *Stats) error {
	if q.Policy.SelectOnly {
		if err := checkReadsOnce(q.SQL, nativeInspector{conn}); err != nil {
			return err
		}
	}
	stmt, err := prepareLast(conn, q.SQL, q.Policy.SelectOnly)
	defer mapping.DestroyPrepare(&stmt)
	if err != nil {
		return err
	}
	if err := bindArgs(stmt, q.Args); err != nil {
		return err
	}
	var pending mapping.PendingResult
	state := bindings.PendingPreparedStreaming(stmt, &pending)
	defer mapping.DestroyPending(&pending)
	if state == mapping.StateError {
		return duckError(mapping.PendingError(pending))
	}
	var res mapping.Result
	state = mapping.ExecutePending(pending, &res)
	defer mapping.DestroyResult(&res)
	if state == mapping.StateError {
		return errorOf(mapping.ResultError(&res), mapping.ResultErrorType(&res))
	}

	n := uint64(mapping.ColumnCount(&res))
	cols, vecs := make([]Column, n), make([]*vector, n)
	for i := range n {
		lt := mapping.ColumnLogicalType(&res, mapping.IdxT(i))
		v, err := newVector(lt)
		mapping.DestroyLogicalType(&lt)
		if err != nil {
			return &Error{Kind: Invalid, Message: fmt.Sprintf("column %d: %v", i+1, err)}
		}
		name := mapping.ColumnName(&res, mapping.IdxT(i))
		cols[i], vecs[i] = Column{Name: name, DuckDBType: v.name, Arrow: arrowOf(v)}, v
	}
	st.Columns = len(cols)
	if err := rw.Begin(cols); err != nil {
		return err
	}
	b := &budget{ctx: ctx, left: -1, elements: -1}
	vals := make([]driver.Value, n)
	for {
		chunk := mapping.FetchChunk(res)
		if chunk.Ptr == nil {
			if msg := mapping.ResultError(&res); msg != "" {
				return errorOf(msg, mapping.ResultErrorType(&res))
			}
			break
		}
		err := writeChunk(chunk, vecs, vals, rw, cw, q.Limits, b, st)
		mapping.DestroyDataChunk(&chunk)
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return rw.End(nil)
}

// prepareLast prepares the last statement of text, after running the statements before it; with
// single, a query of several statements is refused and none of them runs.
func prepareLast(conn mapping.Connection, text string, single bool) (mapping.PreparedStatement, error) {
	var stmt mapping.PreparedStatement
	var ex mapping.ExtractedStatements
	n := mapping.ExtractStatements(conn, text, &ex)
	defer mapping.DestroyExtracted(&ex)
	if n == 0 {
		return stmt, duckError(mapping.ExtractStatementsError(ex))
	}
	if single && n > 1 {
		return stmt, &Error{Kind: Refused, Message: "send one statement at a time: this query holds several"}
	}
	for i := range n {
		if mapping.PrepareExtractedStatement(conn, ex, i, &stmt) == mapping.StateError {
			return stmt, duckError(mapping.PrepareError(stmt))
		}
		if i == n-1 {
			break
		}
		var res mapping.Result
		state := bindings.ExecutePrepared(stmt, &res)
		err := errorOf(mapping.ResultError(&res), mapping.ResultErrorType(&res))
		mapping.DestroyResult(&res)
		mapping.DestroyPrepare(&stmt)
		if state == mapping.StateError {
			return stmt, err
		}
	}
	return stmt, nil
}

// writeChunk writes the rows of one chunk, checking the limits before and after every row.
func writeChunk(chunk mapping.DataChunk, vecs []*vector, vals []driver.Value, rw Writer, cw *countingWriter, lim Limits, b *budget, st *Stats) error {
	for i, v := range vecs {
		v.bind(mapping.DataChunkGetVector(chunk, mapping.IdxT(i)))
	}
	size := uint64(mapping.DataChunkGetSize(chunk))
	for row := range size {
		if lim.MaxRows > 0 && st.Rows >= lim.MaxRows {
			return endWith(rw, tooManyRows(lim))
		}
		if lim.MaxBytes > 0 {
			b.left = lim.MaxBytes - cw.n
		}
		if lim.MaxElements > 0 {
			b.elements = lim.MaxElements
		}
		for i, v := range vecs {
			x, err := v.value(row, b, false)
			if errors.Is(err, errBudget) {
				return endWith(rw, tooManyBytes(lim))
			}
			if errors.Is(err, errElements) {
				return endWith(rw, &Error{Kind: TooLarge, Message: fmt.Sprintf("a row holds more than %d elements in its lists, maps and structs, the limit: unnest or aggregate them", lim.MaxElements)})
			}
			if err != nil {
				return err
			}
			vals[i] = x
		}
		if err := rw.Row(vals); err != nil {
			return err
		}
		st.Rows++
		if lim.MaxBytes > 0 && cw.n > lim.MaxBytes {
			return endWith(rw, tooManyBytes(lim))
		}
	}
	return nil
}

func tooManyRows(lim Limits) *Error {
	return &Error{Kind: TooLarge, Message: fmt.Sprintf("the result has more than %d rows, the limit: add a LIMIT, filter or aggregate", lim.MaxRows)}
}

func tooManyBytes(lim Limits) *Error {
	return &Error{Kind: TooLarge, Message: fmt.Sprintf("the result is larger than %d bytes, the limit: add a LIMIT, select fewer columns, filter or aggregate", lim.MaxBytes)}
}

// bindArgs binds q's arguments: positional ($1 or ?) in order, sql.Named by name. Arguments are
// NULL, strings, booleans, integers and floats.
func bindArgs(stmt mapping.PreparedStatement, args []any) error {
	for i, a := range args {
		idx := mapping.IdxT(i + 1)
		if n, ok := a.(sql.NamedArg); ok {
			if mapping.BindParameterIndex(stmt, &idx, n.Name) == mapping.StateError {
				return &Error{Kind: BadRequest, Message: fmt.Sprintf("the query has no parameter $%s", n.Name)}
			}
			a = n.Value
		}
		var state mapping.State
		switch x := a.(type) {
		case nil:
			state = mapping.BindNull(stmt, idx)
		case string:
			state = mapping.BindVarchar(stmt, idx, x)
		case bool:
			state = mapping.BindBoolean(stmt, idx, x)
		case int:
			state = mapping.BindInt64(stmt, idx, int64(x))
		case int64:
			state = mapping.BindInt64(stmt, idx, x)
		case int32:
			state = mapping.BindInt32(stmt, idx, x)
		case float64:
			state = mapping.BindDouble(stmt, idx, x)
		default:
			return &Error{Kind: BadRequest, Message: fmt.Sprintf("parameter %d: values of type %T cannot be bound", i+1, a)}
		}
		if state == mapping.StateError {
			return &Error{Kind: BadRequest, Message: fmt.Sprintf("parameter %d (%v) cannot be bound", i+1, a)}
		}
	}
	return nil
}

// nativeInspector answers the read-only check on a C API connection.
type nativeInspector struct{ conn mapping.Connection }

func (n nativeInspector) statementType(text string) (mapping.StatementType, error) {
	stmt, err := prepareLast(n.conn, text, true)
	defer mapping.DestroyPrepare(&stmt)
	if err != nil {
		return 0, err
	}
	return mapping.PreparedStatementType(stmt), nil
}

func (n nativeInspector) serialized(text string) (string, error) {
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.Query(n.conn, "SELECT json_serialize_sql("+quoteLiteral(text)+")::VARCHAR", &res) == mapping.StateError {
		return "", errorOf(mapping.ResultError(&res), mapping.ResultErrorType(&res))
	}
	chunk := mapping.FetchChunk(res)
	if chunk.Ptr == nil {
		return "", errors.New("json_serialize_sql returned nothing")
	}
	defer mapping.DestroyDataChunk(&chunk)
	return string(bytesAt(mapping.VectorGetData(mapping.DataChunkGetVector(chunk, 0)), 0)), nil
}

// execNative runs one statement of ictstat's own on conn, dropping its result.
func execNative(conn mapping.Connection, stmt string) error {
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.Query(conn, stmt, &res) == mapping.StateError {
		return errorOf(mapping.ResultError(&res), mapping.ResultErrorType(&res))
	}
	return nil
}

// duckError is a DuckDB error message whose type DuckDB gives only as the start of the message
// ("Parser Error: ...").
func duckError(msg string) error {
	t := mapping.ErrorTypeInvalid
	for prefix, et := range errorPrefixes {
		if strings.HasPrefix(msg, prefix) {
			t = et
			break
		}
	}
	return errorOf(msg, t)
}

// errorPrefixes are the kinds of DuckDB error that classify tells apart, by the start of
// their message.
var errorPrefixes = map[string]mapping.ErrorType{
	"Permission Error":    mapping.ErrorTypePermission,
	"Out of Memory Error": mapping.ErrorTypeOutOfMemory,
	"INTERRUPT Error":     mapping.ErrorTypeInterrupt,
	"Invalid Input Error": mapping.ErrorTypeInvalidInput,
	"IO Error":            mapping.ErrorTypeErrorIO,
	"FATAL Error":         mapping.ErrorTypeFatal,
	"INTERNAL Error":      mapping.ErrorTypeInternal,
	"Connection Error":    mapping.ErrorTypeConnection,
}

// errorOf is a DuckDB error message with its type, as duckdb-go reports it.
func errorOf(msg string, t mapping.ErrorType) error {
	return &duckdb.Error{Type: duckdb.ErrorType(t), Msg: msg}
}
