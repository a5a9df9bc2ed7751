// Command nowcast backtests the nowcasts (indicators/nowcast) on real data: every economy's
// series of each indicator (totals), pooled by ITU region, for origins 2012–2021 and horizons 1–3
// years, against flat carry-forward and linear extrapolation; the first indicator (internet use)
// also per ITU region.
//
//	go run ./benchmarks/nowcast                 # builds the default data into a temporary directory
//	go run ./benchmarks/nowcast -db ictstat.duckdb   # opens a database read-only
//
// It prints, per horizon: comparisons, the mean absolute error of the model, carry-forward and
// linear extrapolation (in the indicator's unit), the model's MAE over carry-forward's, the model's
// mean error, the coverage of its 80% and 95% intervals, and the model chosen at each origin and on
// all data.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/nowcast"
)

func main() {
	db := flag.String("db", "", "database to open read-only (default: build the default data into a temporary directory)")
	from := flag.Int("from", 2012, "first origin year")
	to := flag.Int("to", 2021, "last origin year")
	list := flag.String("indicators", "internet_use_pct,households_internet_pct,mobile_phone_ownership_pct,coverage_4g_pct,fixed_broadband_per100,mobile_broadband_per100",
		"indicators to backtest, comma-separated; the first is also shown per ITU region")
	asOf := flag.String("vintage", "2023-12-31", "also backtest the first indicator on the data as published on this date (\"\": not)")
	flag.Parse()
	var vintageDate time.Time
	if *asOf != "" {
		d, err := time.Parse(time.DateOnly, *asOf)
		if err != nil {
			fmt.Fprintln(os.Stderr, "nowcast: -vintage:", err)
			os.Exit(2)
		}
		vintageDate = d
	}
	if err := run(*db, *from, *to, strings.Split(*list, ","), vintageDate); err != nil {
		fmt.Fprintln(os.Stderr, "nowcast:", err)
		os.Exit(1)
	}
}

func run(db string, from, to int, indicators []string, vintageDate time.Time) error {
	ctx := context.Background()
	if db == "" {
		dir, err := os.MkdirTemp("", "ictstat-nowcast-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		db = filepath.Join(dir, "default.duckdb")
		started := time.Now()
		if _, err := datasets.Build(ctx, db, datasets.BuildOptions{ToolVersion: "benchmark"}); err != nil {
			return err
		}
		fmt.Printf("built the default data into %s in %.1f s\n", db, time.Since(started).Seconds())
	}
	st, err := store.Open(ctx, db, store.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	scales, err := nowcast.Indicators()
	if err != nil {
		return err
	}
	var origins []int
	for y := from; y <= to; y++ {
		origins = append(origins, y)
	}
	for i, ind := range indicators {
		if scales[ind] == "" {
			return fmt.Errorf("%s is not an indicator the model nowcasts (indicators/nowcast/indicators.csv)", ind)
		}
		series, err := nowcast.ReadSeries(ctx, st.DB(), ind)
		if err != nil {
			return err
		}
		points := 0
		for _, x := range series {
			points += len(x.Years)
		}
		opts := nowcast.Options{Scale: scales[ind]}
		started := time.Now()
		res := nowcast.Backtest(series, origins, []int{1, 2, 3}, opts)
		fmt.Printf("\n## %s (%s scale): %d economies, %d observations; origins %d–%d, in %.2f s\n\n", ind, scales[ind],
			len(series), points, from, to, time.Since(started).Seconds())
		table(res.Rows)
		fmt.Printf("\nregion means (≥ %d economies): intervals with the errors' correlation / fully correlated:", nowcast.MinMeanMembers)
		for _, r := range res.Rows {
			fmt.Printf("\n  h%d n=%d MAE %.3f (carry %.3f) cov80 %.1f%% / %.1f%% cov95 %.1f%% / %.1f%%", r.Horizon, r.Means.N, r.Means.Model,
				r.Means.Carry, 100*r.Means.Coverage80, 100*r.Means.FullCoverage80, 100*r.Means.Coverage95, 100*r.Means.FullCoverage95)
		}
		fmt.Printf("\nbias carry / linear:")
		for _, r := range res.Rows {
			fmt.Printf("  h%d %+.3f / %+.3f", r.Horizon, r.Carry.Bias, r.Linear.Bias)
		}
		fmt.Printf("\nmodel chosen per origin (window, pool, k):")
		ys := make([]int, 0, len(res.Models))
		for y := range res.Models {
			ys = append(ys, y)
		}
		slices.Sort(ys)
		for _, y := range ys {
			m := res.Models[y]
			fmt.Printf(" %d:%d,%d,%g", y, m.Window, m.Pool, m.K)
		}
		m := nowcast.Fit(series, opts)
		fmt.Printf("\nall data: last year %d, window %d, pool %s, k = %g; internal backtest MAE %.3f against carry-forward's %.3f (%d comparisons); error correlation %.3f\n",
			m.LastYear, m.Window, m.PoolName(), m.K, m.MAE, m.CarryMAE, m.Residuals, m.Correlation)
		if i == 0 {
			groups := make([]string, 0, len(res.ByGroup))
			for g := range res.ByGroup {
				groups = append(groups, g)
			}
			slices.Sort(groups)
			for _, g := range groups {
				name := g
				if name == "" {
					name = "(no ITU region)"
				}
				fmt.Printf("\n### %s, %s\n\n", ind, name)
				table(res.ByGroup[g])
			}
		}
	}
	if !vintageDate.IsZero() {
		return vintage(ctx, db, indicators[0], scales[indicators[0]], vintageDate)
	}
	return nil
}

func table(rows []nowcast.Row) {
	fmt.Printf("%-7s %6s %9s %9s %9s %12s %10s %8s %8s\n", "horizon", "n", "MAE model", "MAE carry", "MAE lin", "model÷carry", "bias model", "cov80", "cov95")
	for _, r := range rows {
		fmt.Printf("%-7d %6d %9.3f %9.3f %9.3f %12.3f %+10.3f %7.1f%% %7.1f%%\n", r.Horizon, r.N,
			r.Model.MAE, r.Carry.MAE, r.Linear.MAE, r.Model.MAE/r.Carry.MAE, r.Model.Bias, 100*r.Coverage80, 100*r.Coverage95)
	}
}
