package survey

import (
	"context"
	"database/sql"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

func tempCSV(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "it's data.csv") // a quote in the path: read_csv's argument is quoted
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func memDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.15g, want %.15g", what, got, want)
	}
}

// TestSurveyByHand checks a design small enough to compute by hand: strata A and B, two PSUs
// each, one person a PSU.
//
//	A1 w=1 y=1 F;  A2 w=1 y=0 M;  B1 w=2 y=1 F;  B2 w=2 y=0 F
//
// Whole sample: W = 6, p = (1+2)/6 = 0.5; z = w(y-p)/W = 1/12, -1/12, 1/6, -1/6. Stratum A:
// z̄ = 0, Σ(z-z̄)² = 2/144, times n/(n-1) = 2: 1/36; stratum B: 2·(2/36) = 4/36; v = 5/36,
// se = √5/6. With fpc N_h = 4: (1 - 2/4) v = 5/72. deff: s² = n/(n-1) Σw(y-p)²/W =
// 4/3 · 1.5/6 = 1/3, v_srs = s² (W-n)/(W n) = 1/3 · 2/24 = 1/36, deff = 5. df = 4 PSUs - 2
// strata = 2, interval expit(0 ± t(.975, 2) se/(p(1-p))), t(.975, 2) = 4.302652729749464.
//
// Domain F (A1, B1, B2): W = 5, p = 0.6; z = 0.08, 0 (A2, outside the domain, still counts),
// 0.16, -0.24. Stratum A: z̄ = 0.04, Σ(z-z̄)² = 0.0032, ×2 = 0.0064; stratum B: z̄ = -0.04,
// Σ = 0.08, ×2 = 0.16; v = 0.1664.
func TestSurveyByHand(t *testing.T) {
	path := tempCSV(t, "h,psu,w,sex,y,N\nA,1,1,F,1,4\nA,2,1,M,no,4\nB,1,2,F,yes,4\nB,2,2,F,0,4\n")
	db := memDB(t)
	ctx := context.Background()
	d := Design{Weight: "w", Strata: "h", PSU: "psu", Nest: true}
	es, err := Run(ctx, db, Spec{Path: path, Design: d, Variables: []string{"y"}}, DefaultFlagRule)
	if err != nil {
		t.Fatal(err)
	}
	e := es[0]
	near(t, "estimate", e.Estimate, 0.5)
	near(t, "se", e.SE, math.Sqrt(5)/6)
	near(t, "deff", e.Deff, 5)
	h := 4.302652729749464 * math.Sqrt(5) / 6 / 0.25
	near(t, "ci_low", e.CILow, 1/(1+math.Exp(h)))
	near(t, "ci_high", e.CIHigh, 1/(1+math.Exp(-h)))
	if e.N != 4 || e.WeightedN != 6 || e.DF != 2 || e.Flag != "suppress" {
		t.Errorf("n %d, weighted_n %g, df %d, flag %q", e.N, e.WeightedN, e.DF, e.Flag)
	}
	d.FPC = "N"
	es, err = Run(ctx, db, Spec{Path: path, Design: d, Variables: []string{"y"}, By: []string{"sex"}}, DefaultFlagRule)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Domain[0] != "F" {
		t.Fatalf("domains: %+v", es)
	}
	near(t, "domain F estimate", es[0].Estimate, 0.6)
	near(t, "domain F se (fpc)", es[0].SE, math.Sqrt(0.5*0.1664))
	d.FPC = ""
	es, _ = Run(ctx, db, Spec{Path: path, Design: d, Variables: []string{"y"}, By: []string{"sex"}}, DefaultFlagRule)
	near(t, "domain F se", es[0].SE, math.Sqrt(0.1664))
}

