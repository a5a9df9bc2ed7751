package household

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Format is the output file format.
type Format int

const (
	CSV     Format = iota // comma-separated, a header line, missing answers empty
	Parquet               // one row group per batch of about 128k rows, snappy, missing answers null
)

// FormatOf is Parquet for a path ending in .parquet (any case), else CSV.
func FormatOf(path string) Format {
	if strings.EqualFold(filepath.Ext(path), ".parquet") {
		return Parquet
	}
	return CSV
}

// Stats say what a file holds.
type Stats struct {
	Persons           int64 // rows: persons of responding households
	Households        int64 // responding households
	SampledHouseholds int64
	PSUs              int64 // sampled PSUs
	Strata            int
	PopulationPSUs    int64 // Σ N_h
	Columns           []string
}

// batchPersons is about how many persons a batch (a Parquet row group) holds.
const batchPersons = 128 << 10

// unit of work: sampled PSUs [from, to) of the flattened list (strata in order).
type psuRef struct {
	s *stratum
	i int // index in s.sampled
}

// rows is one batch's columns.
type rows struct {
	hh, pid, psu []int64
	strat        []*stratum
	weight       []float64
	female       []bool
	age          []int32
	ans          [3][]int8
	rw           [][]float64
	households   int64
	sampled      int64
}

func (d *design) generate(refs []psuRef) *rows {
	o := d.opts
	r := &rows{rw: make([][]float64, o.Replicates)}
	var buf psuSample
	for _, ref := range refs {
		s := ref.s
		j := s.sampled[ref.i]
		p := s.firstPSU + j
		d.samplePSU(s, j, &buf)
		M := psuHouseholds(o.PopulationSeed, p)
		u := psuEffect(o.PopulationSeed, p)
		w := float64(s.N) / float64(s.n) * float64(M) / float64(buf.sampled) * s.adjust
		r.sampled += int64(buf.sampled)
		for x, k32 := range buf.households[:buf.sampled] {
			if !buf.responded[x] {
				continue
			}
			r.households++
			k := int(k32)
			hh := (p+1)*1000 + int64(k) + 1
			for q := 0; q < hhSize(o.PopulationSeed, p, k); q++ {
				per := makePerson(o.PopulationSeed, s, p, k, q, u)
				r.hh = append(r.hh, hh)
				r.pid = append(r.pid, hh*10+int64(q)+1)
				r.psu = append(r.psu, p+1)
				r.strat = append(r.strat, s)
				r.weight = append(r.weight, w)
				r.female = append(r.female, per.female)
				r.age = append(r.age, int32(per.age))
				for v := range r.ans {
					r.ans[v] = append(r.ans[v], per.answer[v])
				}
				for b := range r.rw {
					f := float64(s.n) / float64(s.n-1) * float64(s.boot[ref.i*o.Replicates+b])
					r.rw[b] = append(r.rw[b], w*f)
				}
			}
		}
	}
	return r
}

func sexName(female bool) string {
	if female {
		return "female"
	}
	return "male"
}

// csvBytes formats a batch as CSV lines.
func (r *rows) csvBytes() []byte {
	b := make([]byte, 0, len(r.hh)*(110+20*len(r.rw)))
	for i := range r.hh {
		s := r.strat[i]
		b = strconv.AppendInt(b, r.hh[i], 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, r.pid[i], 10)
		b = append(b, ',')
		b = append(b, s.regionName...)
		b = append(b, ',')
		b = append(b, areaNames[s.area]...)
		b = append(b, ',')
		b = append(b, s.name...)
		b = append(b, ',')
		b = strconv.AppendInt(b, r.psu[i], 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, s.N, 10)
		b = append(b, ',')
		b = strconv.AppendFloat(b, r.weight[i], 'g', -1, 64)
		b = append(b, ',')
		b = append(b, sexName(r.female[i])...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(r.age[i]), 10)
		b = append(b, ',')
		b = append(b, ageGroup(int(r.age[i]))...)
		for v := range r.ans {
			b = append(b, ',')
			if a := r.ans[v][i]; a >= 0 {
				b = append(b, '0'+byte(a))
			}
		}
		for _, rw := range r.rw {
			b = append(b, ',')
			b = strconv.AppendFloat(b, rw[i], 'g', -1, 64)
		}
		b = append(b, '\n')
	}
	return b
}

