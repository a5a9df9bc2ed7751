// Package targets holds the target frameworks ICT progress is measured against: the WSIS Geneva
// targets (2003), ITU's Connect 2020 and Connect 2030, the UN/ITU targets for universal and
// meaningful connectivity (2030) and the Broadband Commission's 2025 targets.
//
// Each framework is a versioned data file (data/*.csv), one row per target and measure. A target
// the embedded data cannot measure has no measure and says why in its note. How far each value
// is verified against the primary documents is kept with it, and so is its measurement tolerance:
// how far a value may miss the level and still meet it, half a unit of the last digit the level is
// stated to (0.5 for a whole percentage such as 95, 0.005 for a parity band ending at 1.02), and
// none for the strict "more than" and "less than" or for a level relative to the baseline.
package targets

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ictstat/ictstat/indicators"
)

//go:embed data/*.csv
var files embed.FS

// Framework is a set of targets with a common deadline.
type Framework struct {
	Code         string
	Name         string
	ShortName    string // for chart labels, e.g. "UMC 2030"
	Adopted      int
	Deadline     int
	BaselineYear int
	Source       string
	Targets      []Target
}

// Target is one target as one measure assesses it.
type Target struct {
	Framework string
	Code      string // e.g. T10, 2.2.A
	Goal      string
	Wording   string
	// Measure is an indicator code, or a measure derived from one: gps:X (gender parity score,
	// female % / male %), rural:X (coverage of the rural population), share_10m:X (share of
	// fixed-broadband subscriptions at 10 Mbit/s and above). "" when there are no global data.
	Measure      string
	Comparator   string  // ge, gt, le, lt or parity
	Value        float64 // the target value, or for basis baseline_ratio the multiple of the baseline value
	Basis        string  // absolute or baseline_ratio
	BaselineYear int
	Deadline     int
	Scope        string  // world, developing, ldc, lldc, sids or economy
	MetAt        float64 // the value at which the target counts as met (95 for "100%"); for parity, the largest max(x, 1/x); NaN when Value itself
	Tolerance    float64 // the measurement tolerance: a value missing Level by no more than this meets the target (0: none)
	Verification string  // verified, partly verified or unverified, against the primary documents
	Note         string
}

// Measured reports whether the embedded data can measure the target.
func (t Target) Measured() bool { return t.Measure != "" }

// Comparators, scopes, bases and verification levels a target can have.
var (
	Comparators   = []string{"ge", "gt", "le", "lt", "parity"}
	Scopes        = []string{"world", "developing", "ldc", "lldc", "sids", "economy"}
	Bases         = []string{"absolute", "baseline_ratio"}
	Verifications = []string{"verified", "partly verified", "unverified"}
	// DerivedMeasures are the prefixes of measures derived from an indicator.
	DerivedMeasures = []string{"gps", "rural", "share_10m"}
)

// ScopeGroups are the groups that the scopes of targets other than economy are assessed on.
// The World Bank's low- and middle-income economies stand in for ITU's developing countries.
var ScopeGroups = map[string]string{"world": "WLD", "developing": "LMY", "ldc": "LDC", "lldc": "LLDC", "sids": "SIDS"}

// Frameworks returns every framework with its targets, checked against the catalogue.
func Frameworks() ([]Framework, error) {
	fws, err := readFrameworks()
	if err != nil {
		return nil, err
	}
	inds, _ := indicators.Catalogue()
	known := map[string]bool{}
	for _, ind := range inds {
		known[ind.Code] = true
	}
	for i := range fws {
		name := "data/" + fws[i].Code + ".csv"
		rows, err := readCSV(name)
		if err != nil {
			return nil, err
		}
		for j, r := range rows {
			t, err := parseTarget(r)
			if err == nil {
				err = t.check(fws[i], known)
			}
			if err != nil {
				return nil, fmt.Errorf("%s, line %d: %w", name, j+2, err)
			}
			fws[i].Targets = append(fws[i].Targets, t)
		}
	}
	return fws, nil
}

