// Package chart draws publication-ready statistical charts from plain data: trends over years
// with targets, deadlines and projections, gaps between two series, parity scores, small
// multiples, rankings, scorecards and choropleth world maps. It knows nothing about where the
// numbers come from; the caller gives the series, the labels and the source line.
//
// Charts use the Okabe–Ito colour-blind-safe palette, Liberation Sans, a left-aligned title and
// subtitle, a legend laid out above the plot (never over the data), integer year ticks, thousands
// separators on large values and a source line at the bottom left. Render writes PNG, SVG or PDF;
// the same chart, format and size always give the same bytes.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ictstat/ictstat/indicators/translations"
)

// Size is a figure's size: Width×Height in "cm" or "px"; DPI for raster output and px
// conversion (default 150).
type Size struct {
	Width, Height float64
	Unit          string // "cm" or "px"
	DPI           float64
}

// DefaultSize is 16×10 cm at 150 dpi: a figure across an A4 page's text width.
var DefaultSize = Size{Width: 16, Height: 10, Unit: "cm", DPI: 150}

// ParseSize reads "16x10cm", "16x10" (cm), "1600x1000px". The DPI is DefaultSize's.
func ParseSize(s string) (Size, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	size := Size{Unit: "cm", DPI: DefaultSize.DPI}
	switch {
	case strings.HasSuffix(t, "px"):
		size.Unit, t = "px", strings.TrimSuffix(t, "px")
	case strings.HasSuffix(t, "cm"):
		t = strings.TrimSuffix(t, "cm")
	}
	w, h, ok := strings.Cut(strings.ReplaceAll(t, "×", "x"), "x")
	if !ok {
		return Size{}, fmt.Errorf("size %q: want WIDTHxHEIGHT in cm or px, e.g. 16x10cm or 1600x1000px", s)
	}
	var err error
	if size.Width, err = strconv.ParseFloat(strings.TrimSpace(w), 64); err == nil {
		size.Height, err = strconv.ParseFloat(strings.TrimSpace(h), 64)
	}
	if err != nil {
		return Size{}, fmt.Errorf("size %q: want WIDTHxHEIGHT in cm or px, e.g. 16x10cm or 1600x1000px", s)
	}
	return size, size.check()
}

const cmPerInch = 2.54

// check reports a size no chart can be drawn at.
func (s Size) check() error {
	if s.Unit != "cm" && s.Unit != "px" {
		return fmt.Errorf("size unit %q: want cm or px", s.Unit)
	}
	if !(s.Width > 0 && s.Height > 0) || math.IsInf(s.Width, 0) || math.IsInf(s.Height, 0) {
		return fmt.Errorf("size %gx%g%s: width and height must be positive", s.Width, s.Height, s.Unit)
	}
	if s.DPI < 0 || math.IsNaN(s.DPI) || math.IsInf(s.DPI, 0) {
		return fmt.Errorf("size: DPI %g must be positive", s.DPI)
	}
	w, h := s.cm()
	if w < 5 || h < 3.5 || w > 100 || h > 100 {
		return fmt.Errorf("size %gx%g%s is %.1fx%.1f cm: charts are drawn from 5x3.5 cm to 100x100 cm", s.Width, s.Height, s.Unit, w, h)
	}
	return nil
}

func (s Size) dpi() float64 {
	if s.DPI > 0 {
		return s.DPI
	}
	return DefaultSize.DPI
}

// Pixels is the size of a PNG drawn at it.
func (s Size) Pixels() (w, h int) {
	wc, hc := s.cm()
	return int(math.Round(wc / cmPerInch * s.dpi())), int(math.Round(hc / cmPerInch * s.dpi()))
}

// cm is the size in centimetres.
func (s Size) cm() (w, h float64) {
	if s.Unit == "px" {
		return s.Width / s.dpi() * cmPerInch, s.Height / s.dpi() * cmPerInch
	}
	return s.Width, s.Height
}

