package query_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
)

// openDB opens the computed test database for streaming queries, read-only.
func openDB(t testing.TB, settings url.Values) *query.DB {
	t.Helper()
	if settings == nil {
		settings = url.Values{}
	}
	settings.Set("access_mode", "read_only")
	db, err := query.Open(computetest.Path(t), settings)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestStreamingMatchesDriver: the streaming path reads every DuckDB type as duckdb-go's rows do,
// so that every format writes the same bytes on both paths. test_all_types() holds each type's
// smallest, largest and NULL values.
func TestStreamingMatchesDriver(t *testing.T) {
	db := openDB(t, nil)
	c, err := db.SQL.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Columns duckdb-go itself cannot scan are left out: it refuses them, and so does nobody's test.
	var cols []string
	rows, err := c.QueryContext(context.Background(), `SELECT column_name FROM (DESCRIBE SELECT * FROM test_all_types())`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		var sink bytes.Buffer
		if _, err := query.Run(context.Background(), c, query.Query{SQL: `SELECT "` + name + `" FROM test_all_types()`}, "json", &sink); err != nil {
			t.Logf("duckdb-go cannot read %s: %v", name, err)
			continue
		}
		cols = append(cols, `"`+name+`"`)
	}
	rows.Close()
	if len(cols) < 45 {
		t.Fatalf("only %d columns of test_all_types() are readable: %v", len(cols), cols)
	}
	queries := []string{
		`SELECT ` + strings.Join(cols, ", ") + ` FROM test_all_types()`,
		kenya,
		`SELECT * FROM observations WHERE economy = 'KEN' ORDER BY ALL`,
		`SELECT [1, NULL, 3] AS l, {'a': [1.5::DECIMAL(3,1)], 'b': NULL} AS s, MAP {'k': [1]} AS m, [1, 2]::INTEGER[2] AS a,
			union_value(num := 2)::UNION(num INTEGER, str VARCHAR) AS u, '{"x": [1, true]}'::JSON AS j,
			TIMETZ '12:34:56.5+05:30' AS ttz, '101'::BIT AS bits, 12345678901234567890123::BIGNUM AS big`,
	}
	for _, q := range queries {
		for _, format := range []string{"csv", "json", "ndjson", "table", "arrow", "parquet"} {
			var viaDriver, viaStream bytes.Buffer
			st1, err1 := query.Run(context.Background(), c, query.Query{SQL: q}, format, &viaDriver)
			st2, err2 := db.Run(context.Background(), query.Query{SQL: q}, format, &viaStream)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s as %s: driver %v, streaming %v", q, format, err1, err2)
			}
			if !bytes.Equal(viaDriver.Bytes(), viaStream.Bytes()) || st1.Rows != st2.Rows {
				t.Errorf("%.60s as %s: the two paths differ (%d and %d rows)\ndriver:\n%.2000s\nstreaming:\n%.2000s", q, format, st1.Rows, st2.Rows, viaDriver.String(), viaStream.String())
			}
		}
	}
}

// TestStreamingLimits: the row, byte and time limits hold on the streaming path, and a single
// value larger than the byte limit is refused before it is read.
func TestStreamingLimits(t *testing.T) {
	db := openDB(t, nil)
	var out bytes.Buffer
	st, err := db.Run(context.Background(), query.Query{SQL: "SELECT * FROM range(10000000000)", Limits: query.Limits{MaxRows: 5000}}, "csv", &out)
	if kindOf(err) != query.TooLarge || st.Rows != 5000 {
		t.Errorf("row limit: %v after %d rows", err, st.Rows)
	}
	out.Reset()
	started := time.Now()
	st, err = db.Run(context.Background(), query.Query{SQL: "SELECT list(range) AS l FROM range(20000000)", Limits: query.Limits{MaxBytes: 1 << 20}}, "json", &out)
	if kindOf(err) != query.TooLarge || !strings.Contains(err.Error(), "1048576 bytes") || st.Bytes > 1<<20 {
		t.Errorf("a 20-million-element list under a 1 MiB limit: %v, %d bytes written", err, st.Bytes)
	}
	if d := time.Since(started); d > 20*time.Second {
		t.Errorf("refusing the list took %v", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	started = time.Now()
	_, err = db.Run(ctx, query.Query{SQL: "SELECT count(*) FROM range(100000000000)"}, "csv", &bytes.Buffer{})
	if kindOf(err) != query.Timeout || time.Since(started) > 5*time.Second {
		t.Errorf("time limit: %v after %v", err, time.Since(started))
	}
}
