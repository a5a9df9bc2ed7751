package serve_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/ictstat/ictstat/engine/serve"
)

// fake is what an attacker would have every client read as Kenya's 2024 internet use.
const fake = `SELECT 'internet_use_pct' AS indicator, 'KEN' AS economy, 2024 AS year, 99.99 AS value`

// attacks reach every kind of statement that is not a plain read, directly and through every
// carrier DuckDB has: EXPLAIN and EXPLAIN ANALYZE (with options, comments, nesting), PREPARE and
// EXECUTE, CTEs, subqueries and table functions. Each is named with the statement type DuckDB
// gives it, checked against DuckDB below.
var attacks = []struct {
	kind mapping.StatementType // 0: not preparable, or a SELECT carrying a denied function
	sql  string
}{
	{mapping.StatementTypeCreate, "CREATE TEMP TABLE latest AS " + fake},
	{mapping.StatementTypeExplain, "EXPLAIN ANALYZE CREATE TEMP TABLE latest AS " + fake},
	{mapping.StatementTypeExplain, "explain analyse create temp table latest as " + fake},
	{mapping.StatementTypeExplain, "EXPLAIN (ANALYZE) CREATE TEMP VIEW observations AS " + fake},
	{mapping.StatementTypeExplain, "EXPLAIN (ANALYZE, FORMAT json) CREATE TEMP TABLE latest AS " + fake},
	{mapping.StatementTypeExplain, "-- a note\nEXPLAIN ANALYZE CREATE TEMP TABLE latest AS " + fake},
	{mapping.StatementTypeExplain, "/* a note */ EXPLAIN ANALYZE CREATE TEMP TABLE latest AS " + fake},
	{mapping.StatementTypeExplain, "EXPLAIN /* a note */ ANALYZE CREATE TEMP TABLE latest AS " + fake},
	{mapping.StatementTypeExplain, "EXPLAIN ANALYZE /* /* nested */ */ CREATE TEMP TABLE latest AS " + fake},
	{0, "EXPLAIN ANALYZE EXPLAIN ANALYZE CREATE TEMP TABLE latest AS " + fake},
	{mapping.StatementTypeExplain, "EXPLAIN CREATE TEMP TABLE latest AS " + fake},
	{mapping.StatementTypeExplain, "EXPLAIN ANALYZE CREATE TEMP TABLE big AS SELECT * FROM range(100000000)"},
	{mapping.StatementTypeExplain, "EXPLAIN ANALYZE PREPARE p AS " + fake},
	{mapping.StatementTypeExplain, "EXPLAIN ANALYZE SET VARIABLE v = 99.99"},
	{mapping.StatementTypeExplain, "EXPLAIN ANALYZE CREATE TEMP MACRO latest() AS TABLE " + fake},
	{0, "EXPLAIN ANALYZE ATTACH ':memory:' AS m"},
	{mapping.StatementTypeExplain, "EXPLAIN ANALYZE SELECT * FROM enable_logging()"},
	{mapping.StatementTypePrepare, "PREPARE p AS " + fake},
	{0, "EXECUTE p"},
	{mapping.StatementTypeCreate, "CREATE TEMP MACRO latest() AS TABLE " + fake},
	{mapping.StatementTypeCreate, "CREATE OR REPLACE TEMP VIEW latest AS " + fake},
	{mapping.StatementTypeCreate, "CREATE TEMP SEQUENCE s"},
	{0, "CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')"},
	{mapping.StatementTypeSet, "SET VARIABLE v = 99.99"},
	{mapping.StatementTypeSet, "SET search_path = 'temp,main'"},
	{mapping.StatementTypeSet, "RESET search_path"},
	{mapping.StatementTypeSet, "SET threads = 1"},
	{mapping.StatementTypeSet, "USE memory"},
	{mapping.StatementTypeTransaction, "BEGIN TRANSACTION"},
	{mapping.StatementTypeTransaction, "ROLLBACK"},
	{mapping.StatementTypeInsert, "INSERT INTO store.notes VALUES (999, 'x')"},
	{mapping.StatementTypeUpdate, "UPDATE store.observations SET value = 99.99"},
	{mapping.StatementTypeDelete, "DELETE FROM store.observations"},
	{30, "MERGE INTO store.notes USING (SELECT 999 AS id) s ON false WHEN NOT MATCHED THEN INSERT VALUES (999, 'x')"}, // MERGE INTO
	{mapping.StatementTypeAlter, "ALTER VIEW latest RENAME TO latest_old"},
	{mapping.StatementTypeAlter, "COMMENT ON VIEW latest IS 'x'"},
	{mapping.StatementTypeDrop, "DROP VIEW latest"},
	{mapping.StatementTypeCopy, "COPY (SELECT 1) TO '/tmp/ictstat-hostile.csv'"},
	{0, "EXPORT DATABASE '/tmp/ictstat-hostile'"},
	{mapping.StatementTypeVacuum, "ANALYZE"},
	{mapping.StatementTypeVacuum, "VACUUM"},
	{mapping.StatementTypeCall, "CHECKPOINT"},
	{mapping.StatementTypeCall, "CALL enable_logging()"},
	{mapping.StatementTypePragma, "PRAGMA enable_profiling"},
	{mapping.StatementTypeLoad, "LOAD httpfs"},
	{mapping.StatementTypeLoad, "INSTALL httpfs"},
	{29, "UPDATE EXTENSIONS"}, // UPDATE EXTENSIONS
	{mapping.StatementTypeAttach, "ATTACH ':memory:' AS m"},
	{mapping.StatementTypeDetach, "DETACH m"},
	{0, "CREATE TEMP TABLE x AS SELECT 1; SELECT 1"},
	{mapping.StatementTypeSelect, "SELECT * FROM enable_logging()"},
	{mapping.StatementTypeSelect, "FROM checkpoint()"},
	{mapping.StatementTypeSelect, "SELECT * FROM force_checkpoint()"},
	{mapping.StatementTypeSelect, "WITH a AS (SELECT * FROM enable_logging()) SELECT 1"},
	{mapping.StatementTypeSelect, "SELECT (SELECT count(*) FROM enable_profiling())"},
	{mapping.StatementTypeSelect, `SELECT * FROM "ENABLE_LOGGING"()`},
	{mapping.StatementTypeSelect, "SELECT * FROM system.main.enable_logging()"},
	{mapping.StatementTypeSelect, "SELECT * FROM truncate_duckdb_logs()"},
	{mapping.StatementTypeSelect, "SELECT write_log('x')"},
	{mapping.StatementTypeSelect, "SELECT * FROM query('SELECT 1')"},
	{mapping.StatementTypeSelect, "SELECT * FROM query('SELECT * FROM enable_logging()')"},
	{mapping.StatementTypeSelect, "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))"},
	{mapping.StatementTypeSelect, "PIVOT (SELECT 1 AS x FROM enable_logging()) ON x IN (1) USING count(*)"},
	{mapping.StatementTypeSelect, "SELECT * FROM read_csv('/etc/passwd')"},
	{mapping.StatementTypeSelect, "SELECT * FROM duckdb_secrets()"},
}

