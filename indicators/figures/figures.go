// Package figures makes the charts report authors need from the store: trends of an indicator
// for economies and groups with targets and projections, gender and urban/rural gaps, small
// multiples over a group's members, rankings, the Geneva-targets scorecard, and choropleth maps of
// one year. It chooses the data, labels and source line; engine/chart draws.
//
// Economies are drawn from their observations in the newest edition, estimated points being the
// ones their producer flags as estimates; nothing is interpolated, so gaps in the data stay gaps.
// Groups are drawn from ictstat's aggregates (estimated where less than half of the group's
// population reported), or from the aggregates their source publishes where ictstat has none.
// A projection is the trend the progress engine fits to the same series, so that it ends at the
// value the progress view anticipates.
package figures

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/progress"
	"github.com/ictstat/ictstat/indicators/report"
	"github.com/ictstat/ictstat/indicators/targets"
	"github.com/ictstat/ictstat/indicators/translations"
)

// Kinds of figure.
const (
	Trend          = "trend"
	Gap            = "gap"
	SmallMultiples = "small-multiples"
	Ranking        = "ranking"
	Scorecard      = "scorecard"
	Map            = "map"
)

// Kinds lists them.
var Kinds = []string{Trend, Gap, SmallMultiples, Ranking, Scorecard, Map}

// MaxLines is the most series a trend or parity figure shows: one per colour of the palette.
const MaxLines = 7

// MaxBars is the most bars a ranking shows.
const MaxBars = 60

// autoIntervals is the most projections whose intervals a trend shades by default; with more,
// the bands hide one another.
const autoIntervals = 3

// estimatedFlags are the observation flags drawn as estimates (engine/validate/codelists.csv):
// estimated, modelled, forecast, and custodian data for global monitoring.
const estimatedFlags = "('E', 'M', 'F', 'G')"

// ErrRequest marks an error in what a request asks for (an unknown code, an empty selection),
// as opposed to a failure of the database.
var ErrRequest = errors.New("figure request")

func requestError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRequest, fmt.Sprintf(format, args...))
}

// Request says what a figure shows.
type Request struct {
	Kind      string
	Indicator string // ictstat code, or a WDI, ITU, SDG or DDF code of the catalogue
	// Entities are economies (ISO3) or groups (WLD, LDC, ITU_AFR, ...): the lines of a trend or a
	// parity figure, the one entity of a gap figure or a scorecard, the bars of a ranking.
	Entities []string
	// Group: for small multiples and rankings, the group whose members are shown; for a map, the
	// economies in scope (the others are drawn plain grey).
	Group    string
	From, To int    // years; 0: all
	Target   string // framework:code, e.g. umc_2030:UMC.1, or a code unique across frameworks
	Split    string // gap: "sex" (default) or "area"
	Parity   bool   // gap: the parity score of each entity over time instead of the two series
	Title    string // replaces the title ictstat writes
	// Intervals: whether a trend shades the 95% interval of its projections: "auto" (or "") for
	// up to three projected lines, "all", or "none".
	Intervals string
	// Year: the year a map shows, each economy's value of exactly that year; 0 is the latest year
	// in which most economies in scope (more than half of those with any value of the indicator)
	// have a value, or if there is none, the year in which the most have one.
	Year int
	// Classes: a map's classes, "quantile" (the default: quintiles of the year's values shown) or
	// "fixed" (five equal steps from 0 to 100 for percentages, else to the indicator's largest
	// value over all years rounded up; the same for every year), as docs/explorer.md defines them.
	Classes string
	// Lang is the language of the figure's text: "" or "en" (English), "ar", "fa", "fr", "es",
	// "ru" or "zh" (indicators/translations). Digits is "native" for the language's own digits.
	Lang, Digits string
}

// Build makes the figure a request asks for, from the store's newest editions and its computed
// aggregates and progress. Errors in the request wrap ErrRequest. To draw several figures, a
// Source reads each indicator once.
func Build(ctx context.Context, db *sql.DB, req Request) (chart.Chart, error) {
	return NewSource(db).Build(ctx, req)
}

// Build makes the figure a request asks for, as the package function Build does.
func (s *Source) Build(ctx context.Context, req Request) (chart.Chart, error) {
	req.Entities = slices.Clone(req.Entities)
	b := &builder{ctx: ctx, src: s, req: req, editions: map[string]bool{}}
	if err := b.language(); err != nil {
		return nil, err
	}
	if err := b.load(); err != nil {
		return nil, err
	}
	switch req.Kind {
	case Trend:
		return b.trend()
	case Gap:
		return b.gap()
	case SmallMultiples:
		return b.smallMultiples()
	case Ranking:
		return b.ranking()
	case Map:
		return b.worldMap()
	}
	return b.scorecard()
}

type builder struct {
	ctx context.Context
	src *Source
	req Request
	cat *catalogue
	ind indicatorInfo
	tgt *targets.Target
	fw  targets.Framework
	w   *translations.Words // the figure's language's words; nil: English
	// what the figure drew, for its source line
	editions   map[string]bool
	aggregated bool // some values are ictstat's aggregates
	nowcasts   bool // some group values drawn rest on nowcasts
	bars       bool // some group values are drawn with their nowcasts' intervals
}

