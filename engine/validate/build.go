package validate

import (
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
	idx := func(col, row int) (int, bool) {
		arr := c.column(col)
		if arr.IsNull(row) {
			return 0, false
		}
		return arr.GetValueIndex(row), true
	}
	lines := make([]int32, n)
	inds := make([]int32, n)
	econ := make([]int32, n)
	grp := make([]int32, n)
	sex := make([]uint8, n)
	area := make([]uint8, n)
	flag := make([]uint8, n)
	years := make([]int16, n)
	values := make([]float64, n)
	for i, row := range keep {
		lines[i] = c.lines[row]
		e, _ := idx(ingest.ColIndicator, row)
		inds[i] = res.indicators[e].ID
		g, _ := idx(ingest.ColEconomy, row)
		econ[i], grp[i] = res.geos[g].economy, res.geos[g].group
		if e, ok := idx(ingest.ColSex, row); ok {
			sex[i] = res.sex[e]
		}
		if e, ok := idx(ingest.ColArea, row); ok {
			area[i] = res.area[e]
		}
		if e, ok := idx(ingest.ColFlag, row); ok {
			flag[i] = res.flag[e]
		}
		y, _ := idx(ingest.ColYear, row)
		years[i] = res.years[y]
		values[i] = res.values[row]
	}

	rawText := func(col int) []string {
		d := c.column(col).Dictionary().(*array.String)
		out := make([]string, d.Len())
		for i := range out {
			out[i] = strings.TrimSpace(d.Value(i))
		}
		return out
	}
	// New aggregates: rows whose code matched nothing but which the source declares aggregates.
	newGroup := func(row int) bool {
		g, _ := idx(ingest.ColEconomy, row)
		return !res.geos[g].ok
	}
	econText := rawText(ingest.ColEconomy)
	cols := []arrow.Array{
		int32Array(mem, lines),
		int32Array(mem, inds),
		int32Array(mem, econ),
		int32Array(mem, grp),
		dictArray(mem, keep, func(row int) (string, bool) {
			if !newGroup(row) {
				return "", false
			}
			e, _ := idx(ingest.ColEconomy, row)
			return econText[e], true
		}),
		dictArray(mem, keep, func(row int) (string, bool) {
			if !newGroup(row) {
				return "", false
			}
			return strings.TrimSpace(c.text(ingest.ColAggregate, row)), true
		}),
		uint8Array(mem, sex),
		uint8Array(mem, area),
		dictArray(mem, keep, func(row int) (string, bool) {
			if e, ok := idx(ingest.ColAge, row); ok {
				return res.ages[e], true
			}
			return AgeTotal, true
		}),
		int16Array(mem, years),
		float64Array(mem, values),
		uint8Array(mem, flag),
		textColumn(mem, keep, rawText(ingest.ColSource), func(row int) (int, bool) { return idx(ingest.ColSource, row) }),
		textColumn(mem, keep, rawText(ingest.ColNote), func(row int) (int, bool) { return idx(ingest.ColNote, row) }),
	}
	rec := array.NewRecordBatch(Schema, cols, int64(n))
	for _, col := range cols {
		col.Release()
	}
	return rec
}

func textColumn(mem memory.Allocator, keep []int, text []string, idx func(row int) (int, bool)) arrow.Array {
	return dictArray(mem, keep, func(row int) (string, bool) {
		e, ok := idx(row)
		if !ok || text[e] == "" {
			return "", false
		}
		return text[e], true
	})
}

// dictArray dictionary-encodes value(row) for the rows in keep; ok=false is null.
func dictArray(mem memory.Allocator, keep []int, value func(row int) (string, bool)) arrow.Array {
	memo := map[string]int32{}
	var dict []string
	indices := make([]int32, len(keep))
	valid := make([]bool, len(keep))
	nulls := 0
	for i, row := range keep {
		v, ok := value(row)
		if !ok {
			nulls++
			continue
		}
		id, seen := memo[v]
		if !seen {
			id = int32(len(dict))
			memo[v] = id
			dict = append(dict, v)
		}
		indices[i], valid[i] = id, true
	}
	ib := array.NewInt32Builder(mem)
	defer ib.Release()
	if nulls == 0 {
		valid = nil
	}
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

func uint8Array(mem memory.Allocator, v []uint8) arrow.Array {
	b := array.NewUint8Builder(mem)
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
