package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ictstat/ictstat/engine/explorer"
)

// dataScript is a data script of the site: a call of ictstatData with a kind, a key and a JSON
// document.
var dataScript = regexp.MustCompile(`(?s)^ictstatData\(("(?:[^"\\]|\\.)*"), ("(?:[^"\\]|\\.)*"), (.*)\);\n$`)

// readScript checks that a data script is a call of ictstatData and returns its kind, key and
// document.
func readScript(t *testing.T, path string) (kind, key string, doc []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := dataScript.FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s is not a call of ictstatData: %.200s", path, b)
	}
	if err := json.Unmarshal(m[1], &kind); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(m[2], &key); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(m[3]) {
		t.Fatalf("%s: the document is not JSON", path)
	}
	return kind, key, m[3]
}

// TestSiteBuild: the site holds every file for every indicator and framework, each data script
// hands its document to ictstatData, the CSV equals the same SQL query, and the build refuses a
// folder it did not make unless --force, never removing a file it did not write.
func TestSiteBuild(t *testing.T) {
	db := copyOfDefault(t)
	site := filepath.Join(t.TempDir(), "site")
	r := ictstat(t, "--db", db, "site", "build", "--out", site)
	if r.code != 0 || !strings.Contains(r.stdout, "wrote ") {
		t.Fatalf("site build: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	sql := func(q string) string {
		r := ictstat(t, "--db", db, "sql", "--format", "csv", q)
		if r.code != 0 {
			t.Fatalf("%s: %s", q, r.stderr)
		}
		return r.stdout
	}

	index, _ := os.ReadFile(filepath.Join(site, "index.html"))
	if !bytes.Contains(index, []byte(`<script src="data/catalogue.js"></script>`)) || !bytes.Contains(index, []byte("window.ICTSTAT_SITE = true")) {
		t.Errorf("index.html lacks the site's scripts:\n%s", index)
	}
	for _, p := range explorer.AssetPaths() {
		if p == "index.html" {
			continue
		}
		want, _ := explorer.Assets().Open(p)
		st, _ := want.Stat()
		if info, err := os.Stat(filepath.Join(site, "assets", p)); err != nil || info.Size() != st.Size() {
			t.Errorf("assets/%s: %v", p, err)
		}
	}

	kind, key, doc := readScript(t, filepath.Join(site, "data", "catalogue.js"))
	var cat explorer.Catalogue
	if err := json.Unmarshal(doc, &cat); err != nil || kind != "catalogue" || key != "" {
		t.Fatalf("catalogue.js: %s %q %v", kind, key, err)
	}
	if kind, _, doc := readScript(t, filepath.Join(site, "data", "boundaries.js")); kind != "boundaries" || !bytes.Equal(doc, explorer.Boundaries()) {
		t.Errorf("boundaries.js: %s", kind)
	}
	n := strings.Count(sql(`SELECT DISTINCT indicator FROM (SELECT indicator FROM observations UNION ALL SELECT indicator FROM published_aggregates)
		WHERE indicator IN (SELECT indicator FROM indicators)`), "\n") - 1
	if len(cat.Indicators) != n || n < 30 {
		t.Errorf("the site has %d indicators, the database %d with data", len(cat.Indicators), n)
	}
	want := []string{"index.html", "LICENSES.md", ".ictstat-site.json", "data/catalogue.js", "data/boundaries.js"}
	for _, in := range cat.Indicators {
		for _, ext := range []string{".js", ".csv", ".xlsx"} {
			want = append(want, "data/indicator-"+explorer.SafeName(in.Code)+ext)
		}
	}
	for _, fw := range cat.Frameworks {
		want = append(want, "data/progress-"+explorer.SafeName(fw.Code)+".js")
	}
	if len(cat.Frameworks) != 5 {
		t.Errorf("%d frameworks", len(cat.Frameworks))
	}
	for _, p := range want {
		if info, err := os.Stat(filepath.Join(site, p)); err != nil || info.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}

	// Every data script calls ictstatData with its kind and key, and a JSON document.
	scripts, _ := filepath.Glob(filepath.Join(site, "data", "*.js"))
	if len(scripts) != 2+len(cat.Indicators)+len(cat.Frameworks) {
		t.Errorf("%d data scripts", len(scripts))
	}
	for _, s := range scripts {
		kind, key, doc := readScript(t, s)
		base := strings.TrimSuffix(filepath.Base(s), ".js")
		switch kind {
		case "indicator", "progress":
			if base != kind+"-"+explorer.SafeName(key) {
				t.Errorf("%s holds %s %q", s, kind, key)
			}
			var d struct {
				Columns []string
				Rows    [][]any
			}
			if err := json.Unmarshal(doc, &d); err != nil || len(d.Columns) == 0 {
				t.Errorf("%s: %v", s, err)
			}
		case "catalogue", "boundaries":
			if base != kind || key != "" {
				t.Errorf("%s holds %s %q", s, kind, key)
			}
		default:
			t.Errorf("%s: kind %q", s, kind)
		}
	}
	// And JavaScript runs them, when Node.js is there to.
	if node, err := exec.LookPath("node"); err == nil {
		script := `const vm = require("vm"), fs = require("fs"); const calls = [];
			const ctx = {ictstatData: (kind, key, doc) => calls.push([kind, key, typeof doc])};
			for (const f of process.argv.slice(1)) vm.runInNewContext(fs.readFileSync(f, "utf8"), ctx, {filename: f});
			console.log(JSON.stringify(calls));`
		out, err := exec.Command(node, append([]string{"-e", script}, scripts...)...).Output()
		var calls [][3]string
		if err != nil || json.Unmarshal(out, &calls) != nil || len(calls) != len(scripts) || calls[0][2] != "object" {
			t.Errorf("node ran the data scripts: %v %.300s", err, out)
		}
	}

	// The indicator's CSV is the SQL query of its rows; its XLSX has the sources.
	csvFile, _ := os.ReadFile(filepath.Join(site, "data", "indicator-internet_use_pct.csv"))
	q := strings.ReplaceAll(explorer.IndicatorSQL(true), "$1", "'internet_use_pct'")
	if wantCSV := sql(`SELECT * FROM (` + q + `) ORDER BY entity, sex, area, age, year, status`); string(csvFile) != wantCSV {
		t.Errorf("indicator-internet_use_pct.csv differs from the SQL query (%d and %d bytes)", len(csvFile), len(wantCSV))
	}
	f, err := excelize.OpenFile(filepath.Join(site, "data", "indicator-internet_use_pct.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	sources, _ := f.GetRows("sources")
	data, _ := f.GetRows("internet_use_pct")
	if len(sources) < 4 || !strings.Contains(strings.Join(sources[1], " "), "CC BY") || len(data) != strings.Count(string(csvFile), "\n") {
		t.Errorf("the XLSX: %d data rows, sources %v", len(data), sources)
	}
	f.Close()
	licences, _ := os.ReadFile(filepath.Join(site, "LICENSES.md"))
	for _, s := range []string{"Source: ITU", "CC BY-NC-SA 3.0 IGO", "ITU DataHub (December 2025 export)", "World Bank WDI (2025 edition)", "ISC", "Mike Bostock", "Observable"} {
		if !bytes.Contains(licences, []byte(s)) {
			t.Errorf("LICENSES.md lacks %q", s)
		}
	}

	// A folder of someone else's is refused, unless --force; their files stay.
	foreign := t.TempDir()
	writeFile(t, foreign, "notes.txt", "mine")
	r = ictstat(t, "--db", db, "site", "build", "--out", foreign, "--indicators", "internet_use_pct")
	if r.code != 2 || !strings.Contains(r.stderr, "notes.txt") || !strings.Contains(r.stderr, "--force") {
		t.Errorf("a foreign folder: %d %s", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(foreign); len(entries) != 1 {
		t.Errorf("the refused build wrote %d files", len(entries)-1)
	}
	r = ictstat(t, "--db", db, "site", "build", "--out", foreign, "--indicators", "internet_use_pct", "--force", "-q")
	if b, _ := os.ReadFile(filepath.Join(foreign, "notes.txt")); r.code != 0 || string(b) != "mine" || r.stdout != "" {
		t.Errorf("--force: %d %s, notes.txt %q, stdout %q", r.code, r.stderr, b, r.stdout)
	}
	// A site build's own folder is rebuilt: files it no longer writes go, others stay.
	writeFile(t, site, "extra.txt", "mine too")
	r = ictstat(t, "--db", db, "site", "build", "--out", site, "--indicators", "internet_use_pct,IT.CEL.SETS.P2", "--entities", "KEN,wld")
	if r.code != 0 {
		t.Fatalf("rebuild: %d %s", r.code, r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(site, "data", "indicator-*"))
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	if len(names) != 6 || !slices.Contains(names, "indicator-mobile_cellular_per100.js") {
		t.Errorf("after the rebuild: %v", names)
	}
	if _, err := os.Stat(filepath.Join(site, "extra.txt")); err != nil {
		t.Errorf("the rebuild removed a file it did not write: %v", err)
	}
	_, _, doc = readScript(t, filepath.Join(site, "data", "indicator-internet_use_pct.js"))
	var d struct{ Rows [][]any }
	json.Unmarshal(doc, &d)
	entities := map[any]bool{}
	for _, r := range d.Rows {
		entities[r[0]] = true
	}
	if len(entities) != 2 || !entities["KEN"] || !entities["WLD"] {
		t.Errorf("the site for KEN and WLD holds %v", entities)
	}

	for _, bad := range [][]string{
		{"--indicators", "nope"},
		{"--entities", "KEN,ATLANTIS"},
		{},
	} {
		args := append([]string{"--db", db, "site", "build"}, bad...)
		if len(bad) > 0 {
			args = append(args, "--out", t.TempDir())
		}
		if r := ictstat(t, args...); r.code != 2 {
			t.Errorf("%v: exit %d, %s", bad, r.code, r.stderr)
		}
	}
}

// TestSiteAsOf: with --as-of the site holds the data published on the date (before the ITU
// DataHub's December 2025 export), its aggregates computed as of it.
func TestSiteAsOf(t *testing.T) {
	db := copyOfDefault(t)
	site := filepath.Join(t.TempDir(), "site")
	r := ictstat(t, "--db", db, "--as-of", "2025-08-01", "site", "build", "--out", site, "--indicators", "internet_use_pct", "--entities", "KEN,WLD", "-q")
	if r.code != 0 {
		t.Fatalf("site build --as-of: %d %s", r.code, r.stderr)
	}
	_, _, doc := readScript(t, filepath.Join(site, "data", "catalogue.js"))
	var cat explorer.Catalogue
	json.Unmarshal(doc, &cat)
	if cat.AsOf != "2025-08-01" || len(cat.Editions) != 2 {
		t.Errorf("the catalogue as of 2025-08-01: %q %v", cat.AsOf, cat.Editions)
	}
	_, _, doc = readScript(t, filepath.Join(site, "data", "indicator-internet_use_pct.js"))
	var d struct{ Rows [][]any }
	json.Unmarshal(doc, &d)
	aggregates := 0
	for _, r := range d.Rows {
		if r[7] == "aggregate" {
			aggregates++
		}
		if r[9] == "ITU DataHub 2025-12" {
			t.Fatalf("a row of another edition: %v", r)
		}
	}
	if aggregates == 0 {
		t.Error("no aggregates computed as of the date")
	}
}

// TestServeExplorer: the served page is public and its data need the token, which the page's
// URL sets as a cookie; the download CSV equals the same SQL query; charts decode.
func TestServeExplorer(t *testing.T) {
	db := copyOfDefault(t)
	s := startServer(t, "--db", db, "--token", "tok")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	fetch := func(method, url, body string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp, b.Bytes()
	}
	if resp, b := fetch("GET", s.url+"/", ""); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
		!bytes.Contains(b, []byte("assets/app.js")) {
		t.Errorf("the page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := fetch("GET", s.url+"/assets/vendor/plot.umd.min.js", ""); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("Plot: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	data := s.url + "/v1/explorer/data?indicator=internet_use_pct&entities=KEN"
	if resp, _ := fetch("GET", data, ""); resp.StatusCode != 401 {
		t.Errorf("data without the token: %d", resp.StatusCode)
	}
	if resp, _ := fetch("GET", s.url+"/?token=wrong", ""); resp.StatusCode != 401 {
		t.Errorf("the page with a wrong token: %d", resp.StatusCode)
	}
	resp, _ := fetch("GET", s.url+"/?token=tok", "")
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "ictstat_token" {
			cookie = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || cookie == nil || !cookie.HttpOnly ||
		cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("the page with the token: %d %v %+v", resp.StatusCode, resp.Header, cookie)
	}
	withCookie := []string{"Cookie", "ictstat_token=" + cookie.Value}
	if resp, b := fetch("GET", data, "", withCookie...); resp.StatusCode != 200 || !json.Valid(b) {
		t.Errorf("data with the cookie: %d %.200s", resp.StatusCode, b)
	}
	if resp, _ := fetch("POST", s.url+"/v1/sql", "SELECT 1", withCookie...); resp.StatusCode != 401 {
		t.Errorf("a POSTed query with the cookie alone: %d, want 401", resp.StatusCode)
	}
	if resp, _ := fetch("GET", data, "", "Cookie", "ictstat_token=nope"); resp.StatusCode != 401 {
		t.Errorf("data with a wrong cookie: %d", resp.StatusCode)
	}

	// The trend's CSV is the SQL query of its rows.
	auth := []string{"Authorization", "Bearer tok"}
	resp, b := fetch("GET", s.url+"/v1/explorer/download?view=trend&format=csv&indicator=ict_skills_transfer_files_pct&entities=KEN,BRA&breakdown=area", "", auth...)
	q := strings.ReplaceAll(explorer.IndicatorSQL(true), "$1", "'ict_skills_transfer_files_pct'")
	_, want := fetch("POST", s.url+"/v1/sql", `SELECT * FROM (`+q+`) WHERE entity IN ('KEN', 'BRA') AND area <> 'total' AND sex = 'total' AND age = 'total'
		ORDER BY entity, sex, area, age, year, status`, append(auth, "Accept", "text/csv")...)
	if resp.StatusCode != 200 || string(b) != string(want) || bytes.Count(want, []byte("\n")) < 5 {
		t.Errorf("the download's CSV (%d):\n%s\nwant\n%s", resp.StatusCode, b, want)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || !slices.Equal(recs[0], explorer.Columns) {
		t.Errorf("the CSV's header: %v %v", err, recs[0])
	}
	resp, b = fetch("GET", s.url+"/v1/explorer/download?view=ranking&format=png&indicator=internet_use_pct&filter=LDC&year=2022", "", withCookie...)
	if _, err := png.Decode(bytes.NewReader(b)); err != nil || resp.StatusCode != 200 ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "ictstat-ranking-internet_use_pct-ldc-2022.png") {
		t.Errorf("the ranking's PNG: %d %v %v", resp.StatusCode, err, resp.Header)
	}
	if resp, b := fetch("GET", s.url+"/v1/explorer/download?view=ranking&format=png&indicator=internet_use_pct&year=1800", "", auth...); resp.StatusCode != 400 ||
		!strings.Contains(string(b), "year") {
		t.Errorf("a bad year: %d %s", resp.StatusCode, b)
	}
}

// TestSiteOfUserData: a site of the user's own indicator, built for economies named by name and
// M49 code as other commands take them, names the user's edition as its source and not ITU; its
// map's fixed classes split 0 to 100, the indicator's valid maximum, though it is no percentage.
func TestSiteOfUserData(t *testing.T) {
	db := copyOfDefault(t)
	dir := t.TempDir()
	defs := writeFile(t, dir, "defs.csv", "code,name,unit,unit_kind,min,max,polarity,aggregation\n"+
		"digital_score,Digital readiness score,score (0-100),index,0,100,higher,median\n")
	data := writeFile(t, dir, "obs.csv", "indicator,economy,year,value\ndigital_score,KEN,2022,72\ndigital_score,UGA,2022,41.5\ndigital_score,TZA,2022,30\n")
	if r := ictstat(t, "--db", db, "indicator", "define", defs); r.code != 0 {
		t.Fatalf("define: %s", r.stderr)
	}
	if r := ictstat(t, "--db", db, "ingest", data, "--edition", "Demo NSO 2026", "--licence", "CC BY 4.0 (test)"); r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	if r := ictstat(t, "--db", db, "compute"); r.code != 0 {
		t.Fatalf("compute: %s", r.stderr)
	}

	svg := filepath.Join(dir, "map.svg")
	if r := ictstat(t, "--db", db, "chart", "map", "--indicator", "digital_score", "--classes", "fixed", "-o", svg); r.code != 0 {
		t.Fatalf("chart map: %s", r.stderr)
	}
	b, _ := os.ReadFile(svg)
	for _, s := range []string{">0–20</text>", ">80–100</text>", ">3 economies with a value in 2022</text>", ">Source: Demo NSO 2026.</text>"} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("the map lacks %q", s)
		}
	}

	site := filepath.Join(dir, "site")
	r := ictstat(t, "--db", db, "site", "build", "--out", site, "--indicators", "digital_score", "--entities", "kenya,800,United Republic of TANZANIA,wld")
	if r.code != 0 || !strings.Contains(r.stdout, ": 1 indicator, 5 frameworks;") {
		t.Fatalf("site build --entities by name and M49 code: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	_, _, doc := readScript(t, filepath.Join(site, "data", "catalogue.js"))
	var cat explorer.Catalogue
	json.Unmarshal(doc, &cat)
	var codes []string
	for _, e := range cat.Entities {
		codes = append(codes, e.Code)
	}
	if !slices.Equal(codes, []string{"KEN", "TZA", "UGA", "WLD"}) {
		t.Errorf("the site's entities: %v", codes)
	}
	licences, _ := os.ReadFile(filepath.Join(site, "LICENSES.md"))
	data, _, _ = strings.Cut(string(licences), "## The boundaries")
	if !strings.Contains(data, "Source: Demo NSO 2026. Keep this attribution") || !strings.Contains(data, "| Demo NSO 2026 | Demo NSO 2026 | CC BY 4.0 (test) |") ||
		strings.Contains(data, "ITU") || strings.Contains(data, "WDI") {
		t.Errorf("LICENSES.md of the user's data:\n%s", data)
	}
	if !bytes.Contains(licences, []byte("do not imply the expression of any opinion whatsoever concerning the legal status")) {
		t.Error("LICENSES.md lacks the United Nations' wording on boundaries")
	}
	for _, bad := range []string{"Atlantis", "999"} {
		if r := ictstat(t, "--db", db, "site", "build", "--out", t.TempDir(), "--indicators", "digital_score", "--entities", bad); r.code != 2 ||
			!strings.Contains(r.stderr, "--entities: no economy or group") {
			t.Errorf("--entities %s: %d %s", bad, r.code, r.stderr)
		}
	}
}
