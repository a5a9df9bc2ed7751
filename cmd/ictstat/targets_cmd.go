package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/report"
	"github.com/ictstat/ictstat/indicators/targets"
)

// entityFlags are --economy and --group, of which at most one may be given.
type entityFlags struct{ economy, group string }

func (e *entityFlags) add(cmd *cobra.Command, what string) {
	cmd.Flags().StringVar(&e.economy, "economy", "", "an economy, by ISO3 code (e.g. KEN)"+what)
	cmd.Flags().StringVar(&e.group, "group", "", "a group, by code (e.g. WLD, LDC, ITU_AFR, HIC)"+what)
}

func (e *entityFlags) entity(def string) (string, error) {
	if e.economy != "" && e.group != "" {
		return "", usageError("give --economy or --group, not both")
	}
	switch {
	case e.economy != "":
		return e.economy, nil
	case e.group != "":
		return e.group, nil
	}
	return def, nil
}

// openResults opens the database read-only for reading results about entity (an economy or
// group code, or "" for all): it refuses an unknown code, and says when the results predate the
// last load.
func openResults(cmd *cobra.Command, g *globals, entity string) (*store.Store, error) {
	ctx := cmd.Context()
	st, err := store.Open(ctx, g.db, g.storeOptions(true))
	if err != nil {
		return nil, err
	}
	if err := checkEntity(ctx, st, entity); err != nil {
		st.Close()
		return nil, err
	}
	_, since, ok, err := st.LastComputation(ctx)
	switch {
	case err != nil:
		st.Close()
		return nil, err
	case !ok:
		st.Close()
		return nil, fmt.Errorf("nothing computed yet: run 'ictstat compute'")
	case since > 0 && !g.quiet:
		fmt.Fprintf(os.Stderr, "ictstat: %d batches were loaded after the last computation; run 'ictstat compute' to include them\n", since)
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
	var inScope bool
	cmd := &cobra.Command{
		Use:   "progress",
		Short: "Show progress toward targets",
		Long: `Show each economy's and group's progress toward the targets of the WSIS (Geneva 2003),
Connect 2020, Connect 2030, universal and meaningful connectivity (2030) and Broadband Commission
2025 frameworks: baseline and latest values with their years, the observed and required compound
annual growth, their ratio, and the class:

  target met, on track (ratio ≥ 0.95), acceleration needed (0.60–0.95), limited progress (0–0.60),
  deterioration (< 0), unable to assess (fewer than two points, no baseline)

with the year the target was first met, and from fitted trends (linear or a bounded logistic,
chosen by out-of-sample error) the value anticipated at the deadline and the projected year of
attainment, each with a 95% interval. Percentages are assessed in logit space, as growth near
100% slows by nature. Groups are assessed on ictstat's aggregates, economies on their reported
values.`,
		Example: "  ictstat progress --group WLD --framework umc_2030\n  ictstat progress --economy KEN --format csv",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			entity, err := ent.entity("")
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
			rows, err := report.Progress(cmd.Context(), st.DB(), report.Filter{Entity: entity, Framework: framework, Target: target, InScope: inScope})
			if err != nil {
				return err
			}
			r := resultTable{columns: []column{
				{name: "framework"}, {name: "target"}, {name: "measure"}, {name: "entity"},
				{name: "baseline_year"}, {name: "baseline", text: decimals(2)}, {name: "latest_year"}, {name: "latest", text: decimals(2)},
				{name: "level", text: decimals(2)}, {name: "deadline"}, {name: "cagr", text: percent}, {name: "required_cagr", text: percent},
				{name: "ratio", text: decimals(2)}, {name: "class"}, {name: "met_year"}, {name: "model"},
				{name: "anticipated", text: decimals(1)}, {name: "projected_year", text: fractionalYear},
				{name: "projected_low", text: fractionalYear}, {name: "projected_high", text: fractionalYear}, {name: "basis"}, {name: "note"},
			}}
			for _, p := range rows {
				r.rows = append(r.rows, []any{p.Framework, p.Target, p.Measure, p.Entity, p.BaselineYear, p.Baseline, p.LatestYear,
					p.Latest, p.Level, p.Deadline, p.CAGR, p.RequiredCAGR, p.Ratio, p.Class, p.MetYear, p.Model, p.Anticipated,
					p.ProjectedYear, p.ProjectedLow, p.ProjectedHigh, p.Basis, p.Note})
			}
			return r.write(cmd.OutOrStdout(), format)
		},
	}
	ent.add(cmd, "")
	cmd.Flags().StringVar(&framework, "framework", "", "wsis_geneva_2003, connect_2020, connect_2030, umc_2030 or broadband_commission_2025")
	cmd.Flags().StringVar(&target, "target", "", "one target, by its code in the framework (e.g. T10, 2.2.A)")
	cmd.Flags().BoolVar(&inScope, "in-scope", false, "only the economies and groups each target is set for (e.g. the world for a worldwide target)")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	return cmd
}

func newScorecard(g *globals) *cobra.Command {
	var ent entityFlags
	var format string
	cmd := &cobra.Command{
		Use:   "scorecard",
		Short: "The Geneva (WSIS) targets scorecard: 2005 baseline against the latest year",
		Long: `The scorecard of the ten WSIS targets of the Geneva Plan of Action (2003, deadline 2015), in the
form of the WSIS+20 review's table: for each target its indicator(s), the 2005 baseline, the latest
value and year, the status, the year it was met, and the share of the population the latest value
rests on (for groups: covered by a value, and by a reported value). Targets the data cannot
measure say "no global data". The world by default.`,
		Example: "  ictstat scorecard\n  ictstat scorecard --group LDC\n  ictstat scorecard --economy KEN --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			entity, err := ent.entity("WLD")
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
			r := resultTable{columns: []column{
				{name: "target"}, {name: "indicator"}, {name: "baseline_year"}, {name: "baseline", text: decimals(1)},
				{name: "latest_year"}, {name: "latest", text: decimals(1)}, {name: "target_level", text: decimals(0)},
				{name: "status"}, {name: "met_year"}, {name: "coverage", text: percent}, {name: "coverage_reported", text: percent},
				{name: "wording"},
			}}
			for _, s := range rows {
				ind := s.Indicator
				if ind == "" {
					ind = "—"
				}
				r.rows = append(r.rows, []any{s.Target, ind, s.BaselineYear, s.Baseline, s.LatestYear, s.Latest, s.Level,
					s.Status, s.MetYear, s.Coverage, s.CoverageReported, s.Wording})
			}
			if format == "table" {
				fmt.Fprintf(cmd.OutOrStdout(), "WSIS Geneva targets (2003, deadline 2015): %s\n\n", entity)
			}
			if err := r.write(cmd.OutOrStdout(), format); err != nil {
				return err
			}
			if format == "table" {
				fmt.Fprintln(cmd.OutOrStdout(), "\nSource: ITU, via World Bank WDI, the UN SDG Global Database and ITU DataHub; computed by ictstat.")
			}
			return nil
		},
	}
	ent.add(cmd, " (default: the world, WLD)")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	return cmd
}
