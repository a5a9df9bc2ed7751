package translations

import (
	"regexp"
	"strings"
	"testing"
)

// untermSource is the source of an official economy name.
const untermSource = "UNTERM short name, via UN M49 (datasets/default/un_m49_country_codes_ldc_lldc_sids.csv)"

// untermColumns are the columns of the M49 table with the UNTERM short names, by language.
var untermColumns = map[string]string{
	"ar": "UNTERM Arabic Short", "zh": "UNTERM Chinese Short", "fr": "UNTERM French Short",
	"ru": "UNTERM Russian Short", "es": "UNTERM Spanish Short",
}

// economy is an economy of ictstat's default reference data.
type economy struct {
	iso3, english string
	file          string            // the file it is defined in
	m49           map[string]string // its row of the M49 table; nil for economies_extra.csv
}

// economyNames returns the economies datasets/reference.go (addEconomies) builds, in its order,
// with the name it gives each: for a row of the M49 table with an ISO3 code, official_name_en or,
// when that is empty, the CLDR display name; then every row of economies_extra.csv with its name.
// It fails if reference.go no longer reads those columns, so that a change there is seen here.
func economyNames(t *testing.T) []economy {
	t.Helper()
	src := readFile(t, referenceGo)
	for _, want := range []string{
		`iso3 := m49.get(r, "ISO3166-1-Alpha-3")`,
		`name := m49.get(r, "official_name_en")`,
		`name = m49.get(r, "CLDR display name")`,
		`readTable("economies_extra.csv")`,
		`iso3 := extra.get(r, "iso3")`,
		`Name: extra.get(r, "name")`,
	} {
		if !strings.Contains(src, want) {
			t.Fatalf("%s no longer has %s: update economyNames to how it names economies", referenceGo, want)
		}
	}
	var out []economy
	for _, r := range readCSV(t, m49CSV) {
		iso3 := strings.TrimSpace(r["ISO3166-1-Alpha-3"])
		if iso3 == "" {
			continue
		}
		name := strings.TrimSpace(r["official_name_en"])
		if name == "" {
			name = strings.TrimSpace(r["CLDR display name"])
		}
		out = append(out, economy{iso3: iso3, english: name, file: m49CSV, m49: r})
	}
	for _, r := range readCSV(t, extraEconCSV) {
		out = append(out, economy{iso3: strings.TrimSpace(r["iso3"]), english: strings.TrimSpace(r["name"]), file: extraEconCSV})
	}
	if len(out) < 200 {
		t.Fatalf("only %d economies read from %s and %s", len(out), m49CSV, extraEconCSV)
	}
	return out
}

// untermShort is the UNTERM short name of a cell of the M49 table: its text without the
// footnote asterisks UNTERM marks some names with ("Holy See (the) *", "Niue **").
func untermShort(cell string) string {
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(cell), "*"))
}

