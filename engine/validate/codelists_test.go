package validate

import (
	"slices"
	"testing"
)

func TestCanonicalAge(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" means rejected
	}{
		// Totals.
		{"", AgeTotal},
		{"  ", AgeTotal},
		{"allage", AgeTotal},
		{"ALLAGE", AgeTotal},
		{"notspec", AgeTotal},
		{"_T", AgeTotal},
		{"Y_T", AgeTotal},
		{"_Z", AgeTotal},
		{"Total", AgeTotal},
		{"all ages", AgeTotal},
		// Ranges.
		{"15_24", "15-24"},
		{"15-24", "15-24"},
		{" 15 - 24 ", "15-24"},
		{"15 to 24", "15-24"},
		{"15-24 years", "15-24"},
		{"Y15T24", "15-24"},
		{"y0t14", "0-14"},
		{"015-024", "15-24"},
		{"0-150", "0-150"},
		// Open upwards.
		{"15", "15+"},
		{"15+", "15+"},
		{"15 +", "15+"},
		{"65plus", "65+"},
		{"15_plus", "15+"},
		{"75 and over", "75+"},
		{"75 years and over", "75+"},
		{"Y_GE15", "15+"},
		{"YGE15", "15+"},
		{"ge_65", "65+"},
		{"150+", "150+"},
		// Open downwards.
		{"lt15y", "<15"},
		{"LT15", "<15"},
		{"<15", "<15"},
		{"< 5", "<5"},
		{"Y_LT15", "<15"},
		{"ylt5", "<5"},
		{"under 5", "<5"},
		// Rejected.
		{"24-15", ""},
		{"15-15", ""},
		{"15-151", ""},
		{"Y24T15", ""},
		{"200+", ""},
		{"151", ""},
		{"<0", ""},
		{"lt0", ""},
		{"<151", ""},
		{"1524", ""},
		{"15-", ""},
		{"-24", ""},
		{"15+24", ""},
		{"15-24-35", ""},
		{"15–24", ""}, // an en dash
		{"abc", ""},
		{"adults", ""},
	} {
		got, ok := CanonicalAge(tc.in)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("CanonicalAge(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.want != "")
		}
	}
}

func TestCodes(t *testing.T) {
	for dim, want := range map[string][]string{
		"sex":   {"total", "female", "male"},
		"area":  {"total", "urban", "rural"},
		"flag":  {"A", "E", "M", "G", "CA", "N", "P", "B", "F"},
		"unit":  {"percent", "per100", "count", "pct_gni", "usd", "ppp", "gb", "ratio", "index"},
		"color": nil,
	} {
		var got []string
		for i, c := range Codes(dim) {
			if c.Dimension != dim || int(c.ID) != i || c.Label == "" {
				t.Errorf("Codes(%q)[%d] = %+v: want dimension %s, ID %d and a label", dim, i, c, dim, i)
			}
			got = append(got, c.Code)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Codes(%q) = %q, want %q", dim, got, want)
		}
	}
}

func TestCanonicalCode(t *testing.T) {
	for _, c := range []struct{ dim, in, want string }{
		{"sex", "F", "female"}, {"sex", " women ", "female"}, {"sex", "Male", "male"}, {"sex", "both sexes", "total"},
		{"area", "U", "urban"}, {"area", "rural areas", "rural"}, {"age", "Y15T24", "15-24"}, {"age", "75+", "75+"},
		{"sex", "xyz", ""}, {"area", "town", ""}, {"age", "young", ""},
	} {
		got, ok := CanonicalCode(c.dim, c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("CanonicalCode(%q, %q) = %q, %v; want %q", c.dim, c.in, got, ok, c.want)
		}
	}
}
