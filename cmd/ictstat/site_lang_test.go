package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/explorer"
	"github.com/ictstat/ictstat/indicators/translations"
)

// TestSiteLanguages: a site build writes the page in each of the seven languages (index.html in
// English, index.CODE.html in the others, with <html lang dir>) and each language's strings
// document, the Arabic one right to left with the names of the data in Arabic.
func TestSiteLanguages(t *testing.T) {
	db := copyOfDefault(t)
	site := filepath.Join(t.TempDir(), "site")
	r := ictstat(t, "--db", db, "site", "build", "--out", site, "--indicators", "internet_use_pct", "--entities", "KEN,WLD,LDC")
	if r.code != 0 {
		t.Fatalf("site build: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, l := range translations.Languages {
		page, err := os.ReadFile(filepath.Join(site, explorer.SitePageName(l.Code)))
		if err != nil {
			t.Errorf("%s: %v", l.Code, err)
			continue
		}
		for _, want := range []string{`<html lang="` + l.Code + `" dir="` + l.Direction + `"`, `<script src="data/strings/` + l.Code + `.js"></script>`, `<script src="data/catalogue.js"></script>`} {
			if !strings.Contains(string(page), want) {
				t.Errorf("%s: the page lacks %s", explorer.SitePageName(l.Code), want)
			}
		}
		kind, key, doc := readScript(t, filepath.Join(site, "data", "strings", l.Code+".js"))
		var s explorer.Strings
		if err := json.Unmarshal(doc, &s); err != nil || kind != "strings" || key != l.Code || s.Lang != l.Code || s.Dir != l.Direction {
			t.Errorf("strings-%s.js: %s %q %v %q %q", l.Code, kind, key, err, s.Lang, s.Dir)
		}
		if l.Code == "ar" {
			if s.UI["Map"] == "Map" || s.Names.Indicators["internet_use_pct"][0] == "" || s.Names.Entities["KEN"] == "" {
				t.Errorf("the Arabic strings: Map %q, internet_use_pct %q, KEN %q", s.UI["Map"], s.Names.Indicators["internet_use_pct"], s.Names.Entities["KEN"])
			}
		}
	}
}
