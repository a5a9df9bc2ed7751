package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/ictstat/ictstat/engine/serve"
	"github.com/ictstat/ictstat/engine/store"
)

// loadRequest is one kind of request of the load test, with the status it must get.
type loadRequest struct {
	name, method, path, body, accept string
	status                           int
	weight                           int
	check                            func([]byte) error
}

var loadMix = []loadRequest{
	{name: "sql one series (JSON)", method: "POST", path: "/v1/sql", weight: 6, status: 200,
		body:  `SELECT year, value FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND sex = 'total' ORDER BY year`,
		check: jsonRows(20)},
	{name: "sql regional means (CSV)", method: "POST", path: "/v1/sql", accept: "text/csv", weight: 4, status: 200,
		body: `SELECT e.itu_region, o.year, avg(o.value) AS mean FROM observations o JOIN economies e USING (economy)
			WHERE o.indicator = 'mobile_cellular_per100' GROUP BY ALL ORDER BY ALL`,
		check: csvLines(100)},
	{name: "sql latest top 10 (JSON)", method: "POST", path: "/v1/sql", weight: 4, status: 200,
		body:  `SELECT economy, year, value FROM latest WHERE indicator = 'internet_use_pct' AND sex = 'total' ORDER BY value DESC LIMIT 10`,
		check: jsonRows(10)},
	{name: "sql 20,000 rows (Arrow)", method: "POST", path: "/v1/sql", accept: "application/vnd.apache.arrow.stream", weight: 2, status: 200,
		body: `SELECT * FROM observations LIMIT 20000`, check: arrowRows(20000)},
	{name: "series endpoint (CSV)", method: "GET", path: "/v1/series?indicator=internet_use_pct,mobile_cellular_per100&economy=KEN,UGA,TZA&from=2005", accept: "text/csv", weight: 4, status: 200,
		check: csvLines(50)},
	{name: "progress endpoint (JSON)", method: "GET", path: "/v1/progress?framework=wsis_geneva_2003&entity=WLD,LDC,LLDC,SIDS", weight: 3, status: 200,
		check: jsonRows(12)},
	{name: "indicators endpoint", method: "GET", path: "/v1/indicators", weight: 1, status: 200, check: jsonRows(30)},
	{name: "trend chart (PNG)", method: "GET", path: "/v1/charts/trend.png?indicator=internet_use_pct&economies=WLD,KEN&from=2005&size=800x500px", weight: 1, status: 200,
		check: func(b []byte) error {
			if !bytes.HasPrefix(b, []byte("\x89PNG")) {
				return fmt.Errorf("not a PNG")
			}
			return nil
		}},
	{name: "refused file read", method: "POST", path: "/v1/sql", weight: 1, status: 403, body: `SELECT * FROM read_csv('/etc/passwd')`},
}

func jsonRows(least int) func([]byte) error {
	return func(b []byte) error {
		var r struct {
			Count     int `json:"row_count"`
			Truncated bool
		}
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		if r.Count < least || r.Truncated {
			return fmt.Errorf("%d rows, want at least %d", r.Count, least)
		}
		return nil
	}
}

func csvLines(least int) func([]byte) error {
	return func(b []byte) error {
		if n := bytes.Count(b, []byte("\n")); n < least {
			return fmt.Errorf("%d lines, want at least %d", n, least)
		}
		return nil
	}
}

func arrowRows(want int64) func([]byte) error {
	return func(b []byte) error {
		r, err := ipc.NewReader(bytes.NewReader(b))
		if err != nil {
			return err
		}
		defer r.Release()
		var n int64
		for r.Next() {
			n += r.RecordBatch().NumRows()
		}
		if n != want {
			return fmt.Errorf("%d rows, want %d", n, want)
		}
		return r.Err()
	}
}

