package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ictstat/ictstat/indicators/translations"
)

// renderLang renders an example notebook with the command in lang, and returns the page.
func renderLang(t *testing.T, name string, args ...string) string {
	t.Helper()
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	path := name // an example notebook by name, or another by its absolute path
	if !filepath.IsAbs(name) {
		path = filepath.Join("..", "..", "notebooks", name)
	}
	out := filepath.Join(t.TempDir(), "report.html")
	r := ictstat(t, append([]string{"--db", db, "notebook", "render", path, "-o", out}, args...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNotebookLangPersian renders WSIS+20 in Persian: the translated notebook's prose with the
// database's numbers, a right-to-left page, translated headers and names, isolated numbers, the
// figures, and the count of unreviewed translations.
func TestNotebookLangPersian(t *testing.T) {
	page := renderLang(t, "wsis20.md", "--lang", "fa")
	for _, want := range []string{
		`<html lang="fa" dir="rtl">`,
		`<title>WSIS&#43;20: بیست سال پیشرفت به سوی اهداف ژنو</title>`,
		`<th>آخرین سال</th>`, `<th>سنجه</th>`, `<th>گروه درآمدی</th>`,
		"<td>هدف\u00a0<bdi dir=\"ltr\">10</bdi></td>",
		`<td>افراد استفاده‌کننده از اینترنت</td>`,
		`<td>هدف محقق شده</td>`,
		`<td>درآمد پایین</td>`,
		`کشورهای کمتر توسعه‌یافته: <bdi dir="ltr">44</bdi> اقتصاد`,
		`<h2>منابع داده و ویرایش‌ها</h2>`, `<li>منبع: اتحادیه بین‌المللی مخابرات`,
		`<figure class="chart"><svg`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the Persian report lacks %s", want)
		}
	}
	if !regexp.MustCompile(`<td class="num"><bdi dir="ltr">\d+\.\d</bdi></td>`).MatchString(page) {
		t.Error("the Persian report does not isolate the numbers of its tables")
	}
	if !regexp.MustCompile(`در سال <bdi dir="ltr">2005</bdi>، <bdi dir="ltr">\d+\.\d%</bdi> از جمعیت جهان`).MatchString(page) {
		t.Error("the Persian prose does not quote the database's values, isolated")
	}
	if !regexp.MustCompile(`<p class="unreviewed"><bdi dir="ltr">[1-9]\d*</bdi> عبارت در این صفحه ترجمه‌های بازبینی‌نشده‌اند.</p>`).MatchString(page) {
		t.Error("the Persian report does not count its unreviewed translations")
	}
	if strings.Contains(page, `class="lang-note"`) {
		t.Error("the Persian report says that its prose is English")
	}
	for _, english := range []string{"<th>Latest year</th>", "Data sources and editions", "The World Summit"} {
		if strings.Contains(page, english) {
			t.Errorf("the Persian report has the English %q", english)
		}
	}

	native := renderLang(t, "wsis20.md", "--lang", "fa", "--digits", "native", "-p", "group=SIDS")
	if !regexp.MustCompile(`<td class="num"><bdi dir="ltr">[۰-۹]+٫[۰-۹]</bdi></td>`).MatchString(native) || !strings.Contains(native, "در سال <bdi dir=\"ltr\">۲۰۰۵</bdi>") {
		t.Error("--digits native does not write Persian digits")
	}
}

// TestNotebookLangFallback: a notebook without a translation keeps its English prose, marked as
// English, and says so once in the language.
func TestNotebookLangFallback(t *testing.T) {
	// Copies of example notebooks, without their translations beside them.
	dir := t.TempDir()
	for _, name := range []string{"rural-connectivity.md", "wsis20.md"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "notebooks", name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, name, string(b))
	}
	page := renderLang(t, filepath.Join(dir, "rural-connectivity.md"), "--lang", "ar")
	if !strings.Contains(page, `<html lang="ar" dir="rtl">`) || strings.Count(page, `<p class="lang-note">نص هذا التقرير باللغة الإنكليزية`) != 1 ||
		!strings.Contains(page, `<div class="prose" lang="en" dir="ltr">`) {
		t.Error("the Arabic report of an English notebook does not say that its prose is English")
	}
	fr := renderLang(t, filepath.Join(dir, "wsis20.md"), "--lang", "fr")
	if !strings.Contains(fr, `<html lang="fr" dir="ltr">`) || !strings.Contains(fr, "<th>Dernière année</th>") || !strings.Contains(fr, `<p class="lang-note">`) {
		t.Error("the French report")
	}
}

// TestNotebookLangErrors: an unknown language or digits, and a translated notebook whose blocks
// differ from the English, are refused.
func TestNotebookLangErrors(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "r.html")
	r := ictstat(t, "--db", db, "notebook", "render", "../../notebooks/wsis20.md", "--lang", "de", "-o", out)
	if r.code != 2 || !strings.Contains(r.stderr, `unknown language "de": use one of en (English), ar (العربية), fa (فارسی), fr`) {
		t.Errorf("--lang de: exit %d: %s", r.code, r.stderr)
	}
	r = ictstat(t, "--db", db, "notebook", "render", "../../notebooks/wsis20.md", "--digits", "roman", "-o", out)
	if r.code != 2 || !strings.Contains(r.stderr, "native or western") {
		t.Errorf("--digits roman: exit %d: %s", r.code, r.stderr)
	}
	en := writeFile(t, dir, "nb.md", "# T\n\n```sql\nSELECT 1 AS one\n```\n")
	writeFile(t, dir, "nb.fa.md", "# ت\n\n```sql\nSELECT 2 AS one\n```\n")
	r = ictstat(t, "--db", db, "notebook", "render", en, "--lang", "fa", "-o", out)
	// The error is in the report's language.
	fa, err := translations.WordsOf("fa")
	if err != nil {
		t.Fatal(err)
	}
	want := translations.ErrorIn(fa, filepath.Join(dir, "nb.fa.md")+", line 3: its sql and chart blocks must be those of "+en+", unchanged and in the same order")
	if r.code != 2 || !strings.Contains(r.stderr, want) || strings.Contains(want, "unchanged") {
		t.Errorf("a changed translation: exit %d: %s\nwant %s", r.code, r.stderr, want)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused render wrote its report")
	}
}