// Find returns the framework with the given code.
func Find(fws []Framework, code string) (Framework, bool) {
	for _, f := range fws {
		if f.Code == code {
			return f, true
		}
	}
	return Framework{}, false
}

var frameworkHeader = []string{"framework", "name", "short_name", "adopted", "deadline", "baseline_year", "source"}

var targetHeader = []string{"framework", "code", "goal", "wording", "measure", "comparator", "value", "basis",
	"baseline_year", "deadline", "scope", "met_at", "tolerance", "verification", "note"}

func readCSV(name string) ([][]string, error) {
	f, err := files.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	want := targetHeader
	if name == "data/frameworks.csv" {
		want = frameworkHeader
	}
	if len(rows) == 0 || !slices.Equal(rows[0], want) {
		return nil, fmt.Errorf("%s: the header must be %s", name, strings.Join(want, ","))
	}
	return rows[1:], nil
}

func readFrameworks() ([]Framework, error) {
	rows, err := readCSV("data/frameworks.csv")
	if err != nil {
		return nil, err
	}
	var out []Framework
	for i, r := range rows {
		f := Framework{Code: r[0], Name: r[1], ShortName: r[2], Source: r[6]}
		ints := []*int{&f.Adopted, &f.Deadline, &f.BaselineYear}
		for k, p := range ints {
			if *p, err = strconv.Atoi(r[3+k]); err != nil {
				return nil, fmt.Errorf("data/frameworks.csv, line %d: %s %q is not a year", i+2, frameworkHeader[3+k], r[3+k])
			}
		}
		if _, err := fs.Stat(files, "data/"+f.Code+".csv"); err != nil {
			return nil, fmt.Errorf("data/frameworks.csv, line %d: no file data/%s.csv", i+2, f.Code)
		}
		out = append(out, f)
	}
	return out, nil
}

