package explorer

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/indicators/figures"
	"github.com/ictstat/ictstat/indicators/translations"
)

// Views are the explorer's views.
var Views = []string{"trend", "map", "ranking", "table", "scorecard"}

// DownloadFormats are the formats of a download: the data shown, or the chart shown.
var DownloadFormats = []string{"csv", "xlsx", "png", "svg", "pdf"}

// MaxLines is the most lines a trend download draws: one per colour of the palette.
var MaxLines = len(chart.Palette)

// MaxPixels is the most pixels a chart download is wide or high.
const MaxPixels = 2400

// DownloadRequest is what a download asks for: the view's state (docs/explorer.md) and the format.
type DownloadRequest struct {
	View      string
	Format    string
	Indicator string
	Entities  []string
	Breakdown string // total (default), sex, area or age
	Target    string // framework:code
	Year      int    // 0: the latest year with economies' values
	Classes   string // quantile (default) or fixed
	Filter    string // a group whose members the map and the ranking show
	Framework string
	Entity    string     // the scorecard's economy or group; default WLD
	Size      chart.Size // zero: chart.DefaultSize (a ranking as high as its bars need)
	Lang      string     // the language of a chart's text ("" or en: English; translations.Languages)
}

// ParseDownload reads a download request from the parameters of the view (as the fragment has
// them) and format and size; errors name the parameter and wrap ErrRequest.
func ParseDownload(p map[string]string) (DownloadRequest, error) {
	r := DownloadRequest{View: p["view"], Format: strings.ToLower(p["format"]), Indicator: p["indicator"], Breakdown: p["breakdown"],
		Target: p["target"], Classes: p["classes"], Filter: p["filter"], Framework: p["framework"], Entity: p["entity"], Lang: p["lang"]}
	if r.Lang == "" {
		r.Lang = "en"
	}
	if _, ok := translations.Lookup(r.Lang); !ok {
		return r, requestError("lang %q: want one of en, ar, fa, fr, es, ru, zh", r.Lang)
	}
	if !slices.Contains(Views, r.View) {
		return r, requestError("view %q: want %s", r.View, strings.Join(Views, ", "))
	}
	if !slices.Contains(DownloadFormats, r.Format) {
		return r, requestError("format %q: want csv or xlsx (the data shown) or png, svg or pdf (the chart shown)", r.Format)
	}
	for _, e := range strings.Split(p["entities"], ",") {
		if e = strings.TrimSpace(e); e != "" {
			r.Entities = append(r.Entities, e)
		}
	}
	if r.Breakdown == "" {
		r.Breakdown = "total"
	}
	if !slices.Contains(Breakdowns, r.Breakdown) {
		return r, requestError("breakdown %q: want %s", r.Breakdown, strings.Join(Breakdowns, ", "))
	}
	if r.Classes == "" {
		r.Classes = "quantile"
	}
	if r.Classes != "quantile" && r.Classes != "fixed" {
		return r, requestError("classes %q: want quantile or fixed", r.Classes)
	}
	if y := p["year"]; y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1960 || n > 2100 {
			return r, requestError("year %q: want a year from 1960 to 2100", y)
		}
		r.Year = n
	}
	if s := p["size"]; s != "" {
		size, err := chart.ParseSize(s)
		if err != nil {
			return r, requestError("size: %v", err)
		}
		if w, h := size.Pixels(); w > MaxPixels || h > MaxPixels {
			return r, requestError("size %s is %dx%d px; downloads are drawn up to %d px", s, w, h, MaxPixels)
		}
		r.Size = size
	}
	switch r.View {
	case "trend", "table":
		if r.Indicator == "" {
			return r, requestError("indicator is required for the %s view", r.View)
		}
		if len(r.Entities) == 0 {
			return r, requestError("entities is required for the %s view: economies and groups, comma-separated, e.g. KEN,WLD", r.View)
		}
		if r.View == "table" && isChart(r.Format) {
			return r, requestError("format %s: the table view has no chart; download csv or xlsx", r.Format)
		}
	case "map", "ranking":
		if r.Indicator == "" {
			return r, requestError("indicator is required for the %s view", r.View)
		}
	case "scorecard":
		if r.Framework == "" {
			return r, requestError("framework is required for the scorecard view, e.g. wsis_geneva_2003")
		}
		if r.Entity == "" {
			r.Entity = "WLD"
		}
	}
	return r, nil
}

