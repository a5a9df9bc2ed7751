// Package figures makes the charts report authors need from the store: trends of an indicator
// for economies and groups with targets and projections, gender and urban/rural gaps, small
// multiples over a group's members, rankings, and the Geneva-targets scorecard. It chooses the
// data, labels and source line; engine/chart draws.
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

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/indicators/progress"
	"github.com/ictstat/ictstat/indicators/report"
	"github.com/ictstat/ictstat/indicators/targets"
)

// Kinds of figure.
const (
	Trend          = "trend"
	Gap            = "gap"
	SmallMultiples = "small-multiples"
	Ranking        = "ranking"
	Scorecard      = "scorecard"
)

// Kinds lists them.
var Kinds = []string{Trend, Gap, SmallMultiples, Ranking, Scorecard}

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
	// Group: for small multiples and rankings, the group whose members are shown.
	Group    string
	From, To int    // years; 0: all
	Target   string // framework:code, e.g. umc_2030:UMC.1, or a code unique across frameworks
	Split    string // gap: "sex" (default) or "area"
	Parity   bool   // gap: the parity score of each entity over time instead of the two series
	Title    string // replaces the title ictstat writes
	// Intervals: whether a trend shades the 95% interval of its projections: "auto" (or "") for
	// up to three projected lines, "all", or "none".
	Intervals string
}

// Build makes the figure a request asks for, from the store's newest editions and its computed
// aggregates and progress. Errors in the request wrap ErrRequest.
func Build(ctx context.Context, db *sql.DB, req Request) (chart.Chart, error) {
	b := &builder{ctx: ctx, db: db, req: req, editions: map[string]bool{}, aggregated: map[[2]string]bool{}}
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
	case Scorecard:
		return b.scorecard()
	}
	return nil, requestError("unknown kind of chart %q; kinds: %s", req.Kind, strings.Join(Kinds, ", "))
}

type builder struct {
	ctx context.Context
	db  *sql.DB
	req Request
	ind indicatorInfo
	tgt *targets.Target
	fw  targets.Framework
	// what the figure drew, for its source line
	editions   map[string]bool
	aggregated map[[2]string]bool // the breakdowns (sex, area) drawn from ictstat's aggregates
}

type indicatorInfo struct {
	code, name, unit, unitKind, polarity, custodian, aggregation, weight string
}

// load checks the request against the store: the kind, the indicator, the entities, the years,
// the target.
func (b *builder) load() error {
	r := &b.req
	if !slices.Contains(Kinds, r.Kind) {
		return requestError("unknown kind of chart %q; kinds: %s", r.Kind, strings.Join(Kinds, ", "))
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
	if r.Target != "" {
		if r.Kind == Gap || r.Kind == Scorecard {
			return requestError("a %s chart takes no target", r.Kind)
		}
		t, fw, err := findTarget(r.Target, b.ind.code)
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
	err := b.db.QueryRowContext(b.ctx, `SELECT indicator, name, unit, unit_kind, polarity, coalesce(custodian, ''),
			coalesce(aggregation, ''), coalesce(weight, '')
		FROM main.indicators
		WHERE indicator = $1 OR list_contains(string_split(coalesce(wdi_code, '') || '; ' || coalesce(itu_code, '') || '; ' ||
			coalesce(sdg_series, '') || '; ' || coalesce(ddf_concept, ''), '; '), $1)
		ORDER BY indicator <> $1 LIMIT 1`, code).
		Scan(&b.ind.code, &b.ind.name, &b.ind.unit, &b.ind.unitKind, &b.ind.polarity, &b.ind.custodian, &b.ind.aggregation, &b.ind.weight)
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	near, err := b.closest(`SELECT indicator, name FROM main.indicators
		ORDER BY jaro_winkler_similarity(lower(indicator), lower($1)) DESC, indicator LIMIT 3`, code)
	if err != nil {
		return err
	}
	return requestError("no indicator %q; the closest are %s (all of them: ictstat info)", code, near)
}

// closest lists the codes and names a query returns as "a (name), b (name) and c (name)".
func (b *builder) closest(q, arg string) (string, error) {
	rows, err := b.db.QueryContext(b.ctx, q, arg)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return "", err
		}
		out = append(out, code+" ("+name+")")
	}
	if len(out) > 1 {
		return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1], rows.Err()
	}
	return strings.Join(out, ""), rows.Err()
}

