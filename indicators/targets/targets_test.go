package targets

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestFrameworks(t *testing.T) {
	fws, err := Frameworks()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, f := range fws {
		counts[f.Code] = len(f.Targets)
	}
	want := map[string]int{"wsis_geneva_2003": 11, "connect_2020": 17, "connect_2030": 14, "umc_2030": 12, "broadband_commission_2025": 9}
	for code, n := range want {
		if counts[code] != n {
			t.Errorf("%s: %d rows, want %d", code, counts[code], n)
		}
	}
	wsis, _ := Find(fws, "wsis_geneva_2003")
	codes := map[string]bool{}
	unmeasured := 0
	for _, tg := range wsis.Targets {
		codes[tg.Code] = true
		if !tg.Measured() {
			unmeasured++
		}
		if tg.Deadline != 2015 {
			t.Errorf("%s: deadline %d", tg.Code, tg.Deadline)
		}
	}
	// The ten Geneva targets, of which T2–T9 have no global data.
	if len(codes) != 10 || unmeasured != 8 {
		t.Errorf("%d WSIS targets, %d without data; want 10 and 8", len(codes), unmeasured)
	}
	// Values the reference tags as recalled stay flagged.
	c2030, _ := Find(fws, "connect_2030")
	for _, tg := range c2030.Targets {
		if tg.Code == "1.2" && (tg.Value != 70 || tg.Verification != "unverified") {
			t.Errorf("Connect 2030 1.2: %v %s", tg.Value, tg.Verification)
		}
	}
}

func TestMet(t *testing.T) {
	cases := []struct {
		t       Target
		v, base float64
		met     bool
		level   float64
	}{
		{Target{Comparator: "gt", Value: 50, MetAt: math.NaN(), Basis: "absolute"}, 50, 0, false, 50},
		{Target{Comparator: "gt", Value: 50, MetAt: math.NaN(), Basis: "absolute"}, 50.1, 0, true, 50},
		{Target{Comparator: "ge", Value: 100, MetAt: 95, Basis: "absolute"}, 95, 0, true, 95},
		{Target{Comparator: "ge", Value: 100, MetAt: 95, Basis: "absolute"}, 94.9, 0, false, 95},
		{Target{Comparator: "le", Value: 0.75, MetAt: math.NaN(), Basis: "baseline_ratio"}, 3, 4, true, 3},
		{Target{Comparator: "le", Value: 0.75, MetAt: math.NaN(), Basis: "baseline_ratio"}, 3.1, 4, false, 3},
		{Target{Comparator: "lt", Value: 2, MetAt: math.NaN(), Basis: "absolute"}, 2, 0, false, 2},
		{Target{Comparator: "parity", Value: 1, MetAt: 1.02, Basis: "absolute"}, 0.981, 0, true, 1.02},
		{Target{Comparator: "parity", Value: 1, MetAt: 1.02, Basis: "absolute"}, 0.97, 0, false, 1.02},
		{Target{Comparator: "parity", Value: 1, MetAt: 1.02, Basis: "absolute"}, 1.021, 0, false, 1.02},
		// Within the tolerance: 94.9 misses 95 by less than 0.5, 1/0.979 = 1.0215 misses 1.02 by less than 0.005.
		{Target{Comparator: "ge", Value: 100, MetAt: 95, Basis: "absolute", Tolerance: 0.5}, 94.9, 0, true, 95},
		{Target{Comparator: "ge", Value: 100, MetAt: 95, Basis: "absolute", Tolerance: 0.5}, 94.4, 0, false, 95},
		{Target{Comparator: "le", Value: 5, MetAt: math.NaN(), Basis: "absolute", Tolerance: 0.5}, 5.4, 0, true, 5},
		{Target{Comparator: "parity", Value: 1, MetAt: 1.02, Basis: "absolute", Tolerance: 0.005}, 0.979, 0, true, 1.02},
		{Target{Comparator: "parity", Value: 1, MetAt: 1.02, Basis: "absolute", Tolerance: 0.005}, 0.97, 0, false, 1.02},
	}
	for _, c := range cases {
		if got := c.t.Met(c.v, c.base); got != c.met {
			t.Errorf("%s %v (base %v): met = %v", c.t.Comparator, c.v, c.base, got)
		}
		if got := c.t.Level(c.base); got != c.level {
			t.Errorf("%s (base %v): level %v, want %v", c.t.Comparator, c.base, got, c.level)
		}
	}
}

func TestTargetRules(t *testing.T) {
	fw := Framework{Code: "f"}
	known := map[string]bool{"internet_use_pct": true}
	good := []string{"f", "1", "", "wording", "internet_use_pct", "ge", "50", "absolute", "2015", "2030", "world", "", "0.5", "verified", ""}
	bad := map[string]func(r []string){
		"unknown indicator":       func(r []string) { r[4] = "nothing" },
		"unknown derivation":      func(r []string) { r[4] = "ratio:internet_use_pct" },
		"unknown comparator":      func(r []string) { r[5] = ">=" },
		"no value":                func(r []string) { r[6] = "" },
		"baseline after deadline": func(r []string) { r[8] = "2031" },
		"unknown scope":           func(r []string) { r[10] = "europe" },
		"unknown verification":    func(r []string) { r[13] = "R" },
		"negative tolerance":      func(r []string) { r[12] = "-0.5" },
		"tolerance not a number":  func(r []string) { r[12] = "half" },
		"parity without gps":      func(r []string) { r[5] = "parity"; r[6] = "1"; r[11] = "1.02" },
		"unmeasured with value":   func(r []string) { r[4] = ""; r[12] = ""; r[14] = "no global data" },
		"unmeasured without why":  func(r []string) { r[4], r[5], r[6], r[12] = "", "", "", "" },
		"unmeasured with tolerance": func(r []string) {
			r[4], r[5], r[6], r[14] = "", "", "", "no global data"
		},
		"other framework": func(r []string) { r[0] = "g" },
	}
	tg, err := parseTarget(good)
	if err == nil {
		err = tg.check(fw, known)
	}
	if err != nil {
		t.Fatalf("the good row: %v", err)
	}
	for name, spoil := range bad {
		r := append([]string(nil), good...)
		spoil(r)
		tg, err := parseTarget(r)
		if err == nil {
			err = tg.check(fw, known)
		}
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.TrimSpace(err.Error()) == "" {
			t.Errorf("%s: empty error", name)
		}
	}
}

func TestApplicable(t *testing.T) {
	bb3 := []string{"world", "developing", "ldc"} // Broadband Commission BB.3: 75%, 65%, 35%
	member := func(scopes ...string) func(string) bool {
		return func(s string) bool { return slices.Contains(scopes, s) }
	}
	for _, c := range []struct {
		name   string
		scopes []string
		in     func(string) bool
		want   string
	}{
		{"an LDC: the LDC level", bb3, member("developing", "ldc"), "ldc"},
		{"a developing economy: the developing level", bb3, member("developing"), "developing"},
		{"a high-income economy: the world level", bb3, member(), "world"},
		{"a target for developing countries only, high income: none", []string{"developing"}, member(), ""},
		{"a target for each economy", []string{"economy"}, member(), "economy"},
	} {
		if got := Applicable(c.scopes, c.in); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