// load checks the request against the store: the kind, the indicator, the entities, the years,
// the target.
func (b *builder) load() error {
	r := &b.req
	if !slices.Contains(Kinds, r.Kind) {
		return requestError("unknown kind of chart %q; kinds: %s", r.Kind, strings.Join(Kinds, ", "))
	}
	var err error
	if b.cat, err = b.src.catalogue(b.ctx); err != nil {
		return err
	}
	if r.Kind != Scorecard {
		if r.Indicator == "" {
			return requestError("a %s chart needs an indicator", r.Kind)
		}
		if err := b.indicator(r.Indicator); err != nil {
			return err
		}
	}
	for i, e := range r.Entities {
		code, _, _, err := b.entity(e)
		if err != nil {
			return err
		}
		r.Entities[i] = code
	}
	if r.Group != "" {
		code, _, kind, err := b.entity(r.Group)
		if err != nil {
			return err
		}
		if kind != "group" {
			return requestError("%s is an economy, not a group", code)
		}
		r.Group = code
	}
	for _, y := range []int{r.From, r.To} {
		if y != 0 && (y < 1960 || y > 2100) {
			return requestError("year %d is outside 1960–2100", y)
		}
	}
	if r.From != 0 && r.To != 0 && r.From > r.To {
		return requestError("the years run from %d to %d: --from must not be after --to", r.From, r.To)
	}
	switch r.Intervals {
	case "", "auto", "all", "none":
	default:
		return requestError("intervals %q: want auto, all or none", r.Intervals)
	}
	if err := b.checkMap(); err != nil {
		return err
	}
	if r.Target != "" {
		if r.Kind == Gap || r.Kind == Scorecard || r.Kind == Map {
			return requestError("a %s chart takes no target", r.Kind)
		}
		t, fw, err := findTarget(b.cat.frameworks, r.Target, b.ind.code)
		if err != nil {
			return err
		}
		b.tgt, b.fw = &t, fw
	}
	return nil
}

// indicator looks the indicator up by any of its codes; an unknown code is answered with the
// closest codes of the catalogue.
func (b *builder) indicator(code string) error {
	if in, ok := b.cat.indicators[code]; ok {
		b.ind = in
		return nil
	}
	near, err := b.src.closest(b.ctx, `SELECT indicator, name FROM main.indicators
		ORDER BY jaro_winkler_similarity(lower(indicator), lower($1)) DESC, indicator LIMIT 3`, code)
	if err != nil {
		return err
	}
	return requestError("no indicator %q; the closest are %s (all of them: ictstat info)", code, near)
}

// findTarget finds the target measured by the indicator itself, by framework:code or by a code
// only one framework has.
func findTarget(fws []targets.Framework, ref, indicator string) (targets.Target, targets.Framework, error) {
	fwCode, code, qualified := strings.Cut(ref, ":")
	if !qualified {
		code, fwCode = fwCode, ""
	}
	var found []targets.Target
	var measures []string
	for _, f := range fws {
		for _, t := range f.Targets {
			if t.Code != code || (fwCode != "" && t.Framework != fwCode) || !t.Measured() {
				continue
			}
			if t.Measure == indicator {
				found = append(found, t)
			} else {
				measures = append(measures, t.Measure)
			}
		}
	}
	switch {
	case len(found) == 0 && len(measures) > 0:
		return targets.Target{}, targets.Framework{}, requestError("target %s measures %s, not %s", ref, strings.Join(measures, " and "), indicator)
	case len(found) == 0:
		return targets.Target{}, targets.Framework{}, requestError("no measurable target %q (write framework:code, e.g. umc_2030:UMC.1; ictstat progress lists them)", ref)
	case len(found) > 1:
		return targets.Target{}, targets.Framework{}, requestError("target %q is in several frameworks: write framework:code", ref)
	}
	fw, _ := targets.Find(fws, found[0].Framework)
	if found[0].Basis != "absolute" {
		return targets.Target{}, targets.Framework{}, requestError("target %s is set relative to each series' baseline value, so it has no single line to draw", ref)
	}
	return found[0], fw, nil
}

// entity returns the code, name and kind (economy or group) of an economy or group, named as
// store.FindEntity accepts (an ISO3 or group code in any case, an M49 code, a name); an unknown
// one is answered with the closest.
func (b *builder) entity(code string) (canonical, name, kind string, err error) {
	for _, c := range []string{code, strings.ToUpper(code)} {
		if e, ok := b.cat.entities[c]; ok {
			return e.code, e.name, e.kind, nil
		}
	}
	found, err := store.FindEntity(b.ctx, b.src.db, code, false)
	var unknown *store.EntityError
	if errors.As(err, &unknown) {
		return "", "", "", requestError("%v", err)
	}
	if err != nil {
		return "", "", "", err
	}
	e, ok := b.cat.entities[found.Code]
	if !ok {
		return "", "", "", requestError("no economy or group %q", code)
	}
	return e.code, e.name, e.kind, nil
}

