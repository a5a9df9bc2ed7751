package survey

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestDesignFileExample reads testdata/design-example.yaml field by field.
func TestDesignFileExample(t *testing.T) {
	f, err := ReadDesignFile(filepath.Join("testdata", "design-example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := DesignFile{
		Design: Design{Weight: "weight", Strata: "stratum", PSU: "psu", Nest: true, FPC: "fpc", Lonely: LonelyFail},
		Variables: []Variable{
			{Column: "used_internet", Indicator: "internet_use_pct", Codes: Codes{Yes: []string{"1", "yes"}, No: []string{"0", "no"}, Missing: []string{"8", "9", "dk"}}},
			{Column: "owns_mobile_phone", Indicator: "mobile_phone_ownership_pct"},
		},
		By: []Domain{
			{Column: "sex", Dimension: "sex", Codes: map[string]string{"female": "female", "male": "male", "1": "male", "2": "female"}},
			{Column: "area", Dimension: "area"},
			{Column: "age_group", Dimension: "age", Codes: map[string]string{"15-24": "Y15T24", "25-74": "Y25T74", "75+": "Y_GE75"}},
		},
		FlagRule: &FlagRule{MinN: 30, SuppressCV: 0.3, CautionCV: 0.15},
		Interval: IntervalLogit,
		Economy:  "KEN",
		Year:     2025,
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("got  %+v\nwant %+v", f, want)
	}
	s := f.Spec("hh.csv")
	if s.Path != "hh.csv" || s.Design != want.Design || !reflect.DeepEqual(s.Variables, []string{"used_internet", "owns_mobile_phone"}) ||
		!reflect.DeepEqual(s.By, []string{"sex", "area", "age_group"}) || len(s.Codes) != 1 || s.Codes["used_internet"].Missing[2] != "dk" ||
		s.Interval != IntervalLogit || s.Replicates != nil {
		t.Errorf("Spec: %+v", s)
	}
}

// TestDesignFileErrors checks that refused design files name the file, the line and the key.
func TestDesignFileErrors(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"design:\n  wieght: w\n", `:2: design.wieght: unknown key (did you mean "weight"?)`},
		{"yaer: 2025\n", `:1: yaer: unknown key (did you mean "year"?)`},
		{"year: twenty\n", `:1: year: want a year such as 2025, not "twenty"`},
		{"design:\n  weight: w\n  nest: maybe\n", `:3: design.nest: want true or false, not "maybe"`},
		{"design:\n  weight: [a, b]\n", `:2: design.weight: want a single value`},
		{"design:\n  weight: w\n  lonely_psu: drop\n", `:3: design.lonely_psu: "drop": want fail, remove, certainty`},
		{"design: {weight: w, strata: s}\nreplicates: {columns: [\"rw*\"], type: bootstrap}\n", `:2: replicates: replicate weights carry the design`},
		{"replicates: {columns: [\"rw*\"], type: jackknife}\n", `:1: replicates.type: "jackknife": want jk1`},
		{"by:\n  region:\n    dimension: region\n", `:3: by.region.dimension: unknown dimension "region": want sex, area, age`},
		{"variables:\n  x:\n    yes: [1]\n    no: [1.0]\n", `:3: variables.x: variable "x": answer code "1.0" is in yes and no`},
		{"variables:\n  x:\n    yes: {a: b}\n", `:3: variables.x.yes: want a list of values, not a mapping`},
		{"variables:\n  x:\n    indicator: a\n    indicator: b\n", `:4: variables.x.indicator: given twice`},
		{"interval: wald\n", `:1: interval "wald": want logit or korn-graubard`},
		{"flag_rule: {min_n: -1}\n", `:1: flag_rule.min_n: want a whole number ≥ 0`},
		{"variables: [a, b]\n", `:1: variables: want a mapping`},
	} {
		path := filepath.Join(t.TempDir(), "design.yaml")
		if err := os.WriteFile(path, []byte(c.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadDesignFile(path)
		if err == nil || !strings.Contains(err.Error(), path+c.want) {
			t.Errorf("%q: error %v, want %q", c.body, err, path+c.want)
		}
	}
	// replicates: the Spec carries them; interval alias beta
	path := filepath.Join(t.TempDir(), "design.yaml")
	os.WriteFile(path, []byte("design: {weight: w}\nreplicates: {columns: [\"rw*\"], type: fay, rho: 0.5, mse: true}\ninterval: beta\nvariables: {y: }\n"), 0o644)
	f, err := ReadDesignFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Spec("x.csv"); s.Replicates == nil || s.Replicates.Type != RepFay || s.Replicates.Rho != 0.5 || !s.Replicates.MSE ||
		s.Interval != IntervalKornGraubard || len(s.Variables) != 1 || f.FlagRule != nil || f.Year != 0 {
		t.Errorf("replicates file: %+v, spec %+v", f, s)
	}
}

// TestCodesEstimate checks answer codes: "1.0" and " Yes " count yes, 8 and DK are left out
// (not counted no), and any other value is refused with the row, the value and the codes.
func TestCodesEstimate(t *testing.T) {
	db := memDB(t)
	path := tempCSV(t, "w,y\n1,1.0\n1, Yes \n1,0\n1,NO\n1,8\n1,DK\n1,\n1,1\n")
	s := Spec{Path: path, Design: Design{Weight: "w"}, Variables: []string{"y"},
		Codes: map[string]Codes{"y": {Yes: []string{"1", "yes"}, No: []string{"0", "no"}, Missing: []string{"8", "9", "dk"}}}}
	es, err := Run(context.Background(), db, s, DefaultFlagRule)
	if err != nil {
		t.Fatal(err)
	}
	if es[0].N != 5 || es[0].Estimate != 0.6 {
		t.Errorf("n %d, estimate %g: want 5 answers, 3 yes", es[0].N, es[0].Estimate)
	}
	bad := tempCSV(t, "w,y\n1,1\n1,7\n")
	s.Path = bad
	_, err = Run(context.Background(), db, s, DefaultFlagRule)
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), bad+`: column "y": value "7" in data row 2 is not an answer code (yes: 1, yes; no: 0, no; missing: 8, 9, dk, empty)`) {
		t.Errorf("unknown code: %v", err)
	}
	// without codes, 8 is refused and "true" counts yes
	s = Spec{Path: tempCSV(t, "w,y\n1,true\n1,false\n1,1.0\n1,NA\n"), Design: Design{Weight: "w"}, Variables: []string{"y"}}
	if es, err := Run(context.Background(), db, s, DefaultFlagRule); err != nil || es[0].N != 3 || math.Abs(es[0].Estimate-2.0/3) > 1e-15 {
		t.Errorf("default codes: %v %+v", err, es)
	}
	s.Codes = map[string]Codes{"y": {Yes: []string{"1"}, No: []string{"01"}}}
	if _, err := Run(context.Background(), db, s, DefaultFlagRule); err == nil || !strings.Contains(err.Error(), "is in yes and no") {
		t.Errorf("overlapping codes: %v", err)
	}
}

