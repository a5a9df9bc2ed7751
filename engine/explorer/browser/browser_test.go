package browser_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ictstat/ictstat/engine/chart"
)

// env is what every test shares: the command, its database, the service and the site.
var env struct {
	bin, db, site, base string
	chromium            string
	skip                string // why the tests cannot run
}

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	env.chromium = findChromium()
	if env.chromium == "" {
		env.skip = "Chromium is not installed (Debian: apt-get install chromium)"
		if os.Getenv("ICTSTAT_BROWSER_TESTS") == "required" {
			fmt.Fprintln(os.Stderr, "ICTSTAT_BROWSER_TESTS=required: "+env.skip)
			return 1
		}
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "ictstat-browser-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	stop, err := setUp(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "setting up the browser tests:", err)
		return 1
	}
	defer stop()
	return m.Run()
}

func findChromium() string {
	if p := os.Getenv("ICTSTAT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// setUp builds the command and the default database, writes the site and starts the service.
func setUp(dir string) (stop func(), err error) {
	env.bin = filepath.Join(dir, "ictstat")
	env.db = filepath.Join(dir, "ictstat.duckdb")
	env.site = filepath.Join(dir, "site")
	build := exec.Command("go", "build", "-o", env.bin, "github.com/ictstat/ictstat/cmd/ictstat")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	if out, err := ictstat("init", "--force"); err != nil {
		return nil, fmt.Errorf("init: %v\n%s", err, out)
	}
	// A survey edition of Rwanda's internet use, whose values carry 95% intervals.
	survey := filepath.Join(dir, "survey.csv")
	if err := os.WriteFile(survey, []byte(`indicator,economy,year,value,se,ci_low,ci_high
internet_use_pct,RWA,2019,21.358,1.1,19.2,23.5
internet_use_pct,RWA,2021,24.4416,1.3,21.9,27
internet_use_pct,RWA,2023,34.2005,1.4,31.5,36.9
`), 0o600); err != nil {
		return nil, err
	}
	if out, err := ictstat("ingest", survey, "--edition", "Survey 2026-06"); err != nil {
		return nil, fmt.Errorf("ingest: %v\n%s", err, out)
	}
	if out, err := ictstat("site", "build", "--out", env.site); err != nil {
		return nil, fmt.Errorf("site build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	srv := exec.CommandContext(ctx, env.bin, "--db", env.db, "-q", "serve", "--addr", addr)
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		cancel()
		return nil, err
	}
	stop = func() { cancel(); srv.Wait() }
	env.base = "http://" + addr + "/"
	for i := 0; ; i++ {
		resp, err := http.Get(env.base + "healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return stop, nil
			}
		}
		if i == 300 {
			stop()
			return nil, fmt.Errorf("ictstat serve did not answer on %s", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ictstat runs the command on the test database.
func ictstat(args ...string) ([]byte, error) {
	return exec.Command(env.bin, append([]string{"--db", env.db, "-q"}, args...)...).CombinedOutput()
}

// sqlRows runs a query with `ictstat sql` and returns its CSV rows, header first.
func sqlRows(t *testing.T, query string) [][]string {
	t.Helper()
	out, err := exec.Command(env.bin, "--db", env.db, "sql", "--format", "csv", query).Output()
	if err != nil {
		t.Fatalf("ictstat sql %q: %v", query, err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(out))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// page is one browser tab with what its console said.
type page struct {
	t       *testing.T
	lang    string // the language the page is opened in (url)
	ctx     context.Context
	mu      sync.Mutex
	console []string
}

// langs are the languages every test opens the page in: English, and Arabic, written right to
// left.
var langs = []string{"en", "ar"}

// inLangs runs test once per language of langs, as a subtest named by its code.
func inLangs(t *testing.T, test func(t *testing.T, lang string)) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) { test(t, lang) })
	}
}

// url is the served page in the page's language with a fragment ("#view=...").
func (p *page) url(fragment string) string {
	if p.lang == "" || p.lang == "en" {
		return env.base + fragment
	}
	return env.base + "?lang=" + p.lang + fragment
}

// tr is the page's translation of an English interface string (its strings document's).
func (p *page) tr(english string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`window.ictstatT(%q)`, english))
}

// plain is a text without the Unicode isolates a right-to-left page puts around numbers and codes.
func plain(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x2066 && r <= 0x2069 {
			return -1
		}
		return r
	}, s)
}

