package main

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/indicators/translations"
	"github.com/ictstat/ictstat/indicators/translations/translationstest"
)

// TestHelpTranslated checks that every command's and flag's help has a translation, of its
// current English, in every language. It lists what is missing as rows for help.<lang>.csv.
func TestHelpTranslated(t *testing.T) {
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	texts := helpTexts(newRoot())
	if len(texts) < 100 {
		t.Fatalf("only %d help strings found", len(texts))
	}
	for _, l := range translations.Languages[1:] {
		var missing bytes.Buffer
		w := csv.NewWriter(&missing)
		n := 0
		for _, h := range texts {
			if _, _, ok := cat.Text(l.Code, h.key); ok && cat.For(l.Code).Key(h.key, h.english) != h.english {
				continue
			}
			n++
			w.Write([]string{h.key, "help", h.english, "", "unreviewed", ""})
		}
		w.Flush()
		if n > 0 {
			t.Errorf("%s: %d help strings without a translation of their English; add to indicators/translations/help.%s.csv:\n%s", l.Code, n, l.Code, missing.String())
		}
	}
	translationstest.CheckTranslated(t, append([]string{"help for %s", "version for %s", "default", moreHelp, unreviewedHelp}, usageHeadings...))
	keys := map[string]bool{}
	for _, h := range texts {
		keys[h.key] = true
	}
	for _, l := range translations.Languages[1:] {
		for _, e := range cat.Entries(l.Code) {
			if e.Kind == "help" && !keys[e.Key] {
				t.Errorf("%s, line %d: %s is no command's or flag's help (removed or renamed?)", e.File, e.Line, e.Key)
			}
		}
	}
}

// TestHelpInLanguage checks that --lang gives a command's help, its flags and the usage
// headings in the language, and English without it.
func TestHelpInLanguage(t *testing.T) {
	help := func(args ...string) string {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetArgs(args)
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	en := help("compute", "--help")
	if !strings.Contains(en, "Usage:") || !strings.Contains(en, "Compute, from the current values") {
		t.Fatalf("English help:\n%s", en)
	}
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"fr", "ar"} {
		got := help("compute", "--help", "--lang", lang)
		w := cat.For(lang)
		for _, want := range []string{w.UI("Usage:"), w.UI("Global Flags:"), w.UI(unreviewedHelp), w.Key("help:ictstat compute:long", strings.TrimSpace(newCompute(&globals{}).Long))} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: help lacks %q:\n%s", lang, want, got)
			}
		}
		if want := "(" + w.UI("default") + " 0.666"; !strings.Contains(got, want) {
			t.Errorf("%s: help lacks %q (--coverage-threshold's default):\n%s", lang, want, got)
		}
		if strings.Contains(got, "Compute, from the current values") || strings.Contains(got, "(default") {
			t.Errorf("%s: help still in English:\n%s", lang, got)
		}
	}
	// The chart command's own --lang, the language of its chart, sets its help's language too.
	if got := help("chart", "--lang", "fr", "--help"); !strings.Contains(got, cat.For("fr").UI("Usage:")) {
		t.Errorf("chart --lang fr --help:\n%s", got)
	}
}
