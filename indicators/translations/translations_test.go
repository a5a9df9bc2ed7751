package translations

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// Paths of the source files the data keys are taken from, relative to this package.
const (
	catalogueCSV  = "../catalogue.csv"
	targetsDir    = "../targets/data"
	groupsCSV     = "../../datasets/default/groups.csv"
	m49CSV        = "../../datasets/default/un_m49_country_codes_ldc_lldc_sids.csv"
	sdgRegionsCSV = "../../datasets/default/gapminder_geo_un_sdg_region.csv"
	extraEconCSV  = "../../datasets/default/economies_extra.csv"
	referenceGo   = "../../datasets/reference.go"
	styleGo       = "../../engine/chart/style.go"
)

// uiSourceDirs hold the Go code that draws interface strings on charts and reports.
var uiSourceDirs = []string{"../../engine/chart", "../figures", "../report"}

// uiPlanned are interface strings covered before the code draws them literally (axis and legend
// words of the charts and reports to come); every other ui: key must occur in uiSourceDirs.
var uiPlanned = map[string]bool{
	"Projection": true, "Target": true, "World": true, "% of population": true, "per 100 inhabitants": true,
}

// sameAsEnglish lists, per language, the English texts whose translation may equal the English,
// with the reason.
var sameAsEnglish = map[string]map[string]string{
	"fr": {
		"%s, via %s":   "the same words in French",
		"note":         "the same word in French",
		"citation":     "the same word in French",
		"Code":         "the same word in French",
		"Rural %":      "the same word in French",
		"score":        "the same word in French",
		"USD":          "currency code",
		"Connect 2020": "ITU's French name of the agenda",
		"Connect 2030": "ITU's French name of the agenda",
		"Europe":       "French spelling of the region",
		"Projection":   "French word",
		"observations": "the same word in French",
		"licence":      "the same word in French",
		"format":       "the same word in French",
		"code":         "the same word in French",
	},
	"es": {
		"no":         "the same word in Spanish",
		"universal":  "the same word in Spanish",
		"USD":        "currency code",
		"Asia":       "Spanish spelling of the region",
		"Melanesia":  "Spanish spelling of the region",
		"Micronesia": "Spanish spelling of the region",
	},
}

// numberDropped lists, per language, numbers of an English text a translation may express in
// words instead of digits, with the word that stands for them.
var numberDropped = map[string]map[string]string{
	"zh": {"100": "每百"},
}