// newPage opens a tab in a new headless Chromium, for a page in English.
func newPage(t *testing.T) *page { return newPageIn(t, "en") }

// newPageIn opens a tab in a new headless Chromium, for a page in lang.
func newPageIn(t *testing.T, lang string) *page {
	t.Helper()
	if env.skip != "" {
		t.Skip(env.skip)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(env.chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("allow-file-access-from-files", false),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	p := &page{t: t, ctx: ctx, lang: lang}
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			p.mu.Lock()
			p.console = append(p.console, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
			p.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if len(p.console) > 0 {
			t.Errorf("the page wrote to the console:\n%s", strings.Join(p.console, "\n"))
		}
	})
	return p
}

// open loads a URL and waits until the page has drawn its view.
func (p *page) open(url string) {
	p.t.Helper()
	p.do(chromedp.Navigate(url))
	p.ready()
}

func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](p *page, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// ready waits until the page says it has drawn its view, and fails on an error state.
func (p *page) ready() {
	p.t.Helper()
	const js = `new Promise((resolve) => { const check = () => {
		const s = document.documentElement.dataset.state;
		if (s === "ready" || s === "error") resolve(s); else setTimeout(check, 20); }; setTimeout(check, 20); })`
	ctx, cancel := context.WithTimeout(p.ctx, time.Minute)
	defer cancel()
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("waiting for the page to draw: %v", err)
	}
	if state != "ready" {
		msg := eval[string](p, `document.querySelector("#status")?.textContent ?? ""`)
		p.t.Fatalf("the page is in state %q: %s", state, msg)
	}
}

// change runs a script that changes a control, then waits for the redraw it causes.
func (p *page) change(js string) {
	p.t.Helper()
	eval[any](p, `(() => { document.documentElement.dataset.state = "loading"; `+js+`; return null })()`)
	p.ready()
}

// lastTiming is the duration of the page's last render of a view, in milliseconds.
func (p *page) lastTiming(view string) float64 {
	p.t.Helper()
	return eval[float64](p, fmt.Sprintf(`(window.ictstatTimings || []).filter((t) => t.view === %q).at(-1)?.ms ?? -1`, view))
}

// screenshot keeps a picture of the page when ICTSTAT_SCREENSHOTS names a folder.
func (p *page) screenshot(name string) {
	p.t.Helper()
	dir := os.Getenv("ICTSTAT_SCREENSHOTS")
	if dir == "" || p.lang != "en" && !strings.HasSuffix(name, "-"+p.lang) {
		return
	}
	buf, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// axe injects axe-core and fails on any serious or critical violation.
func (p *page) axe(view string) {
	p.t.Helper()
	src, err := os.ReadFile("../testdata/axe.min.js")
	if err != nil {
		p.t.Fatal(err)
	}
	eval[any](p, string(src)+";null")
	type violation struct {
		ID     string   `json:"id"`
		Impact string   `json:"impact"`
		Help   string   `json:"help"`
		Nodes  []string `json:"nodes"`
	}
	vs := eval[[]violation](p, `axe.run(document, {resultTypes: ["violations"]}).then((r) => r.violations.map((v) => ({
		id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" "))})))`)
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			p.t.Errorf("%s view: axe %s (%s): %s at %s", view, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; "))
		}
	}
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, body)
	}
	return body
}

// TestTrend: choose an indicator and economies by typing, as a user does, and see their lines.
func TestTrend(t *testing.T) { inLangs(t, testTrend) }

