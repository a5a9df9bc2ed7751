package browser_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRightToLeft: the page in Arabic is right to left: <html lang="ar" dir="rtl">, the pickers,
// tabs, legend and table read from the right, numbers keep their order, the names and words are
// Arabic, the language menu names the seven languages in their own words and keeps the view, and
// the page says its translations are unreviewed.
func TestRightToLeft(t *testing.T) {
	p := newPageIn(t, "ar")
	p.open(p.url("#view=trend&indicator=internet_use_pct&entities=WLD,KEN,ITU_AFR&target=umc_2030:UMC.1"))
	if got := eval[[]string](p, `[document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body).direction]`); !slices.Equal(got, []string{"ar", "rtl", "rtl"}) {
		t.Errorf("<html> lang, dir and the body's direction: %v", got)
	}
	// Mirrored: what comes first in the document stands to the right of what follows.
	type pair struct{ First, Second float64 }
	for what, js := range map[string]string{
		"the pickers": `[document.querySelector("#indicator-picker"), document.querySelector("#entity-picker")]`,
		"the tabs":    `[document.querySelector("#tab-trend"), document.querySelector("#tab-map")]`,
		"the legend":  `[...document.querySelectorAll("#legend li")].slice(0, 2)`,
		"the chips":   `[...document.querySelectorAll("#chosen li")].slice(0, 2)`,
	} {
		got := eval[pair](p, `(() => { const [a, b] = `+js+`; return {first: a.getBoundingClientRect().right, second: b.getBoundingClientRect().right}; })()`)
		if !(got.First > got.Second) {
			t.Errorf("%s: the first ends at x=%.0f, the second at x=%.0f; in Arabic the first stands to the right", what, got.First, got.Second)
		}
	}
	// Arabic names and words.
	title := eval[string](p, `document.querySelector("#chart-title").textContent`)
	name := eval[string](p, `(() => { const s = document.querySelector("#indicator-current").textContent; return s; })()`)
	if !strings.ContainsRune(title, 'ا') || strings.Contains(title, "Individuals") || !strings.ContainsRune(name, 'ا') {
		t.Errorf("the title %q and indicator %q are not in Arabic", title, name)
	}
	if tab := eval[string](p, `document.querySelector("#tab-trend").textContent`); tab == "Trend" || tab != p.tr("Trend") {
		t.Errorf("the Trend tab reads %q", tab)
	}
	chips := eval[string](p, `document.querySelector("#chosen").textContent`)
	if strings.Contains(chips, "Kenya") || strings.Contains(chips, "World") {
		t.Errorf("the chosen economies are named in English: %q", chips)
	}
	// The language menu: seven languages in their own names, the view kept.
	links := eval[[]string](p, `[...document.querySelectorAll("#languages a")].map((a) => a.textContent + "|" + a.getAttribute("href"))`)
	if len(links) != 7 || !strings.HasPrefix(links[0], "English|") || !strings.HasPrefix(links[3], "Français|") {
		t.Fatalf("the language menu: %v", links)
	}
	for _, l := range links {
		if !strings.Contains(l, "view=trend") || !strings.Contains(l, "KEN") {
			t.Errorf("the language link %s does not keep the view", l)
		}
	}
	if notice := eval[string](p, `document.querySelector("#lang-notice").hidden ? "" : document.querySelector("#lang-notice").textContent`); notice == "" {
		t.Error("the page does not say its translations are unreviewed")
	}
	p.screenshot("explorer-ar")

	// The table: its first column at the right, numbers isolated in <bdi>.
	p.open(p.url("#view=table&indicator=internet_use_pct&entities=KEN"))
	type cols struct{ First, Second float64 }
	if c := eval[cols](p, `(() => { const h = document.querySelectorAll("table#data-table thead th"); return {first: h[0].getBoundingClientRect().left, second: h[1].getBoundingClientRect().left}; })()`); !(c.First > c.Second) {
		t.Errorf("the table's first column at x=%.0f, the second at x=%.0f", c.First, c.Second)
	}
	if got := eval[[]string](p, `(() => { const b = document.querySelector("table#data-table td.num bdi"); return b ? [getComputedStyle(b).unicodeBidi, getComputedStyle(b).direction] : []; })()`); !slices.Equal(got, []string{"isolate", "ltr"}) {
		t.Errorf("a number of the table: unicode-bidi and direction %v", got)
	}
	p.screenshot("explorer-table-ar")

	p.open(p.url("#view=scorecard&framework=wsis_geneva_2003&entity=KEN"))
	p.screenshot("explorer-scorecard-ar")
	p.open(p.url("#view=table&indicator=internet_use_pct&entities=KEN"))

	// Choosing another language keeps the view.
	p.open(eval[string](p, `[...document.querySelectorAll("#languages a")].find((a) => a.lang === "fr").href`))
	if got := eval[[]string](p, `[document.documentElement.lang, document.documentElement.dir, location.search, document.querySelector("#tab-table").getAttribute("aria-selected")]`); !slices.Equal(got, []string{"fr", "ltr", "?lang=fr", "true"}) {
		t.Errorf("after choosing Français: %v", got)
	}
}

// TestUnknownLanguage: a language the page does not have shows it in English, with a notice.
func TestUnknownLanguage(t *testing.T) {
	p := newPage(t)
	p.open(env.base + "?lang=xx#view=trend&indicator=internet_use_pct&entities=WLD")
	got := eval[[]string](p, `[document.documentElement.lang, document.documentElement.dir, document.querySelector("#lang-notice").hidden ? "" : document.querySelector("#lang-notice").textContent, document.querySelector("#tab-trend").textContent]`)
	if got[0] != "en" || got[1] != "ltr" || !strings.Contains(got[2], "xx") || got[3] != "Trend" {
		t.Errorf("?lang=xx: %v", got)
	}
	p.axe("unknown language")
}

// TestSiteLanguages: the static site's pages of each language open from disk in their direction,
// and their menus link to one another.
func TestSiteLanguages(t *testing.T) {
	p := newPage(t)
	p.open("file://" + filepath.Join(env.site, "index.fa.html") + "#view=ranking&indicator=internet_use_pct&year=2023&filter=ITU_AFR")
	got := eval[[]string](p, `[document.documentElement.lang, document.documentElement.dir, document.querySelector("#tab-ranking").textContent,
		[...document.querySelectorAll("#languages a")].map((a) => a.getAttribute("href").split("#")[0]).join(" ")]`)
	if got[0] != "fa" || got[1] != "rtl" || got[2] == "Ranking" ||
		got[3] != "index.html index.ar.html index.fa.html index.fr.html index.es.html index.ru.html index.zh.html" {
		t.Errorf("the site's Persian page: %v", got)
	}
	p.axe("site in Persian")
}
