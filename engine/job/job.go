// Package job holds what every batch run needs whatever it computes: an output folder written
// aside and swapped in whole at the end, so that a failed run leaves the previous release as it
// was, and that replaces only a folder of its own (CheckFolder); and the manifest that records
// what went in, what each step did and what came out, with the SHA-256 of every file.
package job

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// File is an input or output file with its size and SHA-256.
type File struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Rows   int64  `json:"rows,omitempty"`
}

// HashFile returns the size and SHA-256 of the file at path.
func HashFile(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, err
	}
	return File{Path: path, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Generator is the manifest's "generator": it tells an output folder of ictstat from others.
const Generator = "ictstat"

// OccupiedError is an output folder that a run may not replace: it holds files that ictstat did
// not write there.
type OccupiedError struct {
	Folder string
	Files  []string // what it holds that ictstat did not write, the first few
	More   int      // and how many more
}

func (e *OccupiedError) Error() string {
	list := strings.Join(e.Files, ", ")
	if e.More > 0 {
		list += fmt.Sprintf(" and %d more", e.More)
	}
	return fmt.Sprintf("the output folder %s holds what ictstat did not write there (%s); ictstat replaces its output "+
		"folder whole, so it writes only to a new or empty folder or over its own previous output: choose another "+
		"output folder, or move those files away", e.Folder, list)
}

// CheckFolder returns nil when the folder final may be replaced whole by a run's outputs: it does
// not exist, it is empty, or it is a previous output of ictstat, which holds a manifest.json
// whose generator is "ictstat" and nothing but that manifest and the outputs it lists, with the
// sizes it gives. Otherwise it returns an *OccupiedError naming what the folder holds, or an
// error saying that final is a file, a symbolic link, or the current folder or one holding it.
func CheckFolder(final string) error {
	final = filepath.Clean(final)
	if abs, err := filepath.Abs(final); err == nil {
		if cwd, err := os.Getwd(); err == nil && (cwd == abs || strings.HasPrefix(cwd, abs+string(filepath.Separator)) || abs == filepath.Dir(abs)) {
			return fmt.Errorf("the output folder %s is the current folder or holds it, and ictstat replaces its output folder whole: give a folder of its own, such as output: release", final)
		}
	}
	info, err := os.Lstat(final)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("the output folder %s is a symbolic link; ictstat replaces its output folder whole: give the folder itself", final)
	}
	if !info.IsDir() {
		return fmt.Errorf("the output folder %s is a file, not a folder", final)
	}
	listed := map[string]int64{}
	folders := map[string]bool{}
	if b, err := os.ReadFile(filepath.Join(final, "manifest.json")); err == nil {
		var m Manifest
		if json.Unmarshal(b, &m) == nil && m.Generator == Generator {
			listed["manifest.json"] = int64(len(b))
			for _, f := range m.Outputs {
				listed[f.Path] = f.Bytes
				for d := path.Dir(f.Path); d != "." && d != "/"; d = path.Dir(d) {
					folders[d] = true
				}
			}
		}
	}
	occupied := &OccupiedError{Folder: final}
	err = filepath.WalkDir(final, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == final {
			return nil
		}
		rel, err := filepath.Rel(final, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() && folders[rel] {
			return nil
		}
		size, ok := listed[rel]
		if ok && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil && info.Size() == size {
				return nil
			}
		}
		if len(occupied.Files) < 5 {
			if d.IsDir() {
				rel += "/"
			}
			occupied.Files = append(occupied.Files, rel)
		} else {
			occupied.More++
		}
		if d.IsDir() {
			return fs.SkipDir
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(occupied.Files) > 0 {
		return occupied
	}
	return nil
}

// Outputs is a run's output folder being written. Files go into a staging folder beside the
// final one, named .NAME.partial-DIGITS. Swap puts it in place of the final folder in one step
// and keeps the previous release aside until Commit removes it; Discard leaves the final folder
// as it was before the run. A run that publishes a database after its outputs writes a Journal
// first, so that a kill between the two is set right by the next run (Recover).
type Outputs struct {
	final, stage string
	files        []File
	locks        []*os.File // on the staging folder and the previous release, while the run holds them
	journal      *os.File   // the publishing journal, held open (and locked) until it is removed
	swapped      bool
	previous     string // after Swap: where the previous release is, "" when there was none
	done         bool
}

// stageMarker is the file Stage writes into every staging folder it makes, and Swap removes:
// only folders holding it, or holding nothing but an output of ictstat, are ever taken for a
// killed run's and removed.
const stageMarker = ".ictstat-staging"

// Stage starts writing the output folder final. It refuses a folder that CheckFolder refuses,
// finishes the publishing of a run of the same output that was killed meanwhile (Recover), and
// removes the staging folders such runs left.
func Stage(final string) (*Outputs, error) {
	final = filepath.Clean(final)
	if err := CheckFolder(final); err != nil {
		return nil, err
	}
	parent, prefix := filepath.Dir(final), stagePrefix(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	if _, err := Recover(final); err != nil {
		return nil, err
	}
	removeStale(parent, final)
	stage, err := os.MkdirTemp(parent, prefix+"*")
	if err != nil {
		return nil, err
	}
	os.Chmod(stage, 0o755)
	if err := os.WriteFile(filepath.Join(stage, stageMarker), nil, 0o644); err != nil {
		os.RemoveAll(stage)
		return nil, err
	}
	o := &Outputs{final: final, stage: stage}
	o.lock(stage)
	return o, nil
}

// stagePrefix starts the names of final's staging folders.
func stagePrefix(final string) string { return "." + filepath.Base(final) + ".partial-" }

// isStageName reports whether name is one Stage, Swap or Discard gives a staging folder of
// final: the prefix, the digits os.MkdirTemp adds, and maybe ".previous" or ".rejected".
func isStageName(name, final string) bool {
	rest, ok := strings.CutPrefix(name, stagePrefix(final))
	if !ok {
		return false
	}
	for _, suffix := range []string{".previous", ".rejected"} {
		rest = strings.TrimSuffix(rest, suffix)
	}
	return rest != "" && strings.Trim(rest, "0123456789") == ""
}

// removeStale removes the staging folders and previous releases that killed runs of final left
// in parent: folders named as isStageName says, that no running process holds, and that hold
// the stage marker or nothing but an output of ictstat (CheckFolder). No other folder is
// touched.
func removeStale(parent, final string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !isStageName(e.Name(), final) {
			continue
		}
		p := filepath.Join(parent, e.Name())
		f, err := lockDir(p)
		if err != nil {
			continue
		}
		if _, err := os.Lstat(filepath.Join(p, stageMarker)); err == nil || CheckFolder(p) == nil {
			os.RemoveAll(p)
		}
		f.Close()
	}
}

// lock holds the folder at p for the run, where the system can, so that other runs leave it.
func (o *Outputs) lock(p string) {
	if f, err := lockDir(p); err == nil {
		o.locks = append(o.locks, f)
	}
}

func (o *Outputs) unlock() {
	for _, f := range o.locks {
		f.Close()
	}
	o.locks = nil
}

// Final is the folder the outputs are published to.
func (o *Outputs) Final() string { return o.final }

// Write writes the file rel (a path inside the folder) through write and records its size,
// SHA-256 and rows (what write returns).
func (o *Outputs) Write(rel string, write func(io.Writer) (rows int64, err error)) (File, error) {
	if filepath.IsAbs(rel) || strings.HasPrefix(filepath.Clean(rel), "..") {
		return File{}, fmt.Errorf("output %s must be a path inside the output folder", rel)
	}
	path := filepath.Join(o.stage, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return File{}, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return File{}, fmt.Errorf("output %s is written twice", rel)
		}
		return File{}, err
	}
	h := sha256.New()
	cw := &counter{w: io.MultiWriter(f, h)}
	rows, err := write(cw)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", rel, err)
	}
	file := File{Path: filepath.ToSlash(rel), Bytes: cw.n, SHA256: hex.EncodeToString(h.Sum(nil)), Rows: rows}
	o.files = append(o.files, file)
	return file, nil
}