func testTrend(t *testing.T, lang string) {
	p := newPageIn(t, lang)
	started := time.Now()
	p.open(p.url("#view=trend&indicator=internet_use_pct&entities=WLD"))
	t.Logf("first render of the explorer on loopback: %v (the page's own timing: %.0f ms)", time.Since(started).Round(time.Millisecond), p.lastTiming("trend"))
	if got := eval[[]string](p, `[...document.querySelectorAll("#chart [data-entity]")].map((e) => e.dataset.entity)`); !slices.Contains(got, "WLD") {
		t.Fatalf("the trend draws %v, not the World", got)
	}
	// Pick an indicator by a code of another scheme: the WDI code of mobile subscriptions.
	p.do(chromedp.SendKeys("#indicator-search", "IT.CEL.SETS.P2"))
	p.do(chromedp.WaitVisible(`#indicator-results li[data-code]`))
	code := eval[string](p, `document.querySelector("#indicator-results li[data-code]").dataset.code`)
	if code != "mobile_cellular_per100" {
		t.Errorf("searching IT.CEL.SETS.P2 offers %q first", code)
	}
	p.change(`document.querySelector("#indicator-results li[data-code]").click()`)
	// Add two economies by name and by ISO3.
	for _, q := range []string{"Kenya", "NGA"} {
		p.do(chromedp.SendKeys("#entity-search", q))
		p.do(chromedp.WaitVisible(`#entity-results li[data-code]`))
		p.change(`document.querySelector("#entity-results li[data-code]").click()`)
	}
	got := eval[[]string](p, `[...new Set([...document.querySelectorAll("#chart path[data-entity]")].map((e) => e.dataset.entity))]`)
	for _, want := range []string{"WLD", "KEN", "NGA"} {
		if !slices.Contains(got, want) {
			t.Errorf("after choosing Kenya and NGA the lines are %v; %s is missing", got, want)
		}
	}
	if hash := eval[string](p, `location.hash`); !strings.Contains(hash, "indicator="+code) || !strings.Contains(hash, "KEN") {
		t.Errorf("the URL does not hold the state: %s", hash)
	}
	p.screenshot("trend")
	p.axe("trend")
	// A target with its deadline and the fitted projections.
	p.open(p.url("#view=trend&indicator=internet_use_pct&entities=WLD,ITU_AFR,LDC&target=umc_2030:UMC.1"))
	if v := eval[string](p, `document.querySelector("#target").value`); v != "umc_2030:UMC.1" {
		t.Errorf("the target select holds %q", v)
	}
	p.screenshot("trend-target")
	p.axe("trend with a target")
}

// TestErrorBars: a trend draws the 95% interval of each value that has one as a bar in its
// line's colour from ci_low to ci_high on the chart's y scale, names it in the legend, and the
// table shows the interval's columns: an economy's survey estimates, and a group's values with a
// tenth or more of its population nowcast.
func TestErrorBars(t *testing.T) { inLangs(t, testErrorBars) }

