package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/compute"
	"github.com/ictstat/ictstat/indicators/figures"
	"github.com/ictstat/ictstat/indicators/report"
	"github.com/ictstat/ictstat/indicators/targets"
	"github.com/ictstat/ictstat/indicators/translations"
)

// entityFlags are --economy and --group, of which at most one may be given.
type entityFlags struct{ economy, group string }

func (e *entityFlags) add(cmd *cobra.Command, what string) {
	cmd.Flags().StringVar(&e.economy, "economy", "", "an economy, by ISO3 code in any case, M49 code or name (e.g. KEN, 404, Kenya)"+what)
	cmd.Flags().StringVar(&e.group, "group", "", "a group, by code (e.g. WLD, LDC, ITU_AFR, HIC)"+what)
}

// entity is the code of the economy or group the flags name (findEntity), or def.
func (e *entityFlags) entity(cmd *cobra.Command, g *globals, def string) (string, error) {
	if e.economy != "" && e.group != "" {
		return "", usageError("give --economy or --group, not both")
	}
	switch {
	case e.economy != "":
		return findEntity(cmd, g, e.economy)
	case e.group != "":
		return findEntity(cmd, g, e.group)
	}
	return def, nil
}

// openResults opens the database read-only for reading results about entity (an economy or
// group code, or "" for all): it refuses an unknown code, and says when the results predate the
// last load.
func openResults(cmd *cobra.Command, g *globals, entity string) (*store.Store, error) {
	ctx := cmd.Context()
	if !g.asOfDate.IsZero() {
		return openResultsAsOf(cmd, g, entity)
	}
	st, err := store.Open(ctx, g.db, g.storeOptions(true))
	if err != nil {
		return nil, err
	}
	if err := checkEntity(ctx, st, entity); err != nil {
		st.Close()
		return nil, err
	}
	c, since, ok, err := st.LastComputation(ctx)
	if ok && err == nil && !c.AsOf.IsZero() && !g.quiet {
		fmt.Fprintf(os.Stderr, say("ictstat: the aggregates, gaps and progress were computed from the data as published on %s (compute --as-of); run 'ictstat compute' for the data as they are now\n"),
			c.AsOf.Format(time.DateOnly))
	}
	switch {
	case err != nil:
		st.Close()
		return nil, err
	case !ok:
		st.Close()
		return nil, fmt.Errorf("nothing computed yet: run 'ictstat compute'")
	case since > 0 && !g.quiet:
		fmt.Fprintf(os.Stderr, say("ictstat: %s loaded after the last computation; run 'ictstat compute' to bring the results up to date\n"), batchesLoaded(since))
	}
	return st, nil
}

// openResultsAsOf computes the aggregates, gaps and progress from the data as published on the
// --as-of date, with the options of the database's last computation, in a scratch copy of the
// database, and opens that copy; the database itself is not changed.
func openResultsAsOf(cmd *cobra.Command, g *globals, entity string) (*store.Store, error) {
	ctx := cmd.Context()
	opts := g.storeOptions(false)
	opts.AsOfComputed = true
	st, err := store.OpenScratch(ctx, g.db, opts)
	if err != nil {
		return nil, err
	}
	if err := checkEntity(ctx, st, entity); err != nil {
		st.Close()
		return nil, err
	}
	copts := compute.Options{ToolVersion: Version}
	if c, _, ok, err := st.LastComputation(ctx); err != nil {
		st.Close()
		return nil, err
	} else if ok {
		copts.CarryYears, copts.Threshold, copts.MinAnchored, copts.Composition = c.CarryYears, c.CoverageThreshold, c.MinAnchored, c.Composition
	}
	bar := newCountProgress(g, 100, "computing as of "+g.asOfDate.Format(time.DateOnly))
	copts.Progress = bar.computeStep
	_, err = compute.Run(ctx, st, copts)
	bar.finish()
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("computing as of %s: %w", g.asOfDate.Format(time.DateOnly), err)
	}
	return st, nil
}

// checkEntity refuses an economy or group code the database does not know.
func checkEntity(ctx context.Context, st *store.Store, code string) error {
	if code == "" {
		return nil
	}
	var n int
	err := st.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM main.economies WHERE economy = ?) +
		(SELECT count(*) FROM main.groups WHERE group_code = ?)`, code, code).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return usageError("no economy or group %q (economies by ISO3 code; groups such as WLD, LDC, ITU_AFR, HIC: see the groups view)", code)
	}
	return nil
}

func newProgress(g *globals) *cobra.Command {
	var ent entityFlags
	var framework, target, format string
	var inScope, allLevels bool
	var lang langFlag
	cmd := &cobra.Command{
		Use:   "progress",
		Short: "Show progress toward targets",
		Long: `Show each economy's and group's progress toward the targets of the WSIS (Geneva 2003),
Connect 2020, Connect 2030, universal and meaningful connectivity (2030) and Broadband Commission
2025 frameworks: baseline and latest values with their years, the observed and required growth,
their ratio, and the class:

  target met, on track (ratio ≥ 0.95), acceleration needed (0.60–0.95), limited progress (0–0.60),
  deterioration (< 0), unable to assess (fewer than two points, no baseline)

