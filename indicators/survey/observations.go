package survey

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/ictstat/ictstat/engine/validate"
)

// ObservationHeader is the header of the long indicator file that Observations rows are written
// as (engine/ingest's generic long layout with its uncertainty columns).
var ObservationHeader = []string{"indicator", "economy", "year", "sex", "area", "age", "value", "se", "ci_low", "ci_high", "flag", "source", "note"}

// Observation is one estimate as a row of the store: an indicator of one economy and year in
// one breakdown, with its standard error and interval, in the indicator's unit.
type Observation struct {
	Indicator, Economy string
	Year               int
	Sex, Area, Age     string // "total" where the estimate is not broken down by the dimension
	Value, SE          float64
	CILow, CIHigh      float64 // NaN when the interval does not exist (an estimate of 0 or 1 with the logit interval)
	Source, Note       string
}

// Loadable is what Observations makes of a design's estimates: the rows to load, and the
// estimates left out because the flag rule suppresses them.
type Loadable struct {
	Rows       []Observation
	Suppressed []Estimate // with Domain in the order of the domain set they were estimated in
}

// DomainSets are the domain sets a design's estimates go into the store by: every subset of
// its domain columns, in the file's order, from none (the totals) to all of them crossed.
func (f DesignFile) DomainSets() [][]Domain {
	sets := [][]Domain{nil}
	for _, d := range f.By {
		n := len(sets)
		for i := 0; i < n; i++ {
			set := append(append([]Domain(nil), sets[i]...), d)
			sets = append(sets, set)
		}
	}
	sort.SliceStable(sets, func(i, j int) bool { return len(sets[i]) < len(sets[j]) })
	return sets
}

// CheckLoadable reports why the design cannot go into the store, if it cannot: every variable
// needs a catalogue indicator and every domain a dimension (sex, area or age), given once, whose
// codes are the dimension's (validate.CanonicalCode).
func (f DesignFile) CheckLoadable(path string) error {
	if len(f.Variables) == 0 {
		return fmt.Errorf("%s: no variables", path)
	}
	for _, v := range f.Variables {
		if v.Indicator == "" {
			return fmt.Errorf("%s: variable %s has no indicator: say which catalogue indicator it measures (indicator: internet_use_pct)", path, v.Column)
		}
	}
	seen := map[string]string{}
	for _, d := range f.By {
		if d.Dimension == "" {
			return fmt.Errorf("%s: domain %s has no dimension: the store keeps breakdowns by sex, area and age (dimension: sex)", path, d.Column)
		}
		if prev, ok := seen[d.Dimension]; ok {
			return fmt.Errorf("%s: domains %s and %s both give %s", path, prev, d.Column, d.Dimension)
		}
		seen[d.Dimension] = d.Column
		for value, code := range d.Codes {
			if _, ok := validate.CanonicalCode(d.Dimension, code); !ok {
				return fmt.Errorf("%s: domain %s: the code %q of %q is not a %s code (%s)", path, d.Column, code, value, d.Dimension, dimensionCodes(d.Dimension))
			}
		}
	}
	return nil
}

