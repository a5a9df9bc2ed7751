package validate

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/ictstat/ictstat/engine/ingest"
)

// The pools a random row draws its codes from, each text labelled by hand with what it means
// against the test reference. The first part of each pool is good, the rest bad.
var (
	propIndicators = pool[int32]{good: []labelled[int32]{
		{"IT_NET_USER_ZS", 11}, {"it_net_user_zs", 11}, {"i99H", 11}, {"IT_CEL_SETS_P2", 12}, {"MOB", 12},
		{"SUBS_TOTAL", 13}, {"IT_CEL_SETS", 13}, {"PRICE_USD", 14}, {"price_usd", 14},
	}, bad: []labelled[int32]{{"NOPE", 0}, {"GHOST", 0}, {"IT_NET", 0}, {null, 0}}}
	propEconomies = pool[geoLabel]{good: []labelled[geoLabel]{
		{"AFG", geoLabel{economy: 1}}, {"afg", geoLabel{economy: 1}}, {"AF", geoLabel{economy: 1}},
		{"4", geoLabel{economy: 1}}, {"004", geoLabel{economy: 1}}, {"ALB", geoLabel{economy: 2}},
		{"012", geoLabel{economy: 3}}, {"12", geoLabel{economy: 3}}, {" DZA ", geoLabel{economy: 3}},
		{"WLD", geoLabel{group: 101}}, {"1W", geoLabel{group: 101}}, {"001", geoLabel{group: 101}},
		{"ARB", geoLabel{group: 102}},
	}, bad: []labelled[geoLabel]{
		{"XXX", geoLabel{code: "XXX"}}, {"OWID_WRL", geoLabel{code: "OWID_WRL"}}, {" OWID_EU ", geoLabel{code: "OWID_EU"}},
		{"999", geoLabel{code: "999"}}, {null, geoLabel{}}, {"  ", geoLabel{}},
	}}
	propSex = pool[uint8]{good: []labelled[uint8]{{null, 0}, {"bothsex", 0}, {"f", 1}, {"FEMALE", 1}, {"Male", 2}},
		bad: []labelled[uint8]{{"x", 0}, {"urban", 0}}}
	propArea = pool[uint8]{good: []labelled[uint8]{{null, 0}, {"allarea", 0}, {"u", 1}, {"RURAL", 2}},
		bad: []labelled[uint8]{{"suburb", 0}}}
	propFlag = pool[uint8]{good: []labelled[uint8]{{null, 0}, {"c", 0}, {"e", 1}, {"P", 6}, {"forecast", 8}},
		bad: []labelled[uint8]{{"zz", 0}, {"?", 0}}}
	propUnits = pool[string]{good: []labelled[string]{{null, ""}, {"%", "percent"}, {"per_100_pop", "per100"},
		{"number", "count"}, {"US$", "usd"}, {"ppp$", "ppp"}}, bad: []labelled[string]{{"furlongs", ""}}}
	propAges = pool[string]{good: []labelled[string]{{null, AgeTotal}, {"allage", AgeTotal}, {"15-24", "15-24"},
		{"Y15T24", "15-24"}, {"Y_GE65", "65+"}, {"lt15y", "<15"}}, bad: []labelled[string]{{"24-15", ""}, {"abc", ""}}}
	propUnitOf  = map[string]string{"percent": "%", "per100": "per_100_pop", "count": "number", "usd": "US$"}
	propMissing = []string{"..", " .. ", "n/a", "NaN", ""}
	propJunk    = []string{"abc", "Inf", "1,5", "12%", "--1"}
)

type labelled[T any] struct {
	text string
	v    T
}

// geoLabel is what an economy code means: an economy, a group, or neither, when code is the code
// a declared aggregate keeps ("" for no code at all).
type geoLabel struct {
	economy, group int32
	code           string
}

type pool[T any] struct{ good, bad []labelled[T] }

// draw picks a good entry nineteen times in twenty.
func (p pool[T]) draw(r *rand.Rand) (labelled[T], bool) {
	if r.IntN(20) == 0 {
		return p.bad[r.IntN(len(p.bad))], false
	}
	return p.good[r.IntN(len(p.good))], true
}