// Meta is the text around a chart.
type Meta struct {
	Title, Subtitle string
	XLabel, YLabel  string // with units, e.g. "% of population"
	Source          string // the source line
	// Lang is the language the chart's text is in ("" or "en": English). Arabic ("ar") and
	// Persian ("fa") text is shaped and set right to left, titles, legend and source line
	// aligned right; the time axis still runs left to right, as in Arabic statistical
	// publications. Chinese ("zh") is set in a CJK font.
	Lang string
	// Digits is "native" for the digits of the language (Arabic-Indic in Arabic, Persian in
	// Persian) in the tick labels and values drawn; "" or "western" for 0–9.
	Digits string
	// Words translates the chart's own words (legend entries, notes) into Lang and counts those
	// not reviewed; nil: the embedded catalogue's words of Lang.
	Words *translations.Words
}

// Point is one observation; Estimated points are drawn with hollow markers, reported ones with
// filled markers.
type Point struct {
	X, Y      float64
	Estimated bool
}

// Line is one series. Points with X more than Step apart are not joined (a gap in the data stays
// a gap); Step defaults to 1 (years). A line without a Label has no legend entry (e.g. the
// projection of a labelled line, drawn in its colour). Dashed lines have no markers.
type Line struct {
	Label  string
	Points []Point
	Dashed bool       // e.g. a projection
	Band   []Interval // an interval drawn as a light shaded area behind the line (e.g. a projection's 95% interval)
	// ErrorBars are intervals drawn as capped vertical bars through the points (e.g. a survey
	// estimate's 95% interval); the legend names them ErrorBarLabel.
	ErrorBars []Interval
	Step      float64
	Color     int // index into Palette; -1 means "next colour"
	// Pattern is the line's dash pattern, modulo LinePatterns: 0 solid, 1 dashed, 2 dotted, 3
	// dash-dot, 4 fine dots, as the explorer's page draws the values of a breakdown (women solid,
	// men dashed), each entity in its colour. Unlike Dashed, a patterned line has its markers.
	Pattern int
}

// ErrorBarLabel is the legend's name for error bars.
const ErrorBarLabel = "95% interval"

// LinePatterns is the number of dash patterns of Line.Pattern.
const LinePatterns = 5

// Interval is a band's extent at X.
type Interval struct{ X, Low, High float64 }

// Reference is a horizontal target line (Value on the y axis) or a vertical marker (Value on the
// x axis), labelled.
type Reference struct {
	Value float64
	Label string
}

// Trend is one indicator over years for several economies or groups, with an optional target line
// and deadline marker.
type Trend struct {
	Meta
	Lines []Line
	// Patterns name the lines' dash patterns (Line.Pattern) in order, e.g. "women", "men": when
	// given, the legend names each label once, in its colour, then each pattern in grey with its
	// name, so that a breakdown of several entities reads "Kenya, Uganda; — women, - - men".
	Patterns   []string
	Target     *Reference // horizontal
	Deadline   *Reference // vertical, e.g. {2030, "deadline 2030"}
	YMin, YMax float64    // NaN (or both 0): automatic; a bound set is kept (e.g. 0 and 100 for percentages)
	Years
}

// Years widen the x axis of a line chart to cover at least From–To (e.g. the years asked for,
// where the data stop short of them); both 0: the data's range.
type Years struct{ From, To float64 }

func (y Years) widen(e *extent) {
	if y.From != 0 || y.To != 0 {
		e.add(y.From, math.NaN())
		e.add(y.To, math.NaN())
	}
}

// Gap is two series of the same indicator (female/male, urban/rural) with the area between them
// shaded.
//
// YMin and YMax bound the y axis; NaN is automatic (the data's range widened to round ticks).
// Both 0 (a zero value) also means automatic. Data outside the bounds is clipped.
type Gap struct {
	Meta
	First, Second Line // e.g. women, men
	YMin, YMax    float64
	Unit          string // of the gap's label, e.g. "percentage points"
	Years
}

// Parity is a ratio (e.g. gender parity score) over time for several economies or groups, with
// the parity band shaded (e.g. 0.98–1.02) and a line at 1.
type Parity struct {
	Meta
	Lines             []Line
	BandLow, BandHigh float64
	Years
}

// SmallMultiples is one small trend panel per economy in a grid with shared axes.
type SmallMultiples struct {
	Meta
	Panels     []Panel
	Columns    int        // 0: chosen from the number of panels and the figure's shape
	Target     *Reference // drawn in every panel, labelled in the legend
	YMin, YMax float64    // shared; NaN: automatic over all panels
	Years
}

