package explorer_test

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/explorer"
	"github.com/ictstat/ictstat/indicators/translations"
)

// pageStrings are the English strings index.html and app.js show, read from the files: the texts
// of the elements marked data-i18n, the attributes data-i18n-attr names, and the string literals
// app.js passes to T and tf.
func pageStrings(t *testing.T) []string {
	t.Helper()
	html, err := fs.ReadFile(explorer.Assets(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	js, err := fs.ReadFile(explorer.Assets(), "app.js")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	space := regexp.MustCompile(`\s+`)
	for _, m := range regexp.MustCompile(`data-i18n>([^<]*)<`).FindAllStringSubmatch(string(html), -1) {
		out = append(out, strings.TrimSpace(space.ReplaceAllString(m[1], " ")))
	}
	for _, m := range regexp.MustCompile(`data-i18n-attr="([^"]+)"([^>]*)`).FindAllStringSubmatch(string(html), -1) {
		for _, a := range strings.Fields(m[1]) {
			v := regexp.MustCompile(regexp.QuoteMeta(a) + `="([^"]*)"`).FindStringSubmatch(m[2])
			if v == nil {
				t.Errorf("index.html: data-i18n-attr names %s, which the element lacks: %s", a, m[0])
				continue
			}
			out = append(out, v[1])
		}
	}
	for _, m := range regexp.MustCompile(`\b(?:T|tf)\(("(?:[^"\\]|\\.)*")`).FindAllStringSubmatch(string(js), -1) {
		s, err := strconv.Unquote(m[1])
		if err != nil {
			t.Fatalf("app.js: %s: %v", m[1], err)
		}
		out = append(out, s)
	}
	if len(out) < 100 {
		t.Fatalf("only %d strings found in index.html and app.js", len(out))
	}
	return out
}

// TestUIStringsListed: every string the page shows is in UIStrings, the list the strings
// document translates.
func TestUIStringsListed(t *testing.T) {
	for _, s := range pageStrings(t) {
		if !slices.Contains(explorer.UIStrings, s) {
			t.Errorf("the page shows %q, which UIStrings lacks", s)
		}
	}
}

// TestUIStringsTranslated: every interface string of the page has a translation in each of the
// six languages, with its format verbs.
func TestUIStringsTranslated(t *testing.T) {
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	verbs := regexp.MustCompile(`%[sd%]`)
	for _, l := range translations.Languages[1:] {
		for _, s := range explorer.UIStrings {
			text, _, ok := cat.Text(l.Code, translations.UIKey(s))
			if !ok {
				t.Errorf("%s: no translation of %q", l.Code, s)
				continue
			}
			if !slices.Equal(verbs.FindAllString(text, -1), verbs.FindAllString(s, -1)) {
				t.Errorf("%s: %q translated as %q, with other verbs", l.Code, s, text)
			}
		}
	}
}

// TestStringsEndpoint: the strings document in Arabic translates the interface and the data's
// names and says the page is right to left; English is itself; an unknown language gets 400.
func TestStringsEndpoint(t *testing.T) {
	base := service(t, "")
	get := func(path string) (int, []byte) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, b := get("/v1/explorer/strings?lang=ar")
	var ar explorer.Strings
	if err := json.Unmarshal(b, &ar); code != 200 || err != nil {
		t.Fatalf("strings?lang=ar: %d %v %.300s", code, err, b)
	}
	if ar.Lang != "ar" || ar.Dir != "rtl" || ar.Name != "العربية" || len(ar.Languages) != 7 || ar.Unreviewed == 0 {
		t.Errorf("the Arabic document: lang %q dir %q name %q, %d languages, %d unreviewed", ar.Lang, ar.Dir, ar.Name, len(ar.Languages), ar.Unreviewed)
	}
	if got := ar.UI["Trend"]; got == "Trend" || got == "" {
		t.Errorf("Trend in Arabic: %q", got)
	}
	if len(ar.UI) != len(explorer.UIStrings) {
		t.Errorf("%d interface strings, UIStrings has %d", len(ar.UI), len(explorer.UIStrings))
	}
	cat, _ := translations.Default()
	want, _, _ := cat.Text("ar", translations.IndicatorKey("internet_use_pct", "name"))
	if got := ar.Names.Indicators["internet_use_pct"]; got[0] != want || got[0] == "" || got[1] == "" {
		t.Errorf("internet_use_pct in Arabic: %q, want %q", got, want)
	}
	if got, _, _ := cat.Text("ar", translations.GroupKey("LDC")); ar.Names.Entities["LDC"] != got || got == "" {
		t.Errorf("LDC in Arabic: %q, want %q", ar.Names.Entities["LDC"], got)
	}
	if got := ar.Names.Entities["KEN"]; got == "" || got == "Kenya" {
		t.Errorf("Kenya in Arabic: %q", got)
	}
	if got := ar.Names.Statuses["target met"]; got == "" || got == "target met" {
		t.Errorf("the class 'target met' in Arabic: %q", got)
	}
	wordings := 0
	for _, m := range ar.Names.Wordings {
		wordings += len(m)
	}
	if wordings < 20 || len(ar.Names.Frameworks) == 0 {
		t.Errorf("%d target wordings and %d frameworks translated", wordings, len(ar.Names.Frameworks))
	}
	if ar.Comma != "، " {
		t.Errorf("the Arabic comma: %q", ar.Comma)
	}

	code, b = get("/v1/explorer/strings?lang=fr")
	var fr explorer.Strings
	if err := json.Unmarshal(b, &fr); code != 200 || err != nil || fr.Dir != "ltr" || fr.UI["Map"] != "Carte" {
		t.Errorf("strings?lang=fr: %d %v dir %q, Map → %q", code, err, fr.Dir, fr.UI["Map"])
	}
	for _, p := range []string{"/v1/explorer/strings", "/v1/explorer/strings?lang=en"} {
		code, b = get(p)
		var en explorer.Strings
		if err := json.Unmarshal(b, &en); code != 200 || err != nil || en.Lang != "en" || en.Dir != "ltr" || en.UI["Trend"] != "Trend" ||
			len(en.Names.Indicators) != 0 || en.Unreviewed != 0 {
			t.Errorf("%s: %d %v %+v", p, code, err, en.Lang)
		}
	}
	for _, p := range []string{"/v1/explorer/strings?lang=xx", "/v1/explorer/strings?lang=AR", "/v1/explorer/download?view=map&format=png&indicator=internet_use_pct&lang=de"} {
		if code, b := get(p); code != http.StatusBadRequest || !strings.Contains(string(b), "lang") {
			t.Errorf("%s: %d %.200s, want 400 naming lang", p, code, b)
		}
	}
	// A chart in Arabic draws.
	if code, b := get("/v1/explorer/download?view=trend&format=svg&indicator=internet_use_pct&entities=KEN,WLD&lang=ar"); code != 200 || len(b) < 1000 {
		t.Errorf("an Arabic trend chart: %d, %d bytes", code, len(b))
	}
}

// TestPageLanguage: the page is served in the language of ?lang= (lang and dir on <html>), in
// English for none or an unknown language; each language is its own page with its own ETag.
func TestPageLanguage(t *testing.T) {
	h := explorer.Handler()
	page := func(query string) (*http.Response, string) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/"+query, nil))
		b, _ := io.ReadAll(w.Result().Body)
		return w.Result(), string(b)
	}
	etags := map[string]bool{}
	for _, l := range translations.Languages {
		resp, body := page("?lang=" + l.Code)
		want := fmt.Sprintf(`<html lang="%s" dir="%s" data-lang="%s"`, l.Code, l.Direction, l.Code)
		if resp.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("?lang=%s: %d, no %s", l.Code, resp.StatusCode, want)
		}
		etags[resp.Header.Get("ETag")] = true
	}
	if len(etags) != 7 {
		t.Errorf("%d ETags for the seven languages' pages", len(etags))
	}
	for _, q := range []string{"", "?lang=", "?lang=xx", "?lang=ar-EG"} {
		if _, body := page(q); !strings.Contains(body, `<html lang="en" dir="ltr"`) {
			t.Errorf("%q: the page is not the English one", q)
		}
	}
	for _, l := range translations.Languages {
		b, err := explorer.SiteIndexFor(l.Code)
		if err != nil || !strings.Contains(string(b), `<script src="data/strings/`+l.Code+`.js"></script>`) ||
			!strings.Contains(string(b), `dir="`+l.Direction+`"`) {
			t.Errorf("the site's page in %s: %v", l.Code, err)
		}
	}
	if explorer.SitePageName("en") != "index.html" || explorer.SitePageName("ar") != "index.ar.html" {
		t.Error("SitePageName")
	}
}
