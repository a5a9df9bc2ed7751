// Package job holds what every batch run needs whatever it computes: an output folder written
// aside and swapped in whole at the end, so that a failed run leaves the previous release as it
// was, and the manifest that records what went in, what each step did and what came out, with
// the SHA-256 of every file.
package job

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
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

// Outputs is a run's output folder being written. Files go into a staging folder beside the
// final one; Publish puts it in place of the final folder in one step, Discard removes it.
type Outputs struct {
	final, stage string
	files        []File
}

// Stage starts writing the output folder final.
func Stage(final string) (*Outputs, error) {
	final = filepath.Clean(final)
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	if info, err := os.Stat(final); err == nil && !info.IsDir() {
		return nil, fmt.Errorf("%s is a file, not a folder", final)
	}
	stage, err := os.MkdirTemp(parent, "."+filepath.Base(final)+".partial-")
	if err != nil {
		return nil, err
	}
	os.Chmod(stage, 0o755)
	return &Outputs{final: final, stage: stage}, nil
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

// Publish puts the staged folder in place of the final one: the previous release is replaced
// whole (swapped atomically where the system can, else renamed aside first) and removed.
func (o *Outputs) Publish() error {
	if _, err := os.Stat(o.final); errors.Is(err, os.ErrNotExist) {
		return os.Rename(o.stage, o.final)
	}
	if err := exchange(o.stage, o.final); err == nil {
		return os.RemoveAll(o.stage) // now the previous release
	}
	previous := o.final + ".previous-" + time.Now().UTC().Format("20060102T150405")
	if err := os.Rename(o.final, previous); err != nil {
		return err
	}
	if err := os.Rename(o.stage, o.final); err != nil {
		os.Rename(previous, o.final)
		return err
	}
	return os.RemoveAll(previous)
}

// Discard removes the staged folder; the final one is left as it was.
func (o *Outputs) Discard() {
	os.RemoveAll(o.stage)
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

// Manifest is the record of a run, written as manifest.json beside its outputs.
type Manifest struct {
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
