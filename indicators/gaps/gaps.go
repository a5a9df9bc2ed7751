// Package gaps computes the divides ITU reports on: the gender parity score, the urban/rural
// ratio, rural population coverage, the usage gap and the number of people offline.
package gaps

import "math"

// The parity band: a gender parity score within it counts as parity (ITU, Facts and Figures:
// "between 0.98 and 1.02").
const (
	ParityLow  = 0.98
	ParityHigh = 1.02
)

// Statuses of a parity score.
const (
	Parity      = "parity"
	WomenBehind = "women behind"
	MenBehind   = "men behind"
)

// ParityScore is ITU's gender parity score: the female percentage divided by the male percentage.
func ParityScore(female, male float64) float64 {
	if male <= 0 || math.IsNaN(female) || math.IsNaN(male) {
		return math.NaN()
	}
	return female / male
}

// ParityStatus places a parity score against the parity band.
func ParityStatus(score float64) string {
	switch {
	case math.IsNaN(score):
		return ""
	case score < ParityLow:
		return WomenBehind
	case score > ParityHigh:
		return MenBehind
	}
	return Parity
}

// UrbanRuralRatio is ITU's urban–rural gap: the urban percentage divided by the rural percentage
// (above 1, rural areas are behind).
func UrbanRuralRatio(urban, rural float64) float64 {
	if rural <= 0 || math.IsNaN(urban) || math.IsNaN(rural) {
		return math.NaN()
	}
	return urban / rural
}

// RuralCoverage is the percentage of the rural population within range of a network, derived as
// ITU derives it, taking urban areas as fully covered: (covered persons − urban persons) / rural
// persons × 100, covered persons = coverage % × population, floored at 0 and capped at 100.
func RuralCoverage(coveragePct, population, ruralPct float64) float64 {
	rural := population * ruralPct / 100
	if rural <= 0 || math.IsNaN(coveragePct) || math.IsNaN(population) {
		return math.NaN()
	}
	covered := coveragePct / 100 * population
	urban := population - rural
	return math.Min(100, math.Max(0, (covered-urban)/rural*100))
}

// UsageGap is the percentage of the population covered by a mobile-broadband network but not
// using the Internet (ITU): coverage − use, floored at 0.
func UsageGap(coveragePct, usePct float64) float64 {
	return math.Max(0, coveragePct-usePct)
}

// CoverageGap is the percentage of the population out of range of a mobile-broadband network.
func CoverageGap(coveragePct float64) float64 { return 100 - coveragePct }

// Offline is the number of people not using the Internet: population × (1 − use % / 100).
func Offline(population, usePct float64) float64 {
	return population * (1 - usePct/100)
}