// Panel is one small multiple.
type Panel struct {
	Title string
	Lines []Line
}

// Ranking is horizontal bars of the latest value per economy, sorted (largest at top unless
// Ascending), with the target line and each bar's year shown when not all bars share one.
type Ranking struct {
	Meta
	Bars      []Bar
	Target    *Reference
	Ascending bool // sort smallest first (e.g. prices, lower is better)
}

// Bar is one bar of a Ranking; Estimated bars are drawn in a light tint.
type Bar struct {
	Label     string
	Value     float64
	Year      int
	Estimated bool
}

// Scorecard is one row per target: a dumbbell from the baseline (hollow) to the latest value
// (filled), the target marked, the row coloured by status. On the values' own scale when its
// rows share one unit (0–100 style); with ShareOfTarget, on one common scale of each value as a
// percentage of its row's target level, the target at 100, each row's values written beside it
// in its Unit.
type Scorecard struct {
	Meta
	Rows          []ScoreRow
	ShareOfTarget bool
	// ValuesNote ends the subtitle, after "; ", where the rows' values are written beside them
	// (with ShareOfTarget, when the rows have room), e.g. "right: the values in their units".
	ValuesNote string
}

// ScoreRow is one row of a Scorecard.
type ScoreRow struct {
	Label                    string  // e.g. "T10 Internet use"
	Baseline, Latest, Target float64 // NaN where missing (a row with no data is drawn as text: its Status)
	BaselineYear, LatestYear int
	Status                   string // e.g. "target met", "on track", "acceleration needed", "limited progress", "deterioration", "unable to assess", "no global data"
	Unit                     string // written after the row's values with ShareOfTarget, e.g. "%" or " per 100"
}

// Chart is any of Trend, Gap, Parity, SmallMultiples, Ranking, Scorecard and Map, as a value or
// a pointer (their methods have value receivers).
type Chart interface {
	// Text is the chart's title, subtitle, axis labels and source line.
	Text() Meta
	draw(f *figure) error
}

// Text is m itself: every chart embeds its Meta, and so answers Chart.Text.
func (m Meta) Text() Meta { return m }

// errNothing is the error for a chart without data.
var errNothing = errors.New("chart: nothing to draw")

// Render draws c in format "png", "svg" or "pdf" at size to w. The same chart, format and size
// give byte-identical output.
func Render(c Chart, format string, size Size, w io.Writer) error {
	if c == nil {
		return errNothing
	}
	if err := size.check(); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	format = strings.ToLower(strings.TrimPrefix(format, "."))
	out, err := newOutput(format, size)
	if err != nil {
		return err
	}
	f := newFigure(out.canvas, size)
	f.st = f.st.of(c.Text())
	if err := c.draw(f); err != nil {
		return err
	}
	_, err = out.writer.WriteTo(w)
	return err
}

// Save renders c to path, the format taken from the extension (.png, .svg, .pdf). The file is
// replaced whole or not at all (WriteFiles).
func Save(c Chart, path string, size Size) error {
	format := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	if !knownFormat(format) {
		return fmt.Errorf("chart: %s: unknown extension %q; use .png, .svg or .pdf", path, filepath.Ext(path))
	}
	var buf bytes.Buffer
	if err := Render(c, format, size, &buf); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := WriteFiles([]string{path}, [][]byte{buf.Bytes()}); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return nil
}

// WriteFiles writes each file beside its path under a temporary name, and only when all are
// written renames them into place: a failure (a missing directory, a full disk) leaves every
// path as it was.
func WriteFiles(paths []string, data [][]byte) error {
	temps := make([]string, 0, len(paths))
	clean := func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}
	for i, p := range paths {
		f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".*.tmp")
		if err != nil {
			clean()
			return fmt.Errorf("%s: cannot write: %w", p, err)
		}
		temps = append(temps, f.Name())
		_, err = f.Write(data[i])
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(f.Name(), 0o644)
		}
		if err != nil {
			clean()
			return fmt.Errorf("%s: cannot write: %w", p, err)
		}
	}
	for i, p := range paths {
		if err := os.Rename(temps[i], p); err != nil {
			clean()
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	return nil
}
