package progress

import (
	"math"
	"math/rand/v2"
	"testing"
)

// benchSeries returns n realistic 20-year series (2005–2024): logistic diffusion curves of
// internet use with survey noise, one in four a falling price series. They are assessed from 2005,
// so the trends are fitted to all 20 points (benchmarks/progress has a wider mix).
func benchSeries(n int) []Series {
	rng := rand.New(rand.NewPCG(7, 11))
	out := make([]Series, n)
	for i := range out {
		years, values := make([]int, 20), make([]float64, 20)
		k, r, t0 := 40+55*rng.Float64(), 0.15+0.35*rng.Float64(), 2005+20*rng.Float64()
		price := i%4 == 3
		p0, fall := 2+10*rng.Float64(), 0.03+0.1*rng.Float64()
		for j := range years {
			years[j] = 2005 + j
			t := float64(years[j])
			if price {
				values[j] = p0 * math.Exp(-fall*(t-2005)) * (1 + 0.05*rng.NormFloat64())
			} else {
				values[j] = math.Min(100, math.Max(0.01, k/(1+math.Exp(-r*(t-t0)))+0.8*rng.NormFloat64()))
			}
		}
		out[i] = Series{Years: years, Values: values}
	}
	return out
}

func benchGoal(i int) Goal {
	if i%4 == 3 {
		return Goal{Comparator: "le", Level: 2, BaselineYear: 2005, Deadline: 2030}
	}
	return Goal{Comparator: "ge", Level: 95, BaselineYear: 2005, Deadline: 2030, Range: Percent}
}

func BenchmarkMetrics(b *testing.B) {
	ss := benchSeries(1024)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		j := i % len(ss)
		Metrics(ss[j], benchGoal(j))
	}
}

// BenchmarkAssess reports logistic fits per second alongside the time per Assess (the
// diffusion series fit one or two logistics each: the hold-out fit and, when it wins, the refit).
func BenchmarkAssess(b *testing.B) {
	ss := benchSeries(1024)
	b.ReportAllocs()
	b.ResetTimer()
	fits := 0
	for i := range b.N {
		j := i % len(ss)
		_, f := assess(ss[j], benchGoal(j))
		fits += f
	}
	b.ReportMetric(float64(fits)/b.Elapsed().Seconds(), "fits/s")
}
