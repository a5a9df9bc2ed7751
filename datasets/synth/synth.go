// Package synth writes large, realistic long-form indicator files (the generic long CSV of
// engine/ingest) for tests and benchmarks, with bad rows of every class validation knows, at a
// known rate.
//
// Values follow logistic diffusion curves, v(t) = cap / (1 + e^(−k(t − t0))), with parameters drawn
// per economy and indicator; breakdowns by sex, area and age shift the curve the way the ITU data
// shift (women, rural areas and older people behind). Prices fall exponentially. Output is
// deterministic for a seed.
package synth

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
)

// Indicator is what the generator needs of an indicator.
type Indicator struct {
	Code       string
	UnitKind   string // percent, per100, count, pct_gni, usd, ppp
	Individual bool   // broken down by sex, area and age
}

// Options describe the file to write.
type Options struct {
	Rows       int64   // rows to write, bad rows included
	BadRate    float64 // share of rows made bad, in [0, 1)
	Seed       uint64
	FirstYear  int // default 1990
	LastYear   int // default 2024
	Economies  []string
	Indicators []Indicator
}

// Classes of bad rows, each breaking one validation rule.
const (
	BadNonNumeric   = "non-numeric value"
	BadYear         = "year outside 1960–2100"
	BadPercent      = "percentage outside 0–100"
	BadNegative     = "negative count"
	BadEconomy      = "unknown economy"
	BadIndicator    = "unknown indicator"
	BadConflict     = "conflicting duplicate"
	BadMissingValue = "missing value"
)

// BadClasses lists the classes in the order the generator cycles through them.
var BadClasses = []string{BadNonNumeric, BadYear, BadPercent, BadNegative, BadEconomy, BadIndicator, BadConflict, BadMissingValue}

// Stats is what a file holds.
type Stats struct {
	Rows int64 // data rows written
	// Bad counts bad rows by class. A conflicting duplicate is a pair of rows for the same series
	// and year with different values: both are counted, as both are rejected.
	Bad map[string]int64
	// Rejects is how many rows validation must reject.
	Rejects int64
}

// breakdown is one combination of sex, area and age.
type breakdown struct {
	sex, area, age string
	shift          float64 // years the curve lags (+) or leads (−) the total
	scale          float64 // share of the total's saturation level
}

var (
	sexes = []struct {
		code         string
		shift, scale float64
	}{{"total", 0, 1}, {"female", 1.5, 0.97}, {"male", -1, 1.02}}
	areas = []struct {
		code         string
		shift, scale float64
	}{{"total", 0, 1}, {"urban", -2, 1.03}, {"rural", 4, 0.9}}
	ages = []struct {
		code         string
		shift, scale float64
	}{
		{"total", 0, 1}, {"15-24", -3, 1.04}, {"25-34", -2, 1.03}, {"35-44", 0, 1}, {"45-54", 2, 0.96},
		{"55-64", 4, 0.9}, {"65-74", 6, 0.8}, {"75+", 9, 0.6}, {"15+", 0.5, 0.99}, {"15-74", 0, 1},
	}
)

func breakdowns(individual bool) []breakdown {
	if !individual {
		return []breakdown{{"total", "total", "total", 0, 1}}
	}
	var out []breakdown
	for _, s := range sexes {
		for _, a := range areas {
			for _, g := range ages {
				out = append(out, breakdown{s.code, a.code, g.code, s.shift + a.shift + g.shift, s.scale * a.scale * g.scale})
			}
		}
	}
	return out
}

// Write writes the file to w and reports what it holds.
func Write(w io.Writer, opts Options) (Stats, error) {
	if opts.FirstYear == 0 {
		opts.FirstYear = 1990
	}
	if opts.LastYear == 0 {
		opts.LastYear = 2024
	}
	if len(opts.Economies) == 0 || len(opts.Indicators) == 0 {
		return Stats{}, fmt.Errorf("no economies or indicators to generate")
	}
	if opts.BadRate < 0 || opts.BadRate >= 1 {
		return Stats{}, fmt.Errorf("bad-row rate %g is not in [0, 1)", opts.BadRate)
	}
	g := &generator{
		w:    bufio.NewWriterSize(w, 1<<20),
		rng:  rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		opts: opts,
		st:   Stats{Bad: map[string]int64{}},
	}
	g.w.WriteString("indicator,economy,year,sex,area,age,value,flag\n")
	err := g.run()
	if ferr := g.w.Flush(); err == nil {
		err = ferr
	}
	return g.st, err
}

type generator struct {
	w    *bufio.Writer
	rng  *rand.Rand
	opts Options
	st   Stats
	line []byte
	bad  int // index into BadClasses, cycled
}

// Capacity is how many rows the options' economies, indicators and years can fill, one row per
// series and year.
func Capacity(opts Options) int64 {
	first, last := opts.FirstYear, opts.LastYear
	if first == 0 {
		first = 1990
	}
	if last == 0 {
		last = 2024
	}
	var n int64
	for _, ind := range opts.Indicators {
		n += int64(len(breakdowns(ind.Individual)))
	}
	return n * int64(len(opts.Economies)) * int64(last-first+1)
}

