package ingest

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// normalizeHeader folds a header for matching: lower case, brackets dropped, runs of spaces and
// hyphens turned into one underscore.
func normalizeHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = strings.Trim(h, "[]")
	var b strings.Builder
	underscore := false
	for _, r := range h {
		if r == ' ' || r == '-' || r == '_' || r == '.' {
			if !underscore && b.Len() > 0 {
				b.WriteByte('_')
			}
			underscore = true
			continue
		}
		underscore = false
		b.WriteRune(r)
	}
	return strings.TrimSuffix(b.String(), "_")
}

// longHeaders are the headers of the generic long layout, by raw column. The first name is the
// documented one; the others are the SDMX-CSV and common spellings also accepted.
var longHeaders = map[int][]string{
	ColIndicator: {"indicator", "indicator_code", "series", "series_code", "seriescode"},
	ColEconomy:   {"economy", "iso3", "economy_code", "country_code", "ref_area", "geo"},
	ColYear:      {"year", "time_period", "time", "period"},
	ColValue:     {"value", "obs_value"},
	ColSex:       {"sex"},
	ColArea:      {"area", "location", "urbanisation", "urbanization"},
	ColAge:       {"age", "age_group"},
	ColUnit:      {"unit", "units", "unit_measure"},
	ColFlag:      {"flag", "obs_status", "status"},
	ColSource:    {"source"},
	ColNote:      {"note", "notes", "comment", "obs_comment", "footnote"},
	ColStdErr:    {"se", "std_error", "standard_error"},
	ColLower:     {"ci_low", "lower_bound", "lowerbound"},
	ColUpper:     {"ci_high", "upper_bound", "upperbound"},
}

// descriptiveHeaders are columns that describe a code given in another column; they carry no
// observation data and are passed over.
var descriptiveHeaders = map[string]bool{
	"economy_name": true, "country": true, "country_name": true, "name": true,
	"indicator_name": true, "series_name": true, "dataflow": true, "freq": true,
	"unit_mult": true, "decimals": true,
}

// fieldMap copies fields to raw columns and fills constants.
type fieldMap struct {
	nfields   int
	fields    []int // field index per mapped column
	cols      []int // raw column per mapped field
	constants []constant
}

type constant struct {
	col   int
	value string
}

func (m *fieldMap) add(field, col int) {
	m.fields = append(m.fields, field)
	m.cols = append(m.cols, col)
}

func (m *fieldMap) has(col int) bool {
	for _, c := range m.cols {
		if c == col {
			return true
		}
	}
	for _, c := range m.constants {
		if c.col == col {
			return true
		}
	}
	return false
}

// addConstants adds the constant columns of opts, refusing a constant for a column the file has.
func (m *fieldMap) addConstants(opts Options) error {
	keys := make([]string, 0, len(opts.Constants))
	for k := range opts.Constants {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		col, _ := rawColumn(k)
		if m.has(col) {
			return fmt.Errorf("the file has a %s column, so a constant %s cannot be set", k, k)
		}
		m.constants = append(m.constants, constant{col, opts.Constants[k]})
	}
	return nil
}

// refuse reports a column mapping or constant for one of cols, raw columns the layout fills
// itself; the builder takes one field per column and row.
func (m *fieldMap) refuse(format string, cols ...int) error {
	for _, c := range cols {
		if m.has(c) {
			return fmt.Errorf("%s files fill the %s column themselves: it cannot be mapped or set", format, ColumnNames[c])
		}
	}
	return nil
}

func (m *fieldMap) width() int { return m.nfields }

func (m *fieldMap) appendRecord(b *RawBuilder, line int32, fields [][]byte) string {
	if len(fields) != m.nfields {
		return fieldCountReason(m.nfields, len(fields))
	}
	b.StartRow(line)
	for i, f := range m.fields {
		b.Set(m.cols[i], fields[f])
	}
	for _, c := range m.constants {
		b.SetString(c.col, c.value)
	}
	return ""
}

func fieldCountReason(want, got int) string {
	return fmt.Sprintf("expected %d fields as in the header, found %d", want, got)
}

