package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/engine/notebook"
	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/figures"
	"github.com/ictstat/ictstat/indicators/translations"
)

func newNotebook(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notebook",
		Short: "Render executable Markdown notebooks of SQL, charts and prose",
	}
	var params, allowFiles []string
	var output, lang, digits string
	render := &cobra.Command{
		Use:   "render FILE.md -o report.html|report.md [-p key=value ...] [--lang LANG] [--digits native|western]",
		Short: "Run a notebook against the database and write one self-contained HTML file, or Markdown with PNG figures",
		Long: `Run every block of a notebook in order and write the report.

A notebook is Markdown. Front matter between --- lines gives its title and parameters with their
defaults (params: {economy: KEN, from: 2005}); -p key=value changes them. Blocks fenced as
` + "```sql" + ` run against the database's views (docs/sql.md) and show their result as a table;
` + "```sql name=latest" + ` keeps it under that name, as a table later blocks can query and as values
the prose can quote; rows=N shows N rows (0 hides the table). Blocks fenced as ` + "```chart" + ` hold a
chart spec in YAML (the keys of ictstat chart --spec, without file) and show the figure.

{{economy}} is a parameter and {{latest.value}} the value of the first row of latest; {{latest.value | 1}}
rounds it to 1 decimal and {{latest.rows}} counts its rows. In SQL, references are bound as query
parameters, never pasted into the text.

The HTML file holds its styles and its figures (inline SVG), a table of contents, the render date,
the parameters, and the data sources and editions. With -o FILE.md, figures are PNG files in a
folder beside it (FILE_files/). A failing block stops the render with its line and the error, and
nothing is written. Values from the database and from -p are written as text in both forms: <, >
and & are escaped, and | and \ in Markdown. -o may not be the notebook or the database file.

A sql block is one query that reads, as 'ictstat serve' accepts, and it reads the database only:
no other file, no network, no extension. --allow-files PATH lets the blocks read a file or the
files of a folder (repeatable), by its path relative to the current folder or absolute.

--lang LANG writes the report in ar (Arabic), fa (Persian), fr, es, ru or zh instead of en
(English): the headers of the tables, the names of indicators, economies, groups, targets and
statuses that queries return, the figures, the notes and the page's own words are translated
(indicators/translations), and the page has the language's direction (right to left in Arabic
and Persian). The prose is the notebook's: when a translated notebook exists beside it, with the
language before .md (notebooks/wsis20.fa.md for notebooks/wsis20.md), it is rendered instead; it
must have the same parameters and the same sql and chart blocks, unchanged and in the same order.
Without one, the English prose is kept and the page says so. The page says how many of its
strings are unreviewed translations. --digits native writes numbers in the language's own digits
(Arabic-Indic in Arabic, Persian in Persian); western (the default) writes 0-9.`,
		Example: `  ictstat notebook render notebooks/wsis20.md -o wsis20.html
  ictstat notebook render notebooks/gender-divide.md -p region=ITU_AFR -o gender-africa.html
  ictstat notebook render notebooks/rural-connectivity.md -o rural.md
  ictstat notebook render survey.md --allow-files data/survey-2025.parquet -o survey.html
  ictstat notebook render notebooks/wsis20.md --lang fa -o wsis20.fa.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" {
				return usageError("-o FILE.html or FILE.md is required")
			}
			ext := strings.ToLower(filepath.Ext(output))
			if ext != ".html" && ext != ".md" {
				return usageError("-o must end in .html or .md, not %s", output)
			}
			if err := checkReportFile(output, args[0], g.db); err != nil {
				return usageError("%v", err)
			}
			overrides := map[string]string{}
			for _, p := range params {
				k, v, ok := strings.Cut(p, "=")
				if !ok || k == "" {
					return usageError("-p %q: write key=value", p)
				}
				overrides[k] = v
			}
			language, err := notebook.Language(lang)
			if err != nil {
				return usageError("--lang: %v", err)
			}
			if err := translations.CheckDigits(digits); err != nil {
				return usageError("--digits: %v", err)
			}
			nb, err := readNotebook(args[0], language.Code)
			if err != nil {
				return usageError("%v", err)
			}
			for k := range overrides {
				if _, ok := nb.Params[k]; !ok {
					return usageError("%s has no parameter %q (it has %s)", args[0], k, strings.Join(nb.ParamNames(), ", "))
				}
			}
			for _, p := range allowFiles {
				if _, err := os.Stat(p); err != nil {
					return usageError("--allow-files: %v", err)
				}
			}
			opts := g.storeOptions(true)
			opts.NoExternalAccess, opts.AllowedPaths = true, allowFiles
			st, err := store.Open(cmd.Context(), g.db, opts)
			if err != nil {
				return err
			}
			defer st.Close()
			switch _, since, ok, err := st.LastComputation(cmd.Context()); {
			case err != nil:
				return err
			case !ok:
				return fmt.Errorf("nothing computed yet: run 'ictstat compute'")
			case since > 0 && !g.quiet:
				fmt.Fprintf(os.Stderr, say("ictstat: %s loaded after the last computation; run 'ictstat compute' to bring the results up to date\n"), batchesLoaded(since))
			}
			rep, err := renderNotebookIn(cmd.Context(), st, nb, overrides, ext == ".md", language.Code, digits)
			var be *notebook.Error
			if errors.As(err, &be) {
				return usageError("%v%s", err, refusedHint(err))
			}
			if err != nil {
				return err
			}
			if ext == ".html" {
				err = writeFileAtomic(output, rep.WriteHTML)
			} else {
				err = writeMarkdownReport(rep, output)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(out(g), say("wrote %s (%d blocks)\n"), output, len(rep.Results))
			return nil
		},
	}
	render.Flags().StringArrayVarP(&params, "param", "p", nil, "set a parameter: key=value (repeatable)")
	render.Flags().StringVarP(&output, "output", "o", "", "the report: FILE.html, or FILE.md with its figures in FILE_files/")
	render.Flags().StringArrayVar(&allowFiles, "allow-files", nil, "let the sql blocks read this file, or the files of this folder (repeatable)")
	render.Flags().StringVar(&lang, "lang", "en", "the language of the report: en, ar, fa, fr, es, ru or zh; a translated notebook FILE.<lang>.md beside FILE.md is rendered instead when there is one")
	render.Flags().StringVar(&digits, "digits", "western", "the digits of numbers: native (the language's own, in Arabic and Persian) or western (0-9)")
	cmd.AddCommand(render)
	return cmd
}

// checkReportFile refuses a report file output that is the notebook or the database file, by
// another name or through symbolic links too: the report would replace it.
func checkReportFile(output, notebook, database string) error {
	out, err := os.Stat(output)
	if err != nil {
		return nil // a new file
	}
	for _, f := range []struct{ what, path string }{{"the notebook", notebook}, {"the database", database}} {
		if info, err := os.Stat(f.path); err == nil && os.SameFile(out, info) {
			return fmt.Errorf("-o %s is %s %s, which the report would replace: give the report a file of its own", output, f.what, f.path)
		}
	}
	return nil
}

// refusedHint says how to let a notebook do what a block was refused, when it was.
func refusedHint(err error) string {
	var qe *query.Error
	if !errors.As(err, &qe) || qe.Kind != query.Refused {
		return ""
	}
	return "\na sql block is one query that reads the database (SELECT or WITH), and reads no file unless the render allows it: --allow-files PATH"
}

// readNotebook reads the notebook at path for a report in lang: its translation into lang
// (notebook.TranslationPath) when there is one, which must keep the notebook's parameters and
// blocks; else the notebook itself.
func readNotebook(path, lang string) (*notebook.Notebook, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	nb, err := notebook.Parse(path, src)
	if err != nil {
		return nil, err
	}
	if lang == translations.Source || notebook.ProseLanguage(path) != translations.Source {
		return nb, nil
	}
	tpath := notebook.TranslationPath(path, lang)
	tsrc, err := os.ReadFile(tpath)
	if errors.Is(err, fs.ErrNotExist) {
		return nb, nil
	}
	if err != nil {
		return nil, err
	}
	tr, err := notebook.Parse(tpath, tsrc)
	if err != nil {
		return nil, err
	}
	if err := notebook.SameDirectives(nb, tr); err != nil {
		return nil, err
	}
	return tr, nil
}

// renderNotebook runs nb against the store, with charts from the figures package and notes on
// the editions of the data, in English.
func renderNotebook(ctx context.Context, st *store.Store, nb *notebook.Notebook, params map[string]string, png bool) (*notebook.Report, error) {
	return renderNotebookIn(ctx, st, nb, params, png, translations.Source, "")
}

// renderNotebookIn renders nb as renderNotebook does, in lang with digits ("native" or
// "western"): the figures, the notes and the report's words are translated by one Words, which
// counts the unreviewed translations of the whole page.
func renderNotebookIn(ctx context.Context, st *store.Store, nb *notebook.Notebook, params map[string]string, png bool, lang, digits string) (*notebook.Report, error) {
	var words *translations.Words
	var charts notebook.Charts = figures.Charts{Source: figures.NewSource(st.DB())}
	if lang != translations.Source && lang != "" {
		cat, err := translations.Default()
		if err != nil {
			return nil, err
		}
		words = cat.For(lang)
		charts = notebookCharts{src: figures.NewSource(st.DB()), lang: lang, digits: digits}
	}
	notes, err := editionNotesIn(ctx, st.DB(), notebookWords(nb, params), words)
	if err != nil {
		return nil, err
	}
	return notebook.Run(ctx, nb, notebook.Options{DB: st.DB(), Params: params, Date: time.Now(), PNG: png,
		Charts: charts, Notes: notes, Lang: lang, Digits: digits, Words: words})
}

// notebookCharts draws a notebook's charts, as figures.Charts does, in a language: every figure
// request carries the language and the digits.
type notebookCharts struct {
	src          *figures.Source
	lang, digits string
}

func (c notebookCharts) Draw(ctx context.Context, spec []byte, format string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("%w: %s", figures.ErrRequest, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: a chart is a mapping of keys to values", figures.ErrRequest)
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "file" {
			return nil, fmt.Errorf("%w: line %d: unknown key \"file\" in a chart", figures.ErrRequest, m.Content[i].Line)
		}
	}
	// The file names the format only.
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "file"}, &yaml.Node{Kind: yaml.ScalarNode, Value: "chart." + format})
	specs, err := figures.DecodeSpecs([]yaml.Node{*m})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", figures.ErrRequest, err)
	}
	s := specs[0]
	size, err := s.ChartSize("", 0)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", figures.ErrRequest, err)
	}
	req := s.Request()
	req.Lang, req.Digits = c.lang, c.digits
	fig, err := c.src.Build(ctx, req)
	if err != nil {
		return nil, err
	}
	if s.Size == "" {
		d := chart.DefaultSizeFor(fig)
		size.Width, size.Height, size.Unit = d.Width, d.Height, d.Unit
	}
	var buf bytes.Buffer
	if err := chart.Render(fig, format, size, &buf); err != nil {
		return nil, fmt.Errorf("%w: %v", figures.ErrRequest, err)
	}
	return buf.Bytes(), nil
}

// codeWord is a word that may be an indicator code.
var codeWord = regexp.MustCompile(`[a-z][a-z0-9_]*`)

// notebookWords are the words of nb's queries and charts and of its parameters' values (params
// over the defaults): among them the codes of the indicators it reads.
func notebookWords(nb *notebook.Notebook, params map[string]string) []string {
	var text []string
	for _, b := range nb.Blocks {
		if b.Kind != "markdown" {
			text = append(text, b.Text)
		}
	}
	for k, v := range nb.Params {
		if p, ok := params[k]; ok {
			v = p
		}
		text = append(text, v)
	}
	for k, v := range params {
		if _, ok := nb.Params[k]; !ok {
			text = append(text, v)
		}
	}
	return codeWord.FindAllString(strings.Join(text, " "), -1)
}

// editionNotes are the lines on the data's sources: the attribution and the editions with their
// citation and release date. When words name indicators (notebookWords), only the editions with
// observations of them or of the population (the weights of the aggregates) are listed; else
// every edition.
func editionNotes(ctx context.Context, db *sql.DB, words []string) ([]string, error) {
	return editionNotesIn(ctx, db, words, nil)
}

// editionNotesIn are editionNotes with the words of the notes translated by tr (nil: English).
func editionNotesIn(ctx context.Context, db *sql.DB, words []string, tr *translations.Words) ([]string, error) {
	ui := func(s string) string {
		if tr == nil {
			return s
		}
		return tr.UI(s)
	}
	notes := []string{ui("Source: ITU. Computed with ictstat from the editions below; aggregates are ictstat's population-weighted means unless a source published them.")}
	editions, err := store.EditionSources(ctx, db)
	if err != nil {
		return nil, err
	}
	var named int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM indicators WHERE list_contains($1, indicator)`, words).Scan(&named); err != nil {
		return nil, err
	}
	used := map[string]bool{}
	err = store.ScanRows(ctx, db, `SELECT DISTINCT edition FROM observations
		WHERE list_contains($1, indicator) OR indicator = 'population'`,
		func(r *sql.Rows) error {
			var e string
			err := r.Scan(&e)
			used[e] = true
			return err
		}, words)
	if err != nil {
		return nil, err
	}
	for _, e := range editions {
		if named > 0 && !used[e.Edition] {
			continue
		}
		files := plural(e.Files, "file", "files")
		if tr != nil && e.Files == 1 {
			files = fmt.Sprintf(ui("%d file"), e.Files)
		} else if tr != nil {
			files = fmt.Sprintf(ui("%d files"), e.Files)
		}
		notes = append(notes, fmt.Sprintf(ui("%s: %s, released %s (%s); %s"), e.Edition, e.Citation, e.Released.Format(time.DateOnly),
			files, e.LicenceText()))
	}
	return notes, nil
}

// writeMarkdownReport writes the Markdown report and its figures in FILE_files/ beside it.
func writeMarkdownReport(rep *notebook.Report, output string) error {
	dir := strings.TrimSuffix(filepath.Base(output), filepath.Ext(output)) + "_files"
	var buf bytes.Buffer
	images, err := rep.WriteMarkdown(&buf, dir)
	if err != nil {
		return err
	}
	if len(images) > 0 {
		full := filepath.Join(filepath.Dir(output), dir)
		if err := os.MkdirAll(full, 0o755); err != nil {
			return err
		}
		var paths []string
		var data [][]byte
		for name, b := range images {
			paths = append(paths, filepath.Join(full, name))
			data = append(data, b)
		}
		for i, p := range paths {
			if err := writeFileAtomic(p, func(w io.Writer) error { _, err := w.Write(data[i]); return err }); err != nil {
				return err
			}
		}
	}
	return writeFileAtomic(output, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
}
