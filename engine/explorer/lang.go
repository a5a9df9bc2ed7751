package explorer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/ictstat/ictstat/indicators/translations"
)

// The page's language: ?lang=CODE on the served page's URL (one of translations.Languages;
// default en), or the static site's page of that language, index.CODE.html (index.html: English).
// The page reads its interface strings and the names of the data in its language from the
// strings document (Strings): GET /v1/explorer/strings?lang=CODE, or the site's
// data/strings/CODE.js. An unknown language gets 400 from the endpoint; the page then shows
// itself in English with a notice saying so.

// Strings is the strings document: what the page shows in one language.
type Strings struct {
	Lang      string                  `json:"lang"`
	Dir       string                  `json:"dir"`
	Name      string                  `json:"name"`
	Languages []translations.Language `json:"languages"`
	// UI maps every English interface string of the page (UIStrings) to its translation (the
	// English itself where there is none).
	UI map[string]string `json:"ui"`
	// Names translate the data's names: indicators' names and units, economies' and groups'
	// names, frameworks' names and short names, targets' wordings (by framework, then by the
	// English wording) and the classes of progress (by their English name).
	Names Names `json:"names"`
	// Comma and Semicolon separate the items of a list and clauses, with their spaces
	// (translations.Comma, translations.Semicolon).
	Comma     string `json:"comma"`
	Semicolon string `json:"semicolon"`
	// Unreviewed counts the strings of the document whose translation no person has checked
	// (0 for English).
	Unreviewed int `json:"unreviewed"`
}

// Names are the data's names in one language; a name without a translation is left out (the
// page keeps the English).
type Names struct {
	Indicators map[string][2]string         `json:"indicators"` // code → [name, unit]
	Entities   map[string]string            `json:"entities"`   // economy or group code → name
	Frameworks map[string][2]string         `json:"frameworks"` // code → [name, short name]
	Wordings   map[string]map[string]string `json:"wordings"`   // framework → English wording → wording
	Statuses   map[string]string            `json:"statuses"`   // class of progress → its name
}

// statusNames are the classes of progress the scorecard shows (engine/chart's statuses).
var statusNames = []string{"target met", "on track", "acceleration needed", "limited progress", "deterioration", "unable to assess"}

// economyName is the translation of an economy's name, english in the database, as a label
// shows it (DisplayName: without the article of a UNTERM short name), and whether the catalogue
// has one of that English.
func economyName(w *translations.Words, c *translations.Catalogue, lang, code, english string) (string, bool) {
	key := translations.EconomyKey(code)
	if en, _, ok := c.Text(translations.Source, key); !ok || en != english {
		return "", false
	}
	return translations.DisplayName(lang, w.Key(key, english)), true
}