// name is the name of a code load has checked, in the figure's language.
func (b *builder) name(code string) string {
	e := b.cat.entities[code]
	if e.kind == "group" {
		return b.w.Key(translations.GroupKey(code), e.name)
	}
	return translations.DisplayName(b.req.Lang, b.w.Key(translations.EconomyKey(code), e.name))
}

// language checks the request's language and digits and takes the words of the language.
func (b *builder) language() error {
	if err := translations.CheckDigits(b.req.Digits); err != nil {
		return requestError("%v", err)
	}
	w, err := translations.WordsOf(b.req.Lang)
	if err != nil {
		return requestError("language %v", err)
	}
	if w != nil {
		b.w = b.src.wordsFor(w)
	}
	return nil
}

// ui is the interface string english in the figure's language.
func (b *builder) ui(english string) string { return b.w.UI(english) }

// indName is the indicator's name in the figure's language.
func (b *builder) indName() string {
	return b.w.Key(translations.IndicatorKey(b.ind.code, "name"), b.ind.name)
}

// unit is the indicator's unit in the figure's language.
func (b *builder) unit() string {
	return b.w.Key(translations.IndicatorKey(b.ind.code, "unit"), b.ind.unit)
}

// series is an entity's values of the indicator for one breakdown in the years asked, as the
// package comment says; it notes the editions it drew on.
func (b *builder) series(code, sex, area string) ([]chart.Point, error) {
	k := seriesKey{code, sex, area}
	if b.cat.entities[code].kind == "economy" {
		d, err := b.src.data(b.ctx, b.ind.code, observations)
		if err != nil {
			return nil, err
		}
		return b.inYears(d.observations[k]), nil
	}
	d, err := b.src.data(b.ctx, b.ind.code, aggregates)
	if err != nil {
		return nil, err
	}
	if pts := d.aggregates[k]; len(pts) > 0 {
		if d, err = b.src.data(b.ctx, b.ind.code, observations); err != nil {
			return nil, err
		}
		for e := range d.memberEditions[[2]string{sex, area}] {
			b.editions[e] = true
		}
		b.aggregated = true
		return b.inYears(pts), nil
	}
	if d, err = b.src.data(b.ctx, b.ind.code, published); err != nil {
		return nil, err
	}
	return b.inYears(d.published[k]), nil
}

// errorBars are the intervals of an entity's series in the years asked, where it has them: an
// economy's where its producer gives them (survey estimates), a group's where nowcasts enter its
// value; nil when it has none.
func (b *builder) errorBars(code, sex, area string) []chart.Interval {
	var pts []point
	if b.cat.entities[code].kind == "economy" {
		d, err := b.src.data(b.ctx, b.ind.code, observations)
		if err != nil {
			return nil
		}
		pts = d.observations[seriesKey{code, sex, area}]
	} else {
		d, err := b.src.data(b.ctx, b.ind.code, aggregates)
		if err != nil {
			return nil
		}
		pts = d.aggregates[seriesKey{code, sex, area}]
	}
	from, to := b.years()
	var out []chart.Interval
	for _, p := range pts {
		if p.year >= from && p.year <= to && !math.IsNaN(p.low) && !math.IsNaN(p.high) {
			out = append(out, chart.Interval{X: float64(p.year), Low: p.low, High: p.high})
		}
	}
	if len(out) > 0 && b.cat.entities[code].kind != "economy" {
		b.nowcasts, b.bars = true, true // a group's intervals are its nowcasts'
	}
	return out
}

// assessed are the points of a line the progress engine assesses: for a group, those of the
// years not published on nowcasts.
func (b *builder) assessed(code string, pts []chart.Point) []chart.Point {
	if b.cat.entities[code].kind == "economy" {
		return pts
	}
	d, err := b.src.data(b.ctx, b.ind.code, aggregates)
	if err != nil {
		return pts
	}
	nowcast := map[float64]bool{}
	for _, p := range d.aggregates[seriesKey{code, "total", "total"}] {
		nowcast[float64(p.year)] = p.nowcast
	}
	var out []chart.Point
	for _, p := range pts {
		if !nowcast[p.X] {
			out = append(out, p)
		}
	}
	return out
}

// inYears are the points in the years asked, for a chart, noting their editions.
func (b *builder) inYears(pts []point) []chart.Point {
	from, to := b.years()
	var out []chart.Point
	for _, p := range pts {
		if p.year < from || p.year > to {
			continue
		}
		out = append(out, chart.Point{X: float64(p.year), Y: p.value, Estimated: p.estimated})
		if p.edition != "" {
			b.editions[p.edition] = true
		}
	}
	return out
}

func (b *builder) years() (int, int) {
	from, to := b.req.From, b.req.To
	if from == 0 {
		from = 1960
	}
	if to == 0 {
		to = 2100
	}
	return from, to
}

