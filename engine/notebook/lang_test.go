package notebook

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	gmhtml "github.com/yuin/goldmark/renderer/html"

	"github.com/ictstat/ictstat/indicators/translations"
)

// langNotebook quotes a year and a value in its prose, and shows a table with a translated
// header, a status, a group name, a "Target N" label and numbers.
const langNotebook = "---\ntitle: \"Progress\"\n---\n\n## The world online\n\n" +
	"```sql name=x decimals=1\nSELECT 'Target 10' AS \"Target\", 'High income' AS \"Income group\", 2024 AS \"Latest year\", " +
	"67.41::DOUBLE AS \"Latest\", 'target met' AS \"Progress\", 'no such name' AS \"Status\"\n```\n\n" +
	"```sql name=y rows=0\nSELECT 2024 AS year\n```\n\n" +
	"در سال {{y.year}}، {{x.Latest | 1}}% از مردم از اینترنت استفاده کردند (SDG 17.8.1، 4G).\n"

func renderLang(t *testing.T, path, lang, digits string) (string, error) {
	t.Helper()
	nb, err := Parse(path, []byte(langNotebook))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), nb, Options{DB: testDB(t), Lang: lang, Digits: digits, Notes: []string{"E1: a note"}})
	if err != nil {
		return "", err
	}
	var page bytes.Buffer
	if err := rep.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	return page.String(), nil
}

// TestLangPersian: a Persian page is right to left, its headers, names and statuses are
// translated, numbers and codes are isolated, and it says that its prose is English and how many
// of its strings are unreviewed translations.
func TestLangPersian(t *testing.T) {
	page, err := renderLang(t, "nb.md", "fa", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<html lang="fa" dir="rtl">`,
		`<th>آخرین سال</th>`,    // Latest year
		`<th>گروه درآمدی</th>`,  // Income group
		`<td>درآمد بالا</td>`,   // High income
		`<td>هدف محقق شده</td>`, // target met
		"<td>هدف\u00a0<bdi dir=\"ltr\">10</bdi></td>",
		`<td><bdi dir="ltr">no such name</bdi></td>`,
		`<td class="num"><bdi dir="ltr">67.4</bdi></td>`,
		`<bdi dir="ltr">SDG 17.8.1</bdi>`, `<bdi dir="ltr">4G</bdi>`, `<bdi dir="ltr">67.4%</bdi>`,
		`<p class="lang-note">متن این گزارش به زبان انگلیسی است`,
		`<h2>منابع داده و ویرایش‌ها</h2>`,
		"margin-inline-start", "text-align: start", `"Vazirmatn"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the Persian page lacks %s", want)
		}
	}
	m := regexp.MustCompile(`<p class="unreviewed"><bdi dir="ltr">(\d+)</bdi> عبارت در این صفحه ترجمه‌های بازبینی‌نشده‌اند.</p>`).FindStringSubmatch(page)
	if m == nil || m[1] == "0" {
		t.Errorf("the Persian page does not count its unreviewed strings:\n%s", page)
	}
	if strings.Contains(page, "text-align: left") || strings.Contains(page, "margin-left") {
		t.Error("the Persian page has a physical left")
	}

	// Native digits, and a notebook whose prose is Persian: no note on the prose.
	page, err = renderLang(t, "nb.fa.md", "fa", "native")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<td class="num"><bdi dir="ltr">۶۷٫۴</bdi></td>`, `<bdi dir="ltr">۲۰۲۴</bdi>`, `<bdi dir="ltr">SDG 17.8.1</bdi>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page in Persian digits lacks %s", want)
		}
	}
	if strings.Contains(page, `class="lang-note"`) {
		t.Error("a Persian notebook is said to be in English")
	}
}

// TestLangLeftToRight: a French page is left to right with French words and separators, and
// isolates nothing.
func TestLangLeftToRight(t *testing.T) {
	page, err := renderLang(t, "nb.md", "fr", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<html lang="fr" dir="ltr">`, `<th>Dernière année</th>`, `<td class="num">67,4</td>`, `67,4%`, `<h2>Sources des données et éditions</h2>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the French page lacks %s", want)
		}
	}
	if strings.Contains(page, "<bdi") {
		t.Error("a left-to-right page isolates its numbers")
	}
}

