// Package indicators holds what ictstat knows about ICT indicators: the catalogue of indicator
// series the Partnership on Measuring ICT for Development tracks, with their units, valid ranges
// and the codes other producers give them.
//
// The catalogue is data (catalogue.csv, codes.csv), not code: adding an indicator or a producer's
// code is an edit to those files.
package indicators

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed catalogue.csv
var catalogueCSV string

//go:embed codes.csv
var codesCSV string

// Indicator is one series of the catalogue.
type Indicator struct {
	Code         string  // ictstat's code, e.g. internet_use_pct
	Name         string  // e.g. Individuals using the Internet
	Unit         string  // e.g. % of population
	UnitKind     string  // percent, per100, count, pct_gni, usd or ppp
	Min, Max     float64 // the plausible range of a value, past which a load rejects it; ±Inf where open
	Polarity     string  // higher or lower (is better), or neutral for context series
	Aggregation  string  // how a group's value is formed: weighted_mean, sum or median
	Weight       string  // the weight of a weighted_mean: population or households
	Custodian    string  // the agency that publishes the series, e.g. ITU
	SDGIndicator string  // e.g. 17.8.1, "" when none
	CoreCode     string  // Partnership core-list code where a source verifies it, e.g. "A2 (2010)" (an older list's, with its year); "" when none
	Description  string
}

// Code is a code another producer gives an indicator.
type Code struct {
	Indicator string // ictstat's code
	Scheme    string // itu (ITU DataHub/WTI), wdi (World Bank), sdg (UN SDG series), ddf (Gapminder/open-numbers), owid
	Code      string
}

// UnitKinds are the kinds of unit an indicator can have: ratio is a ratio or rate with no
// natural bounds (learners per computer), index a score on a scale of its own.
var UnitKinds = []string{"percent", "per100", "count", "pct_gni", "usd", "ppp", "gb", "ratio", "index"}

// Polarities, aggregations and weights an indicator can have.
var (
	Polarities   = []string{"higher", "lower", "neutral"}
	Aggregations = []string{"weighted_mean", "sum", "median"}
	Weights      = []string{"population", "households"}
)

// Catalogue returns the indicators and their codes. The embedded files are checked when the
// package loads, so Catalogue cannot fail.
func Catalogue() ([]Indicator, []Code) {
	return catalogue, codes
}

var catalogue, codes = mustParse()

func mustParse() ([]Indicator, []Code) {
	inds, err := parseCatalogue(catalogueCSV)
	if err != nil {
		panic(fmt.Sprintf("indicators/catalogue.csv: %v", err))
	}
	cs, err := parseCodes(codesCSV, inds)
	if err != nil {
		panic(fmt.Sprintf("indicators/codes.csv: %v", err))
	}
	return inds, cs
}

func readCSV(text string, header string) ([][]string, error) {
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != header {
		return nil, fmt.Errorf("the header must be %s", header)
	}
	return rows[1:], nil
}

func parseCatalogue(text string) ([]Indicator, error) {
	rows, err := readCSV(text, strings.Join(catalogueColumns, ","))
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []Indicator
	for i, r := range rows {
		line := i + 2
		if len(r) != len(catalogueColumns) {
			return nil, fmt.Errorf("line %d: %d fields, want %d", line, len(r), len(catalogueColumns))
		}
		ind, problems := parseIndicator(func(column string) string { return r[slices.Index(catalogueColumns, column)] }, false)
		if len(problems) > 0 {
			p := problems[0]
			return nil, fmt.Errorf("line %d, %s %q: %s", line, p.column, p.value, p.reason)
		}
		if seen[ind.Code] {
			return nil, fmt.Errorf("line %d: indicator %s is listed twice", line, ind.Code)
		}
		seen[ind.Code] = true
		out = append(out, ind)
	}
	return out, nil
}

// catalogueColumns are the columns of catalogue.csv, in order.
var catalogueColumns = []string{"code", "name", "unit", "unit_kind", "min", "max", "polarity", "aggregation", "weight",
	"custodian", "sdg_indicator", "core_code", "description"}

// problem is a field of an indicator's definition that breaks a rule.
type problem struct{ column, value, reason string }

