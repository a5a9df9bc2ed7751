package main

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/indicators/figures"
)

// specFile is the file `ictstat chart --spec` reads.
type specFile struct {
	Size   string      `yaml:"size"`
	DPI    float64     `yaml:"dpi"`
	Lang   string      `yaml:"lang"`
	Digits string      `yaml:"digits"`
	Charts []yaml.Node `yaml:"charts"`
}

func newChart(g *globals) *cobra.Command {
	var c figures.Spec
	var spec, outDir string
	cmd := &cobra.Command{
		Use:   "chart KIND -o FILE | chart --spec FILE --out DIR",
		Short: "Draw trend, gap, ranking, scorecard and map charts for reports",
		Long: `Draw publication-ready charts from the database, as PNG, SVG or PDF (from the file's extension):

  trend            an indicator over the years for up to 7 economies or groups; with --target,
                   the target line, the deadline and each line's trend as the progress engine
                   fits it, projected to the deadline (dashed), with its 95% interval shaded when
                   3 or fewer lines are projected (--intervals)
  gap              women and men (--split sex) or rural and urban areas (--split area) of one
                   economy or group with the gap shaded; with several, or --parity, their gender
                   parity scores over time with the parity band 0.98–1.02
  small-multiples  one small panel per member of --group, shared axes
  ranking          the latest value per member of --group (or per --economies), sorted (lowest
                   first for prices), with the target line
  scorecard        the WSIS Geneva targets scorecard of one economy or group (the world by default)
  map              a world map of each economy's value in one year (--year; by default the latest
                   year in which most economies have a value), in five classes: --classes quantile
                   (quintiles of the year's values, the default; fewer classes where values tie)
                   or fixed (equal steps from 0 to 100 for indicators whose valid maximum is 100,
                   else to the largest value of any year, rounded up); with
                   --group, its members only, the others grey. Natural Earth boundaries, Equal
                   Earth projection, Antarctica left out; economies without a value are hatched

Economies are drawn from their current observations (the newest edition that has each year): nothing is interpolated, so a
gap in the data stays a gap, and the values their producer flags as estimated, modelled or
forecast are hollow points. Groups are drawn from ictstat's aggregates (hollow where less than half
of the group's population reported, or where the values rest on nowcasts), or from the values
their source publishes. A scorecard drawn without --size is as tall as its rows need. Every chart
carries a source line naming the editions of its data, e.g. "Source: ITU, via World Bank WDI
(2025 edition)". Indicators are named by ictstat's code or a WDI, ITU, SDG or DDF code; economies
by ISO3 code in any case, M49 code or name, groups by code; an unknown one is answered with the
three closest.

With --lang, the chart's words are in that language: titles, axis labels, legend, notes and the
names of indicators, economies, groups and targets (indicators/translations; a chart whose words
include translations nobody has reviewed says so on stderr). Arabic (ar) and Persian (fa) are set
right to left, their letters shaped and joined, titles, legend and source line aligned right;
the time axis runs left to right, as in Arabic statistical publications. --digits native writes
numbers in Arabic-Indic (٠–٩) or Persian (۰–۹) digits.

With --spec, a YAML file lists charts to draw in one run into --out:

  size: 16x10cm          # default for every chart (cm or px); dpi: 150
  # each chart takes the flags' names: kind, indicator, economies, group, from, to, target,
  # split, parity, intervals, year, classes, title, lang, digits, size, dpi; and file, under --out
  # lang: ar             # default for every chart, as size is
  charts:
    - file: internet-regions.png
      kind: trend
      indicator: internet_use_pct
      economies: [WLD, ITU_AFR, ITU_ASP, ITU_EUR]
      from: 2005
      to: 2024
      target: umc_2030:UMC.1
    - file: ldc-internet.svg
      kind: small-multiples
      indicator: internet_use_pct
      group: LDC
      size: 24x18cm`,
		Example: `  ictstat chart trend --indicator internet_use_pct --economies WLD,ITU_AFR,ITU_EUR --from 2005 --to 2024 --target umc_2030:UMC.1 -o trend.png
  ictstat chart gap --indicator internet_use_pct --economies BRA -o brazil-gender.svg
  ictstat chart ranking --indicator price_mobile_data_5gb_pct_gni --group LDC -o prices.pdf --size 16x22cm
  ictstat chart map --indicator internet_use_pct --year 2023 -o map.png
  ictstat chart map --indicator internet_use_pct --year 2023 --group ITU_AFR --classes fixed -o africa.svg
  ictstat chart trend --indicator internet_use_pct --economies WLD,ITU_ARB --lang ar -o ar.png
  ictstat chart --spec charts.yaml --out charts/`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var specs []figures.Spec
			var defSize string
			var defDPI float64
			if spec != "" {
				if len(args) > 0 || c.File != "" {
					return usageError("--spec draws the charts its file lists: give no KIND and no -o")
				}
				if outDir == "" {
					return usageError("--spec needs --out DIR")
				}
				var err error
				if specs, defSize, defDPI, err = readSpec(spec); err != nil {
					return &exitError{exitUsage, err}
				}
				for i := range specs {
					specs[i].File = filepath.Join(outDir, specs[i].File)
				}
			} else {
				if len(args) != 1 || c.File == "" {
					return usageError("give a KIND (%s) and -o FILE, or --spec FILE --out DIR", strings.Join(figures.Kinds, ", "))
				}
				c.Kind = args[0]
				specs = []figures.Spec{c}
			}
			return drawCharts(cmd, g, specs, defSize, defDPI, spec)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&c.File, "output", "o", "", "the file to write: .png, .svg or .pdf")
	f.StringVar(&c.Indicator, "indicator", "", "the indicator, e.g. internet_use_pct (see the indicators view)")
	f.StringSliceVar(&c.Economies, "economies", nil, "economies or groups, by code: KEN,UGA or WLD,ITU_AFR")
	f.StringVar(&c.Group, "group", "", "the group whose members are shown (small-multiples, ranking, map)")
	f.IntVar(&c.From, "from", 0, "first year (default: the data's first)")
	f.IntVar(&c.To, "to", 0, "last year (default: the data's last)")
	f.StringVar(&c.Target, "target", "", "a target, framework:code, e.g. umc_2030:UMC.1 or wsis_geneva_2003:T10")
	f.StringVar(&c.Split, "split", "", "gap: sex (default) or area")
	f.BoolVar(&c.Parity, "parity", false, "gap: gender parity scores instead of the two series")
	f.StringVar(&c.Title, "title", "", "a title instead of ictstat's")
	f.StringVar(&c.Intervals, "intervals", "auto", "trend: shade the projections' 95% intervals: auto (up to 3 projected lines), all or none")
	f.IntVar(&c.Year, "year", 0, "map: the year shown (default: the latest year in which most economies have a value)")
	f.StringVar(&c.Classes, "classes", "", "map: quantile (quintiles of the year's values; the default) or fixed (equal steps, the same every year)")
	f.StringVar(&c.Lang, "lang", "en", "the language of the chart's text: en, ar, fa, fr, es, ru or zh")
	f.StringVar(&c.Digits, "digits", "western", "native: the language's own digits (Arabic-Indic in ar, Persian in fa); western: 0–9")
	f.StringVar(&c.Size, "size", "", `size, e.g. "16x10cm" (default) or "1600x1000px"`)
	f.Float64Var(&c.DPI, "dpi", 0, "resolution of PNG output (default 150)")
	f.StringVar(&spec, "spec", "", "a YAML file listing charts to draw")
	f.StringVar(&outDir, "out", "", "with --spec: the directory to write them to")
	addAsOf(cmd, g)
	return cmd
}

