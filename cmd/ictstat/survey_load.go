package main

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/survey"
	"github.com/ictstat/ictstat/indicators/translations"
)

// newSurveyLoad is `ictstat survey load`: survey estimates into the store as a new edition.
func newSurveyLoad(g *globals) *cobra.Command {
	var (
		designFile, economy, edition, released, citation, licence, source, estimates, flagRule, interval string
		year                                                                                             int
		dryRun                                                                                           bool
	)
	cmd := &cobra.Command{
		Use:   "load DATA --design FILE [--economy E] [--year Y] [--edition LABEL]",
		Short: "Estimate the design file's indicators from microdata and load them, with their uncertainty, as an edition",
		Long: `Estimate every variable of a design file (see 'ictstat survey estimate --help') that names a
catalogue indicator, overall and in every combination of its domains (each domain must name the
dimension it gives: sex, area or age), and load the estimates into the database as observations
of one edition, in one transaction: the value with its standard error and 95% interval (columns
se, ci_low and ci_high of observations), in percent for indicators in percent.

Economy and year come from the design file (economy:, year:) or --economy and --year. The overall
estimate is the series' total (sex, area and age "total"). Estimates the flag rule suppresses are
not loaded (they are listed); those it marks for caution are loaded with a note that says so. The
rows carry flag A (the producer's own estimate) and, as source, --source (default: the data file's
name). The edition layers over older ones year by year, as 'ictstat ingest' does: a survey year
adds that year and keeps the series' history. Loading the same estimates again changes nothing;
different ones into the same edition are refused, as revisions belong in a new edition.

--estimates FILE also writes the rows as a long CSV (the file ingest would read); --dry-run writes
them to standard output and does not touch the database.`,
		Example: `  ictstat survey load ken_hh_2025.parquet --design ken_design.yaml
  ictstat survey load hh.csv --design design.yaml --economy KEN --year 2025 --edition "KNBS household ICT survey 2025"
  ictstat survey load hh.csv --design design.yaml --dry-run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			path := args[0]
			if designFile == "" {
				return usageError("--design FILE is required: it names the indicator each variable measures and the dimension each domain gives")
			}
			f, err := survey.ReadDesignFile(designFile)
			if err != nil {
				return usageError("--design: %v", err)
			}
			if err := f.CheckLoadable(designFile); err != nil {
				return usageError("%v", err)
			}
			if cmd.Flags().Changed("interval") {
				f.Interval = interval
			}
			if economy == "" {
				economy = f.Economy
			}
			if year == 0 {
				year = f.Year
			}
			if economy == "" {
				return usageError("give the economy: --economy, or economy: in %s", designFile)
			}
			if year == 0 {
				return usageError("give the year: --year, or year: in %s", designFile)
			}
			rule := survey.DefaultFlagRule
			if f.FlagRule != nil {
				rule = *f.FlagRule
			}
			if cmd.Flags().Changed("flag-rule") {
				if rule, err = parseFlagRule(flagRule); err != nil {
					return err
				}
			}
			if source == "" {
				source = filepath.Base(path)
			}
			opened := g.loadOptions()
			if dryRun {
				opened = g.storeOptions(true) // a dry run leaves the database file as it is
			}
			st, err := store.Open(ctx, g.db, opened)
			if err != nil {
				return err
			}
			defer st.Close()
			ent, err := store.FindEntity(ctx, st.DB(), economy, true)
			if err != nil {
				return usageError("economy %q: %v", economy, err)
			}
			scale := map[string]float64{}
			for _, v := range f.Variables {
				var kind, unit string
				err := st.DB().QueryRowContext(ctx, `SELECT unit_kind, unit FROM indicators WHERE indicator = ?`, v.Indicator).Scan(&kind, &unit)
				if errors.Is(err, sql.ErrNoRows) {
					return usageError("%s: variable %s: unknown indicator %q (see 'ictstat indicator list')", designFile, v.Column, v.Indicator)
				} else if err != nil {
					return err
				}
				if kind != "percent" {
					return usageError("%s: variable %s: %s is in %s; survey proportions go into indicators in percent", designFile, v.Column, v.Indicator, unit)
				}
				scale[v.Indicator] = 100
			}
			db, err := sql.Open("duckdb", "")
			if err != nil {
				return err
			}
			defer db.Close()
			if g.memoryLimit != "" {
				if _, err := db.ExecContext(ctx, "SET memory_limit = '"+strings.ReplaceAll(g.memoryLimit, "'", "''")+"'"); err != nil {
					return usageError("--memory-limit: %v", err)
				}
			}
			got, err := survey.Observations(ctx, db, f, path, ent.Code, year, scale, rule, source)
			var ie *survey.InputError
			if errors.As(err, &ie) {
				return &exitError{exitRefused, err}
			} else if err != nil {
				return usageError("%v", err)
			}
			var csv bytes.Buffer
			if err := survey.WriteObservations(&csv, got.Rows); err != nil {
				return err
			}
			if estimates != "" {
				if err := os.WriteFile(estimates, csv.Bytes(), 0o644); err != nil {
					return err
				}
			}
			w := out(g)
			for _, e := range got.Suppressed {
				if e.N == 0 {
					fmt.Fprintf(os.Stderr, say("  not estimated: %s %s: no respondent answered\n"), e.Variable, strings.Join(e.Domain, " "))
					continue
				}
				fmt.Fprintf(os.Stderr, say("  not loaded (suppressed by the flag rule): %s %s: estimate %.4f, cv %.3f, n %d\n"), e.Variable, strings.Join(e.Domain, " "), e.Estimate, e.CV, e.N)
			}
			if dryRun {
				_, err := os.Stdout.Write(csv.Bytes())
				return err
			}
			if len(got.Rows) == 0 {
				return &exitError{exitRefused, fmt.Errorf("%s: every estimate is suppressed by the flag rule (%s); nothing to load", path, rule)}
			}
			tmp, err := os.CreateTemp("", "ictstat-survey-*.csv")
			if err != nil {
				return err
			}
			defer os.Remove(tmp.Name())
			if _, err := tmp.Write(csv.Bytes()); err != nil {
				tmp.Close()
				return err
			}
			if err := tmp.Close(); err != nil {
				return err
			}
			if edition == "" {
				edition = fmt.Sprintf("%s survey %d (%s)", ent.Code, year, filepath.Base(path))
			}
			opts := load.Options{Name: path + " (survey estimates)", MaxRejectRate: load.NoRejects, ToolVersion: Version,
				Edition: store.Edition{Label: edition, Citation: citation, Licence: licence,
					Description: fmt.Sprintf("Estimates from %s by ictstat survey load with the design in %s (%s)", filepath.Base(path), filepath.Base(designFile), rule)}}
			if opts.Edition.Citation == "" && cmd.Flags().Changed("edition") {
				opts.Edition.Citation = edition
			} else if opts.Edition.Citation == "" {
				opts.Edition.Citation = source + " (survey estimates)"
			}
			switch t, ok := parseDate(released); {
			case released != "" && !ok:
				return usageError("--released %q is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", released)
			case ok:
				opts.Edition.Released = t
			default:
				opts.Edition.Released = time.Now()
			}
			o, err := load.File(ctx, st, tmp.Name(), opts)
			if o.Skipped {
				fmt.Fprintf(w, say("%s: the same estimates are already loaded as batch %d; nothing changed\n"), path, o.Batch)
				return nil
			}
			if err != nil {
				// The rejects' lines are those of the estimates file: name the estimates instead.
				for _, r := range o.FirstRejects {
					if i := int(r.Line) - 2; i >= 0 && i < len(got.Rows) {
						x, col := got.Rows[i], r.Column
						if col == "" {
							col = "value"
						}
						fmt.Fprintf(os.Stderr, say("  %s %s %d, sex %s, area %s, age %s: %s %s: %s\n"), x.Indicator, x.Economy, x.Year, x.Sex, x.Area, x.Age, col, r.Value, translations.FormatIn(said, translations.RejectsArea, r.Reason))
					}
				}
				if n := o.RowsRejected - int64(len(o.FirstRejects)); n > 0 {
					fmt.Fprintf(os.Stderr, say("  … and %d more\n"), n)
				}
				if load.IsRefused(err) || errors.Is(err, store.ErrTooManyRejects) {
					return &exitError{exitRefused, fmt.Errorf("%w; nothing was loaded", err)}
				}
				return err
			}
			fmt.Fprintf(w, say("%s: %d estimates (%d variables, %d domain sets) loaded as batch %d, edition %s (released %s); %d suppressed, %d unchanged\n"),
				path, o.RowsLoaded, len(f.Variables), len(f.DomainSets()), o.Batch, o.Edition, o.Released.Format(time.DateOnly), len(got.Suppressed), o.RowsUnchanged)
			return st.Close()
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&designFile, "design", "", "design file (YAML): design, variables with their indicators, domains with their dimensions")
	fl.StringVar(&economy, "economy", "", "economy of the survey: ISO3, M49 or name (default: the design file's economy)")
	fl.IntVar(&year, "year", 0, "year of the survey (default: the design file's year)")
	fl.StringVar(&edition, "edition", "", `edition label (default: "ISO3 survey YEAR (FILE)")`)
	fl.StringVar(&released, "released", "", "release date of the edition, YYYY[-MM[-DD]] (default: today)")
	fl.StringVar(&citation, "citation", "", `how chart source lines name the edition (default: --edition, else "SOURCE (survey estimates)")`)
	fl.StringVar(&licence, "licence", "", "the terms the estimates are published under")
	fl.StringVar(&source, "source", "", "the source named on every row (default: the data file's name)")
	fl.StringVar(&estimates, "estimates", "", "also write the rows loaded to this CSV file")
	fl.StringVar(&flagRule, "flag-rule", "min_n=30,suppress_cv=0.3,caution_cv=0.15", "as in survey estimate (default: the design file's, else this)")
	fl.StringVar(&interval, "interval", survey.IntervalLogit, "logit or korn-graubard (default: the design file's, else logit)")
	fl.BoolVar(&dryRun, "dry-run", false, "write the rows to standard output and load nothing")
	return cmd
}
