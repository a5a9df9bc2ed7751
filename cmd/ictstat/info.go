package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/store"
)

func newInfo(g *globals) *cobra.Command {
	var format string
	var batches bool
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Show what the database holds",
		Long: `Show what the database holds: the editions, each indicator's economies, years and
observations in its newest edition, and the batches loaded with their row counts and rejects.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return usageError("--format must be table or json")
			}
			sum, err := summarize(cmd.Context(), g)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if format == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(sum)
			}
			printSummary(w, sum, batches)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	cmd.Flags().BoolVar(&batches, "batches", false, "list every batch")
	return cmd
}

// summarize opens the database read-only and says what it holds.
func summarize(ctx context.Context, g *globals) (store.Summary, error) {
	st, err := store.Open(ctx, g.db, g.storeOptions(true))
	if err != nil {
		return store.Summary{}, err
	}
	defer st.Close()
	return st.Summarize(ctx)
}

// printSummary writes what the database holds as tables.
func printSummary(w io.Writer, sum store.Summary, batches bool) {
	fmt.Fprintf(w, "%s: schema %d, %.1f MB\n", sum.Path, sum.SchemaVersion, float64(sum.Bytes)/1e6)
	fmt.Fprintf(w, "%d indicators, %d economies, %d groups; %d series, %d observations in all editions, %d rejected rows in %d batches\n\n",
		sum.Indicators, sum.Economies, sum.Groups, sum.Series, sum.Observations, sum.Rejects, len(sum.Batches))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EDITION\tRELEASED\tOBSERVATIONS\tCURRENT\tLICENCE")
	for _, e := range sum.Editions {
		licence := e.Licence
		if licence == "" {
			licence = "not recorded"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", e.Edition, e.Released.Format("2006-01-02"), e.Observations, e.Current, licence)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "INDICATOR\tUNIT\tECONOMIES\tGROUPS\tYEARS\tBREAKDOWNS\tOBSERVATIONS\tEDITION")
	for _, x := range sum.Loaded {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d–%d\t%d\t%d\t%s\n", x.Indicator, x.Unit, x.Economies, x.Groups, x.FirstYear, x.LastYear, x.Breakdowns, x.Observations, x.Editions)
	}
	tw.Flush()
	if batches {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "BATCH\tFILE\tFORMAT\tEDITION\tREAD\tLOADED\tUNCHANGED\tREJECTED\tFINISHED")
		for _, b := range sum.Batches {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", b.Batch, b.File, b.Format, b.Edition, b.Read, b.Loaded, b.Unchanged, b.Rejected, b.Finished.Format("2006-01-02 15:04:05"))
		}
		tw.Flush()
	} else if n := len(sum.Batches); n > 0 {
		b := sum.Batches[n-1]
		fmt.Fprintf(w, "\n%d batches; the last, %d, loaded %s on %s (--batches lists them all)\n", n, b.Batch, b.File, b.Finished.Format("2006-01-02 15:04"))
	}
	switch c := sum.Computed; {
	case c == nil:
		fmt.Fprintln(w, "Aggregates, gaps and progress: not computed yet (run 'ictstat compute').")
	case sum.BatchesSince > 0:
		fmt.Fprintf(w, "Aggregates, gaps and progress: computed %s, before the last %d changes: loads and edition drops (run 'ictstat compute').\n", c.ComputedAt.Format("2006-01-02 15:04"), sum.BatchesSince)
	default:
		groups := "groups in their current composition"
		if c.Composition == "historical" {
			groups = "groups in each year's composition"
		}
		fill := "the last values carried after each economy's last report (--fill carry)"
		if c.Fill == "nowcast" {
			fill = fmt.Sprintf("nowcasts to %d after each economy's last report", c.NowcastTo)
		}
		fmt.Fprintf(w, "Aggregates, gaps and progress: computed %s from %d observations, %s, %s, up to date.\n",
			c.ComputedAt.Format("2006-01-02 15:04"), c.Observations, groups, fill)
	}
}
