// Command charts benchmarks drawing trend charts from the store: figures.Build reading the
// database, then chart.Render drawing a PNG, for -charts charts.
//
//	go run ./benchmarks/charts                 # 200 charts, 3 runs, on a new default database
//	go run ./benchmarks/charts -charts 50 -runs 1 -db ictstat.duckdb
//	go run ./benchmarks/charts -ictstat /tmp/ictstat   # and time that command drawing one chart
//	go run ./benchmarks/charts -ictstat /tmp/old/ictstat,/tmp/ictstat   # two builds side by side
//
// Each chart is a 16×10 cm, 150 dpi trend of one indicator from 2005 to 2024 for three economies
// (the economies with data taken three at a time, the indicators in turn: internet use with the
// UMC 2030 target and each line's projection, mobile-cellular and fixed-broadband subscriptions per
// 100, 4G coverage). The passes, each repeated -runs times (the median is printed):
//
//   - cold: every chart from a new figures.Source, which reads the catalogue and the indicator
//     from the database, as one `ictstat chart` run does;
//   - warm: one Source for all the charts, as `ictstat chart --spec` does, one at a time;
//   - parallel: the same on GOMAXPROCS goroutines;
//   - bare gonum/plot: the reference, the same lines drawn with gonum/plot's defaults (plot.New,
//     plotter.NewLinePoints, a legend, plot.WriterTo PNG), no house style, no labels placed, no
//     source line; its data are the warm pass's, so it pays for no query.
//
// The SVG and PDF of the same charts are timed once, warm. Peak memory is the process's.
//
// With -ictstat, the commands at those paths (comma-separated, e.g. two builds to compare) are
// run -process times, every command of every build in turn (side by side, so that a busy machine
// slows them alike), and the median wall time of each printed: `ictstat --version` (starting the
// program), `ictstat sql "SELECT 1"` (and opening the database) and `ictstat chart trend` of the
// first chart to a PNG file (and drawing the chart).
package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"image/color"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/compute"
	"github.com/ictstat/ictstat/indicators/figures"
)

// indicators are drawn in turn, with the target of the first.
var indicators = []struct{ code, target string }{
	{"internet_use_pct", "umc_2030:UMC.1"},
	{"mobile_cellular_per100", ""},
	{"fixed_broadband_per100", ""},
	{"coverage_4g_pct", ""},
}

func main() {
	var (
		n    = flag.Int("charts", 200, "charts to draw in each pass")
		runs = flag.Int("runs", 3, "runs of each pass (the median is reported)")
		path = flag.String("db", "", "an ictstat database to read (default: build the default one in a temporary folder)")
		bin  = flag.String("ictstat", "", "ictstat commands (comma-separated paths) to time drawing one chart in a process of its own")
		proc = flag.Int("process", 21, "runs of each ictstat command timed (with -ictstat)")
	)
	flag.Parse()
	if *n < 1 || *runs < 1 || *proc < 1 {
		fmt.Fprintln(os.Stderr, "charts: -charts, -runs and -process must be at least 1")
		os.Exit(2)
	}
	if err := run(*n, *runs, *path, *bin, *proc); err != nil {
		fmt.Fprintln(os.Stderr, "charts:", err)
		os.Exit(1)
	}
}

