package explorer_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ictstat/ictstat/engine/explorer"
	"github.com/ictstat/ictstat/engine/serve"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
)

// TestHandler: the page and its files come with their media types, an ETag that a repeated
// request gets 304 for, and caching headers; other paths and methods are refused.
func TestHandler(t *testing.T) {
	h := explorer.Handler()
	get := func(method, path string, header ...string) *http.Response {
		req := httptest.NewRequest(method, path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Result()
	}
	index, err := fs.ReadFile(explorer.Assets(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, file, ctype, cache string }{
		{"/", "index.html", "text/html; charset=utf-8", "no-cache"},
		{"/index.html", "index.html", "text/html; charset=utf-8", "no-cache"},
		{"/assets/vendor/d3.min.js", "vendor/d3.min.js", "text/javascript; charset=utf-8", "public, max-age=86400"},
		{"/assets/vendor/plot.umd.min.js", "vendor/plot.umd.min.js", "text/javascript; charset=utf-8", "public, max-age=86400"},
		{"/assets/vendor/topojson-client.min.js", "vendor/topojson-client.min.js", "text/javascript; charset=utf-8", "public, max-age=86400"},
		{"/assets/vendor/LICENSE.d3", "vendor/LICENSE.d3", "text/plain; charset=utf-8", "public, max-age=86400"},
	} {
		resp := get("GET", c.path)
		body, _ := io.ReadAll(resp.Body)
		want, _ := fs.ReadFile(explorer.Assets(), c.file)
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || string(body) != string(want) || resp.Header.Get("Content-Type") != c.ctype ||
			resp.Header.Get("Cache-Control") != c.cache || len(etag) < 10 || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d %q %q etag %q, %d bytes (want %d)", c.path, resp.StatusCode, resp.Header.Get("Content-Type"),
				resp.Header.Get("Cache-Control"), etag, len(body), len(want))
		}
		if again := get("GET", c.path, "If-None-Match", etag); again.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d, want 304", c.path, again.StatusCode)
		}
	}
	if !strings.Contains(string(index), "assets/vendor/d3.min.js") {
		t.Error("index.html does not load the vendored D3")
	}
	if csp := get("GET", "/").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("the page's CSP: %q", csp)
	}
	for _, p := range []string{"/nothing", "/assets/", "/assets/nothing.js", "/assets/../explorer.go", "/assets/index.html"} {
		if resp := get("GET", p); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
	if resp := get("POST", "/"); resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /: %d", resp.StatusCode)
	}
	if resp := get("HEAD", "/assets/vendor/d3.min.js"); resp.StatusCode != 200 {
		t.Errorf("HEAD: %d", resp.StatusCode)
	}
}

// TestSiteIndex: the site's page is the served page with the site's marker, catalogue script and
// English strings script before </head>.
func TestSiteIndex(t *testing.T) {
	site, err := explorer.SiteIndex()
	if err != nil {
		t.Fatal(err)
	}
	index, _ := fs.ReadFile(explorer.Assets(), "index.html")
	strs := `<script src="data/strings/en.js"></script>` + "\n"
	head, rest, ok := strings.Cut(string(site), explorer.SiteMarker+strs)
	if !ok || head+rest != string(index) || !strings.HasPrefix(rest, "</head>") || !strings.Contains(explorer.SiteMarker, "window.ICTSTAT_SITE = true") {
		t.Errorf("the site's page:\n%s", site)
	}
}

// service is the explorer's endpoints and page in a service on loopback.
func service(t testing.TB, token string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := serve.New(ctx, serve.Config{Database: computetest.Path(t), Endpoints: explorer.Endpoints(), Page: explorer.Handler(), Token: token,
		MemoryLimit: "1GB"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String()
}

// TestEndpoints: the documents through the service, with their errors; the page beside them.
func TestEndpoints(t *testing.T) {
	base := service(t, "")
	get := func(path string) (int, http.Header, []byte) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, b
	}
	for _, p := range []string{"/v1/explorer/catalogue", "/v1/explorer/data?indicator=internet_use_pct&entities=KEN,WLD",
		"/v1/explorer/progress?framework=umc_2030&entity=KEN", "/v1/explorer/boundaries", "/v1/explorer/data?indicator=internet_use_pct&entities=KEN&as_of=2024-06-30"} {
		code, h, b := get(p)
		if code != 200 || h.Get("Content-Type") != "application/json" || !json.Valid(b) {
			t.Errorf("%s: %d %s %.200s", p, code, h.Get("Content-Type"), b)
		}
	}
	for p, want := range map[string]string{
		"/v1/explorer/data":                                                                              `parameter \"indicator\" is required`,
		"/v1/explorer/data?indicator=nope":                                                               `indicator \"nope\"`,
		"/v1/explorer/data?indicator=internet_use_pct&as_of=yesterday":                                   "as_of",
		"/v1/explorer/progress?framework=umc_2030&as_of=2024":                                            "progress assessments were computed from the data as they are now",
		"/v1/explorer/download?view=trend&format=csv&indicator=internet_use_pct":                         "entities is required",
		"/v1/explorer/download?view=trend&format=csv&indicator=internet_use_pct&entities=KEN&colour=red": `unknown parameter \"colour\"`,
	} {
		if code, _, b := get(p); code != 400 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d %s, want 400 with %s", p, code, b, want)
		}
	}
	code, h, b := get("/v1/explorer/download?view=trend&format=png&indicator=internet_use_pct&entities=KEN,WLD")
	if code != 200 || h.Get("Content-Type") != "image/png" || h.Get("Content-Disposition") != "attachment; filename=ictstat-trend-internet_use_pct.png" {
		t.Errorf("download: %d %v %.100s", code, h, b)
	}
	if code, h, _ := get("/"); code != 200 || h.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("the page: %d %v", code, h)
	}
	if code, h, _ := get("/v1/nothing"); code != 404 || h.Get("Content-Type") != "application/json" {
		t.Errorf("an unknown endpoint under /v1: %d %v", code, h)
	}
	_, _, b = get("/v1/openapi.json")
	var doc struct{ Paths map[string]any }
	json.Unmarshal(b, &doc)
	for _, p := range []string{"/v1/explorer/catalogue", "/v1/explorer/data", "/v1/explorer/progress", "/v1/explorer/boundaries", "/v1/explorer/download"} {
		if doc.Paths[p] == nil {
			t.Errorf("OpenAPI lacks %s", p)
		}
	}
}