// requireColumns reports the raw columns a layout needs that neither the header nor a constant
// provides.
func requireColumns(m *fieldMap, format string, cols ...int) error {
	var missing []string
	for _, c := range cols {
		if !m.has(c) {
			missing = append(missing, ColumnNames[c])
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s file without %s column(s): map them with --column NAME=HEADER or set them with --set NAME=VALUE",
			format, strings.Join(missing, ", "))
	}
	return nil
}

// matchHeaders maps each header to a raw column using opts.Columns first and then names, and
// returns the headers left over.
func matchHeaders(m *fieldMap, names *[numColumns]string, header []string, opts Options, headers map[int][]string) (left []int, err error) {
	explicit := map[string]int{}
	for k, h := range opts.Columns {
		col, _ := rawColumn(k)
		explicit[normalizeHeader(h)] = col
	}
	ignore := map[string]bool{}
	for _, h := range opts.Ignore {
		ignore[normalizeHeader(h)] = true
	}
	lookup := map[string]int{}
	for col, hs := range headers {
		for _, h := range hs {
			lookup[h] = col
		}
	}
	seen := map[int]string{}
	for i, h := range header {
		n := normalizeHeader(h)
		col, ok := explicit[n]
		if !ok && !ignore[n] {
			col, ok = lookup[n]
		}
		switch {
		case ignore[n] && !ok:
			continue
		case ok:
			if prev, dup := seen[col]; dup {
				return nil, fmt.Errorf("columns %q and %q both map to %s", Cut(prev), Cut(h), ColumnNames[col])
			}
			seen[col] = h
			m.add(i, col)
			names[col] = h
		default:
			left = append(left, i)
		}
	}
	return left, nil
}

// unknownColumnsError is a header with columns no layout reads, named with their positions.
type unknownColumnsError struct {
	format  string
	header  []string
	idx     []int
	letters bool // positions as a spreadsheet names its columns (A, B, ..., XFD), not numbers
}

// Error names the unknown headers with their columns, and counts the columns without a header.
func (e *unknownColumnsError) Error() string {
	pos := func(i int) string {
		if e.letters {
			return columnLetters(i + 1)
		}
		return strconv.Itoa(i + 1)
	}
	var hs, blank []string
	for _, i := range e.idx {
		if strings.TrimSpace(e.header[i]) == "" {
			blank = append(blank, pos(i))
			continue
		}
		hs = append(hs, fmt.Sprintf("%s (column %s)", strconv.Quote(e.header[i]), pos(i)))
	}
	switch {
	case len(blank) == 1:
		hs = append(hs, "a column without a header (column "+blank[0]+")")
	case len(blank) > 1:
		hs = append(hs, fmt.Sprintf("%d columns without a header (columns %s to %s)", len(blank), blank[0], blank[len(blank)-1]))
	}
	return fmt.Sprintf("%s file with unknown column(s) %s: map them with --column NAME=HEADER or pass --ignore HEADER",
		e.format, Cut(strings.Join(hs, ", ")))
}

func unknownColumns(header []string, idx []int, format string) error {
	return &unknownColumnsError{format: format, header: header, idx: idx}
}

// columnLetters names spreadsheet column n (1-based): A, Z, AA, XFD.
func columnLetters(n int) string {
	var b []byte
	for ; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b)
}

// newLongLayout is the documented generic long CSV: one observation per record.
func newLongLayout(header []string, opts Options) (tableLayout, error) {
	tl := tableLayout{indicatorScheme: "", economyScheme: ""}
	m := &fieldMap{nfields: len(header)}
	left, err := matchHeaders(m, &tl.names, header, opts, longHeaders)
	if err != nil {
		return tl, err
	}
	var unknown []int
	for _, i := range left {
		if !descriptiveHeaders[normalizeHeader(header[i])] {
			unknown = append(unknown, i)
		}
	}
	if len(unknown) > 0 {
		return tl, unknownColumns(header, unknown, "long")
	}
	if err := m.addConstants(opts); err != nil {
		return tl, err
	}
	if err := requireColumns(m, "long", ColIndicator, ColEconomy, ColYear, ColValue); err != nil {
		return tl, err
	}
	tl.layout = m
	return tl, nil
}

