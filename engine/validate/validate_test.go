package validate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/ingest"
)

// codeCase is a code written in one column of goodRow and the ID it must resolve to; no ID means
// the row is rejected for reason.
type codeCase struct {
	scheme, text string
	id           int32
	reason       string
}

func TestIndicatorCodes(t *testing.T) {
	for _, tc := range []codeCase{
		{"itu", "IT_NET_USER_ZS", 11, ""},
		{"itu", "it_net_user_zs", 11, ""},
		{"itu", "It_Cel_Sets_P2", 12, ""},
		{"itu", " IT_CEL_SETS ", 13, ""},
		{"itu", "i99h", 11, ""},       // the source scheme's alias, in any case
		{"itu", "I99H", 11, ""},       //
		{"itu", "SUBS_TOTAL", 13, ""}, // the only alias of that code, in another scheme
		{"wdi", "subs_total", 13, ""},
		{"itu", "MOB", 12, ""}, // ambiguous across schemes, but the source's scheme says 12
		{"sdg", "MOB", 13, ""},
		{"wdi", "MOB", 12, ""},
		{"sdg", "IT_CEL_SETS", 13, ""}, // a primary code wins over another indicator's alias
		{"sdg", "i99H", 11, ""},
		{"ddf", "MOB", 0, "unknown indicator"}, // ambiguous and the source's scheme has no MOB
		{"", "MOB", 0, "unknown indicator"},
		{"wdi", "GHOST", 0, "unknown indicator"}, // an alias of an indicator the list lacks
		{"itu", "NOPE", 0, "unknown indicator"},
		{"itu", "IT_NET_USER", 0, "unknown indicator"},
		{"itu", "", 0, "missing indicator"},
	} {
		t.Run(tc.scheme+"/"+tc.text, func(t *testing.T) {
			src := &ingest.Source{IndicatorScheme: tc.scheme, EconomyScheme: "iso3"}
			want := goodOut(lineOf(0))
			want.Indicator = tc.id
			expectOne(t, src, goodRow().with(ingest.ColIndicator, tc.text), ingest.ColIndicator, tc.reason, want)
		})
	}
}

func TestEconomyCodes(t *testing.T) {
	type geo struct{ economy, group int32 }
	for _, tc := range []struct {
		scheme, code string
		want         geo
		reason       string
	}{
		{"iso3", "AFG", geo{1, 0}, ""},
		{"iso3", "afg", geo{1, 0}, ""},
		{"iso3", " DZA ", geo{3, 0}, ""},
		{"iso3", "AF", geo{1, 0}, ""}, // iso2 alias
		{"m49", "4", geo{1, 0}, ""},
		{"m49", "004", geo{1, 0}, ""},
		{"iso3", "004", geo{1, 0}, ""},
		{"m49", "8", geo{2, 0}, ""},
		{"m49", "008", geo{2, 0}, ""},
		{"m49", "012", geo{3, 0}, ""}, // the store's alias is written with its leading zero
		{"m49", "12", geo{3, 0}, ""},
		{"iso3", "WLD", geo{0, 101}, ""},
		{"iso3", "wld", geo{0, 101}, ""},
		{"m49", "1", geo{0, 101}, ""},
		{"m49", "001", geo{0, 101}, ""},
		{"wb", "1W", geo{0, 101}, ""},
		{"iso3", "ARB", geo{0, 102}, ""},
		{"wb", "ALB", geo{2, 0}, ""}, // an economy before a group's alias, even in the group's scheme
		{"iso3", "XXX", geo{}, "unknown economy or group"},
		{"m49", "999", geo{}, "unknown economy or group"},
		{"m49", "0", geo{}, "unknown economy or group"},
		{"m49", "000", geo{}, "unknown economy or group"},
		{"iso3", "", geo{}, "missing economy"},
		{"iso3", "  ", geo{}, "missing economy"},
	} {
		t.Run(tc.scheme+"/"+tc.code, func(t *testing.T) {
			src := &ingest.Source{IndicatorScheme: "itu", EconomyScheme: tc.scheme}
			want := goodOut(lineOf(0))
			want.Economy, want.Group = tc.want.economy, tc.want.group
			expectOne(t, src, goodRow().with(ingest.ColEconomy, tc.code), ingest.ColEconomy, tc.reason, want)
		})
	}
}

