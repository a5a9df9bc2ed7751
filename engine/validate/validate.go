// Package validate checks raw observation batches (engine/ingest) against the store's code lists
// and value rules, column by column, and turns them into typed batches ready for the store.
//
// Every raw row comes out either as a good row or as exactly one reject naming its line, column,
// value and reason; nothing is dropped. Codes are resolved once per distinct value of a batch's
// dictionary, not once per row.
package validate

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ictstat/ictstat/engine/ingest"
)

// UnknownIndicator is the reason of a row rejected for an indicator code the catalogue lacks.
const UnknownIndicator = "unknown indicator"

// Years outside this range are rejected.
const (
	MinYear = 1960
	MaxYear = 2100
)

// Indicator is what validation needs to know of an indicator.
type Indicator struct {
	ID       int32
	Code     string
	Unit     string
	UnitKind string  // percent, per100, count, pct_gni, usd, ppp, gb
	Min, Max float64 // bounds of a valid value; ±Inf when open
}

// Alias is another code for an indicator, economy or group in a named scheme (wdi, itu, sdg,
// ddf, m49, ...).
type Alias struct {
	Scheme string
	Code   string
	ID     int32
}

// Entity is an economy or a group: an ID and its primary code (ISO3 for economies).
type Entity struct {
	ID   int32
	Code string
}

// Reference is what raw observations are checked against. It is read-only once built and safe
// for concurrent use.
type Reference struct {
	indicators     []Indicator // by position, looked up through indicatorCodes
	indicatorCodes map[string]int
	economyCodes   map[string]int32
	groupCodes     map[string]int32
	sex, area      map[string]uint8
	flag           map[string]uint8
	units          map[string]string
}

const anyScheme = "*"

func key(scheme, code string) string { return scheme + "\x00" + fold(code) }

// NewReference indexes the store's code lists. Codes match case-insensitively. An alias code
// that means two different things in different schemes only matches with its scheme.
func NewReference(indicators []Indicator, indicatorAliases []Alias, economies []Entity, economyAliases []Alias, groups []Entity, groupAliases []Alias) *Reference {
	r := &Reference{
		indicators:     indicators,
		indicatorCodes: map[string]int{},
		economyCodes:   map[string]int32{},
		groupCodes:     map[string]int32{},
		sex:            codeIndex("sex"),
		area:           codeIndex("area"),
		flag:           codeIndex("flag"),
		units:          unitKinds(),
	}
	pos := map[int32]int{}
	for i, ind := range indicators {
		pos[ind.ID] = i
		r.indicatorCodes[key("", ind.Code)] = i
	}
	// An alias of an indicator the list lacks resolves to nothing, not to the indicator at 0.
	indexAliases(indicatorAliases, func(k string, id int32) {
		if p, ok := pos[id]; ok {
			r.indicatorCodes[k] = p
		}
	}, func(k string) { r.indicatorCodes[k] = -1 })
	for _, e := range economies {
		r.economyCodes[key("", geoCode(e.Code))] = e.ID
	}
	indexAliases(geoCodes(economyAliases), func(k string, id int32) { r.economyCodes[k] = id }, func(k string) { r.economyCodes[k] = -1 })
	for _, g := range groups {
		r.groupCodes[key("", geoCode(g.Code))] = g.ID
	}
	indexAliases(geoCodes(groupAliases), func(k string, id int32) { r.groupCodes[k] = id }, func(k string) { r.groupCodes[k] = -1 })
	return r
}

// geoCodes is aliases with their codes written as geo looks them up (M49 "004" as "4").
func geoCodes(aliases []Alias) []Alias {
	out := make([]Alias, len(aliases))
	for i, a := range aliases {
		a.Code = geoCode(a.Code)
		out[i] = a
	}
	return out
}