func load(t *testing.T) *Catalogue {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sourceStrings returns the English text of every data key, read from the repository's source
// files, and the file each key comes from.
func sourceStrings(t *testing.T) (english, from map[string]string) {
	english, from = map[string]string{}, map[string]string{}
	add := func(key, text, file string) {
		if prev, ok := english[key]; ok && prev != text {
			t.Fatalf("%s: key %s has two English texts, %q and %q", file, key, prev, text)
		}
		english[key], from[key] = text, file
	}
	for _, r := range readCSV(t, catalogueCSV) {
		add(IndicatorKey(r["code"], "name"), r["name"], catalogueCSV)
		add(IndicatorKey(r["code"], "unit"), r["unit"], catalogueCSV)
	}
	fwFile := filepath.Join(targetsDir, "frameworks.csv")
	for _, fw := range readCSV(t, fwFile) {
		add(FrameworkKey(fw["framework"], "name"), fw["name"], fwFile)
		add(FrameworkKey(fw["framework"], "short_name"), fw["short_name"], fwFile)
		file := filepath.Join(targetsDir, fw["framework"]+".csv")
		n := map[string]int{}
		for _, r := range readCSV(t, file) {
			n[r["code"]]++
			add(TargetKey(r["framework"], r["code"], n[r["code"]]), r["wording"], file)
		}
	}
	for _, r := range readCSV(t, groupsCSV) {
		add(GroupKey(r["code"]), r["name"], groupsCSV)
	}
	// UN M49 regions, sub-regions and intermediate regions: group M49_<code>.
	m49 := map[int]bool{}
	for _, r := range readCSV(t, m49CSV) {
		for _, l := range [][2]string{{"Region Code", "Region Name"}, {"Sub-region Code", "Sub-region Name"},
			{"Intermediate Region Code", "Intermediate Region Name"}} {
			code, err := strconv.Atoi(strings.TrimSpace(r[l[0]]))
			if err != nil || code == 0 {
				continue
			}
			m49[code] = true
			add(fmt.Sprintf("group:M49_%03d:name", code), r[l[1]], m49CSV)
		}
	}
	// SDG regions M49 does not define, by the M49 codes datasets/reference.go gives them.
	codes := map[string]int{}
	for _, m := range regexp.MustCompile(`"(un_[a-z_]+)":\s*(\d+),`).FindAllStringSubmatch(readFile(t, referenceGo), -1) {
		codes[m[1]], _ = strconv.Atoi(m[2])
	}
	if len(codes) == 0 {
		t.Fatalf("%s: no SDG region codes found (sdgRegionCodes)", referenceGo)
	}
	for _, r := range readCSV(t, sdgRegionsCSV) {
		code, ok := codes[r["un_sdg_region"]]
		if !ok {
			t.Fatalf("%s: no M49 code for %s", sdgRegionsCSV, r["un_sdg_region"])
		}
		if !m49[code] {
			add(fmt.Sprintf("group:M49_%03d:name", code), r["name"], sdgRegionsCSV)
		}
	}
	// Economies, by ISO3 code, named as datasets/reference.go names them (economyNames).
	for _, ec := range economyNames(t) {
		add(EconomyKey(ec.iso3), ec.english, ec.file)
	}
	src := readFile(t, styleGo)
	i := strings.Index(src, "var StatusColors")
	if i < 0 {
		t.Fatalf("%s: no StatusColors", styleGo)
	}
	block := src[i:]
	block = block[:strings.Index(block, "\n}")]
	for _, m := range regexp.MustCompile(`"([^"]+)":`).FindAllStringSubmatch(block, -1) {
		add(StatusKey(m[1]), m[1], styleGo)
	}
	return english, from
}

func TestLanguages(t *testing.T) {
	var codes []string
	for _, l := range Languages {
		codes = append(codes, l.Code)
		if l.Name == "" || (l.Direction != "rtl" && l.Direction != "ltr") {
			t.Errorf("language %s: name %q, direction %q", l.Code, l.Name, l.Direction)
		}
		if want := l.Code == "ar" || l.Code == "fa"; (l.Direction == "rtl") != want {
			t.Errorf("language %s: direction %s", l.Code, l.Direction)
		}
	}
	if want := []string{"en", "ar", "fa", "fr", "es", "ru", "zh"}; !slices.Equal(codes, want) {
		t.Errorf("Languages = %v, want %v", codes, want)
	}
}

func TestLoad(t *testing.T) {
	c := load(t)
	for _, l := range Languages[1:] {
		if len(c.Entries(l.Code)) == 0 {
			t.Errorf("%s.csv has no rows", l.Code)
		}
	}
	if c.Entries("en") != nil {
		t.Error("Entries(en) is not nil")
	}
}

// TestSameKeys checks that every key of one file is in all six, with the same English.
func TestSameKeys(t *testing.T) {
	c := load(t)
	all := map[string]string{} // key → language of its first file
	for _, l := range Languages[1:] {
		for _, e := range c.Entries(l.Code) {
			if _, ok := all[e.Key]; !ok {
				all[e.Key] = l.Code
			}
		}
	}
	for key, first := range all {
		want, _, _ := c.Text("en", key)
		ref := c.entries[first][key]
		for _, l := range Languages[1:] {
			e, ok := c.entries[l.Code][key]
			if !ok {
				t.Errorf("%s.csv: no key %s (it is in %s.csv, line %d)", l.Code, key, first, ref.Line)
				continue
			}
			if e.English != ref.English {
				t.Errorf("%s, line %d: key %s has English %q, %s.csv %q", e.File, e.Line, key, e.English, first, want)
			}
		}
	}
}

// TestEnglishMatchesSources checks that every data key's English is the current English of the
// source file it was taken from, and that every string of those files has a key.
func TestEnglishMatchesSources(t *testing.T) {
	c := load(t)
	english, from := sourceStrings(t)
	for _, l := range Languages[1:] {
		for _, e := range c.Entries(l.Code) {
			if e.Kind == "ui" || e.Kind == "help" {
				continue // checked against the code, by the tests of the packages that use them
			}
			want, ok := english[e.Key]
			switch {
			case !ok:
				t.Errorf("%s, line %d: key %s is not in the source files (removed or renamed?)", e.File, e.Line, e.Key)
			case e.English != want:
				t.Errorf("%s, line %d: %s: the English is now %q in %s, the translation is of %q: update it",
					e.File, e.Line, e.Key, want, from[e.Key], e.English)
			}
		}
		for key := range english {
			if _, ok := c.entries[l.Code][key]; !ok {
				t.Errorf("%s.csv: no translation of %s (%q, from %s)", l.Code, key, english[key], from[key])
			}
		}
	}
}

// TestUIStringsInCode checks that every interface string of the main files (fr.csv and its
// like) is drawn literally by the chart and report code (unless listed in uiPlanned), so that a
// reworded label fails until its key follows. The strings of an area's files (<area>.<lang>.csv)
// are checked by the tests of that area's package.
func TestUIStringsInCode(t *testing.T) {
	c := load(t)
	var code strings.Builder
	join := regexp.MustCompile(`"\s*\+\s*"`) // "a " + "b" → "a b"
	for _, dir := range uiSourceDirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files (%v)", dir, err)
		}
		for _, f := range files {
			if !strings.HasSuffix(f, "_test.go") {
				code.WriteString(join.ReplaceAllString(readFile(t, f), ""))
			}
		}
	}
	src := code.String()
	for _, e := range c.Entries("fr") {
		if e.File == "fr.csv" && e.Kind == "ui" && !uiPlanned[e.English] && !strings.Contains(src, e.English) {
			t.Errorf("ui string %q is not in the code of %v (reworded?); update the key or list it in uiPlanned", e.English, uiSourceDirs)
		}
	}
	for s := range uiPlanned {
		if _, _, ok := c.Text("fr", UIKey(s)); !ok {
			t.Errorf("planned ui string %q has no key", s)
		}
	}
}

