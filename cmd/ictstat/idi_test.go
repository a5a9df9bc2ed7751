package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/indicators/compute"
	"github.com/ictstat/ictstat/indicators/idi"
	"github.com/ictstat/ictstat/indicators/translations"
	"github.com/ictstat/ictstat/indicators/translations/translationstest"
)

// idiInputs is a long CSV of the ten IDI inputs for Kenya, 2022: the raw values of the
// methodology's worked example (pillars 85.5 and 93.4, IDI 89.5), as a user supplies them.
const idiInputs = `indicator,economy,year,value
internet_use_pct,KEN,2022,87.4
households_internet_pct,KEN,2022,89.3
mobile_broadband_per100,KEN,2022,105.75
coverage_3g_pct,KEN,2022,100
coverage_4g_pct,KEN,2022,98
mobile_traffic_gb_per_sub,KEN,2022,124
fixed_traffic_gb_per_sub,KEN,2022,2900
price_mobile_data_voice_high_pct_gni,KEN,2022,0.8
price_fixed_broadband_5gb_pct_gni,KEN,2022,1.3876
mobile_phone_ownership_pct,KEN,2022,93.86
`

func TestIDI(t *testing.T) {
	db := copyOfDefault(t)

	// From the embedded data alone: no economy has traffic or the 2 GB basket, so none is scored,
	// and the command says which inputs are missing.
	r := ictstat(t, "--db", db, "idi")
	if r.code != 0 || !strings.Contains(r.stdout, "0 of 253 economies scored") || !strings.Contains(r.stdout, "mobile_traffic 253") {
		t.Errorf("embedded data: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = ictstat(t, "--db", db, "idi", "--economy", "KEN")
	if !strings.Contains(r.stdout, "No score:") || !strings.Contains(r.stdout, "no value for") {
		t.Errorf("Kenya without the inputs:\n%s", r.stdout)
	}

	// From a user's long CSV of raw values.
	file := writeFile(t, t.TempDir(), "idi-inputs.csv", idiInputs)
	if r := ictstat(t, "--db", db, "ingest", file, "--edition", "NSO IDI inputs 2022"); r.code != 0 {
		t.Fatalf("ingest: %s", r.stderr)
	}
	r = ictstat(t, "--db", db, "idi", "--economy", "KEN")
	if !strings.Contains(r.stdout, "Universal connectivity 85.5, meaningful connectivity 93.4: IDI 89.5") {
		t.Errorf("Kenya from the CSV:\n%s%s", r.stdout, r.stderr)
	}
	r = ictstat(t, "--db", db, "idi", "--economy", "KEN", "--format", "json", "--set", "mobile_broadband=150")
	var res struct {
		IDI    float64 `json:"idi"`
		WhatIf struct {
			IDI float64 `json:"idi"`
		} `json:"what_if"`
		Lifts []struct {
			Input string  `json:"input"`
			Gain  float64 `json:"gain_per_unit"`
		} `json:"lifts"`
		Inputs []map[string]any `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if fmt.Sprintf("%.4f", res.IDI) != "89.4692" || fmt.Sprintf("%.4f", res.WhatIf.IDI-res.IDI) != fmt.Sprintf("%.4f", (100-70.5)/6) {
		t.Errorf("IDI %v, what-if %v", res.IDI, res.WhatIf.IDI)
	}
	if len(res.Lifts) != 10 || res.Lifts[0].Input != "internet_use" || len(res.Inputs) != 10 || res.Inputs[0]["year"] != 2022.0 {
		t.Errorf("lifts %+v, inputs %v", res.Lifts, res.Inputs)
	}
	// Kenya is a member of ITU_AFR: the region's average is Kenya's, the only scored member.
	r = ictstat(t, "--db", db, "idi", "--group", "ITU_AFR")
	if !strings.Contains(r.stdout, "Group average over 1 scored of 44 members: universal 85.5, meaningful 93.4, IDI 89.5") {
		t.Errorf("Africa:\n%s", r.stdout)
	}
	// compute writes the index to the idi view.
	if r := ictstat(t, "--db", db, "compute"); r.code != 0 {
		t.Fatalf("compute: %s", r.stderr)
	}
	r = ictstat(t, "--db", db, "sql", "SELECT entity, round(idi, 4) AS idi, data_year FROM idi WHERE edition = 2024 AND scored ORDER BY entity_kind, entity")
	if !strings.Contains(r.stdout, "KEN,89.4692,2022") || !strings.Contains(r.stdout, "ITU_AFR,89.4692,2022") || !strings.Contains(r.stdout, "WLD,89.4692,2022") {
		t.Errorf("the idi view:\n%s%s", r.stdout, r.stderr)
	}
	r = ictstat(t, "--db", db, "sql", "SELECT count(*) AS n FROM idi_inputs WHERE edition = 2024 AND economy = 'KEN' AND year = 2022 AND NOT estimated")
	if r.stdout != "n\n10\n" {
		t.Errorf("Kenya's inputs in the idi_inputs view: %s", r.stdout)
	}
	if r := ictstat(t, "--db", db, "idi", "--economy", "KEN", "--set", "colour=1"); r.code != 2 || !strings.Contains(r.stderr, `no IDI input "colour"`) {
		t.Errorf("an unknown input: exit %d %s", r.code, r.stderr)
	}
	if r := ictstat(t, "--db", db, "idi", "--edition", "2019"); r.code != 2 || !strings.Contains(r.stderr, "no IDI edition 2019") {
		t.Errorf("an unknown edition: exit %d %s", r.code, r.stderr)
	}
}

// TestIDIReasonsTranslated checks that the reasons an economy gets no score are translated, with
// their numbers and input codes.
func TestIDIReasonsTranslated(t *testing.T) {
	translationstest.CheckTranslated(t, idi.ReasonFormats)
	fr, err := translations.WordsOf("fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, reason := range []string{
		"3 of 10 inputs have an official 2021 or 2020 value; at least 5 are needed; no value for internet_use, mobile_basket",
		"3 of 10 inputs have an official 2021 or 2020 value; at least 5 are needed",
		"no value for mobile_traffic, fixed_traffic: supply estimates as an edition of their own",
	} {
		got := idiReasons().In(fr, reason)
		if got == reason || strings.Contains(got, "inputs have") || strings.Contains(got, "supply estimates") {
			t.Errorf("%q is not translated: %q", reason, got)
		}
		for _, keep := range []string{"internet_use, mobile_basket", "2021", "mobile_traffic, fixed_traffic"} {
			if strings.Contains(reason, keep) && !strings.Contains(got, keep) {
				t.Errorf("%q: the translation %q lacks %q", reason, got, keep)
			}
		}
	}
}

// TestNotesCatalogueCurrent checks that every string of the notes files of the catalogue
// (notes.<lang>.csv) is still a sentence of a progress note or an IDI reason.
func TestNotesCatalogueCurrent(t *testing.T) {
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	notes, err := compute.TargetNotes()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, s := range append(append(compute.NoteSentences(), notes...), idi.ReasonFormats...) {
		known[s] = true
	}
	n := 0
	for _, l := range translations.Languages[1:] {
		for _, e := range cat.Entries(l.Code) {
			if strings.HasPrefix(e.File, "notes.") {
				n++
				if !known[e.English] {
					t.Errorf("%s, line %d: %q is no sentence of a note or reason (changed or removed?)", e.File, e.Line, e.English)
				}
			}
		}
	}
	if n == 0 {
		t.Error("no notes files in the catalogue")
	}
}