// run writes rows series by series, indicator by indicator, until opts.Rows are written.
func (g *generator) run() error {
	if c := Capacity(g.opts); g.opts.Rows > c {
		return fmt.Errorf("%d rows asked for, but the economies, indicators and years give %d series-years", g.opts.Rows, c)
	}
	for _, ind := range g.opts.Indicators {
		bds := breakdowns(ind.Individual)
		for _, eco := range g.opts.Economies {
			c := g.curve(ind)
			for _, bd := range bds {
				for y := g.opts.FirstYear; y <= g.opts.LastYear; y++ {
					if g.st.Rows >= g.opts.Rows {
						return nil
					}
					g.row(ind, eco, y, bd, c.at(float64(y), bd))
				}
			}
		}
	}
	return nil
}

// curve holds one economy's diffusion parameters for one indicator.
type curve struct {
	kind         string
	cap, k, t0   float64
	max          float64
	price0, fall float64
	population   float64
}

func (g *generator) curve(ind Indicator) curve {
	r := g.rng
	c := curve{kind: ind.UnitKind, k: 0.15 + 0.3*r.Float64(), t0: 2000 + 25*r.Float64(), max: math.Inf(1)}
	switch ind.UnitKind {
	case "percent":
		c.cap, c.max = 60+40*r.Float64(), 100
	case "per100":
		c.cap = 80 + 80*r.Float64()
	case "count":
		c.population = math.Exp(11 + 8*r.Float64())
		c.cap = c.population * (0.5 + r.Float64())
	case "pct_gni":
		c.price0, c.fall = 2+30*r.Float64(), 0.05+0.1*r.Float64()
	default: // usd, ppp
		c.price0, c.fall = 10+50*r.Float64(), 0.02+0.05*r.Float64()
	}
	return c
}

// at is the curve's value in year t for a breakdown.
func (c curve) at(t float64, bd breakdown) float64 {
	var v float64
	switch c.kind {
	case "pct_gni", "usd", "ppp":
		v = c.price0 * math.Exp(-c.fall*(t-2008)) * (2 - bd.scale)
	default:
		v = c.cap * bd.scale / (1 + math.Exp(-c.k*(t-c.t0-bd.shift)))
	}
	return math.Min(math.Max(v, 0), c.max)
}

// row writes one observation, made bad in turn at the requested rate.
func (g *generator) row(ind Indicator, eco string, year int, bd breakdown, v float64) {
	flag := ""
	if g.rng.IntN(10) == 0 {
		flag = "E"
	}
	if g.opts.BadRate > 0 && g.rng.Float64() < g.opts.BadRate {
		g.badRow(ind, eco, year, bd, v, flag)
		return
	}
	g.write(ind.Code, eco, strconv.Itoa(year), bd, strconv.FormatFloat(v, 'f', 2, 64), flag)
}

// badRow writes a row breaking a rule: the classes that apply to the indicator are taken in turn.
func (g *generator) badRow(ind Indicator, eco string, year int, bd breakdown, v float64, flag string) {
	var classes []string
	for _, c := range BadClasses {
		switch {
		case c == BadPercent && ind.UnitKind != "percent":
		case c == BadNegative && ind.UnitKind != "count":
		case c == BadConflict && g.st.Rows+2 > g.opts.Rows:
		default:
			classes = append(classes, c)
		}
	}
	class := classes[g.bad%len(classes)]
	g.bad++
	code, economy, yr, value := ind.Code, eco, strconv.Itoa(year), strconv.FormatFloat(v, 'f', 2, 64)
	switch class {
	case BadNonNumeric:
		value = []string{"n/a", "12,5", "abc", "1.2.3"}[g.rng.IntN(4)]
	case BadYear:
		yr = []string{"1950", "2150", "20x5"}[g.rng.IntN(3)]
	case BadPercent:
		value = strconv.FormatFloat(100.5+50*g.rng.Float64(), 'f', 2, 64)
	case BadNegative:
		value = strconv.FormatFloat(-1-1000*g.rng.Float64(), 'f', 0, 64)
	case BadEconomy:
		economy = "ZZ" + string(rune('A'+g.rng.IntN(26)))
	case BadIndicator:
		code = "not_an_indicator"
	case BadMissingValue:
		value = ""
	case BadConflict:
		g.write(code, economy, yr, bd, value, flag)
		// A second value for the same series and year, within the indicator's bounds so that
		// only the conflict rejects it.
		other := v / 2
		if v <= 0.02 {
			other = v + 0.5
		}
		value = strconv.FormatFloat(other, 'f', 2, 64)
		g.st.Bad[class]++
		g.st.Rejects++
	}
	g.write(code, economy, yr, bd, value, flag)
	g.st.Bad[class]++
	g.st.Rejects++
}

func (g *generator) write(code, eco, year string, bd breakdown, value, flag string) {
	b := g.line[:0]
	b = append(b, code...)
	b = append(b, ',')
	b = append(b, eco...)
	b = append(b, ',')
	b = append(b, year...)
	b = append(b, ',')
	b = append(b, bd.sex...)
	b = append(b, ',')
	b = append(b, bd.area...)
	b = append(b, ',')
	b = append(b, bd.age...)
	b = append(b, ',')
	b = append(b, value...)
	b = append(b, ',')
	b = append(b, flag...)
	b = append(b, '\n')
	g.w.Write(b)
	g.line = b
	g.st.Rows++
}