The growth shown is the growth the ratio uses: compound annual growth rates (cagr), or for
percentages that must rise, yearly growth of the logit (logit_growth), as growth near 100% slows
by nature. A value that misses the level by no more than the target's tolerance (the precision it
is stated to, e.g. 0.5 for 95%) meets it, and the note says so.

With the year the target was first met come, from a fitted trend, the value anticipated at the
deadline and the year the target is reached, each with a 95% interval. The trend is fitted on a
scale that keeps it inside the indicator's valid range (logit-linear for percentages, log-linear
for prices and other positive quantities, or a logistic curve with its saturation estimated,
chosen by out-of-sample error), so that no projection is a negative price or a percentage above
100. A projected year is given only when the trend reaches the target, at or before the
deadline exactly when the anticipated value meets it.

A target set at several levels (e.g. Broadband Commission BB.3: 75% worldwide, 65% in developing
countries, 35% in LDCs; or a framework's targets on one indicator and deadline, such as Connect
2020 1.2, 2.2.A and 2.2.B) is listed at the level that applies to each economy or group, named in
the scope column: the most specific scope that holds it (developing: the low- and middle-income
economies). --all-levels lists every level.

Groups are assessed on ictstat's aggregates, economies on their reported values.

Where the latest value has a standard error (survey estimates loaded with 'ictstat survey load',
and aggregates of them), latest_se gives it, and vs_target and vs_baseline say whether the latest
value is above or below the target's level and the baseline beyond its uncertainty, or within it
(a two-sided z-test at the 5% level; a baseline without a standard error counts as exact).

The projected year and its interval are whole years: the first year whose fitted value meets the
target.

` + tableHelp,
		Example: "  ictstat progress --group WLD --framework umc_2030\n  ictstat progress --economy KEN --format csv\n  ictstat progress --economy KEN --target BB.3 --all-levels",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			entity, err := ent.entity(cmd, g, "")
			if err != nil {
				return err
			}
			if framework != "" {
				fws, err := targets.Frameworks()
				if err != nil {
					return err
				}
				if _, ok := targets.Find(fws, framework); !ok {
					return usageError("no framework %q; there are wsis_geneva_2003, connect_2020, connect_2030, umc_2030, broadband_commission_2025", framework)
				}
			}
			st, err := openResults(cmd, g, entity)
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := report.Progress(cmd.Context(), st.DB(), report.Filter{Entity: entity, Framework: framework, Target: target,
				InScope: inScope, Applicable: !allLevels})
			if err != nil {
				return err
			}
			w, err := lang.words()
			if err != nil {
				return err
			}
			// In a terminal too narrow for every column, a column with one value on every row
			// (the entity of --economy) is left out first, then those with the highest drop: the
			// columns that tell the rows apart (framework, target, measure, economy or group) and
			// the class stay longest, the latest value and level after them.
			r := resultTable{columns: []column{
				{name: "framework", cutFirst: true}, {name: "target"}, {name: "measure"}, {name: "entity"}, {name: "scope", drop: 2},
				{name: "baseline_year", drop: 4}, {name: "baseline", text: decimals(2), drop: 4}, {name: "latest_year", drop: 2},
				{name: "latest", text: decimals(2), drop: 1}, {name: "level", text: decimals(2), drop: 1}, {name: "tolerance", drop: 6}, {name: "deadline", drop: 2},
				{name: "cagr", text: percent, drop: 6}, {name: "required_cagr", text: percent, drop: 6},
				{name: "logit_growth", text: decimals(3), drop: 6}, {name: "required_logit_growth", text: decimals(3), drop: 6},
				{name: "ratio", text: decimals(2), drop: 2}, {name: "class", whole: true},
				{name: "latest_se", text: decimals(2), drop: 6}, {name: "vs_target", drop: 6}, {name: "vs_baseline", drop: 6},
				{name: "met_year", drop: 2}, {name: "model", drop: 4},
				{name: "anticipated", text: decimals(1), drop: 2}, {name: "anticipated_low", text: decimals(1), drop: 5},
				{name: "anticipated_high", text: decimals(1), drop: 5},
				{name: "projected_year", text: wholeYear, drop: 3}, {name: "projected_low", text: wholeYear, drop: 3},
				{name: "projected_high", text: wholeYear, drop: 3}, {name: "basis", drop: 6}, {name: "note", drop: 5},
			}, words: w}
			for _, p := range rows {
				// The growth the ratio uses, in its own columns: CAGRs, or logit growth.
				cagr, reqCAGR, logit, reqLogit := p.CAGR, p.RequiredCAGR, math.NaN(), math.NaN()
				if p.GrowthScale == "logit" {
					cagr, reqCAGR, logit, reqLogit = math.NaN(), math.NaN(), p.Growth, p.RequiredGrowth
				}
				r.rows = append(r.rows, []any{p.Framework, p.Target, p.Measure, p.Entity, p.Scope, p.BaselineYear, p.Baseline, p.LatestYear,
					p.Latest, p.Level, p.Tolerance, p.Deadline, cagr, reqCAGR, logit, reqLogit, p.Ratio, w.Key(translations.StatusKey(p.Class), p.Class),
					p.LatestSE, p.VsTarget, p.VsBaseline, p.MetYear, p.Model,
					p.Anticipated, p.AnticipatedLow, p.AnticipatedHigh, p.ProjectedYear, p.ProjectedLow, p.ProjectedHigh, p.Basis, compute.NoteIn(w, p.Note)})
			}
			return r.write(cmd.OutOrStdout(), format)
		},
	}
	ent.add(cmd, "")
	cmd.Flags().StringVar(&framework, "framework", "", "wsis_geneva_2003, connect_2020, connect_2030, umc_2030 or broadband_commission_2025")
	cmd.Flags().StringVar(&target, "target", "", "one target, by its code in the framework (e.g. T10, 2.2.A)")
	cmd.Flags().BoolVar(&inScope, "in-scope", false, "only the economies and groups each target is set for (e.g. the world for a worldwide target)")
	cmd.Flags().BoolVar(&allLevels, "all-levels", false, "every level of a target set at several (world, developing, LDC), not only the one that applies")
	cmd.Flags().StringVar(&format, "format", "table", formatHelp)
	lang.add(cmd)
	addAsOf(cmd, g)
	return cmd
}

func newScorecard(g *globals) *cobra.Command {
	var ent entityFlags
	var format string
	var lang langFlag
	cmd := &cobra.Command{
		Use:   "scorecard",
		Short: "The Geneva (WSIS) targets scorecard: 2005 baseline against the latest year",
		Long: `The scorecard of the ten WSIS targets of the Geneva Plan of Action (2003, deadline 2015), in the