func run(n, runs int, path, bin string, procRuns int) error {
	ctx := context.Background()
	if path == "" {
		dir, err := os.MkdirTemp("", "ictstat-chart-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "default.duckdb")
		start := time.Now()
		if err := build(ctx, path); err != nil {
			return err
		}
		fmt.Printf("built the default database in %.1f s\n", time.Since(start).Seconds())
	}
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		return err
	}
	defer db.Close()
	reqs, err := requests(ctx, db, n)
	if err != nil {
		return err
	}
	workers := runtime.GOMAXPROCS(0)
	fmt.Printf("chart benchmark: %d trend charts of 3 economies, 2005–2024, %s at %g dpi, PNG; %d workers (GOMAXPROCS), %s\n\n",
		n, "16x10 cm", chart.DefaultSize.DPI, workers, runtime.Version())

	// Warm once, so that every pass starts from the same state of DuckDB and the OS cache.
	warm := figures.NewSource(db)
	charts := make([]chart.Chart, n)
	for i, r := range reqs {
		if charts[i], err = warm.Build(ctx, r); err != nil {
			return fmt.Errorf("%+v: %w", r, err)
		}
	}
	var pngBytes int64
	passes := []struct {
		name string
		run  func() error
	}{
		{"cold (new Source per chart)", func() error {
			for _, r := range reqs {
				if err := draw(ctx, figures.NewSource(db), r, "png", nil); err != nil {
					return err
				}
			}
			return nil
		}},
		{"warm (one Source)", func() error {
			src := figures.NewSource(db)
			pngBytes = 0
			for _, r := range reqs {
				if err := draw(ctx, src, r, "png", &pngBytes); err != nil {
					return err
				}
			}
			return nil
		}},
		{fmt.Sprintf("parallel (one Source, %d workers)", workers), func() error {
			src := figures.NewSource(db)
			return parallel(workers, len(reqs), func(i int) error { return draw(ctx, src, reqs[i], "png", nil) })
		}},
		{"bare gonum/plot (reference)", func() error {
			for _, c := range charts {
				if err := bare(c.(chart.Trend)); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	medians := map[string]time.Duration{}
	fmt.Printf("%-36s %12s %12s %10s   runs\n", "pass", "total", "per chart", "charts/s")
	for _, p := range passes {
		var times []time.Duration
		for range runs {
			start := time.Now()
			if err := p.run(); err != nil {
				return err
			}
			times = append(times, time.Since(start))
		}
		m := median(times)
		medians[p.name] = m
		fmt.Printf("%-36s %10.2f s %9.1f ms %10.1f   %s\n", p.name, m.Seconds(), ms(m)/float64(n), float64(n)/m.Seconds(), list(times))
	}
	warmT, bareT := medians[passes[1].name], medians[passes[3].name]
	fmt.Printf("\nwarm / bare gonum/plot: %.2f; mean PNG %.0f KB\n", warmT.Seconds()/bareT.Seconds(), float64(pngBytes)/float64(n)/1024)
	for _, format := range []string{"svg", "pdf"} {
		src := figures.NewSource(db)
		var size int64
		start := time.Now()
		for _, r := range reqs {
			if err := draw(ctx, src, r, format, &size); err != nil {
				return err
			}
		}
		d := time.Since(start)
		fmt.Printf("%s, warm, 1 run: %.1f ms per chart, mean %.0f KB\n", strings.ToUpper(format), ms(d)/float64(n), float64(size)/float64(n)/1024)
	}
	fmt.Printf("peak resident memory: %s\n", peakRSS())
	if bin != "" {
		return processes(bin, path, reqs[0], procRuns)
	}
	return nil
}

// processes times each command of bins (comma-separated paths) starting, opening the database at
// path, and drawing the chart r asks for, runs times, all in turn, and prints the median wall
// time of each; and, first, a program that only opens the database in DuckDB
// (benchmarks/charts/duckdbonly), the floor of every command that reads it.
func processes(bins, path string, r figures.Request, runs int) error {
	dir, err := os.MkdirTemp("", "ictstat-chart-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	commands := [][]string{
		{"--version"},
		{"--db", path, "sql", "SELECT 1"},
		{"--db", path, "chart", "trend", "--indicator", r.Indicator, "--economies", strings.Join(r.Entities, ","),
			"--from", fmt.Sprint(r.From), "--to", fmt.Sprint(r.To), "--target", r.Target, "-o", filepath.Join(dir, "chart.png")},
	}
	paths := strings.Split(bins, ",")
	times := make([][][]time.Duration, len(paths))
	for i := range times {
		times[i] = make([][]time.Duration, len(commands))
	}
	for range runs {
		for i, args := range commands {
			for j, bin := range paths {
				start := time.Now()
				if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
					return fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(args, " "), err, out)
				}
				times[j][i] = append(times[j][i], time.Since(start))
			}
		}
	}
	// The floor under any command that reads the database: a program that links DuckDB, opens
	// the database and runs SELECT 1, and nothing else.
	floor := filepath.Join(dir, "duckdbonly")
	if out, err := exec.Command("go", "build", "-o", floor, "./benchmarks/charts/duckdbonly").CombinedOutput(); err != nil {
		return fmt.Errorf("building the DuckDB-only program: %w\n%s", err, out)
	}
	var floorTimes []time.Duration
	for range runs {
		start := time.Now()
		if out, err := exec.Command(floor, path).CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %w\n%s", floor, err, out)
		}
		floorTimes = append(floorTimes, time.Since(start))
	}
	fs := slices.Sorted(slices.Values(floorTimes))
	fmt.Printf("\na Go program that only opens the database in DuckDB and runs SELECT 1, %d runs: %.1f ms (%.1f–%.1f)\n",
		runs, ms(median(floorTimes)), ms(fs[0]), ms(fs[len(fs)-1]))
	fmt.Printf("\none process per run, %d runs of each, all in turn (median, min–max):\n", runs)
	for i, args := range commands {
		fmt.Printf("ictstat %s\n", strings.Join(args, " "))
		for j, bin := range paths {
			s := slices.Sorted(slices.Values(times[j][i]))
			fmt.Printf("  %6.1f ms (%.1f–%.1f)  %s\n", ms(median(times[j][i])), ms(s[0]), ms(s[len(s)-1]), bin)
		}
	}
	return nil
}

// build makes the default database with its computed results.
func build(ctx context.Context, path string) error {
	if _, err := datasets.Build(ctx, path, datasets.BuildOptions{}); err != nil {
		return err
	}
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = compute.Run(ctx, st, compute.Options{ToolVersion: "benchmark"})
	return err
}

// requests are n trend charts: the economies with data on each indicator, three at a time,
// the indicators in turn.
func requests(ctx context.Context, db *sql.DB, n int) ([]figures.Request, error) {
	economies := map[string][]string{}
	for _, ind := range indicators {
		rows, err := db.QueryContext(ctx, `SELECT DISTINCT economy FROM observations WHERE indicator = ? AND year BETWEEN 2005 AND 2024
			AND sex = 'total' AND area = 'total' AND age = 'total' ORDER BY economy`, ind.code)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				rows.Close()
				return nil, err
			}
			economies[ind.code] = append(economies[ind.code], e)
		}
		rows.Close()
		if len(economies[ind.code]) < 3 {
			return nil, fmt.Errorf("fewer than 3 economies have %s", ind.code)
		}
	}
	out := make([]figures.Request, n)
	for i := range out {
		ind := indicators[i%len(indicators)]
		es := economies[ind.code]
		k := (i / len(indicators) * 3) % (len(es) - 2)
		out[i] = figures.Request{Kind: figures.Trend, Indicator: ind.code, Entities: slices.Clone(es[k : k+3]), From: 2005, To: 2024, Target: ind.target}
	}
	return out, nil
}