// indexAliases adds each alias under its scheme and under anyScheme; an alias claimed by two
// different IDs across schemes is marked ambiguous under anyScheme, and stays so whatever
// aliases come after.
func indexAliases(aliases []Alias, set func(string, int32), ambiguous func(string)) {
	seen := map[string]int32{}
	marked := map[string]bool{}
	for _, a := range aliases {
		set(key(a.Scheme, a.Code), a.ID)
		k := key(anyScheme, a.Code)
		if marked[k] {
			continue
		}
		if prev, ok := seen[k]; ok && prev != a.ID {
			ambiguous(k)
			marked[k] = true
			continue
		}
		seen[k] = a.ID
		set(k, a.ID)
	}
}

// lookup finds code in idx: the primary code, then the scheme's alias, then any scheme's.
func lookup[T int | int32](idx map[string]T, scheme, code string) (T, bool) {
	for _, k := range []string{key("", code), key(scheme, code), key(anyScheme, code)} {
		if v, ok := idx[k]; ok {
			return v, v >= 0
		}
	}
	return 0, false
}

// indicator resolves an indicator code.
func (r *Reference) indicator(scheme, code string) (Indicator, bool) {
	i, ok := lookup(r.indicatorCodes, scheme, code)
	if !ok {
		return Indicator{}, false
	}
	return r.indicators[i], true
}

// geo resolves an economy or group code. M49 codes match with or without leading zeros.
func (r *Reference) geo(scheme, code string) (economy, group int32, ok bool) {
	c := geoCode(code)
	if id, ok := lookup(r.economyCodes, scheme, c); ok {
		return id, 0, true
	}
	if id, ok := lookup(r.groupCodes, scheme, c); ok {
		return 0, id, true
	}
	return 0, 0, false
}

// geoCode is code trimmed and, when it is a number (M49), without leading zeros.
func geoCode(code string) string {
	c := strings.TrimSpace(code)
	if isDigits(c) {
		c = strings.TrimLeft(c, "0")
		if c == "" {
			c = "0"
		}
	}
	return c
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Schema is the layout of validated batches.
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: "line", Type: arrow.PrimitiveTypes.Int32},
	{Name: "indicator", Type: arrow.PrimitiveTypes.Int32},
	{Name: "economy", Type: arrow.PrimitiveTypes.Int32}, // 0 when the row is a group's
	{Name: "group", Type: arrow.PrimitiveTypes.Int32},   // 0 when the row is an economy's or a new aggregate's
	{Name: "new_group", Type: textType, Nullable: true}, // code of an aggregate the source declares and the store lacks
	{Name: "new_group_name", Type: textType, Nullable: true},
	{Name: "sex", Type: arrow.PrimitiveTypes.Uint8},
	{Name: "area", Type: arrow.PrimitiveTypes.Uint8},
	{Name: "age", Type: textType},
	{Name: "year", Type: arrow.PrimitiveTypes.Int16},
	{Name: "value", Type: arrow.PrimitiveTypes.Float64},
	{Name: "flag", Type: arrow.PrimitiveTypes.Uint8},
	{Name: "source", Type: textType, Nullable: true},
	{Name: "note", Type: textType, Nullable: true},
	{Name: "se", Type: arrow.PrimitiveTypes.Float64, Nullable: true},      // standard error, null when not given
	{Name: "ci_low", Type: arrow.PrimitiveTypes.Float64, Nullable: true},  // lower bound of the interval
	{Name: "ci_high", Type: arrow.PrimitiveTypes.Float64, Nullable: true}, // upper bound of the interval
}, nil)

// Column positions of Schema.
const (
	OutLine = iota
	OutIndicator
	OutEconomy
	OutGroup
	OutNewGroup
	OutNewGroupName
	OutSex
	OutArea
	OutAge
	OutYear
	OutValue
	OutFlag
	OutSource
	OutNote
	OutStdErr
	OutLower
	OutUpper
)