// meta writes the title, axis labels and source line.
func (b *builder) meta(title string) chart.Meta {
	if b.req.Title != "" {
		title = b.req.Title
	}
	return chart.Meta{Title: title, XLabel: b.ui("Year"), YLabel: b.unit(), Source: b.source(), Lang: b.req.Lang, Digits: b.req.Digits, Words: b.w}
}

// span is ", 2005–2024" for the years asked, or "": for messages about the request.
func (b *builder) span() string {
	if b.req.From != 0 && b.req.To != 0 {
		return fmt.Sprintf(", %d–%d", b.req.From, b.req.To)
	}
	return ""
}

// inSpan is " in 2005–2024" for the years asked, or "".
func (b *builder) inSpan() string {
	if b.req.From != 0 && b.req.To != 0 {
		return fmt.Sprintf(" in %d–%d", b.req.From, b.req.To)
	}
	return ""
}

// drawnSpan is a title's years: when the request asks for years, ", 2007–2021" from the first to
// the last year with a point drawn (", 2021" for one year), whatever years were asked; else "".
func (b *builder) drawnSpan(years ...float64) string {
	if b.req.From == 0 && b.req.To == 0 {
		return ""
	}
	first, last := math.Inf(1), math.Inf(-1)
	for _, y := range years {
		first, last = math.Min(first, y), math.Max(last, y)
	}
	switch {
	case math.IsInf(first, 0):
		return ""
	case first == last:
		return fmt.Sprintf("%s%d", translations.Comma(b.req.Lang), int(first))
	}
	return fmt.Sprintf("%s%d–%d", translations.Comma(b.req.Lang), int(first), int(last))
}

// yearsOf are the years of the points of lines, projections (dashed lines) left out.
func yearsOf(lines ...chart.Line) []float64 {
	var out []float64
	for _, l := range lines {
		if l.Dashed {
			continue
		}
		for _, p := range l.Points {
			out = append(out, p.X)
		}
	}
	return out
}

// source names the custodian and the editions the figure's data come from, e.g. "Source: ITU,
// via World Bank WDI (2025 edition)", and how group values were formed when they are ictstat's
// aggregates (of the members' newest editions of the indicator in the breakdowns drawn).
func (b *builder) source() string {
	custodian, _, _ := strings.Cut(b.ind.custodian, " (")
	s := b.cat.sourceLine(b.w, custodian, slices.Sorted(maps.Keys(b.editions)))
	if b.aggregated {
		weight := map[string]string{"population": b.ui("population"), "households": b.ui("households")}[b.ind.weight]
		if weight == "" {
			weight = b.ind.weight
		}
		how := map[string]string{"weighted_mean": fmt.Sprintf(b.ui("means weighted by %s"), weight),
			"median": b.ui("medians"), "sum": b.ui("sums")}[b.ind.aggregation]
		if how == "" {
			how = b.ind.aggregation
		}
		fill := b.ui("gaps filled")
		if b.nowcasts {
			fill += translations.Comma(b.req.Lang) + b.ui("the years after members' last reports nowcast")
		}
		if b.bars {
			fill += translations.Semicolon(b.req.Lang) + b.ui("bars: 95% intervals where nowcasts weigh")
		}
		s += " " + fmt.Sprintf(b.ui("Group values: ictstat aggregates (%s of the members' values, %s)."), how, fill)
	}
	return s
}

// sourceLine names where data of custodian come from, for the editions drawn, in their order: "Source: ITU, via
// World Bank WDI (2025 edition)." for editions that republish the custodian's data, the others by
// their citations alone ("Source: ITU, via World Bank WDI (2025 edition); UBOS survey (2026).").
// Without a custodian (indicators users defined) the editions alone are named.
func (c *catalogue) sourceLine(w *translations.Words, custodian string, editions []string) string {
	var via, own []string
	for _, e := range editions {
		if custodian != "" && c.republished[e] {
			via = append(via, c.citations[e])
		} else {
			own = append(own, c.citations[e])
		}
	}
	var parts []string
	if len(via) > 0 {
		parts = append(parts, fmt.Sprintf(w.UI("%s, via %s"), custodian, joinAnd(via)))
	}
	if len(own) > 0 {
		parts = append(parts, joinAnd(own))
	}
	if len(parts) == 0 {
		parts = append(parts, w.UI("the database's observations"))
	}
	line := w.UI("Source:") + " " + strings.Join(parts, translations.Semicolon(w.Language())) + "."
	if !c.asOf.IsZero() {
		line += " " + fmt.Sprintf(w.UI("Data as published on %s."), c.asOf.Format(time.DateOnly))
	}
	return line
}

// editionsByCitation lists the editions in the order of their citations.
func (c *catalogue) editionsByCitation() []string {
	eds := slices.Collect(maps.Keys(c.citations))
	slices.SortFunc(eds, func(a, b string) int { return strings.Compare(c.citations[a], c.citations[b]) })
	return eds
}

// joinAnd joins "a", "b", "c" as "a, b and c".
func joinAnd(s []string) string { return store.JoinAnd(s) }