// draw builds and renders one chart, adding its size to *size when size is not nil.
func draw(ctx context.Context, src *figures.Source, r figures.Request, format string, size *int64) error {
	c, err := src.Build(ctx, r)
	if err != nil {
		return fmt.Errorf("%+v: %w", r, err)
	}
	var w io.Writer = io.Discard
	var buf bytes.Buffer
	if size != nil {
		w = &buf
	}
	if err := chart.Render(c, format, chart.DefaultSize, w); err != nil {
		return err
	}
	if size != nil {
		*size += int64(buf.Len())
	}
	return nil
}

// bare draws the trend's lines with gonum/plot's defaults, the reference for the house style.
func bare(t chart.Trend) error {
	p := plot.New()
	p.Title.Text = t.Title
	p.X.Label.Text, p.Y.Label.Text = t.XLabel, t.YLabel
	for i, l := range t.Lines {
		xys := make(plotter.XYs, len(l.Points))
		for j, pt := range l.Points {
			xys[j] = plotter.XY{X: pt.X, Y: pt.Y}
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return err
		}
		c := chart.Palette[i%len(chart.Palette)]
		line.Color, points.Color = c, c
		if l.Dashed {
			line.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		}
		p.Add(line, points)
		if l.Label != "" {
			p.Legend.Add(l.Label, line, points)
		}
	}
	p.BackgroundColor = color.White
	w, err := p.WriterTo(16*vg.Centimeter, 10*vg.Centimeter, "png")
	if err != nil {
		return err
	}
	_, err = w.WriteTo(io.Discard)
	return err
}

func parallel(workers, n int, f func(i int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, workers)
	next := make(chan int)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil && errs[w] == nil {
					errs[w] = err
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func median(ts []time.Duration) time.Duration {
	s := slices.Clone(ts)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func list(ts []time.Duration) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, fmt.Sprintf("%.2f", t.Seconds()))
	}
	return strings.Join(parts, " ")
}

// peakRSS is the process's peak resident set size, from /proc (Linux), or "unknown".
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
