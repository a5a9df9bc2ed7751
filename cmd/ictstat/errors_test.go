package main

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/indicators/translations"
	"github.com/ictstat/ictstat/indicators/translations/translationstest"
)

// TestErrorsTranslated checks that every error message ictstat makes (its format), and those
// cobra and pflag make of a command line (libraryErrors), has a translation in every language's
// errors file, and that every row of those files is still the
// format of a message. It lists what is missing as rows for errors.<lang>.csv.
func TestErrorsTranslated(t *testing.T) {
	formats := translationstest.ErrorFormats(t, "../..", "usageError", "requestError")
	if len(formats) < 300 {
		t.Fatalf("only %d error formats found", len(formats))
	}
	formats = append(formats, libraryErrors...)
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, f := range formats {
		known[f] = true
	}
	for _, l := range translations.Languages[1:] {
		var missing bytes.Buffer
		w := csv.NewWriter(&missing)
		n := 0
		for _, f := range formats {
			if _, _, ok := cat.Text(l.Code, translations.UIKey(f)); !ok {
				n++
				w.Write([]string{translations.UIKey(f), "ui", f, "", "unreviewed", ""})
			}
		}
		w.Flush()
		if n > 0 {
			t.Errorf("%s: %d error messages without a translation; add to indicators/translations/errors.%s.csv:\n%s", l.Code, n, l.Code, missing.String())
		}
		for _, e := range cat.Entries(l.Code) {
			if strings.HasPrefix(e.File, translations.ErrorsArea+".") && !known[e.English] {
				t.Errorf("%s, line %d: %q is no error message's format (changed or removed?)", e.File, e.Line, e.English)
			}
		}
	}
}

// TestErrorInLanguage: with --lang, an error is printed in the language, its exit code unchanged,
// the command line's errors too; without, in English.
func TestErrorInLanguage(t *testing.T) {
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	const english = "--format must be table or json"
	if r := ictstat(t, "info", "--format", "xml"); r.code != 2 || !strings.Contains(r.stderr, english) {
		t.Fatalf("info --format xml: exit %d: %s", r.code, r.stderr)
	}
	for _, lang := range []string{"fr", "ar"} {
		want, _, ok := cat.Text(lang, translations.UIKey(english))
		if !ok {
			t.Fatalf("%s: no translation of %q", lang, english)
		}
		r := ictstat(t, "--lang", lang, "info", "--format", "xml")
		if r.code != 2 || !strings.Contains(r.stderr, "ictstat: "+want) {
			t.Errorf("--lang %s info --format xml: exit %d: %s, want %q", lang, r.code, r.stderr, want)
		}
	}
	// A command's own --lang, the language of its output, is that of its errors too.
	want, _, _ := cat.Text("fr", translations.UIKey(english))
	if r := ictstat(t, "info", "--format", "xml", "--lang", "fr"); !strings.Contains(r.stderr, want) {
		t.Errorf("info --format xml --lang fr: %s", r.stderr)
	}
	// cobra's and pflag's errors: an unknown flag, and an unknown command, which cobra finds
	// before it parses any flag.
	for _, args := range [][]string{{"--lang", "fr", "info", "--nosuch"}, {"--lang=fr", "nosuch"}} {
		if r := ictstat(t, args...); r.code != 2 || strings.Contains(r.stderr, "unknown") || !strings.Contains(r.stderr, "inconnu") {
			t.Errorf("%q: exit %d: %s", args, r.code, r.stderr)
		}
	}
}
