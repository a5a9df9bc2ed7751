package figures_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/indicators/compute/computetest"
	"github.com/ictstat/ictstat/indicators/figures"
	"github.com/ictstat/ictstat/indicators/translations"
)

// TestFiguresInTheirLanguage builds a trend in every language and checks that its title, unit,
// legend and source line are the catalogue's words of the language, and that the chart carries
// its language and digits.
func TestFiguresInTheirLanguage(t *testing.T) {
	db := computetest.Open(t)
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	req := figures.Request{Kind: figures.Trend, Indicator: "internet_use_pct", Entities: []string{"WLD", "ITU_ARB", "KEN"},
		From: 2005, To: 2024, Target: "umc_2030:UMC.1"}
	for _, l := range translations.Languages[1:] {
		r := req
		r.Lang, r.Digits = l.Code, "native"
		c := build(t, db, r).(chart.Trend)
		word := func(key string) string {
			s, _, ok := cat.Text(l.Code, key)
			if !ok {
				t.Fatalf("%s: no %s", l.Code, key)
			}
			return s
		}
		if name := word(translations.IndicatorKey("internet_use_pct", "name")); !strings.HasPrefix(c.Title, name) {
			t.Errorf("%s: title %q, want it to start with %q", l.Code, c.Title, name)
		}
		if unit := word(translations.IndicatorKey("internet_use_pct", "unit")); c.YLabel != unit {
			t.Errorf("%s: y axis %q, want %q", l.Code, c.YLabel, unit)
		}
		want := []string{word(translations.GroupKey("WLD")), word(translations.GroupKey("ITU_ARB")),
			translations.DisplayName(l.Code, word(translations.EconomyKey("KEN")))}
		var got []string
		for _, line := range c.Lines {
			if line.Label != "" {
				got = append(got, line.Label)
			}
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: legend %q, want %q", l.Code, got, want)
		}
		if src := word(translations.UIKey("Source:")); !strings.HasPrefix(c.Source, src+" ") {
			t.Errorf("%s: source line %q, want it to start with %q", l.Code, c.Source, src)
		}
		if !strings.Contains(c.Source, "ITU") {
			t.Errorf("%s: source line %q does not name ITU", l.Code, c.Source)
		}
		if c.Lang != l.Code || c.Digits != "native" || c.Words == nil {
			t.Errorf("%s: chart language %q, digits %q, words %v", l.Code, c.Lang, c.Digits, c.Words)
		}
	}
	en := build(t, db, req).(chart.Trend)
	if !strings.HasPrefix(en.Title, "Individuals using the Internet") || en.Lang != "" {
		t.Errorf("English: title %q, language %q", en.Title, en.Lang)
	}
	for _, bad := range []figures.Request{{Lang: "xx"}, {Lang: "ar", Digits: "roman"}} {
		r := req
		r.Lang, r.Digits = bad.Lang, bad.Digits
		if _, err := figures.Build(ctx, db, r); !errors.Is(err, figures.ErrRequest) {
			t.Errorf("language %q, digits %q: error %v, want a request error", bad.Lang, bad.Digits, err)
		}
	}
}
