package datasets_test

import (
	"testing"

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
	members := map[string]int{}
	for _, m := range ref.Members {
		if m.FirstYear == 0 && m.LastYear == 0 {
			members[m.Group]++
		}
	}
	// itu_regions_idi2024.csv lists 170 economies; every economy is in the world.
	itu := members["ITU_AFR"] + members["ITU_AMS"] + members["ITU_ARB"] + members["ITU_ASP"] + members["ITU_CIS"] + members["ITU_EUR"]
	if itu != 170 || members["WLD"] != 253 {
		t.Errorf("ITU regions hold %d economies (want 170), the world %d (want 253)", itu, members["WLD"])
	}
	// The M49 table flags 44 LDCs, 32 LLDCs and 58 SIDS... counted here from the table itself.
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
