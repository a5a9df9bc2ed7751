// Command progress benchmarks the progress engine (indicators/progress) on synthetic series:
// the CAGR-ratio metrics on every series and the full assessment with fitted trends on a subset,
// on all cores.
//
//	go run ./benchmarks/progress                          # 1 million series, 100,000 assessed
//	go run ./benchmarks/progress -series 200000 -fits 20000 -years 25
//
// The series, generated deterministically from -seed, end in 2024 and mix the kinds of measure
// the engine sees: internet use (logistic diffusion curves with survey noise, bounded 0–100, target
// 95 by 2030), mobile subscriptions per 100 (unbounded diffusion, target 100), prices as % of GNI
// per capita (falling, target 2, lower is better) and gender parity scores (target parity
// 0.98–1.02). One series in six has gaps: missing years, or missing (NaN) values. Three in four are
// assessed from 2015, the rest from their first year.
//
// Three timed passes, each repeated -runs times (the median is printed): Metrics on every series;
// Assess on the first -fits series (whose results are then checked, untimed, against the rules of
// progress.CheckResult); Assess again on those of them whose chosen model is the
// logistic, each of which fits two logistics (on the training points, then the refit on all
// points), which gives the logistic fits per second.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ictstat/ictstat/indicators/progress"
)

// Kinds of series and the goals they are assessed against (index: kind·2 + 1 for the baseline at
// the first year).
const (
	internet = iota
	subscriptions
	price
	parity
	kinds
)

var kindNames = [kinds]string{"internet use (bounded)", "subscriptions per 100", "price, lower is better", "gender parity score"}

var classes = []string{progress.TargetMet, progress.OnTrack, progress.AccelerationNeeded, progress.LimitedProgress,
	progress.Deterioration, progress.UnableToAssess}

type set struct {
	series []progress.Series
	goal   []uint8 // index into goals
	goals  []progress.Goal
}