// TestLangEnglishUnchanged: English, by default or by name, writes the page as it always has.
func TestLangEnglishUnchanged(t *testing.T) {
	def, err := renderLang(t, "nb.md", "", "")
	if err != nil {
		t.Fatal(err)
	}
	en, err := renderLang(t, "nb.md", "en", "western")
	if err != nil {
		t.Fatal(err)
	}
	// The render date is the zero time in both.
	if def != en {
		t.Errorf("--lang en differs from the default:\n%s\n%s", def, en)
	}
	for _, want := range []string{"<html lang=\"en\">\n", "<p class=\"meta\">Rendered 1 January 0001</p>", "<strong>Contents</strong>",
		"<th>Latest year</th>", "<td>target met</td>", "<td class=\"num\">67.4</td>", "th { text-align: left;",
		"<h2>Data sources and editions</h2>\n<ul><li>E1: a note</li></ul>\n</section>"} {
		if !strings.Contains(def, want) {
			t.Errorf("the English page lacks %q", want)
		}
	}
	for _, not := range []string{"dir=", "<bdi", "unreviewed", "lang-note"} {
		if strings.Contains(def, not) {
			t.Errorf("the English page has %s", not)
		}
	}
}

// TestLangUnknown: an unknown language or digits is refused, naming the languages.
func TestLangUnknown(t *testing.T) {
	_, err := renderLang(t, "nb.md", "de", "")
	if err == nil || !strings.Contains(err.Error(), `unknown language "de"`) || !strings.Contains(err.Error(), "fa (فارسی)") {
		t.Errorf("--lang de: %v", err)
	}
	if _, err := renderLang(t, "nb.md", "fa", "roman"); err == nil || !strings.Contains(err.Error(), "native or western") {
		t.Errorf("digits roman: %v", err)
	}
}

// TestIsolate: left-to-right runs are isolated in text only, entities kept, figures and code
// left alone.
func TestIsolate(t *testing.T) {
	in := `<p title="4G">در سال 2024، 67.4% (SDG 17.8.1) و Mbit/s &amp; 5 GB؛ licence: CC BY 4.0 (World Bank, https://example.org/a-b); 4G.</p><svg><text>2024</text></svg><code>x = 1</code>`
	want := `<p title="4G">در سال <bdi dir="ltr">2024</bdi>، <bdi dir="ltr">67.4% (SDG 17.8.1)</bdi> و <bdi dir="ltr">Mbit/s &amp; 5 GB</bdi>؛ <bdi dir="ltr">licence: CC BY 4.0 (World Bank, https://example.org/a-b); 4G</bdi>.</p><svg><text>2024</text></svg><code>x = 1</code>`
	if got := isolate(in); got != want {
		t.Errorf("isolate:\n got %s\nwant %s", got, want)
	}
}

// TestHeadingIDs: headings in other scripts have ids of their own words, unique on the page.
func TestHeadingIDs(t *testing.T) {
	h := &headingIDs{used: map[string]bool{}}
	var got []string
	for _, s := range []string{"جهان برخط", "اهداف ژنو", "جهان برخط", "WSIS+20: Progress", "!"} {
		got = append(got, string(h.Generate([]byte(s), 0)))
	}
	if want := "[جهان-برخط اهداف-ژنو جهان-برخط-1 wsis-20-progress section]"; fmt.Sprint(got) != want {
		t.Errorf("ids %v, want %s", got, want)
	}
}