func (b *builder) goal() progress.Goal {
	t := b.tgt
	return progress.Goal{Comparator: t.Comparator, Level: t.Level(math.NaN()), Tolerance: t.Tolerance, BaselineYear: t.BaselineYear,
		Deadline: t.Deadline, Range: progress.MeasureRange(b.ind.unitKind, b.ind.min, b.ind.max)}
}

// yearSpan is the years asked for, which the x axis covers.
func (b *builder) yearSpan() chart.Years {
	if b.req.From != 0 && b.req.To != 0 {
		return chart.Years{From: float64(b.req.From), To: float64(b.req.To)}
	}
	return chart.Years{}
}

// percentAxis bounds the y axis of a percentage at 0 and 100.
func (b *builder) percentAxis() (lo, hi float64) {
	if b.ind.unitKind == "percent" {
		return 0, 100
	}
	return math.NaN(), math.NaN()
}

// trend: the indicator over the years for each entity, with the target, its deadline and each
// line's projection to the deadline.
func (b *builder) trend() (chart.Chart, error) {
	r := b.req
	if len(r.Entities) == 0 || len(r.Entities) > MaxLines {
		return nil, requestError("a trend shows 1 to %d economies or groups (--economies), not %d", MaxLines, len(r.Entities))
	}
	c := chart.Trend{Years: b.yearSpan()}
	c.YMin, c.YMax = b.percentAxis()
	var projections []int
	for i, e := range r.Entities {
		pts, err := b.series(e, "total", "total")
		if err != nil {
			return nil, err
		}
		if len(pts) == 0 {
			continue
		}
		bars := b.errorBars(e, "total", "total")
		c.Lines = append(c.Lines, chart.Line{Label: b.name(e), Points: pts, Color: chart.SeriesColor(i), ErrorBars: bars})
		if b.tgt != nil {
			if proj := b.projection(b.assessed(e, pts), chart.SeriesColor(i)); proj != nil {
				projections = append(projections, len(c.Lines))
				c.Lines = append(c.Lines, *proj)
			}
		}
	}
	if len(c.Lines) == 0 {
		return nil, requestError("no data on %s for %s%s", b.ind.code, strings.Join(r.Entities, ", "), b.span())
	}
	bands := r.Intervals == "all" || (r.Intervals != "none" && len(projections) <= autoIntervals)
	if !bands {
		for _, i := range projections {
			c.Lines[i].Band = nil
		}
	}
	c.Meta = b.meta(b.indName() + b.drawnSpan(yearsOf(c.Lines...)...))
	if b.tgt != nil {
		c.Target = &chart.Reference{Value: b.tgt.Level(math.NaN()), Label: b.targetLabel()}
		c.Deadline = &chart.Reference{Value: float64(b.tgt.Deadline), Label: fmt.Sprintf(b.ui("deadline %d"), b.tgt.Deadline)}
		last := 0.0
		for _, l := range c.Lines {
			for _, p := range l.Points {
				last = math.Max(last, p.X)
			}
		}
		switch {
		case len(projections) == 0 && float64(b.tgt.Deadline) <= last:
			c.Subtitle = fmt.Sprintf(b.ui("The %d deadline has passed: the lines are the data, with no projection"), b.tgt.Deadline)
		case len(projections) == 0:
			c.Subtitle = b.ui("Too few points to project a trend")
		case bands:
			c.Subtitle = fmt.Sprintf(b.ui("Dashed: the fitted trend projected to %d, with its 95%% interval shaded"), b.tgt.Deadline)
		default:
			c.Subtitle = fmt.Sprintf(b.ui("Dashed: the fitted trend projected to %d"), b.tgt.Deadline)
		}
	}
	return c, nil
}

// projection is a line's fitted trend from its latest point to the target's deadline, fitted to
// the points the progress engine assesses (all of the series, from the target's baseline year).
func (b *builder) projection(pts []chart.Point, color int) *chart.Line {
	var s progress.Series
	for _, p := range pts {
		s.Years = append(s.Years, int(p.X))
		s.Values = append(s.Values, p.Y)
	}
	_, years, mid, low, high := progress.Path(s, b.goal(), b.tgt.Deadline)
	if len(years) == 0 {
		return nil
	}
	l := &chart.Line{Dashed: true, Color: color}
	for i, y := range years {
		l.Points = append(l.Points, chart.Point{X: float64(y), Y: mid[i], Estimated: true})
		l.Band = append(l.Band, chart.Interval{X: float64(y), Low: low[i], High: high[i]})
	}
	return l
}

