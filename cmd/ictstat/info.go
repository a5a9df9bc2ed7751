package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/translations"
)

func newInfo(g *globals) *cobra.Command {
	var format string
	var batches bool
	var lang langFlag
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
			tr, err := lang.words()
			if err != nil {
				return err
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
			return printSummary(w, sum, batches, tr)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	cmd.Flags().BoolVar(&batches, "batches", false, "list every batch")
	lang.add(cmd)
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

// printSummary writes what the database holds as tables, in the language of tr (nil: English):
// their column names, the units and the sentences around them.
func printSummary(w io.Writer, sum store.Summary, batches bool, tr *translations.Words) error {
	fmt.Fprintf(w, tr.UI("%s: schema %d, %.1f MB")+"\n", sum.Path, sum.SchemaVersion, float64(sum.Bytes)/1e6)
	fmt.Fprintf(w, tr.UI("%d indicators, %d economies, %d groups; %d series, %d observations in all editions, %d rejected rows in %d batches")+"\n\n",
		sum.Indicators, sum.Economies, sum.Groups, sum.Series, sum.Observations, sum.Rejects, len(sum.Batches))
	eds := resultTable{columns: []column{{name: "edition"}, {name: "released", whole: true}, {name: "observations"}, {name: "current"},
		{name: "licence"}}, words: tr}
	for _, e := range sum.Editions {
		licence := e.Licence
		if licence == "" {
			licence = tr.UI("not recorded")
		}
		eds.rows = append(eds.rows, []any{e.Edition, e.Released.Format(time.DateOnly), e.Observations, e.Current, licence})
	}
	if err := eds.write(w, "table"); err != nil {
		return err
	}
	fmt.Fprintln(w)
	inds := resultTable{columns: []column{{name: "indicator"}, {name: "unit"}, {name: "economies"}, {name: "groups"}, {name: "years", whole: true},
		{name: "breakdowns"}, {name: "observations"}, {name: "edition"}}, words: tr}
	for _, x := range sum.Loaded {
		inds.rows = append(inds.rows, []any{x.Indicator, tr.Key(translations.IndicatorKey(x.Indicator, "unit"), x.Unit), x.Economies, x.Groups,
			fmt.Sprintf("%d–%d", x.FirstYear, x.LastYear), x.Breakdowns, x.Observations, x.Editions})
	}
	if err := inds.write(w, "table"); err != nil {
		return err
	}
	if batches {
		fmt.Fprintln(w)
		bs := resultTable{columns: []column{{name: "batch"}, {name: "file"}, {name: "format"}, {name: "edition"}, {name: "read"}, {name: "loaded"},
			{name: "unchanged"}, {name: "rejected"}, {name: "finished", whole: true}}, words: tr}
		for _, b := range sum.Batches {
			bs.rows = append(bs.rows, []any{b.Batch, b.File, b.Format, b.Edition, b.Read, b.Loaded, b.Unchanged, b.Rejected, b.Finished.Format(time.DateTime)})
		}
		if err := bs.write(w, "table"); err != nil {
			return err
		}
	} else if n := len(sum.Batches); n > 0 {
		b := sum.Batches[n-1]
		fmt.Fprintf(w, "\n"+tr.UI("%d batches; the last, %d, loaded %s on %s (--batches lists them all)")+"\n", n, b.Batch, b.File, b.Finished.Format("2006-01-02 15:04"))
	}
	switch c := sum.Computed; {
	case c == nil:
		fmt.Fprintln(w, tr.UI("Aggregates, gaps and progress: not computed yet (run 'ictstat compute')."))
	case sum.BatchesSince > 0:
		fmt.Fprintf(w, tr.UI("Aggregates, gaps and progress: computed %s, before the last %d changes: loads and edition drops (run 'ictstat compute').")+"\n",
			c.ComputedAt.Format("2006-01-02 15:04"), sum.BatchesSince)
	default:
		groups := tr.UI("groups in their current composition")
		if c.Composition == "historical" {
			groups = tr.UI("groups in each year's composition")
		}
		fill := tr.UI("the last values carried after each economy's last report (--fill carry)")
		if c.Fill == "nowcast" {
			fill = fmt.Sprintf(tr.UI("nowcasts to %d after each economy's last report"), c.NowcastTo)
		}
		fmt.Fprintf(w, tr.UI("Aggregates, gaps and progress: computed %s from %d observations, %s, %s, up to date.")+"\n",
			c.ComputedAt.Format("2006-01-02 15:04"), c.Observations, groups, fill)
	}
	return nil
}