var textType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// Check validates one raw batch read from src. It returns the good rows in Schema and one reject
// per bad row; together they account for every row of raw.
func (r *Reference) Check(src *ingest.Source, raw arrow.RecordBatch, mem memory.Allocator) (arrow.RecordBatch, []ingest.Reject) {
	c := checker{ref: r, src: src, raw: raw, n: int(raw.NumRows())}
	c.bad = make([]bool, c.n)
	rec := c.run(mem)
	return rec, c.inRowOrder()
}

type checker struct {
	ref     *Reference
	src     *ingest.Source
	raw     arrow.RecordBatch
	n       int
	bad     []bool
	rejects []rowReject // in the order the columns are checked
	lines   []int32
	cols    [ingest.ColNote + 1]dictCol
}

// geoRef is a resolved economy or group code.
type geoRef struct {
	economy, group int32
	ok             bool
}

// dictCol is a dictionary-encoded raw column with its indices and values at hand.
type dictCol struct {
	arr    *array.Dictionary
	idx    []int32
	nulls  bool
	values *array.String
}

func newDictCol(arr arrow.Array) dictCol {
	d := arr.(*array.Dictionary)
	return dictCol{arr: d, idx: d.Indices().(*array.Int32).Int32Values(), nulls: d.NullN() > 0, values: d.Dictionary().(*array.String)}
}

// entry is the dictionary entry of row, false when the row is null.
func (d dictCol) entry(row int) (int, bool) {
	if d.nulls && d.arr.IsNull(row) {
		return 0, false
	}
	return int(d.idx[row]), true
}

// resolve calls fn once per dictionary entry and returns, per entry, the reason it is invalid.
func (d dictCol) resolve(fn func(i int, text string) string) []string {
	reasons := make([]string, d.values.Len())
	for i := range reasons {
		reasons[i] = fn(i, d.values.Value(i))
	}
	return reasons
}

// rowReject is a reject and the row of the batch it is for.
type rowReject struct {
	row    int
	reject ingest.Reject
}

// inRowOrder is the rejects in the order of their rows.
func (c *checker) inRowOrder() []ingest.Reject {
	if len(c.rejects) == 0 {
		return nil
	}
	slices.SortFunc(c.rejects, func(a, b rowReject) int { return a.row - b.row })
	out := make([]ingest.Reject, len(c.rejects))
	for i, r := range c.rejects {
		out[i] = r.reject
	}
	return out
}

// reject records the first problem of a row.
func (c *checker) reject(row, col int, value, reason string) {
	if c.bad[row] {
		return
	}
	c.bad[row] = true
	name := c.src.ColumnName(col)
	if name == ingest.NamedByYear {
		name = c.text(ingest.ColYear, row)
	}
	c.rejects = append(c.rejects, rowReject{row, ingest.Reject{Line: int64(c.lines[row]), Column: name, Value: ingest.Cut(value), Reason: reason}})
}

// tooLong is the reason a field longer than ingest.MaxFieldBytes rejects its row.
func tooLong(n int) string {
	return fmt.Sprintf("field of %d bytes, longer than the %d a field may hold", n, ingest.MaxFieldBytes)
}

// checkLengths rejects the rows with a field longer than ingest.MaxFieldBytes, before any other
// rule, so that no such text reaches the store.
func (c *checker) checkLengths() {
	for col := range c.cols {
		d := c.cols[col]
		if d.values == nil {
			continue
		}
		long := false
		reasons := d.resolve(func(_ int, text string) string {
			if len(text) > ingest.MaxFieldBytes {
				long = true
				return tooLong(len(text))
			}
			return ""
		})
		if long {
			c.checkDict(col, reasons, false)
		}
	}
	for _, col := range []int{ingest.ColValue, ingest.ColStdErr, ingest.ColLower, ingest.ColUpper} {
		values := c.raw.Column(col).(*array.String)
		if values.NullN() == values.Len() {
			continue
		}
		for row := 0; row < c.n; row++ {
			if v := values.Value(row); len(v) > ingest.MaxFieldBytes {
				c.reject(row, col, v, tooLong(len(v)))
			}
		}
	}
}