func TestStatuses(t *testing.T) {
	c := load(t)
	for _, l := range Languages[1:] {
		for _, e := range c.Entries(l.Code) {
			if !slices.Contains(Statuses, e.Status) {
				t.Errorf("%s, line %d: status %q", e.File, e.Line, e.Status)
			}
			if e.Status == Official && e.Source == "" {
				t.Errorf("%s, line %d: official without a source", e.File, e.Line)
			}
		}
	}
}

// TestScripts checks that every text is written in its language's script, and that Persian uses
// the Persian letters yeh and keheh where Arabic has its own (and the reverse).
func TestScripts(t *testing.T) {
	c := load(t)
	scripts := map[string]*unicode.RangeTable{"ar": unicode.Arabic, "fa": unicode.Arabic, "ru": unicode.Cyrillic, "zh": unicode.Han}
	forbidden := map[string]string{
		"fa": "\u064A\u0643\u0649", // Arabic yeh, Arabic kaf, alef maksura: Persian writes ی (U+06CC) and ک (U+06A9)
		"ar": "\u06CC\u06A9",       // Persian yeh and keheh
	}
	for lang, table := range scripts {
		for _, e := range c.Entries(lang) {
			if !strings.ContainsFunc(e.Text, func(r rune) bool { return unicode.In(r, table) && unicode.IsLetter(r) }) {
				t.Errorf("%s, line %d: %q has no letter of the %s script", e.File, e.Line, e.Text, lang)
			}
			if i := strings.IndexAny(e.Text, forbidden[lang]); i >= 0 {
				t.Errorf("%s, line %d: %q has the letter %U, not used in this language", e.File, e.Line, e.Text, []rune(e.Text[i:])[0])
			}
		}
	}
}

func TestNotIdenticalToEnglish(t *testing.T) {
	c := load(t)
	for _, l := range Languages[1:] {
		for _, e := range c.Entries(l.Code) {
			if e.Text == e.English {
				if e.Kind == "economy" && (l.Code == "fr" || l.Code == "es") {
					continue // a place name is often written the same in French or Spanish: Aruba, Cuba, Guam
				}
				if _, ok := sameAsEnglish[l.Code][e.English]; !ok {
					t.Errorf("%s, line %d: %s is not translated (%q); translate it or list it in sameAsEnglish", e.File, e.Line, e.Key, e.Text)
				}
			}
		}
	}
	for lang, m := range sameAsEnglish {
		for english := range m {
			found := false
			for _, e := range c.Entries(lang) {
				found = found || (e.English == english && e.Text == english)
			}
			if !found {
				t.Errorf("sameAsEnglish[%s] lists %q, which no longer needs it", lang, english)
			}
		}
	}
}

