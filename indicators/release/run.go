package release

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/engine/export"
	"github.com/ictstat/ictstat/engine/ingest"
	"github.com/ictstat/ictstat/engine/job"
	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators"
	"github.com/ictstat/ictstat/indicators/compute"
	"github.com/ictstat/ictstat/indicators/figures"
	"github.com/ictstat/ictstat/indicators/report"
	"github.com/ictstat/ictstat/indicators/translations"
)

// ErrRefused marks a run stopped by its data: a source file refused, or rejects of a column the
// job counts as errors. Nothing of the run landed.
var ErrRefused = errors.New("refused")

// Options say how to run a job.
type Options struct {
	Database    string // the database file; built from the embedded default data when missing
	Out         string // the output folder, instead of the job's
	DryRun      bool   // check the job and say what it would do, changing nothing
	ToolVersion string
	Store       store.Options
	Progress    func(step string) // called as each step starts
	Log         io.Writer         // what each step did, one line each; nil: nothing
}

// Result is what a run did.
type Result struct {
	Out      string
	Manifest job.Manifest
	Warnings []string
}

// SDMXDataflow names ictstat's dataflow in SDMX-CSV files.
const SDMXDataflow = "ICTSTAT:DF_ICT(1.0)"

func (o Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}

// Run runs the job. The database and the output folder change only when every step succeeds:
// loads and computations happen on a copy of the database and outputs in a staging folder, and
// both are put in place at the end. First, a run of the same output killed while publishing is
// set right (job.Recover), so that the release matches the database again. An output folder
// that job.CheckFolder refuses, or that holds the database, makes the job invalid before
// anything else runs. The tables' SQL must be one statement that reads, with no access to files
// but the job's allow_files; it is checked before any load (also in a dry run), with the
// columns its formats need (checkSQL). A table refused for any of these, or that DuckDB cannot run, makes the
// job invalid (ErrInvalid).
func Run(ctx context.Context, j *Job, opts Options) (res Result, err error) {
	main := opts.Database
	if j.Database != "" {
		opts.Database = j.Database
	}
	if !j.asOf.IsZero() && opts.Store.AsOf.IsZero() {
		opts.Store.AsOf = j.asOf
	}
	asOf := !opts.Store.AsOf.IsZero()
	if asOf && len(j.Sources) > 0 {
		return res, fmt.Errorf("%w: %s: a job as of a date publishes the data as they were then and loads nothing: move its sources to a job of their own", ErrInvalid, j.Path)
	}
	res.Out = j.OutputDir(opts.Out)
	m := &res.Manifest
	m.Generator = job.Generator
	m.Title, m.ToolVersion, m.StartedAt = j.Title, opts.ToolVersion, time.Now().UTC()
	m.Rejects = map[string]int64{}
	m.Warnings = []string{}
	m.Inputs = []job.Input{}
	if !opts.DryRun && job.Pending(res.Out) {
		err := m.Run("recover the interrupted publishing of "+res.Out, opts.Progress, func(s *job.Step) error {
			did, err := job.Recover(res.Out)
			s.Detail = did
			if did != "" {
				opts.logf("%s", did)
			}
			return err
		})
		if err != nil {
			return res, err
		}
	}
	if err := checkOutput(res.Out, opts.Database); err != nil {
		return res, err
	}
	if m.Job, err = job.HashFile(j.Path); err != nil {
		return res, err
	}
	if opts.DryRun {
		return res, dryRun(ctx, j, opts)
	}

	_, mainErr := os.Stat(main)
	if _, err := os.Stat(opts.Database); errors.Is(err, os.ErrNotExist) && opts.Database != main && mainErr == nil {
		// The job's own database starts as a copy of the main one, which it never changes.
		err := m.Run("copy "+main+" to "+opts.Database, opts.Progress, func(s *job.Step) error {
			s.Detail = fmt.Sprintf("the job's database %s starts from %s, which stays as it is", opts.Database, main)
			return store.CopyDatabase(ctx, main, opts.Database)
		})
		if err != nil {
			return res, err
		}
		opts.logf("copied %s to %s, the job's database", main, opts.Database)
	}
	if _, err := os.Stat(opts.Database); errors.Is(err, os.ErrNotExist) {
		err := m.Run("build the default database", opts.Progress, func(s *job.Step) error {
			outcomes, err := datasets.Build(ctx, opts.Database, datasets.BuildOptions{Store: opts.Store, ToolVersion: opts.ToolVersion})
			for _, o := range outcomes {
				s.Rows += o.RowsLoaded
			}
			if err != nil {
				return err
			}
			st, err := store.Open(ctx, opts.Database, opts.Store)
			if err != nil {
				return err
			}
			if _, err := compute.Run(ctx, st, compute.Options{ToolVersion: opts.ToolVersion}); err != nil {
				st.Close()
				return err
			}
			s.Detail = fmt.Sprintf("%s from the embedded data, %d files", opts.Database, len(outcomes))
			return st.Close()
		})
		if err != nil {
			return res, err
		}
		opts.logf("built %s from the embedded default data", opts.Database)
	}

	// A job that loads nothing and computes nothing only reads; others work on a copy. Either
	// way its SQL reaches no file but the database and those the job allows.
	so := opts.Store
	so.NoExternalAccess, so.AllowedPaths = true, j.allowed
	writes := len(j.Sources) > 0 || (j.Compute != nil && *j.Compute) || j.indicators != ""
	so.OnCopy, so.ReadOnly = writes, !writes
	var st *store.Store
	if asOf {
		// As of a date: computed on a scratch copy, which goes with the run; no database changes.
		so.AsOfComputed, writes = true, false
		st, err = store.OpenScratch(ctx, opts.Database, so)
	} else {
		st, err = store.Open(ctx, opts.Database, so)
	}
	if err != nil && !writes && strings.Contains(err.Error(), "open it once read-write") {
		// An older database: upgrade its schema on a copy, published with the outputs.
		so.OnCopy, so.ReadOnly, writes = true, false, true
		st, err = store.Open(ctx, opts.Database, so)
	}
	if err != nil {
		return res, err
	}
	kept := false
	defer func() {
		if !kept {
			st.Discard()
		}
	}()
	if err := j.checkSQL(ctx, st.DB()); err != nil {
		return res, err
	}

	if j.indicators != "" {
		if err := defineIndicators(ctx, st, m, j, opts); err != nil {
			return res, err
		}
	}
	var loaded []string
	loadedRows := int64(0)
	for i, src := range j.Sources {
		for _, file := range j.files[i] {
			in, err := loadSource(ctx, st, m, src, file, j.Validation, opts)
			if err != nil {
				return res, err
			}
			loadedRows += in.RowsLoaded
			if !slices.Contains(loaded, src.Edition) {
				loaded = append(loaded, src.Edition)
			}
		}
	}
	if err := checkRejects(m, j.Validation); err != nil {
		return res, err
	}
	recompute := loadedRows > 0
	if j.Compute != nil {
		recompute = *j.Compute
	}
	if asOf {
		recompute = true
	}
	if recompute {
		err := m.Run("compute aggregates, gaps and progress", opts.Progress, func(s *job.Step) error {
			sum, err := compute.Run(ctx, st, compute.Options{ToolVersion: opts.ToolVersion, Composition: j.Composition,
				Fill: j.Fill, NowcastTo: j.NowcastTo})
			s.Rows = int64(sum.Aggregates + sum.Gaps + sum.Progress)
			s.Detail = fmt.Sprintf("%d aggregates (%s group composition), %d gap figures, %d progress assessments from %d observations",
				sum.Aggregates, sum.Composition, sum.Gaps, sum.Progress, sum.Observations)
			return err
		})
		if err != nil {
			return res, err
		}
	}
	if c, _, ok, err := st.LastComputation(ctx); err != nil || !ok {
		return res, fmt.Errorf("the database has nothing computed: set compute: true or run 'ictstat compute'")
	} else if j.Composition != "" && c.Composition != j.Composition {
		return res, fmt.Errorf("the database's aggregates use the %s group composition and the job asks for %s: set compute: true or run 'ictstat compute --composition %s'",
			c.Composition, j.Composition, j.Composition)
	}

	outs, err := job.Stage(res.Out)
	if err != nil {
		return res, err
	}
	defer func() {
		if !kept {
			outs.Discard()
		}
	}()
	if err := writeOutputs(ctx, st.DB(), j, outs, m, loaded, opts); err != nil {
		return res, err
	}
	if m.Database, err = databaseRecord(ctx, st.DB(), opts.Database); err != nil {
		return res, err
	}
	m.Outputs = outs.Files()
	m.FinishedAt = time.Now().UTC()
	if _, err := outs.Write("manifest.json", func(w io.Writer) (int64, error) { return 0, m.Write(w) }); err != nil {
		return res, err
	}
	// Everything is ready. The outputs are swapped in first, the previous release kept aside;
	// then the database is published when the run changed it (checkpointed first, so that
	// little is left to do); if that fails, the previous release is put back. Either both land
	// or neither does: a journal beside the output folder lets the next run set things right
	// if this one is killed in between.
	if writes {
		if _, err := st.DB().ExecContext(ctx, "CHECKPOINT"); err != nil {
			return res, err
		}
		work, err := openFile(ctx, st.DB())
		if err != nil {
			return res, err
		}
		if err := outs.Journal(opts.Database, work); err != nil {
			return res, err
		}
	}
	if err := outs.Swap(); err != nil {
		return res, fmt.Errorf("publish %s: %w", res.Out, err)
	}
	kept = true
	if publishing != nil {
		publishing("swapped")
	}
	publishDB := st.Close
	if !writes {
		publishDB = st.Discard
	}
	if err := publishDB(); err != nil {
		err = fmt.Errorf("publish %s: %w; the database and %s are as they were", opts.Database, err, res.Out)
		if derr := outs.Discard(); derr != nil {
			err = fmt.Errorf("publish %s: the database is as it was, but %s holds this run's outputs: %v", opts.Database, res.Out, derr)
		}
		return res, err
	}
	if publishing != nil {
		publishing("published")
	}
	res.Warnings = m.Warnings
	if err := outs.Commit(); err != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the previous release could not be removed (the next run of %s removes it): %v", res.Out, err))
	}
	return res, nil
}

