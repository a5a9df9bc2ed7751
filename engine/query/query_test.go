package query_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
)

// Kenya's internet use in the embedded data (WDI 2025), 2010-2014.
const kenya = `SELECT year, value, flag, edition FROM observations
	WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND sex = 'total' AND year BETWEEN 2010 AND 2014 ORDER BY year`

func TestMain(m *testing.M) { computetest.Main(m) }

func conn(t *testing.T) *sql.Conn {
	t.Helper()
	c, err := computetest.Open(t).Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func run(t *testing.T, c *sql.Conn, q query.Query, format string) (string, query.Stats, error) {
	t.Helper()
	var buf bytes.Buffer
	st, err := query.Run(context.Background(), c, q, format, &buf)
	return buf.String(), st, err
}

// want is the same query's rows read by database/sql.
func want(t *testing.T, c *sql.Conn) [][]string {
	t.Helper()
	rows, err := c.QueryContext(context.Background(), `SELECT year::VARCHAR, value::VARCHAR, flag, edition FROM (`+kenya+`)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		r := make([]string, 4)
		if err := rows.Scan(&r[0], &r[1], &r[2], &r[3]); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if len(out) != 5 {
		t.Fatalf("Kenya 2010-2014: %d rows, want 5", len(out))
	}
	return out
}

func TestFormats(t *testing.T) {
	c := conn(t)
	exp := want(t, c)
	q := query.Query{SQL: kenya}

	t.Run("csv", func(t *testing.T) {
		out, st, err := run(t, c, q, "csv")
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(recs[0], ",") != "year,value,flag,edition" {
			t.Errorf("header %v", recs[0])
		}
		for i, r := range recs[1:] {
			v, _ := strconv.ParseFloat(r[1], 64)
			e, _ := strconv.ParseFloat(exp[i][1], 64)
			if r[0] != exp[i][0] || v != e || r[2] != exp[i][2] || r[3] != exp[i][3] {
				t.Errorf("row %d: %v, want %v", i, r, exp[i])
			}
		}
		if st.Rows != 5 || st.Columns != 4 || st.Bytes != int64(len(out)) {
			t.Errorf("stats %+v for %d bytes", st, len(out))
		}
	})

	t.Run("json", func(t *testing.T) {
		out, _, err := run(t, c, q, "json")
		if err != nil {
			t.Fatal(err)
		}
		var res struct {
			Columns []struct{ Name, Type string }
			Rows    []map[string]any
			Count   int `json:"row_count"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v in %s", err, out)
		}
		if res.Count != 5 || len(res.Rows) != 5 || res.Columns[0].Type != "SMALLINT" || res.Columns[1].Type != "DOUBLE" {
			t.Fatalf("%+v", res)
		}
		for i, r := range res.Rows {
			if got := r["year"].(float64); got != float64(2010+i) {
				t.Errorf("row %d year %v", i, got)
			}
			if r["edition"] != exp[i][3] {
				t.Errorf("row %d edition %v", i, r["edition"])
			}
		}
	})

	t.Run("ndjson", func(t *testing.T) {
		out, _, err := run(t, c, q, "ndjson")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 5 {
			t.Fatalf("%d lines", len(lines))
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(lines[4]), &r); err != nil || r["year"].(float64) != 2014 {
			t.Fatalf("%v %v", r, err)
		}
	})

	t.Run("table", func(t *testing.T) {
		out, _, err := run(t, c, q, "table")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if len(lines) != 8 || !strings.HasPrefix(lines[0], "year") || lines[7] != "(5 rows)" {
			t.Fatalf("%q", out)
		}
		if !strings.Contains(lines[2], exp[0][1]) {
			t.Errorf("first row %q lacks %s", lines[2], exp[0][1])
		}
	})

	t.Run("arrow", func(t *testing.T) {
		out, _, err := run(t, c, q, "arrow")
		if err != nil {
			t.Fatal(err)
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		r, err := ipc.NewReader(strings.NewReader(out), ipc.WithAllocator(mem))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		checkArrow(t, r.Schema(), func(yield func(arrow.RecordBatch)) {
			for r.Next() {
				yield(r.RecordBatch())
			}
		}, exp)
	})

	t.Run("parquet", func(t *testing.T) {
		out, _, err := run(t, c, q, "parquet")
		if err != nil {
			t.Fatal(err)
		}
		pf, err := file.NewParquetReader(bytes.NewReader([]byte(out)))
		if err != nil {
			t.Fatal(err)
		}
		fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := fr.ReadTable(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		tr := array.NewTableReader(tbl, 0)
		defer tr.Release()
		checkArrow(t, tbl.Schema(), func(yield func(arrow.RecordBatch)) {
			for tr.Next() {
				yield(tr.RecordBatch())
			}
		}, exp)
	})
}

// checkArrow compares record batches of the Kenya query with the expected rows.
func checkArrow(t *testing.T, schema *arrow.Schema, batches func(func(arrow.RecordBatch)), exp [][]string) {
	t.Helper()
	if schema.Field(0).Type.ID() != arrow.INT16 || schema.Field(1).Type.ID() != arrow.FLOAT64 || schema.Field(3).Type.ID() != arrow.STRING {
		t.Fatalf("schema %v", schema)
	}
	if md, _ := schema.Field(0).Metadata.GetValue("duckdb.type"); md != "SMALLINT" {
		t.Errorf("duckdb.type of year: %q", md)
	}
	i := 0
	batches(func(rec arrow.RecordBatch) {
		years := rec.Column(0).(*array.Int16)
		eds := rec.Column(3).(*array.String)
		for j := 0; j < int(rec.NumRows()); j++ {
			if int(years.Value(j)) != 2010+i || eds.Value(j) != exp[i][3] {
				t.Errorf("row %d: %d %s", i, years.Value(j), eds.Value(j))
			}
			i++
		}
	})
	if i != len(exp) {
		t.Errorf("%d rows, want %d", i, len(exp))
	}
}

func TestTypes(t *testing.T) {
	c := conn(t)
	out, _, err := run(t, c, query.Query{SQL: `SELECT DATE '2024-03-01' AS d, TIMESTAMP '2024-03-01 12:30:00' AS ts,
		1.25::DECIMAL(5,2) AS dec, 170141183460469231731687303715884105727::HUGEINT AS huge, [1, 2] AS list,
		{'a': 1} AS st, NULL::INTEGER AS missing, 'NaN'::DOUBLE AS nan, true AS b, 'a"b' AS quote`}, "json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct{ Rows []map[string]any }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	r := res.Rows[0]
	checks := map[string]any{"d": "2024-03-01", "ts": "2024-03-01 12:30:00", "dec": 1.25, "missing": nil, "nan": nil, "b": true, "quote": `a"b`}
	for k, v := range checks {
		if r[k] != v {
			t.Errorf("%s = %#v, want %#v", k, r[k], v)
		}
	}
	if l, ok := r["list"].([]any); !ok || len(l) != 2 {
		t.Errorf("list %v", r["list"])
	}
	// Nested and special kinds read as they do in DuckDB, and nested values as JSON.
	out, _, err = run(t, c, query.Query{SQL: `SELECT 'a1b2c3d4-0000-4000-8000-000000000001'::UUID AS u,
		INTERVAL '1 year 2 months 3 days 04:05:06.5' AS i, MAP {'a': 1} AS m, [1.5::DECIMAL(2,1), NULL] AS l`}, "csv")
	if err != nil || !strings.Contains(out, `a1b2c3d4-0000-4000-8000-000000000001,1 year 2 months 3 days 04:05:06.5,"{""a"":1}","[1.5,null]"`) {
		t.Errorf("special kinds as CSV: %v\n%s", err, out)
	}
	// DECIMAL and HUGEINT keep every digit in JSON; a UNION reads as its value, as DuckDB prints it.
	exact := `SELECT 123456789012345678901234567.12345678::DECIMAL(38,8) AS d, 170141183460469231731687303715884105727::HUGEINT AS h,
		union_value(b := -1)::UNION(a VARCHAR, b INTEGER) AS u, [0.10::DECIMAL(3,2)] AS l`
	out, _, err = run(t, c, query.Query{SQL: exact}, "ndjson")
	if want := `{"d":123456789012345678901234567.12345678,"h":170141183460469231731687303715884105727,"u":-1,"l":[0.1]}`; err != nil || strings.TrimSpace(out) != want {
		t.Errorf("exact numbers in JSON: %v\n%s\nwant %s", err, out, want)
	}
	out, _, err = run(t, c, query.Query{SQL: exact}, "csv")
	if want := "d,h,u,l\n123456789012345678901234567.12345678,170141183460469231731687303715884105727,-1,[0.1]\n"; err != nil || out != want {
		t.Errorf("exact numbers in CSV: %v\n%q\nwant %q", err, out, want)
	}
	if _, _, err := run(t, c, query.Query{SQL: `SELECT DATE '2024-03-01' AS d, 1.25::DECIMAL(5,2) AS dec, [1] AS l, NULL AS n`}, "arrow"); err != nil {
		t.Errorf("arrow of mixed types: %v", err)
	}
}

// TestPolicy: with SelectOnly, every statement that is not a read is refused before DuckDB runs
// it, and DuckDB's read-only opening refuses writes in any case.
func TestPolicy(t *testing.T) {
	c := conn(t)
	sel := query.Policy{SelectOnly: true}
	for _, tc := range []struct {
		sql  string
		kind query.Kind
		msg  string
	}{
		{"CREATE TEMP TABLE x AS SELECT 1", query.Refused, "CREATE statement"},
		{"INSERT INTO store.notes VALUES (999, 'x')", query.Refused, "INSERT statement"},
		{"ATTACH ':memory:' AS m", query.Refused, "ATTACH statement"},
		{"INSTALL httpfs", query.Refused, "INSTALL or LOAD statement"},
		{"SET threads = 1", query.Refused, "SET statement"},
		{"COPY (SELECT 1) TO 'x.csv'", query.Refused, "COPY statement"},
		{"SELECT 1; SELECT 2", query.Refused, "one statement at a time"},
		{"EXPLAIN ANALYZE CREATE TEMP TABLE x AS SELECT 1", query.Refused, "CREATE statement"},
		{"EXPLAIN ANALYZE /* note */ SELECT 1", query.Refused, "cannot be checked"},
		{"SELECT * FROM (SELECT * FROM enable_logging())", query.Refused, "enable_logging() is not allowed: it changes DuckDB's logging"},
		{"SELECT levenshtein(repeat('a', 100000), 'b')", query.Refused, "levenshtein() is not allowed"},
		{"SELECT repeat('x', 300000000::BIGINT) AS s", query.Refused, "repeat() with 300000000 is not allowed"},
		{"SELECT length(lpad('x', 2e9::INTEGER, 'y'))", query.Refused, "lpad() with 2000000000 is not allowed"},
		{"SELECT range(0, 50000000) AS l", query.Refused, "range() with 50000000 is not allowed"},
		{"SELECT printf('%2000000000d', 1)", query.Refused, "printf() with 2000000000 is not allowed"},
		{"SELECT * FROM duckdb_secrets()", query.Refused, "duckdb_secrets() is not allowed"},
		{"SELEC 1", query.Invalid, "LINE 1: SELEC 1"},
		{"SELECT * FROM observatons", query.Invalid, `Did you mean "observations"`},
		{"SELECT 'x'::INTEGER", query.Invalid, "Conversion Error"},
		{"   ", query.BadRequest, "empty"},
	} {
		_, _, err := run(t, c, query.Query{SQL: tc.sql, Policy: sel}, "json")
		var qe *query.Error
		if !errors.As(err, &qe) || qe.Kind != tc.kind || !strings.Contains(qe.Message, tc.msg) {
			t.Errorf("%s: %v (kind %v), want kind %v with %q", tc.sql, err, kindOf(err), tc.kind, tc.msg)
		}
	}
	for _, q := range []string{"DESCRIBE observations", "SHOW TABLES", "SUMMARIZE SELECT 1 AS x", "EXPLAIN SELECT 1", "WITH a AS (SELECT 1 AS x) SELECT * FROM a", "PRAGMA version",
		"EXPLAIN ANALYZE SELECT count(*) FROM observations", "-- how the view runs\nEXPLAIN (ANALYZE, FORMAT json) SELECT * FROM latest LIMIT 1",
		"SELECT 'query(), checkpoint() and enable_logging() in a string' AS s", "SELECT repeat('-', 40) AS rule, range(2005, 2025) AS years",
		"SELECT printf('%.1f%%', 71.5) AS share"} {
		if _, _, err := run(t, c, query.Query{SQL: q, Policy: sel}, "csv"); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	// Without the policy DuckDB's read-only opening still refuses writes.
	_, _, err := run(t, c, query.Query{SQL: "CREATE TABLE main.x AS SELECT 1"}, "csv")
	if kindOf(err) != query.Refused {
		t.Errorf("CREATE TABLE without the policy: %v", err)
	}
}

func kindOf(err error) query.Kind {
	var qe *query.Error
	if errors.As(err, &qe) {
		return qe.Kind
	}
	return -1
}

func TestLimits(t *testing.T) {
	c := conn(t)
	q := query.Query{SQL: "SELECT * FROM range(1000) t(i)", Limits: query.Limits{MaxRows: 10}}
	out, st, err := run(t, c, q, "json")
	if kindOf(err) != query.TooLarge || !strings.Contains(err.Error(), "more than 10 rows") {
		t.Fatalf("row limit: %v", err)
	}
	var res struct {
		Rows      []map[string]any
		Count     int `json:"row_count"`
		Truncated bool
		Error     string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("a cut-off JSON result must still parse: %v\n%s", err, out)
	}
	if res.Count != 10 || len(res.Rows) != 10 || !res.Truncated || res.Error == "" || st.Rows != 10 {
		t.Errorf("cut-off result %+v, stats %+v", res, st)
	}
	_, _, err = run(t, c, query.Query{SQL: "SELECT repeat('x', 1000) FROM range(1000)", Limits: query.Limits{MaxBytes: 50_000}}, "csv")
	if kindOf(err) != query.TooLarge || !strings.Contains(err.Error(), "50000 bytes") {
		t.Errorf("byte limit: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	started := time.Now()
	_, err = query.Run(ctx, c, query.Query{SQL: "SELECT count(*) FROM range(100000000000)"}, "csv", &bytes.Buffer{})
	if kindOf(err) != query.Timeout {
		t.Errorf("time limit: %v", err)
	}
	if d := time.Since(started); d > 5*time.Second {
		t.Errorf("the query was stopped after %v", d)
	}
}

func TestArgs(t *testing.T) {
	c := conn(t)
	out, _, err := run(t, c, query.Query{SQL: `SELECT count(*) AS n FROM observations WHERE economy = $1 AND list_contains($2::VARCHAR[], indicator)`,
		Args: []any{"KEN", []string{"internet_use_pct"}}, Policy: query.Policy{SelectOnly: true}}, "csv")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := c.QueryRowContext(context.Background(), `SELECT count(*) FROM observations WHERE economy = 'KEN' AND indicator = 'internet_use_pct'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(strings.TrimPrefix(out, "n\n")); got != strconv.Itoa(n) || n == 0 {
		t.Errorf("got %q, want %d", out, n)
	}
}

func TestShell(t *testing.T) {
	db := computetest.Open(t)
	var out, errb bytes.Buffer
	script := `.tables
.schema series
SELECT count(*) AS n
  FROM observations
 WHERE economy = 'KEN'
   AND indicator = 'internet_use_pct';
SELECT * FROM nowhere;
.format csv
.timer on
SELECT 'a;b' AS "semi;colon"; -- a comment; with semicolons
.schema
.nonsense
.quit
SELECT 'not run';
`
	sh := &query.Shell{DB: db, In: strings.NewReader(script), Out: &out, Err: &errb}
	if err := sh.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	o, e := out.String(), errb.String()
	for _, s := range []string{"observations_all_editions", "first_year    SMALLINT", "(1 row)", "semi;colon\na;b\n"} {
		if !strings.Contains(o, s) {
			t.Errorf("output lacks %q:\n%s", s, o)
		}
	}
	if strings.Contains(o, "not run") {
		t.Error("a statement after .quit ran")
	}
	for _, s := range []string{`Table with name nowhere does not exist`, "Run Time: ", ".schema needs a view or table name", "unknown command .nonsense"} {
		if !strings.Contains(e, s) {
			t.Errorf("errors lack %q:\n%s", s, e)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM observations WHERE economy = 'KEN' AND indicator = 'internet_use_pct'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(o, "\n"+strconv.Itoa(n)+"\n") {
		t.Errorf("the multi-line count (%d) is not in the output:\n%s", n, o)
	}
}
