package validate

import (
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ictstat/ictstat/engine/ingest"
)

// null marks a null field: in a rawRow it leaves the column unset, in an outRow it is what a
// null text column reads as.
const null = "<null>"

var inf = math.Inf(1)

// The test reference. IDs differ from positions so that a position taken for an ID shows.
var (
	testIndicators = []Indicator{
		{ID: 11, Code: "IT_NET_USER_ZS", Unit: "% of individuals", UnitKind: "percent", Min: 0, Max: 100},
		{ID: 12, Code: "IT_CEL_SETS_P2", Unit: "per 100 inhabitants", UnitKind: "per100", Min: 0, Max: inf},
		{ID: 13, Code: "IT_CEL_SETS", Unit: "subscriptions", UnitKind: "count", Min: 0, Max: inf},
		{ID: 14, Code: "PRICE_USD", Unit: "US dollars", UnitKind: "usd", Min: 0.01, Max: 1000},
	}
	// Sorted by scheme and code, as the store hands them out.
	testIndicatorAliases = []Alias{
		{Scheme: "itu", Code: "i99H", ID: 11},
		{Scheme: "itu", Code: "MOB", ID: 12},
		{Scheme: "sdg", Code: "IT_CEL_SETS", ID: 12}, // another indicator's primary code
		{Scheme: "sdg", Code: "MOB", ID: 13},         // MOB means 12 in itu and wdi, 13 in sdg
		{Scheme: "sdg", Code: "SUBS_TOTAL", ID: 13},
		{Scheme: "wdi", Code: "GHOST", ID: 99}, // an ID the indicator list lacks
		{Scheme: "wdi", Code: "MOB", ID: 12},
	}
	testEconomies      = []Entity{{ID: 1, Code: "AFG"}, {ID: 2, Code: "ALB"}, {ID: 3, Code: "DZA"}}
	testEconomyAliases = []Alias{{Scheme: "iso2", Code: "AF", ID: 1}, {Scheme: "m49", Code: "012", ID: 3}, {Scheme: "m49", Code: "4", ID: 1}, {Scheme: "m49", Code: "8", ID: 2}}
	testGroups         = []Entity{{ID: 101, Code: "WLD"}, {ID: 102, Code: "ARB"}}
	testGroupAliases   = []Alias{{Scheme: "m49", Code: "1", ID: 101}, {Scheme: "wb", Code: "1W", ID: 101}, {Scheme: "wb", Code: "ALB", ID: 102}}
	testIndicatorByID  = map[int32]Indicator{}
	longSource         = &ingest.Source{IndicatorScheme: "itu", EconomyScheme: "iso3"}
	testRef            = testReference()
)

func init() {
	for _, ind := range testIndicators {
		testIndicatorByID[ind.ID] = ind
	}
}

func testReference() *Reference {
	return NewReference(testIndicators, testIndicatorAliases, testEconomies, testEconomyAliases, testGroups, testGroupAliases)
}

// rawRow is one raw record as text, by raw column (ingest.ColIndicator..ingest.ColNote; the line
// comes from the row's position). "" leaves a dictionary column null, as readers do, but is an
// empty value in the value column; null leaves any column null.
type rawRow [ingest.ColNote + 1]string

// goodRow is a record every rule accepts: internet users of Afghanistan in 2020, 17.6.
func goodRow() rawRow {
	var r rawRow
	r[ingest.ColIndicator], r[ingest.ColEconomy], r[ingest.ColYear], r[ingest.ColValue] = "IT_NET_USER_ZS", "AFG", "2020", "17.6"
	return r
}

// with is r with column col set to text.
func (r rawRow) with(col int, text string) rawRow {
	r[col] = text
	return r
}

// written is the text of column col as a reject quotes it: "" for a null.
func (r rawRow) written(col int) string {
	if r[col] == null {
		return ""
	}
	return r[col]
}

// lineOf is the line the i-th raw row starts at: a header, then records of three lines each.
func lineOf(i int) int32 { return int32(2 + 3*i) }

