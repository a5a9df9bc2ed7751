package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators"
	"github.com/ictstat/ictstat/indicators/aggregate"
	"github.com/ictstat/ictstat/indicators/compute"
)

func newCompute(g *globals) *cobra.Command {
	var carry int
	var threshold, anchored float64
	var composition, fill string
	var nowcastTo, nowcastYears int
	var full, verbose bool
	cmd := &cobra.Command{
		Use:   "compute",
		Short: "Compute group aggregates, gaps and progress toward targets",
		Long: `Compute, from the current values of the observations (the newest edition that has each), the
results analysts query:

  aggregates   every group's value per indicator, breakdown and year (world, ITU regions, income
               groups, LDC/LLDC/SIDS, UN regions), the population-
               or household-weighted mean, sum or median as the indicator says, with the shares of
               the group's population covered by reported data, by reported or interpolated data,
               and by data once gaps are filled; withheld when the last is below
               --coverage-threshold or the second below --min-anchored; by default every year
               is formed from the groups' current composition (income groups by the latest World
               Bank classification, LDCs as listed now), as the World Bank's WDI and ITU's Facts
               and Figures do; --composition historical uses each year's classification instead.
               Nowcasts count as filled values; a value whose reported or interpolated share is
               below --min-anchored is still published, with status 'nowcast', when nowcasts
               bring its coverage to --coverage-threshold. Where members' values are nowcasts, a
               value has the share of the population nowcast and an 80% and 95% interval (their
               errors equally correlated, at the correlation measured in the model's
               backtest). The models fitted, with their parameters and backtest errors, are
               in the view nowcast_models
  estimates    the economy values filled in for them: interpolated between reported years; after
               an economy's last report, nowcast up to --nowcast-to (default: the last full year),
               at most --nowcast-years past the report (an economy that stopped reporting long
               ago is not nowcast to today)
               by the model of indicators/nowcast, with 80% and 95% predictive intervals, for the
               indicators it covers (internet use, households with Internet, mobile-phone
               ownership, coverage, subscriptions) where its backtest beats carrying the last
               value; elsewhere, and with --fill carry, the first or last value carried
               --carry-years at most. Each estimate says its method.
  gaps         gender parity scores, urban/rural ratios, rural coverage, the usage gap, people
               offline
  progress     every economy and group against every target of the WSIS, Connect 2020 and 2030,
               UMC 2030 and Broadband Commission 2025 frameworks the data can measure

They, the nowcast models fitted (the view nowcast_models) and the ICT Development Index are
replaced in one transaction. 'ictstat init' computes them; after 'ictstat ingest',
run this command again.

Only what changed is recomputed: the indicators whose observations were loaded or dropped since
the latest computation, with the indicators and derived measures that depend on them (3G coverage
and internet use form the usage gap; the rural population's share and coverage form rural
coverage; the two fixed-broadband series the share at 10 Mbit/s and above), their aggregates for
every group, their gaps and the progress toward the targets on them; the ICT Development Index is
recomputed whole. Of their aggregates, filled values and gap figures, only those of the years whose
results could change are rewritten: the years of the observations loaded, and those in which a
filled value (an interpolation, a nowcast) differs from the stored one; after an edition is dropped,
every year. Everything is recomputed when the population changed (it weighs every group
value), when the catalogue, economies, groups, targets, options or ictstat's version differ from
the latest computation's, and with --full; the results are the same either way. The view
computations says what each computation recomputed (scope).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if threshold <= 0 || threshold > 1 || anchored <= 0 || anchored > 1 {
				return usageError("--coverage-threshold and --min-anchored must be above 0 and at most 1")
			}
			if carry < 0 {
				return usageError("--carry-years must not be negative")
			}
			if composition != compute.Current && composition != compute.Historical {
				return usageError("--composition must be %s or %s", compute.Current, compute.Historical)
			}
			if fill != compute.FillNowcast && fill != compute.FillCarry {
				return usageError("--fill must be %s or %s", compute.FillNowcast, compute.FillCarry)
			}
			if nowcastTo != 0 && (nowcastTo < 1990 || nowcastTo > 2100) {
				return usageError("--nowcast-to %d: give a year between 1990 and 2100", nowcastTo)
			}
			if nowcastYears < 1 {
				return usageError("--nowcast-years must be at least 1")
			}
			return runCompute(cmd, g, compute.Options{CarryYears: carry, Threshold: threshold, MinAnchored: anchored, Composition: composition,
				Fill: fill, NowcastTo: nowcastTo, NowcastYears: nowcastYears, Full: full}, verbose)
		},
	}
	cmd.Flags().IntVar(&carry, "carry-years", aggregate.DefaultCarryYears, "years an economy's first or last value may be carried to fill a gap")
	cmd.Flags().Float64Var(&threshold, "coverage-threshold", aggregate.DefaultThreshold, "share of a group's population that must have a value for its aggregate to be published")
	cmd.Flags().StringVar(&composition, "composition", compute.Current, "groups' membership in every year: current (the latest, for every year) or historical (each year's)")
	cmd.Flags().Float64Var(&anchored, "min-anchored", aggregate.DefaultMinAnchored, "share of a group's population that must have a reported or interpolated value (not a carried one)")
	cmd.Flags().StringVar(&fill, "fill", compute.FillNowcast, "years after an economy's last report: nowcast (the model, where it beats carrying) or carry (the last value, --carry-years)")
	cmd.Flags().IntVar(&nowcastTo, "nowcast-to", 0, "last year nowcast (default: the year before today, or before --as-of)")
	cmd.Flags().IntVar(&nowcastYears, "nowcast-years", compute.DefaultNowcastYears, "most years past an economy's last report that are nowcast (the horizons the intervals are calibrated on)")
	cmd.Flags().BoolVar(&full, "full", false, "recompute everything, not only what changed since the latest computation")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print each step's time")
	addAsOf(cmd, g)
	return cmd
}

// runCompute computes and prints what it wrote.
func runCompute(cmd *cobra.Command, g *globals, opts compute.Options, verbose bool) error {
	so := g.loadOptions()
	so.AsOfComputed = true // with --as-of, the results are computed as of the date
	st, err := store.Open(cmd.Context(), g.db, so)
	if err != nil {
		return err
	}
	defer st.Close()
	bar := newCountProgress(g, 100, "computing")
	opts.ToolVersion = Version
	opts.Progress = bar.computeStep
	sum, err := compute.Run(cmd.Context(), st, opts)
	bar.finish()
	if err != nil {
		return err
	}
	w := out(g)
	switch {
	case sum.Scope == "incremental: nothing changed":
		fmt.Fprintf(w, say("no observations changed since the latest computation: its results stand (checked in %.1fs)\n"), sum.Duration.Seconds())
	case sum.Scope != "full":
		var with []string
		for _, c := range strings.Split(strings.TrimPrefix(sum.Scope, "incremental: "), ", ") {
			if !slices.Contains(sum.Changed, c) {
				with = append(with, c)
			}
		}
		fmt.Fprintf(w, say("observations changed: %s"), strings.Join(sum.Changed, ", "))
		if len(with) > 0 {
			fmt.Fprintf(w, say("; recomputed with them: %s"), strings.Join(with, ", "))
		}
		fmt.Fprintf(w, say("\nrecomputed from %d of the %d observations in %.1fs, for these: %d aggregates (%d withheld for coverage), %d filled values, %d gap figures, %d progress assessments; the other results stand\n"),
			sum.Read, sum.Observations, sum.Duration.Seconds(), sum.Aggregates, sum.Withheld, sum.Estimates, sum.Gaps, sum.Progress)
		if sum.Years != nil {
			fmt.Fprintf(w, say("the aggregates, filled values and gap figures rewritten are those of the years whose results could change: %s\n"),
				indicators.YearRuns(sum.Years))
		}
	default:
		fmt.Fprintf(w, say("recomputed everything (%s)\n"), sum.Reason)
		fmt.Fprintf(w, say("computed from %d observations in %.1fs: %d aggregates (%d withheld for coverage), %d filled values, %d gap figures, %d progress assessments\n"),
			sum.Observations, sum.Duration.Seconds(), sum.Aggregates, sum.Withheld, sum.Estimates, sum.Gaps, sum.Progress)
	}
	if verbose {
		for _, s := range sum.Steps {
			name := say(s.Name)
			fmt.Fprintf(w, "  %s%s %7.2f s\n", name, strings.Repeat(" ", max(36-cellWidth(name), 0)), s.Seconds)
		}
	}
	return st.Close()
}