// TestEconomies checks that every economy of the default data has its name in every language,
// in the area files economies.<lang>.csv, with the English ictstat shows; that a name with a
// UNTERM short name is that name, official, with the UNTERM source; that the others (no UNTERM
// name, economies_extra.csv, every Persian name) are not official; and that Persian names use
// Persian letters.
func TestEconomies(t *testing.T) {
	c := load(t)
	economies := economyNames(t)
	known := map[string]bool{}
	for _, ec := range economies {
		key := EconomyKey(ec.iso3)
		if known[key] {
			t.Errorf("%s: economy %s twice", ec.file, ec.iso3)
		}
		known[key] = true
		for _, l := range Languages[1:] {
			e, ok := c.entries[l.Code][key]
			if !ok {
				t.Errorf("%s: no name of %s (%s)", l.Code, ec.iso3, ec.english)
				continue
			}
			if want := "economies." + l.Code + ".csv"; e.File != want {
				t.Errorf("%s, line %d: %s is not in %s", e.File, e.Line, key, want)
			}
			if e.English != ec.english {
				t.Errorf("%s, line %d: %s has English %q, ictstat names it %q (%s)", e.File, e.Line, key, e.English, ec.english, ec.file)
			}
			unterm := ""
			if col, ok := untermColumns[l.Code]; ok && ec.m49 != nil {
				unterm = untermShort(ec.m49[col])
			}
			switch {
			case unterm != "" && (e.Text != unterm || e.Status != Official || e.Source != untermSource):
				t.Errorf("%s, line %d: %s is %q (%s, source %q), want the UNTERM short name %q, official, source %q",
					e.File, e.Line, key, e.Text, e.Status, e.Source, unterm, untermSource)
			case unterm == "" && e.Status == Official:
				t.Errorf("%s, line %d: %s is official, but %s has no UNTERM short name of it in %s", e.File, e.Line, key, ec.file, l.Code)
			}
			if e.Status == Official && e.Source == "" {
				t.Errorf("%s, line %d: official without a source", e.File, e.Line)
			}
			if l.Code == "fa" {
				if strings.ContainsAny(e.Text, "\u064A\u0643\u0649") {
					t.Errorf("%s, line %d: %q has Arabic ي, ك or ى: Persian writes ی and ک", e.File, e.Line, e.Text)
				}
				if !regexp.MustCompile(`^[\p{Arabic} ،()\-\x{200C}]+$`).MatchString(e.Text) {
					t.Errorf("%s, line %d: %q has characters outside the Arabic script", e.File, e.Line, e.Text)
				}
			}
		}
	}
	for _, l := range Languages[1:] {
		for _, e := range c.Entries(l.Code) {
			if e.Kind == "economy" && !known[e.Key] {
				t.Errorf("%s, line %d: %s is not an economy of the default data", e.File, e.Line, e.Key)
			}
		}
	}
}

// TestUntermArticles checks that the French and Spanish official names keep UNTERM's trailing
// article, that DisplayName drops it, and that README.md says so.
func TestUntermArticles(t *testing.T) {
	c := load(t)
	for _, tc := range []struct{ lang, iso3, text, display string }{
		{"fr", "AFG", "Afghanistan (l')", "Afghanistan"},
		{"es", "AFG", "Afganistán (el)", "Afganistán"},
		{"fr", "NLD", "Pays-Bas (les)", "Pays-Bas"},
		{"es", "BHS", "Bahamas (las)", "Bahamas"},
		{"fr", "IRN", "Iran (République islamique d')", "Iran (République islamique d')"},
		{"es", "VEN", "Venezuela (República Bolivariana de)", "Venezuela (República Bolivariana de)"},
		{"fr", "CUB", "Cuba", "Cuba"},
		{"ru", "USA", "Соединенные Штаты Америки", "Соединенные Штаты Америки"},
	} {
		text, _, _ := c.Text(tc.lang, EconomyKey(tc.iso3))
		if text != tc.text {
			t.Errorf("Text(%s, %s) = %q, want %q", tc.lang, tc.iso3, text, tc.text)
		}
		if got := DisplayName(tc.lang, text); got != tc.display {
			t.Errorf("DisplayName(%s, %q) = %q, want %q", tc.lang, text, got, tc.display)
		}
	}
	for _, tc := range []struct{ lang, in, want string }{
		{"fr", "Bahamas (les)", "Bahamas"},
		{"fr", "Tchéquie (la)", "Tchéquie"},
		{"fr", "Égypte (l’)", "Égypte"},
		{"es", "Países Bajos (los)", "Países Bajos"},
		{"es", "Argentina (la)", "Argentina"},
		{"es", "Afghanistan (l')", "Afghanistan (l')"}, // a French article in Spanish is kept
		{"ru", "Афганистан (l')", "Афганистан (l')"},
		{"fr", "(la)", "(la)"},
		{"fr", "Saint-Martin (partie française)", "Saint-Martin (partie française)"},
	} {
		if got := DisplayName(tc.lang, tc.in); got != tc.want {
			t.Errorf("DisplayName(%s, %q) = %q, want %q", tc.lang, tc.in, got, tc.want)
		}
	}
	readme := readFile(t, "README.md")
	for _, want := range []string{"Afghanistan (l')", "Afganistán (el)", "`DisplayName`"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md does not explain UNTERM's articles (lacks %q)", want)
		}
	}
}
