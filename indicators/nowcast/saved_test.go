package nowcast

import (
	"bytes"
	"fmt"
	"testing"
)

// A model kept and taken again nowcasts as the one fitted; the digests change with any input.
func TestSavedModels(t *testing.T) {
	series, _ := synthetic(60, 0.05, 3)
	m := Fit(series, Options{})
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Model
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if again, _ := back.MarshalBinary(); !bytes.Equal(again, b) {
		t.Error("the same model encoded in other bytes")
	}
	if fmt.Sprintf("%+v", back) != fmt.Sprintf("%+v", m) {
		t.Fatalf("the model taken again differs:\n%+v\n%+v", back, m)
	}
	for _, s := range series[:5] {
		want, ok1 := m.Nowcast(s.Economy, 2027)
		got, ok2 := back.Nowcast(s.Economy, 2027)
		if ok1 != ok2 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s 2027: %v %v, want %v %v", s.Economy, got, ok2, want, ok1)
		}
	}
	if err := back.UnmarshalBinary(b[:len(b)/2]); err == nil {
		t.Error("half a model decoded")
	}

	// The breakdown: women's series, a few points below the total.
	var women []Series
	for _, s := range series {
		w := Series{Economy: s.Economy, Group: s.Group}
		for i, y := range s.Years {
			if y%3 == 0 {
				w.Years, w.Values = append(w.Years, y), append(w.Values, s.Values[i]*0.9)
			}
		}
		women = append(women, w)
	}
	totals := PrepareTotals(series, Options{})
	bm := totals.FitBreakdown(women)
	b, err = bm.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var bback BreakdownModel
	if err := bback.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v", bback) != fmt.Sprintf("%+v", bm) || bm.Residuals == 0 {
		t.Fatalf("the breakdown model taken again differs:\n%+v\n%+v", bback, bm)
	}

	d := Digest(series, Options{})
	if !bytes.Equal(d, Digest(series, Options{Scale: Logit})) {
		t.Error("the default options digest differently from the same options given")
	}
	changed := cutSeries(series, 2030)
	changed[7].Values[0] += 1e-9
	if bytes.Equal(d, Digest(changed, Options{})) {
		t.Error("a changed value leaves the digest as it was")
	}
	if bytes.Equal(d, Digest(series, Options{Scale: Log})) {
		t.Error("another scale leaves the digest as it was")
	}
	// A total changed in a year the breakdown does not report leaves its model as it was; in a
	// year it reports, not.
	bd := totals.Digest(women)
	s7 := changed[7]
	s7.Values[0] -= 1e-9
	for i, y := range s7.Years {
		if y%3 != 0 {
			s7.Values[i] += 0.01
			break
		}
	}
	if !bytes.Equal(bd, PrepareTotals(changed, Options{}).Digest(women)) {
		t.Error("a total changed outside the breakdown's years changes its digest")
	}
	for i, y := range s7.Years {
		if y%3 == 0 {
			s7.Values[i] += 0.01
			break
		}
	}
	if bytes.Equal(bd, PrepareTotals(changed, Options{}).Digest(women)) {
		t.Error("a total changed in a year of the breakdown leaves its digest as it was")
	}
}