// Files are the files written so far, by path.
func (o *Outputs) Files() []File {
	out := append([]File(nil), o.files...)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Swap puts the staged folder in place of the final one, after checking the final folder again
// (CheckFolder), and keeps the previous release aside: Commit removes it, Discard puts it back.
// The swap is one step where the system can (renameat2 RENAME_EXCHANGE), else two renames. When
// Swap fails, the final folder is as it was.
func (o *Outputs) Swap() error {
	if o.swapped || o.done {
		return errors.New("the outputs were already published or discarded")
	}
	if err := CheckFolder(o.final); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(o.stage, stageMarker)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if _, err := os.Lstat(o.final); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(o.stage, o.final); err != nil {
			return err
		}
		o.swapped = true
		return nil
	}
	if err := exchange(o.stage, o.final); err == nil {
		o.swapped, o.previous = true, o.stage // the staging folder's name now holds the previous release
		o.lock(o.previous)
		return nil
	}
	aside := o.stage + ".previous"
	if err := os.Rename(o.final, aside); err != nil {
		return err
	}
	o.lock(aside)
	if err := os.Rename(o.stage, o.final); err != nil {
		if rerr := os.Rename(aside, o.final); rerr != nil {
			return fmt.Errorf("%w; the previous release is in %s", err, aside)
		}
		return err
	}
	o.swapped, o.previous = true, aside
	return nil
}