// padded is text with spaces around it now and then.
func padded(r *rand.Rand, text string) string {
	if r.IntN(4) == 0 {
		return " " + text + "  "
	}
	return text
}

// optional is text, null or blank (both of which read as null), with its expected reading.
func optional(r *rand.Rand, text string) (raw, want string) {
	switch r.IntN(6) {
	case 0, 1:
		return null, null
	case 2:
		return "   ", null
	}
	return padded(r, text), text
}

// randomRow draws a raw row and works out, independently of the code under test, the row it
// becomes at line or the reject it earns.
func randomRow(r *rand.Rand, line int32) (rawRow, *outRow, *ingest.Reject) {
	var raw rawRow
	out := outRow{Line: line}
	var rej *ingest.Reject
	fail := func(col int, value, reason string) {
		if rej == nil {
			rej = &ingest.Reject{Line: int64(line), Column: ingest.ColumnNames[col], Value: value, Reason: reason}
		}
	}

	ind, ok := propIndicators.draw(r)
	raw[ingest.ColIndicator], out.Indicator = ind.text, ind.v
	switch {
	case ind.text == null:
		fail(ingest.ColIndicator, "", "missing indicator")
	case !ok:
		fail(ingest.ColIndicator, ind.text, "unknown indicator")
	}

	geo, ok := propEconomies.draw(r)
	raw[ingest.ColEconomy], out.Economy, out.Group, out.NewGroup, out.NewGroupName = geo.text, geo.v.economy, geo.v.group, null, null
	declared := r.IntN(3) == 0
	if declared {
		name := fmt.Sprintf("Region %d", r.IntN(50))
		raw[ingest.ColAggregate] = padded(r, name)
		if geo.v.code != "" {
			out.NewGroup, out.NewGroupName = geo.v.code, name
		}
	}
	switch {
	case !ok && geo.v.code == "":
		fail(ingest.ColEconomy, raw.written(ingest.ColEconomy), "missing economy")
	case !ok && !declared:
		fail(ingest.ColEconomy, geo.text, "unknown economy or group")
	}

	year := 1955 + r.IntN(151)
	out.Year = int16(year)
	raw[ingest.ColYear] = padded(r, strconv.Itoa(year))
	switch {
	case r.IntN(40) == 0:
		raw[ingest.ColYear] = null
		fail(ingest.ColYear, "", "missing year")
	case r.IntN(40) == 0:
		raw[ingest.ColYear] += ".5"
		fail(ingest.ColYear, raw[ingest.ColYear], "year is not a whole number")
	case year < 1960 || year > 2100:
		fail(ingest.ColYear, raw[ingest.ColYear], "year outside 1960–2100")
	}

	for _, c := range []struct {
		col  int
		what string
		p    pool[uint8]
		to   *uint8
	}{{ingest.ColSex, "sex", propSex, &out.Sex}, {ingest.ColArea, "area", propArea, &out.Area}, {ingest.ColFlag, "flag", propFlag, &out.Flag}} {
		code, ok := c.p.draw(r)
		raw[c.col], *c.to = code.text, code.v
		if !ok {
			fail(c.col, code.text, "unknown "+c.what+" code")
		}
	}
	unit, unitOK := propUnits.draw(r)
	if x, ok := testIndicatorByID[out.Indicator]; ok && unitOK && unit.v != "" && r.IntN(8) != 0 {
		unit = labelled[string]{propUnitOf[x.UnitKind], x.UnitKind} // mostly the indicator's own unit
	}
	raw[ingest.ColUnit] = unit.text
	if !unitOK {
		fail(ingest.ColUnit, unit.text, "unknown unit")
	}
	age, ok := propAges.draw(r)
	raw[ingest.ColAge], out.Age = age.text, age.v
	if !ok {
		fail(ingest.ColAge, age.text, "unknown age group (write 15-24, 15+ or <15)")
	}
	if x := testIndicatorByID[out.Indicator]; unit.v != "" && out.Indicator != 0 && unit.v != x.UnitKind {
		fail(ingest.ColUnit, unit.text, "unit does not match "+x.Code+", which is in "+x.Unit)
	}

	out.Value = float64(r.IntN(12000)-500) / 100 // -5 to 115, in hundredths, or a thousand times that
	if r.IntN(10) == 0 {
		out.Value *= 1000
	}
	switch k := r.IntN(20); {
	case k == 0:
		raw[ingest.ColValue] = null
		fail(ingest.ColValue, "", "missing value")
	case k == 1:
		raw[ingest.ColValue] = propMissing[r.IntN(len(propMissing))]
		reason := "missing value"
		if m := map[string]string{"..": "..", " .. ": "..", "n/a": "n/a", "NaN": "NaN"}[raw[ingest.ColValue]]; m != "" {
			reason += " (" + m + ")"
		}
		fail(ingest.ColValue, raw[ingest.ColValue], reason)
	case k == 2:
		raw[ingest.ColValue] = propJunk[r.IntN(len(propJunk))]
		fail(ingest.ColValue, raw[ingest.ColValue], "not a number")
	default:
		format := [2]byte{'f', 'e'}[r.IntN(2)]
		raw[ingest.ColValue] = padded(r, strconv.FormatFloat(out.Value, format, -1, 64))
		if reason := propBounds(out.Indicator, out.Value); reason != "" {
			fail(ingest.ColValue, raw[ingest.ColValue], reason)
		}
	}

	raw[ingest.ColSource], out.Source = optional(r, fmt.Sprintf("source %d", r.IntN(500)))
	raw[ingest.ColNote], out.Note = optional(r, fmt.Sprintf("note %d", r.IntN(2000)))
	if rej != nil {
		return raw, nil, rej
	}
	return raw, &out, nil
}