// TestKornGraubardEdges checks the interval at p = 0 and p = 1 (one-sided, with n* = n times
// the df factor) and without degrees of freedom.
func TestKornGraubardEdges(t *testing.T) {
	q := func(nu float64) float64 { return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(0.025) }
	ne := 40 * math.Pow(q(59)/q(10), 2)
	lo, hi := KornGraubard(0, 0, 40, 60, 10)
	near(t, "p=0 low", lo, 0)
	near(t, "p=0 high", hi, 1-math.Pow(0.025, 1/ne)) // qbeta(0.975, 1, n*)
	lo, hi = KornGraubard(1, 0, 40, 60, 10)
	near(t, "p=1 low", lo, math.Pow(0.025, 1/ne)) // qbeta(0.025, n*, 1)
	near(t, "p=1 high", hi, 1)
	if lo, hi := KornGraubard(0.3, 0.01, 40, 60, 0); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("df 0: %g, %g", lo, hi)
	}
	// p = 0 in a domain through Run: the logit interval is empty, Korn-Graubard one-sided
	db := memDB(t)
	path := tempCSV(t, "h,psu,w,sex,y\nA,1,1,F,0\nA,2,1,M,1\nB,1,2,F,0\nB,2,2,F,0\nA,1,1,M,0\n")
	s := Spec{Path: path, Design: Design{Weight: "w", Strata: "h", PSU: "psu", Nest: true}, Variables: []string{"y"}, By: []string{"sex"}, Interval: "beta"}
	es, err := Run(context.Background(), db, s, DefaultFlagRule)
	if err != nil {
		t.Fatal(err)
	}
	if f := es[0]; f.Domain[0] != "F" || f.Estimate != 0 || f.CILow != 0 || !(f.CIHigh > 0 && f.CIHigh < 1) {
		t.Errorf("p = 0, Korn-Graubard: %+v", f)
	}
}

// TestCodesReplicate checks that answer codes apply to replicate designs: coded answers give
// the estimates of the same answers written 0/1.
func TestCodesReplicate(t *testing.T) {
	db := memDB(t)
	coded := tempCSV(t, "w,r1,r2,r3,y\n1,2,0,1,Sí\n2,0,4,2,nein\n1,1,1,0,98\n3,6,0,3,SÍ\n2,2,2,0, nein\n")
	plain := tempCSV(t, "w,r1,r2,r3,y\n1,2,0,1,1\n2,0,4,2,0\n1,1,1,0,\n3,6,0,3,1\n2,2,2,0,0\n")
	rep := &Replicates{Columns: []string{"r*"}, Type: RepJK1}
	a, err := Run(context.Background(), db, Spec{Path: coded, Design: Design{Weight: "w"}, Variables: []string{"y"}, Replicates: rep,
		Codes: map[string]Codes{"y": {Yes: []string{"sí"}, No: []string{"nein"}, Missing: []string{"98"}}}, Interval: "korn-graubard"}, DefaultFlagRule)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), db, Spec{Path: plain, Design: Design{Weight: "w"}, Variables: []string{"y"}, Replicates: rep, Interval: "korn-graubard"}, DefaultFlagRule)
	if err != nil {
		t.Fatal(err)
	}
	if a[0].N != 4 || a[0].Estimate != b[0].Estimate || a[0].SE != b[0].SE || a[0].CILow != b[0].CILow || a[0].SE == 0 {
		t.Errorf("coded %+v, plain %+v", a[0], b[0])
	}
}