// outRow is one row of a validated batch; a null text column reads as null.
type outRow struct {
	Line, Indicator, Economy, Group int32
	NewGroup, NewGroupName          string
	Sex, Area                       uint8
	Age                             string
	Year                            int16
	Value                           float64
	Flag                            uint8
	Source, Note                    string
}

// goodOut is what goodRow becomes at line.
func goodOut(line int32) outRow {
	return outRow{Line: line, Indicator: 11, Economy: 1, NewGroup: null, NewGroupName: null, Age: AgeTotal,
		Year: 2020, Value: 17.6, Source: null, Note: null}
}

// newRaw builds a raw batch of rows, row i starting at lineOf(i).
func newRaw(mem memory.Allocator, rows []rawRow) arrow.RecordBatch {
	b := ingest.NewRawBuilder(mem)
	defer b.Release()
	for i, r := range rows {
		b.StartRow(lineOf(i))
		for col := ingest.ColIndicator; col <= ingest.ColNote; col++ {
			if r[col] != null {
				b.SetString(col, r[col])
			}
		}
	}
	return b.NewBatch()
}

// check runs ref.Check on rows read from src, with one checked allocator for the raw batch and
// the result. It fails the test unless the result has the validated layout, accounts for every
// row and, once both batches are released, leaves nothing allocated.
func check(t testing.TB, ref *Reference, src *ingest.Source, rows []rawRow) ([]outRow, []ingest.Reject) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	raw := newRaw(mem, rows)
	out, rejects := ref.Check(src, raw, mem)
	raw.Release()
	defer out.Release()
	if !out.Schema().Equal(Schema) {
		t.Fatalf("result schema\n%v\nwant\n%v", out.Schema(), Schema)
	}
	if got := int(out.NumRows()) + len(rejects); got != len(rows) {
		t.Fatalf("%d good rows + %d rejects = %d, want the %d rows in", out.NumRows(), len(rejects), got, len(rows))
	}
	return readOut(out), rejects
}

// expect checks rows from src against the test reference and compares the outcome.
func expect(t *testing.T, src *ingest.Source, rows []rawRow, want []outRow, wantRejects []ingest.Reject) {
	t.Helper()
	got, rejects := check(t, testRef, src, rows)
	if !slices.Equal(got, want) {
		t.Errorf("good rows\n%+v\nwant\n%+v", got, want)
	}
	if !slices.Equal(rejects, wantRejects) {
		t.Errorf("rejects\n%+v\nwant\n%+v", rejects, wantRejects)
	}
}

// expectOne checks the single row r: rejected at column col with reason, or, when reason is "",
// accepted as want.
func expectOne(t *testing.T, src *ingest.Source, r rawRow, col int, reason string, want outRow) {
	t.Helper()
	if reason == "" {
		expect(t, src, []rawRow{r}, []outRow{want}, nil)
		return
	}
	expect(t, src, []rawRow{r}, nil, []ingest.Reject{{Line: int64(lineOf(0)), Column: src.ColumnName(col), Value: r.written(col), Reason: reason}})
}

func readOut(rec arrow.RecordBatch) []outRow {
	var rows []outRow
	i32 := func(col int) []int32 { return rec.Column(col).(*array.Int32).Int32Values() }
	u8 := func(col int) []uint8 { return rec.Column(col).(*array.Uint8).Uint8Values() }
	text := func(col, i int) string {
		d := rec.Column(col).(*array.Dictionary)
		if d.IsNull(i) {
			return null
		}
		return d.Dictionary().(*array.String).Value(d.GetValueIndex(i))
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		rows = append(rows, outRow{
			Line: i32(OutLine)[i], Indicator: i32(OutIndicator)[i], Economy: i32(OutEconomy)[i], Group: i32(OutGroup)[i],
			NewGroup: text(OutNewGroup, i), NewGroupName: text(OutNewGroupName, i),
			Sex: u8(OutSex)[i], Area: u8(OutArea)[i], Age: text(OutAge, i),
			Year:  rec.Column(OutYear).(*array.Int16).Value(i),
			Value: rec.Column(OutValue).(*array.Float64).Value(i),
			Flag:  u8(OutFlag)[i], Source: text(OutSource, i), Note: text(OutNote, i),
		})
	}
	return rows
}
