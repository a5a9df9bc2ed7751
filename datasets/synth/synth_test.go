package synth

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func options() Options {
	return Options{
		Rows: 9_000, BadRate: 0.05, Seed: 9,
		Economies: []string{"KEN", "UGA", "TZA"},
		Indicators: []Indicator{
			{Code: "mobile_cellular_subs", UnitKind: "count"},
			{Code: "price_fixed_broadband_5gb_pct_gni", UnitKind: "pct_gni"},
			{Code: "internet_use_pct", UnitKind: "percent", Individual: true},
		},
	}
}

func TestWriteIsDeterministicAndCounts(t *testing.T) {
	var a, b bytes.Buffer
	st, err := Write(&a, options())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(&b, options()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same seed gave two different files")
	}
	r := csv.NewReader(bytes.NewReader(a.Bytes()))
	r.FieldsPerRecord = -1 // a bad row may carry a value with a comma
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if records[0][0] != "indicator" || int64(len(records)-1) != st.Rows || st.Rows != 9_000 {
		t.Fatalf("%d records after the header, stats say %d", len(records)-1, st.Rows)
	}
	var bad int64
	for _, class := range BadClasses {
		if st.Bad[class] == 0 {
			t.Errorf("no bad row of class %q", class)
		}
		bad += st.Bad[class]
	}
	if bad != st.Rejects || bad < 300 || bad > 700 {
		t.Errorf("%d bad rows, %d rejects expected; want about 5%% of 9,000", bad, st.Rejects)
	}
	// Good percentages stay within 0–100.
	for _, rec := range records[1:] {
		if len(rec) == 8 && rec[0] == "internet_use_pct" && rec[2] >= "1990" && strings.HasPrefix(rec[6], "-") {
			t.Fatalf("negative percentage: %v", rec)
		}
	}
}

func TestCapacity(t *testing.T) {
	opts := options()
	// 90 breakdowns for the individual indicator and one each for the others, 3 economies, 35 years.
	if got := Capacity(opts); got != (90+1+1)*3*35 {
		t.Errorf("capacity %d, want %d", got, (90+1+1)*3*35)
	}
	opts.Rows = Capacity(opts) + 1
	if _, err := Write(&bytes.Buffer{}, opts); err == nil {
		t.Error("more rows than series-years were accepted")
	}
}
