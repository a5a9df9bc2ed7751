package main

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
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
		rep              survey.Replicates
		rscalesFile      string
	)
	cmd := &cobra.Command{
		Use:   "estimate DATA --weight W --var X[,Y...] [--strata S] [--psu P [--nest]] [--fpc F] [--by A,B] [--replicate-weights 'rw*' --replicate-type T] [--format table|csv|json]",
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

With --replicate-weights (a comma list of columns or globs such as 'rw*', full-sample weights
times the replicate factors, as R's svrepdesign(combined.weights=TRUE)) and --replicate-type the
design is the replicate weights instead of strata, PSUs and fpc. The variance is
scale × Σ rscales_r (θ_r − θ̄)² over the replicate estimates θ_r, centred on their mean, or on
the full-sample estimate with --mse. R's defaults: jk1 scale (R−1)/R; jkn scale 1 and --rscales
required; brr 1/R; fay 1/(R(1−rho)²) with --rho; bootstrap 1/(R−1); sdr 4/R. --scale and
--rscales FILE (one number a line, one or one per replicate) override them for jk1, jkn and
bootstrap. The interval's logit variance comes from the replicates' logits (R's svyciprop on a
replicate design), with df the rank of the domain's replicate weights minus 1 (R's degf).

Columns: variable, the domain columns, estimate, se, ci_low and ci_high (95% logit interval with
the domain's design degrees of freedom, R's svyciprop(method="logit")), deff (R's
svymean(deff=TRUE)), cv (se/estimate), n (respondents), weighted_n, df and flag (--flag-rule,
stated in the output).`,
		Example: `  ictstat survey estimate hh.csv --weight wt --strata region --psu ea --nest --var internet,mobile --by sex,area
  ictstat survey estimate hh.parquet --weight wt --strata region --psu ea --nest --fpc n_ea --var internet --format csv
  ictstat survey estimate hh.csv --weight wt --var internet --flag-rule min_n=50,suppress_cv=0.3,caution_cv=0.2
  ictstat survey estimate hh.csv --weight wt --replicate-weights 'rw*' --replicate-type fay --rho 0.5 --var internet --by sex`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if d.Weight == "" || len(vars) == 0 {
				return usageError("give --weight and --var")
			}
			spec := survey.Spec{Path: args[0], Design: d, Variables: vars, By: by}
			if rep.Type != "" || len(rep.Columns) > 0 {
				if rep.Type == "" || len(rep.Columns) == 0 {
					return usageError("give --replicate-weights and --replicate-type together")
				}
				if d.Strata != "" || d.PSU != "" || d.FPC != "" {
					return usageError("--replicate-weights replace --strata, --psu and --fpc")
				}
				if rscalesFile != "" {
					b, err := os.ReadFile(rscalesFile)
					if err != nil {
						return usageError("--rscales: %v", err)
					}
					for _, f := range strings.Fields(strings.ReplaceAll(string(b), ",", " ")) {
						x, err := strconv.ParseFloat(f, 64)
						if err != nil || x < 0 {
							return usageError("--rscales %s: %q is not a non-negative number", rscalesFile, f)
						}
						rep.RScales = append(rep.RScales, x)
					}
				}
				spec.Replicates = &rep
			}
			if d.Nest && (d.PSU == "" || d.Strata == "") {
				return usageError("--nest needs --psu and --strata")
			}
			rule, err := parseFlagRule(flagRule)
			if err != nil {
				return err
			}
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
				if spec, err = survey.ResolveReplicates(cmd.Context(), db, spec); err != nil {
					return &exitError{exitRefused, err}
				}
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
	f.StringSliceVar(&rep.Columns, "replicate-weights", nil, "replicate weight columns: names or globs, comma-separated (e.g. 'rw*')")
	f.StringVar(&rep.Type, "replicate-type", "", "jk1, jkn, brr, fay, bootstrap or sdr (R's svrepdesign type)")
	f.Float64Var(&rep.Scale, "scale", 0, "replicate variance scale (default: R's for the type)")
	f.StringVar(&rscalesFile, "rscales", "", "file of replicate rscales, one number a line (default 1 each)")
	f.Float64Var(&rep.Rho, "rho", 0, "Fay's rho, for --replicate-type fay")
	f.BoolVar(&rep.MSE, "mse", false, "centre the replicate variance on the full-sample estimate (R's mse=TRUE)")
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
				"nest": s.Design.Nest, "fpc": s.Design.FPC, "lonely_psu": s.Design.Lonely, "replicates": s.Replicates},
			"interval":  "95% logit interval with the domain's design degrees of freedom",
			"estimates": t.maps(),
		})
	}
	fmt.Fprintf(w, "# flag rule: %s\n", rule)
	return t.write(w, format)
}
