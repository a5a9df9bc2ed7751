package figures

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ictstat/ictstat/engine/chart"
)

// Spec is one chart as a spec file, a job file or the command line gives it: the file to write
// (its extension chooses PNG, SVG or PDF), the request and the size.
type Spec struct {
	File      string   `yaml:"file"`
	Kind      string   `yaml:"kind"`
	Indicator string   `yaml:"indicator"`
	Economies []string `yaml:"economies"`
	Group     string   `yaml:"group"`
	From      int      `yaml:"from"`
	To        int      `yaml:"to"`
	Target    string   `yaml:"target"`
	Split     string   `yaml:"split"`
	Parity    bool     `yaml:"parity"`
	Title     string   `yaml:"title"`
	Intervals string   `yaml:"intervals"`
	Year      int      `yaml:"year"`
	Classes   string   `yaml:"classes"`
	Lang      string   `yaml:"lang"`
	Digits    string   `yaml:"digits"`
	Size      string   `yaml:"size"`
	DPI       float64  `yaml:"dpi"`
	Line      int      `yaml:"-"` // where the spec is in its file; 0 for the command line
}

// Request is the figure the spec asks for.
func (c Spec) Request() Request {
	return Request{Kind: c.Kind, Indicator: c.Indicator, Entities: c.Economies, Group: c.Group, From: c.From,
		To: c.To, Target: c.Target, Split: c.Split, Parity: c.Parity, Title: c.Title, Intervals: c.Intervals,
		Year: c.Year, Classes: c.Classes, Lang: c.Lang, Digits: c.Digits}
}

// ChartSize is the spec's size, else defSize, else chart.DefaultSize, at the spec's DPI, else
// defDPI, else the default.
func (c Spec) ChartSize(defSize string, defDPI float64) (chart.Size, error) {
	s := c.Size
	if s == "" {
		s = defSize
	}
	size := chart.DefaultSize
	if s != "" {
		var err error
		if size, err = chart.ParseSize(s); err != nil {
			return size, err
		}
	}
	switch {
	case c.DPI > 0:
		size.DPI = c.DPI
	case defDPI > 0:
		size.DPI = defDPI
	}
	if size.DPI == 0 {
		size.DPI = chart.DefaultSize.DPI
	}
	return size, nil
}

// Format is the output format the file's extension names: png, svg or pdf.
func (c Spec) Format() (string, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(c.File), "."))
	if ext != "png" && ext != "svg" && ext != "pdf" {
		return "", fmt.Errorf("%s: the file must end in .png, .svg or .pdf", c.File)
	}
	return ext, nil
}

// specKeys are the keys a chart may have: Spec's yaml tags.
var specKeys = func() map[string]bool {
	keys := map[string]bool{}
	t := reflect.TypeFor[Spec]()
	for i := range t.NumField() {
		if k := t.Field(i).Tag.Get("yaml"); k != "" && k != "-" {
			keys[k] = true
		}
	}
	return keys
}()

// DecodeSpecs reads a list of charts from YAML nodes, refusing unknown keys, charts without a
// file or a kind, and two charts writing one file, each with its line.
func DecodeSpecs(nodes []yaml.Node) ([]Spec, error) {
	var specs []Spec
	files := map[string]int{}
	for i := range nodes {
		c, err := decodeSpec(&nodes[i], true)
		if err != nil {
			return nil, err
		}
		if prev, dup := files[c.File]; dup {
			return nil, fmt.Errorf("line %d: file %s is also written by the chart on line %d", c.Line, c.File, prev)
		}
		files[c.File] = c.Line
		specs = append(specs, c)
	}
	return specs, nil
}

// decodeSpec reads one chart, refusing unknown keys and a missing kind (and file, if needed).
func decodeSpec(n *yaml.Node, needFile bool) (Spec, error) {
	var c Spec
	if n.Kind != yaml.MappingNode {
		return c, fmt.Errorf("line %d: a chart is a mapping of keys to values", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !specKeys[k.Value] {
			return c, fmt.Errorf("line %d: unknown key %q in a chart", k.Line, k.Value)
		}
	}
	if err := n.Decode(&c); err != nil {
		return c, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	c.Line = n.Line
	if c.Kind == "" || (needFile && c.File == "") {
		return c, fmt.Errorf("line %d: a chart needs a file and a kind", n.Line)
	}
	return c, nil
}

// Charts draws charts whose specs are YAML text, as notebooks give them: the keys of Spec
// without file.
type Charts struct {
	Source *Source
}

// Draw draws the chart spec asks for as SVG or PNG, at its default size (chart.DefaultSizeFor)
// unless the spec gives a size.
func (c Charts) Draw(ctx context.Context, spec []byte, format string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrRequest, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) != 1 {
		return nil, fmt.Errorf("%w: a chart is a mapping of keys to values", ErrRequest)
	}
	s, err := decodeSpec(doc.Content[0], false)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRequest, err)
	}
	s.File = "chart." + format
	return c.Source.Draw(ctx, s, "", 0)
}

// Draw builds the chart a spec asks for and renders it in its file's format. Errors of the
// request or of the size wrap ErrRequest. Without a size from the spec or defSize, the chart is
// drawn at its default size (chart.DefaultSizeFor).
func (s *Source) Draw(ctx context.Context, c Spec, defSize string, defDPI float64) ([]byte, error) {
	size, err := c.ChartSize(defSize, defDPI)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRequest, err)
	}
	format, err := c.Format()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRequest, err)
	}
	fig, err := s.Build(ctx, c.Request())
	if err != nil {
		return nil, err
	}
	if c.Size == "" && defSize == "" {
		// No size asked: the chart's default (a scorecard of many rows is taller).
		d := chart.DefaultSizeFor(fig)
		size.Width, size.Height, size.Unit = d.Width, d.Height, d.Unit
	}
	var buf bytes.Buffer
	if err := chart.Render(fig, format, size, &buf); err != nil {
		// What cannot be drawn is a size or selection that does not fit.
		return nil, fmt.Errorf("%w: %s: %v", ErrRequest, c.File, err)
	}
	return buf.Bytes(), nil
}