// TestTranslatedNotebooks: the translated notebooks keep the parameters and blocks of their
// English notebook; a changed block is refused.
func TestTranslatedNotebooks(t *testing.T) {
	read := func(path string) *Notebook {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		nb, err := Parse(path, src)
		if err != nil {
			t.Fatal(err)
		}
		return nb
	}
	paths, _ := filepath.Glob("../../notebooks/*.*.md")
	if len(paths) < 2 {
		t.Fatalf("translated notebooks: %v", paths)
	}
	for _, p := range paths {
		lang := ProseLanguage(p)
		if lang == translations.Source {
			t.Errorf("%s: not a language's notebook", p)
			continue
		}
		orig := strings.TrimSuffix(p, "."+lang+".md") + ".md"
		if TranslationPath(orig, lang) != p {
			t.Errorf("TranslationPath(%s, %s) = %s", orig, lang, TranslationPath(orig, lang))
		}
		nb, tr := read(orig), read(p)
		if err := SameDirectives(nb, tr); err != nil {
			t.Error(err)
		}
		if !strings.Contains(tr.Blocks[0].Text, "notebooks/"+filepath.Base(orig)) {
			t.Errorf("%s does not say at the top that it is a translation of %s", p, orig)
		}
		tr.Blocks[len(tr.Blocks)-1].Text += " "
		for i := range tr.Blocks {
			if tr.Blocks[i].Kind == "sql" {
				tr.Blocks[i].Rows++
				break
			}
		}
		if err := SameDirectives(nb, tr); err == nil || !strings.Contains(err.Error(), "unchanged and in the same order") {
			t.Errorf("%s with a changed block: %v", p, err)
		}
	}
	if ProseLanguage("notebooks/wsis20.md") != "en" || ProseLanguage("a.b.md") != "en" {
		t.Error("ProseLanguage of an English notebook")
	}
}

// TestNotebookUIStrings: every interface string of the notebook files of the catalogue
// (notebook.<lang>.csv) is written by the notebook code or is a header of an example notebook,
// except the values the example notebooks' queries make.
func TestNotebookUIStrings(t *testing.T) {
	made := map[string]bool{
		"Rural population covered by at least a 2G mobile network": true, // replace() in wsis20.md
		"published": true, "withheld": true, // the status column of the aggregates
		"women behind": true, "men behind": true, // the status column of the gaps
	}
	var code strings.Builder
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("../../notebooks/*.md")
	files = append(append(files, more...), "../../cmd/ictstat/notebook.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || ProseLanguage(f) != translations.Source {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		code.Write(b)
	}
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range cat.Entries("fr") {
		if e.File != "notebook.fr.csv" {
			continue
		}
		n++
		if !made[e.English] && !strings.Contains(code.String(), `"`+e.English+`"`) {
			t.Errorf("notebook.fr.csv, line %d: %q is not a string of the notebook code or notebooks", e.Line, e.English)
		}
	}
	if n == 0 {
		t.Error("no notebook strings in the catalogue")
	}
}

// TestLangMarkdown: a Persian Markdown report is wrapped in a right-to-left block with its
// language, inside which the Markdown still renders (a heading stays a heading); an English one
// is not wrapped.
func TestLangMarkdown(t *testing.T) {
	write := func(lang string) string {
		nb, err := Parse("nb.md", []byte(langNotebook))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Run(context.Background(), nb, Options{DB: testDB(t), Lang: lang})
		if err != nil {
			t.Fatal(err)
		}
		var md bytes.Buffer
		if _, err := rep.WriteMarkdown(&md, "nb_files"); err != nil {
			t.Fatal(err)
		}
		return md.String()
	}
	fa := write("fa")
	if !strings.HasPrefix(fa, "<div lang=\"fa\" dir=\"rtl\">\n\n# ") || !strings.HasSuffix(fa, "\n</div>\n") {
		t.Errorf("the Persian Markdown is not wrapped in a right-to-left block:\n%s", fa)
	}
	var html bytes.Buffer
	if err := goldmark.New(goldmark.WithRendererOptions(gmhtml.WithUnsafe())).Convert([]byte(fa), &html); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(html.String(), "<div lang=\"fa\" dir=\"rtl\">\n<h1>") {
		t.Errorf("the Persian Markdown does not render as a right-to-left block of Markdown:\n%s", html.String())
	}
	if en := write("en"); strings.Contains(en, "<div") {
		t.Errorf("the English Markdown is wrapped:\n%s", en)
	}
}
