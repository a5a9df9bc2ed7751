package compute

import (
	"bytes"
	"context"
	"math"
	"runtime"
	"sort"
	"sync/atomic"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/aggregate"
	"github.com/ictstat/ictstat/indicators/nowcast"
	"golang.org/x/sync/errgroup"
)

// Ways of filling the years after an economy's last report.
const (
	// FillNowcast estimates them with the nowcast model (indicators/nowcast) up to the nowcast
	// year, for the indicators it covers and where its internal backtest beats carrying the last
	// value; elsewhere the last value is carried.
	FillNowcast = "nowcast"
	// FillCarry carries the last reported value forward CarryYears years.
	FillCarry = "carry"
)

// DefaultNowcastYears is how many years past an economy's last report a nowcast reaches by
// default: the horizons the model's intervals are calibrated on.
const DefaultNowcastYears = 6

// fitNowcasts fits the nowcast model to every total series of the indicators it covers, each
// economy pooled with its ITU region, and the breakdown model to their breakdowns, and keeps the
// models whose internal backtest beats carry-forward. A model kept (saved) with the digest of the
// same inputs is taken instead of fitted again; the models fitted are in d.fits, to be kept. It
// returns how many were taken.
func (d *data) fitNowcasts(ctx context.Context, workers int, saved []store.NowcastFit) (int, error) {
	scales, err := nowcast.Indicators()
	if err != nil {
		return 0, err
	}
	var keys []key
	for k := range d.reported {
		if scales[k.indicator] != "" && d.filled[k] == nil { // a total kept from an earlier pass is filled
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keyLess(keys[i], keys[j]) })
	models := make([]*nowcast.Model, len(keys))
	breakdowns := make([]*nowcast.BreakdownModel, len(keys))
	// The totals, prepared once for all the breakdowns of their indicator.
	totals := map[string]*nowcast.Totals{}
	for _, k := range keys {
		if t := total(k.indicator); k != t && d.reported[t] != nil && totals[k.indicator] == nil {
			totals[k.indicator] = nowcast.PrepareTotals(d.series(t), nowcast.Options{Scale: scales[k.indicator]})
		}
	}
	g, ctx := errgroup.WithContext(ctx)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g.SetLimit(workers)
	kept := map[key]store.NowcastFit{}
	for _, f := range saved {
		kept[key{f.Indicator, f.Sex, f.Area, f.Age}] = f
	}
	fits := make([]*store.NowcastFit, len(keys))
	var taken atomic.Int64
	for i, k := range keys {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			series := d.series(k)
			var model interface {
				MarshalBinary() ([]byte, error)
				UnmarshalBinary([]byte) error
			}
			var digest []byte
			var fit func()
			if t := total(k.indicator); k != t {
				// A breakdown moves with its total; without a total, it is carried.
				if d.reported[t] == nil {
					return nil
				}
				breakdowns[i] = &nowcast.BreakdownModel{}
				model, digest = breakdowns[i], totals[k.indicator].Digest(series)
				fit = func() { *breakdowns[i] = totals[k.indicator].FitBreakdown(series) }
			} else {
				opts := nowcast.Options{Scale: scales[k.indicator]}
				models[i] = &nowcast.Model{}
				model, digest = models[i], nowcast.Digest(series, opts)
				fit = func() { *models[i] = nowcast.Fit(series, opts) }
			}
			if f, ok := kept[k]; ok && bytes.Equal(f.Inputs, digest) && model.UnmarshalBinary(f.Model) == nil {
				taken.Add(1)
				return nil
			}
			fit()
			b, err := model.MarshalBinary()
			if err != nil {
				return err
			}
			fits[i] = &store.NowcastFit{Indicator: k.indicator, Sex: k.sex, Area: k.area, Age: k.age, Inputs: digest, Model: b}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	for _, f := range fits {
		if f != nil {
			d.fits = append(d.fits, *f)
		}
	}
	for i, k := range keys {
		row := store.NowcastModelRow{Indicator: k.indicator, Sex: k.sex, Area: k.area, Age: k.age, Scale: scales[k.indicator], K: math.NaN()}
		switch m, b := models[i], breakdowns[i]; {
		case m != nil:
			row.Model, row.Window, row.Pool, row.K, row.Correlation = "trend", m.Window, m.PoolName(), m.K, m.Correlation
			row.Comparisons, row.MAE, row.CarryMAE, row.Used, row.Method = m.Residuals, m.MAE, m.CarryMAE, m.MAE < m.CarryMAE, m.Describe()
			if row.Used {
				d.models[k] = m
			}
		case b != nil:
			row.Model, row.Correlation = "breakdown gap", 1
			row.Comparisons, row.MAE, row.CarryMAE, row.Used, row.Method = b.Residuals, b.MAE, b.CarryMAE, b.MAE < b.CarryMAE, b.Describe()
			if row.Used {
				d.breakdowns[k] = b
			}
		default:
			continue
		}
		if d.scope.has(k.indicator) {
			d.nowcastModels = append(d.nowcastModels, row)
		}
	}
	return int(taken.Load()), nil
}

// correlation is the correlation of the nowcast errors of different economies in series k, as
// group intervals take it: the trend model's, and 1 (the widest intervals) for a breakdown's.
func (d *data) correlation(k key) float64 {
	if m := d.models[k]; m != nil {
		return m.Correlation
	}
	return 1
}

// series is every economy's reported values of k, each economy pooled with its ITU region.
func (d *data) series(k key) []nowcast.Series {
	byEconomy := d.reported[k]
	economies := make([]int, 0, len(byEconomy))
	for e := range byEconomy {
		economies = append(economies, e)
	}
	sort.Ints(economies)
	series := make([]nowcast.Series, 0, len(economies))
	for _, e := range economies {
		p := byEconomy[e]
		series = append(series, nowcast.Series{Economy: d.economies[e], Group: d.regions[e], Years: p.years, Values: p.values})
	}
	return series
}

// nowcastBreakdown fills row r of economy e, a breakdown of the total whose filled row is tr,
// past its last reported year as nowcastRow does, from the total's values.
func (d *data) nowcastBreakdown(m *nowcast.BreakdownModel, r, tr *aggregate.Row, e int, lastReported, to, years int) {
	if tr == nil {
		return
	}
	for t := max(lastReported+1, d.first); t <= min(to, lastReported+years, d.last); t++ {
		i := t - d.first
		if tr.Status[i] == aggregate.Missing {
			continue
		}
		est, ok := m.Nowcast(d.economies[e], t, tr.Values[i], boundsAt(tr, i))
		if !ok {
			continue
		}
		setNowcast(r, i, est)
	}
}

func setNowcast(r *aggregate.Row, i int, est nowcast.Estimate) {
	if r.Bounds == nil {
		r.Bounds = make([][4]float64, len(r.Values))
	}
	r.Values[i], r.Status[i] = est.Value, aggregate.Nowcast
	r.Bounds[i] = [4]float64{est.Low80, est.High80, est.Low95, est.High95}
}

// nowcastRow fills row r of economy e past its last reported year with the model's estimates up
// to the year to, at most years years past the last report, in place of carried values.
func (d *data) nowcastRow(m *nowcast.Model, r *aggregate.Row, e int, lastReported, to, years int) {
	for t := lastReported + 1; t <= min(to, lastReported+years, d.last); t++ {
		if t < d.first {
			continue
		}
		est, ok := m.Nowcast(d.economies[e], t)
		if !ok {
			continue
		}
		setNowcast(r, t-d.first, est)
	}
}

// boundsAt is a filled value's interval: a nowcast's, NaN otherwise.
func boundsAt(r *aggregate.Row, i int) [4]float64 {
	if r.Bounds == nil || r.Status[i] != aggregate.Nowcast {
		return [4]float64{math.NaN(), math.NaN(), math.NaN(), math.NaN()}
	}
	return r.Bounds[i]
}
