package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/datasets/synth"
)

func newGen(g *globals) *cobra.Command {
	var (
		output  string
		rows    int64
		badRate float64
		seed    uint64
	)
	cmd := &cobra.Command{
		Use:   "gen -o FILE",
		Short: "Write a synthetic long-form indicator file for tests and benchmarks",
		Long: `Write a synthetic file in the generic long CSV layout (indicator, economy, year, sex, area, age,
value, flag) for the real economies and indicators of the default dataset, with values on
logistic diffusion curves and breakdowns by sex, area and age for individual-level indicators.
A share --bad-rate of the rows breaks one validation rule each, cycling through non-numeric
values, years out of range, percentages above 100, negative counts, unknown economies and
indicators, conflicting duplicates and missing values; the counts are printed at the end.`,
		Example: "  ictstat gen -o bench.csv --rows 10000000 --bad-rate 0.001",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output == "" {
				return usageError("-o FILE is required")
			}
			opts, err := datasets.SynthOptions()
			if err != nil {
				return err
			}
			opts.Rows, opts.BadRate, opts.Seed = rows, badRate, seed
			if rows <= 0 {
				return usageError("--rows must be positive")
			}
			if c := synth.Capacity(opts); rows > c {
				return usageError("--rows %d is more than the %d series-years the default economies and indicators give", rows, c)
			}
			f, err := os.Create(output)
			if err != nil {
				return err
			}
			w := bufio.NewWriterSize(f, 4<<20)
			st, err := synth.Write(w, opts)
			if err == nil {
				err = w.Flush()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(output)
				return err
			}
			o := out(g)
			fmt.Fprintf(o, say("wrote %s: %d rows, %d of them bad (validation must reject %d)\n"), output, st.Rows, st.Rejects, st.Rejects)
			classes := make([]string, 0, len(st.Bad))
			for c := range st.Bad {
				classes = append(classes, c)
			}
			sort.Strings(classes)
			for _, c := range classes {
				fmt.Fprintf(o, "  %-26s %d\n", c, st.Bad[c])
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "file to write")
	cmd.Flags().Int64Var(&rows, "rows", 1_000_000, "rows to write")
	cmd.Flags().Float64Var(&badRate, "bad-rate", 0.001, "share of bad rows, in [0, 1)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed; the same seed gives the same file")
	cmd.AddCommand(newGenSurvey(g))
	return cmd
}