// yearHeader matches the year columns of wide files: 2005, 2005 [YR2005], YR2005.
var yearHeader = regexp.MustCompile(`^(?:(\d{4})(?:\s*\[YR\d{4}\])?|YR(\d{4}))$`)

// oddYearHeader matches headers that look like years written otherwise: with a sign, leading
// zeros or decimals (+2024, 02024, 2024.0, YR02024).
var oddYearHeader = regexp.MustCompile(`^(?:YR)?[+-]?0*[1-9]\d{3}(?:\.\d*)?$`)

func isOddYear(h string) bool {
	_, plain := headerYear(h)
	return !plain && oddYearHeader.MatchString(strings.TrimSpace(h))
}

func headerYear(h string) (string, bool) {
	m := yearHeader.FindStringSubmatch(strings.TrimSpace(h))
	if m == nil {
		return "", false
	}
	if m[1] != "" {
		return m[1], true
	}
	return m[2], true
}

// wideLayout has one record per economy (and indicator) and one column per year.
type wideLayout struct {
	keys      fieldMap // economy, indicator and dimension columns
	yearField []int
	years     [][]byte
}

// missingMarkers are cells of wide files that hold no observation.
var missingMarkers = map[string]bool{"": true, "..": true, "...": true, "-": true, "NA": true, "n/a": true, "N/A": true}

func (w *wideLayout) width() int { return w.keys.nfields }

func (w *wideLayout) appendRecord(b *RawBuilder, line int32, fields [][]byte) string {
	if isDataBankFooter(fields) {
		return ""
	}
	if len(fields) != w.keys.nfields {
		return fieldCountReason(w.keys.nfields, len(fields))
	}
	for i, f := range w.yearField {
		cell := fields[f]
		if missingMarkers[strings.TrimSpace(string(cell))] {
			continue
		}
		b.StartRow(line)
		for k, kf := range w.keys.fields {
			b.Set(w.keys.cols[k], fields[kf])
		}
		for _, c := range w.keys.constants {
			b.SetString(c.col, c.value)
		}
		b.Set(ColYear, w.years[i])
		b.Set(ColValue, cell)
	}
	return ""
}

// dataBankFooters begin the lines the World Bank's DataBank writes under the data of a download:
// "Data from database: World Development Indicators", "Last Updated: 12/16/2025".
var dataBankFooters = [][]byte{[]byte("Data from database:"), []byte("Last Updated:")}

// isDataBankFooter reports whether a record of a wide file is a line of DataBank's footer: one
// field that begins as those lines do, alone on its line or followed by empty fields.
func isDataBankFooter(fields [][]byte) bool {
	if len(fields) == 0 {
		return false
	}
	for _, f := range fields[1:] {
		if len(bytes.TrimSpace(f)) > 0 {
			return false
		}
	}
	first := bytes.TrimSpace(fields[0])
	for _, p := range dataBankFooters {
		if bytes.HasPrefix(first, p) {
			return true
		}
	}
	return false
}

// wideHeaders are the key columns of wide files: the long names plus the World Bank's.
var wideHeaders = map[int][]string{
	ColIndicator: {"indicator", "indicator_code", "series_code", "series", "seriescode"},
	ColEconomy:   {"economy", "iso3", "economy_code", "country_code", "ref_area", "geo", "code"},
	ColSex:       longHeaders[ColSex],
	ColArea:      longHeaders[ColArea],
	ColAge:       longHeaders[ColAge],
	ColUnit:      longHeaders[ColUnit],
	ColFlag:      longHeaders[ColFlag],
	ColSource:    longHeaders[ColSource],
	ColNote:      longHeaders[ColNote],
}

