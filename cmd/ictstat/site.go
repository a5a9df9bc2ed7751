package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/explorer"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/translations"
)

// siteMarker is the file a site build leaves in its folder: it lists the files the build wrote,
// so that a later build may write into the folder and remove what it no longer writes.
const siteMarker = ".ictstat-site.json"

type siteManifest struct {
	Generator string   `json:"generator"`
	Version   string   `json:"version"`
	Files     []string `json:"files"`
}

func newSite(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "site",
		Short: "Write the explorer as a static site",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError("give a subcommand: ictstat site build --out DIR")
		},
	}
	cmd.AddCommand(newSiteBuild(g))
	return cmd
}

func newSiteBuild(g *globals) *cobra.Command {
	var (
		out                  string
		indicators, entities []string
		force                bool
	)
	cmd := &cobra.Command{
		Use:   "build --out DIR",
		Short: "Write the explorer with its data as static files",
		Long: `Write the explorer that 'ictstat serve' serves at / as static files, with its data, into DIR:
it works from any static web host and opened from disk (DIR/index.html). docs/explorer.md
describes the page and its data.

  index.html                the page, in English
  index.CODE.html           the page in another language: index.ar.html, index.fa.html,
                            index.fr.html, index.es.html, index.ru.html, index.zh.html
  assets/                   its script and style, and the JavaScript libraries it uses
  data/catalogue.js         the indicators, economies, groups, targets and editions
  data/boundaries.js        the countries' boundaries the map draws (world-atlas, TopoJSON)
  data/indicator-X.js       each indicator's values and projections toward its targets
  data/indicator-X.csv      the same values as CSV, and as XLSX with a sheet "sources" naming
  data/indicator-X.xlsx     each edition's citation and licence
  data/progress-F.js        each target framework's progress assessments
  data/strings/CODE.js      the page's words and the data's names in each language
  LICENSES.md               the licences of the JavaScript and of every edition's data

Indicator and framework codes are written into file names with every character but a-z, 0-9, _
and - replaced by ~ and its UTF-8 bytes in hex (docs/explorer.md). By default the site holds
every indicator with data and every economy and group; --indicators and --entities narrow it.
With --as-of DATE the data are those published on that date, and the aggregates and progress
are computed as of it (about 20 seconds), leaving the database as it is.

DIR is created if it does not exist. A build writes into an empty folder or into one a previous
build wrote (it leaves ` + siteMarker + ` there, listing its files), and then removes
the files of the previous build that this one does not write; any other non-empty folder is
refused unless --force, and then only the site's own files are written into it. Files a build
did not write are never removed. Progress goes to standard error (-q: none).`,
		Example: `  ictstat site build --out site/
  ictstat site build --out site-kenya/ --indicators internet_use_pct,mobile_phone_ownership_pct --entities KEN,WLD,ITU_AFR,LMC
  ictstat site build --as-of 2025-08-01 --out site-2025-08/      # the data as published then`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageError("--out DIR is required: the folder to write the site to")
			}
			return buildSite(cmd, g, out, indicators, entities, force)
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "the folder to write the site to")
	f.StringSliceVar(&indicators, "indicators", nil, "only these indicators, by code, comma-separated (default: every indicator with data)")
	f.StringSliceVar(&entities, "entities", nil, "only these economies and groups, comma-separated: ISO3 or group codes in any case, M49 codes or names (default: all)")
	f.BoolVar(&force, "force", false, "write into a non-empty folder that no site build made (its other files are kept)")
	addAsOf(cmd, g)
	return cmd
}

// siteFile is a file of the site, its path relative to the site's folder.
type siteFile struct {
	path string
	data []byte
}