// Observations estimates every variable of the design in every domain set (DomainSets) and
// turns the estimates into store rows: proportions become percentages (×100, with their
// standard errors and bounds) for indicators in percent (scale 100) and stay proportions for
// scale 1, rounded to 6 decimals; domain values become dimension codes through the domain's codes (a value without a
// code is an error when the domain has codes, and is passed on as written when it has none, for
// the loader to check). Estimates the flag rule suppresses are left out and returned; those it
// marks for caution carry a note that says so.
func Observations(ctx context.Context, db *sql.DB, f DesignFile, path, economy string, year int, scale map[string]float64, rule FlagRule, source string) (Loadable, error) {
	var out Loadable
	indicatorOf := map[string]string{}
	for _, v := range f.Variables {
		indicatorOf[v.Column] = v.Indicator
	}
	domainSets := f.DomainSets()
	sets := make([][]string, len(domainSets))
	for i, set := range domainSets {
		for _, d := range set {
			sets[i] = append(sets[i], d.Column)
		}
	}
	estimates, err := RunSets(ctx, db, f.Spec(path), sets, rule)
	if err != nil {
		return out, err
	}
	for i, set := range domainSets {
		for _, e := range estimates[i] {
			if e.Flag == "suppress" {
				out.Suppressed = append(out.Suppressed, e)
				continue
			}
			ind := indicatorOf[e.Variable]
			k, ok := scale[ind]
			if !ok {
				return out, fmt.Errorf("%s: variable %s: no scale for indicator %s", path, e.Variable, ind)
			}
			o := Observation{Indicator: ind, Economy: economy, Year: year, Sex: "total", Area: "total", Age: "total",
				Value: round6(k * e.Estimate), SE: round6(k * e.SE), CILow: round6(k * e.CILow), CIHigh: round6(k * e.CIHigh), Source: source}
			for i, d := range set {
				code, err := dimensionCode(d, e.Domain[i])
				if err != nil {
					return out, fmt.Errorf("%s: %w", path, err)
				}
				switch d.Dimension {
				case "sex":
					o.Sex = code
				case "area":
					o.Area = code
				case "age":
					o.Age = code
				}
			}
			if e.Flag == "caution" {
				o.Note = fmt.Sprintf("Use with caution: coefficient of variation %.3f (%s)", e.CV, rule)
			}
			out.Rows = append(out.Rows, o)
		}
	}
	return out, nil
}

// round6 rounds to 6 decimals. DuckDB sums in parallel, so the last bits of an estimate vary
// from run to run; rounded, the same microdata give the same rows, which load once and then
// again as unchanged, and no survey publishes more digits.
func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// dimensionCodes says what codes a dimension takes, for messages.
func dimensionCodes(dimension string) string {
	if dimension == "age" {
		return "age groups such as 15-24, 75+ or <15"
	}
	var codes []string
	for _, c := range validate.Codes(dimension) {
		codes = append(codes, c.Code)
	}
	return strings.Join(codes, ", ")
}

// dimensionCode is the store code of a domain value: its code in the design, or the value itself
// when the design gives none, written as the store keeps it (validate.CanonicalCode).
func dimensionCode(d Domain, value string) (string, error) {
	canonical := func(code string) (string, error) {
		if c, ok := validate.CanonicalCode(d.Dimension, code); ok {
			return c, nil
		}
		return "", fmt.Errorf("domain %s: value %q is not a %s code (%s); give its code in the design (codes: {%q: ...})", d.Column, value, d.Dimension, dimensionCodes(d.Dimension), value)
	}
	if len(d.Codes) == 0 {
		return canonical(value)
	}
	if c, ok := d.Codes[value]; ok {
		return canonical(c)
	}
	for k, c := range d.Codes {
		if strings.EqualFold(strings.TrimSpace(k), strings.TrimSpace(value)) {
			return canonical(c)
		}
	}
	known := make([]string, 0, len(d.Codes))
	for k := range d.Codes {
		known = append(known, strconv.Quote(k))
	}
	sort.Strings(known)
	return "", fmt.Errorf("domain %s: value %q has no %s code (the design's codes are for %s)", d.Column, value, d.Dimension, strings.Join(known, ", "))
}

// WriteObservations writes rows as a long indicator file with ObservationHeader, numbers in
// full precision, missing bounds empty. The flag is A (reported): the producer's own estimate.
func WriteObservations(w io.Writer, rows []Observation) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ObservationHeader); err != nil {
		return err
	}
	num := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	for _, o := range rows {
		if err := cw.Write([]string{o.Indicator, o.Economy, strconv.Itoa(o.Year), o.Sex, o.Area, o.Age,
			num(o.Value), num(o.SE), num(o.CILow), num(o.CIHigh), "A", o.Source, o.Note}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