func TestAggregates(t *testing.T) {
	for _, tc := range []struct {
		name, code, aggregate  string
		economy, group         int32
		newGroup, newGroupName string
		reason                 string
	}{
		{"new group", "OWID_AFR", "Africa (OWID)", 0, 0, "OWID_AFR", "Africa (OWID)", ""},
		{"new group trimmed", " OWID_EU27 ", " European Union (27) ", 0, 0, "OWID_EU27", "European Union (27)", ""},
		{"known group", "WLD", "World", 0, 101, null, null, ""},
		{"known economy", "AFG", "Afghanistan", 1, 0, null, null, ""},
		{"undeclared", "OWID_AFR", null, 0, 0, "", "", "unknown economy or group"},
		{"no code", null, "Africa", 0, 0, "", "", "missing economy"},
		{"blank code", "  ", "Africa", 0, 0, "", "", "missing economy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := goodRow().with(ingest.ColEconomy, tc.code).with(ingest.ColAggregate, tc.aggregate)
			want := goodOut(lineOf(0))
			want.Economy, want.Group, want.NewGroup, want.NewGroupName = tc.economy, tc.group, tc.newGroup, tc.newGroupName
			expectOne(t, longSource, r, ingest.ColEconomy, tc.reason, want)
		})
	}
}

// plainYear is the reason for a year written with a sign or leading zeros.
const plainYear = "year not written plainly as digits, e.g. 2024 (no sign or leading zeros)"

func TestYears(t *testing.T) {
	for _, tc := range []struct {
		text   string
		year   int16
		reason string
	}{
		{"2020", 2020, ""},
		{"1960", 1960, ""},
		{"2100", 2100, ""},
		{" 2005 ", 2005, ""},
		{"2024 ", 2024, ""},
		{"\t2024", 2024, ""},
		{"02024", 0, plainYear},
		{" 02024", 0, plainYear},
		{"+2024", 0, plainYear},
		{"TRUE", 0, "year is not a whole number"},
		{"2024-01-01", 0, "a date, not a year"},
		{"0", 0, "year outside 1960–2100"},
		{"1959", 0, "year outside 1960–2100"},
		{"2101", 0, "year outside 1960–2100"},
		{"-2000", 0, "year outside 1960–2100"},
		{"99999", 0, "year outside 1960–2100"},
		{"2005.0", 0, "year is not a whole number"},
		{"2005.5", 0, "year is not a whole number"},
		{"20O5", 0, "year is not a whole number"},
		{"2005-06", 0, "year is not a whole number"},
		{"", 0, "missing year"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			want := goodOut(lineOf(0))
			want.Year = tc.year
			expectOne(t, longSource, goodRow().with(ingest.ColYear, tc.text), ingest.ColYear, tc.reason, want)
		})
	}
}

