package serve_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/engine/serve"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
)

func TestMain(m *testing.M) { computetest.Main(m) }

// service is a server started on a loopback port over a copy of the computed default database.
type service struct {
	url  string
	db   string
	srv  *serve.Server
	stop func() error
}

func copyDB(t *testing.T, dst string) {
	t.Helper()
	b, err := os.ReadFile(computetest.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func start(t *testing.T, cfg serve.Config) *service {
	t.Helper()
	if cfg.Database == "" {
		cfg.Database = filepath.Join(t.TempDir(), "ictstat.duckdb")
		copyDB(t, cfg.Database)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := serve.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var once sync.Once
	var serr error
	s := &service{url: "http://" + ln.Addr().String(), db: cfg.Database, srv: srv, stop: func() error {
		once.Do(func() { cancel(); serr = <-done })
		return serr
	}}
	t.Cleanup(func() { s.stop() })
	return s
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) errorMessage() (string, string) {
	var e struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal(r.body, &e)
	return e.Error.Code, e.Error.Message
}

func do(t *testing.T, method, url, body string, header ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, b}
}

const kenyaSQL = `SELECT year, value FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN'
	AND sex = 'total' AND year BETWEEN 2010 AND 2014 ORDER BY year`

// Kenya's internet use 2010-2014 in the embedded data (WDI 2025).
var kenya = []float64{7.2, 8.8, 10.5, 13, 16.5}

func TestSQLFormats(t *testing.T) {
	s := start(t, serve.Config{})

	r := do(t, "POST", s.url+"/v1/sql", kenyaSQL)
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	var res struct {
		Rows  []struct{ Year, Value float64 }
		Count int `json:"row_count"`
	}
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Count != 5 {
		t.Fatalf("%s", r.body)
	}
	for i, row := range res.Rows {
		if row.Year != float64(2010+i) || row.Value != kenya[i] {
			t.Errorf("row %d: %+v, want %d %v", i, row, 2010+i, kenya[i])
		}
	}

	r = do(t, "POST", s.url+"/v1/sql", `{"sql": "SELECT 42 AS answer"}`, "Content-Type", "application/json", "Accept", "text/csv")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || string(r.body) != "answer\n42\n" {
		t.Errorf("JSON body, CSV result: %d %q", r.status, r.body)
	}

	r = do(t, "POST", s.url+"/v1/sql", kenyaSQL, "Accept", "text/csv")
	recs, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil || len(recs) != 6 || recs[1][0] != "2010" || recs[5][1] != "16.5" {
		t.Errorf("CSV: %v %v", recs, err)
	}

	r = do(t, "POST", s.url+"/v1/sql", kenyaSQL, "Accept", "application/x-ndjson")
	if lines := strings.Split(strings.TrimSpace(string(r.body)), "\n"); len(lines) != 5 || lines[0] != `{"year":2010,"value":7.2}` {
		t.Errorf("NDJSON: %q", r.body)
	}

	r = do(t, "POST", s.url+"/v1/sql", kenyaSQL, "Accept", "application/vnd.apache.arrow.stream")
	if r.header.Get("Content-Type") != "application/vnd.apache.arrow.stream" {
		t.Fatalf("Arrow content type %q", r.header.Get("Content-Type"))
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rd, err := ipc.NewReader(bytes.NewReader(r.body), ipc.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	var got []float64
	for rd.Next() {
		rec := rd.RecordBatch()
		years := rec.Column(0).(*array.Int16)
		vals := rec.Column(1).(*array.Float64)
		for i := 0; i < int(rec.NumRows()); i++ {
			if int(years.Value(i)) != 2010+len(got) {
				t.Errorf("Arrow year %d", years.Value(i))
			}
			got = append(got, vals.Value(i))
		}
	}
	rd.Release()
	if fmt.Sprint(got) != fmt.Sprint(kenya) {
		t.Errorf("Arrow values %v, want %v", got, kenya)
	}

	if r = do(t, "POST", s.url+"/v1/sql", kenyaSQL, "Accept", "image/png"); r.status != 406 {
		t.Errorf("Accept image/png: %d", r.status)
	}
	if r = do(t, "GET", s.url+"/v1/sql", ""); r.status != 405 {
		t.Errorf("GET /v1/sql: %d", r.status)
	}
	if r = do(t, "GET", s.url+"/v1/nothing", ""); r.status != 404 {
		t.Errorf("unknown path: %d", r.status)
	}
}

// TestRefused: every class of query that could change the data, reach other files or the
// network, or change the service's settings gets a 4xx with a message naming why.
func TestRefused(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ictstat.duckdb")
	copyDB(t, db)
	secret := filepath.Join(dir, "secret.csv")
	os.WriteFile(secret, []byte("a,b\n1,2\n"), 0o644)
	s := start(t, serve.Config{Database: db})
	counts := "SELECT (SELECT count(*) FROM store.notes) AS notes, (SELECT count(*) FROM store.observations) AS observations"
	before := do(t, "POST", s.url+"/v1/sql", counts, "Accept", "text/csv")
	for _, tc := range []struct {
		sql    string
		status int
		msg    string
	}{
		{"INSERT INTO store.notes VALUES (999, 'x')", 403, "INSERT statement"},
		{"UPDATE store.observations SET value = 0", 403, "UPDATE statement"},
		{"DELETE FROM store.observations", 403, "DELETE statement"},
		{"DROP VIEW observations", 403, "DROP statement"},
		{"CREATE TABLE t AS SELECT 1", 403, "CREATE statement"},
		{"CREATE TEMP TABLE t AS SELECT 1", 403, "CREATE statement"},
		{"ATTACH '" + filepath.Join(dir, "other.duckdb") + "' AS other", 403, "ATTACH statement"},
		{"DETACH ictstat", 403, "DETACH statement"},
		{"INSTALL httpfs", 403, "INSTALL or LOAD statement"},
		{"LOAD httpfs", 403, "INSTALL or LOAD statement"},
		{"SET enable_external_access = true", 403, "SET statement"},
		{"SET threads = 64", 403, "SET statement"},
		{"RESET lock_configuration", 403, "statement"},
		{"PRAGMA threads = 64", 403, "statement"},
		{"COPY (SELECT * FROM observations) TO '" + filepath.Join(dir, "out.csv") + "'", 403, "COPY statements are not"},
		{"EXPORT DATABASE '" + filepath.Join(dir, "export") + "'", 403, "EXPORT statements are not"},
		{"CHECKPOINT", 403, "statement"},
		{"CALL pragma_version()", 403, "CALL statement"},
		{"SELECT 1; DROP VIEW observations", 403, "send one at a time"},
		{"SELECT 1; SELECT 2", 403, "one statement at a time"},
		{"SELECT * FROM read_csv('/etc/passwd')", 403, "file system operations are disabled"},
		{"SELECT * FROM read_csv('" + secret + "')", 403, "file system operations are disabled"},
		{"SELECT * FROM read_text('/etc/hostname')", 403, "file system operations are disabled"},
		{"SELECT * FROM read_parquet('" + filepath.Join(dir, "*.parquet") + "')", 403, "file system operations are disabled"},
		{"SELECT * FROM glob('/etc/*')", 403, "file system operations are disabled"},
		{"SELECT * FROM '" + secret + "'", 403, "file system operations are disabled"},
		{"SELECT * FROM read_csv('https://example.org/x.csv')", 403, ""},
		{"SELEC 1", 400, "LINE 1: SELEC 1"},
		{"SELECT * FROM observatons", 400, `Did you mean "observations"`},
		{"", 400, "empty"},
	} {
		r := do(t, "POST", s.url+"/v1/sql", tc.sql)
		code, msg := r.errorMessage()
		if r.status != tc.status || !strings.Contains(msg, tc.msg) || code == "" {
			t.Errorf("%s: %d %s, want %d with %q", tc.sql, r.status, r.body, tc.status, tc.msg)
		}
	}
	for _, f := range []string{"out.csv", "export", "other.duckdb"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s was written", f)
		}
	}
	// The data is as it was.
	r := do(t, "POST", s.url+"/v1/sql", counts, "Accept", "text/csv")
	if before.status != 200 || string(r.body) != string(before.body) {
		t.Errorf("after the refused writes: %s, before: %s", r.body, before.body)
	}
	// Settings are what the service set.
	r = do(t, "POST", s.url+"/v1/sql", "SELECT value FROM duckdb_settings() WHERE name IN ('enable_external_access', 'lock_configuration') ORDER BY name", "Accept", "text/csv")
	if string(r.body) != "value\nfalse\ntrue\n" {
		t.Errorf("settings: %s", r.body)
	}
}

func TestLimits(t *testing.T) {
	s := start(t, serve.Config{Limits: query.Limits{MaxRows: 1000}, QueryTimeout: 300 * time.Millisecond, MaxBodyBytes: 4096})

	// Cut off before the first 64 KiB were sent: a status of its own.
	r := do(t, "POST", s.url+"/v1/sql", "SELECT * FROM range(5000)", "Accept", "text/csv")
	if code, msg := r.errorMessage(); r.status != 422 || code != "result_too_large" || !strings.Contains(msg, "1000 rows") {
		t.Errorf("row limit: %d %s", r.status, r.body)
	}
	if r = do(t, "POST", s.url+"/v1/sql", "SELECT * FROM range(1000)"); r.status != 200 {
		t.Errorf("a result at the limit: %d", r.status)
	}
	r = do(t, "POST", s.url+"/v1/sql", "SELECT count(*) FROM range(100000000000)")
	if code, msg := r.errorMessage(); r.status != 504 || code != "timeout" || !strings.Contains(msg, "300ms") {
		t.Errorf("time limit: %d %s", r.status, r.body)
	}
	r = do(t, "POST", s.url+"/v1/sql", "SELECT '"+strings.Repeat("x", 5000)+"'")
	if r.status != 413 {
		t.Errorf("long body: %d %s", r.status, r.body)
	}

	// Past the first 64 KiB, JSON ends with "truncated" and the error; CSV is cut off.
	big := start(t, serve.Config{Limits: query.Limits{MaxRows: 20000}})
	r = do(t, "POST", big.url+"/v1/sql", "SELECT i, 'some text to fill the rows' AS t FROM range(30000) r(i)")
	var res struct {
		Count     int `json:"row_count"`
		Truncated bool
		Error     string
	}
	if err := json.Unmarshal(r.body, &res); err != nil || r.status != 200 || res.Count != 20000 || !res.Truncated || !strings.Contains(res.Error, "20000 rows") {
		t.Errorf("streamed JSON past the limit: %d %+v %v", r.status, res, err)
	}
	req, _ := http.NewRequest("POST", big.url+"/v1/sql", strings.NewReader("SELECT i, 'some text to fill the rows' AS t FROM range(30000) r(i)"))
	req.Header.Set("Accept", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Error("a CSV result past the limit was read to its end without error")
	}
}

func TestToken(t *testing.T) {
	s := start(t, serve.Config{Token: "s3cret"})
	if r := do(t, "POST", s.url+"/v1/sql", "SELECT 1"); r.status != 401 || r.header.Get("WWW-Authenticate") == "" {
		t.Errorf("no token: %d", r.status)
	}
	if r := do(t, "POST", s.url+"/v1/sql", "SELECT 1", "Authorization", "Bearer wrong"); r.status != 401 {
		t.Errorf("wrong token: %d", r.status)
	}
	if r := do(t, "POST", s.url+"/v1/sql", "SELECT 1", "Authorization", "Bearer s3cret"); r.status != 200 {
		t.Errorf("right token: %d %s", r.status, r.body)
	}
	if r := do(t, "GET", s.url+"/healthz", ""); r.status != 200 {
		t.Errorf("healthz without a token: %d", r.status)
	}
	// The description, too, is for those who hold the token.
	if r := do(t, "GET", s.url+"/v1/openapi.json", ""); r.status != 401 {
		t.Errorf("OpenAPI without a token: %d %s", r.status, r.body)
	}
	var doc map[string]any
	if r := do(t, "GET", s.url+"/v1/openapi.json", "", "Authorization", "Bearer s3cret"); json.Unmarshal(r.body, &doc) != nil || doc["security"] == nil {
		t.Errorf("OpenAPI with a token: %s", r.body)
	}
}

// slow is a query that takes about a second on any machine.
const slow = "SELECT count(*) FROM range(100000000000)"

func TestConcurrencyCap(t *testing.T) {
	s := start(t, serve.Config{MaxConcurrent: 2, QueryTimeout: time.Second})
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); do(t, "POST", s.url+"/v1/sql", slow) }()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var h struct {
			Running int `json:"queries_running"`
		}
		json.Unmarshal(do(t, "GET", s.url+"/healthz", "").body, &h)
		if h.Running == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	r := do(t, "POST", s.url+"/v1/sql", "SELECT 1")
	if code, _ := r.errorMessage(); r.status != 503 || code != "busy" || r.header.Get("Retry-After") == "" {
		t.Errorf("third query: %d %s", r.status, r.body)
	}
	wg.Wait()
	if r := do(t, "POST", s.url+"/v1/sql", "SELECT 1"); r.status != 200 {
		t.Errorf("after the slow ones: %d", r.status)
	}
}

// TestGracefulShutdown: a query running when the service is told to stop finishes and is
// answered; new connections are refused afterwards.
func TestGracefulShutdown(t *testing.T) {
	s := start(t, serve.Config{QueryTimeout: 5 * time.Second})
	got := make(chan reply, 1)
	go func() {
		got <- do(t, "POST", s.url+"/v1/sql", "SELECT count(*) AS n FROM range(2000000000)", "Accept", "text/csv")
	}()
	time.Sleep(300 * time.Millisecond)
	if err := s.stop(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	r := <-got
	if r.status != 200 || string(r.body) != "n\n2000000000\n" {
		t.Errorf("the query in flight: %d %s", r.status, r.body)
	}
	if _, err := http.Post(s.url+"/v1/sql", "text/plain", strings.NewReader("SELECT 1")); err == nil {
		t.Error("a request after shutdown was answered")
	}
}

// TestReload: a new version of the file renamed over the database is answered from within the
// reload interval, without errors for queries running meanwhile.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ictstat.duckdb")
	copyDB(t, db)
	s := start(t, serve.Config{Database: db, ReloadEvery: 50 * time.Millisecond})
	count := func() string {
		r := do(t, "POST", s.url+"/v1/sql", "SELECT count(*) AS n FROM observations", "Accept", "text/csv")
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		return string(r.body)
	}
	before := count()

	// A new version: the same database without Kenya, written beside and renamed over.
	next := filepath.Join(dir, "next.duckdb")
	copyDB(t, next)
	removeKenya(t, next)
	stopQueries := make(chan struct{})
	var failures sync.WaitGroup
	failures.Add(1)
	go func() {
		defer failures.Done()
		for {
			select {
			case <-stopQueries:
				return
			default:
			}
			if r := do(t, "POST", s.url+"/v1/sql", "SELECT count(*) FROM observations"); r.status != 200 {
				t.Errorf("during the reload: %d %s", r.status, r.body)
				return
			}
		}
	}()
	if err := os.Rename(next, db); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	after := before
	for after == before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		after = count()
	}
	close(stopQueries)
	failures.Wait()
	if after == before {
		t.Fatalf("still %q after the file was replaced", after)
	}
	r := do(t, "POST", s.url+"/v1/sql", "SELECT count(*) AS n FROM observations WHERE economy = 'KEN'", "Accept", "text/csv")
	if string(r.body) != "n\n0\n" {
		t.Errorf("Kenya after the reload: %s", r.body)
	}
	// The version being served has its folder of links (and spill); the previous one's went
	// when its last query ended, and the last one's goes when the service stops.
	deadline = time.Now().Add(5 * time.Second)
	left, _ := filepath.Glob(filepath.Join(dir, ".ictstat-serve-*"))
	for len(left) != 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		left, _ = filepath.Glob(filepath.Join(dir, ".ictstat-serve-*"))
	}
	if len(left) != 1 {
		t.Errorf("folders of links while serving: %v, want the current version's only", left)
	}
	s.stop()
	if left, _ := filepath.Glob(filepath.Join(dir, ".ictstat-serve-*")); len(left) > 0 {
		t.Errorf("links left behind after the service stopped: %v", left)
	}
}