func newWideLayout(header []string, opts Options) (tableLayout, error) {
	tl := tableLayout{}
	w := &wideLayout{keys: fieldMap{nfields: len(header)}}
	left, err := matchHeaders(&w.keys, &tl.names, header, opts, wideHeaders)
	if err != nil {
		return tl, err
	}
	var unknown, odd []int
	for _, i := range left {
		if y, ok := headerYear(header[i]); ok {
			w.yearField = append(w.yearField, i)
			w.years = append(w.years, []byte(y))
			continue
		}
		switch {
		case isOddYear(header[i]):
			odd = append(odd, i)
		case !descriptiveHeaders[normalizeHeader(header[i])]:
			unknown = append(unknown, i)
		}
	}
	if len(odd) > 0 {
		var hs []string
		for _, i := range odd {
			hs = append(hs, strconv.Quote(header[i]))
		}
		return tl, fmt.Errorf("wide file with year column header(s) %s not written as a plain year: write 2024, 2024 [YR2024] or YR2024",
			Cut(strings.Join(hs, ", ")))
	}
	if len(unknown) > 0 {
		return tl, unknownColumns(header, unknown, "wide")
	}
	if len(w.yearField) == 0 {
		return tl, fmt.Errorf("wide file without year columns (headers such as 2005, 2005 [YR2005] or YR2005)")
	}
	if err := w.keys.addConstants(opts); err != nil {
		return tl, err
	}
	if err := w.keys.refuse("wide", ColYear, ColValue); err != nil {
		return tl, err
	}
	if err := requireColumns(&w.keys, "wide", ColIndicator, ColEconomy); err != nil {
		return tl, err
	}
	tl.names[ColYear] = "year column header"
	tl.names[ColValue] = NamedByYear
	tl.layout = w
	return tl, nil
}

// newDataHubLayout reads ITU DataHub exports. The indicator and its unit follow from seriesCode;
// seriesUnits and seriesDescription are not reliable in these exports and are not read. Rows
// whose dataSource names an ITU estimate are flagged as estimates.
func newDataHubLayout(header []string, opts Options) (tableLayout, error) {
	tl := tableLayout{indicatorScheme: "itu", economyScheme: "itu"}
	idx := map[string]int{}
	for i, h := range header {
		idx[strings.TrimSpace(h)] = i
	}
	need := []string{"seriesCode", "entityIso", "dataValue", "dataYear"}
	for _, n := range need {
		if _, ok := idx[n]; !ok {
			return tl, fmt.Errorf("ITU DataHub file without the %s column", n)
		}
	}
	d := &dataHubLayout{nfields: len(header), note: -1, source: -1}
	d.series, d.entity, d.value, d.year = idx["seriesCode"], idx["entityIso"], idx["dataValue"], idx["dataYear"]
	if i, ok := idx["dataNote"]; ok {
		d.note = i
		tl.names[ColNote] = "dataNote"
	}
	if i, ok := idx["dataSource"]; ok {
		d.source = i
		tl.names[ColSource] = "dataSource"
		tl.names[ColFlag] = "dataSource"
	}
	tl.names[ColIndicator], tl.names[ColEconomy], tl.names[ColValue], tl.names[ColYear] = "seriesCode", "entityIso", "dataValue", "dataYear"
	if len(opts.Constants) > 0 || len(opts.Columns) > 0 {
		return tl, fmt.Errorf("ITU DataHub files take no column mapping or constants")
	}
	tl.layout = d
	return tl, nil
}

type dataHubLayout struct {
	nfields                           int
	series, entity, value, year, note int
	source                            int
}

var estimateWord = []byte("estimate")

func (d *dataHubLayout) width() int { return d.nfields }

func (d *dataHubLayout) appendRecord(b *RawBuilder, line int32, fields [][]byte) string {
	if len(fields) != d.nfields {
		return fieldCountReason(d.nfields, len(fields))
	}
	b.StartRow(line)
	b.Set(ColIndicator, fields[d.series])
	b.Set(ColEconomy, fields[d.entity])
	b.Set(ColValue, fields[d.value])
	b.Set(ColYear, fields[d.year])
	if d.note >= 0 {
		b.Set(ColNote, fields[d.note])
	}
	if d.source >= 0 {
		src := fields[d.source]
		b.Set(ColSource, src)
		if containsFold(src, estimateWord) {
			b.SetString(ColFlag, "E")
		}
	}
	return ""
}

// containsFold reports whether s contains the lower-case ASCII word w, ignoring case.
func containsFold(s, w []byte) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for j < len(w) && s[i+j]|0x20 == w[j] {
			j++
		}
		if j == len(w) {
			return true
		}
	}
	return false
}