func TestClosedCodeLists(t *testing.T) {
	for _, tc := range []struct {
		col    int
		text   string
		id     uint8
		reason string
	}{
		{ingest.ColSex, null, 0, ""},
		{ingest.ColSex, "total", 0, ""},
		{ingest.ColSex, "bothsex", 0, ""},
		{ingest.ColSex, "_T", 0, ""},
		{ingest.ColSex, "FEMALE", 1, ""},
		{ingest.ColSex, "f", 1, ""},
		{ingest.ColSex, " Women ", 1, ""},
		{ingest.ColSex, "male", 2, ""},
		{ingest.ColSex, "M", 2, ""},
		{ingest.ColSex, "x", 0, "unknown sex code"},
		{ingest.ColSex, "urban", 0, "unknown sex code"},
		{ingest.ColArea, null, 0, ""},
		{ingest.ColArea, "allarea", 0, ""},
		{ingest.ColArea, "National", 0, ""},
		{ingest.ColArea, "urban", 1, ""},
		{ingest.ColArea, "U", 1, ""},
		{ingest.ColArea, "rural areas", 2, ""},
		{ingest.ColArea, "suburban", 0, "unknown area code"},
		{ingest.ColArea, "female", 0, "unknown area code"},
		{ingest.ColFlag, null, 0, ""},
		{ingest.ColFlag, "A", 0, ""},
		{ingest.ColFlag, "c", 0, ""}, // SDG nature C: country data
		{ingest.ColFlag, "e", 1, ""},
		{ingest.ColFlag, "Estimated", 1, ""},
		{ingest.ColFlag, "modeled", 2, ""},
		{ingest.ColFlag, "G", 3, ""},
		{ingest.ColFlag, "ca", 4, ""},
		{ingest.ColFlag, "N", 5, ""},
		{ingest.ColFlag, "provisional", 6, ""},
		{ingest.ColFlag, "b", 7, ""},
		{ingest.ColFlag, "Forecast", 8, ""},
		{ingest.ColFlag, "zz", 0, "unknown flag code"},
		{ingest.ColFlag, "X", 0, "unknown flag code"},
	} {
		t.Run(ingest.ColumnNames[tc.col]+"/"+tc.text, func(t *testing.T) {
			want := goodOut(lineOf(0))
			*map[int]*uint8{ingest.ColSex: &want.Sex, ingest.ColArea: &want.Area, ingest.ColFlag: &want.Flag}[tc.col] = tc.id
			expectOne(t, longSource, goodRow().with(tc.col, tc.text), tc.col, tc.reason, want)
		})
	}
}

func TestUnits(t *testing.T) {
	for _, tc := range []struct {
		indicator, unit string
		id              int32
		reason          string
	}{
		{"IT_NET_USER_ZS", null, 11, ""},
		{"IT_NET_USER_ZS", "%", 11, ""},
		{"IT_NET_USER_ZS", "Percent", 11, ""},
		{"IT_NET_USER_ZS", "% of individuals", 11, ""},
		{"IT_NET_USER_ZS", "per_100_pop", 0, "unit does not match IT_NET_USER_ZS, which is in % of individuals"},
		{"IT_NET_USER_ZS", "% of GNI per capita", 0, "unit does not match IT_NET_USER_ZS, which is in % of individuals"},
		{"IT_CEL_SETS_P2", "per_100_pop", 12, ""},
		{"IT_CEL_SETS_P2", "Per 100 inhabitants", 12, ""},
		{"IT_CEL_SETS_P2", "%", 0, "unit does not match IT_CEL_SETS_P2, which is in per 100 inhabitants"},
		{"IT_CEL_SETS", "number", 13, ""},
		{"IT_CEL_SETS", "Subscriptions", 13, ""},
		{"IT_CEL_SETS", "per100", 0, "unit does not match IT_CEL_SETS, which is in subscriptions"},
		{"PRICE_USD", "US$", 14, ""},
		{"PRICE_USD", "ppp$", 0, "unit does not match PRICE_USD, which is in US dollars"},
		{"IT_NET_USER_ZS", "furlongs", 0, "unknown unit"},
		{"IT_CEL_SETS", "%%", 0, "unknown unit"},
	} {
		t.Run(tc.indicator+"/"+tc.unit, func(t *testing.T) {
			want := goodOut(lineOf(0))
			want.Indicator = tc.id
			r := goodRow().with(ingest.ColIndicator, tc.indicator).with(ingest.ColUnit, tc.unit)
			expectOne(t, longSource, r, ingest.ColUnit, tc.reason, want)
		})
	}
}