func TestEndpointsAndOpenAPI(t *testing.T) {
	s := start(t, serve.Config{Endpoints: []serve.Endpoint{{
		Path: "/v1/count", Summary: "Observations of an economy",
		Params: []serve.Param{{Name: "economy", Required: true, Description: "ISO3"}, {Name: "from", Integer: true}},
		Query: func(p serve.Params) (string, []any, error) {
			return "SELECT count(*) AS n FROM observations WHERE economy = $1 AND year >= $2", []any{p.Get("economy"), p.Int("from", 0)}, nil
		},
	}}})
	r := do(t, "GET", s.url+"/v1/count?economy=KEN&from=2010", "", "Accept", "text/csv")
	if r.status != 200 || !strings.HasPrefix(string(r.body), "n\n") || string(r.body) == "n\n0\n" {
		t.Errorf("%d %s", r.status, r.body)
	}
	for q, msg := range map[string]string{
		"":                         `"economy" is required`,
		"?economy=KEN&from=x":      "must be a whole number",
		"?economy=KEN&colour=red":  `unknown parameter "colour"`,
		"?economy=KEN&economy=UGA": "given 2 times",
	} {
		r := do(t, "GET", s.url+"/v1/count"+q, "")
		if _, m := r.errorMessage(); r.status != 400 || !strings.Contains(m, msg) {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]any
	}
	r = do(t, "GET", s.url+"/v1/openapi.json", "")
	if err := json.Unmarshal(r.body, &doc); err != nil || doc.OpenAPI != "3.0.3" {
		t.Fatalf("%v %s", err, r.body)
	}
	for _, p := range []string{"/v1/sql", "/v1/count", "/healthz", "/v1/openapi.json"} {
		if doc.Paths[p] == nil {
			t.Errorf("OpenAPI lacks %s", p)
		}
	}
}

// removeKenya deletes Kenya's observations from the database at path.
func removeKenya(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`DELETE FROM store.observations WHERE series_id IN
		(SELECT series_id FROM store.series JOIN store.economies USING (economy_id) WHERE iso3 = 'KEN')`); err != nil {
		t.Fatal(err)
	}
}

// TestSlowBodyHoldsNoSlot: a client that sends its headers and then waits holds no query slot.
func TestSlowBodyHoldsNoSlot(t *testing.T) {
	s := start(t, serve.Config{MaxConcurrent: 1})
	c, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v1/sql HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nSELECT")
	time.Sleep(100 * time.Millisecond)
	if r := do(t, "POST", s.url+"/v1/sql", "SELECT 1"); r.status != 200 {
		t.Errorf("with a slow client waiting: %d %s", r.status, r.body)
	}
}