func main() {
	var (
		nSeries = flag.Int("series", 1_000_000, "series to generate and run Metrics on")
		years   = flag.Int("years", 20, "years per series (ending in 2024)")
		nFits   = flag.Int("fits", 100_000, "how many of the series get a full Assess with fitted trends")
		runs    = flag.Int("runs", 3, "runs of each pass (the median is reported)")
		seed    = flag.Uint64("seed", 1, "seed of the generated series")
		profile = flag.String("cpuprofile", "", "write a CPU profile of the timed passes to this file")
	)
	flag.Parse()
	if *nSeries < 1 || *years < 2 || *nFits < 0 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "progress: -series and -runs must be at least 1, -years at least 2, -fits not negative")
		os.Exit(2)
	}
	*nFits = min(*nFits, *nSeries)
	workers := runtime.GOMAXPROCS(0)
	fmt.Printf("progress engine benchmark: %d series of %d years (%d–2024), %d assessed with fits, %d workers (GOMAXPROCS), %s\n",
		*nSeries, *years, 2025-*years, *nFits, workers, runtime.Version())

	start := time.Now()
	s := generate(*nSeries, *years, *seed, workers)
	fmt.Printf("generated in %.2f s\n\n", time.Since(start).Seconds())
	if *profile != "" {
		f, err := os.Create(*profile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "progress:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}

	// Metrics on every series.
	var counts [kinds][7]int64
	wall := median(*runs, func() time.Duration {
		local := make([]struct {
			n [kinds][7]int64
			_ [64]byte // keeps the workers' counts on separate cache lines
		}, workers)
		d := parallel(len(s.series), workers, func(w, i int) {
			r := progress.Metrics(s.series[i], s.goals[s.goal[i]])
			local[w].n[s.goal[i]/2][classIndex(r.Class)]++
		})
		counts = [kinds][7]int64{}
		for _, l := range local {
			for k := range l.n {
				for c := range l.n[k] {
					counts[k][c] += l.n[k][c]
				}
			}
		}
		return d
	})
	fmt.Printf("Metrics:  %d series in %.3f s = %.2f million series/s\n", len(s.series), wall.Seconds(), float64(len(s.series))/wall.Seconds()/1e6)
	printClasses(counts)

	// Assess on the first nFits series.
	if *nFits == 0 {
		return
	}
	results := make([]progress.Result, *nFits)
	wall = median(*runs, func() time.Duration {
		return parallel(*nFits, workers, func(_, i int) { results[i] = progress.Assess(s.series[i], s.goals[s.goal[i]]) })
	})
	var logistic []int
	models := map[string]int{}
	for i, r := range results {
		models[r.Model]++
		if r.Model == progress.Logistic {
			logistic = append(logistic, i)
		}
	}
	fmt.Printf("\nAssess:   %d series in %.3f s = %.0f Assess/s (models chosen: %d logistic, %d logit-linear, %d log-linear, %d linear, %d none)\n",
		*nFits, wall.Seconds(), float64(*nFits)/wall.Seconds(), models[progress.Logistic], models[progress.LogitLinear],
		models[progress.LogLinear], models[progress.Linear], models[""])
	// Every result keeps the rules of progress.CheckResult (not timed).
	var broken atomic.Int64
	parallel(*nFits, workers, func(_, i int) {
		if vs := progress.CheckResult(results[i], s.goals[s.goal[i]]); len(vs) > 0 {
			if broken.Add(1) <= 5 {
				fmt.Fprintf(os.Stderr, "series %d: %v\n", i, vs)
			}
		}
	})
	fmt.Printf("          %d results break the progress rules\n", broken.Load())

	// Assess again on the series whose model is the logistic: two logistic fits each.
	if len(logistic) == 0 {
		return
	}
	wall = median(*runs, func() time.Duration {
		return parallel(len(logistic), workers, func(_, j int) {
			i := logistic[j]
			results[i] = progress.Assess(s.series[i], s.goals[s.goal[i]])
		})
	})
	fits := 2 * len(logistic)
	fmt.Printf("Logistic: %d Assess choosing the logistic (%d logistic fits) in %.3f s = %.0f fits/s, %.0f Assess/s\n",
		len(logistic), fits, wall.Seconds(), float64(fits)/wall.Seconds(), float64(len(logistic))/wall.Seconds())
}

func classIndex(c string) int {
	if i := slices.Index(classes, c); i >= 0 {
		return i
	}
	return len(classes) // not a class: a bug
}

func printClasses(counts [kinds][7]int64) {
	fmt.Printf("  %-24s", "class counts")
	for _, c := range classes {
		fmt.Printf(" %20s", c)
	}
	fmt.Println()
	var total [7]int64
	for k := range counts {
		fmt.Printf("  %-24s", kindNames[k])
		for c := range classes {
			fmt.Printf(" %20d", counts[k][c])
			total[c] += counts[k][c]
		}
		fmt.Println()
		total[len(classes)] += counts[k][len(classes)]
	}
	fmt.Printf("  %-24s", "all")
	for c := range classes {
		fmt.Printf(" %20d", total[c])
	}
	fmt.Println()
	if total[len(classes)] > 0 {
		fmt.Printf("  %d results had no valid class\n", total[len(classes)])
	}
}

// median runs f n times and returns the median of its durations.
func median(n int, f func() time.Duration) time.Duration {
	ds := make([]time.Duration, n)
	for i := range ds {
		ds[i] = f()
	}
	slices.Sort(ds)
	return ds[n/2]
}

// parallel calls f(w, i) for i in [0, n) on the given number of goroutines w, in chunks, and
// returns the wall time.
func parallel(n, workers int, f func(w, i int)) time.Duration {
	const chunk = 256
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					f(w, i)
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// generate makes n series of the given number of years ending in 2024, each from its own random
// stream (seed, index), so the set does not depend on the number of workers.
func generate(n, years int, seed uint64, workers int) set {
	first := 2025 - years
	s := set{series: make([]progress.Series, n), goal: make([]uint8, n)}
	for k := range kinds {
		var g progress.Goal
		switch k {
		case internet:
			g = progress.Goal{Comparator: "ge", Level: 95, Tolerance: 0.5, Range: progress.MeasureRange("percent", 0, 100)}
		case subscriptions:
			g = progress.Goal{Comparator: "ge", Level: 100, Tolerance: 0.5, Range: progress.MeasureRange("per100", 0, 1000)}
		case price:
			g = progress.Goal{Comparator: "le", Level: 2, Tolerance: 0.5, Range: progress.MeasureRange("pct_gni", 0, 100000)}
		case parity:
			g = progress.Goal{Comparator: "parity", Level: 1.02, Tolerance: 0.005}
		}
		g.Deadline = 2030
		g.BaselineYear = max(2015, first)
		s.goals = append(s.goals, g)
		g.BaselineYear = first
		s.goals = append(s.goals, g)
	}
	all := make([]int, years)
	for j := range all {
		all[j] = first + j
	}
	// One backing array for all values: the collector then has few objects to mark while the
	// timed passes allocate.
	flat := make([]float64, n*years)
	parallel(n, workers, func(_, i int) {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		kind := internet
		switch u := rng.Float64(); {
		case u >= 0.9:
			kind = parity
		case u >= 0.7:
			kind = price
		case u >= 0.55:
			kind = subscriptions
		}
		s.goal[i] = uint8(2 * kind)
		if rng.IntN(4) == 0 {
			s.goal[i]++
		}
		values := flat[i*years : (i+1)*years : (i+1)*years]
		curve(kind, rng, all, values)
		yrs := all
		switch rng.IntN(12) {
		case 0: // missing years
			yrs = make([]int, 0, years)
			kept := values[:0]
			for j, y := range all {
				if rng.IntN(10) >= 3 {
					yrs, kept = append(yrs, y), append(kept, values[j])
				}
			}
			values = kept
		case 1: // missing values
			for j := range values {
				if rng.IntN(10) < 2 {
					values[j] = math.NaN()
				}
			}
		}
		s.series[i] = progress.Series{Years: yrs, Values: values}
	})
	return s
}

// curve fills values with one series of the kind for the years.
func curve(kind int, rng *rand.Rand, years []int, values []float64) {
	first := float64(years[0])
	switch kind {
	case internet, subscriptions:
		// Logistic diffusion K/(1 + exp(−r(t − t0))) with noise; internet use stays within 0–100.
		k, noise := 40+60*rng.Float64(), 0.3+1.7*rng.Float64()
		if kind == subscriptions {
			k = 60 + 100*rng.Float64()
		}
		r, t0 := 0.15+0.45*rng.Float64(), first-5+float64(len(years)+15)*rng.Float64()
		for j, y := range years {
			v := k/(1+math.Exp(-r*(float64(y)-t0))) + noise*rng.NormFloat64()
			if kind == internet {
				v = min(100, v)
			}
			values[j] = max(0.01, v)
		}
	case price:
		// Falling 0–15% a year from 1–20% of GNI per capita, with 5% multiplicative noise.
		p0, fall := 1+19*rng.Float64(), 0.15*rng.Float64()
		for j, y := range years {
			values[j] = p0 * math.Exp(-fall*(float64(y)-first)) * (1 + 0.05*rng.NormFloat64())
		}
	case parity:
		// Female/male ratio closing on 1 from 0.5–0.95, with noise of 0.01.
		g0, c := 0.5+0.45*rng.Float64(), 0.15*rng.Float64()
		for j, y := range years {
			values[j] = 1 - (1-g0)*math.Exp(-c*(float64(y)-first)) + 0.01*rng.NormFloat64()
		}
	}
}