// targetLabel reads e.g. "UMC 2030 target UMC.1: 100% by 2030 (met at 95%)", in the figure's
// language.
func (b *builder) targetLabel() string {
	t, unit := b.tgt, b.ind.unit
	value := func(v float64) string {
		if strings.HasPrefix(unit, "%") {
			return fmt.Sprintf("%g%%", v)
		}
		return fmt.Sprintf("%g %s", v, b.unit())
	}
	level := value(t.Value)
	switch t.Comparator {
	case "gt":
		level = fmt.Sprintf(b.ui("more than %s"), level)
	case "le":
		level = fmt.Sprintf(b.ui("at most %s"), level)
	case "lt":
		level = fmt.Sprintf(b.ui("less than %s"), level)
	}
	s := fmt.Sprintf(b.ui("%s target %s: %s by %d"), b.w.Key(translations.FrameworkKey(b.fw.Code, "short_name"), b.fw.ShortName), t.Code, level, t.Deadline)
	if !math.IsNaN(t.MetAt) && t.MetAt != t.Value {
		s += " " + fmt.Sprintf(b.ui("(met at %s)"), value(t.MetAt))
	}
	return s
}

// gap: women and men (or rural and urban) of one entity with the gap between them shaded, or the
// parity score of several entities with the parity band.
func (b *builder) gap() (chart.Chart, error) {
	r := b.req
	parts, err := b.parts(r.Split, false)
	if err != nil {
		return nil, err
	}
	if r.Parity || len(r.Entities) > 1 {
		if parts[0].sex == "total" {
			return nil, requestError("parity scores are computed between women and men (--split sex)")
		}
		return b.parity()
	}
	if len(r.Entities) != 1 {
		return nil, requestError("a gap chart shows one economy or group (--economies)")
	}
	e := r.Entities[0]
	var lines [2]chart.Line
	for i, p := range parts {
		pts, err := b.series(e, p.sex, p.area)
		if err != nil {
			return nil, err
		}
		if len(pts) == 0 {
			whom := strings.ToLower(p.label)
			if p.area != "total" {
				whom += " areas"
			}
			return nil, requestError("%s has no values of %s for %s%s", e, b.ind.code, whom, b.span())
		}
		lines[i] = chart.Line{Label: p.label, Points: pts, Color: chart.SeriesColor(i), ErrorBars: b.errorBars(e, p.sex, p.area)}
	}
	c := chart.Gap{First: lines[0], Second: lines[1], Years: b.yearSpan()}
	c.YMin, c.YMax = b.percentAxis()
	if b.ind.unitKind == "percent" {
		c.Unit = b.ui("percentage points")
	}
	c.Meta = b.meta(b.name(e) + ": " + b.indName() + translations.Comma(b.req.Lang) + parts[0].by + b.drawnSpan(yearsOf(lines[:]...)...))
	return c, nil
}

// parity: the gender parity score (female value / male value) of each entity over time, as the
// gaps view holds it.
func (b *builder) parity() (chart.Chart, error) {
	r := b.req
	if len(r.Entities) == 0 || len(r.Entities) > MaxLines {
		return nil, requestError("a parity chart shows 1 to %d economies or groups (--economies), not %d", MaxLines, len(r.Entities))
	}
	c := chart.Parity{BandLow: 0.98, BandHigh: 1.02, Years: b.yearSpan()}
	d, err := b.src.data(b.ctx, b.ind.code, parity)
	if err != nil {
		return nil, err
	}
	var missing []string
	for i, e := range r.Entities {
		pts := b.inYears(d.parity[e])
		if len(pts) == 0 {
			missing = append(missing, b.name(e))
			continue
		}
		for _, p := range pts {
			b.nowcasts = b.nowcasts || p.Estimated // a parity score is estimated where it rests on nowcasts
		}
		// A parity score has no interval of its own: the indicator's are not drawn on it.
		c.Lines = append(c.Lines, chart.Line{Label: b.name(e), Points: pts, Color: chart.SeriesColor(i)})
		// The scores rest on the entity's female and male values, or on its members' when they
		// are ictstat's aggregates: series notes their editions.
		for _, sex := range []string{"female", "male"} {
			if _, err := b.series(e, sex, "total"); err != nil {
				return nil, err
			}
		}
	}
	if len(c.Lines) == 0 {
		return nil, requestError("no gender parity scores of %s for %s%s (they need female and male values)", b.ind.code, strings.Join(r.Entities, ", "), b.span())
	}
	c.Meta = b.meta(fmt.Sprintf(b.ui("Gender parity score: %s"), b.indName()) + b.drawnSpan(yearsOf(c.Lines...)...))
	c.YLabel = b.ui("female value / male value")
	c.Subtitle = b.ui("Parity: 0.98–1.02 (shaded); below it, women are behind men")
	if len(missing) > 0 {
		// An entity asked for but not drawn is named, not silently left out.
		c.Subtitle += ". " + fmt.Sprintf(b.ui("Not drawn: %s, with no published parity scores"), joinAnd(missing)) + b.inSpan()
	}
	return c, nil
}

// members are a group's economies in the last year asked, with their names, sorted by name.
func (b *builder) members(group string) ([][2]string, error) {
	_, to := b.years()
	members, err := b.src.groupMembers(b.ctx, group, min(to, 2100))
	if err == nil && len(members) == 0 {
		return nil, requestError("group %s has no members", group)
	}
	// Named in the figure's language (a copy: the source keeps the members for other figures).
	out := make([][2]string, len(members))
	for i, m := range members {
		out[i] = [2]string{m[0], m[1]}
		if _, ok := b.cat.entities[m[0]]; ok {
			out[i][1] = b.name(m[0])
		}
	}
	return out, err
}