func isChart(format string) bool { return format == "png" || format == "svg" || format == "pdf" }

// ContentTypes are the media types of the download formats.
var ContentTypes = map[string]string{
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"png":  "image/png",
	"svg":  "image/svg+xml",
	"pdf":  "application/pdf",
}

// Download writes what a download asks for to w and returns its media type and a file name.
// db is the database figures draw from (the scorecard of the Geneva targets, the map); it is the
// one the Source reads, unless the Source reads the data as of a date, when those charts are
// refused. Errors in the request wrap ErrRequest.
func (s *Source) Download(ctx context.Context, db *sql.DB, r DownloadRequest, w io.Writer) (contentType, filename string, err error) {
	m, err := s.loadMeta(ctx)
	if err != nil {
		return "", "", err
	}
	if r.View != "scorecard" {
		if _, err := m.indicator(r.Indicator); err != nil {
			return "", "", err
		}
	}
	var buf bytes.Buffer
	switch r.View {
	case "trend", "table":
		err = s.downloadTrend(ctx, m, r, &buf)
	case "map", "ranking":
		_, err = s.downloadYear(ctx, db, m, r, &buf)
	case "scorecard":
		err = s.downloadScorecard(ctx, db, m, r, &buf)
	}
	if err != nil {
		return "", "", err
	}
	_, err = buf.WriteTo(w)
	return ContentTypes[r.Format], r.Filename(), err
}

// Filename is the name a download is saved under, e.g. ictstat-trend-internet_use_pct.png.
func (r DownloadRequest) Filename() string {
	name := "ictstat-" + SafeName(r.View)
	if r.View == "scorecard" {
		name += "-" + SafeName(r.Framework) + "-" + SafeName(strings.ToLower(r.Entity))
	} else {
		name += "-" + SafeName(r.Indicator)
		if r.Filter != "" {
			name += "-" + SafeName(strings.ToLower(r.Filter))
		}
		if r.Year != 0 && (r.View == "map" || r.View == "ranking") {
			name += "-" + strconv.Itoa(r.Year)
		}
	}
	return name + "." + SafeName(r.Format)
}

// part is one line of a breakdown: a sex, area and age.
type part struct{ sex, area, age string }