func TestAges(t *testing.T) {
	for _, tc := range []struct{ text, want, reason string }{
		{null, AgeTotal, ""},
		{"allage", AgeTotal, ""},
		{"15_24", "15-24", ""},
		{"Y15T24", "15-24", ""},
		{"Y_GE65", "65+", ""},
		{"lt15y", "<15", ""},
		{"24-15", "", "unknown age group (write 15-24, 15+ or <15)"},
		{"abc", "", "unknown age group (write 15-24, 15+ or <15)"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			want := goodOut(lineOf(0))
			want.Age = tc.want
			expectOne(t, longSource, goodRow().with(ingest.ColAge, tc.text), ingest.ColAge, tc.reason, want)
		})
	}
}

func TestValues(t *testing.T) {
	const (
		pct, per100, count, usd = "IT_NET_USER_ZS", "IT_CEL_SETS_P2", "IT_CEL_SETS", "PRICE_USD"
		outside                 = "percentage outside 0–100"
		tiny                    = "number too close to 0 to be stored: below 2.2e-308 it reads as 0 or loses digits"
	)
	ids := map[string]int32{pct: 11, per100: 12, count: 13, usd: 14}
	for _, tc := range []struct {
		indicator, text string
		want            float64
		reason          string
	}{
		{pct, "17.6", 17.6, ""},
		{pct, " 42 ", 42, ""},
		{pct, "\t0.5\t", 0.5, ""},
		{pct, "1e+001", 10, ""},
		{pct, "2.5E1", 25, ""},
		{pct, ".5", 0.5, ""},
		{pct, "0", 0, ""},
		{pct, "100", 100, ""},
		{pct, "100.0001", 0, outside},
		{pct, "-0.1", 0, outside},
		{pct, "150", 0, outside},
		{pct, "", 0, "missing value"},
		{pct, "   ", 0, "missing value"},
		{pct, null, 0, "missing value"},
		{pct, "..", 0, "missing value (..)"},
		{pct, " .. ", 0, "missing value (..)"},
		{pct, "n/a", 0, "missing value (n/a)"},
		{pct, "NA", 0, "missing value (NA)"},
		{pct, "-", 0, "missing value (-)"},
		{pct, "NaN", 0, "missing value (NaN)"},
		{pct, "NAN", 0, "missing value (NAN)"},
		{pct, "na", 0, "missing value (na)"},
		{pct, "0x1p3", 0, "not a number"},
		{pct, "1_0", 0, "not a number"},
		{pct, "infinity", 0, "not a number"},
		{pct, ".5", 0.5, ""},
		{pct, "5.", 5, ""},
		{pct, "+5", 5, ""},
		{pct, "1e", 0, "not a number"},
		{pct, ".", 0, "not a number"},
		{pct, "abc", 0, "not a number"},
		{pct, "Inf", 0, "not a number"},
		{pct, "-Inf", 0, "not a number"},
		{pct, "1e400", 0, "not a number"},
		{pct, "-0", 0, "negative zero; write 0"},
		{pct, "-0.00", 0, "negative zero; write 0"},
		{pct, " -0e5 ", 0, "negative zero; write 0"},
		{pct, "0.00", 0, ""},
		{pct, "+0", 0, ""},
		{pct, "1e-400", 0, tiny},
		{pct, "-1e-400", 0, tiny},
		{pct, "1E-999", 0, tiny},
		{pct, "4e-320", 0, tiny}, // subnormal: fewer digits than written
		{pct, "2.3e-308", 2.3e-308, ""},
		{count, "0e-400", 0, ""},
		{pct, "12,5", 0, "not a number"},
		{pct, "12%", 0, "not a number"},
		{per100, "135.2", 135.2, ""},
		{per100, "1e+003", 1000, ""},
		{per100, "-0.5", 0, "negative value for per 100 inhabitants"},
		{count, "1e+006", 1e6, ""}, // as ITU exports write a million
		{count, "123456789012", 123456789012, ""},
		{count, "0", 0, ""},
		{count, "-3", 0, "negative count"},
		{usd, "0.01", 0.01, ""},
		{usd, "1000", 1000, ""},
		{usd, "0.001", 0, "below the minimum 0.01 for PRICE_USD"},
		{usd, "1000.5", 0, "above the maximum 1000 for PRICE_USD"},
	} {
		t.Run(tc.indicator+"/"+tc.text, func(t *testing.T) {
			want := goodOut(lineOf(0))
			want.Indicator, want.Value = ids[tc.indicator], tc.want
			r := goodRow().with(ingest.ColIndicator, tc.indicator).with(ingest.ColValue, tc.text)
			expectOne(t, longSource, r, ingest.ColValue, tc.reason, want)
		})
	}
}

