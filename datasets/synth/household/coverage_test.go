package household_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/ictstat/ictstat/datasets/synth/household"
	"github.com/ictstat/ictstat/indicators/survey"
)

// smallPopulation is the coverage test's population: 3 regions (6 strata) of 80 PSUs each, from
// which each sample takes 6 PSUs a stratum (a first-stage sampling fraction of 0.075).
func smallPopulation(seed uint64) household.Options {
	return household.Options{Regions: 3, PopulationPSUs: 480, Persons: 1200, PopulationSeed: 17, SampleSeed: seed}
}

type interval struct {
	est, lo, hi float64
}

// TestCoverage draws samples from one small population, estimates every variable overall and
// by sex with survey.Run (strata, PSUs, with and without fpc) and checks that the 95% intervals
// cover the population truth about 95% of the time and that the estimates are unbiased.
//
// To keep the test fast the samples are stacked in one file, each sample's strata and PSUs
// renamed apart, and estimated as domains (sample, or sample × sex) of that file. A domain made
// of whole strata has exactly its own design's estimate, variance and degrees of freedom (the
// other strata's PSUs contribute zero), and the test checks that for the first samples against
// survey.Run on their own files.
//
// Each design gives 9 intervals a sample (3 variables × all, female, male); over 500 samples,
// 4,500. Were they independent, the coverage rate's standard deviation at 0.95 would be
// √(0.95·0.05/4500) = 0.0032; intervals of one sample are correlated (the same PSUs), so the
// test computes the standard error with samples as clusters and logs it (about 0.006). The
// accepted range is [0.92, 0.975]: 0.95 ± 4 such SEs, with 1 more below for the estimator's
// known departures from nominal (logit interval; Student t on 30 df; a first-stage-only fpc,
// which leaves out the second-stage variance at a sampling fraction of 0.075: 0.936 with fpc and
// 0.945 without were measured on 1,000 samples). It fails for a wrong variance: SEs 15% too small
// or too large move coverage to about 0.91 or 0.98. The bias check allows 3 Monte Carlo SEs.
func TestCoverage(t *testing.T) {
	samples := 500
	if testing.Short() {
		samples = 150
	}
	truth, err := household.Truth(smallPopulation(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("population: %d persons, %d households, %d PSUs", truth.Persons, truth.Households, truth.PSUs)
	domains := []household.Domain{{}, {Column: "sex", Value: "female"}, {Column: "sex", Value: "male"}}
	dir := t.TempDir()
	ctx := context.Background()
	start := time.Now()
	for i := 0; i < samples; i++ {
		path := filepath.Join(dir, fmt.Sprintf("s%04d.parquet", i))
		if _, err := household.WriteFile(ctx, path, smallPopulation(uint64(1000+i))); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d samples written in %.1f s", samples, time.Since(start).Seconds())
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stacked := filepath.Join(dir, "stacked.parquet")
	glob := filepath.Join(dir, "s*.parquet")
	if _, err := db.Exec(`COPY (SELECT sample, * EXCLUDE (sample, filename) REPLACE (sample || '/' || stratum AS stratum, sample || '/' || CAST(psu AS VARCHAR) AS psu)
		FROM (SELECT regexp_extract(filename, 's(\d+)\.parquet$', 1) AS sample, * FROM read_parquet('` + glob + `', filename = true))) TO '` + stacked + `'`); err != nil {
		t.Fatal(err)
	}
	// results[design][sample][variable*3+domain]
	results := [2][][]interval{make([][]interval, samples), make([][]interval, samples)}
	designs := []survey.Design{{Weight: "weight", Strata: "stratum", PSU: "psu", FPC: "fpc"}, {Weight: "weight", Strata: "stratum", PSU: "psu"}}
	t.Logf("stacked in %.1f s", time.Since(start).Seconds())
	run := func(path string, d survey.Design, by []string) []survey.Estimate {
		t.Helper()
		es, err := survey.Run(ctx, db, survey.Spec{Path: path, Design: d, Variables: household.Variables, By: by}, survey.DefaultFlagRule)
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	put := func(row []interval, e survey.Estimate, sex string) {
		dom := map[string]int{"": 0, "female": 1, "male": 2}[sex]
		row[index(household.Variables, e.Variable)*3+dom] = interval{e.Estimate, e.CILow, e.CIHigh}
	}
	for k, d := range designs {
		for i := range results[k] {
			results[k][i] = make([]interval, 3*len(domains))
		}
		for _, e := range run(stacked, d, []string{"sample"}) {
			i, _ := strconv.Atoi(e.Domain[0])
			put(results[k][i], e, "")
		}
		for _, e := range run(stacked, d, []string{"sample", "sex"}) {
			i, _ := strconv.Atoi(e.Domain[0])
			put(results[k][i], e, e.Domain[1])
		}
		// The stacked domains are the samples' own estimates.
		for i := 0; i < 3; i++ {
			own := make([]interval, 3*len(domains))
			path := filepath.Join(dir, fmt.Sprintf("s%04d.parquet", i))
			for _, e := range run(path, d, nil) {
				put(own, e, "")
			}
			for _, e := range run(path, d, []string{"sex"}) {
				put(own, e, e.Domain[0])
			}
			for j, a := range own {
				b := results[k][i][j]
				if math.Abs(a.est-b.est) > 1e-9 || math.Abs(a.lo-b.lo) > 1e-9 || math.Abs(a.hi-b.hi) > 1e-9 {
					t.Fatalf("sample %d, interval %d: %+v on its own file, %+v as a domain of the stacked file", i, j, a, b)
				}
			}
		}
	}
	t.Logf("estimated in %.1f s", time.Since(start).Seconds())
	for k, name := range []string{"strata, PSUs, fpc", "strata, PSUs, no fpc"} {
		var covered, total int
		perSample := make([]float64, samples)
		for i, row := range results[k] {
			c := 0
			for v, variable := range household.Variables {
				for d, dom := range domains {
					iv := row[v*3+d]
					if math.IsNaN(iv.lo) || iv.hi == 0 {
						t.Fatalf("sample %d %s %v: no interval", i, variable, dom)
					}
					if p := truth.P[variable][dom]; iv.lo <= p && p <= iv.hi {
						c++
					}
				}
			}
			covered += c
			total += len(row)
			perSample[i] = float64(c) / float64(len(row))
		}
		rate := float64(covered) / float64(total)
		var ss float64
		for _, x := range perSample {
			ss += (x - rate) * (x - rate)
		}
		se := math.Sqrt(ss / float64(samples-1) / float64(samples))
		t.Logf("%s: coverage %.4f of %d intervals (cluster SE %.4f, SE if independent %.4f)", name, rate, total, se, math.Sqrt(rate*(1-rate)/float64(total)))
		lo, hi := 0.92, 0.975
		if testing.Short() {
			lo, hi = 0.90, 0.985
		}
		if rate < lo || rate > hi {
			t.Errorf("%s: coverage %.4f outside [%g, %g]", name, rate, lo, hi)
		}
	}
	// Bias: the estimates are the same with and without fpc.
	for v, variable := range household.Variables {
		for d, dom := range domains {
			var sum, ss float64
			for _, row := range results[0] {
				sum += row[v*3+d].est
			}
			mean := sum / float64(samples)
			for _, row := range results[0] {
				ss += (row[v*3+d].est - mean) * (row[v*3+d].est - mean)
			}
			mcse := math.Sqrt(ss / float64(samples-1) / float64(samples))
			p := truth.P[variable][dom]
			t.Logf("%s %v: truth %.4f, mean estimate %.4f (bias %+.4f, Monte Carlo SE %.4f)", variable, dom, p, mean, mean-p, mcse)
			if math.Abs(mean-p) > 3*mcse {
				t.Errorf("%s %v: mean estimate %.4f differs from the truth %.4f by more than 3 Monte Carlo SEs (%.4f)", variable, dom, mean, p, mcse)
			}
		}
	}
}

func index(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

// TestHouseholdDeterministic checks that the same options give the same bytes (CSV and
// Parquet), that another sample seed gives another sample of the same population (a person in
// both has the same sex, age and answers), and that the columns are the documented ones.
func TestHouseholdDeterministic(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	opts := household.Options{Persons: 5000, Regions: 4, Replicates: 3, PopulationSeed: 5, SampleSeed: 9}
	for _, ext := range []string{"csv", "parquet"} {
		a, b := filepath.Join(dir, "a."+ext), filepath.Join(dir, "b."+ext)
		sa, err := household.WriteFile(ctx, a, opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := household.WriteFile(ctx, b, opts); err != nil {
			t.Fatal(err)
		}
		x, _ := os.ReadFile(a)
		y, _ := os.ReadFile(b)
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s: the same options gave different files (%d and %d bytes)", ext, len(x), len(y))
		}
		if sa.Persons < 4000 || sa.Persons > 6000 || sa.Strata != 8 {
			t.Errorf("%s: %d persons in %d strata, want about 5000 in 8", ext, sa.Persons, sa.Strata)
		}
	}
	read := func(path string) (header []string, rows map[string][]string) {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		all, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		rows = map[string][]string{}
		for _, r := range all[1:] {
			rows[r[1]] = r
		}
		return all[0], rows
	}
	header, first := read(filepath.Join(dir, "a.csv"))
	want := []string{"hh_id", "person_id", "region", "area", "stratum", "psu", "fpc", "weight", "sex", "age", "age_group",
		"used_internet", "owns_mobile_phone", "copy_paste_skill", "rw1", "rw2", "rw3"}
	if fmt.Sprint(header) != fmt.Sprint(want) {
		t.Errorf("columns %v, want %v", header, want)
	}
	other := opts
	other.SampleSeed = 10
	c := filepath.Join(dir, "c.csv")
	if _, err := household.WriteFile(ctx, c, other); err != nil {
		t.Fatal(err)
	}
	_, second := read(c)
	common := 0
	for id, r := range second {
		if f, ok := first[id]; ok {
			common++
			for _, col := range []int{0, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13} {
				if f[col] != r[col] {
					t.Fatalf("person %s: %s is %q in one sample and %q in another", id, header[col], f[col], r[col])
				}
			}
		}
	}
	if common == 0 || common == len(second) {
		t.Errorf("%d of %d persons in both samples: want some but not all", common, len(second))
	}
}

// TestHouseholdReplicateWeights estimates from the Rao–Wu bootstrap weights with survey.Run and checks
// the SEs against the linearisation SEs without fpc (the bootstrap has none): within 25%, which
// allows the bootstrap's Monte Carlo error with 100 replicates (about 7%) and the omitted
// variability of the non-response adjustment.
func TestHouseholdReplicateWeights(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rep.parquet")
	if _, err := household.WriteFile(ctx, path, household.Options{Persons: 20000, Regions: 5, Replicates: 100, PopulationSeed: 3, SampleSeed: 4}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	spec := survey.Spec{Path: path, Design: survey.Design{Weight: "weight", Strata: "stratum", PSU: "psu"}, Variables: household.Variables, By: []string{"sex"}}
	lin, err := survey.Run(ctx, db, spec, survey.DefaultFlagRule)
	if err != nil {
		t.Fatal(err)
	}
	spec.Design = survey.Design{Weight: "weight"}
	spec.Replicates = &survey.Replicates{Columns: []string{"rw*"}, Type: survey.RepBootstrap}
	rep, err := survey.Run(ctx, db, spec, survey.DefaultFlagRule)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep) != len(lin) || len(lin) != 6 {
		t.Fatalf("%d replicate and %d linearisation estimates, want 6", len(rep), len(lin))
	}
	for i := range lin {
		a, b := lin[i], rep[i]
		if a.Variable != b.Variable || a.Domain[0] != b.Domain[0] || math.Abs(a.Estimate-b.Estimate) > 1e-12 {
			t.Errorf("%s %v: estimate %v (linearisation) and %s %v: %v (bootstrap)", a.Variable, a.Domain, a.Estimate, b.Variable, b.Domain, b.Estimate)
		}
		r := b.SE / a.SE
		t.Logf("%s %v: se %.5f linearisation, %.5f bootstrap (ratio %.3f), deff %.2f", a.Variable, a.Domain, a.SE, b.SE, r, a.Deff)
		if r < 0.75 || r > 1.25 {
			t.Errorf("%s %v: bootstrap se %.5f is not within 25%% of the linearisation se %.5f", a.Variable, a.Domain, b.SE, a.SE)
		}
		if a.Deff < 1.2 {
			t.Errorf("%s %v: design effect %.2f: the PSU effect should make it clearly above 1", a.Variable, a.Domain, a.Deff)
		}
	}
}
