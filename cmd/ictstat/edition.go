package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/store"
)

func newEdition(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "edition",
		Short: "List the editions in the database, or take one out",
		Long: `Editions are the vintages of published data that files are loaded into (ictstat ingest
--edition). They layer value by value: the view observations holds, for each indicator, economy,
breakdown and year, the value of the newest edition that has one (by release date, then load
order); an edition loaded with --replaces-series withdraws the years it omits from the series it
carries. Every edition stays in observations_all_editions; revisions lists what each changed; and
observations_as_of(DATE), or --as-of on sql, chart, scorecard, progress, compute and run, shows the
data as published on a date.`,
	}
	var format string
	var lang langFlag
	list := &cobra.Command{
		Use:   "list",
		Short: "List the editions, oldest first, with what each holds",
		Long: `List the editions in the order that layers them, oldest first: release date, files loaded,
observations held, how many of them are current (shown in the view observations), whether the
edition replaced whole series, its citation and its licence. In a terminal, --format csv or json
gives the long texts whole.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			st, err := openReadOnly(cmd, g)
			if err != nil {
				return err
			}
			defer st.Close()
			eds, err := st.Editions(cmd.Context())
			if err != nil {
				return err
			}
			tr, err := lang.words()
			if err != nil {
				return err
			}
			t := resultTable{columns: []column{{name: "edition"}, {name: "released"}, {name: "files"}, {name: "observations"},
				{name: "current"}, {name: "replaces_series"}, {name: "citation", text: clip}, {name: "licence", text: clip}}, words: tr}
			for _, e := range eds {
				t.rows = append(t.rows, []any{e.Edition, e.Released.Format(time.DateOnly), e.Batches, e.Observations, e.Current, e.ReplacesSeries, e.Citation, e.Licence})
			}
			return t.write(out(g), format)
		},
	}
	list.Flags().StringVar(&format, "format", "table", "output format: table, csv or json")
	lang.add(list)
	drop := &cobra.Command{
		Use:   "drop NAME",
		Short: "Take an edition and everything loaded into it out of the database",
		Long: `Take an edition out of the database, in one transaction: its observations, the files loaded
into it and their rejects. Where it held the current value of an observation, the newest edition
below it takes over; years it withdrew come back. The drop is recorded (store.edition_drops) and
the aggregates, gaps and progress are due for 'ictstat compute'.`,
		Example: `  ictstat edition drop "KNBS 2026-06"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openStore(cmd, g)
			if err != nil {
				return err
			}
			defer st.Close()
			info, err := st.DropEdition(cmd.Context(), args[0])
			if errors.Is(err, store.ErrNoEdition) {
				return &exitError{exitUsage, err}
			}
			if err != nil {
				return err
			}
			if err := st.Close(); err != nil {
				return err
			}
			fmt.Fprintf(out(g), say("dropped edition %s (released %s): %d files, %d observations; run 'ictstat compute' to bring the aggregates, gaps and progress up to date\n"),
				info.Edition, info.Released.Format(time.DateOnly), info.Batches, info.Observations)
			return nil
		},
	}
	cmd.AddCommand(list, drop)
	return cmd
}

// clip shortens a long text to the first 40 characters in a terminal table.
func clip(v any) string {
	s := []rune(fmt.Sprint(v))
	if len(s) <= 40 {
		return string(s)
	}
	return string(s[:39]) + "…"
}
