package validate

import (
	"slices"
	"testing"

	"github.com/ictstat/ictstat/engine/ingest"
)

// TestCellsThatAreNotNumbers: TRUE/FALSE and dates, as a CSV holds them and as a workbook's
// boolean and date cells are read, are rejected as what they are; error cells (#N/A) as not a
// number.
func TestCellsThatAreNotNumbers(t *testing.T) {
	for _, tc := range []struct{ text, reason string }{
		{"TRUE", "a TRUE/FALSE cell, not a number"},
		{"FALSE", "a TRUE/FALSE cell, not a number"},
		{" true ", "a TRUE/FALSE cell, not a number"},
		{"2024-01-01", "a date, not a number"},
		{"2024-01-01T12:30:00", "a date, not a number"},
		{"2024-01-01T00:00:00Z", "a date, not a number"},
		{"#N/A", "not a number"},
		{"#DIV/0!", "not a number"},
		{"1/1/2024", "not a number"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			expectOne(t, longSource, goodRow().with(ingest.ColValue, tc.text), ingest.ColValue, tc.reason, outRow{})
		})
	}
}

// TestUpperBoundsNameTheBound checks values against an indicator whose catalogue gives an upper
// bound of 2e10, as the population's does: past it, the reject names the bound.
func TestUpperBoundsNameTheBound(t *testing.T) {
	pop := Indicator{ID: 21, Code: "population", Unit: "persons", UnitKind: "count", Min: 0, Max: 2e10}
	ref := NewReference([]Indicator{pop}, nil, testEconomies, nil, testGroups, nil)
	const above = "above the maximum 2e10 for population"
	for _, tc := range []struct {
		text   string
		want   float64
		reason string
	}{
		{"1450935791", 1450935791, ""},
		{"2e10", 2e10, ""},
		{"20000000001", 0, above},
		{"1e308", 0, above},
		{"-1", 0, "negative count"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			row := goodRow().with(ingest.ColIndicator, "population").with(ingest.ColValue, tc.text)
			got, rejects := check(t, ref, longSource, []rawRow{row})
			if tc.reason != "" {
				want := []ingest.Reject{{Line: int64(lineOf(0)), Column: "value", Value: tc.text, Reason: tc.reason}}
				if len(got) != 0 || !slices.Equal(rejects, want) {
					t.Errorf("rows %+v, rejects %+v; want %+v", got, rejects, want)
				}
				return
			}
			if len(rejects) != 0 || len(got) != 1 || got[0].Value != tc.want {
				t.Errorf("rows %+v, rejects %+v; want the value %v", got, rejects, tc.want)
			}
		})
	}
}

func TestBoundText(t *testing.T) {
	for x, want := range map[float64]string{1000: "1000", 100000: "100000", 0.01: "0.01", 2e10: "2e10", 2e11: "2e11", 1e6: "1e6", 1.5e300: "1.5e300"} {
		if got := boundText(x); got != want {
			t.Errorf("boundText(%v) = %q, want %q", x, got, want)
		}
	}
}
