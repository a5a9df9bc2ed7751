package main

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/indicators/survey"
)

// newSurvey is the survey command: estimates from household survey microdata.
func newSurvey(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "survey",
		Short: "Estimate indicators from household survey microdata, with design-based standard errors",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newSurveyEstimate(g))
	return cmd
}

func newSurveyEstimate(g *globals) *cobra.Command {
	var (
		d                survey.Design
		vars, by         []string
		format, flagRule string
		explain          bool
	)
	cmd := &cobra.Command{
		Use:   "estimate DATA --weight W --var X[,Y...] [--strata S] [--psu P [--nest]] [--fpc F] [--by A,B] [--format table|csv|json]",
		Short: "Weighted proportions with linearisation standard errors, intervals and design effects",
		Long: `Estimate the proportion of respondents with each 0/1 (or yes/no, true/false) variable, overall
or in domains (--by, crossed), from a CSV or Parquet file of survey microdata. DuckDB reads the
file; the database is not used.

The design is a stratified (--strata) cluster (--psu) sample with weights (--weight), as R's
svydesign(ids=~P, strata=~S, weights=~W, fpc=~F, nest=TRUE). --nest says PSU ids are unique only
within strata. --fpc is the stratum's population size in PSUs, or the sampling fraction when every
value is at most 1 (as R takes it). Without --psu every respondent is a PSU.

The estimate is the weighted mean; its variance is the Taylor linearisation estimate, computed in
one SQL query of grouped sums (--explain-sql prints it). A missing value leaves the respondent out
of that variable's estimate only, and domains use the full design (PSUs without members of the
domain count zero), as R's svymean(na.rm=TRUE) and svyby do. A stratum with one PSU is an error
unless --lonely-psu remove or certainty (both give it no variance, as in R).

Columns: variable, the domain columns, estimate, se, ci_low and ci_high (95% logit interval with
the domain's design degrees of freedom, R's svyciprop(method="logit")), deff (R's
svymean(deff=TRUE)), cv (se/estimate), n (respondents), weighted_n, df and flag (--flag-rule,
stated in the output).`,
		Example: `  ictstat survey estimate hh.csv --weight wt --strata region --psu ea --nest --var internet,mobile --by sex,area
  ictstat survey estimate hh.parquet --weight wt --strata region --psu ea --nest --fpc n_ea --var internet --format csv
  ictstat survey estimate hh.csv --weight wt --var internet --flag-rule min_n=50,suppress_cv=0.3,caution_cv=0.2`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if d.Weight == "" || len(vars) == 0 {
				return usageError("give --weight and --var")
			}
			if d.Nest && (d.PSU == "" || d.Strata == "") {
				return usageError("--nest needs --psu and --strata")
			}
			rule, err := parseFlagRule(flagRule)
			if err != nil {
				return err
			}
			spec := survey.Spec{Path: args[0], Design: d, Variables: vars, By: by}
			db, err := sql.Open("duckdb", "")
			if err != nil {
				return err
			}
			defer db.Close()
			if g.memoryLimit != "" {
				if _, err := db.ExecContext(cmd.Context(), "SET memory_limit = '"+strings.ReplaceAll(g.memoryLimit, "'", "''")+"'"); err != nil {
					return usageError("--memory-limit: %v", err)
				}
			}
			if explain {
				fmt.Fprintln(cmd.OutOrStdout(), survey.SQL(spec, false))
				return nil
			}
			es, err := survey.Run(cmd.Context(), db, spec, rule)
			var ie *survey.InputError
			if errors.As(err, &ie) {
				return &exitError{exitRefused, err}
			} else if err != nil {
				return usageError("%v", err)
			}
			return writeSurvey(cmd.OutOrStdout(), format, spec, rule, es)
		},
	}
	f := cmd.Flags()
	f.StringVar(&d.Weight, "weight", "", "weight column (required; positive numbers)")
	f.StringVar(&d.Strata, "strata", "", "strata column")
	f.StringVar(&d.PSU, "psu", "", "PSU (cluster) column")
	f.BoolVar(&d.Nest, "nest", false, "PSU ids are unique only within strata (R's nest=TRUE)")
	f.StringVar(&d.FPC, "fpc", "", "finite population correction column: the stratum's population of PSUs, or the sampling fraction when all values are ≤ 1")
	f.StringVar(&d.Lonely, "lonely-psu", survey.LonelyFail, "a stratum with one PSU: fail, remove or certainty (R's survey.lonely.psu)")
	f.StringSliceVar(&vars, "var", nil, "0/1 or yes/no variables to estimate (comma-separated)")
	f.StringSliceVar(&by, "by", nil, "domain columns, crossed (comma-separated)")
	f.StringVar(&format, "format", "table", "table, csv or json")
	f.StringVar(&flagRule, "flag-rule", "min_n=30,suppress_cv=0.3,caution_cv=0.15", "suppress when n < min_n or cv > suppress_cv; caution when cv > caution_cv")
	f.BoolVar(&explain, "explain-sql", false, "print the estimation query and exit (with --fpc it shows the population-size form)")
	return cmd
}

// parseFlagRule reads --flag-rule: min_n=N,suppress_cv=X,caution_cv=Y, any of them.
func parseFlagRule(s string) (survey.FlagRule, error) {
	r := survey.DefaultFlagRule
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		x, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil || x < 0 {
			return r, usageError("--flag-rule %q: write min_n=30,suppress_cv=0.3,caution_cv=0.15", s)
		}
		switch k {
		case "min_n":
			r.MinN = int64(x)
		case "suppress_cv":
			r.SuppressCV = x
		case "caution_cv":
			r.CautionCV = x
		default:
			return r, usageError("--flag-rule: unknown %q (min_n, suppress_cv, caution_cv)", k)
		}
	}
	return r, nil
}

// writeSurvey prints the estimates: JSON with the rule and design as metadata; CSV and the
// table after a "# flag rule: ..." line.
func writeSurvey(w io.Writer, format string, s survey.Spec, rule survey.FlagRule, es []survey.Estimate) error {
	cols := []column{{name: "variable"}}
	for _, b := range s.By {
		cols = append(cols, column{name: b})
	}
	for _, c := range []string{"estimate", "se", "ci_low", "ci_high", "deff", "cv"} {
		cols = append(cols, column{name: c, text: decimals(4)})
	}
	cols = append(cols, column{name: "n", text: func(v any) string { return strconv.FormatInt(v.(int64), 10) }},
		column{name: "weighted_n", text: decimals(1)}, column{name: "df"}, column{name: "flag"})
	t := resultTable{columns: cols}
	for _, e := range es {
		row := []any{e.Variable}
		for _, v := range e.Domain {
			row = append(row, v)
		}
		row = append(row, e.Estimate, e.SE, e.CILow, e.CIHigh, e.Deff, e.CV, e.N, e.WeightedN, e.DF, e.Flag)
		t.rows = append(t.rows, row)
	}
	if format == "json" {
		return writeJSON(w, map[string]any{
			"flag_rule": rule.String(),
			"design": map[string]any{"weight": s.Design.Weight, "strata": s.Design.Strata, "psu": s.Design.PSU,
				"nest": s.Design.Nest, "fpc": s.Design.FPC, "lonely_psu": s.Design.Lonely},
			"interval":  "95% logit interval with the domain's design degrees of freedom",
			"estimates": t.maps(),
		})
	}
	fmt.Fprintf(w, "# flag rule: %s\n", rule)
	return t.write(w, format)
}