// dictType is the Arrow type of the text columns: dictionary-encoded strings, which the Parquet
// writer stores as its dictionary pages without hashing every value.
var dictType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}

// schema is the Arrow schema of the file.
func schema(o Options) *arrow.Schema {
	f := []arrow.Field{
		{Name: "hh_id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "person_id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "region", Type: dictType},
		{Name: "area", Type: dictType},
		{Name: "stratum", Type: dictType},
		{Name: "psu", Type: arrow.PrimitiveTypes.Int64},
		{Name: "fpc", Type: arrow.PrimitiveTypes.Int64},
		{Name: "weight", Type: arrow.PrimitiveTypes.Float64},
		{Name: "sex", Type: dictType},
		{Name: "age", Type: arrow.PrimitiveTypes.Int32},
		{Name: "age_group", Type: dictType},
	}
	for _, v := range Variables {
		f = append(f, arrow.Field{Name: v, Type: arrow.PrimitiveTypes.Int32, Nullable: true})
	}
	for r := 1; r <= o.Replicates; r++ {
		f = append(f, arrow.Field{Name: fmt.Sprintf("rw%d", r), Type: arrow.PrimitiveTypes.Float64})
	}
	return arrow.NewSchema(f, nil)
}

// dicts are the dictionaries of the text columns.
type dicts struct{ region, area, stratum, sex, ageGroup arrow.Array }

func newDicts(d *design) *dicts {
	mk := func(vals []string) arrow.Array {
		b := array.NewStringBuilder(memory.DefaultAllocator)
		defer b.Release()
		b.AppendValues(vals, nil)
		return b.NewArray()
	}
	var regions, strata []string
	for _, s := range d.strata {
		if s.area == 0 {
			regions = append(regions, s.regionName)
		}
		strata = append(strata, s.name)
	}
	return &dicts{mk(regions), mk(areaNames[:]), mk(strata), mk([]string{"male", "female"}), mk([]string{"15-24", "25-74", "75+"})}
}

func (x *dicts) release() {
	for _, a := range []arrow.Array{x.region, x.area, x.stratum, x.sex, x.ageGroup} {
		a.Release()
	}
}