// propBounds is the reason a value is out of the range of indicator id, "" when it is in.
func propBounds(id int32, v float64) string {
	switch {
	case id == 11 && (v < 0 || v > 100):
		return "percentage outside 0–100"
	case id == 12 && v < 0:
		return "negative value for per 100 inhabitants"
	case id == 13 && v < 0:
		return "negative count"
	case id == 14 && v < 0.01:
		return "below the minimum 0.01 for PRICE_USD"
	case id == 14 && v > 1000:
		return "above the maximum 1000 for PRICE_USD"
	}
	return ""
}

// TestCheckRandomBatch checks a batch of thousands of random rows, with many distinct values,
// against the partition worked out row by row by randomRow.
func TestCheckRandomBatch(t *testing.T) {
	const n = 5000
	r := rand.New(rand.NewPCG(2024, 7))
	rows := make([]rawRow, n)
	var want []outRow
	var wantRejects []ingest.Reject
	for i := range rows {
		raw, out, rej := randomRow(r, lineOf(i))
		rows[i] = raw
		if out != nil {
			want = append(want, *out)
		} else {
			wantRejects = append(wantRejects, *rej)
		}
	}
	// The batch must exercise both sides and many columns' rules.
	if len(want) < n/4 || len(wantRejects) < n/4 {
		t.Fatalf("unbalanced batch: %d good, %d rejected", len(want), len(wantRejects))
	}
	got, rejects := check(t, testRef, longSource, rows)
	for i := 0; i < max(len(got), len(want)); i++ {
		if i >= len(got) || i >= len(want) || got[i] != want[i] {
			t.Fatalf("good row %d of %d (want %d):\n got %+v\nwant %+v", i, len(got), len(want), at(got, i), at(want, i))
		}
	}
	for i := 0; i < max(len(rejects), len(wantRejects)); i++ {
		if i >= len(rejects) || i >= len(wantRejects) || rejects[i] != wantRejects[i] {
			t.Fatalf("reject %d of %d (want %d):\n got %+v\nwant %+v", i, len(rejects), len(wantRejects), at(rejects, i), at(wantRejects, i))
		}
	}
}

// at is s[i], or the zero value past the end.
func at[T any](s []T, i int) T {
	var zero T
	if i < len(s) {
		return s[i]
	}
	return zero
}
