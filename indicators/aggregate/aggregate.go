// Package aggregate forms the values of economy groups (the world, ITU regions, income groups,
// LDC/LLDC/SIDS, user-defined groups) from the values of their members, the way ITU and the UN
// regional commissions do:
//
//   - gaps in an economy's series are filled by linear interpolation between its reported years,
//     and by carrying its first or last reported value backward or forward a limited number of
//     years (ESCAP Statistical Yearbook practice); every filled value is flagged;
//   - a group's value is the weighted mean of its members' values with the indicator's weight
//     (population, or households), their sum, or their median (prices, as ITU publishes them);
//   - beside each value stand coverage figures: the shares of the group's population whose
//     economies reported a value for the year, reported or interpolated one (anchored on reported
//     years on both sides), and any value once gaps are filled. The value is withheld when the
//     last is below a threshold (two thirds by default, the ESCAP rule) or the anchored share is
//     below a minimum (one third by default), so that a year no one has reported yet is not
//     published from carried values alone.
package aggregate

import (
	"math"
	"sort"
)

// Status says where a value used in an aggregate comes from.
type Status uint8

const (
	Missing Status = iota
	Reported
	Interpolated
	CarriedForward
	CarriedBackward
	Nowcast // estimated by a nowcast model (indicators/nowcast), with a predictive interval
)

func (s Status) String() string {
	return [...]string{"missing", "reported", "interpolated", "carried forward", "carried backward", "nowcast"}[s]
}

// Estimated reports whether the value was filled rather than reported.
func (s Status) Estimated() bool { return s > Reported }

// Defaults.
const (
	DefaultCarryYears  = 3
	DefaultThreshold   = 2.0 / 3
	DefaultMinAnchored = 1.0 / 3
)

// Rule says when a group's value is published.
type Rule struct {
	Threshold   float64 // least Coverage
	MinAnchored float64 // least CoverageAnchored
}

// DefaultRule is the rule with the default threshold and minimum.
var DefaultRule = Rule{DefaultThreshold, DefaultMinAnchored}

// Row is one economy's series over the years of a panel: Values[i] is for year First+i, NaN
// where missing.
type Row struct {
	Values []float64
	Status []Status
	// Bounds holds, for the years whose status is Nowcast, the 80% and 95% predictive interval
	// (low 80, high 80, low 95, high 95; NaN when the model has none); nil when no year is.
	Bounds [][4]float64
}

// Fill builds a row over the years first..last from reported points (years ascending), filling
// gaps: linear interpolation between reported years, y = y₀ + (y₁ − y₀)(t − t₀)/(t₁ − t₀), and the
// first and last reported values carried backward and forward at most carry years.
func Fill(years []int, values []float64, first, last, carry int) Row {
	n := last - first + 1
	r := Row{Values: make([]float64, n), Status: make([]Status, n)}
	for i := range r.Values {
		r.Values[i] = math.NaN()
	}
	set := func(t int, v float64, s Status) {
		if t >= first && t <= last {
			r.Values[t-first], r.Status[t-first] = v, s
		}
	}
	for k, y := range years {
		set(y, values[k], Reported)
		if k > 0 {
			y0, v0 := years[k-1], values[k-1]
			for t := max(y0+1, first); t < y && t <= last; t++ {
				set(t, v0+(values[k]-v0)*float64(t-y0)/float64(y-y0), Interpolated)
			}
		}
	}
	if len(years) == 0 {
		return r
	}
	for c := 1; c <= carry; c++ {
		set(years[0]-c, values[0], CarriedBackward)
		set(years[len(years)-1]+c, values[len(values)-1], CarriedForward)
	}
	return r
}

// Method is how a group's value is formed from its members'.
type Method string

const (
	WeightedMean Method = "weighted_mean"
	Sum          Method = "sum"
	Median       Method = "median"
)