// keyedLayout covers formats with key columns and one or more value columns, where each value
// column is an indicator (DDF, OWID) or where qualifying dimensions extend the indicator code
// (SDG).
type keyedLayout struct {
	keys       fieldMap // economy, year and dimension columns
	qualifiers []qualifier
	values     []int                                // value fields
	indicators [][]byte                             // indicator code per value field (before qualifiers)
	aggregate  func(fields [][]byte, b *RawBuilder) // marks aggregate rows (OWID)
	seriesCol  int                                  // field holding the series code, -1 if none
	code       []byte                               // scratch for the qualified indicator code
}

// qualifier is a dimension that is not one of the observation's own (sex, area, age) but splits
// the series, such as an SDG type_of_skill; it becomes part of the indicator code.
type qualifier struct {
	field int
	name  string
}

func (k *keyedLayout) width() int { return k.keys.nfields }

func (k *keyedLayout) appendRecord(b *RawBuilder, line int32, fields [][]byte) string {
	if len(fields) != k.keys.nfields {
		return fieldCountReason(k.keys.nfields, len(fields))
	}
	for i, vf := range k.values {
		cell := fields[vf]
		if len(cell) == 0 {
			continue
		}
		b.StartRow(line)
		for j, kf := range k.keys.fields {
			b.Set(k.keys.cols[j], fields[kf])
		}
		for _, c := range k.keys.constants {
			b.SetString(c.col, c.value)
		}
		code := k.indicators[i]
		if k.seriesCol >= 0 {
			code = fields[k.seriesCol]
		}
		if len(k.qualifiers) > 0 {
			k.code = append(k.code[:0], code...)
			for _, q := range k.qualifiers {
				k.code = append(k.code, '|')
				k.code = append(k.code, q.name...)
				k.code = append(k.code, '=')
				k.code = append(k.code, fields[q.field]...)
			}
			code = k.code
		}
		if !k.keys.has(ColIndicator) {
			b.Set(ColIndicator, code)
		}
		b.Set(ColValue, cell)
		if k.aggregate != nil {
			k.aggregate(fields, b)
		}
	}
	return ""
}

// ddfHeaders are the key columns of DDF datapoint files.
var ddfHeaders = map[int][]string{
	ColEconomy: {"geo", "geo_area", "country"},
	ColYear:    {"time", "year"},
	ColSex:     {"sex"},
	ColArea:    {"location"},
	ColAge:     {"age"},
	ColUnit:    {"units", "unit"},
	ColFlag:    {"nature"},
}

// ddfPassedOver are DDF key columns that carry no information for an observation.
var ddfPassedOver = map[string]bool{"freq": true, "reporting_type": true}

// newDDFLayout reads DDF datapoints: key columns geo (or geo_area, M49) and time (or year), the
// SDG dimensions where present, and one column per indicator named by its concept id.
// Dimensions named type_of_* qualify the indicator code.
func newDDFLayout(header []string, opts Options) (tableLayout, error) {
	tl := tableLayout{indicatorScheme: "ddf", economyScheme: "ddf"}
	k := &keyedLayout{keys: fieldMap{nfields: len(header)}, seriesCol: -1}
	left, err := matchHeaders(&k.keys, &tl.names, header, opts, ddfHeaders)
	if err != nil {
		return tl, err
	}
	if normalizeHeader(tl.names[ColEconomy]) == "geo_area" {
		// The open-numbers copy of the UN SDG database: M49 areas, SDG series codes.
		tl.indicatorScheme, tl.economyScheme = "sdg", "m49"
	}
	for _, i := range left {
		n := normalizeHeader(header[i])
		switch {
		case ddfPassedOver[n]:
		case strings.HasPrefix(n, "type_of_"):
			k.qualifiers = append(k.qualifiers, qualifier{i, n})
		default:
			k.values = append(k.values, i)
			k.indicators = append(k.indicators, []byte(header[i]))
		}
	}
	if len(k.values) == 0 {
		return tl, fmt.Errorf("DDF file without a value column")
	}
	if err := k.keys.addConstants(opts); err != nil {
		return tl, err
	}
	if err := k.keys.refuse("DDF", ColValue); err != nil {
		return tl, err
	}
	if err := requireColumns(&k.keys, "DDF", ColEconomy, ColYear); err != nil {
		return tl, err
	}
	if len(k.values) == 1 {
		tl.names[ColValue] = header[k.values[0]]
		tl.names[ColIndicator] = header[k.values[0]] + " (header)"
	} else {
		tl.names[ColValue] = "indicator columns"
	}
	tl.layout = k
	return tl, nil
}