form of the WSIS+20 review's table: for each target its indicator(s), the 2005 baseline, the latest
value and year, the status, the year it was met, and the share of the population the latest value
rests on (for groups: covered by a value, and by a reported value). Targets the data cannot
measure say "no global data". The world by default.

` + tableHelp,
		Example: "  ictstat scorecard\n  ictstat scorecard --group LDC\n  ictstat scorecard --economy KEN --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			entity, err := ent.entity(cmd, g, "WLD")
			if err != nil {
				return err
			}
			st, err := openResults(cmd, g, entity)
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := report.Scorecard(cmd.Context(), st.DB(), entity)
			if err != nil {
				return err
			}
			w, err := lang.words()
			if err != nil {
				return err
			}
			// In a terminal too narrow for every column, the coverage goes first, then the
			// wording and the baseline year.
			r := resultTable{columns: []column{
				{name: "target"}, {name: "indicator"}, {name: "baseline_year", drop: 1}, {name: "baseline", text: decimals(1)},
				{name: "latest_year"}, {name: "latest", text: decimals(1)}, {name: "target_level", text: decimals(0)},
				{name: "status", whole: true}, {name: "met_year"}, {name: "coverage", text: percent, drop: 2},
				{name: "coverage_reported", text: percent, drop: 2}, {name: "wording", drop: 1},
			}, words: w}
			seen := map[string]int{} // a target code's rows so far: the framework lists T10 twice
			for _, s := range rows {
				seen[s.Target]++
				s.Indicator = figures.MeasureName(w, s.Measure, s.Indicator)
				s.Status = w.Key(translations.StatusKey(s.Status), s.Status)
				s.Wording = w.Key(translations.TargetKey("wsis_geneva_2003", s.Target, seen[s.Target]), s.Wording)
				// A target without an indicator: "—" in the table, empty in CSV and null in JSON.
				var ind any = s.Indicator
				switch {
				case s.Indicator == "" && format == "table":
					ind = "—"
				case s.Indicator == "":
					ind = nil
				}
				r.rows = append(r.rows, []any{s.Target, ind, s.BaselineYear, s.Baseline, s.LatestYear, s.Latest, s.Level,
					s.Status, s.MetYear, s.Coverage, s.CoverageReported, s.Wording})
			}
			if format == "table" {
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n\n", w.UI("WSIS Geneva targets (2003, deadline 2015):"), entity)
			}
			if err := r.write(cmd.OutOrStdout(), format); err != nil {
				return err
			}
			if format == "table" {
				src, err := figures.ScorecardSourceIn(cmd.Context(), st.DB(), w)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout())
				for _, l := range wrap(src+" "+w.UI("Computed by ictstat."), tableWidth(cmd.OutOrStdout())) {
					fmt.Fprintln(cmd.OutOrStdout(), l)
				}
			}
			return nil
		},
	}
	ent.add(cmd, " (default: the world, WLD)")
	cmd.Flags().StringVar(&format, "format", "table", formatHelp)
	lang.add(cmd)
	addAsOf(cmd, g)
	return cmd
}

// batchesLoaded is "1 batch was" or "N batches were", as a warning says them.
func batchesLoaded(n int) string {
	if n == 1 {
		return "1 batch was"
	}
	return plural(n, "batch", "batches") + " were"
}