func testErrorBars(t *testing.T, lang string) {
	p := newPageIn(t, lang)
	p.open(p.url("#view=trend&indicator=internet_use_pct&entities=WLD,RWA"))
	want := map[string][2]float64{}
	for _, r := range sqlRows(t, `SELECT 'RWA|' || year, ci_low, ci_high FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'RWA'
		AND sex = 'total' AND area = 'total' AND age = 'total' AND ci_low IS NOT NULL AND ci_high IS NOT NULL
		UNION ALL SELECT 'WLD|' || year, ci_low, ci_high FROM aggregates WHERE indicator = 'internet_use_pct' AND group_code = 'WLD'
		AND sex = 'total' AND area = 'total' AND age = 'total' AND status IN ('published', 'nowcast')
		AND (status = 'nowcast' OR coverage_nowcast >= 0.1) AND ci_low IS NOT NULL`)[1:] {
		lo, _ := strconv.ParseFloat(r[1], 64)
		hi, _ := strconv.ParseFloat(r[2], 64)
		want[r[0]] = [2]float64{lo, hi}
	}
	bounds, _ := json.Marshal(want)
	type bar struct {
		Entity, Year, Stroke   string
		Top, Bottom, Low, High float64 // pixels from the chart's top, and the scale's of the SQL bounds
		Caps                   int
	}
	js := `(() => { const svg = document.querySelector("#chart svg"), y = svg.scale("y"), top = svg.getBoundingClientRect().top;
		const want = ` + string(bounds) + `;
		return [...svg.querySelectorAll("line[data-interval]")].map((e) => { const b = e.getBoundingClientRect(),
			w = want[e.dataset.interval + "|" + e.dataset.year] || [NaN, NaN];
			return {entity: e.dataset.interval, year: e.dataset.year, stroke: getComputedStyle(e).stroke,
				top: b.top - top, bottom: b.bottom - top, low: y.apply(w[0]), high: y.apply(w[1]),
				caps: [...e.parentNode.querySelectorAll("line[data-cap]")].filter((c) => Math.abs(c.getBBox().x + c.getBBox().width / 2 - e.getBBox().x) < 0.5).length}; }); })()`
	bars := eval[[]bar](p, js)
	rwanda := 0
	for k := range want {
		if strings.HasPrefix(k, "RWA|") {
			rwanda++
		}
	}
	if len(bars) != len(want) || rwanda != 3 || len(want) < 4 {
		t.Fatalf("%d error bars drawn, %d intervals in the views (%d of Rwanda): %+v", len(bars), len(want), rwanda, bars)
	}
	colour := map[string]string{"WLD": "rgb(230, 159, 0)", "RWA": "rgb(86, 180, 233)"}
	for _, b := range bars {
		k := b.Entity + "|" + b.Year
		if _, ok := want[k]; !ok {
			t.Errorf("a bar of %s in %s, a year without an interval", b.Entity, b.Year)
		}
		if b.Stroke != colour[b.Entity] || b.Caps != 2 {
			t.Errorf("the bar of %s %s: stroke %s, %d caps; want the line's colour %s and 2 caps", b.Entity, b.Year, b.Stroke, b.Caps, colour[b.Entity])
		}
		if math.Abs(b.Top-b.High) > 1 || math.Abs(b.Bottom-b.Low) > 1 {
			t.Errorf("the bar of %s spans %.1f–%.1f px; the y scale puts its interval %v at %.1f–%.1f", k, b.Top, b.Bottom, want[k], b.High, b.Low)
		}
	}
	interval := p.tr("95% interval")
	if legend := eval[string](p, `document.querySelector("#legend").textContent`); !strings.Contains(legend, interval) {
		t.Errorf("the legend does not name the intervals: %q", legend)
	}
	// Pointing at Rwanda's value of 2023 shows its interval and standard error.
	tip := eval[string](p, `new Promise((resolve) => { const svg = document.querySelector("#chart svg"), r = svg.getBoundingClientRect();
		const at = {clientX: r.left + svg.scale("x").apply(2023), clientY: r.top + svg.scale("y").apply(34.2005), bubbles: true, pointerType: "mouse"};
		svg.dispatchEvent(new PointerEvent("pointerenter", at));
		svg.dispatchEvent(new PointerEvent("pointermove", at));
		setTimeout(() => resolve(document.querySelector("#chart .ictstat-tip")?.textContent ?? ""), 100); })`)
	if tip = plain(tip); !strings.Contains(tip, interval+" 31.5–36.9") || !strings.Contains(tip, p.tr("se")+" 1.4") {
		t.Errorf("the tooltip of Rwanda in 2023 reads %q", tip)
	}
	p.screenshot("trend-intervals")
	p.axe("trend with intervals")
	// Germany alone has none: no bar, and no legend entry.
	p.open(p.url("#view=trend&indicator=internet_use_pct&entities=DEU"))
	if n := eval[int](p, `document.querySelectorAll("#chart [data-interval]").length`); n != 0 || strings.Contains(eval[string](p, `document.querySelector("#legend").textContent`), interval) {
		t.Errorf("a trend without intervals draws %d bars or names them in its legend", n)
	}
	// The table of Rwanda shows the interval's columns, with the bounds of 2023.
	p.open(p.url("#view=table&indicator=internet_use_pct&entities=RWA"))
	cells := eval[[]string](p, `(() => { const T = window.ictstatT, heads = [...document.querySelectorAll("table#data-table thead th")].map((h) => h.textContent);
		const row = [...document.querySelectorAll("table#data-table tbody tr")].find((r) => r.cells[1].textContent === "2023" && r.cells[2].textContent === T("total"));
		return ["Standard error", "95% interval, low", "95% interval, high"].map((h) => heads.indexOf(T(h)) < 0 ? "missing" : row.cells[heads.indexOf(T(h))].textContent); })()`)
	if !slices.Equal(cells, []string{"1.4", "31.5", "36.9"}) {
		t.Errorf("the table's uncertainty of Rwanda in 2023: %v", cells)
	}
}