// BenchmarkExplorer measures the documents through the service on loopback: the trend of five
// economies, the whole indicator, the catalogue and a framework's progress. The first request
// to a new service (which reads the database) is reported apart as cold-ms; p50-ms and p90-ms
// are of the others.
func BenchmarkExplorer(b *testing.B) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	for _, c := range []struct{ name, path string }{
		{"trend-5", "/v1/explorer/data?indicator=internet_use_pct&entities=WLD,KEN,NGA,IND,BRA"},
		{"indicator-whole", "/v1/explorer/data?indicator=internet_use_pct"},
		{"catalogue", "/v1/explorer/catalogue"},
		{"progress", "/v1/explorer/progress?framework=umc_2030"},
	} {
		b.Run(c.name, func(b *testing.B) {
			base := service(b, "") // a service of its own, which has read nothing yet
			fetch := func() (time.Duration, int) {
				start := time.Now()
				resp, err := client.Get(base + c.path)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("%s: %d", c.path, resp.StatusCode)
				}
				return time.Since(start), int(n)
			}
			cold, size := fetch()
			var times []time.Duration
			b.ResetTimer()
			for b.Loop() {
				d, _ := fetch()
				times = append(times, d)
			}
			b.StopTimer()
			slices.Sort(times)
			if len(times) > 0 {
				b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(times[len(times)*9/10].Microseconds())/1000, "p90-ms")
			}
			b.ReportMetric(float64(cold.Microseconds())/1000, "cold-ms")
			b.ReportMetric(float64(size), "bytes")
		})
	}
}

// TestPageGzip: over a real HTTP server on loopback, the page's text files go gzip-compressed to
// a request that accepts gzip, decoding to the bytes a plain request gets, with an ETag of their
// own (each variant's ETag gets 304 for its own kind of request) and Vary: Accept-Encoding.
func TestPageGzip(t *testing.T) {
	ts := httptest.NewServer(explorer.Handler())
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	for _, c := range []struct{ path, file string }{{"/", "index.html"}, {"/assets/app.js", "app.js"}, {"/assets/app.css", "app.css"},
		{"/assets/vendor/d3.min.js", "vendor/d3.min.js"}, {"/assets/vendor/plot.umd.min.js", "vendor/plot.umd.min.js"}} {
		want, _ := fs.ReadFile(explorer.Assets(), c.file)
		plain, pb := get(c.path)
		zipped, zb := get(c.path, "Accept-Encoding", "gzip, deflate")
		if plain.StatusCode != 200 || plain.Header.Get("Content-Encoding") != "" || !bytes.Equal(pb, want) {
			t.Errorf("%s plain: %d %v, %d bytes of %d", c.path, plain.StatusCode, plain.Header, len(pb), len(want))
		}
		if zipped.StatusCode != 200 || zipped.Header.Get("Content-Encoding") != "gzip" || zipped.Header.Get("Content-Length") != strconv.Itoa(len(zb)) ||
			zipped.Header.Get("Content-Type") != plain.Header.Get("Content-Type") {
			t.Errorf("%s gzip: %d %v, %d bytes", c.path, zipped.StatusCode, zipped.Header, len(zb))
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(zb))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: the gzip body decodes to %d bytes (%v), want the file's %d", c.path, len(got), err, len(want))
		}
		t.Logf("%s: %d bytes, %d gzip", c.path, len(want), len(zb))
		pt, zt := plain.Header.Get("ETag"), zipped.Header.Get("ETag")
		if pt == "" || zt == "" || pt == zt || plain.Header.Get("Vary") != "Accept-Encoding" || zipped.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s: ETags %q and %q, Vary %q and %q", c.path, pt, zt, plain.Header.Get("Vary"), zipped.Header.Get("Vary"))
		}
		if r, _ := get(c.path, "Accept-Encoding", "gzip", "If-None-Match", zt); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s, gzip with its ETag: %d, want 304", c.path, r.StatusCode)
		}
		if r, b := get(c.path, "If-None-Match", zt); r.StatusCode != 200 || !bytes.Equal(b, want) {
			t.Errorf("%s, plain with the gzip ETag: %d, want 200 and the file", c.path, r.StatusCode)
		}
	}
	// A file under 1 KB goes as it is.
	if r, _ := get("/assets/vendor/LICENSE.d3", "Accept-Encoding", "gzip"); r.Header.Get("Content-Encoding") != "" {
		t.Errorf("LICENSE.d3: %v", r.Header)
	}
}
