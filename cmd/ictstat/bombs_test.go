package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// bombRSSLimit is the peak resident memory `ictstat serve --memory-limit 1GB` (and so a memory
// ceiling of 1.5 GB) must stay under while it answers the memory bombs below (the README states
// it).
const bombRSSLimit = 2 << 30

// TestMemoryBombs runs `ictstat serve` with DuckDB capped at 1 GB and sends the queries a hostile
// run used to take the server to 10.9 GB and past its time limits: results too large to build,
// a single value too large to send, temporary tables through EXPLAIN ANALYZE, sorts and joins
// past the memory cap, and clients that never read their answers. Every bomb must end with an
// error status (or a result cut at the byte limit), /healthz must answer throughout, and the
// server's peak RSS must stay under bombRSSLimit.
func TestMemoryBombs(t *testing.T) {
	db := copyOfDefault(t)
	s := startServer(t, "--db", db, "--memory-limit", "1GB", "--query-timeout", "10s", "--write-timeout", "2s", "--max-concurrent", "16")
	// A refused statement answers 403 when it reaches the policy; sent with the others at once it
	// may find every query slot taken first (503). engine/serve's hostile tests check each refusal
	// alone.
	refused := []int{403, 503}
	bombs := []struct {
		sql    string
		status []int // any of these; 200 only for a JSON result cut at the byte limit
	}{
		{"EXPLAIN ANALYZE CREATE TEMP TABLE t1 AS SELECT * FROM range(100000000)", refused},
		{"EXPLAIN ANALYZE CREATE TEMP TABLE t2 AS SELECT * FROM range(100000000)", refused},
		{"EXPLAIN ANALYZE CREATE TEMP TABLE t3 AS SELECT * FROM range(100000000)", refused},
		{"SELECT * FROM range(10000000000)", []int{200}},
		{"SELECT list(range) FROM range(100000000)", []int{422, 503, 504}},
		{"SELECT list(range) AS l FROM range(5000000)", []int{422, 503, 504}},
		{"SELECT repeat('x', 300000000) AS s", refused},
		{"SELECT repeat('x', range::INTEGER) AS s FROM range(300000000, 300000001)", []int{422, 503, 504}},
		{"SELECT damerau_levenshtein(repeat('a', 20000), repeat('b', 20000))", refused},
		{"SELECT * FROM range(10000000000) ORDER BY range DESC", []int{422, 503, 504}},
		{"SELECT count(*) FROM range(100000) a, range(100000) b WHERE a.range + b.range = -1", []int{503, 504}},
		{"SELECT string_agg(range::VARCHAR, ',') FROM range(200000000)", []int{422, 503, 504}},
		{"SELECT max(length(s)) FROM (SELECT string_agg(range::VARCHAR, ',') AS s FROM range(50000000) GROUP BY range % 4)", []int{200, 422, 503, 504}},
	}
	pid := s.cmd.Process.Pid

	// Clients that send a query and never read the answer.
	var idle []net.Conn
	for i := 0; i < 4; i++ {
		c, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		c.(*net.TCPConn).SetReadBuffer(4096)
		q := "SELECT * FROM range(100000000)"
		fmt.Fprintf(c, "POST /v1/sql HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\nContent-Length: %d\r\n\r\n%s", len(q), q)
		idle = append(idle, c)
	}
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()

	// /healthz must answer within 2 s all along.
	stop := make(chan struct{})
	var slowHealth []string
	var healthWG sync.WaitGroup
	healthWG.Add(1)
	go func() {
		defer healthWG.Done()
		client := &http.Client{Timeout: 2 * time.Second}
		for {
			select {
			case <-stop:
				return
			case <-time.After(250 * time.Millisecond):
			}
			resp, err := client.Get(s.url + "/healthz")
			if err == nil {
				resp.Body.Close()
			}
			if err != nil || resp.StatusCode != 200 {
				slowHealth = append(slowHealth, fmt.Sprint(err))
			}
		}
	}()

	var wg sync.WaitGroup
	results := make([]string, len(bombs))
	for i, b := range bombs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started := time.Now()
			resp, err := (&http.Client{Timeout: 2 * time.Minute}).Post(s.url+"/v1/sql", "text/plain", strings.NewReader(b.sql))
			if err != nil {
				results[i] = "error: " + err.Error()
				return
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			results[i] = fmt.Sprintf("%d after %.1f s, %d bytes", resp.StatusCode, time.Since(started).Seconds(), n)
			ok := false
			for _, st := range b.status {
				ok = ok || resp.StatusCode == st
			}
			if !ok {
				results[i] += fmt.Sprintf(" (want %v)", b.status)
			}
		}()
	}
	wg.Wait()
	close(stop)
	healthWG.Wait()

	for i, b := range bombs {
		t.Logf("%-85s %s", b.sql, results[i])
		if strings.Contains(results[i], "want") || strings.HasPrefix(results[i], "error") {
			t.Errorf("%s: %s", b.sql, results[i])
		}
	}
	if len(slowHealth) > 0 {
		t.Errorf("/healthz failed %d times while the bombs ran: %v", len(slowHealth), slowHealth[:min(3, len(slowHealth))])
	}
	// The slots of the clients that never read are free again.
	if code, body := post(t, s.url+"/v1/sql", "SELECT 42"); code != 200 {
		t.Errorf("a query after the bombs: %d %s", code, body)
	}
	peak := vmHWM(t, pid)
	t.Logf("peak RSS of the server: %d MiB (bound %d MiB)", peak>>20, bombRSSLimit>>20)
	if peak > bombRSSLimit {
		t.Errorf("the server's peak RSS was %d MiB, over the %d MiB bound", peak>>20, bombRSSLimit>>20)
	}
}

// vmHWM is the peak resident memory of process pid, in bytes.
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}