// TestFirstProblemWins starts from a row wrong in every column and mends, one at a time, the
// column each reject names: the rejects must come in the rule order, then the row passes.
func TestFirstProblemWins(t *testing.T) {
	r := goodRow().with(ingest.ColIndicator, "NOPE").with(ingest.ColEconomy, "XXX").with(ingest.ColYear, "19x").
		with(ingest.ColSex, "x").with(ingest.ColArea, "x").with(ingest.ColFlag, "zz").with(ingest.ColUnit, "furlongs").
		with(ingest.ColAge, "abc").with(ingest.ColValue, "abc")
	steps := []struct {
		col          int
		reason, mend string
	}{
		{ingest.ColIndicator, "unknown indicator", "IT_NET_USER_ZS"},
		{ingest.ColEconomy, "unknown economy or group", "AFG"},
		{ingest.ColYear, "year is not a whole number", "2020"},
		{ingest.ColSex, "unknown sex code", "f"},
		{ingest.ColArea, "unknown area code", "u"},
		{ingest.ColFlag, "unknown flag code", "e"},
		{ingest.ColUnit, "unknown unit", "number"},
		{ingest.ColAge, "unknown age group (write 15-24, 15+ or <15)", "15+"},
		{ingest.ColUnit, "unit does not match IT_NET_USER_ZS, which is in % of individuals", "%"},
		{ingest.ColValue, "not a number", "55.5"},
	}
	for _, s := range steps {
		expectOne(t, longSource, r, s.col, s.reason, outRow{})
		r[s.col] = s.mend
	}
	want := goodOut(lineOf(0))
	want.Sex, want.Area, want.Flag, want.Age, want.Value = 1, 1, 1, "15+", 55.5
	expect(t, longSource, []rawRow{r}, []outRow{want}, nil)
}

// TestRejectsInRowOrder puts the problems of later rows in columns checked earlier.
func TestRejectsInRowOrder(t *testing.T) {
	var rows []rawRow
	var want []outRow
	var rejects []ingest.Reject
	for i, bad := range []struct {
		col    int
		reason string
	}{
		{ingest.ColValue, "not a number"},
		{ingest.ColAge, "unknown age group (write 15-24, 15+ or <15)"},
		{ingest.ColUnit, "unknown unit"},
		{ingest.ColFlag, "unknown flag code"},
		{ingest.ColYear, "year is not a whole number"},
		{ingest.ColEconomy, "unknown economy or group"},
		{ingest.ColIndicator, "unknown indicator"},
	} {
		rows = append(rows, goodRow().with(bad.col, "?"), goodRow())
		rejects = append(rejects, ingest.Reject{Line: int64(lineOf(2 * i)), Column: ingest.ColumnNames[bad.col], Value: "?", Reason: bad.reason})
		want = append(want, goodOut(lineOf(2*i+1)))
	}
	expect(t, longSource, rows, want, rejects)
}