// TestLoad runs 32 clients against the service for ICTSTAT_LOAD_SECONDS (default 30, 5 with
// -short) of mixed requests, and requires every answer to be the one expected, the goroutines
// and database connections to return to where they were, and memory to stay bounded. It logs
// throughput and latency percentiles.
func TestLoad(t *testing.T) {
	seconds := 30.0
	if testing.Short() {
		seconds = 5
	}
	if s := os.Getenv("ICTSTAT_LOAD_SECONDS"); s != "" {
		seconds, _ = strconv.ParseFloat(s, 64)
	}
	const clients = 32
	db := copyOfDefault(t)
	baseline := runtime.NumGoroutine()

	ctx, cancel := context.WithCancel(context.Background())
	srv, err := serve.New(ctx, serve.Config{Database: db, MaxConcurrent: clients, Endpoints: Endpoints(),
		SchemaVersion: store.SchemaVersion(), Version: Version})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	transport := &http.Transport{MaxIdleConnsPerHost: clients}
	client := &http.Client{Transport: transport, Timeout: time.Minute}

	var pick []int
	for i, r := range loadMix {
		for j := 0; j < r.weight; j++ {
			pick = append(pick, i)
		}
	}
	type sample struct {
		kind    int
		latency time.Duration
	}
	var (
		mu       sync.Mutex
		samples  []sample
		failures []string
		peakConn int
	)
	stopAt := time.Now().Add(time.Duration(seconds * float64(time.Second)))
	started := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 1))
			for time.Now().Before(stopAt) {
				k := pick[rng.IntN(len(pick))]
				r := loadMix[k]
				req, _ := http.NewRequest(r.method, base+r.path, strings.NewReader(r.body))
				if r.accept != "" {
					req.Header.Set("Accept", r.accept)
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				lat := time.Since(t0)
				switch {
				case err != nil:
					err = fmt.Errorf("%s: %v", r.name, err)
				case resp.StatusCode != r.status:
					err = fmt.Errorf("%s: status %d, want %d: %.200s", r.name, resp.StatusCode, r.status, body)
				case r.check != nil:
					if cerr := r.check(body); cerr != nil {
						err = fmt.Errorf("%s: %v", r.name, cerr)
					}
				}
				mu.Lock()
				samples = append(samples, sample{k, lat})
				if err != nil && len(failures) < 20 {
					failures = append(failures, err.Error())
				}
				mu.Unlock()
			}
		}(uint64(c))
	}
	// Watch the service while the load runs.
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		for time.Now().Before(stopAt) {
			time.Sleep(500 * time.Millisecond)
			resp, err := http.Get(base + "/healthz")
			if err != nil {
				continue
			}
			var h struct {
				Conns int `json:"db_connections_open"`
			}
			json.NewDecoder(resp.Body).Decode(&h)
			resp.Body.Close()
			mu.Lock()
			peakConn = max(peakConn, h.Conns)
			mu.Unlock()
		}
	}()
	wg.Wait()
	<-watchDone
	elapsed := time.Since(started)

	for _, f := range failures {
		t.Error(f)
	}
	if len(samples) < clients {
		t.Fatalf("only %d requests in %v", len(samples), elapsed)
	}
	if peakConn > clients+2 {
		t.Errorf("%d database connections open at the peak, more than the %d allowed", peakConn, clients+2)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	if ms.HeapInuse > 512<<20 {
		t.Errorf("Go heap in use after the load: %d MiB", ms.HeapInuse>>20)
	}

	// Throughput and latency, overall and per kind.
	all := make([]time.Duration, len(samples))
	byKind := make([][]time.Duration, len(loadMix))
	for i, s := range samples {
		all[i] = s.latency
		byKind[s.kind] = append(byKind[s.kind], s.latency)
	}
	t.Logf("%d clients, %.0f s: %d requests, %.0f requests/s; latency p50 %s, p99 %s; peak RSS %s; %d database connections at the peak",
		clients, elapsed.Seconds(), len(samples), float64(len(samples))/elapsed.Seconds(), pct(all, 50), pct(all, 99), peakRSS(), peakConn)
	for k, l := range byKind {
		t.Logf("  %-26s %6d requests  p50 %8s  p99 %8s", loadMix[k].name, len(l), pct(l, 50), pct(l, 99))
	}

	// Shut down: every goroutine of the service and of the connections ends.
	transport.CloseIdleConnections()
	cancel()
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseline+2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseline+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after shutdown, %d before:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)].Round(100 * time.Microsecond)
}

// peakRSS is the process's peak resident memory (getrusage's maximum resident set size).
func peakRSS() string {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%d MB", ru.Maxrss/1024)
}