// findTarget finds the target measured by the indicator itself, by framework:code or by a code
// only one framework has.
func findTarget(ref, indicator string) (targets.Target, targets.Framework, error) {
	fws, err := targets.Frameworks()
	if err != nil {
		return targets.Target{}, targets.Framework{}, err
	}
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

// entity returns the code (ISO3 codes in any case are accepted), name and kind (economy or
// group) of an economy or group; an unknown code is answered with the closest names.
func (b *builder) entity(code string) (canonical, name, kind string, err error) {
	err = b.db.QueryRowContext(b.ctx, `SELECT economy, name, 'economy' FROM main.economies WHERE economy = upper($1)
		UNION ALL SELECT group_code, name, 'group' FROM main.groups WHERE group_code = $1 OR group_code = upper($1)
		LIMIT 1`, code).Scan(&canonical, &name, &kind)
	if !errors.Is(err, sql.ErrNoRows) {
		return canonical, name, kind, err
	}
	near, err := b.closest(`SELECT code, name FROM (
			SELECT economy AS code, name FROM main.economies UNION ALL SELECT group_code, name FROM main.groups)
		ORDER BY greatest(jaro_winkler_similarity(lower(name), lower($1)), jaro_winkler_similarity(lower(code), lower($1))) DESC, code
		LIMIT 3`, code)
	if err != nil {
		return "", "", "", err
	}
	return "", "", "", requestError("no economy or group %q (economies by ISO3 code, groups such as WLD, LDC, ITU_AFR, HIC); the closest are %s", code, near)
}

// name is the name of a code load has checked.
func (b *builder) name(code string) string {
	_, name, _, _ := b.entity(code)
	return name
}

// series reads an entity's values of the indicator for one breakdown, as the package comment
// says, and notes the editions it drew on.
func (b *builder) series(code, sex, area string) ([]chart.Point, error) {
	_, _, kind, err := b.entity(code)
	if err != nil {
		return nil, err
	}
	from, to := b.years()
	args := []any{code, b.ind.code, sex, area, from, to}
	const where = `indicator = $2 AND sex = $3 AND area = $4 AND age = 'total' AND year BETWEEN $5 AND $6`
	read := func(q string) ([]chart.Point, error) {
		rows, err := b.db.QueryContext(b.ctx, q, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []chart.Point
		for rows.Next() {
			var year int
			var edition sql.NullString
			var p chart.Point
			if err := rows.Scan(&year, &p.Y, &p.Estimated, &edition); err != nil {
				return nil, err
			}
			p.X = float64(year)
			out = append(out, p)
			if edition.Valid {
				b.editions[edition.String] = true
			}
		}
		return out, rows.Err()
	}
	if kind == "economy" {
		return read(`SELECT year, value, flag IN ` + estimatedFlags + `, edition FROM main.observations
			WHERE economy = $1 AND ` + where + ` ORDER BY year`)
	}
	pts, err := read(`SELECT year, value, coverage_reported < 0.5, NULL FROM main.aggregates
		WHERE group_code = $1 AND status = 'published' AND ` + where + ` ORDER BY year`)
	if err != nil || len(pts) > 0 {
		if len(pts) > 0 {
			b.aggregated[[2]string{sex, area}] = true
		}
		return pts, err
	}
	return read(`SELECT year, value, flag IN ` + estimatedFlags + `, edition FROM main.published_aggregates
		WHERE group_code = $1 AND ` + where + ` ORDER BY year`)
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
func (b *builder) meta(title string) (chart.Meta, error) {
	if b.req.Title != "" {
		title = b.req.Title
	}
	src, err := b.source()
	return chart.Meta{Title: title, XLabel: "Year", YLabel: b.ind.unit, Source: src}, err
}

// span is ", 2005–2024" for the years asked, or "".
func (b *builder) span() string {
	if b.req.From != 0 && b.req.To != 0 {
		return fmt.Sprintf(", %d–%d", b.req.From, b.req.To)
	}
	return ""
}

// source names the custodian and the editions the figure's data come from, e.g. "Source: ITU,
// via World Bank WDI (2025 edition)", and how group values were formed when they are ictstat's
// aggregates (of the members' newest editions of the indicator in the breakdowns drawn).
func (b *builder) source() (string, error) {
	for k := range b.aggregated {
		rows, err := b.db.QueryContext(b.ctx, `SELECT DISTINCT edition FROM main.observations
			WHERE indicator = ? AND sex = ? AND area = ? AND age = 'total'`, b.ind.code, k[0], k[1])
		if err != nil {
			return "", err
		}
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				rows.Close()
				return "", err
			}
			b.editions[e] = true
		}
		rows.Close()
	}
	var cites []string
	for _, e := range slices.Sorted(maps.Keys(b.editions)) {
		var cite string
		if err := b.db.QueryRowContext(b.ctx, `SELECT coalesce(citation, edition) FROM main.editions WHERE edition = ?`, e).Scan(&cite); err != nil {
			return "", err
		}
		cites = append(cites, cite)
	}
	custodian, _, _ := strings.Cut(b.ind.custodian, " (")
	if custodian == "" {
		custodian = "ITU"
	}
	s := "Source: " + custodian
	if len(cites) > 0 {
		s += ", via " + joinAnd(cites)
	}
	s += "."
	if len(b.aggregated) > 0 {
		how := map[string]string{"weighted_mean": "means weighted by " + b.ind.weight, "median": "medians", "sum": "sums"}[b.ind.aggregation]
		if how == "" {
			how = b.ind.aggregation
		}
		s += " Group values: ictstat aggregates (" + how + " of the members' values, gaps filled)."
	}
	return s, nil
}

// joinAnd joins "a", "b", "c" as "a, b and c".
func joinAnd(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

func (b *builder) goal() progress.Goal {
	t := b.tgt
	return progress.Goal{Comparator: t.Comparator, Level: t.Level(math.NaN()), BaselineYear: t.BaselineYear,
		Deadline: t.Deadline, Bounded: b.ind.unitKind == "percent"}
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
		c.Lines = append(c.Lines, chart.Line{Label: b.name(e), Points: pts, Color: i})
		if b.tgt != nil {
			if proj := b.projection(pts, i); proj != nil {
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
	meta, err := b.meta(b.ind.name + b.span())
	c.Meta = meta
	if b.tgt != nil {
		c.Target = &chart.Reference{Value: b.tgt.Level(math.NaN()), Label: targetLabel(b.tgt, b.fw, b.ind.unit)}
		c.Deadline = &chart.Reference{Value: float64(b.tgt.Deadline), Label: fmt.Sprintf("deadline %d", b.tgt.Deadline)}
		switch {
		case len(projections) == 0:
			c.Subtitle = "Too few points to project a trend"
		case bands:
			c.Subtitle = fmt.Sprintf("Dashed: the fitted trend projected to %d, with its 95%% interval shaded", b.tgt.Deadline)
		default:
			c.Subtitle = fmt.Sprintf("Dashed: the fitted trend projected to %d", b.tgt.Deadline)
		}
	}
	return c, err
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

// targetLabel reads e.g. "UMC 2030 target UMC.1: 100% by 2030 (met at 95%)".
func targetLabel(t *targets.Target, fw targets.Framework, unit string) string {
	value := func(v float64) string {
		if strings.HasPrefix(unit, "%") {
			return fmt.Sprintf("%g%%", v)
		}
		return fmt.Sprintf("%g %s", v, unit)
	}
	cmp := map[string]string{"ge": "", "gt": "more than ", "le": "at most ", "lt": "less than "}[t.Comparator]
	s := fmt.Sprintf("%s target %s: %s%s by %d", fw.ShortName, t.Code, cmp, value(t.Value), t.Deadline)
	if !math.IsNaN(t.MetAt) && t.MetAt != t.Value {
		s += " (met at " + value(t.MetAt) + ")"
	}
	return s
}

// gap: women and men (or rural and urban) of one entity with the gap between them shaded, or the
// parity score of several entities with the parity band.
func (b *builder) gap() (chart.Chart, error) {
	r := b.req
	split := r.Split
	if split == "" {
		split = "sex"
	}
	if split != "sex" && split != "area" {
		return nil, requestError("a gap is split by sex or area, not %q", split)
	}
	if r.Parity || len(r.Entities) > 1 {
		if split != "sex" {
			return nil, requestError("parity scores are computed between women and men (--split sex)")
		}
		return b.parity()
	}
	if len(r.Entities) != 1 {
		return nil, requestError("a gap chart shows one economy or group (--economies)")
	}
	e := r.Entities[0]
	parts := map[string][2]string{"sex": {"female", "male"}, "area": {"rural", "urban"}}[split]
	labels := map[string][2]string{"sex": {"Women", "Men"}, "area": {"Rural", "Urban"}}[split]
	var lines [2]chart.Line
	for i, part := range parts {
		sex, area := part, "total"
		if split == "area" {
			sex, area = "total", part
		}
		pts, err := b.series(e, sex, area)
		if err != nil {
			return nil, err
		}
		if len(pts) == 0 {
			return nil, requestError("no %s values of %s for %s%s", part, b.ind.code, e, b.span())
		}
		lines[i] = chart.Line{Label: labels[i], Points: pts, Color: i}
	}
	c := chart.Gap{First: lines[0], Second: lines[1], Years: b.yearSpan()}
	c.YMin, c.YMax = b.percentAxis()
	if b.ind.unitKind == "percent" {
		c.Unit = "percentage points"
	}
	by := map[string]string{"sex": "women and men", "area": "rural and urban areas"}[split]
	var err error
	c.Meta, err = b.meta(fmt.Sprintf("%s: %s, %s%s", b.name(e), b.ind.name, by, b.span()))
	return c, err
}

// parity: the gender parity score (female value / male value) of each entity over time, as the
// gaps view holds it.
func (b *builder) parity() (chart.Chart, error) {
	r := b.req
	if len(r.Entities) == 0 || len(r.Entities) > MaxLines {
		return nil, requestError("a parity chart shows 1 to %d economies or groups (--economies), not %d", MaxLines, len(r.Entities))
	}
	from, to := b.years()
	c := chart.Parity{BandLow: 0.98, BandHigh: 1.02, Years: b.yearSpan()}
	for i, e := range r.Entities {
		pts, basis, err := b.parityScores(e, from, to)
		if err != nil {
			return nil, err
		}
		if len(pts) > 0 {
			c.Lines = append(c.Lines, chart.Line{Label: b.name(e), Points: pts, Color: i})
		}
		if err := b.parityEditions(e, basis); err != nil {
			return nil, err
		}
	}
	if len(c.Lines) == 0 {
		return nil, requestError("no gender parity scores of %s for %s%s (they need female and male values)", b.ind.code, strings.Join(r.Entities, ", "), b.span())
	}
	var err error
	c.Meta, err = b.meta("Gender parity score: " + b.ind.name + b.span())
	c.YLabel = "female value / male value"
	c.Subtitle = "Parity: 0.98–1.02 (shaded); below it, women are behind men"
	return c, err
}

// parityEditions notes the editions an entity's parity scores rest on: its female and male
// values, or those of the group's members when the scores are ictstat's.
func (b *builder) parityEditions(entity, basis string) error {
	var q string
	switch basis {
	case "ictstat aggregate":
		b.aggregated[[2]string{"female", "total"}] = true
		b.aggregated[[2]string{"male", "total"}] = true
		return nil
	case "published aggregate":
		q = `SELECT DISTINCT edition FROM main.published_aggregates WHERE group_code = $1 AND indicator = $2 AND sex IN ('female', 'male')`
	default:
		q = `SELECT DISTINCT edition FROM main.observations WHERE economy = $1 AND indicator = $2 AND sex IN ('female', 'male')`
	}
	rows, err := b.db.QueryContext(b.ctx, q, entity, b.ind.code)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return err
		}
		b.editions[e] = true
	}
	return rows.Err()
}

func (b *builder) parityScores(e string, from, to int) ([]chart.Point, string, error) {
	rows, err := b.db.QueryContext(b.ctx, `SELECT year, value, basis FROM main.gaps WHERE entity = ? AND measure = 'gender_parity_score'
		AND indicator = ? AND area = 'total' AND age = 'total' AND year BETWEEN ? AND ? ORDER BY year`, e, b.ind.code, from, to)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var pts []chart.Point
	var basis string
	for rows.Next() {
		var y int
		var v float64
		if err := rows.Scan(&y, &v, &basis); err != nil {
			return nil, "", err
		}
		pts = append(pts, chart.Point{X: float64(y), Y: v})
	}
	return pts, basis, rows.Err()
}

// members are a group's economies in the last year asked, with their names, sorted by name.
func (b *builder) members(group string) ([][2]string, error) {
	_, to := b.years()
	year := min(to, 2100)
	rows, err := b.db.QueryContext(b.ctx, `SELECT e.economy, e.name FROM main.group_members m JOIN main.economies e USING (economy)
		WHERE m.group_code = ? AND (m.first_year IS NULL OR m.first_year <= ?) AND (m.last_year IS NULL OR m.last_year >= ?)
		ORDER BY e.name`, group, year, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return nil, err
		}
		out = append(out, [2]string{code, name})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, requestError("group %s has no members", group)
	}
	return out, nil
}

// smallMultiples: one panel per member of the group with data.
func (b *builder) smallMultiples() (chart.Chart, error) {
	if b.req.Group == "" {
		return nil, requestError("small multiples need a group (--group)")
	}
	members, err := b.members(b.req.Group)
	if err != nil {
		return nil, err
	}
	c := chart.SmallMultiples{Years: b.yearSpan()}
	c.YMin, c.YMax = b.percentAxis()
	for _, m := range members {
		pts, err := b.series(m[0], "total", "total")
		if err != nil {
			return nil, err
		}
		if len(pts) > 0 {
			c.Panels = append(c.Panels, chart.Panel{Title: shortName(m[1]), Lines: []chart.Line{{Label: m[1], Points: pts, Color: 3}}})
		}
	}
	if len(c.Panels) == 0 {
		return nil, requestError("no member of %s has data on %s%s", b.req.Group, b.ind.code, b.span())
	}
	if b.tgt != nil {
		c.Target = &chart.Reference{Value: b.tgt.Level(math.NaN()), Label: targetLabel(b.tgt, b.fw, b.ind.unit)}
	}
	c.Meta, err = b.meta(fmt.Sprintf("%s: %s%s", b.name(b.req.Group), b.ind.name, b.span()))
	if n := len(members) - len(c.Panels); n > 0 {
		c.Subtitle = fmt.Sprintf("%d of %d members with data", len(c.Panels), len(members))
	}
	return c, err
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
	var codes [][2]string
	switch {
	case b.req.Group != "" && len(b.req.Entities) > 0:
		return nil, requestError("a ranking shows the members of --group or the --economies given, not both")
	case b.req.Group != "":
		m, err := b.members(b.req.Group)
		if err != nil {
			return nil, err
		}
		codes = m
	case len(b.req.Entities) > 0:
		for _, e := range b.req.Entities {
			codes = append(codes, [2]string{e, b.name(e)})
		}
	default:
		return nil, requestError("a ranking needs --group or --economies")
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
		return nil, requestError("no data on %s for the economies asked%s", b.ind.code, b.span())
	}
	if len(c.Bars) > MaxBars {
		return nil, requestError("%d bars are too many to read (at most %d): choose a smaller group or fewer economies", len(c.Bars), MaxBars)
	}
	if b.tgt != nil {
		c.Target = &chart.Reference{Value: b.tgt.Level(math.NaN()), Label: targetLabel(b.tgt, b.fw, b.ind.unit)}
	}
	title := b.ind.name + ", latest year"
	if b.req.Group != "" {
		title = b.name(b.req.Group) + ": " + title
	}
	var err error
	c.Meta, err = b.meta(title + b.span())
	c.XLabel, c.YLabel = b.ind.unit, ""
	if n := len(codes) - len(c.Bars); n > 0 && b.req.Group != "" {
		c.Subtitle = fmt.Sprintf("%d of %d members with data", len(c.Bars), len(codes))
	}
	return c, err
}

// scorecard: the Geneva targets for one entity, baseline against latest, coloured by status.
func (b *builder) scorecard() (chart.Chart, error) {
	entity := "WLD"
	if len(b.req.Entities) == 1 {
		entity = b.req.Entities[0]
	} else if len(b.req.Entities) > 1 {
		return nil, requestError("a scorecard is for one economy or group")
	}
	rows, err := report.Scorecard(b.ctx, b.db, entity)
	if err != nil {
		return nil, err
	}
	c := chart.Scorecard{}
	for _, r := range rows {
		label := r.Indicator
		if label == "" {
			label = strings.ToUpper(r.Wording[:1]) + r.Wording[1:]
		}
		c.Rows = append(c.Rows, chart.ScoreRow{Label: r.Target + " " + label, Baseline: r.Baseline, Latest: r.Latest, Target: r.Level,
			BaselineYear: r.BaselineYear, LatestYear: r.LatestYear, Status: r.Status})
	}
	title := "WSIS Geneva targets (2003, deadline 2015): " + b.name(entity)
	if b.req.Title != "" {
		title = b.req.Title
	}
	eds, err := b.allCitations()
	c.Meta = chart.Meta{Title: title, Subtitle: "Baseline 2005 (hollow) to the latest year (filled), the target marked; the status is the progress class",
		XLabel: "% of population, or subscriptions per 100 inhabitants",
		Source: "Source: ITU, via " + eds + ". Progress assessed by ictstat."}
	return c, err
}

// allCitations names every edition in the store.
func (b *builder) allCitations() (string, error) {
	rows, err := b.db.QueryContext(b.ctx, `SELECT coalesce(citation, edition) FROM main.editions ORDER BY released, edition`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "", err
		}
		out = append(out, s)
	}
	return joinAnd(out), rows.Err()
}