// TestNumbersKept checks that every number of an English text occurs in its translation.
func TestNumbersKept(t *testing.T) {
	c := load(t)
	num := regexp.MustCompile(`\d+(\.\d+)?`)
	for _, l := range Languages[1:] {
		for _, e := range c.Entries(l.Code) {
			for _, n := range num.FindAllString(e.English, -1) {
				if w, ok := numberDropped[l.Code][n]; ok && strings.Contains(e.Text, w) {
					continue
				}
				if !containsNumber(e.Text, n) {
					t.Errorf("%s, line %d: %q lacks the number %s of %q", e.File, e.Line, e.Text, n, e.English)
				}
			}
		}
	}
}

// containsNumber reports whether s has n with no other digit directly before or after it.
func containsNumber(s, n string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], n)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !unicode.IsDigit(rune(s[j-1]))
		end := j + len(n)
		after := end == len(s) || !unicode.IsDigit(rune(s[end]))
		if before && after {
			return true
		}
		i = j + 1
	}
}

// TestFormatVerbs checks that an interface string used as a format keeps its verbs: the same
// verb for each argument, the arguments in the English order or, where the language orders them
// otherwise, taken by explicit index (%[3]s).
func TestFormatVerbs(t *testing.T) {
	c := load(t)
	for _, l := range Languages[1:] {
		for _, e := range c.Entries(l.Code) {
			want, got := formatArgs(e.English), formatArgs(e.Text)
			if !slices.Equal(want, got) {
				t.Errorf("%s, line %d: format verbs %v, want %v (%q)", e.File, e.Line, got, want, e.English)
			}
		}
	}
}

// formatArgs lists a format's verbs by the argument each formats ("1:s", "2:d", ...), in
// argument order, as fmt numbers them: from 1, an explicit index setting the next; "%%" is left
// out.
func formatArgs(format string) []string {
	verbs := regexp.MustCompile(`%(\[(\d+)\])?[-+#0]*\d*(\.\d+)?([dsvgfqwT%])`)
	var out []string
	next := 1
	for _, m := range verbs.FindAllStringSubmatch(format, -1) {
		if m[4] == "%" {
			continue
		}
		if m[2] != "" {
			next, _ = strconv.Atoi(m[2])
		}
		out = append(out, fmt.Sprintf("%d:%s", next, m[4]))
		next++
	}
	slices.Sort(out)
	return out
}

func TestTextAndUI(t *testing.T) {
	c := load(t)
	if got := c.UI("en", "Women"); got != "Women" {
		t.Errorf("UI(en, Women) = %q", got)
	}
	if got := c.UI("fr", "Women"); got != "Femmes" {
		t.Errorf("UI(fr, Women) = %q, want Femmes", got)
	}
	if got := c.UI("fr", "no such label"); got != "no such label" {
		t.Errorf("UI(fr, unknown) = %q, want the English", got)
	}
	text, status, ok := c.Text("en", IndicatorKey("internet_use_pct", "name"))
	if !ok || status != SourceText || text != "Individuals using the Internet" {
		t.Errorf("Text(en, internet_use_pct name) = %q, %q, %v", text, status, ok)
	}
	text, status, ok = c.Text("zh", GroupKey("LDC"))
	if !ok || status == "" || text != "最不发达国家" {
		t.Errorf("Text(zh, LDC) = %q, %q, %v", text, status, ok)
	}
	if _, _, ok := c.Text("de", GroupKey("LDC")); ok {
		t.Error("Text(de, …) found a translation")
	}
	if _, _, ok := c.Text("fr", "group:NONE:name"); ok {
		t.Error("Text(fr, unknown key) found a translation")
	}
	if _, _, ok := c.Text("ar", StatusKey(" Target met ")); !ok {
		t.Error("StatusKey does not match statuses without regard to case and spaces")
	}
}

