package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// server is `ictstat serve` running as its own process on a loopback port.
type server struct {
	url    string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   chan error
}

var addrLine = regexp.MustCompile(`addr=http://(127\.0\.0\.1:\d+)`)

func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	cmd := command(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			s.stderr.WriteString(line + "\n")
			if m := addrLine.FindStringSubmatch(line); m != nil {
				found <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case a := <-found:
		s.url = "http://" + a
	case err := <-s.done:
		t.Fatalf("ictstat serve exited: %v\n%s", err, s.stderr)
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("ictstat serve did not start")
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
	})
	return s
}

// request sends a request with header pairs and returns the status, header and body of the answer.
func request(t *testing.T, method, url, body string, header ...string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func get(t *testing.T, url string, header ...string) (int, http.Header, []byte) {
	t.Helper()
	return request(t, "GET", url, "", header...)
}

func post(t *testing.T, url, body string, header ...string) (int, []byte) {
	t.Helper()
	code, _, b := request(t, "POST", url, body, header...)
	return code, b
}

// TestServe runs `ictstat serve` on a copy of the default database and checks every endpoint
// against the database, a load into the database while it serves, and SIGTERM.
func TestServe(t *testing.T) {
	db := copyOfDefault(t)
	s := startServer(t, "--db", db, "--reload-every", "100ms", "--token", "tok")
	auth := []string{"Authorization", "Bearer tok"}
	sqlCSV := func(q string) string {
		code, b := post(t, s.url+"/v1/sql", q, append(auth, "Accept", "text/csv")...)
		if code != 200 {
			t.Fatalf("%s: %d %s", q, code, b)
		}
		return string(b)
	}

	if code, _, b := get(t, s.url+"/healthz"); code != 200 || !strings.Contains(string(b), `"status":"ok"`) {
		t.Errorf("healthz: %d %s", code, b)
	}
	if code, _, _ := get(t, s.url+"/v1/indicators"); code != 401 {
		t.Errorf("no token: %d", code)
	}

	// /v1/indicators and /v1/economies hold what the views hold.
	code, _, b := get(t, s.url+"/v1/indicators", auth...)
	var inds struct {
		Rows  []map[string]any
		Count int `json:"row_count"`
	}
	if err := json.Unmarshal(b, &inds); err != nil || code != 200 {
		t.Fatalf("indicators: %d %v", code, err)
	}
	if want := sqlCSV("SELECT count(*) AS n FROM indicators"); want != fmt.Sprintf("n\n%d\n", inds.Count) || inds.Rows[0]["unit"] == nil {
		t.Errorf("indicators: %d rows, the view %s", inds.Count, want)
	}
	_, _, b = get(t, s.url+"/v1/economies?group=LDC", append(auth, "Accept", "text/csv")...)
	recs, _ := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if want := sqlCSV("SELECT count(*) AS n FROM group_members WHERE group_code = 'LDC' AND current"); want != fmt.Sprintf("n\n%d\n", len(recs)-1) || len(recs)-1 != 44 {
		t.Errorf("LDC members: %d, the view %s", len(recs)-1, want)
	}

	// /v1/series equals the same rows of the observations view.
	_, _, b = get(t, s.url+"/v1/series?indicator=internet_use_pct&economy=KEN,TZA&from=2015&to=2019&sex=total", append(auth, "Accept", "text/csv")...)
	want := sqlCSV(`SELECT * FROM observations WHERE indicator = 'internet_use_pct' AND economy IN ('KEN', 'TZA')
		AND year BETWEEN 2015 AND 2019 AND sex = 'total' ORDER BY indicator, economy, sex, area, age, year`)
	if string(b) != want || strings.Count(want, "\n") < 5 {
		t.Errorf("series:\n%s\nwant\n%s", b, want)
	}

	// /v1/progress: the world's Geneva targets.
	_, _, b = get(t, s.url+"/v1/progress?framework=wsis_geneva_2003&entity=WLD&target=T10", auth...)
	var prog struct{ Rows []map[string]any }
	json.Unmarshal(b, &prog)
	// T10 is measured by internet use (met in 2019) and by mobile subscriptions (met in 2008).
	if len(prog.Rows) != 2 || prog.Rows[0]["met_year"] != 2019.0 || prog.Rows[1]["met_year"] != 2008.0 || prog.Rows[0]["class"] != "target met" {
		t.Errorf("progress: %s", b)
	}
	if code, _, b := get(t, s.url+"/v1/progress?frameworks=x", auth...); code != 400 || !strings.Contains(string(b), "unknown parameter") {
		t.Errorf("a misspelt parameter: %d %s", code, b)
	}

	// /v1/charts/trend.png draws a PNG of the size asked.
	code, h, b := get(t, s.url+"/v1/charts/trend.png?indicator=internet_use_pct&economies=KEN,WLD&from=2005&target=umc_2030:UMC.1&size=800x500px", auth...)
	if code != 200 || h.Get("Content-Type") != "image/png" {
		t.Fatalf("chart: %d %s", code, b)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != 800 || img.Bounds().Dy() != 500 {
		t.Errorf("chart: %v %v", err, img.Bounds())
	}
	if code, _, b := get(t, s.url+"/v1/charts/trend.png?indicator=nope&economies=KEN", auth...); code != 400 || !strings.Contains(string(b), "nope") {
		t.Errorf("chart of an unknown indicator: %d %s", code, b)
	}
	if code, _, _ := get(t, s.url+"/v1/charts/trend.png?indicator=internet_use_pct&economies=KEN&size=9000x9000px", auth...); code != 400 {
		t.Errorf("a huge chart: %d", code)
	}

	// The OpenAPI description lists every endpoint, for those who hold the token.
	if code, _, _ := get(t, s.url+"/v1/openapi.json"); code != 401 {
		t.Errorf("OpenAPI without the token: %d", code)
	}
	_, _, b = get(t, s.url+"/v1/openapi.json", auth...)
	var doc struct{ Paths map[string]any }
	json.Unmarshal(b, &doc)
	for _, p := range []string{"/v1/sql", "/v1/indicators", "/v1/economies", "/v1/series", "/v1/progress", "/v1/charts/trend.png", "/healthz"} {
		if doc.Paths[p] == nil {
			t.Errorf("OpenAPI lacks %s", p)
		}
	}

	// A load while the service runs: it succeeds, and the service answers with the new edition.
	file := writeFile(t, t.TempDir(), "ken.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2025,41.5\n")
	if r := ictstat(t, "--db", db, "ingest", file, "--edition", "NSO 2026"); r.code != 0 {
		t.Fatalf("ingest while serving: %d %s", r.code, r.stderr)
	}
	q := `SELECT value, edition FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND year = 2025`
	deadline := time.Now().Add(10 * time.Second)
	got := sqlCSV(q)
	for got != "value,edition\n41.5,NSO 2026\n" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		got = sqlCSV(q)
	}
	if got != "value,edition\n41.5,NSO 2026\n" {
		t.Errorf("after the load: %q", got)
	}

	// SIGTERM: a query in flight is answered, then the process exits 0.
	result := make(chan string, 1)
	go func() {
		_, b := post(t, s.url+"/v1/sql", "SELECT count(*) AS n FROM range(1500000000)", append(auth, "Accept", "text/csv")...)
		result <- string(b)
	}()
	time.Sleep(200 * time.Millisecond)
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case r := <-result:
		if r != "n\n1500000000\n" {
			t.Errorf("the query in flight at SIGTERM: %q", r)
		}
	case <-time.After(30 * time.Second):
		t.Error("the query in flight was not answered")
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, s.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Error("ictstat serve did not stop on SIGTERM")
	}
	if !strings.Contains(s.stderr.String(), "database reloaded") || !strings.Contains(s.stderr.String(), "shutting down") {
		t.Errorf("log:\n%s", s.stderr)
	}
}