// TestNotebookLangBrowser opens the Persian WSIS+20 report in headless Chromium: the body is
// right to left, a table's first header cell is at its right edge, and the numbers are isolated.
// With ICTSTAT_SCREENSHOTS naming a folder it keeps a screenshot, wsis20-fa.png. It runs when
// Chromium is installed (ICTSTAT_CHROMIUM names it, else chromium, chromium-browser or
// google-chrome); with ICTSTAT_BROWSER_TESTS=required a missing Chromium fails it.
func TestNotebookLangBrowser(t *testing.T) {
	browser := os.Getenv("ICTSTAT_CHROMIUM")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if browser != "" {
			break
		}
		browser, _ = exec.LookPath(name)
	}
	if browser == "" {
		if os.Getenv("ICTSTAT_BROWSER_TESTS") == "required" {
			t.Fatal("ICTSTAT_BROWSER_TESTS=required: Chromium is not installed")
		}
		t.Skip("Chromium is not installed (Debian: apt-get install chromium)")
	}
	page := renderLang(t, "wsis20.md", "--lang", "fa")
	file := filepath.Join(t.TempDir(), "wsis20.fa.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.WindowSize(1100, 900), chromedp.UserDataDir(t.TempDir()))...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+file)); err != nil {
		t.Fatal(err)
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	if d := eval(`getComputedStyle(document.body).direction`); d != "rtl" {
		t.Errorf("the body's direction is %s", d)
	}
	// Each table's first header cell ends at the table's right edge, and is right of the second.
	got := eval(`JSON.stringify([...document.querySelectorAll("table")].map((t) => {
		const table = t.getBoundingClientRect(), ths = t.querySelectorAll("th");
		return Math.abs(ths[0].getBoundingClientRect().right - table.right) < 1 && ths[0].getBoundingClientRect().left > ths[1].getBoundingClientRect().left;
	}))`)
	if got != "[true,true,true]" {
		t.Errorf("first header cells at the right edge of the tables: %s", got)
	}
	if v := eval(`getComputedStyle(document.querySelector("td.num bdi")).unicodeBidi + " " + getComputedStyle(document.querySelector("td.num bdi")).direction`); v != "isolate ltr" {
		t.Errorf("a number of a table: %s", v)
	}
	// The heading of the first section is on the right side of the page.
	if v := eval(`String(document.querySelector("h2").getBoundingClientRect().right > document.querySelector("main").getBoundingClientRect().right - 30 && document.querySelector("h2 + p, h2 ~ p").getBoundingClientRect().right > document.body.clientWidth / 2)`); v != "true" {
		t.Error("the headings and paragraphs do not start on the right")
	}
	if dir := os.Getenv("ICTSTAT_SCREENSHOTS"); dir != "" {
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "wsis20-fa.png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