func TestKeys(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{TargetKey("umc_2030", "UMC.7", 1), "target:umc_2030:UMC.7:wording"},
		{TargetKey("umc_2030", "UMC.7", 2), "target:umc_2030:UMC.7#2:wording"},
		{IndicatorKey("population", "unit"), "indicator:population:unit"},
		{FrameworkKey("connect_2030", "short_name"), "framework:connect_2030:short_name"},
		{GroupKey("M49_002"), "group:M49_002:name"},
		{EconomyKey("AFG"), "economy:AFG:name"},
		{StatusKey("On track"), "status:on track"},
		{UIKey("Year"), "ui:Year"},
	} {
		if tc.got != tc.want {
			t.Errorf("key %q, want %q", tc.got, tc.want)
		}
	}
}

// TestCounts checks that the counts add up and that README.md states them.
func TestCounts(t *testing.T) {
	c := load(t)
	readme := readFile(t, "README.md")
	for _, l := range Languages[1:] {
		n := c.Counts(l.Code)
		total := 0
		for _, s := range Statuses {
			total += n[s]
		}
		if total != len(c.Entries(l.Code)) || len(n) != len(Statuses) {
			t.Errorf("%s: counts %v, %d entries", l.Code, n, len(c.Entries(l.Code)))
		}
		row := fmt.Sprintf("| %s | %d | %d | %d | %d |", l.Code, n[Official], n[Reviewed], n[Unreviewed], total)
		if !strings.Contains(readme, row) {
			t.Errorf("README.md lacks the row %q", row)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const header = "key,kind,english,text,status,source\n"
	for _, tc := range []struct {
		name, input  string
		line, column int
		reason       string
	}{
		{"header", "key,kind,english,text\n", 1, 1, "the header must be"},
		{"empty file", "", 1, 1, "empty file"},
		{"unknown status", header + "ui:Year,ui,Year,Année,draft,\n", 2, 5, `unknown status "draft"`},
		{"duplicate key", header + "ui:Year,ui,Year,Année,unreviewed,\nui:Men,ui,Men,Hommes,unreviewed,\nui:Year,ui,Year,An,unreviewed,\n", 4, 1, "duplicate key"},
		{"empty text", header + "ui:Year,ui,Year,,unreviewed,\n", 2, 4, "empty text"},
		{"blank text", header + "ui:Year,ui,Year,  ,unreviewed,\n", 2, 4, "empty text"},
		{"too few columns", header + "ui:Year,ui,Year,Année,unreviewed\n", 2, 6, "5 columns, want 6"},
		{"too many columns", header + "ui:Year,ui,Year,Année,unreviewed,,x\n", 2, 7, "7 columns, want 6"},
		{"unknown kind", header + "colour:red,colour,red,rouge,unreviewed,\n", 2, 2, "unknown kind"},
		{"kind and key", header + "group:LDC:name,ui,Least developed countries,PMA,unreviewed,\n", 2, 1, "does not start with its kind"},
		{"ui english", header + "ui:Year,ui,Years,Année,unreviewed,\n", 2, 3, "its key without"},
		{"official without source", header + "ui:Year,ui,Year,Année,official,\n", 2, 6, "needs its source"},
		{"quoted field over lines", header + "ui:Men,ui,Men,Hommes,unreviewed,\n\"ui:Year\",ui,Year,\"Ann\nées\",bad,\n", 4, 5, "unknown status"},
		{"csv syntax", header + "ui:Year,ui,Year,\"Année,unreviewed,\n", 2, 0, "quote"},
	} {
		_, err := Parse("xx.csv", strings.NewReader(tc.input))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: error %v, want a *ParseError", tc.name, err)
			continue
		}
		if pe.File != "xx.csv" || pe.Line != tc.line || (tc.column > 0 && pe.Column != tc.column) || !strings.Contains(pe.Reason, tc.reason) {
			t.Errorf("%s: %v; want xx.csv, line %d, column %d: …%s…", tc.name, err, tc.line, tc.column, tc.reason)
		}
		if !strings.HasPrefix(err.Error(), fmt.Sprintf("xx.csv, line %d, column ", pe.Line)) {
			t.Errorf("%s: message %q does not name file, line and column", tc.name, err)
		}
	}
	entries, err := Parse("ok.csv", strings.NewReader(header+"ui:Year,ui,Year,Année,official,https://example.org/doc\n"))
	if err != nil || len(entries) != 1 || entries[0].Status != Official || entries[0].Line != 2 {
		t.Errorf("valid file: %v, %+v", err, entries)
	}
}