// smallMultiples: one panel per member of the group (or per economy given) with data: the
// indicator's total, or with a split its two parts (women and men, rural and urban).
func (b *builder) smallMultiples() (chart.Chart, error) {
	codes, err := b.selection("small multiples")
	if err != nil {
		return nil, err
	}
	parts, err := b.parts(b.req.Split, true)
	if err != nil {
		return nil, err
	}
	// The panels' years are those with data drawn, not those asked: small panels have no room
	// to spare.
	c := chart.SmallMultiples{}
	c.YMin, c.YMax = b.percentAxis()
	var drawn []float64
	for _, m := range codes {
		panel := chart.Panel{Title: shortName(m[1])}
		for i, p := range parts {
			pts, err := b.series(m[0], p.sex, p.area)
			if err != nil {
				return nil, err
			}
			if len(pts) > 0 {
				l := chart.Line{Label: p.label, Points: pts, Color: p.color(i)}
				panel.Lines = append(panel.Lines, l)
				drawn = append(drawn, yearsOf(l)...)
			}
		}
		if len(panel.Lines) > 0 {
			c.Panels = append(c.Panels, panel)
		}
	}
	if len(c.Panels) == 0 {
		return nil, requestError("no data on %s for %s%s", b.ind.code, b.selected(), b.span())
	}
	if b.tgt != nil {
		c.Target = &chart.Reference{Value: b.tgt.Level(math.NaN()), Label: b.targetLabel()}
	}
	title := b.indName()
	if b.req.Group != "" {
		title = b.name(b.req.Group) + ": " + title
	}
	if len(parts) > 1 {
		title += translations.Comma(b.req.Lang) + parts[0].by
	}
	c.Meta = b.meta(title + b.drawnSpan(drawn...))
	if len(c.Panels) < len(codes) {
		c.Subtitle = fmt.Sprintf("%d of %d with data", len(c.Panels), len(codes))
	}
	return c, nil
}

// breakdown is one line of a split series.
type breakdown struct {
	sex, area, label string
	by               string // what the split compares, e.g. "women and men"
}

// color is the line colour of the i-th part: the total in the first series colour, the parts in
// turn.
func (p breakdown) color(i int) int {
	if p.sex == "total" && p.area == "total" {
		return chart.SeriesColor(0)
	}
	return chart.SeriesColor(i)
}

// parts are the breakdowns a split draws: women and men (sex), rural and urban (area), or with
// no split and total allowed, the total.
func (b *builder) parts(split string, total bool) ([]breakdown, error) {
	switch split {
	case "sex":
		return []breakdown{{"female", "total", b.ui("Women"), b.ui("women and men")}, {"male", "total", b.ui("Men"), b.ui("women and men")}}, nil
	case "area":
		return []breakdown{{"total", "rural", b.ui("Rural"), b.ui("rural and urban areas")}, {"total", "urban", b.ui("Urban"), b.ui("rural and urban areas")}}, nil
	case "":
		if total {
			return []breakdown{{"total", "total", b.indName(), ""}}, nil
		}
		return b.parts("sex", false)
	}
	return nil, requestError("a split is by sex or area, not %q", split)
}

// selection is the economies a figure of several panels or bars shows: the members of the group
// asked, or the economies (or groups) given, with their names.
func (b *builder) selection(what string) ([][2]string, error) {
	switch {
	case b.req.Group != "" && len(b.req.Entities) > 0:
		return nil, requestError("%s show the members of --group or the --economies given, not both", what)
	case b.req.Group != "":
		return b.members(b.req.Group)
	case len(b.req.Entities) > 0:
		var out [][2]string
		for _, e := range b.req.Entities {
			out = append(out, [2]string{e, b.name(e)})
		}
		return out, nil
	}
	return nil, requestError("%s need --group or --economies", what)
}

// selected names the selection in a message.
func (b *builder) selected() string {
	if b.req.Group != "" {
		return "any member of " + b.req.Group
	}
	return strings.Join(b.req.Entities, ", ")
}

// MeasureName is the name of a target's measure (english, as report.ScorecardRow names it: an
// indicator's name, or "Rural population covered by ..." of rural coverage) in the language of w.
func MeasureName(w *translations.Words, measure, english string) string {
	if english == "" {
		return ""
	}
	if strings.HasPrefix(measure, "rural:") {
		return w.UI(english)
	}
	return w.Key(translations.IndicatorKey(measured(measure), "name"), english)
}

// upperFirst is s with its first letter upper case (where the script has cases).
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// measured is the indicator a target's measure is of: "rural:coverage_2g_pct" is of
// coverage_2g_pct.
func measured(measure string) string {
	return measure[strings.LastIndex(measure, ":")+1:]
}