// TestMap: moving the map's year changes the colours to the classes of that year's values.
func TestMap(t *testing.T) { inLangs(t, testMap) }

func testMap(t *testing.T, lang string) {
	p := newPageIn(t, lang)
	p.open(p.url("#view=map&indicator=internet_use_pct&year=2010&classes=quantile"))
	fills := func() map[string]string {
		return eval[map[string]string](p, `Object.fromEntries([...document.querySelectorAll("#chart path[data-m49]")].map((e) => [e.dataset.m49, e.getAttribute("fill")]))`)
	}
	before := fills()
	if len(before) < 150 {
		t.Fatalf("the map draws %d countries", len(before))
	}
	p.change(`const y = document.querySelector("#year"); y.value = "2023"; y.dispatchEvent(new Event("input", {bubbles: true}))`)
	after := fills()
	changed := 0
	for m, f := range after {
		if before[m] != f {
			changed++
		}
	}
	if changed < 20 {
		t.Errorf("moving the year from 2010 to 2023 changed the colour of %d countries", changed)
	}
	t.Logf("map redraw after moving the year: %.1f ms", p.lastTiming("map"))
	// Kenya's value on the map is its observation of 2023.
	want := sqlRows(t, `SELECT value FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN'
		AND year = 2023 AND sex = 'total' AND area = 'total' AND age = 'total'`)
	got := eval[string](p, `document.querySelector('#chart path[data-m49="404"]').dataset.value`)
	if len(want) != 2 || !sameNumber(got, want[1][0]) {
		t.Errorf("Kenya on the 2023 map: %q; SQL says %v", got, want)
	}
	// Each country's colour is the class engine/chart gives its value (the map chart's rule, with
	// the quintiles of every economy's 2023 value), so the page and the files agree.
	var values []float64
	for _, r := range sqlRows(t, `SELECT o.value FROM observations o JOIN economies e USING (economy) WHERE o.indicator = 'internet_use_pct'
		AND o.year = 2023 AND o.sex = 'total' AND o.area = 'total' AND o.age = 'total' AND e.m49 IS NOT NULL`)[1:] {
		v, _ := strconv.ParseFloat(r[0], 64)
		values = append(values, v)
	}
	breaks := chart.QuantileBreaks(values)
	positions := chart.ClassColors(len(breaks) + 1)
	shown := eval[map[string]string](p, `Object.fromEntries([...document.querySelectorAll('#chart path[data-m49]:not([data-value=""])')].map((e) => [e.dataset.m49, e.dataset.value]))`)
	wrong := 0
	for m, s := range shown {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("country %s: data-value %q", m, s)
		}
		r, g, b, _ := chart.MapColors[positions[chart.ClassOf(v, breaks)]].RGBA()
		if want := fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8); !strings.EqualFold(after[m], want) {
			if wrong++; wrong <= 5 {
				t.Errorf("country %s, value %v: the page colours it %s, engine/chart's class (breaks %v) is %s", m, v, after[m], breaks, want)
			}
		}
	}
	if len(shown) < 150 {
		t.Errorf("the 2023 map shows %d values", len(shown))
	}
	// Countries without a value that year are hatched.
	nodata := eval[int](p, `[...document.querySelectorAll('#chart path[data-m49]')].filter((e) => e.dataset.value === "" && e.getAttribute("fill") === "url(#nodata)").length`)
	if nodata == 0 {
		t.Error("no country is hatched as having no data in 2023")
	}
	p.screenshot("map")
	p.axe("map")
	p.change(`const f = document.querySelector("#filter"); f.value = "ITU_AFR"; f.dispatchEvent(new Event("change", {bubbles: true}))`)
	p.screenshot("map-africa")
}