// unstoppable are calls DuckDB cannot interrupt, evaluated as soon as a query is prepared (it
// folds constants): each must be refused at once, before anything prepares it.
var unstoppable = []string{
	"SELECT damerau_levenshtein(repeat('a', 20000), repeat('b', 20000))",
	"SELECT levenshtein(repeat('a', 100000), repeat('b', 100001))",
	"SELECT repeat('x', 2000000000) AS s",
	"SELECT length(rpad('', 2e9::INTEGER, 'x'))",
	"SELECT printf('%2000000000d', 1)",
	"PIVOT (SELECT repeat('x', 300000000) AS a) ON a USING count(*)",
	"EXPLAIN ANALYZE SELECT repeat('x', 2000000000) AS s",
}

// TestNoClientChangesWhatOthersSee sends every attack, then checks that other clients (and the
// same one) still read the database's own values and that no state was left in DuckDB.
func TestNoClientChangesWhatOthersSee(t *testing.T) {
	s := start(t, serve.Config{MaxConcurrent: 4})
	// The statement types named above are DuckDB's, checked on a writable copy.
	checkAttackKinds(t)

	for _, a := range attacks {
		started := time.Now()
		r := do(t, "POST", s.url+"/v1/sql", a.sql)
		if d := time.Since(started); d > 3*time.Second {
			t.Errorf("%s took %v to refuse: it ran before the check", a.sql, d)
		}
		if r.status != 403 && r.status != 400 {
			t.Errorf("%s: %d %s, want 403", a.sql, r.status, r.body)
		}
		if a.kind != 0 && r.status != 403 {
			t.Errorf("%s: %d %s, want 403 (refused)", a.sql, r.status, r.body)
		}
	}
	for _, q := range unstoppable {
		started := time.Now()
		if r := do(t, "POST", s.url+"/v1/sql", q); r.status != 403 || time.Since(started) > 3*time.Second {
			t.Errorf("%s: %d after %v %s, want 403 at once", q, r.status, time.Since(started), r.body)
		}
	}

	truth := kenya2024(t, s.db)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var wrong []string
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 15; i++ {
				r := do(t, "POST", s.url+"/v1/sql?format=csv", `SELECT value FROM latest WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND sex = 'total' AND area = 'total' AND age = 'total' AND year = 2024`)
				if got := strings.TrimSpace(strings.TrimPrefix(string(r.body), "value\n")); got != truth {
					mu.Lock()
					wrong = append(wrong, got)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(wrong) > 0 {
		t.Errorf("%d of 60 answers differ from the database's %s: %v", len(wrong), truth, wrong[:min(5, len(wrong))])
	}

	// Nothing is left behind: no temporary object, prepared statement, variable, secret,
	// attached database, log entry or changed setting.
	for _, check := range []struct{ sql, want string }{
		{`SELECT count(*) FROM duckdb_tables() WHERE temporary`, "0"},
		{`SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal`, "0"},
		{`SELECT count(*) FROM duckdb_functions() WHERE function_name = 'latest'`, "0"},
		{`SELECT count(*) FROM duckdb_sequences()`, "0"},
		{`SELECT count(*) FROM duckdb_prepared_statements()`, "0"},
		{`SELECT count(*) FROM duckdb_variables()`, "0"},
		{`SELECT count(*) FROM duckdb_databases() WHERE NOT internal`, "1"},
		{`SELECT count(*) FROM duckdb_logs()`, "0"},
		{`SELECT current_setting('enable_logging')::VARCHAR IN ('0', 'false')`, "true"},
		{`SELECT current_setting('search_path')`, ""},
		{`SELECT current_setting('enable_profiling')`, ""},
	} {
		r := do(t, "POST", s.url+"/v1/sql?format=csv", check.sql)
		got := strings.TrimSpace(string(r.body))
		if i := strings.IndexByte(got, '\n'); i >= 0 {
			got = got[i+1:]
		} else {
			got = ""
		}
		if r.status != 200 || got != check.want {
			t.Errorf("%s: %d %q, want %q", check.sql, r.status, got, check.want)
		}
	}
}

// kenya2024 is Kenya's 2024 internet use read from the database file by a DuckDB of its own.
func kenya2024(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only&threads=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v float64
	if err := db.QueryRow(`SELECT value FROM latest WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND sex = 'total' AND area = 'total' AND age = 'total' AND year = 2024`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(v)
}

// checkAttackKinds prepares every attack on a writable copy of the database and requires the
// statement type named in the table, and every statement type SQL can reach to be tried.
func checkAttackKinds(t *testing.T) {
	t.Helper()
	path := t.TempDir() + "/writable.duckdb"
	copyDB(t, path)
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tried := map[mapping.StatementType]bool{}
	for _, a := range attacks {
		tried[a.kind] = true
		if a.kind == 0 {
			continue
		}
		c.Raw(func(dc any) error {
			s, err := dc.(*duckdb.Conn).Prepare(a.sql)
			if err != nil {
				t.Errorf("%s does not prepare on a writable database: %v", a.sql, err)
				return nil
			}
			defer s.Close()
			if k, _ := s.(*duckdb.Stmt).StatementType(); mapping.StatementType(k) != a.kind {
				t.Errorf("%s is a statement of type %d, not %d", a.sql, k, a.kind)
			}
			return nil
		})
	}
	// Relation, logical-plan, multi and copy-database statements come from client APIs, not text.
	for k := mapping.StatementTypeInsert; k <= 30; k++ {
		switch k {
		case mapping.StatementTypeRelation, mapping.StatementTypeLogicalPlan, mapping.StatementTypeMulti,
			mapping.StatementTypeExtension, mapping.StatementTypeCreateFunc, mapping.StatementTypeExecute,
			mapping.StatementTypeExport, mapping.StatementTypeVariableSet, mapping.StatementTypeAnalyze, 28:
			continue
		}
		if !tried[k] {
			t.Errorf("no attack is a statement of type %d", k)
		}
	}
}

// TestSlowReaderLosesItsSlot: clients that send a query and read nothing of its answer hold
// their query slots no longer than the write timeout; others are answered meanwhile and after.
func TestSlowReaderLosesItsSlot(t *testing.T) {
	s := start(t, serve.Config{MaxConcurrent: 4, WriteTimeout: time.Second, QueryTimeout: time.Minute})
	var conns []*net.TCPConn
	for i := 0; i < 4; i++ {
		c := sendAndNeverRead(t, s.url, "SELECT * FROM range(100000000)")
		conns = append(conns, c)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	if r := do(t, "GET", s.url+"/healthz", ""); r.status != 200 {
		t.Errorf("healthz while the slots are held: %d", r.status)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := do(t, "POST", s.url+"/v1/sql", "SELECT 42 AS answer")
		if r.status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("4 clients that read nothing still hold every slot after 15 s: %d %s", r.status, r.body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for {
		var h struct {
			Running int `json:"queries_running"`
		}
		r := do(t, "GET", s.url+"/healthz", "")
		json.Unmarshal(r.body, &h)
		if h.Running == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d queries of clients that read nothing still run after 15 s", h.Running)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestRequestsAreCheckedBeforeTheirBody: without the token a query is refused before its body
// is read; only so many bodies are read at once; headers are bounded.
func TestRequestsAreCheckedBeforeTheirBody(t *testing.T) {
	s := start(t, serve.Config{Token: "s3cret", MaxConcurrent: 1})
	c, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A body announced and never sent: the answer comes at once, from the headers alone.
	fmt.Fprintf(c, "POST /v1/sql HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nSELECT")
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.Contains(line, " 401 ") {
		t.Errorf("a query without the token, its body not sent: %q %v", line, err)
	}
	// With the token, four bodies per query slot are read at once; the fifth gets 503.
	var held []net.Conn
	for i := 0; i < 4; i++ {
		c, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /v1/sql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\nContent-Length: 1000000\r\n\r\nSELECT")
		held = append(held, c)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := do(t, "POST", s.url+"/v1/sql", "SELECT 1", "Authorization", "Bearer s3cret")
		if r.status == 503 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("with four bodies being read, a fifth query got %d", r.status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, c := range held {
		c.Close()
	}
	// Headers are bounded.
	r := do(t, "GET", s.url+"/healthz", "", "X-Big", strings.Repeat("x", 100<<10))
	if r.status != 431 {
		t.Errorf("a 100 KiB header: %d", r.status)
	}
}

// TestRequestForms: the token's scheme, media types and parameters are read as HTTP says.
func TestRequestForms(t *testing.T) {
	s := start(t, serve.Config{Token: "s3cret"})
	if r := do(t, "POST", s.url+"/v1/sql", "SELECT 1", "Authorization", "bearer s3cret"); r.status != 200 {
		t.Errorf("a lower-case bearer scheme: %d %s", r.status, r.body)
	}
	auth := []string{"Authorization", "Bearer s3cret"}
	for accept, want := range map[string]string{
		"TEXT/CSV":                         "text/csv",
		"text/csv;q=0, application/json":   "application/json",
		"application/json;q=0.5, text/csv": "text/csv",
		"application/x-ndjson":             "application/x-ndjson",
	} {
		r := do(t, "POST", s.url+"/v1/sql", "SELECT 1 AS a", append(auth, "Accept", accept)...)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), want) {
			t.Errorf("Accept %s: %d %s, want %s", accept, r.status, r.header.Get("Content-Type"), want)
		}
	}
	r := do(t, "POST", s.url+"/v1/sql?format=csv", `{"sql": "SELECT $1::VARCHAR AS s, $2 + 1 AS n, $3 AS b", "params": ["KEN", 41, true]}`,
		append(auth, "Content-Type", "Application/JSON; charset=utf-8")...)
	if r.status != 200 || string(r.body) != "s,n,b\nKEN,42,true\n" {
		t.Errorf("JSON with parameters: %d %q", r.status, r.body)
	}
	r = do(t, "POST", s.url+"/v1/sql", `{"sql": "SELECT 1", "parameters": [1]}`, append(auth, "Content-Type", "application/json")...)
	if code, msg := r.errorMessage(); r.status != 400 || !strings.Contains(msg, `"params"`) {
		t.Errorf("an unknown member: %d %s %s", r.status, code, msg)
	}
}

// sendAndNeverRead sends a query on a connection with a small receive buffer and never reads
// the answer, so that the server's writes soon block.
func sendAndNeverRead(t *testing.T, base, query string) *net.TCPConn {
	t.Helper()
	addr, err := net.ResolveTCPAddr("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTCP("tcp", nil, addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadBuffer(4096)
	fmt.Fprintf(c, "POST /v1/sql HTTP/1.1\r\nHost: %s\r\nAccept: text/csv\r\nContent-Length: %d\r\n\r\n%s", addr, len(query), query)
	return c
}

// TestMemoryCeiling: a query whose memory DuckDB's own limit does not count (an aggregate's
// state) is stopped with 503 when the service passes its memory ceiling, and the service then
// answers again.
func TestMemoryCeiling(t *testing.T) {
	s := start(t, serve.Config{MaxConcurrent: 4, QueryTimeout: time.Minute, MemoryCeiling: residentNow(t) + 300<<20})
	started := time.Now()
	r := do(t, "POST", s.url+"/v1/sql", "SELECT max(length(s)) FROM (SELECT string_agg(range::VARCHAR, ',') AS s FROM range(200000000) GROUP BY range % 8)")
	if code, msg := r.errorMessage(); r.status != 503 || code != "out_of_memory" || r.header.Get("Retry-After") == "" {
		t.Fatalf("a query past the memory ceiling: %d %s %s", r.status, code, msg)
	}
	t.Logf("stopped after %v", time.Since(started))
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := do(t, "POST", s.url+"/v1/sql?format=csv", "SELECT 42 AS answer")
		if r.status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the service does not answer 20 s after stopping the query: %d %s", r.status, r.body)
		}
		time.Sleep(500 * time.Millisecond)
	}
	var h struct {
		Stopped int `json:"queries_stopped_for_memory"`
	}
	json.Unmarshal(do(t, "GET", s.url+"/healthz", "").body, &h)
	if h.Stopped < 1 {
		t.Errorf("healthz counts %d queries stopped for memory", h.Stopped)
	}
}

// residentNow is this process's resident memory.
func residentNow(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}