var (
	codePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.\-]*$`)
	sdgPattern  = regexp.MustCompile(`^[0-9]{1,2}\.[0-9a-z]{1,2}\.[0-9]{1,2}$`)
)

// parseIndicator reads an indicator from its fields, which field gives by column name, and
// checks every rule of the catalogue, returning every field that breaks one. open is set for
// users' definitions, which may leave a percentage's bounds empty (0 and 100).
func parseIndicator(field func(column string) string, open bool) (Indicator, []problem) {
	var ps []problem
	bad := func(column, value, format string, args ...any) {
		ps = append(ps, problem{column, value, fmt.Sprintf(format, args...)})
	}
	ind := Indicator{Code: field("code"), Name: field("name"), Unit: field("unit"), UnitKind: field("unit_kind"),
		Polarity: field("polarity"), Aggregation: field("aggregation"), Weight: field("weight"), Custodian: field("custodian"),
		SDGIndicator: field("sdg_indicator"), CoreCode: field("core_code"), Description: field("description")}
	for _, c := range catalogueColumns {
		v := field(c)
		switch {
		case !utf8.ValidString(v):
			bad(c, v, "not UTF-8 text")
		case strings.ContainsFunc(v, unicode.IsControl):
			bad(c, v, "holds a control character (a line break or tab inside a field)")
		case len(v) > maxFieldBytes:
			bad(c, v[:40]+"…", "longer than %d bytes", maxFieldBytes)
		}
	}
	switch {
	case ind.Code == "":
		bad("code", "", "an indicator needs a code")
	case len(ind.Code) > 64 || !codePattern.MatchString(ind.Code):
		bad("code", ind.Code, "a code is a letter followed by letters, digits, _, . or -, at most 64 of them (e.g. ict_sector_gva_pct)")
	}
	for _, c := range []struct{ column, value string }{{"name", ind.Name}, {"unit", ind.Unit}} {
		if c.value == "" {
			bad(c.column, "", "an indicator needs a %s", c.column)
		}
	}
	for _, f := range []struct {
		column, value string
		among         []string
	}{{"unit_kind", ind.UnitKind, UnitKinds}, {"polarity", ind.Polarity, Polarities}, {"aggregation", ind.Aggregation, Aggregations}} {
		if !slices.Contains(f.among, f.value) {
			bad(f.column, f.value, "not one of %s", strings.Join(f.among, ", "))
		}
	}
	switch {
	case ind.Aggregation == "weighted_mean" && !slices.Contains(Weights, ind.Weight):
		bad("weight", ind.Weight, "a weighted_mean needs a weight: %s", strings.Join(Weights, " or "))
	case ind.Aggregation != "weighted_mean" && ind.Weight != "":
		bad("weight", ind.Weight, "only a weighted_mean takes a weight; leave it empty for a %s", ind.Aggregation)
	case ind.Aggregation == "sum" && slices.Contains(UnitKinds, ind.UnitKind) && !slices.Contains([]string{"count", "usd", "ppp"}, ind.UnitKind):
		bad("aggregation", ind.Aggregation, "a sum of %s values means nothing: sum counts and amounts, take a weighted_mean or median of the rest", ind.UnitKind)
	}
	var err error
	minDefault, maxDefault := math.Inf(-1), math.Inf(1)
	if open && ind.UnitKind == "percent" {
		minDefault, maxDefault = 0, 100
	}
	minOK, maxOK := true, true
	if ind.Min, err = parseBound(field("min"), minDefault); err != nil {
		bad("min", field("min"), "%v", err)
		minOK = false
	}
	if ind.Max, err = parseBound(field("max"), maxDefault); err != nil {
		bad("max", field("max"), "%v", err)
		maxOK = false
	}
	switch {
	case minOK && maxOK && ind.Min > ind.Max:
		bad("min", field("min"), "the minimum is above the maximum %s", field("max"))
	case ind.UnitKind == "percent" && minOK && ind.Min < 0:
		bad("min", field("min"), "a percentage lies between 0 and 100")
	case ind.UnitKind == "percent" && maxOK && ind.Max > 100:
		bad("max", field("max"), "a percentage lies between 0 and 100")
	}
	if ind.SDGIndicator != "" && !sdgPattern.MatchString(ind.SDGIndicator) {
		bad("sdg_indicator", ind.SDGIndicator, "an SDG indicator is written goal.target.number, e.g. 17.8.1 or 5.b.1")
	}
	if len(ind.CoreCode) > 40 {
		bad("core_code", ind.CoreCode, "longer than 40 characters")
	}
	return ind, ps
}

// maxFieldBytes is the longest field of a definition.
const maxFieldBytes = 4000

func parseCodes(text string, inds []Indicator) ([]Code, error) {
	rows, err := readCSV(text, "indicator,scheme,code")
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, ind := range inds {
		known[ind.Code] = true
	}
	seen := map[string]bool{}
	var out []Code
	for i, r := range rows {
		c := Code{Indicator: r[0], Scheme: r[1], Code: r[2]}
		if !known[c.Indicator] {
			return nil, fmt.Errorf("line %d: unknown indicator %s", i+2, c.Indicator)
		}
		k := c.Scheme + "\x00" + strings.ToLower(c.Code)
		if seen[k] {
			return nil, fmt.Errorf("line %d: %s code %s is listed twice", i+2, c.Scheme, c.Code)
		}
		seen[k] = true
		out = append(out, c)
	}
	return out, nil
}

// parseBound reads a bound: a finite number, or open when s is empty.
func parseBound(s string, open float64) (float64, error) {
	if s == "" {
		return open, nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("not a number; leave it empty for no bound")
	}
	return x, nil
}
