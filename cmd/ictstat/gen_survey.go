package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/datasets/synth/household"
)

// newGenSurvey is `ictstat gen survey`: synthetic household survey microdata.
func newGenSurvey(g *globals) *cobra.Command {
	var (
		output, economy string
		year            int
		opts            household.Options
	)
	cmd := &cobra.Command{
		Use:   "survey -o FILE [--persons N] [--regions R] [--replicates R] [--seed S] [--population-seed P]",
		Short: "Write synthetic household survey microdata (persons 15+) with a known population truth",
		Long: `Write a two-stage sample of persons aged 15+ from a fixed synthetic population, for tests and
benchmarks of ` + "`ictstat survey estimate`" + `. The population (--population-seed) has --regions regions, each an
urban and a rural stratum, of enumeration areas (PSUs) of 60-250 households of 1-6 persons; each
person's answers come from logistic models in sex, age, area, region and a PSU effect, 1% of
them missing. The sample (--seed) takes a simple random sample of PSUs in each stratum, 12
households in each, and every person of the households that respond (85% urban, 93% rural).
Weights are the inverse inclusion probabilities with a non-response adjustment within strata.
The same flags give the same file, byte for byte. Parquet when FILE ends in .parquet, else CSV.

Columns, in order:
  hh_id BIGINT, person_id BIGINT, region VARCHAR (R01..), area VARCHAR (urban|rural),
  stratum VARCHAR (R01-urban ...), psu BIGINT (unique in the file), fpc BIGINT (the stratum's
  PSUs in the population), weight DOUBLE, sex VARCHAR (female|male), age INTEGER (15-90),
  age_group VARCHAR (15-24|25-74|75+), used_internet, owns_mobile_phone, copy_paste_skill
  (INTEGER 0/1, empty or null when missing), rw1..rwR DOUBLE (with --replicates R: Rao-Wu
  rescaled bootstrap weights, --replicate-type bootstrap).

Beside FILE it writes FILE's name with .design.yaml for its extension: the design file that
'ictstat survey estimate --design' and 'ictstat survey load --design' read, naming the design,
the catalogue indicator of each variable (internet_use_pct, mobile_phone_ownership_pct,
ict_skills_copy_paste_pct) and the dimension of each domain (sex, area, age), for --economy and
--year. The data are synthetic: load them only into a database of their own.`,
		Example: `  ictstat gen survey -o hh.csv
  ictstat gen survey -o hh.parquet --persons 1000000 --replicates 100 --seed 7`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output == "" {
				return usageError("-o FILE is required")
			}
			if opts.Persons <= 0 {
				return usageError("--persons must be positive")
			}
			if opts.Regions < 1 || opts.Regions > 99 {
				return usageError("--regions must be 1 to 99")
			}
			if opts.Replicates < 0 || opts.Replicates == 1 || opts.Replicates > 1000 {
				return usageError("--replicates must be 0 or 2 to 1000")
			}
			start := time.Now()
			st, err := household.WriteFile(cmd.Context(), output, opts)
			if err != nil {
				return err
			}
			design := strings.TrimSuffix(output, filepath.Ext(output)) + ".design.yaml"
			if err := writeSurveyDesign(design, economy, year, opts.Replicates); err != nil {
				return err
			}
			o := out(g)
			fmt.Fprintf(o, say("wrote %s in %.1f s: %d persons, %d households (%d sampled), %d PSUs of %d in the population, %d strata\n"),
				output, time.Since(start).Seconds(), st.Persons, st.Households, st.SampledHouseholds, st.PSUs, st.PopulationPSUs, st.Strata)
			fmt.Fprintf(o, say("columns: %s\n"), strings.Join(st.Columns, ", "))
			fmt.Fprintf(o, say("wrote %s: its design, the indicator of each variable and the dimension of each domain\n"), design)
			fmt.Fprintf(o, say("estimate with:\n  ictstat survey estimate %s --design %s --by sex\n"), shellQuote(output), shellQuote(design))
			fmt.Fprintf(o, say("or:\n  ictstat survey estimate %s --weight weight --strata stratum --psu psu --fpc fpc --var %s --by sex\n"),
				shellQuote(output), strings.Join(household.Variables, ","))
			if opts.Replicates > 0 {
				fmt.Fprintf(o, "  ictstat survey estimate %s --weight weight --replicate-weights 'rw*' --replicate-type bootstrap --var %s --by sex\n",
					shellQuote(output), strings.Join(household.Variables, ","))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "", "file to write (.parquet or .csv)")
	f.Int64Var(&opts.Persons, "persons", 20000, "persons to sample, approximately")
	f.IntVar(&opts.Regions, "regions", 10, "regions (each an urban and a rural stratum)")
	f.IntVar(&opts.Replicates, "replicates", 0, "bootstrap replicate weights rw1..rwR to add (0: none)")
	f.Uint64Var(&opts.SampleSeed, "seed", 1, "seed of the sample")
	f.Uint64Var(&opts.PopulationSeed, "population-seed", 1, "seed of the population")
	f.StringVar(&economy, "economy", "KEN", "the economy the design file names (for survey load)")
	f.IntVar(&year, "year", 2025, "the year the design file names (for survey load)")
	return cmd
}

// writeSurveyDesign writes the design file of a generated survey.
func writeSurveyDesign(path, economy string, year, replicates int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# The design of a synthetic survey written by ictstat gen survey: load it only into a database of its own.\n")
	fmt.Fprintf(&b, say("economy: %s\nyear: %d\n"), economy, year)
	b.WriteString("design: {weight: weight, strata: stratum, psu: psu, fpc: fpc}\n")
	if replicates > 0 {
		b.WriteString("# replicates instead of strata, psu and fpc: {columns: [\"rw*\"], type: bootstrap}\n")
	}
	b.WriteString(`variables:
  used_internet: {indicator: internet_use_pct}
  owns_mobile_phone: {indicator: mobile_phone_ownership_pct}
  copy_paste_skill: {indicator: ict_skills_copy_paste_pct}
by:
  sex: {dimension: sex}
  area: {dimension: area}
  age_group: {dimension: age}
`)
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// shellQuote quotes a path for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-+=:,@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