// TestViews: the ranking, the table and the scorecard draw, pass axe and log nothing.
func TestViews(t *testing.T) { inLangs(t, testViews) }

func testViews(t *testing.T, lang string) {
	p := newPageIn(t, lang)
	p.open(p.url("#view=ranking&indicator=internet_use_pct&year=2023&filter=ITU_AFR"))
	if n := eval[int](p, `document.querySelectorAll("#chart [data-entity]").length`); n < 20 {
		t.Errorf("the ranking of Africa in 2023 has %d bars", n)
	}
	p.screenshot("ranking")
	p.axe("ranking")
	p.open(p.url("#view=table&indicator=internet_use_pct&entities=KEN"))
	want := sqlRows(t, `SELECT count(*) FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN'`)
	if n := eval[int](p, `document.querySelectorAll("table#data-table tbody tr").length`); fmt.Sprint(n) != want[1][0] {
		t.Errorf("the table of Kenya has %d rows, the observations view %s", n, want[1][0])
	}
	p.screenshot("table")
	p.axe("table")
	p.open(p.url("#view=scorecard&framework=wsis_geneva_2003&entity=KEN"))
	if n := eval[int](p, `document.querySelectorAll("#chart tbody tr, #chart [data-target]").length`); n == 0 {
		t.Error("the scorecard of Kenya shows no target")
	}
	p.screenshot("scorecard")
	p.axe("scorecard")
}

// TestDownloadEqualsSQL: the CSV a user downloads of a trend of totals holds exactly the rows the
// same SQL gives.
func TestDownloadEqualsSQL(t *testing.T) { inLangs(t, testDownloadEqualsSQL) }

