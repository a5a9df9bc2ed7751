package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/indicators/release"
	"github.com/ictstat/ictstat/indicators/translations"
)

// exitWarnings is the exit code of a job that succeeded with warnings.
const exitWarnings = 4

func newRun(g *globals) *cobra.Command {
	var outDir string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "run JOB.yaml [--out DIR] [--dry-run]",
		Short: "Run an indicator job: load sources, compute, and publish tables, charts and a scorecard",
		Long: `Run the job a YAML file describes: the files to load as which editions, how strict to be with
rejected rows, what to compute, and the tables (CSV, Parquet, XLSX with a notes sheet, SDMX-CSV),
charts and Geneva-targets scorecard to publish. datasets/jobs/ has examples; the README describes
the keys.

The job file is checked whole first: unknown keys, files that do not exist and bad values are
refused with their line, and nothing runs. So is a table's sql that DuckDB cannot run, that is
not one query that reads, that reads a file the job does not allow, or that lacks the columns its
formats need (checked on the database without running it, also with --dry-run). So is an output
folder that ictstat may not replace:
ictstat replaces its output folder whole, so it writes only to a folder that does not exist, an
empty one, or its own previous output (whose manifest.json, generator "ictstat", lists all the
folder holds); a folder holding anything else, the current folder or the database is refused.
The loads and computations then work on a copy of the database and the outputs are written to a
staging folder (.NAME.partial-DIGITS, removed by the next run if a run is killed); both are put
in place only when every step succeeded, so a failed run leaves the database and the previous
release as they were. While both are put in place, a journal beside the output folder
(.NAME.publishing) says what to undo: a run killed then leaves it, and the next run of the same
output first puts the release back in line with the database (--dry-run says it will). The output folder holds manifest.json: the job and input files with their
SHA-256 and size, the tool version, the database's editions, each step's rows and time, the
rejects, and every output with its SHA-256. Running an unchanged job again gives the same
outputs, byte for byte.

A table's sql is one query that reads, as 'ictstat serve' accepts, and it reads the database
only: no other file, no network, no extension, unless the job lists files or folders under
allow_files: (relative to the job file). DuckDB reads a relative path in the sql from the current
folder, not the job's: run the job from its folder, or write such paths absolute. CSV and SDMX-CSV tables escape text that a spreadsheet
would run as a formula (=, +, -, @, tab, carriage return; numbers are as they are) with a leading
single quote; csv_raw: true writes values as they are, for programs.

When the database does not exist, it is built from the embedded default data first.

Exit codes: 0 success; 4 success with warnings (rows rejected for columns the job does not count
as errors); 2 a job file that cannot run (its keys, files or values, an output folder it may not
replace, SQL that DuckDB cannot run or that writes or reads a file the job does not allow),
nothing landed; 3 data refused
(a source file refused whole, or rows rejected for a column the job counts as errors), nothing
landed; 1 a failure of the machine or the database.`,
		Example: `  ictstat run datasets/jobs/wsis20.yaml
  ictstat run datasets/jobs/country-release.yaml --out release-2026/
  ictstat run my-job.yaml --dry-run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			j, err := release.Read(args[0])
			if errors.Is(err, release.ErrInvalid) {
				return &exitError{exitUsage, err}
			}
			if err != nil {
				return err
			}
			w := out(g)
			bar := newStepProgress(g)
			var log io.Writer = jobLines{w}
			if bar.bar != nil && !dryRun {
				log = nil // the steps are listed at the end, under the spinner's line
			}
			res, err := release.Run(cmd.Context(), j, release.Options{Database: g.db, Out: outDir, DryRun: dryRun,
				ToolVersion: Version, Store: g.loadOptions(), Log: log,
				Progress: func(step string) { bar.describe(jobText(step)) }})
			bar.finish()
			if errors.Is(err, release.ErrInvalid) {
				return &exitError{exitUsage, err}
			}
			if errors.Is(err, release.ErrRefused) {
				return &exitError{exitRefused, err}
			}
			if err != nil {
				return err
			}
			if dryRun {
				return nil
			}
			m := res.Manifest
			for _, s := range m.Steps {
				name := jobText(s.Name)
				fmt.Fprintf(w, "  "+say("%s %10d rows %8.2f s"), name+strings.Repeat(" ", max(44-cellWidth(name), 0)), s.Rows, s.Seconds)
				if s.Detail != "" && log == nil {
					fmt.Fprintf(w, "  (%s)", jobText(s.Detail))
				}
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, say("wrote %d files to %s (manifest.json lists them with their SHA-256)\n"), len(m.Outputs)+1, res.Out)
			if len(res.Warnings) > 0 {
				for _, wn := range res.Warnings {
					fmt.Fprintln(w, say("warning:"), jobText(wn))
				}
				return &exitError{exitWarnings, fmt.Errorf("%d warnings", len(res.Warnings))}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&outDir, "out", "", "the output folder (default: the job's output, relative to the current folder)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check the job and say what it would do, changing nothing")
	addAsOf(cmd, g)
	return cmd
}

// jobText is what a job's run said (release.MessageFormats) in the language of --lang.
func jobText(s string) string { return translations.FormatIn(said, translations.JobsArea, s) }

// jobLines writes a run's log to w, each line in the language of --lang.
type jobLines struct{ w io.Writer }

func (l jobLines) Write(p []byte) (int, error) {
	lines := strings.Split(string(p), "\n")
	for i, line := range lines {
		lines[i] = jobText(line)
	}
	if _, err := io.WriteString(l.w, strings.Join(lines, "\n")); err != nil {
		return 0, err
	}
	return len(p), nil
}