// sdgHeaders are the columns of the UN SDG global database CSV (downloads name dimensions with or
// without brackets).
var sdgHeaders = map[int][]string{
	ColEconomy: {"geoareacode"},
	ColYear:    {"timeperiod"},
	ColValue:   {"value"},
	ColSex:     {"sex"},
	ColArea:    {"location"},
	ColAge:     {"age"},
	ColUnit:    {"units"},
	ColFlag:    {"nature"},
	ColSource:  {"source"},
	ColNote:    {"footnote"},
}

// sdgPassedOver are SDG columns that describe rather than identify an observation.
var sdgPassedOver = map[string]bool{
	"goal": true, "target": true, "indicator": true, "seriesdescription": true, "geoareaname": true,
	"time_detail": true, "timecoverage": true, "upperbound": true, "lowerbound": true,
	"baseperiod": true, "geoinfourl": true, "reporting_type": true, "freq": true,
	"observation_status": true,
}

// newSDGLayout reads the UN SDG global database CSV. Dimension columns other than sex, location,
// age, nature and units (e.g. Type of skill) qualify the series code: SE_ADT_ACTS|type_of_skill=copa.
func newSDGLayout(header []string, opts Options) (tableLayout, error) {
	tl := tableLayout{indicatorScheme: "sdg", economyScheme: "m49"}
	k := &keyedLayout{keys: fieldMap{nfields: len(header)}, seriesCol: -1}
	left, err := matchHeaders(&k.keys, &tl.names, header, opts, sdgHeaders)
	if err != nil {
		return tl, err
	}
	for i, h := range header {
		if normalizeHeader(h) == "seriescode" {
			k.seriesCol = i
			tl.names[ColIndicator] = h
		}
	}
	if k.seriesCol < 0 {
		return tl, fmt.Errorf("SDG file without a SeriesCode column")
	}
	for _, i := range left {
		n := normalizeHeader(header[i])
		if i == k.seriesCol || sdgPassedOver[n] {
			continue
		}
		k.qualifiers = append(k.qualifiers, qualifier{i, n})
	}
	// The value is a key column here; the record's value field is handled as the one value.
	for j, c := range k.keys.cols {
		if c == ColValue {
			k.values = []int{k.keys.fields[j]}
			k.indicators = [][]byte{nil}
			k.keys.fields = append(k.keys.fields[:j], k.keys.fields[j+1:]...)
			k.keys.cols = append(k.keys.cols[:j], k.keys.cols[j+1:]...)
			break
		}
	}
	if err := k.keys.addConstants(opts); err != nil {
		return tl, err
	}
	if len(k.values) == 0 {
		return tl, fmt.Errorf("SDG file without a Value column")
	}
	if err := k.keys.refuse("SDG", ColValue); err != nil {
		return tl, err
	}
	if err := requireColumns(&k.keys, "SDG", ColEconomy, ColYear); err != nil {
		return tl, err
	}
	tl.layout = k
	return tl, nil
}

// owidHeaders are the key columns of OWID grapher CSV files.
var owidHeaders = map[int][]string{
	ColEconomy: {"code"},
	ColYear:    {"year"},
}