// TestSurveyInputErrors checks that refused inputs name the file, the column and the reason.
func TestSurveyInputErrors(t *testing.T) {
	db := memDB(t)
	d := Design{Weight: "w", Strata: "h", PSU: "psu", Nest: true}
	for _, c := range []struct{ body, want string }{
		{"h,psu,w,y\nA,1,1,1\n", `column "sex": no such column`},
		{"h,psu,w,y,sex\nA,1,1,1,F\nA,2,x,1,F\n", `column "w": non-numeric weight "x" in data row 2`},
		{"h,psu,w,y,sex\nA,1,1,1,F\nA,2,-3,1,F\n", `column "w": weight -3 in data row 2 is not positive`},
		{"h,psu,w,y,sex\nA,1,1,1,F\nA,2,1,maybe,F\n", `column "y": value "maybe" in data row 2 is not an answer code (yes: 1, yes, true; no: 0, no, false; missing: empty)`},
		{"h,psu,w,y,sex\nA,1,1,1,F\nA,2,1,0,F\nB,1,1,0,F\n", `stratum "B" has only one PSU`},
	} {
		path := tempCSV(t, c.body)
		_, err := Run(context.Background(), db, Spec{Path: path, Design: d, Variables: []string{"y"}, By: []string{"sex"}}, DefaultFlagRule)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("error %v, want the file and %q", err, c.want)
		}
	}
	d.Nest = false
	path := tempCSV(t, "h,psu,w,y\nA,1,1,1\nA,2,1,0\nB,1,1,0\nB,2,1,0\n")
	if _, err := Run(context.Background(), db, Spec{Path: path, Design: d, Variables: []string{"y"}}, DefaultFlagRule); err == nil || !strings.Contains(err.Error(), "--nest") {
		t.Errorf("PSU ids across strata without nest: %v", err)
	}
	// The fpc: constant within strata, and not below the stratum's PSUs sampled.
	d = Design{Weight: "w", Strata: "h", PSU: "psu", Nest: true, FPC: "N"}
	for _, c := range []struct{ body, want string }{
		{"h,psu,w,y,N\nA,1,1,1,10\nA,2,1,0,12\n", `column "N": fpc is not constant within stratum "A"`},
		{"h,psu,w,y,N\nA,1,1,1,2\nA,2,1,0,2\nA,3,1,0,2\n", `column "N": population size below the number of PSUs sampled in stratum "A"`},
		{"h,psu,w,y,N\nA,1,1,1,0\nA,2,1,0,0\n", `column "N": fpc 0 in data row 1 is not positive`},
	} {
		path := tempCSV(t, c.body)
		if _, err := Run(context.Background(), db, Spec{Path: path, Design: d, Variables: []string{"y"}}, DefaultFlagRule); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// TestSurveyFlagRule checks the stated rule.
func TestSurveyFlagRule(t *testing.T) {
	r := DefaultFlagRule
	for _, c := range []struct {
		n    int64
		cv   float64
		want string
	}{{29, 0.01, "suppress"}, {30, 0.31, "suppress"}, {30, 0.2, "caution"}, {30, 0.15, ""}} {
		if got := r.Flag(c.n, c.cv); got != c.want {
			t.Errorf("Flag(%d, %g) = %q, want %q", c.n, c.cv, got, c.want)
		}
	}
}

// TestReplicateScales checks R's svrepdesign defaults for scale and rscales and the rank that
// gives degf.
func TestReplicateScales(t *testing.T) {
	cols := []string{"a", "b", "c", "d"}
	for _, c := range []struct {
		r     Replicates
		scale float64
	}{
		{Replicates{Columns: cols, Type: RepJK1}, 0.75}, {Replicates{Columns: cols, Type: RepBRR}, 0.25},
		{Replicates{Columns: cols, Type: RepFay, Rho: 0.5}, 1}, {Replicates{Columns: cols, Type: RepBootstrap}, 1.0 / 3},
		{Replicates{Columns: cols, Type: RepSDR}, 1}, {Replicates{Columns: cols, Type: RepJKn, RScales: []float64{0.5}}, 1},
	} {
		s, rs, err := c.r.scales()
		if err != nil {
			t.Fatal(err)
		}
		near(t, c.r.Type+" scale", s, c.scale)
		if len(rs) != 4 {
			t.Errorf("%s: %d rscales", c.r.Type, len(rs))
		}
	}
	for _, bad := range []Replicates{{Columns: cols, Type: RepJKn}, {Columns: cols, Type: RepFay}, {Columns: cols, Type: RepBRR, Scale: 2}, {Columns: cols, Type: "x"}} {
		if _, _, err := bad.scales(); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
	// columns (1,0,1), (0,1,1), (1,1,2): rank 2
	if r := gramRank([]float64{2, 1, 3, 2, 3, 6}, 3); r != 2 {
		t.Errorf("rank %d, want 2", r)
	}
	near(t, "repVar", repVar([]float64{1, 2, 3, math.NaN()}, 0.5, []float64{1, 1, 1, 1}, false, 0), 1)
	near(t, "repVar mse", repVar([]float64{1, 2, 3}, 0.5, []float64{1, 1, 1}, true, 0), 7)
}

// TestNoRespondents: a domain in which no one answered the variable is reported with n = 0, no
// estimate and the suppress flag, not left out; an empty file is refused.
func TestNoRespondents(t *testing.T) {
	path := tempCSV(t, "h,psu,w,sex,y\nA,1,1,F,\nA,2,1,M,1\nB,1,2,F,NA\nB,2,2,M,0\n")
	db := memDB(t)
	es, err := Run(context.Background(), db, Spec{Path: path, Design: Design{Weight: "w", Strata: "h", PSU: "psu", Nest: true},
		Variables: []string{"y"}, By: []string{"sex"}}, FlagRule{MinN: 1, SuppressCV: 10, CautionCV: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Domain[0] != "F" || es[0].N != 0 || !math.IsNaN(es[0].Estimate) || es[0].Flag != "suppress" ||
		es[1].Domain[0] != "M" || es[1].N != 2 || es[1].Estimate != 1.0/3 {
		t.Errorf("estimates %+v", es)
	}
	empty := tempCSV(t, "h,psu,w,sex,y\n")
	if _, err := Run(context.Background(), db, Spec{Path: empty, Design: Design{Weight: "w"}, Variables: []string{"y"}}, DefaultFlagRule); err == nil || !strings.Contains(err.Error(), "no data rows") {
		t.Errorf("empty file: %v", err)
	}
}