// publishing, when tests set it, is called after the outputs are swapped in ("swapped") and
// after the database is published ("published"), where a run can be stopped as a kill would.
var publishing func(point string)

// openFile is the file the database is open from: for a store opened OnCopy, its working copy.
func openFile(ctx context.Context, db *sql.DB) (string, error) {
	var path string
	err := db.QueryRowContext(ctx, `SELECT path FROM duckdb_databases() WHERE database_name = current_database()`).Scan(&path)
	return path, err
}

// checkOutput refuses, as an invalid job, an output folder that a run may not replace
// (job.CheckFolder) or that holds the database.
func checkOutput(out, database string) error {
	if err := job.CheckFolder(out); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	dir, err1 := filepath.Abs(out)
	db, err2 := filepath.Abs(database)
	if err1 == nil && err2 == nil && strings.HasPrefix(db, dir+string(filepath.Separator)) {
		return fmt.Errorf("%w: the database %s is inside the output folder %s, which ictstat replaces whole: keep them apart", ErrInvalid, database, out)
	}
	return nil
}

// loadSource loads one source file and records it in the manifest.
func loadSource(ctx context.Context, st *store.Store, m *job.Manifest, src Source, file string, v Validation, opts Options) (job.Input, error) {
	var in job.Input
	released := time.Now().UTC().Truncate(24 * time.Hour)
	if src.Released != "" {
		released, _ = time.Parse(time.DateOnly, src.Released)
	} else if t, ok := store.ReleaseFromLabel(src.Edition); ok {
		released = t
	}
	rate := DefaultMaxRejectRate
	if v.MaxRejectRate != nil {
		rate = *v.MaxRejectRate
		if rate == 0 {
			rate = load.NoRejects
		}
	}
	read := ingest.Options{Format: src.Format, Sheet: src.Sheet, Columns: src.Columns}
	if src.Indicator != "" {
		read.Constants = map[string]string{"indicator": src.Indicator}
	}
	err := m.Run("load "+filepath.Base(file), opts.Progress, func(s *job.Step) error {
		out, err := load.File(ctx, st, file, load.Options{Read: read, MaxRejectRate: rate, ToolVersion: opts.ToolVersion, ReplacesSeries: src.ReplacesSeries,
			Edition: store.Edition{Label: src.Edition, Released: released, Description: src.Description, Citation: src.Citation, Licence: src.Licence}})
		if err != nil {
			if load.IsRefused(err) {
				if hint := indicators.UnknownHint(out.FirstRejects); hint != "" {
					err = fmt.Errorf("%v; %s, or with the job key indicators: FILE", err, hint)
				}
				return fmt.Errorf("%w: %v", ErrRefused, err)
			}
			return fmt.Errorf("%s: %w", file, err)
		}
		h, err := job.HashFile(file)
		if err != nil {
			return err
		}
		in = job.Input{File: h, Edition: src.Edition, Batch: out.Batch, Skipped: out.Skipped,
			RowsRead: out.RowsRead, RowsLoaded: out.RowsLoaded, RowsRejected: out.RowsRejected}
		s.Rows = out.RowsLoaded
		s.Detail = fmt.Sprintf("%d rows read, %d loaded, %d rejected, edition %s", out.RowsRead, out.RowsLoaded, out.RowsRejected, src.Edition)
		if out.Skipped {
			s.Detail = "loaded before into edition " + src.Edition + ": unchanged"
		}
		opts.logf("%s: %s", file, s.Detail)
		if out.RowsRejected > 0 && !out.Skipped {
			return countRejects(ctx, st.DB(), out.Batch, m.Rejects)
		}
		return nil
	})
	m.Inputs = append(m.Inputs, in)
	return in, err
}

