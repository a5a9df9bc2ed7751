package indicators

import (
	"strings"
	"testing"
)

func TestCatalogue(t *testing.T) {
	inds, codes := Catalogue()
	if len(inds) != 41 || len(codes) != 58 {
		t.Fatalf("%d indicators and %d codes, want 41 and 58", len(inds), len(codes))
	}
	byCode := map[string]Indicator{}
	for _, ind := range inds {
		byCode[ind.Code] = ind
	}
	// Percentages are bounded by 0 and 100; per-100 indicators and counts by 0 and a bound far
	// above any real value.
	for code, want := range map[string][2]float64{
		"internet_use_pct":       {0, 100},
		"mobile_cellular_per100": {0, 1000},
		"population":             {0, 2e10},
	} {
		if got := byCode[code]; got.Min != want[0] || got.Max != want[1] {
			t.Errorf("%s: range %v–%v, want %v–%v", code, got.Min, got.Max, want[0], want[1])
		}
	}
	if ind := byCode["internet_use_pct"]; ind.SDGIndicator != "17.8.1" || ind.Unit != "% of population" {
		t.Errorf("internet_use_pct: %+v", ind)
	}
	found := false
	for _, c := range codes {
		if c.Scheme == "wdi" && c.Code == "IT.NET.USER.ZS" && c.Indicator == "internet_use_pct" {
			found = true
		}
	}
	if !found {
		t.Error("IT.NET.USER.ZS is not a WDI code of internet_use_pct")
	}
}

func TestCatalogueRules(t *testing.T) {
	header := "code,name,unit,unit_kind,min,max,polarity,aggregation,weight,custodian,sdg_indicator,core_code,description\n"
	good := "a,A,% of population,percent,0,100,higher,weighted_mean,population,ITU,,,\n"
	cases := map[string]string{
		"wrong header":        "code,name\n" + good,
		"listed twice":        header + good + good,
		"unknown unit kind":   header + "a,A,%,percentage,0,100,higher,weighted_mean,population,ITU,,,\n",
		"min above max":       header + "a,A,%,percent,100,0,higher,weighted_mean,population,ITU,,,\n",
		"bound not a number":  header + "a,A,%,percent,zero,100,higher,weighted_mean,population,ITU,,,\n",
		"no name":             header + "a,,%,percent,0,100,higher,weighted_mean,population,ITU,,,\n",
		"unknown polarity":    header + "a,A,%,percent,0,100,up,weighted_mean,population,ITU,,,\n",
		"mean without weight": header + "a,A,%,percent,0,100,higher,weighted_mean,,ITU,,,\n",
		"sum with a weight":   header + "a,A,%,count,0,,higher,sum,population,ITU,,,\n",
	}
	for name, text := range cases {
		if _, err := parseCatalogue(text); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	inds, err := parseCatalogue(header + good)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct{ text, line string }{
		"unknown indicator": {"indicator,scheme,code\nb,wdi,X\n", "line 2"},
		"code twice":        {"indicator,scheme,code\na,wdi,X\na,wdi,x\n", "line 3"},
	} {
		if _, err := parseCodes(c.text, inds); err == nil || !strings.Contains(err.Error(), c.line) {
			t.Errorf("%s: %v, want an error on %s", name, err, c.line)
		}
	}
}
