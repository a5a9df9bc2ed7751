// Command nowcast backtests the internet-use nowcast (indicators/nowcast) on real data: every
// economy's internet use (internet_use_pct, total population), pooled by ITU region, for origins
// 2012–2021 and horizons 1–3 years, against flat carry-forward and linear extrapolation.
//
//	go run ./benchmarks/nowcast                 # builds the default data into a temporary directory
//	go run ./benchmarks/nowcast -db ictstat.duckdb   # opens a database read-only
//
// It prints, per horizon: comparisons, the mean absolute error of the model, carry-forward and
// linear extrapolation (percentage points), the model's MAE over carry-forward's, the model's mean
// error, the coverage of its 80% and 95% intervals, and the k chosen at each origin and on all data.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/nowcast"
)

func main() {
	db := flag.String("db", "", "database to open read-only (default: build the default data into a temporary directory)")
	from := flag.Int("from", 2012, "first origin year")
	to := flag.Int("to", 2021, "last origin year")
	flag.Parse()
	if err := run(*db, *from, *to); err != nil {
		fmt.Fprintln(os.Stderr, "nowcast:", err)
		os.Exit(1)
	}
}

func run(db string, from, to int) error {
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
	series, err := nowcast.ReadSeries(ctx, st.DB(), "internet_use_pct")
	if err != nil {
		return err
	}
	points := 0
	for _, x := range series {
		points += len(x.Years)
	}
	fmt.Printf("internet_use_pct: %d economies, %d observations\n", len(series), points)

	var origins []int
	for y := from; y <= to; y++ {
		origins = append(origins, y)
	}
	started := time.Now()
	res := nowcast.Backtest(series, origins, []int{1, 2, 3}, nowcast.Options{})
	fmt.Printf("backtest, origins %d–%d, in %.2f s\n\n", from, to, time.Since(started).Seconds())
	fmt.Printf("%-7s %6s %9s %9s %9s %12s %10s %8s %8s\n", "horizon", "n", "MAE model", "MAE carry", "MAE lin", "model÷carry", "bias model", "cov80", "cov95")
	for _, r := range res.Rows {
		fmt.Printf("%-7d %6d %9.3f %9.3f %9.3f %12.3f %+10.3f %7.1f%% %7.1f%%\n", r.Horizon, r.N,
			r.Model.MAE, r.Carry.MAE, r.Linear.MAE, r.Model.MAE/r.Carry.MAE, r.Model.Bias, 100*r.Coverage80, 100*r.Coverage95)
	}
	fmt.Printf("\nbias carry / linear:")
	for _, r := range res.Rows {
		fmt.Printf("  h%d %+.3f / %+.3f", r.Horizon, r.Carry.Bias, r.Linear.Bias)
	}
	fmt.Printf("\nk chosen per origin:")
	ys := make([]int, 0, len(res.K))
	for y := range res.K {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	for _, y := range ys {
		fmt.Printf(" %d:%g", y, res.K[y])
	}
	m := nowcast.Fit(series, nowcast.Options{})
	fmt.Printf("\nall data: last year %d, k = %g, %d calibration residuals\n", m.LastYear, m.K, m.Residuals)
	return nil
}