// Member is one economy's contribution to a group's value in one year.
type Member struct {
	Value  float64 // NaN when the economy has no value, even filled
	Status Status
	Weight float64 // the weight of a weighted mean (population or households); NaN when unknown
	People float64 // population, for coverage; NaN when unknown
	SE     float64 // the standard error of a reported survey estimate, when HasSE
	HasSE  bool
	// Bounds is a nowcast's 80% and 95% interval (low 80, high 80, low 95, high 95), read when
	// Status is Nowcast, and Correlation the correlation of its error with the other members'
	// nowcasts (the model's, nowcast.Model.Correlation; 1 when unknown).
	Bounds      [4]float64
	Correlation float64
}

// Value is a group's value for one year.
type Value struct {
	Value            float64 // NaN when withheld
	Members          int     // members in the group that year
	Reporting        int     // members with a reported value
	Estimated        int     // members whose value was filled
	CoverageReported float64 // share of the members' population with a reported value
	CoverageAnchored float64 // share with a reported or interpolated value
	Coverage         float64 // share with a value, reported or filled
	Published        bool    // the coverage satisfied the rule and the value is a finite number
	Reason           string  // why the value is withheld, "" when published
	// SE is the standard error propagated from the members that have one (NaN when none has,
	// and for medians): for a weighted mean √(Σ w_i² se_i²) / Σ w_i, for a sum √(Σ se_i²), over
	// the members counted, the members' estimates taken as independent and the values of the
	// members without a standard error (and the weights) as exact. It is thus the part of the
	// value's sampling uncertainty that the members' surveys report, a lower bound of the whole.
	SE        float64
	SEMembers int // members whose standard error SE propagates
	// Nowcasts counts the members whose value is a nowcast, CoverageNowcast the share of the
	// members' population they hold. With any, Bounds is the value's 80% and 95% interval (low 80,
	// high 80, low 95, high 95), the values of the other members taken as exact and the nowcasts'
	// errors as equally correlated with correlation ρ (the least of the members' Correlation): for
	// a weighted mean x ± √(ρ (Σ w d)² + (1 − ρ) Σ (w d)²) / Σ w, d a member's distance from its
	// value to its bound (for a sum the same without / Σ w), the variance of a sum of
	// equicorrelated terms applied to the distances (exact for normal errors); ρ = 1 gives the
	// weighted mean of the bounds, the widest. For a median, the median of the bounds. NaN bounds
	// when a nowcast member has none.
	Nowcasts        int
	CoverageNowcast float64
	Bounds          [4]float64
	// RestsOnNowcasts: the value is published although the share with a reported or interpolated
	// value is below the minimum, because nowcasts fill the coverage: a value of a year too few
	// have reported yet, which carried values could not give.
	RestsOnNowcasts bool
}