// Commit ends a swap: the previous release is removed, then the publishing journal. When the
// previous release cannot be removed, the journal stays and the next Stage of the same folder
// removes both.
func (o *Outputs) Commit() error {
	if !o.swapped || o.done {
		return errors.New("the outputs were not swapped in")
	}
	o.done = true
	defer o.unlock()
	if o.previous != "" {
		if err := os.RemoveAll(o.previous); err != nil {
			return err
		}
	}
	return o.removeJournal()
}

// Publish puts the staged folder in place of the final one and removes the previous release:
// Swap, then Commit.
func (o *Outputs) Publish() error {
	if err := o.Swap(); err != nil {
		return err
	}
	return o.Commit()
}

// Discard leaves the final folder as it was before the run: it removes the staged folder and,
// after Swap, puts the previous release back in place of the new one. It does nothing after
// Commit.
func (o *Outputs) Discard() error {
	if o.done {
		return nil
	}
	o.done = true
	defer o.unlock()
	if err := o.putBack(); err != nil {
		return err // the journal stays, for the next Stage of the folder to finish
	}
	return o.removeJournal()
}

// putBack leaves the final folder as it was before the run: the staged folder is removed and,
// after Swap, the previous release is put back in place of the new one.
func (o *Outputs) putBack() error {
	switch {
	case !o.swapped:
		return os.RemoveAll(o.stage)
	case o.previous == "":
		return os.RemoveAll(o.final)
	}
	return swapBack(o.previous, o.final, o.stage+".rejected")
}

// swapBack puts the release in previous back in place of the one in final, which is removed;
// where the system cannot exchange the two in one step, final is renamed to rejected first.
func swapBack(previous, final, rejected string) error {
	if err := exchange(previous, final); err == nil {
		return os.RemoveAll(previous) // now the new release
	}
	if err := os.Rename(final, rejected); err != nil {
		return fmt.Errorf("put the previous release back: %w; it is in %s", err, previous)
	}
	if err := os.Rename(previous, final); err != nil {
		return fmt.Errorf("put the previous release back: %w; it is in %s", err, previous)
	}
	return os.RemoveAll(rejected)
}

type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Step is what one step of a run did.
type Step struct {
	Name    string  `json:"name"`
	Rows    int64   `json:"rows"`
	Seconds float64 `json:"seconds"`
	Detail  string  `json:"detail,omitempty"`
}

// Input is a source file a run loaded, with what the load did.
type Input struct {
	File
	Edition      string `json:"edition"`
	Batch        int    `json:"batch,omitempty"`
	Skipped      bool   `json:"skipped,omitempty"` // the same content was loaded before
	RowsRead     int64  `json:"rows_read"`
	RowsLoaded   int64  `json:"rows_loaded"`
	RowsRejected int64  `json:"rows_rejected"`
}

// Manifest is the record of a run, written as manifest.json beside its outputs. Its generator,
// "ictstat" (Generator), marks the folder as ictstat's output, which a later run may replace.
type Manifest struct {
	Generator   string            `json:"generator"`
	Job         File              `json:"job"`
	Title       string            `json:"title,omitempty"`
	ToolVersion string            `json:"tool_version"`
	StartedAt   time.Time         `json:"started_at"`
	FinishedAt  time.Time         `json:"finished_at"`
	Database    map[string]any    `json:"database"`
	Inputs      []Input           `json:"inputs"`
	Rejects     map[string]int64  `json:"rejects_by_column"`
	Warnings    []string          `json:"warnings"`
	Steps       []Step            `json:"steps"`
	Outputs     []File            `json:"outputs"`
	Parameters  map[string]string `json:"parameters,omitempty"`
}

// Run times fn as the step name, records it, and reports its start to progress.
func (m *Manifest) Run(name string, progress func(string), fn func(*Step) error) error {
	if progress != nil {
		progress(name)
	}
	s := Step{Name: name}
	started := time.Now()
	err := fn(&s)
	s.Seconds = float64(time.Since(started).Microseconds()) / 1e6
	m.Steps = append(m.Steps, s)
	return err
}

// Write writes the manifest as indented JSON.
func (m *Manifest) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}