// text is the raw text of a dictionary column at row, "" when null.
func (c *checker) text(col, row int) string {
	e, ok := c.cols[col].entry(row)
	if !ok {
		return ""
	}
	return c.cols[col].values.Value(e)
}

// checkDict rejects the rows whose entry has a reason, and null rows when the column is required.
func (c *checker) checkDict(col int, reasons []string, required bool) {
	d := c.cols[col]
	bad := false
	for _, r := range reasons {
		bad = bad || r != ""
	}
	if !bad && (!required || !d.nulls) {
		return
	}
	for row := 0; row < c.n; row++ {
		e, ok := d.entry(row)
		if !ok {
			if required {
				c.reject(row, col, "", "missing "+ingest.ColumnNames[col])
			}
			continue
		}
		if reasons[e] != "" {
			c.reject(row, col, d.values.Value(e), reasons[e])
		}
	}
}

func (c *checker) run(mem memory.Allocator) arrow.RecordBatch {
	r, src := c.ref, c.src
	c.lines = c.raw.Column(ingest.ColLine).(*array.Int32).Int32Values()
	for col := range c.cols {
		if col != ingest.ColLine && !ingest.Numeric(col) {
			c.cols[col] = newDictCol(c.raw.Column(col))
		}
	}
	var res resolved
	c.checkLengths()

	// Indicators: resolved once per distinct code.
	ind := c.cols[ingest.ColIndicator]
	res.indicators = make([]Indicator, ind.values.Len())
	c.checkDict(ingest.ColIndicator, ind.resolve(func(i int, code string) string {
		x, ok := r.indicator(src.IndicatorScheme, code)
		if !ok {
			return UnknownIndicator
		}
		res.indicators[i] = x
		return ""
	}), true)

	// Economies and groups. A code that matches nothing is an error unless the source declares
	// the row an aggregate.
	geo, agg := c.cols[ingest.ColEconomy], c.cols[ingest.ColAggregate]
	res.geos = make([]geoRef, geo.values.Len())
	unknown := false
	geo.resolve(func(i int, code string) string {
		e, g, ok := r.geo(src.EconomyScheme, code)
		res.geos[i] = geoRef{e, g, ok}
		unknown = unknown || !ok
		return ""
	})
	if unknown || geo.nulls {
		for row := 0; row < c.n; row++ {
			e, ok := geo.entry(row)
			switch {
			case !ok:
				c.reject(row, ingest.ColEconomy, "", "missing economy")
			case !res.geos[e].ok:
				// A blank code is no code, even for a declared aggregate: the row would belong to
				// no economy and no group.
				code := geo.values.Value(e)
				if strings.TrimSpace(code) == "" {
					c.reject(row, ingest.ColEconomy, code, "missing economy")
				} else if _, declared := agg.entry(row); !declared {
					c.reject(row, ingest.ColEconomy, code, "unknown economy or group")
				}
			}
		}
	}

	// Years: parsed once per distinct text.
	year := c.cols[ingest.ColYear]
	res.years = make([]int16, year.values.Len())
	c.checkDict(ingest.ColYear, year.resolve(func(i int, text string) string {
		y, reason := parseYear(text)
		res.years[i] = y
		return reason
	}), true)

	// Closed code lists: sex, area, flag.
	closed := func(col int, idx map[string]uint8, what string) []uint8 {
		d := c.cols[col]
		ids := make([]uint8, d.values.Len())
		c.checkDict(col, d.resolve(func(i int, text string) string {
			id, ok := idx[fold(text)]
			if !ok {
				return "unknown " + what + " code"
			}
			ids[i] = id
			return ""
		}), false)
		return ids
	}
	res.sex = closed(ingest.ColSex, r.sex, "sex")
	res.area = closed(ingest.ColArea, r.area, "area")
	res.flag = closed(ingest.ColFlag, r.flag, "flag")

	unit := c.cols[ingest.ColUnit]
	unitKinds := make([]string, unit.values.Len())
	c.checkDict(ingest.ColUnit, unit.resolve(func(i int, text string) string {
		kind, ok := r.units[fold(text)]
		if !ok {
			return "unknown unit"
		}
		unitKinds[i] = kind
		return ""
	}), false)

	// Age groups: an open list, written one way.
	age := c.cols[ingest.ColAge]
	res.ages = make([]string, age.values.Len())
	c.checkDict(ingest.ColAge, age.resolve(func(i int, text string) string {
		a, ok := CanonicalAge(text)
		if !ok {
			return "unknown age group (write 15-24, 15+ or <15)"
		}
		res.ages[i] = a
		return ""
	}), false)

	// Values, checked against the indicator's unit and bounds.
	valArr := c.raw.Column(ingest.ColValue).(*array.String)
	valNulls := valArr.NullN() > 0
	res.values = make([]float64, c.n)
	for row := 0; row < c.n; row++ {
		if c.bad[row] {
			continue
		}
		x := res.indicators[ind.idx[row]]
		if e, ok := unit.entry(row); ok && unitKinds[e] != x.UnitKind {
			c.reject(row, ingest.ColUnit, unit.values.Value(e), fmt.Sprintf("unit does not match %s, which is in %s", x.Code, x.Unit))
			continue
		}
		if valNulls && valArr.IsNull(row) {
			c.reject(row, ingest.ColValue, "", "missing value")
			continue
		}
		text := valArr.Value(row)
		v, reason := parseValue(text)
		if reason == "" {
			reason = checkBounds(v, x)
		}
		if reason != "" {
			c.reject(row, ingest.ColValue, text, reason)
			continue
		}
		res.values[row] = v
	}
	c.checkUncertainty(&res)
	return c.build(mem, res)
}

