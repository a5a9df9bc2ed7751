package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/ingest"
	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/translations"
)

func newIngest(g *globals) *cobra.Command {
	var (
		format, edition, released, citation, sheet, delimiter, indicator string
		columns, constants                                               map[string]string
		ignore                                                           []string
		licence                                                          string
		maxRejectRate                                                    float64
		verbose, replacesSeries                                          bool
	)
	formats := make([]string, len(ingest.Formats))
	for i, f := range ingest.Formats {
		formats[i] = fmt.Sprintf("  %-12s %s", f.Name, f.Description)
	}
	cmd := &cobra.Command{
		Use:   "ingest FILE...",
		Short: "Load indicator files into the database",
		Long: `Load indicator files into the database, each in one transaction: a file's good rows and its
rejects land together, or nothing of it does (a file that cannot be read as its format, that has
no data rows, or whose rejected share passes --max-reject-rate, is refused whole and the command
exits with 3). Loading the same content again changes nothing.

A field longer than 64 KiB rejects its row. A file is refused when a CSV header is longer than
1 MiB or has more than 16,384 columns, a record is longer than 16 MiB, lines end with CR alone, a
workbook is damaged or expands to more than 512 MiB (64 MiB of shared strings), more than
1,000,000 rows are rejected, or its notes and sources add more than 16 MiB of text.

Every row is checked: numbers (not -0, nor so close to 0 they would be stored as 0, nor TRUE,
FALSE or a date), years 1960–2100 written as digits, values within their indicator's bounds in
the catalogue (none below 0; percentages up to 100, per-100 indicators 1,000, population 2e10,
subscriptions 2e11, prices and GB per subscription 100,000), known economies (ISO3 in any
case, M49, the source's codes or the economy's name; an unknown one is rejected with the closest
economies named), known indicators (ictstat, WDI, ITU, SDG or DDF codes), known sex/area/age/flag/
unit codes, and no conflicting values for the same series and year. Spaces around a field are
passed over. Workbook cells are read as a CSV saved from the sheet would hold them (TRUE, FALSE,
dates, error texts); other numbers as stored, whatever their format. Rejected rows are kept with
file, line, column, value and reason: SELECT * FROM rejects WHERE batch = N.

Observations land in an edition (--edition). Editions layer value by value: the view
observations holds, for each indicator, economy, breakdown and year, the value of the newest
edition that has one (by release date, then load order), so a file with one new year adds that
year and keeps the series' history. An edition that revises whole series says so with
--replaces-series: for every series the file carries, the years it omits are withdrawn. Every
edition stays queryable (observations_all_editions, observations_as_of(DATE), revisions).

Formats (detected from the file name and header unless --format is given):
` + strings.Join(formats, "\n") + `

The generic long CSV has the columns indicator, economy, year, value and optionally sex
(total/female/male), area (total/urban/rural), age (total, 15-24, 15+, <15), unit, flag (A, E, M,
P, ...), source, note. Other headers can be mapped with --column, e.g. --column economy="Country Code".`,
		Example: `  ictstat ingest survey_2025.csv --edition "NSO 2025-06"
  ictstat ingest WDI_extract.csv --format wide
  ictstat ingest population.csv --set indicator=SP.POP.TOTL --column economy="Country Code"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			opts := load.Options{MaxRejectRate: maxRejectRate, ToolVersion: Version, ReplacesSeries: replacesSeries}
			if maxRejectRate == 0 {
				opts.MaxRejectRate = load.NoRejects
			}
			g.verbose = verbose
			opts.Read = ingest.Options{Format: format, Sheet: sheet, Columns: columns, Constants: constants, Ignore: ignore}
			if indicator != "" {
				if opts.Read.Constants == nil {
					opts.Read.Constants = map[string]string{}
				}
				opts.Read.Constants["indicator"] = indicator
			}
			switch len(delimiter) {
			case 0:
			case 1:
				opts.Read.Delimiter = delimiter[0]
			default:
				if delimiter != `\t` && delimiter != "tab" {
					return usageError("--delimiter takes one character")
				}
				opts.Read.Delimiter = '\t'
			}
			if maxRejectRate < 0 || maxRejectRate > 1 {
				return usageError("--max-reject-rate must be between 0 and 1")
			}
			if edition != "" {
				opts.Edition = store.Edition{Label: edition, Citation: citation, Licence: licence}
				if released != "" {
					t, ok := parseDate(released)
					if !ok {
						return usageError("--released %q is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", released)
					}
					opts.Edition.Released = t
				} else if t, ok := store.ReleaseFromLabel(edition); ok {
					opts.Edition.Released = t
				}
			} else if released != "" || citation != "" || licence != "" {
				return usageError("--released, --citation and --licence need --edition")
			}
			st, err := store.Open(cmd.Context(), g.db, g.loadOptions())
			if err != nil {
				return err
			}
			defer st.Close()
			refused := 0
			for _, f := range files {
				err := ingestFile(cmd, g, st, f, opts)
				if err == nil {
					continue
				}
				if load.IsRefused(err) {
					refused++
					continue
				}
				return err
			}
			if err := st.Close(); err != nil {
				return err
			}
			if refused > 0 {
				return &exitError{exitRefused, fmt.Errorf("%d of %d files refused; nothing of them was loaded", refused, len(files))}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "", "file format (see above); detected when not given")
	f.StringVar(&edition, "edition", "", `edition (vintage) the observations belong to, e.g. "ITU 2025-11"; default: today's date`)
	f.StringVar(&released, "released", "", `release date of a new edition, which orders editions (default: the first YYYY-MM-DD or YYYY-MM in --edition, a month standing for its first day, e.g. "UBOS 2026-10" → 2026-10-01; else today)`)
	f.StringVar(&citation, "citation", "", `how chart source lines name a new edition, e.g. "NSO household survey (2025 edition)"; default: its label`)
	f.StringVar(&licence, "licence", "", `the terms a new edition's data are published under, shown with them in job manifests, workbooks, notebooks and 'ictstat info', e.g. "CC BY 4.0"`)
	f.StringVar(&indicator, "indicator", "", "indicator of every row, for files of one indicator without an indicator column")
	f.StringToStringVar(&columns, "column", nil, "map a column: NAME=HEADER, NAME one of indicator, economy, year, value, sex, area, age, unit, flag, source, note")
	f.StringToStringVar(&constants, "set", nil, "give a column one value for every row: NAME=VALUE")
	f.StringSliceVar(&ignore, "ignore", nil, "headers to ignore")
	f.StringVar(&sheet, "sheet", "", "XLSX sheet (default: the first)")
	f.StringVar(&delimiter, "delimiter", "", `CSV delimiter (default: guessed from the header among , ; and tab; write \t for tab)`)
	f.Float64Var(&maxRejectRate, "max-reject-rate", load.DefaultMaxRejectRate, "largest share of rejected rows (0–1) a file may have and still load; 0 refuses any reject")
	f.BoolVar(&replacesSeries, "replaces-series", false, "the files revise whole series: years they omit for the series they carry are withdrawn from older editions")
	f.BoolVarP(&verbose, "verbose", "v", false, "print how long each step of a load took")
	return cmd
}

// ingestFile loads one file and prints what happened.
func ingestFile(cmd *cobra.Command, g *globals, st *store.Store, path string, opts load.Options) error {
	w := out(g)
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	bar := newBytesProgress(g, info.Size(), path)
	opts.Progress = func(done, _ int64) { bar.set(done) }
	o, err := load.File(cmd.Context(), st, path, opts)
	bar.finish()
	if o.Skipped {
		fmt.Fprintf(w, say("%s: already loaded as batch %d (same content); nothing changed\n"), path, o.Batch)
		return nil
	}
	if err != nil {
		if errors.Is(err, store.ErrLicenceConflict) {
			return &exitError{exitUsage, err}
		}
		if errors.Is(err, store.ErrTooManyRejects) {
			fmt.Fprintf(os.Stderr, "ictstat: %s\n", translations.ErrorIn(said, err.Error()))
			printRejects(os.Stderr, o.FirstRejects, o.RowsRejected)
			printDefineHint(os.Stderr, o.FirstRejects)
			return err
		}
		if load.IsRefused(err) {
			fmt.Fprintf(os.Stderr, "ictstat: %s\n", translations.ErrorIn(said, err.Error()))
		}
		return err
	}
	share := 0.0
	if o.RowsRead > 0 {
		share = 100 * float64(o.RowsRejected) / float64(o.RowsRead)
	}
	fmt.Fprintf(w, say("%s (%s): %d rows read, %d loaded, %d unchanged, %d rejected (%.2f%%): batch %d, edition %s (released %s), %d new series, %.1fs\n"),
		path, o.Format, o.RowsRead, o.RowsLoaded, o.RowsUnchanged, o.RowsRejected, share, o.Batch, o.Edition, o.Released.Format(time.DateOnly), o.NewSeries, o.Duration.Seconds())
	if g.verbose {
		for _, s := range o.Steps {
			name := say(s.Name)
			fmt.Fprintf(w, "  %s%s %.2fs\n", name, strings.Repeat(" ", max(28-cellWidth(name), 0)), s.Duration.Seconds())
		}
	}
	if o.RowsRejected > 0 && !g.quiet {
		printRejects(os.Stderr, o.FirstRejects, o.RowsRejected)
		fmt.Fprintf(os.Stderr, say("  all of them: SELECT * FROM rejects WHERE batch = %d (any DuckDB client)\n"), o.Batch)
		printDefineHint(os.Stderr, o.FirstRejects)
	}
	return nil
}

func printRejects(w io.Writer, rejects []ingest.Reject, total int64) {
	for _, r := range rejects {
		fmt.Fprintf(w, "  %s\n", rejectText(r))
	}
	if int64(len(rejects)) < total {
		fmt.Fprintf(w, say("  … and %d more rejected rows\n"), total-int64(len(rejects)))
	}
}

// rejectText says where a rejected row is and why, in the language of --lang (the reason as
// translations.FormatIn makes it; the value as the file wrote it).
func rejectText(r ingest.Reject) string {
	reason := translations.FormatIn(said, translations.RejectsArea, r.Reason)
	switch {
	case r.Line > 0 && r.Column != "":
		return fmt.Sprintf(say("line %d, column %s, value %q: %s"), r.Line, r.Column, r.Value, reason)
	case r.Line > 0 && r.Value != "":
		return fmt.Sprintf(say("line %d, value %q: %s"), r.Line, r.Value, reason)
	case r.Line > 0:
		return fmt.Sprintf(say("line %d: %s"), r.Line, reason)
	}
	r.Reason = reason
	return r.String()
}

// parseDate reads YYYY, YYYY-MM or YYYY-MM-DD at the start of s.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if len(s) >= len(layout) {
			if t, err := time.Parse(layout, s[:len(layout)]); err == nil && (len(s) == len(layout) || s[len(layout)] == ' ') {
				return t, true
			}
		}
	}
	return time.Time{}, false
}
