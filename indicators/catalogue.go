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
	"slices"
	"strconv"
	"strings"
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
	CoreCode     string  // Partnership core-list code, e.g. HH7, "" when none
	Description  string
}

// Code is a code another producer gives an indicator.
type Code struct {
	Indicator string // ictstat's code
	Scheme    string // itu (ITU DataHub/WTI), wdi (World Bank), sdg (UN SDG series), ddf (Gapminder/open-numbers), owid
	Code      string
}

// UnitKinds are the kinds of unit an indicator can have.
var UnitKinds = []string{"percent", "per100", "count", "pct_gni", "usd", "ppp", "gb"}

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
	rows, err := readCSV(text, "code,name,unit,unit_kind,min,max,polarity,aggregation,weight,custodian,sdg_indicator,core_code,description")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []Indicator
	for i, r := range rows {
		line := i + 2
		ind := Indicator{Code: r[0], Name: r[1], Unit: r[2], UnitKind: r[3], Polarity: r[6], Aggregation: r[7],
			Weight: r[8], Custodian: r[9], SDGIndicator: r[10], CoreCode: r[11], Description: r[12]}
		if ind.Code == "" || ind.Name == "" || ind.Unit == "" {
			return nil, fmt.Errorf("line %d: code, name and unit are required", line)
		}
		if seen[ind.Code] {
			return nil, fmt.Errorf("line %d: indicator %s is listed twice", line, ind.Code)
		}
		seen[ind.Code] = true
		for _, f := range []struct {
			name, value string
			among       []string
		}{{"unit_kind", ind.UnitKind, UnitKinds}, {"polarity", ind.Polarity, Polarities}, {"aggregation", ind.Aggregation, Aggregations}} {
			if !slices.Contains(f.among, f.value) {
				return nil, fmt.Errorf("line %d: %s %q is not one of %s", line, f.name, f.value, strings.Join(f.among, ", "))
			}
		}
		if (ind.Aggregation == "weighted_mean") != slices.Contains(Weights, ind.Weight) {
			return nil, fmt.Errorf("line %d: a weighted_mean needs a weight (%s), and only a weighted_mean takes one", line, strings.Join(Weights, ", "))
		}
		if ind.Min, err = parseBound(r[4], math.Inf(-1)); err != nil {
			return nil, fmt.Errorf("line %d, min: %v", line, err)
		}
		if ind.Max, err = parseBound(r[5], math.Inf(1)); err != nil {
			return nil, fmt.Errorf("line %d, max: %v", line, err)
		}
		if ind.Min > ind.Max {
			return nil, fmt.Errorf("line %d: min is above max", line)
		}
		out = append(out, ind)
	}
	return out, nil
}

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

// parseBound reads a bound: a number, or open when s is empty.
func parseBound(s string, open float64) (float64, error) {
	if s == "" {
		return open, nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err == nil && math.IsNaN(x) {
		err = fmt.Errorf("%q is not a bound", s)
	}
	return x, err
}
