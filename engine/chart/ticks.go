package chart

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// niceRange widens [lo, hi] to whole round steps (1, 2, 2.5 or 5 × 10^k), at most n+1 of
// them, wasting as little of the axis as it can, and returns the step.
func niceRange(lo, hi float64, n int) (float64, float64, float64) {
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		d := math.Max(math.Abs(lo)*0.1, 1)
		lo, hi = lo-d, hi+d
	}
	n = max(n, 2)
	mag := math.Pow(10, math.Floor(math.Log10((hi-lo)/float64(n))))
	var bestL, bestH, bestStep float64
	found := false
	for _, m := range []float64{1, 2, 2.5, 5, 10, 20, 25, 50, 100} {
		step := m * mag
		l, h := math.Floor(lo/step+1e-9)*step, math.Ceil(hi/step-1e-9)*step
		if math.Round((h-l)/step) > float64(n)+1 {
			continue
		}
		// Less waste wins; on a tie, the finer step.
		if !found || h-l < (bestH-bestL)*(1-1e-9) {
			bestL, bestH, bestStep, found = l, h, step, true
		}
	}
	return bestL, bestH, bestStep
}

// decimalsFor is the fewest decimals that print every multiple of step exactly.
func decimalsFor(step float64) int {
	for d := 0; d < 6; d++ {
		v := step * math.Pow(10, float64(d))
		if math.Abs(v-math.Round(v)) < 1e-6*math.Max(1, v) {
			return d
		}
	}
	return 6
}

// formatNumber prints v with the decimals given and, if sep, a comma between thousands.
func formatNumber(v float64, decimals int, sep bool) string {
	if v == 0 {
		v = 0 // no "-0"
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if !sep {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// FormatValue writes a value as labels show it (docs/explorer.md, as the explorer's page does):
// with three significant digits, trailing zeros dropped, below 1000 (92.5, 0.004, 15.4, 121, 5);
// as a whole number with commas between thousands from 1000 (1,234). A label never rounds 99.83
// to 100.
func FormatValue(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	if v == 0 {
		return "0"
	}
	if halfway(v) {
		// JavaScript's toPrecision, which the page uses, rounds a tie away from zero; Go to even.
		v = math.Nextafter(v, math.Copysign(math.Inf(1), v))
	}
	// v rounded to three significant digits, and the power of ten of its first.
	mant, exp, _ := strings.Cut(strconv.FormatFloat(v, 'e', 2, 64), "e")
	e, _ := strconv.Atoi(exp)
	r, _ := strconv.ParseFloat(mant+"e"+exp, 64)
	if math.Abs(r) >= 1000 {
		return formatNumber(math.Round(v), 0, true)
	}
	s := strconv.FormatFloat(r, 'f', max(0, 2-e), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// halfway reports whether v lies exactly half way between two numbers of three significant
// digits (1.125, 0.0625).
func halfway(v float64) bool {
	short := strconv.FormatFloat(math.Abs(v), 'e', -1, 64)
	mant, _, _ := strings.Cut(short, "e")
	digits := strings.Replace(mant, ".", "", 1)
	if len(digits) != 4 || digits[3] != '5' {
		return false
	}
	r, ok := new(big.Rat).SetString(short)
	return ok && r.Cmp(new(big.Rat).SetFloat64(math.Abs(v))) == 0
}

// valueTicks marks multiples of step, labelled with the decimals the step needs and thousands
// separators when the axis reaches 1,000. Values above limit are not marked.
type valueTicks struct {
	step, limit float64
}

func ticksEvery(step float64) valueTicks { return valueTicks{step: step, limit: math.Inf(1)} }

func (t valueTicks) Ticks(lo, hi float64) []plot.Tick {
	d := decimalsFor(t.step)
	sep := math.Max(math.Abs(lo), math.Abs(hi)) >= 1000
	var ticks []plot.Tick
	for i := math.Ceil(lo/t.step - 1e-9); i*t.step <= hi+t.step*1e-9; i++ {
		v := i * t.step
		if v > t.limit+t.step*1e-9 {
			break
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: formatNumber(v, d, sep)})
	}
	return ticks
}

// yearTicks labels every step-th year and, unless sparse, marks the years between with minor
// ticks.
type yearTicks struct {
	step   int
	sparse bool
}

func (t yearTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	first, last := int(math.Ceil(lo-1e-9)), int(math.Floor(hi+1e-9))
	minor := last-first <= 60 && t.step > 1 && !t.sparse
	for y := first; y <= last; y++ {
		switch {
		case y%t.step == 0:
			ticks = append(ticks, plot.Tick{Value: float64(y), Label: strconv.Itoa(y)})
		case minor:
			ticks = append(ticks, plot.Tick{Value: float64(y)})
		}
	}
	return ticks
}

// yearStep is the smallest year-label step (1, 2, 5, 10, 20, 25, ... years) that labels at most
// n years (and no more than 10) within [lo, hi], and at least one.
func yearStep(lo, hi float64, n int) int {
	n = max(1, min(n, 10))
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000} {
		step := float64(s)
		labels := math.Floor(hi/step+1e-9) - math.Ceil(lo/step-1e-9) + 1
		if labels <= float64(n) && labels >= 1 {
			return s
		}
	}
	return 1000
}

// hiddenLabels keeps a ticker's marks and drops their labels (inner panels of small multiples).
type hiddenLabels struct{ plot.Ticker }

func (h hiddenLabels) Ticks(lo, hi float64) []plot.Tick {
	ticks := h.Ticker.Ticks(lo, hi)
	for i := range ticks {
		ticks[i].Label = ""
	}
	return ticks
}