func TestRejectColumnNames(t *testing.T) {
	var names [len(ingest.ColumnNames)]string
	names[ingest.ColIndicator], names[ingest.ColEconomy], names[ingest.ColYear] = "Series Code", "Country Code", "Time"
	named := &ingest.Source{IndicatorScheme: "itu", EconomyScheme: "iso3", Names: names}
	names[ingest.ColYear], names[ingest.ColValue] = "year column header", ingest.NamedByYear
	wide := &ingest.Source{IndicatorScheme: "itu", EconomyScheme: "iso3", Names: names}
	for _, tc := range []struct {
		name   string
		src    *ingest.Source
		row    rawRow
		column string
	}{
		{"header", named, goodRow().with(ingest.ColEconomy, "XXX"), "Country Code"},
		{"header of year", named, goodRow().with(ingest.ColYear, "1901"), "Time"},
		{"no header", named, goodRow().with(ingest.ColSex, "x"), "sex"},
		{"no header for value", named, goodRow().with(ingest.ColValue, "x"), "value"},
		{"value named by year", wide, goodRow().with(ingest.ColYear, "2005").with(ingest.ColValue, "x"), "2005"},
		{"year of a wide file", wide, goodRow().with(ingest.ColYear, "1901"), "year column header"},
		{"indicator of a wide file", wide, goodRow().with(ingest.ColIndicator, "x"), "Series Code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, rejects := check(t, testRef, tc.src, []rawRow{tc.row})
			if len(rejects) != 1 || rejects[0].Column != tc.column {
				t.Errorf("rejects %+v, want one naming column %q", rejects, tc.column)
			}
		})
	}
}

// TestGoodRowColumns follows rows through every column, with a rejected row among them.
func TestGoodRowColumns(t *testing.T) {
	var full rawRow
	for col, text := range map[int]string{
		ingest.ColIndicator: "it_cel_sets_p2", ingest.ColEconomy: "004", ingest.ColYear: "2019", ingest.ColSex: "FEMALE",
		ingest.ColArea: "Urban", ingest.ColAge: "Y15T24", ingest.ColValue: " 1.2e+02 ", ingest.ColUnit: "per_100_pop",
		ingest.ColFlag: "e", ingest.ColSource: "  ITU  ", ingest.ColNote: " est. ",
	} {
		full[col] = text
	}
	var world, region, price rawRow
	for col, texts := range map[int][3]string{
		ingest.ColIndicator: {"SUBS_TOTAL", "IT_NET_USER_ZS", "PRICE_USD"},
		ingest.ColEconomy:   {"WLD", "OWID_AFR", "ALB"},
		ingest.ColAggregate: {"", " Africa ", "Albania"},
		ingest.ColYear:      {"2000", "2024", "1960"},
		ingest.ColSex:       {"bothsex", "m", ""},
		ingest.ColArea:      {"allarea", "r", ""},
		ingest.ColAge:       {"", "lt15y", "allage"},
		ingest.ColValue:     {"1e+006", "55", "12.50"},
		ingest.ColUnit:      {"number", "%", "US$"},
		ingest.ColFlag:      {"c", "forecast", ""},
		ingest.ColSource:    {null, "OWID", "ITU"},
		ingest.ColNote:      {"   ", null, ""},
	} {
		world[col], region[col], price[col] = texts[0], texts[1], texts[2]
	}
	rows := []rawRow{full, goodRow().with(ingest.ColIndicator, "NOPE"), world, region, price}
	want := []outRow{
		{Line: lineOf(0), Indicator: 12, Economy: 1, NewGroup: null, NewGroupName: null, Sex: 1, Area: 1, Age: "15-24",
			Year: 2019, Value: 120, Flag: 1, Source: "ITU", Note: "est."},
		{Line: lineOf(2), Indicator: 13, Group: 101, NewGroup: null, NewGroupName: null, Age: AgeTotal,
			Year: 2000, Value: 1e6, Source: null, Note: null},
		{Line: lineOf(3), Indicator: 11, NewGroup: "OWID_AFR", NewGroupName: "Africa", Sex: 2, Area: 2, Age: "<15",
			Year: 2024, Value: 55, Flag: 8, Source: "OWID", Note: null},
		{Line: lineOf(4), Indicator: 14, Economy: 2, NewGroup: null, NewGroupName: null, Age: AgeTotal,
			Year: 1960, Value: 12.5, Source: "ITU", Note: null},
	}
	expect(t, longSource, rows, want, []ingest.Reject{{Line: int64(lineOf(1)), Column: "indicator", Value: "NOPE", Reason: "unknown indicator"}})
}

