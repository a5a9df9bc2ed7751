package main

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/nowcast"
)

// vintage backtests the nowcast on the data as published on a date (the edition available then):
// the model is fitted on the series as of that date and nowcasts each economy for the years after
// the data's last year that the current data report; the same model fitted on the current data cut
// at that last year shows what revisions between the editions did.
func vintage(ctx context.Context, db, indicator, scale string, asOf time.Time) error {
	st, err := store.Open(ctx, db, store.Options{ReadOnly: true, AsOf: asOf})
	if err != nil {
		return err
	}
	old, err := nowcast.ReadSeries(ctx, st.DB(), indicator)
	st.Close()
	if err != nil {
		return err
	}
	st, err = store.Open(ctx, db, store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	current, err := nowcast.ReadSeries(ctx, st.DB(), indicator)
	if err != nil {
		return err
	}
	opts := nowcast.Options{Scale: scale}
	m := nowcast.Fit(old, opts)
	origin := m.LastYear
	cut := make([]nowcast.Series, 0, len(current))
	for _, s := range current {
		c := nowcast.Series{Economy: s.Economy, Group: s.Group}
		for i, y := range s.Years {
			if y <= origin {
				c.Years, c.Values = append(c.Years, y), append(c.Values, s.Values[i])
			}
		}
		cut = append(cut, c)
	}
	mc := nowcast.Fit(cut, opts)
	lastOld := map[string]float64{}
	for _, s := range old {
		if n := len(s.Values); n > 0 {
			lastOld[s.Economy] = s.Values[n-1]
		}
	}
	// Revisions: the values of the same economy and year in both.
	byYear := map[string]map[int]float64{}
	for _, s := range current {
		byYear[s.Economy] = map[int]float64{}
		for i, y := range s.Years {
			byYear[s.Economy][y] = s.Values[i]
		}
	}
	var revised, compared int
	var revision float64
	for _, s := range old {
		for i, y := range s.Years {
			if v, ok := byYear[s.Economy][y]; ok {
				compared++
				if d := math.Abs(v - s.Values[i]); d > 1e-9 {
					revised++
					revision += d
				}
			}
		}
	}
	fmt.Printf("\n## %s as published on %s: %d economies, data to %d\n\n", indicator, asOf.Format(time.DateOnly), len(old), origin)
	fmt.Printf("revised since: %d of %d values of the same economy and year (mean absolute revision %.3f)\n\n", revised, compared,
		revision/math.Max(float64(revised), 1))
	fmt.Printf("%-7s %6s %12s %12s %9s %14s %12s %8s %8s\n", "year", "n", "MAE vintage", "MAE current", "MAE carry", "vintage÷carry", "bias vintage", "cov80", "cov95")
	for y := origin + 1; y <= origin+3; y++ {
		var n, in80, in95 int
		var ae, aeCur, aeCarry, bias float64
		for _, s := range current {
			obs, ok := byYear[s.Economy][y]
			if !ok {
				continue
			}
			e, ok1 := m.Nowcast(s.Economy, y)
			ec, ok2 := mc.Nowcast(s.Economy, y)
			last, ok3 := lastOld[s.Economy]
			if !ok1 || !ok2 || !ok3 {
				continue
			}
			n++
			ae += math.Abs(e.Value - obs)
			bias += e.Value - obs
			aeCur += math.Abs(ec.Value - obs)
			aeCarry += math.Abs(last - obs)
			if e.Low80 <= obs && obs <= e.High80 {
				in80++
			}
			if e.Low95 <= obs && obs <= e.High95 {
				in95++
			}
		}
		if n == 0 {
			continue
		}
		f := float64(n)
		fmt.Printf("%-7d %6d %12.3f %12.3f %9.3f %14.3f %+12.3f %7.1f%% %7.1f%%\n", y, n, ae/f, aeCur/f, aeCarry/f, ae/aeCarry,
			bias/f, 100*float64(in80)/f, 100*float64(in95)/f)
	}
	return nil
}