// record builds a batch as an Arrow record.
func (r *rows) record(sc *arrow.Schema, dc *dicts) arrow.RecordBatch {
	mem := memory.DefaultAllocator
	n := len(r.hh)
	i64 := func(v []int64) arrow.Array {
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.AppendValues(v, nil)
		return b.NewArray()
	}
	f64 := func(v []float64) arrow.Array {
		b := array.NewFloat64Builder(mem)
		defer b.Release()
		b.AppendValues(v, nil)
		return b.NewArray()
	}
	i32 := func(v []int32, valid []bool) arrow.Array {
		b := array.NewInt32Builder(mem)
		defer b.Release()
		b.AppendValues(v, valid)
		return b.NewArray()
	}
	dict := func(idx []int16, values arrow.Array) arrow.Array {
		b := array.NewInt16Builder(mem)
		defer b.Release()
		b.AppendValues(idx, nil)
		ix := b.NewArray()
		defer ix.Release()
		return array.NewDictionaryArray(dictType, ix, values)
	}
	region, area, str, sex, ag := make([]int16, n), make([]int16, n), make([]int16, n), make([]int16, n), make([]int16, n)
	fpc := make([]int64, n)
	for i := 0; i < n; i++ {
		s := r.strat[i]
		region[i], area[i], str[i], fpc[i] = int16(s.region), int16(s.area), int16(s.index), s.N
		if r.female[i] {
			sex[i] = 1
		}
		switch a := r.age[i]; {
		case a >= 75:
			ag[i] = 2
		case a >= 25:
			ag[i] = 1
		}
	}
	cols := []arrow.Array{i64(r.hh), i64(r.pid), dict(region, dc.region), dict(area, dc.area), dict(str, dc.stratum),
		i64(r.psu), i64(fpc), f64(r.weight), dict(sex, dc.sex), i32(r.age, nil), dict(ag, dc.ageGroup)}
	vals := make([]int32, n)
	valid := make([]bool, n)
	for v := range r.ans {
		for i, a := range r.ans[v] {
			vals[i], valid[i] = int32(max(a, 0)), a >= 0
		}
		cols = append(cols, i32(vals, valid))
	}
	for _, rw := range r.rw {
		cols = append(cols, f64(rw))
	}
	rec := array.NewRecordBatch(sc, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// Write writes the sample of opts to w in format f and says what it wrote. Batches are
// generated in parallel and written in order, so the bytes do not depend on the CPUs; memory is
// bounded by a few batches per CPU.
func Write(ctx context.Context, w io.Writer, f Format, opts Options) (Stats, error) {
	d, err := newDesign(opts)
	if err != nil {
		return Stats{}, err
	}
	o := d.opts
	st := Stats{Strata: len(d.strata), Columns: Columns(o)}
	var refs []psuRef
	for _, s := range d.strata {
		st.PopulationPSUs += s.N
		for i := range s.sampled {
			refs = append(refs, psuRef{s, i})
		}
	}
	st.PSUs = int64(len(refs))
	perPSU := max(1, int(float64(o.Households)*meanHouseholdSize()*0.89))
	step := max(1, batchPersons/perPSU)
	var batches [][]psuRef
	for i := 0; i < len(refs); i += step {
		batches = append(batches, refs[i:min(i+step, len(refs))])
	}

	var (
		bw *bufio.Writer
		pw *pqarrow.FileWriter
		sc = schema(o)
		dc *dicts
	)
	switch f {
	case CSV:
		bw = bufio.NewWriterSize(w, 1<<20)
		if _, err := bw.WriteString(strings.Join(st.Columns, ",") + "\n"); err != nil {
			return st, err
		}
	case Parquet:
		props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy),
			parquet.WithMaxRowGroupLength(1<<20), parquet.WithDictionaryDefault(false),
			parquet.WithDictionaryFor("region", true), parquet.WithDictionaryFor("area", true),
			parquet.WithDictionaryFor("stratum", true), parquet.WithDictionaryFor("sex", true),
			parquet.WithDictionaryFor("age_group", true))
		pw, err = pqarrow.NewFileWriter(sc, w, props, pqarrow.NewArrowWriterProperties())
		dc = newDicts(d)
		defer dc.release()
		if err != nil {
			return st, err
		}
	default:
		return st, fmt.Errorf("unknown format %d", f)
	}

	type result struct {
		n, households, sampled int64
		csv                    []byte
		rec                    arrow.RecordBatch
	}
	workers := runtime.GOMAXPROCS(0)
	results := make([]chan result, len(batches))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	var stop atomic.Bool
	sem := make(chan struct{}, 2*workers)
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for i := range batches {
			sem <- struct{}{}
			jobs <- i
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if stop.Load() {
					results[i] <- result{}
					continue
				}
				r := d.generate(batches[i])
				res := result{n: int64(len(r.hh)), households: r.households, sampled: r.sampled}
				if f == CSV {
					res.csv = r.csvBytes()
				} else {
					res.rec = r.record(sc, dc)
				}
				results[i] <- res
			}
		}()
	}
	var werr error
	for i := range batches {
		res := <-results[i]
		<-sem
		if werr == nil {
			if err := ctx.Err(); err != nil {
				werr = err
			}
		}
		if werr != nil {
			stop.Store(true)
			if res.rec != nil {
				res.rec.Release()
			}
			continue
		}
		st.Persons += res.n
		st.Households += res.households
		st.SampledHouseholds += res.sampled
		if f == CSV {
			_, werr = bw.Write(res.csv)
		} else {
			werr = pw.Write(res.rec)
			res.rec.Release()
		}
	}
	wg.Wait()
	if werr != nil {
		if pw != nil {
			pw.Close()
		}
		return st, werr
	}
	if f == CSV {
		return st, bw.Flush()
	}
	return st, pw.Close()
}

// WriteFile writes the sample of opts to path (Parquet for .parquet, else CSV) through a
// temporary file in the same folder renamed into place at the end, so an interrupted run
// leaves no partial file. Errors name the file.
func WriteFile(ctx context.Context, path string, opts Options) (Stats, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return Stats{}, fmt.Errorf("%s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return Stats{}, fmt.Errorf("%s: %w", path, err)
	}
	bw := bufio.NewWriterSize(tmp, 4<<20)
	st, err := Write(ctx, bw, FormatOf(path), opts)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return st, fmt.Errorf("%s: %w", path, err)
	}
	return st, nil
}
