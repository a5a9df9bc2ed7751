package validate

import (
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ictstat/ictstat/engine/ingest"
)

// resolved holds, per dictionary entry of the raw columns, what the entry means.
type resolved struct {
	indicators []Indicator
	geos       []geoRef
	sex, area  []uint8
	flag       []uint8
	ages       []string
	years      []int16
	values     []float64 // per row
	// Per row, nil when the batch has none: standard errors and interval bounds, NaN where a
	// row has none.
	se, lower, upper []float64
}

// build assembles the good rows into a batch in Schema.
func (c *checker) build(mem memory.Allocator, res resolved) arrow.RecordBatch {
	keep := make([]int, 0, c.n)
	for row := 0; row < c.n; row++ {
		if !c.bad[row] {
			keep = append(keep, row)
		}
	}
	n := len(keep)
	lines := make([]int32, n)
	inds := make([]int32, n)
	econ := make([]int32, n)
	grp := make([]int32, n)
	years := make([]int16, n)
	values := make([]float64, n)
	ind, geo, year := c.cols[ingest.ColIndicator], c.cols[ingest.ColEconomy], c.cols[ingest.ColYear]
	for i, row := range keep {
		lines[i] = c.lines[row]
		inds[i] = res.indicators[ind.idx[row]].ID
		g := res.geos[geo.idx[row]]
		econ[i], grp[i] = g.economy, g.group
		years[i] = res.years[year.idx[row]]
		values[i] = res.values[row]
	}
	trimmed := func(col int) []string {
		d := c.cols[col].values
		out := make([]string, d.Len())
		for i := range out {
			out[i] = strings.TrimSpace(d.Value(i))
		}
		return out
	}
	// Aggregates a source declares that match no group: the code and the name it gives them.
	newGroup := make([]string, geo.values.Len())
	for e, g := range res.geos {
		if !g.ok {
			newGroup[e] = strings.TrimSpace(geo.values.Value(e))
		}
	}
	aggregate := c.cols[ingest.ColAggregate]
	cols := []arrow.Array{
		int32Array(mem, lines),
		int32Array(mem, inds),
		int32Array(mem, econ),
		int32Array(mem, grp),
		remap(mem, keep, geo, newGroup, ""),
		remapIf(mem, keep, aggregate, trimmed(ingest.ColAggregate), func(row int) bool { return newGroup[geo.idx[row]] != "" }, ""),
		codes(mem, keep, c.cols[ingest.ColSex], res.sex),
		codes(mem, keep, c.cols[ingest.ColArea], res.area),
		remap(mem, keep, c.cols[ingest.ColAge], res.ages, AgeTotal),
		int16Array(mem, years),
		float64Array(mem, values),
		codes(mem, keep, c.cols[ingest.ColFlag], res.flag),
		remap(mem, keep, c.cols[ingest.ColSource], trimmed(ingest.ColSource), ""),
		remap(mem, keep, c.cols[ingest.ColNote], trimmed(ingest.ColNote), ""),
		optionalFloats(mem, keep, res.se),
		optionalFloats(mem, keep, res.lower),
		optionalFloats(mem, keep, res.upper),
	}
	rec := array.NewRecordBatch(Schema, cols, int64(n))
	for _, col := range cols {
		col.Release()
	}
	return rec
}

// optionalFloats is the kept rows of per-row values, NaN and all rows of a nil slice null.
func optionalFloats(mem memory.Allocator, keep []int, perRow []float64) arrow.Array {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	if perRow == nil {
		b.AppendNulls(len(keep))
		return b.NewArray()
	}
	for _, row := range keep {
		if v := perRow[row]; math.IsNaN(v) {
			b.AppendNull()
		} else {
			b.Append(v)
		}
	}
	return b.NewArray()
}

// codes maps each kept row's entry of d through ids; a null row gets code 0 (total, reported).
func codes(mem memory.Allocator, keep []int, d dictCol, ids []uint8) arrow.Array {
	out := make([]uint8, len(keep))
	for i, row := range keep {
		if e, ok := d.entry(row); ok {
			out[i] = ids[e]
		}
	}
	b := array.NewUint8Builder(mem)
	defer b.Release()
	b.AppendValues(out, nil)
	return b.NewArray()
}

// remap dictionary-encodes the kept rows of d with each entry's text replaced by values[entry].
// A null row, or an entry mapped to "", becomes ifNull (null when ifNull is "").
func remap(mem memory.Allocator, keep []int, d dictCol, values []string, ifNull string) arrow.Array {
	return remapIf(mem, keep, d, values, nil, ifNull)
}

// remapIf is remap for the rows where include holds (all rows when include is nil); the others
// are null.
func remapIf(mem memory.Allocator, keep []int, d dictCol, values []string, include func(row int) bool, fallback string) arrow.Array {
	// Entries of the output dictionary: the distinct mapped values, then the fallback.
	memo := map[string]int32{}
	var dict []string
	entryOut := make([]int32, len(values))
	for e, v := range values {
		if v == "" {
			entryOut[e] = -1
			continue
		}
		id, seen := memo[v]
		if !seen {
			id = int32(len(dict))
			memo[v] = id
			dict = append(dict, v)
		}
		entryOut[e] = id
	}
	fallbackID := int32(-1)
	if fallback != "" {
		id, seen := memo[fallback]
		if !seen {
			id = int32(len(dict))
			dict = append(dict, fallback)
		}
		fallbackID = id
	}
	indices := make([]int32, len(keep))
	valid := make([]bool, len(keep))
	nulls := 0
	for i, row := range keep {
		id := fallbackID
		if include == nil || include(row) {
			if e, ok := d.entry(row); ok && entryOut[e] >= 0 {
				id = entryOut[e]
			}
		} else {
			id = -1
		}
		if id < 0 {
			nulls++
			continue
		}
		indices[i], valid[i] = id, true
	}
	if nulls == 0 {
		valid = nil
	}
	ib := array.NewInt32Builder(mem)
	defer ib.Release()
	ib.AppendValues(indices, valid)
	ia := ib.NewArray()
	defer ia.Release()
	sb := array.NewStringBuilder(mem)
	defer sb.Release()
	sb.AppendValues(dict, nil)
	da := sb.NewArray()
	defer da.Release()
	return array.NewDictionaryArray(textType, ia, da)
}

func int32Array(mem memory.Allocator, v []int32) arrow.Array {
	b := array.NewInt32Builder(mem)
	defer b.Release()
	b.AppendValues(v, nil)
	return b.NewArray()
}

func int16Array(mem memory.Allocator, v []int16) arrow.Array {
	b := array.NewInt16Builder(mem)
	defer b.Release()
	b.AppendValues(v, nil)
	return b.NewArray()
}

func float64Array(mem memory.Allocator, v []float64) arrow.Array {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.AppendValues(v, nil)
	return b.NewArray()
}