// countRejects adds a batch's rejects, by column, to counts.
func countRejects(ctx context.Context, db *sql.DB, batch int, counts map[string]int64) error {
	return store.ScanRows(ctx, db, `SELECT coalesce(lower("column"), 'row'), count(*) FROM rejects WHERE batch = ? GROUP BY ALL`,
		func(r *sql.Rows) error {
			var col string
			var n int64
			if err := r.Scan(&col, &n); err != nil {
				return err
			}
			if !slices.Contains(RejectColumns, col) {
				col = "value" // a value column named by its indicator (wide files)
			}
			counts[col] += n
			return nil
		}, batch)
}

// checkRejects fails the run for rejects of an error column and records the others as warnings.
func checkRejects(m *job.Manifest, v Validation) error {
	cols := make([]string, 0, len(m.Rejects))
	for c := range m.Rejects {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	var errs []string
	for _, c := range cols {
		msg := fmt.Sprintf("%d rows rejected for their %s", m.Rejects[c], c)
		if c == "indicator" {
			msg += " (indicators the catalogue lacks can be defined with the job key indicators: FILE)"
		}
		if c == "row" {
			msg = fmt.Sprintf("%d rows rejected whole (malformed records)", m.Rejects[c])
		}
		if slices.Contains(v.Errors, c) {
			errs = append(errs, msg)
		} else {
			m.Warnings = append(m.Warnings, msg+" (see the rejects view)")
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s, which the job counts as errors", ErrRefused, strings.Join(errs, "; "))
	}
	return nil
}

// writeOutputs writes the tables, charts and scorecard into the staging folder.
func writeOutputs(ctx context.Context, db *sql.DB, j *Job, outs *job.Outputs, m *job.Manifest, loaded []string, opts Options) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var book []export.Table
	for _, t := range j.Tables {
		et := export.Table{Name: t.Name, Title: t.Title, SQL: t.SQL}
		if t.SQL == "" {
			et = j.builtin(t.Name, loaded)
			if t.Title != "" {
				et.Title = t.Title
			}
		}
		et.CSVRaw = j.CSVRaw
		err := m.Run("table "+t.Name, opts.Progress, func(s *job.Step) error {
			for _, f := range t.Formats {
				if f == "xlsx" {
					book = append(book, et)
					continue
				}
				file, err := outs.Write("tables/"+t.Name+export.Ext(f), func(w io.Writer) (int64, error) {
					if f == "sdmx-csv" {
						return export.WriteSDMX(ctx, conn, et, SDMXDataflow, w)
					}
					return export.Write(ctx, conn, et, f, w)
				})
				if err != nil {
					return err
				}
				s.Rows = file.Rows
			}
			return nil
		})
		if err != nil {
			return j.sqlError(err)
		}
	}
	if len(book) > 0 {
		err := m.Run("workbook tables.xlsx", opts.Progress, func(s *job.Step) error {
			file, err := outs.Write("tables/tables.xlsx", func(w io.Writer) (int64, error) {
				return writeWorkbook(ctx, conn, j, book, w)
			})
			s.Rows = file.Rows
			return err
		})
		if err != nil {
			return j.sqlError(err)
		}
	}
	if len(j.charts) > 0 {
		err := m.Run("charts", opts.Progress, func(s *job.Step) error {
			src := figures.NewSource(db)
			for _, c := range j.charts {
				b, err := src.Draw(ctx, c, "", 0)
				if err != nil {
					return fmt.Errorf("%s, line %d: %w", j.Path, c.Line, err)
				}
				if _, err := outs.Write("charts/"+c.File, func(w io.Writer) (int64, error) { _, err := w.Write(b); return 0, err }); err != nil {
					return err
				}
				s.Rows++
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if sc := j.Scorecard; sc != nil {
		err := m.Run("scorecard", opts.Progress, func(s *job.Step) error {
			file, err := outs.Write(sc.File, func(w io.Writer) (int64, error) { return writeScorecard(ctx, db, j, sc.Entities, w) })
			s.Rows = file.Rows
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// writeWorkbook writes the XLSX tables and a notes sheet on the sources.
func writeWorkbook(ctx context.Context, conn *sql.Conn, j *Job, tables []export.Table, w io.Writer) (int64, error) {
	var released time.Time
	var notes [][]string
	notes = append(notes, []string{"", ""}, []string{"Source", "Source: ITU. Computed by ictstat from the editions below."})
	editions, err := store.EditionSources(ctx, conn)
	if err != nil {
		return 0, err
	}
	for _, e := range editions {
		if e.Released.After(released) {
			released = e.Released
		}
		notes = append(notes, []string{"Edition " + e.Edition, fmt.Sprintf("%s, released %s, %d files loaded; %s", e.Citation, e.Released.Format(time.DateOnly), e.Files, e.LicenceText())})
	}
	b, err := export.NewWorkbook(j.Title, "ictstat", released)
	if err != nil {
		return 0, err
	}
	var rows int64
	for _, t := range tables {
		n, err := b.AddTable(ctx, conn, t)
		if err != nil {
			return rows, err
		}
		rows += n
		notes = append(notes, []string{"Sheet " + t.Name, fmt.Sprintf("%s (%d rows)", t.Title, n)})
	}
	notes[0] = []string{j.Title, ""}
	if s := selectionText(j.Select); s != "" {
		notes = append(notes, []string{"Selection", s})
	}
	notes = append(notes, []string{"Columns", "docs/sql.md of ictstat describes every column."})
	if err := b.AddNotes("Notes", notes); err != nil {
		return rows, err
	}
	return rows, b.Write(w)
}

func selectionText(s Selection) string {
	var parts []string
	if len(s.Entities) > 0 {
		parts = append(parts, "entities "+strings.Join(s.Entities, ", "))
	}
	if len(s.Indicators) > 0 {
		parts = append(parts, "indicators "+strings.Join(s.Indicators, ", "))
	}
	if len(s.Frameworks) > 0 {
		parts = append(parts, "frameworks "+strings.Join(s.Frameworks, ", "))
	}
	if s.From != 0 || s.To != 0 {
		parts = append(parts, fmt.Sprintf("years %d–%d", s.From, s.To))
	}
	return strings.Join(parts, "; ")
}

// writeScorecard writes the Geneva-targets scorecard of each entity as Markdown.
func writeScorecard(ctx context.Context, db *sql.DB, j *Job, entities []string, w io.Writer) (int64, error) {
	tr, err := j.words()
	if err != nil {
		return 0, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n", j.Title, tr.UI("The WSIS Geneva Plan of Action's indicative targets (2003, deadline 2015), as the data measure them."))
	var rows int64
	for _, e := range entities {
		card, err := report.Scorecard(ctx, db, e)
		if err != nil {
			return rows, fmt.Errorf("scorecard of %s: %w", e, err)
		}
		fmt.Fprintf(&b, "\n## %s\n\n| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n", e,
			tr.UI("target"), tr.UI("measure"), tr.UI("baseline"), tr.UI("latest"), tr.UI("status"), tr.UI("met"))
		for _, r := range card {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.Target, mdCell(figures.MeasureName(tr, r.Measure, r.Indicator)),
				yearValue(r.BaselineYear, r.Baseline), yearValue(r.LatestYear, r.Latest), tr.Key(translations.StatusKey(r.Status), r.Status),
				year(r.MetYear))
			rows++
		}
	}
	src, err := figures.ScorecardSourceIn(ctx, db, tr)
	if err != nil {
		return rows, err
	}
	b.WriteString("\n" + src + " " + tr.UI("Computed by ictstat.") + "\n")
	_, err = io.WriteString(w, b.String())
	return rows, err
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func yearValue(y int, v float64) string {
	if y == 0 || math.IsNaN(v) {
		return ""
	}
	return fmt.Sprintf("%.1f (%d)", v, y)
}

func year(y int) string {
	if y == 0 {
		return ""
	}
	return fmt.Sprint(y)
}

// databaseRecord is what the manifest says of the database: its file, schema, editions and the
// computation the outputs come from.
func databaseRecord(ctx context.Context, db *sql.DB, path string) (map[string]any, error) {
	rec := map[string]any{"path": path, "schema_version": store.SchemaVersion()}
	sources, err := store.EditionSources(ctx, db)
	if err != nil {
		return nil, err
	}
	editions := make([]string, len(sources))
	licences := map[string]any{}
	for i, e := range sources {
		editions[i] = e.Edition
		licences[e.Edition] = nil
		if e.Licence != "" {
			licences[e.Edition] = e.Licence
		}
	}
	rec["editions"] = editions
	rec["licences"] = licences
	var obs, batches int64
	var computed time.Time
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM observations), (SELECT count(*) FROM batches),
		(SELECT max(computed_at) FROM computations)`).Scan(&obs, &batches, &computed); err != nil {
		return nil, err
	}
	rec["observations"], rec["batches"], rec["computed_at"] = obs, batches, computed.UTC()
	var asOf sql.NullTime
	if err := db.QueryRowContext(ctx, `SELECT as_of FROM computations ORDER BY computation_id DESC LIMIT 1`).Scan(&asOf); err != nil {
		return nil, err
	}
	if asOf.Valid {
		rec["as_of"] = asOf.Time.Format(time.DateOnly) // the data as published on this date
	}
	return rec, nil
}

// dryRun checks the tables' SQL on the database, opened read-only, and says what the job would
// do.
func dryRun(ctx context.Context, j *Job, opts Options) error {
	out := j.OutputDir(opts.Out)
	if _, err := os.Stat(opts.Database); err != nil {
		opts.logf("%s: the job is valid; its tables' SQL is checked once the database is built", j.Path)
		opts.logf("would build %s from the embedded default data", opts.Database)
	} else {
		so := opts.Store
		so.ReadOnly, so.OnCopy, so.NoExternalAccess, so.AllowedPaths = true, false, true, j.allowed
		st, err := store.Open(ctx, opts.Database, so)
		if err != nil && strings.Contains(err.Error(), "open it once read-write") {
			opts.logf("%s: the job is valid; its tables' SQL is checked when it runs, once the database's schema is upgraded", j.Path)
			return dryRunSteps(j, opts, out)
		}
		if err != nil {
			return err
		}
		err = j.checkSQL(ctx, st.DB())
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		opts.logf("%s: the job is valid", j.Path)
	}
	return dryRunSteps(j, opts, out)
}

// dryRunSteps says what the job would do, into the output folder out.
func dryRunSteps(j *Job, opts Options, out string) error {
	if job.Pending(out) {
		opts.logf("would first set right the publishing of %s, which a killed run left unfinished: its release is made to match the database", out)
	}
	if j.indicators != "" {
		opts.logf("would define the indicators of %s", j.indicators)
	}
	for i, s := range j.Sources {
		for _, f := range j.files[i] {
			opts.logf("would load %s as edition %s", f, s.Edition)
		}
	}
	for _, t := range j.Tables {
		opts.logf("would write table %s as %s", t.Name, strings.Join(t.Formats, ", "))
	}
	for _, c := range j.charts {
		opts.logf("would draw charts/%s", c.File)
	}
	if j.Scorecard != nil {
		opts.logf("would write %s", j.Scorecard.File)
	}
	opts.logf("into %s", out)
	return nil
}

// defineIndicators adds the indicators of the job's definitions file to the catalogue, and
// records the file with its SHA-256 in the manifest. Definitions that differ from those of
// indicators defined before are refused (the job does not replace them: ictstat indicator define
// --replace does).
func defineIndicators(ctx context.Context, st *store.Store, m *job.Manifest, j *Job, opts Options) error {
	return m.Run("define indicators "+filepath.Base(j.indicators), opts.Progress, func(s *job.Step) error {
		h, err := job.HashFile(j.indicators)
		if err != nil {
			return err
		}
		done, err := indicators.Define(ctx, st, j.indicators, false)
		if errors.Is(err, indicators.ErrDefinitions) {
			return fmt.Errorf("%w: %s, indicators: %v", ErrInvalid, j.Path, err)
		}
		if err != nil {
			return err
		}
		s.Rows = int64(len(done.Added))
		s.Detail = fmt.Sprintf("%s (sha256 %s): %d defined, %d unchanged", j.indicators, h.SHA256, len(done.Added), len(done.Unchanged))
		opts.logf("%s", s.Detail)
		return nil
	})
}