// TestCheckReleasesEverything runs batches of every shape through check, which fails unless the
// checked allocator is back to zero once the raw batch and the result are released.
func TestCheckReleasesEverything(t *testing.T) {
	mixed := []rawRow{
		goodRow(),
		goodRow().with(ingest.ColEconomy, "OWID_AFR").with(ingest.ColAggregate, "Africa"),
		goodRow().with(ingest.ColSource, "ITU").with(ingest.ColNote, "n").with(ingest.ColAge, "15+"),
		goodRow().with(ingest.ColValue, "abc"),
		goodRow().with(ingest.ColEconomy, null),
	}
	for name, tc := range map[string]struct {
		rows       []rawRow
		good, rejs int
	}{
		"empty":        {nil, 0, 0},
		"all rejected": {[]rawRow{goodRow().with(ingest.ColYear, "1"), goodRow().with(ingest.ColIndicator, "x")}, 0, 2},
		"all good":     {[]rawRow{goodRow(), goodRow().with(ingest.ColYear, "2021")}, 2, 0},
		"mixed":        {mixed, 3, 2},
	} {
		t.Run(name, func(t *testing.T) {
			got, rejects := check(t, testRef, longSource, tc.rows)
			if len(got) != tc.good || len(rejects) != tc.rejs {
				t.Errorf("%d good rows and %d rejects, want %d and %d", len(got), len(rejects), tc.good, tc.rejs)
			}
		})
	}
}

// TestLongFieldsAreRejectedAndCut checks that a field longer than ingest.MaxFieldBytes rejects its
// row whatever the column, before any other rule, and that rejects quote at most 200 bytes of a
// value, saying how long it was.
func TestLongFieldsAreRejectedAndCut(t *testing.T) {
	long := strings.Repeat("n", ingest.MaxFieldBytes+1)
	longNumber := strings.Repeat("9", ingest.MaxFieldBytes+1)
	atMost := strings.Repeat("n", ingest.MaxFieldBytes)
	tooLong := fmt.Sprintf("field of %d bytes, longer than the 65536 a field may hold", ingest.MaxFieldBytes+1)
	cut := func(s string) string { return s[:200] + fmt.Sprintf("… (%d bytes)", len(s)) }
	rows := []rawRow{
		goodRow().with(ingest.ColNote, long),
		goodRow().with(ingest.ColSource, long).with(ingest.ColIndicator, "NOPE"), // the length wins
		goodRow().with(ingest.ColValue, longNumber),
		goodRow().with(ingest.ColValue, "1"+strings.Repeat("0", 300)), // not too long, but quoted cut
		goodRow().with(ingest.ColNote, atMost),
	}
	want := goodOut(lineOf(4))
	want.Note = atMost
	expect(t, longSource, rows, []outRow{want}, []ingest.Reject{
		{Line: int64(lineOf(0)), Column: "note", Value: cut(long), Reason: tooLong},
		{Line: int64(lineOf(1)), Column: "source", Value: cut(long), Reason: tooLong},
		{Line: int64(lineOf(2)), Column: "value", Value: cut(longNumber), Reason: tooLong},
		{Line: int64(lineOf(3)), Column: "value", Value: cut("1" + strings.Repeat("0", 300)), Reason: "percentage outside 0–100"},
	})
}
