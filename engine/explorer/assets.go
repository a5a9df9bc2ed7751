package explorer

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ictstat/ictstat/engine/geo"
	"github.com/ictstat/ictstat/engine/serve"
	"github.com/ictstat/ictstat/indicators/translations"
)

// The page (index.html), its script and style (app.js, app.css) and the JavaScript libraries it
// uses (vendor/, with their licences), embedded whole.
//
//go:embed assets
var embedded embed.FS

// Assets is the page's files: index.html, app.js, app.css and vendor/*.
func Assets() fs.FS {
	sub, err := fs.Sub(embedded, "assets")
	if err != nil {
		panic(err) // the folder is embedded, so it is there
	}
	return sub
}

// AssetPaths lists the files of Assets, sorted.
func AssetPaths() []string {
	var out []string
	fs.WalkDir(Assets(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// Boundaries is the map's boundaries: world-atlas 2.0.2's countries-50m.json (TopoJSON, countries
// identified by their three-digit M49 code), byte for byte.
func Boundaries() []byte { return geo.CountriesTopoJSON }

// SiteMarker is what the static site's index.html carries before </head>: it says the page is
// the static site, and queues the data scripts' calls until app.js takes them (docs/explorer.md).
const SiteMarker = `<script>window.ICTSTAT_SITE = true; window.ictstatQueue = window.ictstatQueue || []; ` +
	`window.ictstatData = window.ictstatData || function (kind, key, doc) { window.ictstatQueue.push([kind, key, doc]); };</script>
<script src="data/catalogue.js"></script>
`

// SiteIndex is index.html as the static site has it in English: with SiteMarker and the English
// strings' script before </head> (SiteIndexFor).
func SiteIndex() ([]byte, error) { return SiteIndexFor("en") }

// ContentType is the media type a page file is served with, from its name.
func ContentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	}
	return "text/plain; charset=utf-8" // LICENSE.* and other text
}

// ContentSecurityPolicy is the policy the served page is sent with: its scripts, styles and data
// come from the service alone; Observable Plot sets inline styles, and charts may be images of
// data: and blob: URLs (the downloads the browser makes).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// asset is a page file as served: its bytes and ETag, and for the files that gain from it, the
// same gzip-compressed with their own ETag (a cache must not answer one with the other).
type asset struct {
	body, gz    []byte
	etag, gzTag string
}

// assets are the page's files, read and compressed once.
var assets = sync.OnceValue(func() map[string]asset {
	out := map[string]asset{}
	type file struct {
		name string
		body []byte
	}
	var files []file
	for _, p := range AssetPaths() {
		if b, err := fs.ReadFile(Assets(), p); err == nil {
			files = append(files, file{p, b})
		}
	}
	// The page in each language, as "index.html@CODE".
	for _, l := range translations.Languages {
		if b, err := pageFor(l, ""); err == nil {
			files = append(files, file{"index.html@" + l.Code, b})
		}
	}
	for _, f := range files {
		p, b := f.name, f.body
		hash := sha256.Sum256(b)
		sum := hex.EncodeToString(hash[:12])
		a := asset{body: b, etag: `"` + sum + `"`}
		if len(b) >= serve.GzipMin && serve.Compressible(ContentType(p)) {
			// Once, so as small as gzip makes them: D3 to a third, 14 KB less than at the
			// fastest level.
			var z bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
			zw.Write(b)
			if zw.Close() == nil && z.Len() < len(b) {
				a.gz, a.gzTag = z.Bytes(), `"`+sum+`-gzip"`
			}
		}
		out[p] = a
	}
	return out
})

// Handler serves the page: / (and /index.html) the page, /assets/NAME its files, with their
// media types, an ETag (a hash of the content; a request that holds it gets 304), and caching:
// the page, app.js and app.css are revalidated on every load (no-cache), the vendored libraries,
// pinned, are kept for a day. Text files of 1 KB and more go gzip-compressed (compressed once) to
// clients that accept it, with an ETag of their own and Vary: Accept-Encoding. Other paths get
// 404, methods other than GET and HEAD 405.
func Handler() http.Handler {
	assets() // read and compressed now, not on the first request
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the explorer's page is read with GET", http.StatusMethodNotAllowed)
			return
		}
		name := ""
		switch p := r.URL.Path; {
		case p == "/" || p == "/index.html":
			name = "index.html"
		case strings.HasPrefix(p, "/assets/"):
			name = strings.TrimPrefix(p, "/assets/")
			if name == "index.html" {
				name = ""
			}
		}
		if name == "index.html" {
			// The page in the language of ?lang= (English for none or an unknown one: the
			// page's script then says the language is unknown).
			lang := r.URL.Query().Get("lang")
			if _, ok := translations.Lookup(lang); !ok {
				lang = "en"
			}
			name = "index.html@" + lang
		}
		a, ok := assets()[name]
		if !ok || name == "" {
			http.Error(w, "no page "+r.URL.Path+": the explorer is at /, its data under /v1/explorer/", http.StatusNotFound)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ContentType(strings.Split(name, "@")[0]))
		body, etag := a.body, a.etag
		if a.gz != nil {
			h.Add("Vary", "Accept-Encoding")
			if serve.AcceptsGzip(r) {
				body, etag = a.gz, a.gzTag
				h.Set("Content-Encoding", "gzip")
				// ServeContent leaves out the length of an encoded body, for it may be
				// encoded again on the way: this one is not. A range of it is not offered
				// (the whole answers a Range request as well).
				h.Set("Content-Length", strconv.Itoa(len(body)))
				r = r.Clone(r.Context())
				r.Header.Del("Range")
			}
		}
		h.Set("ETag", etag)
		h.Set("X-Content-Type-Options", "nosniff")
		if strings.HasPrefix(name, "vendor/") {
			h.Set("Cache-Control", "public, max-age=86400")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		if strings.HasPrefix(name, "index.html@") {
			if !r.URL.Query().Has("as_of") {
				// The page's first request: the browser asks for it while it reads the scripts.
				h.Set("Link", "<v1/explorer/catalogue>; rel=preload; as=fetch; crossorigin")
			}
			h.Set("Content-Security-Policy", ContentSecurityPolicy)
			h.Set("Referrer-Policy", "no-referrer")
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
	})
}