// buildSite writes the site into dir.
func buildSite(cmd *cobra.Command, g *globals, dir string, indicators, entities []string, force bool) error {
	ctx := cmd.Context()
	previous, err := checkSiteDir(dir, force)
	if err != nil {
		return err
	}
	st, err := openResults(cmd, g, "")
	if err != nil {
		return err
	}
	defer st.Close()
	opts := explorer.Options{AsOf: g.asOfDate}
	all := explorer.NewSource(st.DB(), opts)
	// The indicators and entities asked for, checked and named by their ictstat codes.
	if len(indicators) > 0 {
		if opts.Indicators, err = all.IndicatorCodes(ctx, indicators); err != nil {
			return siteRequestError("--indicators", err)
		}
	}
	if len(entities) > 0 {
		if opts.Entities, err = siteEntities(cmd, st.DB(), all, entities); err != nil {
			return err
		}
	}
	src := explorer.NewSource(st.DB(), opts)
	cat, err := src.Catalogue(ctx)
	if err != nil {
		return err
	}
	for _, code := range opts.Indicators {
		if !slices.ContainsFunc(cat.Indicators, func(in explorer.CatalogueIndicator) bool { return in.Code == code }) {
			return usageError("--indicators: %s has no data in the database", code)
		}
	}
	fws, err := src.Frameworks(ctx)
	if err != nil {
		return err
	}

	// The files the site will have, recorded before any is written, with the previous build's,
	// so that a build cut short leaves a folder the next build recognises as its own.
	planned := []string{"index.html"}
	for _, p := range explorer.AssetPaths() {
		if p != "index.html" {
			planned = append(planned, "assets/"+p)
		}
	}
	planned = append(planned, "data/catalogue.js", "data/boundaries.js")
	for _, l := range translations.Languages {
		if page := explorer.SitePageName(l.Code); page != "index.html" {
			planned = append(planned, page)
		}
		planned = append(planned, "data/strings/"+explorer.SafeName(l.Code)+".js")
	}
	for _, in := range cat.Indicators {
		name := "data/indicator-" + explorer.SafeName(in.Code)
		planned = append(planned, name+".js", name+".csv", name+".xlsx")
	}
	for _, fw := range fws {
		planned = append(planned, "data/progress-"+explorer.SafeName(fw)+".js")
	}
	planned = append(planned, "LICENSES.md")
	union := slices.Clone(planned)
	for _, p := range previous {
		if !slices.Contains(union, p) {
			union = append(union, p)
		}
	}
	if err := writeSiteManifest(dir, union); err != nil {
		return err
	}

	var size int64
	var count int
	write := func(path string, data []byte) error {
		size += int64(len(data))
		count++
		return writeSiteFile(dir, siteFile{path, data})
	}
	// The page in each language (index.html: English; index.CODE.html), each with the strings
	// document of its language.
	for _, l := range translations.Languages {
		index, err := explorer.SiteIndexFor(l.Code)
		if err != nil {
			return fmt.Errorf("the embedded page: %w", err)
		}
		if err := write(explorer.SitePageName(l.Code), index); err != nil {
			return err
		}
		doc, err := src.StringsJSON(ctx, l.Code)
		if err != nil {
			return err
		}
		if err := write("data/strings/"+explorer.SafeName(l.Code)+".js", explorer.Script("strings", l.Code, doc)); err != nil {
			return err
		}
	}
	for _, p := range explorer.AssetPaths() {
		if p == "index.html" {
			continue
		}
		b, err := fs.ReadFile(explorer.Assets(), p)
		if err == nil {
			err = write("assets/"+p, b)
		}
		if err != nil {
			return err
		}
	}
	catJSON, err := json.Marshal(cat)
	if err != nil {
		return err
	}
	if err := write("data/catalogue.js", explorer.Script("catalogue", "", catJSON)); err != nil {
		return err
	}
	if err := write("data/boundaries.js", explorer.Script("boundaries", "", explorer.Boundaries())); err != nil {
		return err
	}

	bar := newCountProgress(g, len(cat.Indicators)+len(fws), "writing the site")
	defer bar.finish()
	date := time.Now()
	if !g.asOfDate.IsZero() {
		date = g.asOfDate
	}
	var only []string
	if len(opts.Entities) > 0 {
		only = opts.Entities
	}
	held := map[string][]explorer.Edition{} // the editions of each indicator's document, for LICENSES.md
	for i, in := range cat.Indicators {
		bar.describe(in.Code)
		doc, err := src.Indicator(ctx, in.Code, only)
		if err != nil {
			return err
		}
		held[in.Code] = doc.Editions
		name := "data/indicator-" + explorer.SafeName(in.Code)
		var csvBuf, xlsxBuf bytes.Buffer
		if err := explorer.WriteCSV(&csvBuf, doc.Rows); err != nil {
			return err
		}
		if err := explorer.WriteXLSX(&xlsxBuf, in.Name, in.Code, doc.Rows, doc.Editions, doc.Source, date); err != nil {
			return fmt.Errorf("%s.xlsx: %w", name, err)
		}
		for _, f := range []siteFile{{name + ".js", explorer.Script("indicator", in.Code, doc.JSON())},
			{name + ".csv", csvBuf.Bytes()}, {name + ".xlsx", xlsxBuf.Bytes()}} {
			if err := write(f.path, f.data); err != nil {
				return err
			}
		}
		bar.set(int64(i + 1))
	}
	for i, fw := range fws {
		bar.describe(fw)
		doc, err := src.Progress(ctx, fw, "")
		if err != nil {
			return err
		}
		if len(opts.Entities) > 0 {
			var rows []explorer.ProgressRow // the document's rows are shared: filtered into a new slice
			for _, r := range doc.Rows {
				if slices.Contains(opts.Entities, r.Entity) {
					rows = append(rows, r)
				}
			}
			doc.Rows = rows
		}
		if err := write("data/progress-"+explorer.SafeName(fw)+".js", explorer.Script("progress", fw, doc.JSON())); err != nil {
			return err
		}
		bar.set(int64(len(cat.Indicators) + i + 1))
	}
	bar.finish()
	licences, err := src.Licenses(ctx, held)
	if err != nil {
		return err
	}
	if err := write("LICENSES.md", licences); err != nil {
		return err
	}
	// The previous build's files that this one did not write go; nothing else does.
	for _, p := range previous {
		if !slices.Contains(planned, p) && safeRelative(p) {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	if err := writeSiteManifest(dir, planned); err != nil {
		return err
	}
	fmt.Fprintf(out(g), say("wrote %d files (%.1f MB) to %s: %s, %s; open %s\n"), count, float64(size)/1e6, dir,
		plural(len(cat.Indicators), "indicator", "indicators"), plural(len(fws), "framework", "frameworks"), filepath.Join(dir, "index.html"))
	return nil
}

// writeSiteManifest records the files of the site in its marker.
func writeSiteManifest(dir string, files []string) error {
	manifest, _ := json.MarshalIndent(siteManifest{Generator: "ictstat site build", Version: Version, Files: files}, "", "  ")
	return writeSiteFile(dir, siteFile{siteMarker, append(manifest, '\n')})
}

// siteEntities are the economies and groups of --entities by their codes, each named as other
// commands take them: an ISO3 or group code in any case, an M49 code or a name (store.FindEntity).
func siteEntities(cmd *cobra.Command, db *sql.DB, all *explorer.Source, names []string) ([]string, error) {
	ctx := cmd.Context()
	var codes []string
	for _, name := range names {
		if c, err := all.EntityCodes(ctx, []string{name}); err == nil {
			codes = append(codes, c...)
			continue
		}
		e, err := store.FindEntity(ctx, db, name, false)
		var unknown *store.EntityError
		if errors.As(err, &unknown) {
			return nil, usageError("--entities: %v", err)
		}
		if err != nil {
			return nil, err
		}
		codes = append(codes, e.Code)
	}
	codes, err := all.EntityCodes(ctx, codes)
	if err != nil {
		return nil, siteRequestError("--entities", err)
	}
	return codes, nil
}

// plural is n and the noun, singular for 1: "1 indicator", "12 indicators".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// siteRequestError is a usage error for an explorer request error of a flag.
func siteRequestError(flag string, err error) error {
	if errors.Is(err, explorer.ErrRequest) {
		msg := strings.TrimPrefix(err.Error(), explorer.ErrRequest.Error()+": ")
		msg = strings.TrimPrefix(msg, "entities: ")
		return usageError("%s: %s", flag, msg)
	}
	return err
}

// checkSiteDir says whether the site may be written into dir: a folder that does not exist, an
// empty one, one a previous build wrote (whose files it returns), or with force any folder.
func checkSiteDir(dir string, force bool) ([]string, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err
	case !info.IsDir():
		return nil, usageError("--out %s is a file, not a folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Join(dir, siteMarker))
	var m siteManifest
	if err == nil && json.Unmarshal(b, &m) == nil && m.Generator == "ictstat site build" {
		return m.Files, nil
	}
	if force {
		return nil, nil
	}
	var names []string
	for _, e := range entries[:min(5, len(entries))] {
		names = append(names, e.Name())
	}
	more := ""
	if len(entries) > 5 {
		more = fmt.Sprintf(" and %d more", len(entries)-5)
	}
	return nil, usageError("--out %s holds files no site build wrote (%s%s): choose an empty or new folder, or give --force to write the site's files into it (the others are kept)",
		dir, strings.Join(names, ", "), more)
}

// safeRelative reports whether p names a file inside the site's folder.
func safeRelative(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && !slices.Contains(strings.Split(p, "/"), "..") && filepath.IsLocal(filepath.FromSlash(p))
}

// writeSiteFile writes one file of the site, whole or not at all.
func writeSiteFile(dir string, f siteFile) error {
	path := filepath.Join(dir, filepath.FromSlash(f.path))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(f.data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