// newOWIDLayout reads OWID grapher CSV: Entity, Code, Year and one column per indicator. Rows
// without an ISO code, or with an OWID_ code, are aggregates and are named by Entity.
func newOWIDLayout(header []string, opts Options) (tableLayout, error) {
	tl := tableLayout{indicatorScheme: "owid", economyScheme: "owid"}
	k := &keyedLayout{keys: fieldMap{nfields: len(header)}, seriesCol: -1}
	entity := -1
	for i, h := range header {
		if normalizeHeader(h) == "entity" {
			entity = i
		}
	}
	if entity < 0 {
		return tl, fmt.Errorf("OWID file without an Entity column")
	}
	left, err := matchHeaders(&k.keys, &tl.names, header, opts, owidHeaders)
	if err != nil {
		return tl, err
	}
	codeField := -1
	for j, c := range k.keys.cols {
		if c == ColEconomy {
			codeField = k.keys.fields[j]
			// The economy is set by the aggregate hook below, from Code or Entity.
			k.keys.fields = append(k.keys.fields[:j], k.keys.fields[j+1:]...)
			k.keys.cols = append(k.keys.cols[:j], k.keys.cols[j+1:]...)
			break
		}
	}
	if codeField < 0 {
		return tl, fmt.Errorf("OWID file without a Code column")
	}
	for _, i := range left {
		if i == entity {
			continue
		}
		k.values = append(k.values, i)
		k.indicators = append(k.indicators, []byte(strings.TrimSpace(header[i])))
	}
	if len(k.values) == 0 {
		return tl, fmt.Errorf("OWID file without an indicator column")
	}
	if err := k.keys.addConstants(opts); err != nil {
		return tl, err
	}
	if err := k.keys.refuse("OWID", ColEconomy, ColAggregate, ColValue); err != nil {
		return tl, err
	}
	if err := requireColumns(&k.keys, "OWID", ColYear); err != nil {
		return tl, err
	}
	k.aggregate = func(fields [][]byte, b *RawBuilder) {
		code := fields[codeField]
		if len(code) == 0 {
			b.Set(ColEconomy, fields[entity])
			b.Set(ColAggregate, fields[entity])
			return
		}
		b.Set(ColEconomy, code)
		if strings.HasPrefix(string(code), "OWID_") {
			b.Set(ColAggregate, fields[entity])
		}
	}
	tl.names[ColEconomy] = header[codeField]
	tl.names[ColAggregate] = header[entity]
	if len(k.values) == 1 {
		tl.names[ColValue] = header[k.values[0]]
	}
	tl.layout = k
	return tl, nil
}

// detectLayout tells the format of a table from its header.
func detectLayout(header []string, opts Options) (string, error) {
	has := map[string]bool{}
	for _, h := range header {
		has[normalizeHeader(h)] = true
	}
	raw := map[string]bool{}
	for _, h := range header {
		raw[strings.TrimSpace(h)] = true
	}
	years := 0
	for _, h := range header {
		if _, ok := headerYear(h); ok || isOddYear(h) {
			years++
		}
	}
	switch {
	case raw["seriesCode"] && raw["entityIso"] && raw["dataValue"]:
		return "itu-datahub", nil
	case has["seriescode"] && has["geoareacode"]:
		return "sdg", nil
	case has["entity"] && has["code"] && has["year"]:
		return "owid", nil
	case (has["geo"] || has["geo_area"]) && (has["time"] || has["year"]) && !has["value"] && !has["indicator"]:
		return "ddf", nil
	case years > 0:
		return "wide", nil
	case has["value"] || has["obs_value"] || len(opts.Columns) > 0:
		return "long", nil
	}
	return "", fmt.Errorf("cannot tell the format from the header %q; pass --format (one of %s)",
		Cut(strings.Join(header, ",")), formatNames())
}

// headerNames are the headers, normalised, that some layout reads as a column.
var headerNames = func() map[string]bool {
	names := map[string]bool{"entity": true, "seriescode": true, "entityiso": true, "datavalue": true, "datayear": true}
	for _, m := range []map[int][]string{longHeaders, wideHeaders, ddfHeaders, sdgHeaders, owidHeaders} {
		for _, hs := range m {
			for _, h := range hs {
				names[h] = true
			}
		}
	}
	return names
}()

// knownNames counts the cells of a row that name a column some layout reads: a row that names
// two is taken for a header, even when no layout can read it.
func knownNames(cells []string) int {
	n := 0
	for _, c := range cells {
		if headerNames[normalizeHeader(c)] {
			n++
		}
	}
	return n
}