// checkUncertainty reads the standard errors and interval bounds of the rows that have them:
// numbers, the standard error not negative, the bounds inside the indicator's valid range and
// around the value (lower ≤ value ≤ upper). Rows without them get NaN, stored as NULL.
func (c *checker) checkUncertainty(res *resolved) {
	ind := c.cols[ingest.ColIndicator]
	read := func(col int) []float64 {
		arr := c.raw.Column(col).(*array.String)
		if arr.NullN() == arr.Len() {
			return nil
		}
		out := make([]float64, c.n)
		for row := range out {
			out[row] = math.NaN()
			if c.bad[row] || arr.IsNull(row) || strings.TrimSpace(arr.Value(row)) == "" {
				continue
			}
			text := arr.Value(row)
			v, reason := parseValue(text)
			switch {
			case reason != "":
			case col == ingest.ColStdErr && v < 0:
				reason = "negative standard error"
			case col != ingest.ColStdErr:
				reason = checkBounds(v, res.indicators[ind.idx[row]])
			}
			if reason != "" {
				c.reject(row, col, text, reason)
				continue
			}
			out[row] = v
		}
		return out
	}
	res.se, res.lower, res.upper = read(ingest.ColStdErr), read(ingest.ColLower), read(ingest.ColUpper)
	if res.lower == nil && res.upper == nil {
		return
	}
	for row := 0; row < c.n; row++ {
		if c.bad[row] {
			continue
		}
		v := res.values[row]
		if res.lower != nil && res.lower[row] > v {
			c.reject(row, ingest.ColLower, c.numText(ingest.ColLower, row), "lower bound above the value "+boundText(v))
		} else if res.upper != nil && res.upper[row] < v {
			c.reject(row, ingest.ColUpper, c.numText(ingest.ColUpper, row), "upper bound below the value "+boundText(v))
		}
	}
}

// numText is the text of a numeric raw column at row, as written.
func (c *checker) numText(col, row int) string {
	return c.raw.Column(col).(*array.String).Value(row)
}

