// Package idi computes ITU's ICT Development Index (IDI 2023/2024 methodology) from its ten input
// indicators: each value is normalised between its threshold and goalpost, the two coverage
// scores are combined, the scores are averaged into the universal and meaningful connectivity
// pillars, and the IDI is the mean of the pillars. An edition's thresholds, goalposts, transforms
// and weights are data (data/idi_EDITION.csv), so that a later edition is a new file.
//
// Source: ITU, Measuring digital development: The ICT Development Index 2024, Annex 1.
package idi

import (
	"embed"
	"encoding/csv"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

//go:embed data/*.csv
var files embed.FS

// Input is one input indicator of an edition.
type Input struct {
	Code         string // e.g. internet_use
	Pillar       string // universal or meaningful
	Name         string
	Indicator    string // the store's indicator it is read from
	Unit         string
	Threshold    float64 // the value that scores 0
	Goalpost     float64 // the value that scores 100; below the threshold where lower is better
	Log          bool    // ln(x+1) is applied to the value, the threshold and the goalpost first
	Weight       float64 // its weight within its score (0.4 and 0.6 for 3G and 4G coverage)
	Score        string  // the score it contributes to, e.g. coverage
	Verification string
	Note         string
}

// LowerIsBetter reports whether a lower value scores higher (the price baskets).
func (in Input) LowerIsBetter() bool { return in.Goalpost < in.Threshold }

// Normalize is the score of a value, from 0 at the threshold to 100 at the goalpost, clipped to
// [0, 100]: (v − threshold) / (goalpost − threshold) × 100, after ln(x+1) for traffic.
func (in Input) Normalize(v float64) float64 {
	t, g := in.Threshold, in.Goalpost
	if in.Log {
		v, t, g = math.Log1p(v), math.Log1p(t), math.Log1p(g)
	}
	return math.Max(0, math.Min(100, (v-t)/(g-t)*100))
}

// Method is an edition of the index.
type Method struct {
	Edition int
	Inputs  []Input
	scores  []string            // the scores, in order of the inputs
	pillars map[string][]string // pillar → its scores
}

// Editions are the editions with a data file.
func Editions() []int {
	entries, _ := files.ReadDir("data")
	var out []int
	for _, e := range entries {
		var y int
		if _, err := fmt.Sscanf(e.Name(), "idi_%d.csv", &y); err == nil {
			out = append(out, y)
		}
	}
	sort.Ints(out)
	return out
}

// Load reads the method of an edition.
func Load(edition int) (*Method, error) {
	name := fmt.Sprintf("data/idi_%d.csv", edition)
	f, err := files.Open(name)
	if err != nil {
		return nil, fmt.Errorf("no IDI edition %d (editions: %v)", edition, Editions())
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	m := &Method{Edition: edition, pillars: map[string][]string{}}
	for n, r := range recs[1:] {
		num := func(c string) (float64, error) {
			v, err := strconv.ParseFloat(r[col[c]], 64)
			if err != nil {
				return 0, fmt.Errorf("%s, line %d: %s %q is not a number", name, n+2, c, r[col[c]])
			}
			return v, nil
		}
		in := Input{Code: r[col["code"]], Pillar: r[col["pillar"]], Name: r[col["name"]], Indicator: r[col["indicator"]],
			Unit: r[col["unit"]], Log: r[col["transform"]] == "log", Score: r[col["score"]],
			Verification: r[col["verification"]], Note: r[col["note"]]}
		if in.Threshold, err = num("threshold"); err == nil {
			if in.Goalpost, err = num("goalpost"); err == nil {
				in.Weight, err = num("weight")
			}
		}
		if err != nil {
			return nil, err
		}
		if in.Pillar != "universal" && in.Pillar != "meaningful" {
			return nil, fmt.Errorf("%s, line %d: pillar %q must be universal or meaningful", name, n+2, in.Pillar)
		}
		if in.Threshold == in.Goalpost {
			return nil, fmt.Errorf("%s, line %d: the threshold and goalpost of %s are equal", name, n+2, in.Code)
		}
		m.Inputs = append(m.Inputs, in)
		if !slices.Contains(m.scores, in.Score) {
			m.scores = append(m.scores, in.Score)
			m.pillars[in.Pillar] = append(m.pillars[in.Pillar], in.Score)
		}
	}
	for _, s := range m.scores {
		var w float64
		for _, in := range m.Inputs {
			if in.Score == s {
				w += in.Weight
			}
		}
		if math.Abs(w-1) > 1e-9 {
			return nil, fmt.Errorf("%s: the weights of score %s add up to %g, not 1", name, s, w)
		}
	}
	return m, nil
}

// DataYears are the years an edition takes its data from: edition − 2, else edition − 3.
func (m *Method) DataYears() (first, fallback int) { return m.Edition - 2, m.Edition - 3 }

// Value is an input's value with the year it refers to.
type Value struct {
	Value     float64
	Year      int
	Estimated bool // not an official value: an estimate the user supplied, or a what-if
}

// Point is one year's value of an input series.
type Point struct {
	Year      int
	Value     float64
	Estimated bool
}

// Pick applies the data-year rule to a series: the value of edition − 2, else of edition − 3.
func (m *Method) Pick(series []Point) (Value, bool) {
	first, fallback := m.DataYears()
	return PickYear(series, first, fallback)
}

// PickYear is the value of the year first, else of fallback.
func PickYear(series []Point, first, fallback int) (Value, bool) {
	for _, y := range []int{first, fallback} {
		for _, p := range series {
			if p.Year == y && !math.IsNaN(p.Value) {
				return Value{Value: p.Value, Year: p.Year, Estimated: p.Estimated}, true
			}
		}
	}
	return Value{}, false
}

// MinOfficial is the least number of inputs with an official value for an economy to be scored.
const MinOfficial = 5

// Result is the index of one economy.
type Result struct {
	Values     map[string]Value   // by input code
	Normalized map[string]float64 // by input code
	Scores     map[string]float64 // by score: coverage combines 3G and 4G
	Universal  float64
	Meaningful float64
	IDI        float64
	Scored     bool
	Reason     string   // why it is not scored
	Missing    []string // the inputs without a value
}

// Why an economy gets no score, as formats whose verbs are %s (ReasonFormats).
const (
	reasonTooFewOfficial        = "%s of %s inputs have an official %s or %s value; at least %s are needed"
	reasonTooFewOfficialMissing = "%s of %s inputs have an official %s or %s value; at least %s are needed; no value for %s"
	reasonMissing               = "no value for %s: supply estimates as an edition of their own"
)

// ReasonFormats are the formats of the reasons an economy gets no score, so that a reason can be
// translated (translations.Sentences).
var ReasonFormats = []string{reasonTooFewOfficialMissing, reasonTooFewOfficial, reasonMissing}

// Score computes the index from values by input code. An economy is scored only with a value for
// every input and an official one for at least MinOfficial of them; otherwise Reason says why.
func (m *Method) Score(values map[string]Value) Result {
	first, fallback := m.DataYears()
	return m.score(values, first, fallback)
}

func (m *Method) score(values map[string]Value, first, fallback int) Result {
	r := Result{Values: values, Normalized: map[string]float64{}, Scores: map[string]float64{}}
	official := 0
	for _, in := range m.Inputs {
		v, ok := values[in.Code]
		if !ok || math.IsNaN(v.Value) {
			r.Missing = append(r.Missing, in.Code)
			continue
		}
		if !v.Estimated {
			official++
		}
		r.Normalized[in.Code] = in.Normalize(v.Value)
	}
	switch {
	case official < MinOfficial:
		args := []any{strconv.Itoa(official), strconv.Itoa(len(m.Inputs)), strconv.Itoa(first), strconv.Itoa(fallback), strconv.Itoa(MinOfficial)}
		r.Reason = fmt.Sprintf(reasonTooFewOfficial, args...)
		if len(r.Missing) > 0 {
			r.Reason = fmt.Sprintf(reasonTooFewOfficialMissing, append(args, strings.Join(r.Missing, ", "))...)
		}
		return r
	case len(r.Missing) > 0:
		r.Reason = fmt.Sprintf(reasonMissing, strings.Join(r.Missing, ", "))
		return r
	}
	for _, s := range m.scores {
		var v float64
		for _, in := range m.Inputs {
			if in.Score == s {
				v += in.Weight * r.Normalized[in.Code]
			}
		}
		r.Scores[s] = v
	}
	mean := func(scores []string) float64 {
		var sum float64
		for _, s := range scores {
			sum += r.Scores[s]
		}
		return sum / float64(len(scores))
	}
	r.Universal, r.Meaningful = mean(m.pillars["universal"]), mean(m.pillars["meaningful"])
	r.IDI = (r.Universal + r.Meaningful) / 2
	r.Scored = true
	return r
}

// Group is the unweighted mean of scored economies' results, as ITU publishes group averages.
type Group struct {
	Economies, Scored int
	Universal         float64
	Meaningful        float64
	IDI               float64
}

// Average is the group average of results; NaN when none is scored.
func Average(results []Result) Group {
	g := Group{Economies: len(results), Universal: math.NaN(), Meaningful: math.NaN(), IDI: math.NaN()}
	var u, mn, idi float64
	for _, r := range results {
		if r.Scored {
			g.Scored++
			u += r.Universal
			mn += r.Meaningful
			idi += r.IDI
		}
	}
	if g.Scored > 0 {
		n := float64(g.Scored)
		g.Universal, g.Meaningful, g.IDI = u/n, mn/n, idi/n
	}
	return g
}

// WhatIf scores values with some inputs replaced, the replacements marked as estimated.
func (m *Method) WhatIf(values map[string]Value, set map[string]float64) (Result, error) {
	changed := make(map[string]Value, len(values))
	for k, v := range values {
		changed[k] = v
	}
	for code, v := range set {
		if !slices.ContainsFunc(m.Inputs, func(in Input) bool { return in.Code == code }) {
			return Result{}, fmt.Errorf("no IDI input %q: the inputs are %s", code, strings.Join(m.Codes(), ", "))
		}
		old := changed[code]
		changed[code] = Value{Value: v, Year: old.Year, Estimated: old.Estimated}
	}
	return m.Score(changed), nil
}

// Lift is how much the IDI rises when one input improves by one unit of its indicator (up, or
// down for the price baskets), the others held; 0 once the input's score is at 100.
type Lift struct {
	Code string
	Gain float64
}

// Lifts are the gains of one unit of improvement of each input, largest first.
func (m *Method) Lifts(values map[string]Value) []Lift {
	base := m.Score(values)
	if !base.Scored {
		return nil
	}
	var out []Lift
	for _, in := range m.Inputs {
		step := 1.0
		if in.LowerIsBetter() {
			step = -1
		}
		r, _ := m.WhatIf(values, map[string]float64{in.Code: values[in.Code].Value + step})
		out = append(out, Lift{Code: in.Code, Gain: r.IDI - base.IDI})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Gain > out[j].Gain })
	return out
}

// Codes are the inputs' codes, in order.
func (m *Method) Codes() []string {
	out := make([]string, len(m.Inputs))
	for i, in := range m.Inputs {
		out[i] = in.Code
	}
	return out
}