func parseTarget(r []string) (Target, error) {
	t := Target{Framework: r[0], Code: r[1], Goal: r[2], Wording: r[3], Measure: r[4], Comparator: r[5],
		Basis: r[7], Scope: r[10], Verification: r[13], Note: r[14], Value: math.NaN(), MetAt: math.NaN()}
	num := func(field, s string, p *float64) error {
		if s == "" {
			return nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%s %q is not a number", field, s)
		}
		*p = v
		return nil
	}
	year := func(field, s string, p *int) error {
		if s == "" {
			return nil
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 1990 || v > 2100 {
			return fmt.Errorf("%s %q is not a year", field, s)
		}
		*p = v
		return nil
	}
	for _, err := range []error{
		num("value", r[6], &t.Value), num("met_at", r[11], &t.MetAt), num("tolerance", r[12], &t.Tolerance),
		year("baseline_year", r[8], &t.BaselineYear), year("deadline", r[9], &t.Deadline),
	} {
		if err != nil {
			return t, err
		}
	}
	return t, nil
}

// check applies the rules a target must follow.
func (t Target) check(fw Framework, known map[string]bool) error {
	switch {
	case t.Framework != fw.Code:
		return fmt.Errorf("framework %q in the file of %s", t.Framework, fw.Code)
	case t.Code == "" || t.Wording == "":
		return fmt.Errorf("a target needs a code and its wording")
	case t.Deadline == 0:
		return fmt.Errorf("target %s has no deadline", t.Code)
	case !slices.Contains(Scopes, t.Scope):
		return fmt.Errorf("scope %q is not one of %s", t.Scope, strings.Join(Scopes, ", "))
	case !slices.Contains(Verifications, t.Verification):
		return fmt.Errorf("verification %q is not one of %s", t.Verification, strings.Join(Verifications, ", "))
	}
	if !t.Measured() {
		if t.Comparator != "" || !math.IsNaN(t.Value) || t.Tolerance != 0 || !strings.HasPrefix(t.Note, "no global data") {
			return fmt.Errorf("target %s has no measure: leave comparator and value empty and say 'no global data' in the note", t.Code)
		}
		return nil
	}
	base, derived := t.Indicator()
	if derived != "" && !slices.Contains(DerivedMeasures, derived) {
		return fmt.Errorf("measure %q: %s is not one of %s", t.Measure, derived, strings.Join(DerivedMeasures, ", "))
	}
	switch {
	case !known[base]:
		return fmt.Errorf("measure %q: no indicator %s in the catalogue", t.Measure, base)
	case !slices.Contains(Comparators, t.Comparator):
		return fmt.Errorf("comparator %q is not one of %s", t.Comparator, strings.Join(Comparators, ", "))
	case !slices.Contains(Bases, t.Basis):
		return fmt.Errorf("basis %q is not one of %s", t.Basis, strings.Join(Bases, ", "))
	case math.IsNaN(t.Value):
		return fmt.Errorf("target %s has a measure but no value", t.Code)
	case t.BaselineYear == 0 || t.BaselineYear >= t.Deadline:
		return fmt.Errorf("target %s needs a baseline year before its deadline", t.Code)
	case t.Comparator == "parity" && (derived != "gps" || t.Value != 1 || !(t.MetAt > 1)):
		return fmt.Errorf("a parity target measures a gps: score, with value 1 and met_at the band's upper end")
	case !(t.Tolerance >= 0) || math.IsInf(t.Tolerance, 0):
		return fmt.Errorf("target %s: tolerance %v must be a number, 0 or more", t.Code, t.Tolerance)
	}
	return nil
}

// Indicator splits the measure into the indicator it is computed from and the derivation ("" for
// the indicator itself).
func (t Target) Indicator() (indicator, derivation string) {
	if d, ind, ok := strings.Cut(t.Measure, ":"); ok {
		return ind, d
	}
	return t.Measure, ""
}

// Level is the value the measure must reach for the target to count as met: MetAt when given (95
// for a target of 100%, as the ITU DataHub scores universal connectivity), else Value, which for a
// baseline_ratio target multiplies the baseline value. For parity it is the largest max(x, 1/x)
// that counts as parity.
func (t Target) Level(baseline float64) float64 {
	if !math.IsNaN(t.MetAt) {
		return t.MetAt
	}
	if t.Basis == "baseline_ratio" {
		return t.Value * baseline
	}
	return t.Value
}

// Met reports whether a value of the measure meets the target, within its tolerance.
func (t Target) Met(v, baseline float64) bool {
	l, tol := t.Level(baseline), t.Tolerance
	switch t.Comparator {
	case "ge":
		return v >= l-tol
	case "gt":
		return v > l-tol
	case "le":
		return v <= l+tol
	case "lt":
		return v < l+tol
	case "parity":
		return v > 0 && math.Max(v, 1/v) <= l+tol
	}
	return false
}

// LevelsKey groups a framework's targets that are levels of one target set for several scopes:
// those on the same measure, with the same comparator and deadline (Broadband Commission BB.3 at
// 75% worldwide, 65% in developing countries and 35% in LDCs; Connect 2020 1.2, 2.2.A and 2.2.B).
func LevelsKey(measure, comparator string, deadline int) string {
	return measure + " " + comparator + " " + strconv.Itoa(deadline)
}

// ScopeOrder lists the scopes from the most specific to the most general. A target set at several
// levels (e.g. 75% worldwide, 65% in developing countries, 35% in LDCs) applies to an economy or
// group at the most specific level whose scope holds it: an economy-level target applies to each
// economy, and the worldwide level to every economy and group that no narrower level holds.
var ScopeOrder = []string{"economy", "ldc", "lldc", "sids", "developing", "world"}

// Applicable returns which of a target's scopes (the levels it is set at, see LevelsKey) applies to an economy or
// group, given whether the entity belongs to a scope (for "economy" and "world", always); "" when
// none does, as for a high-income economy and a target set for developing countries only.
func Applicable(scopes []string, in func(scope string) bool) string {
	for _, s := range ScopeOrder {
		if slices.Contains(scopes, s) && (s == "economy" || s == "world" || in(s)) {
			return s
		}
	}
	return ""
}
