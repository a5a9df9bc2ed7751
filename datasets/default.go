// Package datasets owns ictstat's data: the default dataset embedded in the binary, built from
// real public files (default/, with their provenance and licences in README.md), and the
// synthetic generator (synth/).
package datasets

import (
	"context"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ictstat/ictstat/engine/ingest"
	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
)

// Files holds the default dataset, byte for byte as published, with the curated tables that say
// how to load it (manifest.csv, editions.csv, groups.csv, economies_extra.csv,
// economy_codes_extra.csv).
//
//go:embed default
var Files embed.FS

// File is one data file of the default dataset and how it loads.
type File struct {
	Name      string
	Format    string
	Edition   string
	Indicator string // for files of one indicator that do not name it
	Source    string // source text for every row of files that do not give one
	// ReplacesSeries: the file is its producer's whole publication of the series it carries,
	// so the years it omits are withdrawn from older editions (store.LoadSpec.ReplacesSeries).
	ReplacesSeries bool
}

// Manifest lists the data files of the default dataset in load order.
func Manifest() ([]File, error) {
	t, err := readTable("manifest.csv")
	if err != nil {
		return nil, err
	}
	if err := t.require("file", "format", "edition", "indicator", "source", "replaces_series"); err != nil {
		return nil, err
	}
	var out []File
	for _, r := range t.rows {
		replaces, err := strconv.ParseBool(t.get(r, "replaces_series"))
		if err != nil {
			return nil, fmt.Errorf("manifest.csv: %s: replaces_series %q: want true or false", t.get(r, "file"), t.get(r, "replaces_series"))
		}
		out = append(out, File{Name: t.get(r, "file"), Format: t.get(r, "format"), Edition: t.get(r, "edition"),
			Indicator: t.get(r, "indicator"), Source: t.get(r, "source"), ReplacesSeries: replaces})
	}
	return out, nil
}

// Editions returns the editions of the default dataset by label.
func Editions() (map[string]store.Edition, error) {
	t, err := readTable("editions.csv")
	if err != nil {
		return nil, err
	}
	out := map[string]store.Edition{}
	for _, r := range t.rows {
		released, err := time.Parse("2006-01-02", t.get(r, "released"))
		if err != nil {
			return nil, fmt.Errorf("editions.csv: %w", err)
		}
		label := t.get(r, "edition")
		out[label] = store.Edition{Label: label, Released: released, Description: t.get(r, "description"),
			Citation: t.get(r, "citation"), Licence: t.get(r, "licence")}
	}
	return out, nil
}

// BuildOptions tune Build.
type BuildOptions struct {
	Store       store.Options
	Empty       bool // reference data only, no observations
	Replace     bool // replace a database already at the path, once the new one is complete
	ToolVersion string
	// Progress is called before each file is loaded.
	Progress func(file string, i, n int)
}

// Build creates a database at path holding the reference data and every file of the default
// dataset. It builds into a temporary file beside path and renames it into place at the end, so
// an interrupted build leaves no database behind and an existing one untouched. path must not
// exist unless opts.Replace is set.
func Build(ctx context.Context, path string, opts BuildOptions) ([]load.Outcome, error) {
	if _, err := os.Stat(path); err == nil && !opts.Replace {
		return nil, fmt.Errorf("%s already exists", path)
	}
	tmp := path + ".building"
	os.Remove(tmp)
	os.Remove(tmp + ".wal")
	outcomes, err := build(ctx, tmp, opts)
	if err != nil {
		os.Remove(tmp)
		os.Remove(tmp + ".wal")
		return outcomes, err
	}
	// A write-ahead log left by the database being replaced must not be replayed into the new one.
	if err := os.Remove(path + ".wal"); err != nil && !os.IsNotExist(err) {
		return outcomes, err
	}
	return outcomes, os.Rename(tmp, path)
}

func build(ctx context.Context, path string, opts BuildOptions) ([]load.Outcome, error) {
	ref, err := Reference()
	if err != nil {
		return nil, err
	}
	st, err := store.Create(ctx, path, opts.Store)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := st.PutReference(ctx, ref); err != nil {
		return nil, err
	}
	if opts.Empty {
		return nil, st.Close()
	}
	files, err := Manifest()
	if err != nil {
		return nil, err
	}
	editions, err := Editions()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "ictstat-default-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var outcomes []load.Outcome
	for i, f := range files {
		if opts.Progress != nil {
			opts.Progress(f.Name, i, len(files))
		}
		ed, ok := editions[f.Edition]
		if !ok {
			return outcomes, fmt.Errorf("manifest.csv: %s: edition %q is not in editions.csv", f.Name, f.Edition)
		}
		data, err := Files.ReadFile("default/" + f.Name)
		if err != nil {
			return outcomes, err
		}
		local := filepath.Join(dir, f.Name)
		if err := os.WriteFile(local, data, 0o600); err != nil {
			return outcomes, err
		}
		read := ingest.Options{Format: f.Format, Constants: map[string]string{}}
		if f.Indicator != "" {
			read.Constants["indicator"] = f.Indicator
		}
		if f.Source != "" {
			read.Constants["source"] = f.Source
		}
		out, err := load.File(ctx, st, local, load.Options{
			Name:           "datasets/default/" + f.Name,
			Read:           read,
			Edition:        ed,
			MaxRejectRate:  load.DefaultMaxRejectRate,
			ToolVersion:    opts.ToolVersion,
			ReplacesSeries: f.ReplacesSeries,
		})
		outcomes = append(outcomes, out)
		if err != nil {
			return outcomes, fmt.Errorf("default dataset: %w", err)
		}
	}
	return outcomes, st.Close()
}
