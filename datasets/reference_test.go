package datasets_test

import (
	"encoding/csv"
	"testing"
	"time"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/engine/store"
)

func TestReference(t *testing.T) {
	ref, err := datasets.Reference()
	if err != nil {
		t.Fatal(err)
	}
	// 249 ISO 3166 entries of the M49 table and Kosovo, the Channel Islands, the former
	// Netherlands Antilles and Ascension.
	if len(ref.Economies) != 253 {
		t.Errorf("%d economies, want 253", len(ref.Economies))
	}
	if len(ref.Indicators) != 41 {
		t.Errorf("%d indicators, want 41", len(ref.Indicators))
	}
	members := map[string]int{} // in the current composition: memberships without a last year
	for _, m := range ref.Members {
		if m.LastYear == 0 {
			members[m.Group]++
		}
	}
	// itu_regions.csv lists 197 economies (PROVENANCE.md gives each region's count); every
	// economy is in the world.
	for g, n := range map[string]int{"ITU_AFR": 44, "ITU_AMS": 35, "ITU_ARB": 22, "ITU_ASP": 41, "ITU_CIS": 9, "ITU_EUR": 46, "WLD": 253} {
		if members[g] != n {
			t.Errorf("%s holds %d economies, want %d", g, members[g], n)
		}
	}
	// The current UN list has 44 LDCs (members without a last year); the M49 table flags 32
	// LLDCs and 58 SIDS... counted here from the table itself.
	if members["LDC"] != 44 {
		t.Errorf("%d current LDCs, want 44", members["LDC"])
	}
	var ldc, lldc, sids int
	for _, e := range ref.Economies {
		if e.LDC {
			ldc++
		}
		if e.LLDC {
			lldc++
		}
		if e.SIDS {
			sids++
		}
	}
	if members["LDC"] != ldc || members["LLDC"] != lldc || members["SIDS"] != sids || ldc == 0 || lldc == 0 || sids == 0 {
		t.Errorf("LDC/LLDC/SIDS groups hold %d/%d/%d economies, the flags %d/%d/%d",
			members["LDC"], members["LLDC"], members["SIDS"], ldc, lldc, sids)
	}
}

// TestIncomeGroups checks the World Bank classification against the counts OGHIST gives for
// FY26 (July 2025, from 2024 GNI): 87 high, 54 upper-middle, 50 lower-middle and 26 low income.
func TestIncomeGroups(t *testing.T) {
	ref, err := datasets.Reference()
	if err != nil {
		t.Fatal(err)
	}
	fy26 := map[string]int{}
	for _, ig := range ref.IncomeGroups {
		if ig.FiscalYear == 2026 {
			if ig.GNIYear != 2024 {
				t.Fatalf("FY26 classification with GNI year %d", ig.GNIYear)
			}
			fy26[ig.Group]++
		}
	}
	want := map[string]int{"H": 87, "UM": 54, "LM": 50, "L": 26}
	for g, n := range want {
		if fy26[g] != n {
			t.Errorf("FY26 %s: %d economies, want %d", g, fy26[g], n)
		}
	}
	// Membership by data year: an economy is in exactly one income group for 2024, and the groups
	// for 2024 have the FY26 sizes.
	in2024 := map[string]int{}
	perEconomy := map[string]int{}
	for _, m := range ref.Members {
		if !isIncome(m.Group) {
			continue
		}
		if m.FirstYear <= 2024 && (m.LastYear == 0 || m.LastYear >= 2024) {
			in2024[m.Group]++
			perEconomy[m.Economy]++
		}
	}
	if in2024["HIC"] != 87 || in2024["UMC"] != 54 || in2024["LMC"] != 50 || in2024["LIC"] != 26 {
		t.Errorf("income groups for 2024: %v", in2024)
	}
	for e, n := range perEconomy {
		if n != 1 {
			t.Errorf("%s is in %d income groups for 2024", e, n)
		}
	}
	// Albania moved from lower-middle to upper-middle income in FY11 (2009 GNI) and back to
	// lower-middle for FY13 (2011 GNI) only.
	if got := groupOf(ref, "ALB", 2009); got != "UMC" {
		t.Errorf("Albania 2009: %s, want UMC", got)
	}
	if got := groupOf(ref, "ALB", 2011); got != "LMC" {
		t.Errorf("Albania 2011: %s, want LMC", got)
	}
}

func isIncome(g string) bool { return g == "LIC" || g == "LMC" || g == "UMC" || g == "HIC" }

func groupOf(ref store.Reference, economy string, year int) string {
	for _, m := range ref.Members {
		if isIncome(m.Group) && m.Economy == economy && m.FirstYear <= year && (m.LastYear == 0 || m.LastYear >= year) {
			return m.Group
		}
	}
	return ""
}

// TestLDCByYear checks the LDC group year by year against what ldc_changes.csv implies, read
// here on its own: the 44 current LDCs, plus those that graduated after 1 July of the year, less
// those added after it (an economy counts for a year when it is on the list at mid-year).
func TestLDCByYear(t *testing.T) {
	ref, err := datasets.Reference()
	if err != nil {
		t.Fatal(err)
	}
	f, err := datasets.Files.Open("default/ldc_changes.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	implied := func(year int) int {
		n := 44
		midYear := time.Date(year, time.July, 1, 0, 0, 0, 0, time.UTC)
		for _, r := range rows[1:] {
			d, err := time.Parse(time.DateOnly, r[3])
			if err != nil {
				t.Fatal(err)
			}
			if d.After(midYear) {
				switch r[2] {
				case "graduated":
					n++
				case "added":
					n--
				}
			}
		}
		return n
	}
	in := func(economy string, year int) bool {
		for _, m := range ref.Members {
			if m.Group == "LDC" && m.Economy == economy && (m.FirstYear == 0 || m.FirstYear <= year) && (m.LastYear == 0 || year <= m.LastYear) {
				return true
			}
		}
		return false
	}
	for year := 1990; year <= 2026; year++ {
		n := 0
		for _, m := range ref.Members {
			if m.Group == "LDC" && (m.FirstYear == 0 || m.FirstYear <= year) && (m.LastYear == 0 || year <= m.LastYear) {
				n++
			}
		}
		if n != implied(year) {
			t.Errorf("%d: %d LDCs, ldc_changes.csv implies %d", year, n, implied(year))
		}
	}
	// The UN's counts since South Sudan's inclusion, by the mid-year rule.
	for year, n := range map[int]int{2007: 50, 2008: 49, 2011: 48, 2012: 48, 2013: 49, 2014: 48, 2017: 47, 2020: 47, 2021: 46, 2023: 46, 2024: 45, 2025: 44} {
		if got := implied(year); got != n {
			t.Errorf("%d: ldc_changes.csv implies %d LDCs, want %d", year, got, n)
		}
	}
	for _, c := range []struct {
		economy string
		year    int
		ldc     bool
	}{{"STP", 2020, true}, {"STP", 2024, true}, {"STP", 2025, false}, {"MDV", 2010, true}, {"MDV", 2011, false},
		{"GNQ", 2016, true}, {"GNQ", 2017, false}, {"SSD", 2012, false}, {"SSD", 2013, true}, {"BWA", 1995, false}, {"AFG", 2000, true}} {
		if in(c.economy, c.year) != c.ldc {
			t.Errorf("%s in %d: LDC %v, want %v", c.economy, c.year, !c.ldc, c.ldc)
		}
	}
	for _, e := range ref.Economies {
		if (e.ISO3 == "STP" || e.ISO3 == "BTN") && e.LDC {
			t.Errorf("%s is flagged an LDC, but has graduated", e.ISO3)
		}
	}
}