// parts are the lines a breakdown shows in an entity's rows: the total, or each value of the
// breakdown but the total, with the other two at their totals.
func parts(rows []Row, breakdown string) []part {
	if breakdown == "total" {
		return []part{{"total", "total", "total"}}
	}
	var out []part
	for _, r := range rows {
		var p part
		switch {
		case breakdown == "sex" && r.Sex != "total" && r.Area == "total" && r.Age == "total":
			p = part{r.Sex, "total", "total"}
		case breakdown == "area" && r.Area != "total" && r.Sex == "total" && r.Age == "total":
			p = part{"total", r.Area, "total"}
		case breakdown == "age" && r.Age != "total" && r.Sex == "total" && r.Area == "total":
			p = part{"total", "total", r.Age}
		default:
			continue
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// value is the part's value of the breakdown: "female", "rural", "15-24".
func (p part) value(breakdown string) string {
	switch breakdown {
	case "sex":
		return p.sex
	case "area":
		return p.area
	case "age":
		return p.age
	}
	return "total"
}

// label names a part in a line's label: "women", "rural", "aged 15-24".
func (p part) label() string {
	switch {
	case p.sex == "female":
		return "women"
	case p.sex == "male":
		return "men"
	case p.sex != "total":
		return p.sex
	case p.area != "total":
		return p.area
	case p.age != "total":
		return "aged " + p.age
	}
	return ""
}

// TrendRows are the rows a trend or table of the entities shows for a breakdown: each entity's
// line (Series) of each value of the breakdown, sorted as an indicator's rows are.
func (s *Source) TrendRows(ctx context.Context, indicator string, entities []string, breakdown string) ([]Row, error) {
	d, m, err := s.data(ctx, indicator)
	if err != nil {
		return nil, err
	}
	codes, err := m.entityCodes(entities)
	if err != nil {
		return nil, err
	}
	var out []Row
	for _, e := range codes {
		rows := d.entityRows(e)
		for _, p := range parts(rows, breakdown) {
			out = append(out, Series(rows, p.sex, p.area, p.age)...)
		}
	}
	slices.SortFunc(out, compareRows)
	return out, nil
}

func (s *Source) downloadTrend(ctx context.Context, m *meta, r DownloadRequest, w *bytes.Buffer) error {
	d, _, err := s.data(ctx, r.Indicator)
	if err != nil {
		return err
	}
	in := d.info
	var tgt *targetInfo
	if r.Target != "" {
		for i, t := range d.targets {
			if t.key() == r.Target {
				tgt = &d.targets[i]
			}
		}
		if tgt == nil {
			var keys []string
			for _, t := range d.targets {
				keys = append(keys, t.key())
			}
			if len(keys) == 0 {
				return requestError("target %q: no target has a line on %s", r.Target, in.code)
			}
			return requestError("target %q: the targets drawn on %s are %s", r.Target, in.code, strings.Join(keys, ", "))
		}
	}
	var rows []Row
	if r.View == "table" {
		doc, err := s.Indicator(ctx, in.code, r.Entities)
		if err != nil {
			return err
		}
		rows = doc.Rows
	} else if rows, err = s.TrendRows(ctx, in.code, r.Entities, r.Breakdown); err != nil {
		return err
	}
	editions, source := d.sources(m, rows)
	if !isChart(r.Format) {
		return writeData(w, r.Format, in, rows, editions, source)
	}
	codes, _ := m.entityCodes(r.Entities)
	c := chart.Trend{YMin: math.NaN(), YMax: math.NaN()}
	if in.unitKind == "percent" {
		c.YMin, c.YMax = 0, 100
	}
	// As the page draws them: each entity in its colour, by its place among the entities chosen;
	// with a breakdown, each of its values in a dash pattern (the first in their sorted order
	// solid, the second dashed, ...), the same for every entity, and the legend keyed so.
	var values []part
	if r.Breakdown != "total" {
		for _, e := range codes {
			all := d.entityRows(e)
			for _, p := range parts(all, r.Breakdown) {
				if len(Series(all, p.sex, p.area, p.age)) > 0 && !slices.Contains(values, p) {
					values = append(values, p)
				}
			}
		}
		slices.SortFunc(values, func(a, b part) int { return strings.Compare(a.value(r.Breakdown), b.value(r.Breakdown)) })
		for _, p := range values {
			c.Patterns = append(c.Patterns, p.label())
		}
	}
	var projected []int
	for color, e := range codes {
		all := d.entityRows(e)
		for _, p := range parts(all, r.Breakdown) {
			line := Series(all, p.sex, p.area, p.age)
			if len(line) == 0 {
				continue
			}
			l := chart.Line{Label: m.entities[e].name, Color: color, Pattern: slices.Index(values, p)}
			if l.Pattern < 0 {
				l.Pattern = 0
			}
			for _, x := range line {
				l.Points = append(l.Points, chart.Point{X: float64(x.Year), Y: x.Value, Estimated: x.Hollow()})
				if x.HasInterval() {
					l.ErrorBars = append(l.ErrorBars, chart.Interval{X: float64(x.Year), Low: x.CILow, High: x.CIHigh})
				}
			}
			c.Lines = append(c.Lines, l)
			if tgt == nil || p != (part{"total", "total", "total"}) {
				continue
			}
			for _, pr := range d.entityProjections(e) {
				if pr.Target != tgt.key() {
					continue
				}
				pl := chart.Line{Dashed: true, Color: color}
				for _, pt := range pr.Points {
					pl.Points = append(pl.Points, chart.Point{X: pt[0], Y: pt[1], Estimated: true})
					pl.Band = append(pl.Band, chart.Interval{X: pt[0], Low: pt[2], High: pt[3]})
				}
				projected = append(projected, len(c.Lines))
				c.Lines = append(c.Lines, pl)
			}
		}
	}
	if n := len(c.Lines) - len(projected); n == 0 {
		return requestError("entities: no data on %s for %s in the %s breakdown", in.code, strings.Join(codes, ", "), r.Breakdown)
	} else if n > MaxLines {
		return requestError("entities: the chart would have %d lines, and draws at most %d: choose fewer entities or another breakdown", n, MaxLines)
	}
	if len(projected) > 3 { // more bands hide one another
		for _, i := range projected {
			c.Lines[i].Band = nil
		}
	}
	words := chartWords(r.Lang)
	name, unit := words.indicator(in)
	title := name
	if r.Breakdown != "total" {
		title += ", by " + r.Breakdown
	}
	c.Meta = chart.Meta{Title: title, XLabel: words.UI("Year"), YLabel: unit, Source: source, Lang: r.Lang, Words: words.Words}
	if tgt != nil {
		c.Target = &chart.Reference{Value: tgt.level(), Label: targetLabel(*tgt, in.unit)}
		c.Deadline = &chart.Reference{Value: float64(tgt.deadline), Label: fmt.Sprintf(words.UI("deadline %d"), tgt.deadline)}
		if len(projected) > 0 {
			c.Subtitle = fmt.Sprintf(words.UI("Dashed: the fitted trend projected to %d"), tgt.deadline)
		}
	}
	return render(c, r, w)
}

// targetLabel reads e.g. "UMC 2030 target UMC.1: 100% by 2030 (met at 95%)".
func targetLabel(t targetInfo, unit string) string {
	value := func(v float64) string {
		if strings.HasPrefix(unit, "%") {
			return strconv.FormatFloat(v, 'g', -1, 64) + "%"
		}
		return strconv.FormatFloat(v, 'g', -1, 64) + " " + unit
	}
	fw := shortNames()[t.framework]
	if fw == "" {
		fw = t.framework
	}
	cmp := map[string]string{"gt": "more than ", "le": "at most ", "lt": "less than "}[t.comparator]
	s := fmt.Sprintf("%s target %s: %s%s by %d", fw, t.target, cmp, value(t.value.Float64), t.deadline)
	if t.metAt.Valid && t.metAt.Float64 != t.value.Float64 {
		s += " (met at " + value(t.metAt.Float64) + ")"
	}
	return s
}

// YearRows are the rows the map (onMap: of the economies with an M49 code, which the map places
// them by) and the ranking show: the total of every economy (of the filter group's current members, when
// given) in the year. Year 0 is, as `ictstat chart map` chooses it, the latest year in which
// more than half of those economies with any value have one, else the year in which the most
// have one. It returns the year.
func (s *Source) YearRows(ctx context.Context, indicator string, year int, filter string, onMap bool) ([]Row, int, error) {
	d, m, err := s.data(ctx, indicator)
	if err != nil {
		return nil, 0, err
	}
	var members []string
	if filter != "" {
		g, err := m.entity(filter)
		if err != nil {
			return nil, 0, requestError("filter %q: no such group (groups such as LDC, ITU_AFR, LMC)", filter)
		}
		if g.kind != "group" {
			return nil, 0, requestError("filter %q: %s is an economy; the filter is a group whose members are shown", filter, g.code)
		}
		if members = m.groups[g.code]; len(members) == 0 {
			return nil, 0, requestError("filter %q: %s has no members ictstat knows (a source's group)", filter, g.code)
		}
	}
	var totals []Row
	reporting := map[string]bool{}
	for _, r := range d.rows {
		if r.Kind == "economy" && r.Sex == "total" && r.Area == "total" && r.Age == "total" &&
			(members == nil || slices.Contains(members, r.Entity)) && (!onMap || m.entities[r.Entity].m49 != "") {
			totals = append(totals, r)
			reporting[r.Entity] = true
		}
	}
	if year == 0 {
		// A year only the earliest publishers have reached makes a poor default.
		count := map[int]int{}
		for _, r := range totals {
			count[r.Year]++
		}
		best := 0
		for y, n := range count {
			if 2*n > len(reporting) && y > year {
				year = y
			}
			if n > count[best] || (n == count[best] && y > best) {
				best = y
			}
		}
		if year == 0 {
			year = best
		}
		if year == 0 {
			return nil, 0, requestError("indicator %s has no values for economies%s", d.info.code, inFilter(filter))
		}
	}
	var out []Row
	for _, r := range totals {
		if r.Year == year {
			out = append(out, r)
		}
	}
	return out, year, nil
}

func inFilter(filter string) string {
	if filter == "" {
		return ""
	}
	return " in " + filter
}

func (s *Source) downloadYear(ctx context.Context, db *sql.DB, m *meta, r DownloadRequest, w *bytes.Buffer) (int, error) {
	d, _, err := s.data(ctx, r.Indicator)
	if err != nil {
		return 0, err
	}
	in := d.info
	rows, year, err := s.YearRows(ctx, in.code, r.Year, r.Filter, r.View == "map")
	if err != nil {
		return 0, err
	}
	editions, source := d.sources(m, rows)
	if !isChart(r.Format) {
		return year, writeData(w, r.Format, in, rows, editions, source)
	}
	if len(rows) == 0 {
		return 0, requestError("year %d: no economy has a value of %s%s", year, in.code, inFilter(r.Filter))
	}
	if r.View == "map" {
		if s.opts.NoDerived || db == nil {
			return 0, requestError("as_of: the map chart is drawn from the data as they are now; download its csv or xlsx, or build a site with --as-of")
		}
		return year, s.mapChart(ctx, db, r, in, year, w)
	}
	c := chart.Ranking{Ascending: in.polarity == "lower"}
	for _, x := range rows {
		c.Bars = append(c.Bars, chart.Bar{Label: shortName(m.entities[x.Entity].name), Value: x.Value, Year: x.Year, Estimated: x.Hollow()})
	}
	words := chartWords(r.Lang)
	name, unit := words.indicator(in)
	title := fmt.Sprintf("%s, %d", name, year)
	if r.Filter != "" {
		g, _ := m.entity(r.Filter)
		title = words.Key(translations.GroupKey(g.code), g.name) + ": " + title
	}
	c.Meta = chart.Meta{Title: title, XLabel: unit, Source: source, Lang: r.Lang, Words: words.Words}
	if r.Target != "" {
		for _, t := range d.targets {
			if t.key() == r.Target {
				c.Target = &chart.Reference{Value: t.level(), Label: targetLabel(t, in.unit)}
			}
		}
		if c.Target == nil {
			return 0, requestError("target %q: no target has a line on %s", r.Target, in.code)
		}
	}
	if r.Size == (chart.Size{}) {
		// As high as the bars need, up to the largest chart drawn.
		r.Size = chart.DefaultSize
		r.Size.Height = math.Min(100, math.Max(r.Size.Height, 4+0.42*float64(len(c.Bars))))
		if _, h := r.Size.Pixels(); h > 4*MaxPixels {
			r.Size.Height = 4 * MaxPixels / r.Size.DPI * 2.54
		}
	}
	return year, render(c, r, w)
}

// shortName trims the UN's formal additions ("Bolivia (Plurinational State of)") from bar labels.
func shortName(name string) string {
	if i := strings.Index(name, " ("); i > 0 {
		return name[:i]
	}
	return name
}

func (s *Source) downloadScorecard(ctx context.Context, db *sql.DB, m *meta, r DownloadRequest, w *bytes.Buffer) error {
	doc, err := s.Progress(ctx, r.Framework, r.Entity)
	if err != nil {
		return err
	}
	e, _ := m.entity(r.Entity)
	if !isChart(r.Format) {
		return writeProgress(w, r.Format, doc, m)
	}
	var c chart.Chart
	if r.Framework == "wsis_geneva_2003" && db != nil {
		c, err = figures.Build(ctx, db, figures.Request{Kind: figures.Scorecard, Entities: []string{e.code}, Lang: r.Lang})
		if err != nil {
			return err
		}
	} else {
		sc := chart.Scorecard{}
		for _, x := range doc.Rows {
			label := x.Target + " " + x.Indicator
			if in := m.indicators[x.Indicator]; in != nil {
				label = x.Target + " " + in.name
			}
			if kind := measureKind(x.Measure); kind != "level" {
				label += " (" + kind + ")"
			}
			sc.Rows = append(sc.Rows, chart.ScoreRow{Label: label, Baseline: x.Baseline, Latest: x.Latest, Target: x.Level,
				BaselineYear: x.BaselineYear, LatestYear: x.LatestYear, Status: x.Class})
		}
		if len(sc.Rows) == 0 {
			return requestError("entity %q: no target of %s is assessed for it", r.Entity, r.Framework)
		}
		name := r.Framework
		for _, f := range m.frameworks {
			if f.code == r.Framework {
				name = f.name
			}
		}
		sc.Meta = chart.Meta{Title: name + ": " + e.name,
			Subtitle: "Baseline (hollow) to the latest year (filled), the target marked; the status is the progress class",
			XLabel:   "the target's measure", Source: m.sourceLine(&indicatorInfo{custodian: "ITU"}, m.edOrder, false) + " Progress assessed by ictstat."}
		c = sc
	}
	return render(c, r, w)
}

// render draws c in the request's format and size.
func render(c chart.Chart, r DownloadRequest, w io.Writer) error {
	size := r.Size
	if size == (chart.Size{}) {
		size = chart.DefaultSize
	}
	return chart.Render(c, r.Format, size, w)
}

// writeData writes rows as CSV or XLSX.
func writeData(w io.Writer, format string, in *indicatorInfo, rows []Row, editions []Edition, source string) error {
	if format == "csv" {
		return WriteCSV(w, rows)
	}
	return WriteXLSX(w, in.name, in.code, rows, editions, source, time.Now())
}

// writeProgress writes a progress document's rows as CSV or XLSX.
func writeProgress(w io.Writer, format string, doc *Progress, m *meta) error {
	cells := func(x ProgressRow) []any {
		year := func(y int) any {
			if y == 0 {
				return nil
			}
			return y
		}
		return []any{x.Entity, x.Target, x.Indicator, x.Wording, year(x.BaselineYear), x.Baseline, year(x.LatestYear), x.Latest,
			x.Level, year(x.Deadline), x.Class, x.Ratio, x.Anticipated, x.ProjectedYear, x.Measure}
	}
	if format == "csv" {
		cw := csv.NewWriter(w)
		cw.Write(ProgressColumns)
		for _, x := range doc.Rows {
			var rec []string
			for _, v := range cells(x) {
				switch v := v.(type) {
				case nil:
					rec = append(rec, "")
				case int:
					rec = append(rec, strconv.Itoa(v))
				case float64:
					if math.IsNaN(v) {
						rec = append(rec, "")
					} else {
						rec = append(rec, strconv.FormatFloat(v, 'g', -1, 64))
					}
				case string:
					rec = append(rec, query.EscapeFormula(v))
				}
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	}
	wb, err := newWorkbook("ictstat progress: " + doc.Framework)
	if err != nil {
		return err
	}
	if _, err := wb.AddRows(doc.Framework, ProgressColumns, func(yield func([]any) bool) {
		for _, x := range doc.Rows {
			if !yield(cells(x)) {
				return
			}
		}
	}); err != nil {
		return err
	}
	notes := [][]string{{"edition", "citation", "licence"}}
	for _, e := range m.edOrder {
		ed := m.editions[e].doc()
		licence := "not recorded"
		if ed.Licence != nil {
			licence = *ed.Licence
		}
		notes = append(notes, []string{ed.Edition, ed.Citation, licence})
	}
	if err := wb.AddNotes("sources", notes); err != nil {
		return err
	}
	return wb.Write(w)
}

// words translate a chart's names into a download's language.
type words struct{ *translations.Words }

// chartWords are the words of lang (nil Words, English, when the catalogue does not load).
func chartWords(lang string) words {
	c, err := translations.Default()
	if err != nil || lang == "" || lang == translations.Source {
		return words{}
	}
	return words{c.For(lang)}
}

// UI is the translation of an interface string (the English with no Words).
func (w words) UI(english string) string {
	if w.Words == nil {
		return english
	}
	return w.Words.UI(english)
}

// Key is the translation of the string key names (the English with no Words).
func (w words) Key(key, english string) string {
	if w.Words == nil {
		return english
	}
	return w.Words.Key(key, english)
}

// indicator is an indicator's name and unit.
func (w words) indicator(in *indicatorInfo) (name, unit string) {
	name, unit = w.Key(translations.IndicatorKey(in.code, "name"), in.name), in.unit
	if unit != "" {
		unit = w.Key(translations.IndicatorKey(in.code, "unit"), in.unit)
	}
	return name, unit
}