// StringsDoc is the strings document of lang, with the names of the data s reads; an unknown
// language is a request error.
func (s *Source) StringsDoc(ctx context.Context, lang string) (*Strings, error) {
	if lang == "" {
		lang = translations.Source
	}
	l, ok := translations.Lookup(lang)
	if !ok {
		return nil, requestError("lang: no language %q (one of %s)", lang, strings.Join(translations.Codes(), ", "))
	}
	cat, err := translations.Default()
	if err != nil {
		return nil, err
	}
	m, err := s.loadMeta(ctx)
	if err != nil {
		return nil, err
	}
	w := cat.For(lang)
	doc := &Strings{Lang: l.Code, Dir: l.Direction, Name: l.Name, Languages: translations.Languages, UI: map[string]string{},
		Comma: translations.Comma(lang), Semicolon: translations.Semicolon(lang),
		Names: Names{Indicators: map[string][2]string{}, Entities: map[string]string{}, Frameworks: map[string][2]string{},
			Wordings: map[string]map[string]string{}, Statuses: map[string]string{}}}
	for _, e := range UIStrings {
		doc.UI[e] = w.UI(e)
	}
	if lang == translations.Source {
		return doc, nil
	}
	has := func(key string) bool { _, _, ok := cat.Text(lang, key); return ok }
	for _, code := range m.indOrder {
		in := m.indicators[code]
		nk, uk := translations.IndicatorKey(code, "name"), translations.IndicatorKey(code, "unit")
		if has(nk) || has(uk) {
			unit := in.unit
			if in.unit != "" {
				unit = w.Key(uk, in.unit)
			}
			doc.Names.Indicators[code] = [2]string{w.Key(nk, in.name), unit}
		}
	}
	for _, code := range m.entOrder {
		e := m.entities[code]
		if e.kind == "economy" {
			if name, ok := economyName(w, cat, lang, code, e.name); ok {
				doc.Names.Entities[code] = name
			}
		} else if k := translations.GroupKey(code); has(k) {
			doc.Names.Entities[code] = w.Key(k, e.name)
		}
	}
	seen := map[string]int{} // framework:code → rows so far
	for _, t := range m.targets {
		seen[t.key()]++
		if t.wording == "" {
			continue
		}
		// The key of this row's wording: the occurrence whose English is the wording (the
		// catalogue's rows of one code may come in another order than the framework's file).
		for n := 1; n <= seen[t.key()]+3; n++ {
			k := translations.TargetKey(t.framework, t.target, n)
			if en, _, ok := cat.Text(translations.Source, k); ok && en == t.wording {
				if doc.Names.Wordings[t.framework] == nil {
					doc.Names.Wordings[t.framework] = map[string]string{}
				}
				doc.Names.Wordings[t.framework][t.wording] = w.Key(k, t.wording)
				break
			}
		}
	}
	for _, f := range m.frameworks {
		nk, sk := translations.FrameworkKey(f.code, "name"), translations.FrameworkKey(f.code, "short_name")
		if has(nk) || has(sk) {
			short := ""
			if en, _, ok := cat.Text(translations.Source, sk); ok {
				short = w.Key(sk, en)
			}
			doc.Names.Frameworks[f.code] = [2]string{w.Key(nk, f.name), short}
		}
	}
	for _, st := range statusNames {
		if k := translations.StatusKey(st); has(k) {
			doc.Names.Statuses[st] = w.Key(k, st)
		}
	}
	doc.Unreviewed = w.Unreviewed()
	return doc, nil
}

// StringsJSON is the strings document of lang, encoded.
func (s *Source) StringsJSON(ctx context.Context, lang string) ([]byte, error) {
	doc, err := s.StringsDoc(ctx, lang)
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
}

// pageFor is index.html in a language: <html lang="CODE" dir="DIR" data-lang="CODE"> (index.html
// itself for English), so that the page is laid out in its direction before its script runs.
// extra goes before </head>.
func pageFor(l translations.Language, extra string) ([]byte, error) {
	b, err := fs.ReadFile(Assets(), "index.html")
	if err != nil {
		return nil, err
	}
	open := []byte(`<html lang="en" dir="ltr" data-lang="en"`)
	if !bytes.Contains(b, open) {
		return nil, fmt.Errorf("index.html has no %s", open)
	}
	b = bytes.Replace(b, open, fmt.Appendf(nil, `<html lang="%s" dir="%s" data-lang="%s"`, l.Code, l.Direction, l.Code), 1)
	if extra != "" {
		i := bytes.Index(b, []byte("</head>"))
		if i < 0 {
			i = 0
		}
		b = slices.Concat(b[:i], []byte(extra), b[i:])
	}
	return b, nil
}

// SitePageName is the file of the static site's page in lang: index.html for English,
// index.CODE.html for the others.
func SitePageName(lang string) string {
	if lang == translations.Source || lang == "" {
		return "index.html"
	}
	return "index." + lang + ".html"
}

// SiteIndexFor is the static site's page in lang: index.html in that language with SiteMarker and
// the strings document's script (data/strings/CODE.js) before </head>.
func SiteIndexFor(lang string) ([]byte, error) {
	l, ok := translations.Lookup(lang)
	if !ok {
		return nil, fmt.Errorf("no language %q", lang)
	}
	return pageFor(l, SiteMarker+`<script src="data/strings/`+l.Code+`.js"></script>
`)
}