// parseYear reads a year written as digits, 2024. Spaces around it are ignored, as in every
// field; a sign, leading zeros or a decimal point are not (+2024, 02024, 2024.0), which a program
// writing years would not produce and which may hide another column's text.
func parseYear(text string) (int16, string) {
	t := strings.TrimSpace(text)
	y, err := strconv.Atoi(t)
	if err != nil {
		if isDate(t) {
			return 0, "a date, not a year"
		}
		return 0, "year is not a whole number"
	}
	if strconv.Itoa(y) != t {
		return 0, "year not written plainly as digits, e.g. 2024 (no sign or leading zeros)"
	}
	if y < MinYear || y > MaxYear {
		return 0, fmt.Sprintf("year outside %d–%d", MinYear, MaxYear)
	}
	return int16(y), ""
}

// isDate reports whether s starts as a date written year first, 2024-01-31: how a date cell of
// a workbook reads.
func isDate(s string) bool {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	return isDigits(s[:4]) && isDigits(s[5:7]) && isDigits(s[8:10])
}

// parseValue reads a number as producers write it: decimal or scientific notation (1e+006, as
// ITU exports write a million), with surrounding spaces. Markers of a missing value (.., n/a, NA,
// NaN, -) are reported as such, in any case, and so are TRUE/FALSE and dates.
func parseValue(text string) (float64, string) {
	t := strings.TrimSpace(text)
	if t == "" {
		return 0, "missing value"
	}
	for _, m := range missingMarkers {
		if strings.EqualFold(t, m) {
			return 0, "missing value (" + t + ")"
		}
	}
	if !isDecimal(t) {
		switch {
		case strings.EqualFold(t, "TRUE") || strings.EqualFold(t, "FALSE"):
			return 0, "a TRUE/FALSE cell, not a number"
		case isDate(t):
			return 0, "a date, not a number"
		}
		return 0, "not a number"
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, "not a number"
	}
	// A number too close to 0 for a float64 (1e-400) would be stored as 0, or with fewer
	// digits than written.
	if math.Abs(v) < 0x1p-1022 && nonZeroMantissa(t) {
		return 0, "number too close to 0 to be stored: below 2.2e-308 it reads as 0 or loses digits"
	}
	if v == 0 && math.Signbit(v) {
		return 0, "negative zero; write 0"
	}
	return v, ""
}

// nonZeroMantissa reports whether a number written as isDecimal accepts has a digit other than 0
// before its exponent.
func nonZeroMantissa(s string) bool {
	for i := 0; i < len(s) && s[i] != 'e' && s[i] != 'E'; i++ {
		if s[i] >= '1' && s[i] <= '9' {
			return true
		}
	}
	return false
}

var missingMarkers = []string{"..", "...", "NA", "n/a", "-", "NaN"}

// isDecimal reports whether s is written [+-]digits[.digits][e[+-]digits], with at least one
// digit before the exponent: no hexadecimal, underscores, infinities or thousands separators.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// checkBounds applies the indicator's valid range, naming the rule broken.
func checkBounds(v float64, ind Indicator) string {
	if v >= ind.Min && v <= ind.Max {
		return ""
	}
	switch {
	case ind.UnitKind == "percent":
		return "percentage outside 0–100"
	case v < 0 && ind.Min == 0 && ind.UnitKind == "count":
		return "negative count"
	case v < 0 && ind.Min == 0:
		return "negative value for " + ind.Unit
	case v < ind.Min:
		return fmt.Sprintf("below the minimum %s for %s", boundText(ind.Min), ind.Code)
	}
	return fmt.Sprintf("above the maximum %s for %s", boundText(ind.Max), ind.Code)
}

// boundText writes a bound shortly: 1000, 0.01, 2e10.
func boundText(x float64) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if i := strings.Index(s, "e+"); i >= 0 {
		s = s[:i+1] + strings.TrimLeft(s[i+2:], "0")
	}
	return s
}