// readSpec reads a spec file, refusing unknown keys with their line.
func readSpec(path string) ([]figures.Spec, string, float64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", 0, err
	}
	var f specFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, "", 0, fmt.Errorf("%s: %w", path, err)
	}
	if len(f.Charts) == 0 {
		return nil, "", 0, fmt.Errorf("%s: no charts listed (a 'charts:' list is expected)", path)
	}
	specs, err := figures.DecodeSpecs(f.Charts)
	if err != nil {
		return nil, "", 0, fmt.Errorf("%s, %w", path, err)
	}
	for i := range specs {
		if specs[i].Lang == "" {
			specs[i].Lang = f.Lang
		}
		if specs[i].Digits == "" {
			specs[i].Digits = f.Digits
		}
	}
	return specs, f.Size, f.DPI, nil
}

// drawCharts builds and renders every chart first, so that a bad one stops the run before any
// file is written, then writes them all (chart.WriteFiles).
func drawCharts(cmd *cobra.Command, g *globals, specs []figures.Spec, defSize string, defDPI float64, specPath string) error {
	st, err := openResults(cmd, g, "")
	if err != nil {
		return err
	}
	defer st.Close()
	where := func(c figures.Spec) string {
		if specPath != "" {
			return fmt.Sprintf("%s, line %d: ", specPath, c.Line)
		}
		return ""
	}
	src := figures.NewSource(st.DB())
	rendered := make([][]byte, len(specs))
	paths := make([]string, len(specs))
	bar := newCountProgress(g, len(specs), "drawing")
	defer bar.finish()
	for i, c := range specs {
		bar.describe(filepath.Base(c.File))
		b, err := src.Draw(cmd.Context(), c, defSize, defDPI)
		if errors.Is(err, figures.ErrRequest) {
			return usageError("%s%s", where(c), strings.TrimPrefix(err.Error(), figures.ErrRequest.Error()+": "))
		}
		if err != nil {
			return err
		}
		rendered[i], paths[i] = b, c.File
		bar.set(int64(i + 1))
	}
	bar.finish()
	for _, p := range paths {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("%s: cannot make its directory: %w", p, err)
		}
	}
	if err := chart.WriteFiles(paths, rendered); err != nil {
		return err
	}
	langs := map[string]bool{}
	for _, c := range specs {
		langs[c.Lang] = true
	}
	for _, l := range slices.Sorted(maps.Keys(langs)) {
		if n := src.Unreviewed(l); n > 0 {
			fmt.Fprintf(os.Stderr, say("note: the charts in %s show %d strings whose translation nobody has reviewed (indicators/translations)\n"), l, n)
		}
	}
	for _, p := range paths {
		fmt.Fprintf(out(g), say("wrote %s\n"), p)
	}
	return nil
}
