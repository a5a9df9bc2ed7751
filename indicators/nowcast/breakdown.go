package nowcast

import (
	"fmt"
	"math"
)

// BreakdownModel nowcasts a breakdown of an indicator (women, men, rural, an age group) from the
// indicator's total in the same economy, so that the breakdowns move with the total:
//
//	ẑ_b(t) = z_total(t) + g,   g = z_b(t_b) − z_total(t_b)
//
// on the indicator's scale, where t_b is the breakdown's last reported year with a reported total
// in the same year, g the breakdown's gap to the total then, and z_total(t) the total's value in
// year t, reported, interpolated or nowcast. The gap is held: a breakdown's distance to the total
// changes slowly and is reported too rarely to trend.
//
// Its intervals come from an internal backtest like Fit's (origins the CalibrationOrigins years
// before the data's last): the errors e = (z_b − z_total)(t) − g of the gap held from the last
// report up to each origin, at the later years t with both reported, by horizon t − t_b; their
// empirical quantiles q_gap. When the total is itself a nowcast its own interval is combined with
// the gap's as independent errors: each bound is ẑ_b ± √(d_total² + q_gap²), d_total the distance
// on the scale from the total's value to its bound at the same level (a normal-theory rule applied
// to the quantiles).
type BreakdownModel struct {
	Scale     string
	LastYear  int
	Residuals int     // out-of-sample comparisons of the internal backtest
	MAE       float64 // mean absolute error of the held gap in the internal backtest, with observed totals
	CarryMAE  float64 // carrying the breakdown's last value, on the same comparisons
	gaps      map[string]heldGap
	q         [][4]float64
}

type heldGap struct {
	year int
	gap  float64
}

// Totals are an indicator's total series on its scale, each economy's by year, prepared once for
// fitting all its breakdowns (FitBreakdown) with the same options.
type Totals struct {
	o Options
	z map[string]map[int]float64
}

// PrepareTotals prepares the total series of an indicator for fitting its breakdowns.
func PrepareTotals(total []Series, opts Options) *Totals {
	t := &Totals{o: opts.withDefaults(), z: map[string]map[int]float64{}}
	for _, p := range prepare(total, t.o.Scale) {
		byYear := make(map[int]float64, len(p.years))
		for i, y := range p.years {
			byYear[y] = p.z[i]
		}
		t.z[p.economy] = byYear
	}
	return t
}

// FitBreakdown fits the breakdown model to a breakdown's series, against these totals of the
// same economies.
func (t *Totals) FitBreakdown(breakdown []Series) BreakdownModel {
	o := t.o
	m := BreakdownModel{Scale: o.Scale, gaps: map[string]heldGap{}}
	totals := t.z
	ps := prepare(breakdown, o.Scale)
	for _, p := range ps {
		m.LastYear = max(m.LastYear, p.years[len(p.years)-1])
	}
	// gapsOf lists the economy's reported years with a reported total, and the gap in each.
	gapsOf := func(p *prepared) (years []int, gaps []float64, values []float64) {
		t := totals[p.economy]
		for i, y := range p.years {
			if zt, ok := t[y]; ok {
				years, gaps, values = append(years, y), append(gaps, p.z[i]-zt), append(values, p.v[i])
			}
		}
		return
	}
	var errs errorsByHorizon
	var ae, aeCarry float64
	for i := range ps {
		p := &ps[i]
		years, gaps, values := gapsOf(p)
		if len(years) == 0 {
			continue
		}
		m.gaps[p.economy] = heldGap{years[len(years)-1], gaps[len(gaps)-1]}
		for origin := m.LastYear - o.CalibrationOrigins; origin < m.LastYear; origin++ {
			last := -1
			for j, y := range years {
				if y <= origin {
					last = j
				}
			}
			if last < 0 {
				continue
			}
			for j := last + 1; j < len(years) && years[j] <= origin+o.MaxHorizon; j++ {
				e := gaps[j] - gaps[last]
				errs.add(years[j]-years[last], e, o)
				est := inverse(o.Scale, totals[p.economy][years[j]]+gaps[last])
				ae += math.Abs(est - values[j])
				aeCarry += math.Abs(values[last] - values[j])
				m.Residuals++
			}
		}
	}
	m.MAE, m.CarryMAE = ae/float64(m.Residuals), aeCarry/float64(m.Residuals)
	m.q = errs.quantiles(o)
	return m
}

// Nowcast estimates the breakdown in year from the total's value that year and the total's 80%
// and 95% bounds (low 80, high 80, low 95, high 95; NaN, or the value itself, when the total is
// reported or interpolated). It returns false for an economy without a gap to hold and for a year
// not after its last reported year.
func (m BreakdownModel) Nowcast(economy string, year int, total float64, totalBounds [4]float64) (Estimate, bool) {
	g, ok := m.gaps[economy]
	if !ok || year <= g.year || math.IsNaN(total) {
		return Estimate{}, false
	}
	h := year - g.year
	zt := transform(m.Scale, total)
	z := zt + g.gap
	q := atHorizon(m.q, h)
	f := func(z float64) float64 { return inverse(m.Scale, z) }
	// q is at the levels 2.5, 10, 90 and 97.5%; the total's bounds are low 80 (10%), high 80
	// (90%), low 95 (2.5%), high 95 (97.5%).
	totalAt := [4]int{2, 0, 1, 3}
	var b [4]float64
	for l := range b {
		d := 0.0
		if tb := totalBounds[totalAt[l]]; !math.IsNaN(tb) {
			d = transform(m.Scale, tb) - zt
		}
		lower := l < 2
		r := q[l]
		switch {
		case d == 0:
		case lower && q[l] <= 0: // the quantile on its side: combined in quadrature
			r = -math.Hypot(d, q[l])
		case !lower && q[l] >= 0:
			r = math.Hypot(d, q[l])
		case lower:
			r = q[l] - math.Abs(d)
		default:
			r = q[l] + math.Abs(d)
		}
		b[l] = f(z + r)
	}
	low95, low80, high80, high95 := b[0], b[1], b[2], b[3]
	return Estimate{Value: f(z), Low80: low80, High80: high80, Low95: low95, High95: high95,
		Method: "breakdown gap", Horizon: h, LastYear: g.year}, true
}

// Describe says in words how the model estimates, for the estimates table.
func (m BreakdownModel) Describe() string {
	return fmt.Sprintf("nowcast on the %s scale: the total's value in the year (reported, interpolated or nowcast) plus the breakdown's gap to it at its last report; intervals from the internal backtest's errors of the held gap at the horizon, combined with the total's",
		m.Scale)
}
