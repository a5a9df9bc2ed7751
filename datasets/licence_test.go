package datasets

import (
	"os"
	"strings"
	"testing"
)

// TestEditionsHaveLicences: every edition of the default data names the licence of its data,
// the ITU DataHub's as its terms of use give it, with ITU's citation.
func TestEditionsHaveLicences(t *testing.T) {
	eds, err := Editions()
	if err != nil {
		t.Fatal(err)
	}
	for label, e := range eds {
		if e.Licence == "" {
			t.Errorf("edition %s has no licence", label)
		}
	}
	for label, want := range map[string][]string{
		"ITU DataHub 2025-12":     {"CC BY-NC-SA 3.0 IGO", "https://datahub.itu.int/about", "International Telecommunication Union, ITU DataHub, https://datahub.itu.int/"},
		"WDI 2025":                {"CC BY 4.0", "World Bank"},
		"UN SDG database 2023-12": {"UN SDG Global Database's own terms of use"},
	} {
		for _, w := range want {
			if !strings.Contains(eds[label].Licence, w) {
				t.Errorf("%s: licence %q lacks %q", label, eds[label].Licence, w)
			}
		}
	}
}

// TestMigrationGivesTheSameLicences: the migration that adds licences to databases built before
// them gives the default editions the licences of editions.csv, word for word.
func TestMigrationGivesTheSameLicences(t *testing.T) {
	b, err := os.ReadFile("../engine/store/migrations/0011_catalogue_licences.sql")
	if err != nil {
		t.Fatal(err)
	}
	eds, err := Editions()
	if err != nil {
		t.Fatal(err)
	}
	for label, e := range eds {
		want := "WHEN '" + label + "' THEN '" + strings.ReplaceAll(e.Licence, "'", "''") + "'"
		if !strings.Contains(string(b), want) {
			t.Errorf("the migration does not say %s", want)
		}
	}
}
