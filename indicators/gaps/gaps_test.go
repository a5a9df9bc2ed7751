package gaps

import (
	"math"
	"testing"
)

func TestParity(t *testing.T) {
	// ITU, Facts and Figures 2024: 65% of women and 70% of men online, a score of 0.93.
	s := ParityScore(65, 70)
	if math.Abs(s-0.928571) > 1e-6 || ParityStatus(s) != WomenBehind {
		t.Errorf("score %v %s", s, ParityStatus(s))
	}
	for _, c := range []struct {
		score float64
		want  string
	}{{0.98, Parity}, {1.02, Parity}, {0.9799, WomenBehind}, {1.0201, MenBehind}, {math.NaN(), ""}} {
		if got := ParityStatus(c.score); got != c.want {
			t.Errorf("%v: %q, want %q", c.score, got, c.want)
		}
	}
	if !math.IsNaN(ParityScore(50, 0)) {
		t.Error("a score with no men online")
	}
}

func TestRuralCoverage(t *testing.T) {
	// 1,000 people, 40% rural: 90% covered is 900 people, of whom 600 urban, so 300 of 400 rural.
	if got := RuralCoverage(90, 1000, 40); got != 75 {
		t.Errorf("rural coverage %v, want 75", got)
	}
	// Coverage below the urban share leaves no rural coverage rather than a negative one.
	if got := RuralCoverage(50, 1000, 40); got != 0 {
		t.Errorf("rural coverage %v, want 0", got)
	}
	if got := RuralCoverage(90, 1000, 0); !math.IsNaN(got) {
		t.Errorf("an economy with no rural population: %v", got)
	}
}

func TestUsageAndOffline(t *testing.T) {
	if UsageGap(95, 68) != 27 || UsageGap(60, 70) != 0 || CoverageGap(95) != 5 {
		t.Error("usage or coverage gap")
	}
	// 8 billion people, 67.5% online: 2.6 billion offline.
	if got := Offline(8e9, 67.5); math.Abs(got-2.6e9) > 1 {
		t.Errorf("offline %v", got)
	}
	if UrbanRuralRatio(81, 50) != 1.62 {
		t.Errorf("urban/rural %v", UrbanRuralRatio(81, 50))
	}
}
