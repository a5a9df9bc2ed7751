package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
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
	cmd.AddCommand(newSurveyEstimate(g), newSurveyLoad(g))
	return cmd
}

func newSurveyEstimate(g *globals) *cobra.Command {
	var (
		d                          survey.Design
		vars, by                   []string
		format, flagRule, interval string
		designFile, output         string
		explain                    bool
		rep                        survey.Replicates
		rscalesFile                string
	)
	cmd := &cobra.Command{
		Use:   "estimate DATA [--design FILE] --weight W --var X[,Y...] [--strata S] [--psu P [--nest]] [--fpc F] [--by A,B] [--replicate-weights 'rw*' --replicate-type T] [--interval logit|korn-graubard] [--format table|csv|json|parquet] [-o FILE]",
		Short: "Weighted proportions with linearisation standard errors, intervals and design effects",
		Long: `Estimate the proportion of respondents with each 0/1 (or yes/no, true/false) variable, overall
or in domains (--by, crossed), from a CSV or Parquet file of survey microdata. DuckDB reads the
file; the database is not used.

Several domain sets are estimated in one run, the file read and checked once: each --by (or
each part of it between semicolons) is one set, its columns crossed, and 'total' the whole
population, e.g. --by total --by sex --by 'area;sex,age_group'. The output then has a column
for every domain column of every set, empty where a row's set does not split by it.

The design is a stratified (--strata) cluster (--psu) sample with weights (--weight), as R's
svydesign(ids=~P, strata=~S, weights=~W, fpc=~F, nest=TRUE). --nest says PSU ids are unique only
within strata. --fpc is the stratum's population size in PSUs, or the sampling fraction when every
value is at most 1 (as R takes it). Without --psu every respondent is a PSU.

--design FILE reads the design, the variables with their answer codes, the domains, the flag
rule and the interval from a YAML design file, for example:

` + indent(designExample, "  ") + `
Flags given on the command line override the file: --var and --by replace its lists, and
--strata, --psu or --fpc replace its replicates (and replicate flags its strata, PSU and fpc).
A variable's yes, no and missing codes are compared as trimmed text ignoring case, or as numbers
when both read as numbers (the code 1 matches 1, 1.0 and 01); without codes yes is 1, yes or true
and no is 0, no or false. Empty cells (and NA in CSV) are always missing; missing answers are left
out, never counted no; any other value is refused, naming the row and the codes.

The estimate is the weighted mean; its variance is the Taylor linearisation estimate, computed in
one SQL query of grouped sums (--explain-sql prints it). A missing value leaves the respondent out
of that variable's estimate only, and domains use the full design (PSUs without members of the
domain count zero), as R's svymean(na.rm=TRUE) and svyby do. A stratum with one PSU is an error
unless --lonely-psu is remove or certainty (both give it no variance), adjust (its PSU total is
centred at the grand mean instead of its stratum's) or average (it gets the average variance of
the other strata), as R's options(survey.lonely.psu) do.

With --replicate-weights (a comma list of columns or globs such as 'rw*', full-sample weights
times the replicate factors, as R's svrepdesign(combined.weights=TRUE)) and --replicate-type the
design is the replicate weights instead of strata, PSUs and fpc. The variance is
scale × Σ rscales_r (θ_r − θ̄)² over the replicate estimates θ_r, centred on their mean, or on
the full-sample estimate with --mse. R's defaults: jk1 scale (R−1)/R; jkn scale 1 and --rscales
required; brr 1/R; fay 1/(R(1−rho)²) with --rho; bootstrap 1/(R−1); sdr 4/R. --scale and
--rscales FILE (one number a line, one or one per replicate) override them for jk1, jkn and
bootstrap. The interval's logit variance comes from the replicates' logits (R's svyciprop on a
replicate design), with df the rank of the domain's replicate weights minus 1 (R's degf).

The 95% interval (--interval) is logit, R's svyciprop(method="logit"), or korn-graubard (alias
beta), R's svyciprop(method="beta"): Clopper-Pearson with the effective sample size
p(1−p)/variance × (t(n_rows−1)/t(df))², n_rows the domain's rows. At p = 0 or 1 the logit
interval is empty; Korn-Graubard is one-sided there with the effective size n × the same factor
(R gives no interval; this is the NCHS standard's rule).

Columns: variable, the domain columns, estimate, se, ci_low and ci_high (95% interval with the
domain's design degrees of freedom), deff (R's svymean(deff=TRUE)), cv (se/estimate), n
(respondents), weighted_n, df and flag (--flag-rule, stated in the output). CSV and table output
start with a "# flag rule: ...; interval: ..." line; JSON carries them as fields. -o writes any
format to a file; --format parquet needs -o and writes the same columns typed (text, DOUBLE,
BIGINT; missing numbers and no flag are null) with the flag rule, the interval and the design in
the Parquet file's key-value metadata (keys flag_rule, interval, design).`,
		Example: `  ictstat survey estimate hh.csv --weight wt --strata region --psu ea --nest --var internet,mobile --by sex,area
  ictstat survey estimate hh.parquet --weight wt --strata region --psu ea --nest --fpc n_ea --var internet --format csv
  ictstat survey estimate hh.csv --weight wt --strata region --psu ea --nest --var internet --by total --by sex --by sex,area
  ictstat survey estimate hh.csv --weight wt --var internet --flag-rule min_n=50,suppress_cv=0.3,caution_cv=0.2
  ictstat survey estimate hh.csv --weight wt --replicate-weights 'rw*' --replicate-type fay --rho 0.5 --var internet --by sex
  ictstat survey estimate hh.csv --design design.yaml --interval korn-graubard --format parquet -o estimates.parquet
  ictstat survey estimate hh.csv --design design.yaml --by sex -o estimates.csv --format csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "parquet" {
				if err := checkFormat(format); err != nil {
					return usageError("--format must be table, csv, json or parquet")
				}
			} else if output == "" {
				return usageError("--format parquet needs -o FILE")
			}
			changed := cmd.Flags().Changed
			spec := survey.Spec{Path: args[0]}
			var fileRule *survey.FlagRule
			if designFile != "" {
				f, err := survey.ReadDesignFile(designFile)
				if err != nil {
					return usageError("--design: %v", err)
				}
				spec, fileRule = f.Spec(args[0]), f.FlagRule
			}
			fd := &spec.Design
			for _, o := range []struct {
				flag string
				set  func()
			}{
				{"weight", func() { fd.Weight = d.Weight }}, {"strata", func() { fd.Strata = d.Strata }},
				{"psu", func() { fd.PSU = d.PSU }}, {"fpc", func() { fd.FPC = d.FPC }},
				{"nest", func() { fd.Nest = d.Nest }}, {"lonely-psu", func() { fd.Lonely = d.Lonely }},
				{"var", func() { spec.Variables = vars }},
				{"interval", func() { spec.Interval = interval }},
			} {
				if changed(o.flag) {
					o.set()
				}
			}
			if spec.Design.Lonely == "" {
				spec.Design.Lonely = survey.LonelyFail
			}
			if spec.Design.Weight == "" || len(spec.Variables) == 0 {
				return usageError("give --weight and --var (or a --design file with them)")
			}
			if changed("strata") || changed("psu") || changed("fpc") {
				spec.Replicates = nil // the command line's design replaces the file's replicates
			}
			repFlags := false
			for _, name := range []string{"replicate-weights", "replicate-type", "scale", "rscales", "rho", "mse"} {
				repFlags = repFlags || changed(name)
			}
			if repFlags {
				r := survey.Replicates{}
				if spec.Replicates != nil {
					r = *spec.Replicates
				} else if !changed("strata") && !changed("psu") && !changed("fpc") {
					fd.Strata, fd.PSU, fd.FPC = "", "", "" // the command line's replicates replace the file's design
				}
				if changed("replicate-weights") {
					r.Columns = rep.Columns
				}
				if changed("replicate-type") {
					r.Type = rep.Type
				}
				if changed("scale") {
					r.Scale = rep.Scale
				}
				if changed("rho") {
					r.Rho = rep.Rho
				}
				if changed("mse") {
					r.MSE = rep.MSE
				}
				if rscalesFile != "" {
					b, err := os.ReadFile(rscalesFile)
					if err != nil {
						return usageError("--rscales: %v", err)
					}
					r.RScales = nil
					for _, f := range strings.Fields(strings.ReplaceAll(string(b), ",", " ")) {
						x, err := strconv.ParseFloat(f, 64)
						if err != nil || x < 0 {
							return usageError("--rscales %s: %q is not a non-negative number", rscalesFile, f)
						}
						r.RScales = append(r.RScales, x)
					}
				}
				spec.Replicates = &r
			}
			if r := spec.Replicates; r != nil {
				if r.Type == "" || len(r.Columns) == 0 {
					return usageError("give --replicate-weights and --replicate-type together")
				}
				if fd.Strata != "" || fd.PSU != "" || fd.FPC != "" {
					return usageError("--replicate-weights replace --strata, --psu and --fpc")
				}
			}
			if fd.Nest && (fd.PSU == "" || fd.Strata == "") {
				return usageError("--nest needs --psu and --strata")
			}
			method, err := survey.IntervalMethod(spec.Interval)
			if err != nil {
				return usageError("--interval: %v", err)
			}
			spec.Interval = method
			rule := survey.DefaultFlagRule
			if fileRule != nil {
				rule = *fileRule
			}
			if changed("flag-rule") || fileRule == nil {
				if rule, err = parseFlagRule(flagRule); err != nil {
					return err
				}
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
			sets := [][]string{spec.By}
			if changed("by") {
				sets = domainSets(by)
			}
			if explain {
				if spec, err = survey.Prepare(cmd.Context(), db, spec); err != nil {
					return &exitError{exitRefused, err}
				}
				for _, set := range sets {
					if len(sets) > 1 {
						fmt.Fprintf(cmd.OutOrStdout(), say("-- domains: %s\n"), strings.Join(set, " × "))
					}
					spec.By = set
					fmt.Fprintln(cmd.OutOrStdout(), survey.SQL(spec, false))
				}
				return nil
			}
			perSet, err := survey.RunSets(cmd.Context(), db, spec, sets, rule)
			var ie *survey.InputError
			if errors.As(err, &ie) {
				return &exitError{exitRefused, err}
			} else if err != nil {
				return usageError("%v", err)
			}
			var es []survey.Estimate
			spec.By, es = alignDomains(sets, perSet)
			if format == "parquet" {
				return writeSurveyParquet(cmd.Context(), db, output, spec, rule, es)
			}
			if output == "" {
				return writeSurvey(cmd.OutOrStdout(), format, spec, rule, es)
			}
			out, err := os.Create(output)
			if err != nil {
				return usageError("-o: %v", err)
			}
			if err := writeSurvey(out, format, spec, rule, es); err != nil {
				out.Close()
				return err
			}
			return out.Close()
		},
	}
	f := cmd.Flags()
	f.StringVar(&designFile, "design", "", "YAML design file: design, variables and answer codes, domains, flag rule, interval (flags override it)")
	f.StringVar(&d.Weight, "weight", "", "weight column (required; positive numbers)")
	f.StringVar(&d.Strata, "strata", "", "strata column")
	f.StringVar(&d.PSU, "psu", "", "PSU (cluster) column")
	f.BoolVar(&d.Nest, "nest", false, "PSU ids are unique only within strata (R's nest=TRUE)")
	f.StringVar(&d.FPC, "fpc", "", "finite population correction column: the stratum's population of PSUs, or the sampling fraction when all values are ≤ 1")
	f.StringVar(&d.Lonely, "lonely-psu", survey.LonelyFail, "a stratum with one PSU: "+strings.Join(survey.LonelyOptions, ", ")+" (R's survey.lonely.psu)")
	f.StringSliceVar(&vars, "var", nil, "0/1 or yes/no variables to estimate (comma-separated)")
	f.StringArrayVar(&by, "by", nil, "domain columns, crossed (comma-separated); several --by (or ';') estimate several domain sets in one pass, 'total' the whole population")
	f.StringVar(&format, "format", "table", "table, csv, json or parquet (parquet needs -o)")
	f.StringVarP(&output, "output", "o", "", "write to FILE instead of standard output")
	f.StringVar(&interval, "interval", survey.IntervalLogit, "95% interval: logit or korn-graubard (alias beta), as R's svyciprop method logit or beta")
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

// designExample is indicators/survey/testdata/design-example.yaml, shown in --help (a test
// keeps them equal).
const designExample = `# How to read one household survey file (ictstat survey estimate --design, survey load).
economy: KEN
year: 2025
design:
  weight: weight
  strata: stratum
  psu: psu
  nest: true
  fpc: fpc
  lonely_psu: fail
variables:
  used_internet:
    indicator: internet_use_pct
    yes: [1, "yes"]
    no: [0, "no"]
    missing: [8, 9, "dk"]
  owns_mobile_phone:
    indicator: mobile_phone_ownership_pct
by:
  sex:
    dimension: sex
    codes: {female: female, male: male, "1": male, "2": female}
  area:
    dimension: area
  age_group:
    dimension: age
    codes: {"15-24": Y15T24, "25-74": Y25T74, "75+": Y_GE75}
flag_rule: {min_n: 30, suppress_cv: 0.3, caution_cv: 0.15}
interval: logit
# replicates: {columns: ["rw*"], type: bootstrap, mse: false}   # instead of strata/psu/fpc
`

// indent prefixes each non-empty line of s.
func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
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

// domainSets reads --by: each occurrence, and each part between semicolons, is one set of
// domain columns (comma-separated, crossed); "total" or nothing is the whole population.
func domainSets(by []string) [][]string {
	var sets [][]string
	for _, b := range by {
		for _, part := range strings.Split(b, ";") {
			var set []string
			for _, c := range strings.Split(part, ",") {
				if c = strings.TrimSpace(c); c != "" && !strings.EqualFold(c, "total") {
					set = append(set, c)
				}
			}
			sets = append(sets, set)
		}
	}
	return sets
}

// alignDomains puts the estimates of every set in one list whose domain columns are those of
// all sets, in order of appearance; a set that does not split by a column leaves it empty.
func alignDomains(sets [][]string, perSet [][]survey.Estimate) ([]string, []survey.Estimate) {
	var all []string
	at := map[string]int{}
	for _, set := range sets {
		for _, c := range set {
			if _, ok := at[c]; !ok {
				at[c] = len(all)
				all = append(all, c)
			}
		}
	}
	var out []survey.Estimate
	for i, es := range perSet {
		for _, e := range es {
			dom := make([]string, len(all))
			for j, c := range sets[i] {
				dom[at[c]] = e.Domain[j]
			}
			e.Domain = dom
			out = append(out, e)
		}
	}
	return all, out
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
			"interval":  survey.IntervalText(s.Interval),
			"estimates": t.maps(),
		})
	}
	fmt.Fprintf(w, "# flag rule: %s; interval: %s\n", rule, survey.IntervalText(s.Interval))
	return t.write(w, format)
}

// writeSurveyParquet writes the estimates to a Parquet file through a temporary DuckDB table
// and COPY ... (FORMAT parquet): the columns of writeSurvey, typed (VARCHAR, DOUBLE, BIGINT),
// NaN and no flag as null, with the flag rule, the interval and the design (JSON) in the file's
// key-value metadata.
func writeSurveyParquet(ctx context.Context, db *sql.DB, path string, s survey.Spec, rule survey.FlagRule, es []survey.Estimate) error {
	conn, err := db.Conn(ctx) // a temporary table lives on one connection
	if err != nil {
		return err
	}
	defer conn.Close()
	id := func(x string) string { return `"` + strings.ReplaceAll(x, `"`, `""`) + `"` }
	lit := func(x string) string { return "'" + strings.ReplaceAll(x, "'", "''") + "'" }
	cols := []string{"variable VARCHAR"}
	for _, b := range s.By {
		cols = append(cols, id(b)+" VARCHAR")
	}
	cols = append(cols, "estimate DOUBLE", "se DOUBLE", "ci_low DOUBLE", "ci_high DOUBLE", "deff DOUBLE", "cv DOUBLE",
		"n BIGINT", "weighted_n DOUBLE", "df BIGINT", "flag VARCHAR")
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE survey_estimates ("+strings.Join(cols, ", ")+")"); err != nil {
		return usageError("--format parquet: %v", err)
	}
	defer conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS survey_estimates")
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	num := func(x float64) any {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	}
	for _, e := range es {
		row := []any{e.Variable}
		for _, v := range e.Domain {
			row = append(row, v)
		}
		var flag any
		if e.Flag != "" {
			flag = e.Flag
		}
		row = append(row, num(e.Estimate), num(e.SE), num(e.CILow), num(e.CIHigh), num(e.Deff), num(e.CV), e.N, num(e.WeightedN), e.DF, flag)
		if _, err := conn.ExecContext(ctx, "INSERT INTO survey_estimates VALUES ("+marks+")", row...); err != nil {
			return err
		}
	}
	design, err := json.Marshal(map[string]any{"weight": s.Design.Weight, "strata": s.Design.Strata, "psu": s.Design.PSU,
		"nest": s.Design.Nest, "fpc": s.Design.FPC, "lonely_psu": s.Design.Lonely, "replicates": s.Replicates})
	if err != nil {
		return err
	}
	q := "COPY survey_estimates TO " + lit(path) + " (FORMAT parquet, KV_METADATA {flag_rule: " + lit(rule.String()) +
		", interval: " + lit(survey.IntervalText(s.Interval)) + ", design: " + lit(string(design)) + "})"
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return usageError("-o %s: %v", path, err)
	}
	return nil
}
