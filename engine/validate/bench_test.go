package validate

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ictstat/ictstat/engine/ingest"
)

// BenchmarkCheck checks a full raw batch shaped like a long file: ten indicators, 200 economies,
// years 1990–2024, values as decimal text, with a unit and a source on every row.
func BenchmarkCheck(b *testing.B) {
	const rows = ingest.BatchRows
	kinds := []struct{ unit, kind, written string }{
		{"% of individuals", "percent", "%"}, {"per 100 inhabitants", "per100", "per_100_pop"}, {"subscriptions", "count", "number"},
	}
	var inds []Indicator
	for i := range 10 {
		k := kinds[i%len(kinds)]
		inds = append(inds, Indicator{ID: int32(i + 1), Code: fmt.Sprintf("IT_IND_%d", i), Unit: k.unit, UnitKind: k.kind, Min: 0, Max: inf})
	}
	var economies []Entity
	var m49 []Alias
	for i := range 200 {
		economies = append(economies, Entity{ID: int32(i + 1), Code: string([]byte{'A' + byte(i/26), 'A' + byte(i%26), 'X'})})
		m49 = append(m49, Alias{Scheme: "m49", Code: strconv.Itoa(4 * (i + 1)), ID: int32(i + 1)})
	}
	ref := NewReference(inds, nil, economies, m49, []Entity{{ID: 1000, Code: "WLD"}}, nil)

	mem := memory.NewGoAllocator()
	rb := ingest.NewRawBuilder(mem)
	defer rb.Release()
	r := rand.New(rand.NewPCG(1, 2))
	var value []byte
	for n := 0; n < rows; n++ {
		ind, eco, year := n/(200*35), n/35%200, 1990+n%35
		rb.StartRow(int32(n + 2))
		rb.SetString(ingest.ColIndicator, inds[ind].Code)
		rb.SetString(ingest.ColEconomy, economies[eco].Code)
		rb.SetString(ingest.ColYear, strconv.Itoa(year))
		rb.SetString(ingest.ColUnit, kinds[ind%len(kinds)].written)
		rb.SetString(ingest.ColSource, "ITU World Telecommunication/ICT Indicators database")
		value = strconv.AppendFloat(value[:0], r.Float64()*100, 'f', 2, 64)
		rb.Set(ingest.ColValue, value)
	}
	raw := rb.NewBatch()
	defer raw.Release()
	src := &ingest.Source{IndicatorScheme: "wdi", EconomyScheme: "iso3"}

	out, rejects := ref.Check(src, raw, mem)
	if out.NumRows() != rows || len(rejects) != 0 {
		b.Fatalf("%d good rows and %d rejects (first %v), want %d good", out.NumRows(), len(rejects), at(rejects, 0), rows)
	}
	out.Release()

	for b.Loop() {
		out, _ := ref.Check(src, raw, mem)
		out.Release()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
}
