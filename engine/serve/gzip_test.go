package serve_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/serve"
)

// TestGzip: over a real HTTP server on loopback, an answer of 1 KB or more of a text type goes
// gzip-compressed to a request that accepts gzip (Content-Encoding, Vary, the Content-Length of
// the compressed bytes), and decodes to the bytes a plain request gets; small answers, images and
// requests that refuse gzip get the bytes as they are.
func TestGzip(t *testing.T) {
	big := []byte(`{"rows": [` + strings.Repeat(`["KEN", "economy", 2023, "total", 48.2], `, 500) + `[]]}`)
	png := bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 1000)
	render := func(ct string, body []byte) func(context.Context, *sql.DB, serve.Params, *bytes.Buffer) (string, error) {
		return func(_ context.Context, _ *sql.DB, _ serve.Params, out *bytes.Buffer) (string, error) {
			out.Write(body)
			return ct, nil
		}
	}
	cfg := serve.Config{Database: filepath.Join(t.TempDir(), "ictstat.duckdb"), Endpoints: []serve.Endpoint{
		{Path: "/v1/big", Render: render("application/json", big), Headers: func(serve.Params) map[string]string {
			return map[string]string{"Cache-Control": "public, max-age=86400"}
		}},
		{Path: "/v1/small", Render: render("application/json", []byte(`{"ok": true}`))},
		{Path: "/v1/chart", Render: render("image/png", png)},
		{Path: "/v1/svg", Render: render("image/svg+xml", big)},
	}}
	copyDB(t, cfg.Database)
	srv, err := serve.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	// A client that leaves the encoding to the test: it neither asks for gzip nor decodes it.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path, accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}
	for _, path := range []string{"/v1/big", "/v1/svg"} {
		for _, accept := range []string{"gzip", "gzip, deflate, br, zstd", "br;q=1.0, GZIP;q=0.5", "*"} {
			resp, b := get(path, accept)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") != "Accept-Encoding" ||
				resp.Header.Get("Content-Length") != strconv.Itoa(len(b)) || len(b) >= len(big)/4 {
				t.Errorf("%s, Accept-Encoding %q: %d, %v, %d bytes of %d", path, accept, resp.StatusCode, resp.Header, len(b), len(big))
				continue
			}
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(plain, big) {
				t.Errorf("%s: the gzip body decodes to %d bytes (%v), want the %d of the answer", path, len(plain), err, len(big))
			}
		}
	}
	if resp, _ := get("/v1/big", "gzip"); resp.Header.Get("Cache-Control") != "public, max-age=86400" || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("the endpoint's own headers: %v", resp.Header)
	}
	for _, accept := range []string{"", "identity", "gzip;q=0", "br", "*;q=0", "gzip;q=0, *"} {
		resp, b := get("/v1/big", accept)
		if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(b, big) || resp.Header.Get("Vary") != "Accept-Encoding" ||
			resp.Header.Get("Content-Length") != strconv.Itoa(len(big)) {
			t.Errorf("Accept-Encoding %q: %v, %d bytes, want the %d plain", accept, resp.Header, len(b), len(big))
		}
	}
	for path, want := range map[string][]byte{"/v1/small": []byte(`{"ok": true}`), "/v1/chart": png} {
		resp, b := get(path, "gzip")
		if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(b, want) || resp.Header.Get("Vary") != "" {
			t.Errorf("%s: %v, %d bytes, want the %d plain", path, resp.Header, len(b), len(want))
		}
	}
}