func testDownloadEqualsSQL(t *testing.T, lang string) {
	p := newPageIn(t, lang)
	p.open(p.url("#view=trend&indicator=internet_use_pct&entities=KEN,WLD"))
	href := eval[string](p, `document.querySelector('a[data-download="csv"]').href`)
	rows, err := csv.NewReader(strings.NewReader(string(get(t, href)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows[1:] {
		if r[0] == "KEN" {
			got = append(got, strings.Join([]string{r[2], r[3], r[4], r[5], number(r[6]), r[8], r[9]}, "|"))
		}
	}
	var want []string
	for _, r := range sqlRows(t, `SELECT year, sex, area, age, value, flag, edition FROM observations
		WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND sex = 'total' AND area = 'total' AND age = 'total'
		ORDER BY year`)[1:] {
		r[4] = number(r[4])
		want = append(want, strings.Join(r, "|"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("Kenya's rows in the CSV:\n%s\nthe observations view:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range []string{"xlsx", "png", "svg", "pdf"} {
		href := eval[string](p, fmt.Sprintf(`document.querySelector('a[data-download=%q]').href`, f))
		if b := get(t, href); len(b) < 100 {
			t.Errorf("the %s download has %d bytes", f, len(b))
		}
	}
	started := time.Now()
	get(t, env.base+"v1/explorer/download?view=map&indicator=internet_use_pct&year=2023&classes=quantile&format=png")
	t.Logf("map chart as PNG through the service: %v", time.Since(started).Round(time.Millisecond))
}

// TestPermalink: the URL after a session of choices reproduces the view in a new tab.
func TestPermalink(t *testing.T) { inLangs(t, testPermalink) }

func testPermalink(t *testing.T, lang string) {
	p := newPageIn(t, lang)
	p.open(p.url("#view=trend&indicator=internet_use_pct&entities=WLD"))
	p.do(chromedp.SendKeys("#entity-search", "Brazil"))
	p.do(chromedp.WaitVisible(`#entity-results li[data-code]`))
	p.change(`document.querySelector("#entity-results li[data-code]").click()`)
	p.change(`const b = document.querySelector("#breakdown"); b.value = "sex"; b.dispatchEvent(new Event("change", {bubbles: true}))`)
	link := eval[string](p, `location.href`)
	lines := func(p *page) []string {
		return eval[[]string](p, `[...document.querySelectorAll("#chart path[data-entity]")].map((e) => e.dataset.entity + "/" + (e.dataset.breakdown || "")).sort()`)
	}
	want := lines(p)
	q := newPageIn(t, lang)
	q.open(link)
	if got := lines(q); !slices.Equal(got, want) || len(got) == 0 {
		t.Errorf("the permalink %s draws %v; the page it came from drew %v", link, got, want)
	}
	if b := eval[string](q, `document.querySelector("#breakdown").value`); b != "sex" {
		t.Errorf("the permalink's breakdown is %q", b)
	}
}

// TestSiteFromDisk: the static site works opened from disk, with no server.
func TestSiteFromDisk(t *testing.T) { inLangs(t, testSiteFromDisk) }

func testSiteFromDisk(t *testing.T, lang string) {
	p := newPageIn(t, lang)
	file := "index.html"
	if lang != "en" {
		file = "index." + lang + ".html"
	}
	index := "file://" + filepath.Join(env.site, file)
	p.open(index + "#view=trend&indicator=internet_use_pct&entities=WLD,KEN")
	if n := eval[int](p, `document.querySelectorAll("#chart path[data-entity]").length`); n == 0 {
		t.Error("the site's trend draws no line")
	}
	p.screenshot("site-trend")
	p.open(index + "#view=map&indicator=internet_use_pct&year=2023")
	if n := eval[int](p, `document.querySelectorAll('#chart path[data-m49]:not([data-value=""])').length`); n < 150 {
		t.Errorf("the site's 2023 map colours %d countries", n)
	}
	p.axe("site map")
}

// TestTrendCall: the API call behind a trend of five economies, timed over loopback.
func TestTrendCall(t *testing.T) {
	if env.skip != "" {
		t.Skip(env.skip)
	}
	url := env.base + "v1/explorer/data?indicator=internet_use_pct&entities=KEN,NGA,IND,BRA,DEU"
	get(t, url)
	var ds []time.Duration
	for range 25 {
		started := time.Now()
		if b := get(t, url); len(b) == 0 {
			t.Fatal(errors.New("empty answer"))
		}
		ds = append(ds, time.Since(started))
	}
	slices.Sort(ds)
	t.Logf("trend of 5 economies, the data call over loopback: p50 %v, p90 %v", ds[len(ds)/2].Round(10*time.Microsecond), ds[len(ds)*9/10].Round(10*time.Microsecond))
}

// number writes a decimal as the shortest form of its value, so "48.20" and "48.2" compare equal.
func number(s string) string {
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil {
		return s
	}
	return fmt.Sprint(f)
}

func sameNumber(a, b string) bool { return number(a) == number(b) && a != "" }