// shortUnit is a unit as written after a value: "%" for a percentage, " per 100" for a value per
// 100 inhabitants, else the unit after a space ("" for none).
func shortUnit(unit string) string {
	switch {
	case unit == "":
		return ""
	case strings.HasPrefix(unit, "%"):
		return "%"
	case strings.HasPrefix(unit, "per 100 "):
		return " per 100"
	}
	return " " + unit
}

// shortName trims the UN's formal additions ("Bolivia (Plurinational State of)") for panel titles.
func shortName(name string) string {
	if i := strings.Index(name, " ("); i > 0 {
		return name[:i]
	}
	return name
}

// ranking: each economy's latest value in the years asked, sorted, with the target.
func (b *builder) ranking() (chart.Chart, error) {
	codes, err := b.selection("rankings")
	if err != nil {
		return nil, err
	}
	c := chart.Ranking{Ascending: b.ind.polarity == "lower"}
	for _, e := range codes {
		pts, err := b.series(e[0], "total", "total")
		if err != nil {
			return nil, err
		}
		if len(pts) > 0 {
			last := pts[len(pts)-1]
			c.Bars = append(c.Bars, chart.Bar{Label: shortName(e[1]), Value: last.Y, Year: int(last.X), Estimated: last.Estimated})
		}
	}
	if len(c.Bars) == 0 {
		return nil, requestError("no data on %s for %s%s", b.ind.code, b.selected(), b.span())
	}
	if len(c.Bars) > MaxBars {
		return nil, requestError("%d bars are too many to read (at most %d): choose a smaller group or fewer economies", len(c.Bars), MaxBars)
	}
	if b.tgt != nil {
		c.Target = &chart.Reference{Value: b.tgt.Level(math.NaN()), Label: b.targetLabel()}
	}
	title := b.indName() + translations.Comma(b.req.Lang) + b.ui("latest year")
	if b.req.Group != "" {
		title = b.name(b.req.Group) + ": " + title
	}
	var years []float64
	for _, bar := range c.Bars {
		years = append(years, float64(bar.Year))
	}
	c.Meta = b.meta(title + b.drawnSpan(years...))
	c.XLabel, c.YLabel = b.unit(), ""
	if len(c.Bars) < len(codes) && b.req.Group != "" {
		c.Subtitle = fmt.Sprintf(b.ui("%d of %s with data"), len(c.Bars), plural(len(codes), b.ui("member"), b.ui("members")))
	}
	return c, nil
}

// scorecard: the Geneva targets for one entity, baseline against latest, coloured by status.
func (b *builder) scorecard() (chart.Chart, error) {
	entities := b.req.Entities
	if b.req.Group != "" {
		entities = append(entities, b.req.Group)
	}
	entity := "WLD"
	switch len(entities) {
	case 0:
	case 1:
		entity = entities[0]
	default:
		return nil, requestError("a scorecard is for one economy or group")
	}
	rows, err := report.Scorecard(b.ctx, b.src.db, entity)
	if err != nil {
		return nil, err
	}
	// The targets' measures have different units (% of population, subscriptions per 100
	// inhabitants): the rows share one scale, each value as a share of its target level, when
	// every target is a level to reach (more is better).
	c := chart.Scorecard{ShareOfTarget: true}
	seen := map[string]int{} // a target code's rows so far: the framework lists T10 twice
	for _, r := range rows {
		seen[r.Target]++
		label := MeasureName(b.w, r.Measure, r.Indicator)
		if label == "" {
			label = upperFirst(b.w.Key(translations.TargetKey("wsis_geneva_2003", r.Target, seen[r.Target]), r.Wording))
		}
		c.Rows = append(c.Rows, chart.ScoreRow{Label: r.Target + " " + label, Baseline: r.Baseline, Latest: r.Latest, Target: r.Level,
			BaselineYear: r.BaselineYear, LatestYear: r.LatestYear, Status: r.Status, Unit: shortUnit(b.cat.indicators[measured(r.Measure)].unit)})
		if r.Status != report.NoGlobalData && (r.Comparator != "ge" && r.Comparator != "gt" || !(r.Level > 0)) {
			c.ShareOfTarget = false
		}
	}
	title := b.ui("WSIS Geneva targets (2003, deadline 2015):") + " " + b.name(entity)
	if b.req.Title != "" {
		title = b.req.Title
	}
	eds, err := b.cat.scorecardEditions(b.ctx, b.src.db)
	if err != nil {
		return nil, err
	}
	c.Meta = chart.Meta{Title: title, Subtitle: b.ui("Baseline 2005 (hollow) to the latest year (filled), the target marked; the status is the progress class"),
		XLabel: b.ui("% of population, or subscriptions per 100 inhabitants"),
		Source: b.cat.sourceLine(b.w, "ITU", eds) + " " + b.ui("Progress assessed by ictstat."), Lang: b.req.Lang, Digits: b.req.Digits, Words: b.w}
	if c.ShareOfTarget {
		c.Subtitle = b.ui("Baseline 2005 (hollow) and latest year (filled) as % of the target's level (100: target reached)")
		c.ValuesNote = b.ui("right: the values in their units")
		c.XLabel = b.ui("% of the target level")
	}
	return c, nil
}