// TestInterruptedLoadWhileServing kills a load that works on a copy of the database because the
// service holds it: the database file stays byte for byte as it was, the service answers as
// before, and the next load succeeds and removes the copy left behind.
func TestInterruptedLoadWhileServing(t *testing.T) {
	db := copyOfDefault(t)
	dir := filepath.Dir(db)
	big := bigFile(t, dir, 2_000_000)
	s := startServer(t, "--db", db, "--reload-every", "100ms")
	count := "SELECT count(*) AS n FROM observations_all_editions"
	_, before := post(t, s.url+"/v1/sql", count, "Accept", "text/csv")
	original, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}

	cmd := command("--db", db, "ingest", big)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the working copy grows with the rows being loaded.
	deadline := time.Now().Add(30 * time.Second)
	for {
		copies, _ := filepath.Glob(filepath.Join(dir, ".db.ictstat-*.duckdb"))
		if len(copies) == 1 {
			if info, err := os.Stat(copies[0]); err == nil && info.Size() >= int64(len(original))+2<<20 {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the load did not start writing its copy within 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()

	if now, _ := os.ReadFile(db); !bytes.Equal(now, original) {
		t.Error("the database file changed")
	}
	if _, after := post(t, s.url+"/v1/sql", count, "Accept", "text/csv"); string(after) != string(before) {
		t.Errorf("the service answers %s, before %s", after, before)
	}
	r := ictstat(t, "--db", db, "ingest", big, "--max-reject-rate", "0.01")
	if r.code != 0 || !strings.Contains(r.stdout, "2000000 rows read") {
		t.Fatalf("the load after the kill: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if copies, _ := filepath.Glob(filepath.Join(dir, ".db.ictstat-*")); len(copies) > 0 {
		t.Errorf("copies left: %v", copies)
	}
	deadline = time.Now().Add(10 * time.Second)
	_, after := post(t, s.url+"/v1/sql", count, "Accept", "text/csv")
	for string(after) == string(before) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		_, after = post(t, s.url+"/v1/sql", count, "Accept", "text/csv")
	}
	if string(after) == string(before) {
		t.Errorf("the service still answers %s after the load", after)
	}
}
