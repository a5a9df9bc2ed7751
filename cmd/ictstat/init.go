package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/indicators/compute"
)

func newInit(g *globals) *cobra.Command {
	var force, empty bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Build the database from the embedded default data",
		Long: `Build the database from the data embedded in ictstat: ITU indicators via the World Bank WDI
(2025), the UN SDG database (2023-12) and ITU DataHub exports (2025-12), with UN M49 economies,
ITU regions, LDC/LLDC/SIDS, and the World Bank income classification of every year since FY89.
Works offline. The database is built beside its final path and moved into place at the end, so an
interrupted init leaves no half-built database. It then computes the group aggregates, gaps and
progress toward targets, as 'ictstat compute' does.

Source: ITU. See datasets/README.md for every source and licence.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := os.Stat(g.db); err == nil && !force {
				return usageError("%s already exists; pass --force to rebuild it", g.db)
			}
			started := time.Now()
			bar := newCountProgress(g, 1, "reference data")
			outcomes, err := datasets.Build(cmd.Context(), g.db, datasets.BuildOptions{
				Store:       g.loadOptions(),
				Empty:       empty,
				Replace:     force,
				ToolVersion: Version,
				Progress: func(file string, i, n int) {
					if i == 0 && bar.bar != nil {
						bar.bar.ChangeMax(n)
					}
					bar.set(int64(i))
					bar.describe(file)
				},
			})
			bar.finish()
			if err != nil {
				return err
			}
			var rows, rejected int64
			for _, o := range outcomes {
				rows += o.RowsLoaded
				rejected += o.RowsRejected
			}
			w := out(g)
			fmt.Fprintf(w, say("built %s: %d files, %d observations, %d rejected rows, in %.1fs\n"),
				g.db, len(outcomes), rows, rejected, time.Since(started).Seconds())
			if !empty {
				if err := runCompute(cmd, g, compute.Options{}, false); err != nil {
					return err
				}
			}
			fmt.Fprintln(w)
			sum, err := summarize(cmd.Context(), g)
			if err != nil {
				return err
			}
			if err := printSummary(w, sum, false, nil); err != nil {
				return err
			}
			fmt.Fprintln(w, say("\nSource: ITU, via World Bank WDI (2025), the UN SDG Global Database (2023-12) and ITU DataHub (2025-12)."))
			fmt.Fprintf(w, say("Query it with any DuckDB client, e.g. duckdb %s \"SELECT * FROM observations LIMIT 10\";\n"), g.db)
			fmt.Fprintln(w, say("see the Geneva targets scorecard with 'ictstat scorecard', progress with 'ictstat progress'."))
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing database")
	cmd.Flags().BoolVar(&empty, "empty", false, "reference data only (economies, groups, indicators), no observations")
	return cmd
}