// Group forms a group's value from its members' by method. A member without a value does not
// count; in a weighted mean a member without a weight does not either. Coverage is weighted by
// population: Σ people with a value / Σ people, members of unknown population left out of both.
// Nowcasts count as filled values, like carried ones; but a value whose members have nowcasts is
// published when the coverage reaches the threshold whatever the anchored share: nowcasts are how
// a year too few have reported yet is estimated, and the value's interval and its nowcast share
// say how far it rests on them.
// A value that is not a finite number (sums past the largest float64, from absurd members'
// values or weights) is withheld, never published empty.
func Group(method Method, members []Member, rule Rule) Value {
	v := Value{Members: len(members), Value: math.NaN(), SE: math.NaN()}
	var people, peopleReported, peopleAnchored, peopleCovered, peopleNowcast float64
	var sumWD, sumWD2 [4]float64 // Σ w·d and Σ (w·d)² of the nowcasts' distances d to their bounds
	rho := 1.0
	var bounds [4][]float64
	noBounds := false
	var sumWV, sumW, sum, sumVar float64
	var vals []float64
	contributors := 0
	for _, m := range members {
		has := !math.IsNaN(m.Value)
		if !math.IsNaN(m.People) {
			people += m.People
			if has {
				peopleCovered += m.People
				if m.Status == Reported {
					peopleReported += m.People
				}
				if m.Status == Reported || m.Status == Interpolated {
					peopleAnchored += m.People
				}
				if m.Status == Nowcast {
					peopleNowcast += m.People
				}
			}
		}
		if !has {
			continue
		}
		if m.Status == Reported {
			v.Reporting++
		} else {
			v.Estimated++
		}
		b := [4]float64{m.Value, m.Value, m.Value, m.Value}
		if m.Status == Nowcast {
			v.Nowcasts++
			b = m.Bounds
			rho = min(rho, m.Correlation)
			for _, x := range b {
				noBounds = noBounds || math.IsNaN(x)
			}
		}
		switch method {
		case WeightedMean:
			if math.IsNaN(m.Weight) {
				continue
			}
			sumWV += m.Weight * m.Value
			sumW += m.Weight
			for j := range b {
				d := m.Weight * (b[j] - m.Value)
				sumWD[j] += d
				sumWD2[j] += d * d
			}
			if m.HasSE {
				sumVar += m.Weight * m.Weight * m.SE * m.SE
				v.SEMembers++
			}
		case Sum:
			sum += m.Value
			for j := range b {
				d := b[j] - m.Value
				sumWD[j] += d
				sumWD2[j] += d * d
			}
			if m.HasSE {
				sumVar += m.SE * m.SE
				v.SEMembers++
			}
		case Median:
			vals = append(vals, m.Value)
			for j := range b {
				bounds[j] = append(bounds[j], b[j])
			}
		}
		contributors++
	}
	if math.IsInf(people, 0) {
		v.Reason = "coverage cannot be computed: the members' population is too large"
		return v
	}
	if people > 0 {
		v.CoverageReported = peopleReported / people
		v.CoverageAnchored = peopleAnchored / people
		v.Coverage = peopleCovered / people
		v.CoverageNowcast = peopleNowcast / people
	}
	switch {
	case contributors == 0:
		v.Reason = "no member has a value"
	case v.Coverage < rule.Threshold:
		v.Reason = "coverage below the threshold"
	case v.CoverageAnchored < rule.MinAnchored && v.Nowcasts == 0:
		v.Reason = "too few reported or interpolated values"
	}
	if v.Reason != "" {
		return v
	}
	var x float64
	switch method {
	case WeightedMean:
		if sumW <= 0 {
			v.Reason = "no member has a weight"
			return v
		}
		x = sumWV / sumW
		if math.IsInf(sumW, 0) || math.IsInf(sumWV, 0) {
			x = math.Inf(1) // a quotient of overflowed sums means nothing
		}
	case Sum:
		x = sum
	case Median:
		x = median(vals)
	}
	if math.IsInf(x, 0) || math.IsNaN(x) {
		v.Reason = "not a finite number: the members' values or weights are too large"
		return v
	}
	v.Value, v.Published = x, true
	if v.Nowcasts > 0 {
		v.RestsOnNowcasts = v.CoverageAnchored < rule.MinAnchored
		for j := range v.Bounds {
			// The distance to the bound of a sum of equicorrelated errors: √(ρ (Σ w d)² + (1 − ρ) Σ (w d)²).
			half := math.Sqrt(max(rho*sumWD[j]*sumWD[j]+(1-rho)*sumWD2[j], 0))
			if j%2 == 0 {
				half = -half // the lower bounds
			}
			switch method {
			case WeightedMean:
				v.Bounds[j] = x + half/sumW
			case Sum:
				v.Bounds[j] = x + half
			case Median:
				v.Bounds[j] = median(bounds[j])
			}
			if noBounds || math.IsInf(v.Bounds[j], 0) {
				v.Bounds[j] = math.NaN()
			}
		}
	}
	switch {
	case v.SEMembers == 0:
	case method == WeightedMean:
		v.SE = math.Sqrt(sumVar) / sumW
	case method == Sum:
		v.SE = math.Sqrt(sumVar)
	}
	if math.IsInf(v.SE, 0) {
		v.SE = math.NaN()
	}
	return v
}

// median of values: the middle one, or the mean of the two middle ones.
func median(vals []float64) float64 {
	sort.Float64s(vals)
	n := len(vals)
	if n%2 == 1 {
		return vals[n/2]
	}
	return (vals[n/2-1] + vals[n/2]) / 2
}
