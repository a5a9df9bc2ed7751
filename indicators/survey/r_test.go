package survey

import (
	"context"
	"database/sql"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// rAvailable reports whether Rscript with the survey package runs; when it does not the R
// tests skip, unless ICTSTAT_R_TESTS=required.
func rAvailable(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("Rscript"); err == nil {
		if exec.Command("Rscript", "-e", "library(survey)").Run() == nil {
			return
		}
	}
	if os.Getenv("ICTSTAT_R_TESTS") == "required" {
		t.Fatal("Rscript with the survey package is required (ICTSTAT_R_TESTS=required) but not found")
	}
	t.Skip("Rscript or R's survey package not installed")
}

// writeMicrodata writes generated microdata: strata with 2-5 PSUs numbered 1.. within each
// stratum (nested), 4-14 persons a PSU, weights, sex, area, x1 (0/1) and x2 (yes/no) with
// missing values, and N, the stratum's number of PSUs in the population. With lonely, the last
// stratum has one PSU.
func writeMicrodata(t *testing.T, path string, seed uint64, lonely bool) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write([]string{"stratum", "psu", "w", "sex", "area", "x1", "x2", "N", "frac"})
	const strata = 7
	for h := 1; h <= strata; h++ {
		npsu := 2 + r.IntN(4)
		if lonely && h == strata {
			npsu = 1
		}
		N := npsu * (3 + r.IntN(10))
		var rows [][]string
		for i := 1; i <= npsu; i++ {
			pw := 50 + 200*r.Float64()
			area := "urban"
			if r.Float64() < 0.5 {
				area = "rural"
			}
			for k := 0; k < 4+r.IntN(11); k++ {
				sex := "F"
				if r.Float64() < 0.48 {
					sex = "M"
				}
				x1, x2 := "0", "no"
				if r.Float64() < 0.3+0.05*float64(h)+0.1*float64(i%2) {
					x1 = "1"
				}
				if r.Float64() < 0.6-0.04*float64(h) {
					x2 = "yes"
				}
				if r.Float64() < 0.08 {
					x1 = ""
				}
				if r.Float64() < 0.05 {
					x2 = "NA"
				}
				rows = append(rows, []string{"s" + strconv.Itoa(h), strconv.Itoa(i), strconv.FormatFloat(pw*(0.8+0.4*r.Float64()), 'f', 6, 64), sex, area, x1, x2, strconv.Itoa(N)})
			}
		}
		// frac: the sampling fraction of persons when they, not the PSUs, are the units
		frac := strconv.FormatFloat(float64(len(rows))/float64(len(rows)*(2+r.IntN(5))), 'g', -1, 64)
		for _, row := range rows {
			w.Write(append(row, frac))
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
}

// rScript computes the same estimates with R's survey package: svymean(deff=TRUE, na.rm=TRUE)
// and svyciprop(method="logit", or the 4th argument: "beta") for the whole sample, and svyby
// over sex and area.
const rScript = `
suppressMessages(library(survey))
a <- commandArgs(TRUE)
d <- read.csv(a[1], stringsAsFactors = FALSE, na.strings = c("", "NA"))
d$x2 <- ifelse(d$x2 == "yes", 1, ifelse(d$x2 == "no", 0, NA))
options(survey.lonely.psu = a[3])
meth <- if (length(a) >= 4 && a[4] != "") a[4] else "logit"
des <- if (a[2] == "frac-nopsu") svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~frac, data = d) else if (a[2] == "fpc") svydesign(ids = ~psu, strata = ~stratum, weights = ~w, fpc = ~N, nest = TRUE, data = d) else
  svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = d)
g <- function(x) sprintf("%.17g", x)
for (v in c("x1", "x2")) {
  f <- as.formula(paste0("~", v))
  m <- svymean(f, des, na.rm = TRUE, deff = TRUE)
  ci <- attr(svyciprop(f, des, method = meth, na.rm = TRUE), "ci")
  cat(v, "", "", g(coef(m)[1]), g(SE(m)[1]), g(ci[1]), g(ci[2]), g(deff(m)[1]), "\n", sep = "|")
  b <- svyby(f, ~sex + area, des, svymean, na.rm = TRUE, deff = TRUE)
  bc <- svyby(f, ~sex + area, des, svyciprop, method = meth, na.rm = TRUE, vartype = "ci")
  for (i in seq_len(nrow(b))) {
    j <- which(bc$sex == b$sex[i] & bc$area == b$area[i])
    cat(v, b$sex[i], b$area[i], g(coef(b)[i]), g(SE(b)[i]), g(bc$ci_l[j]), g(bc$ci_u[j]), g(deff(b)[i]), "\n", sep = "|")
  }
}
`

// TestSurveyAgainstR compares estimates, SEs, logit intervals and design effects with R's
// survey package, with and without fpc, for the whole sample and for domains, and with a lonely
// PSU under "remove" and "certainty", for a stratified sample of persons (no PSUs) with the
// fpc as sampling fractions, with Korn-Graubard intervals (R's method="beta") with and
// without fpc, and with a lonely PSU under "adjust" and "average", with and without fpc.
func TestSurveyAgainstR(t *testing.T) {
	rAvailable(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "est.R")
	if err := os.WriteFile(script, []byte(rScript), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases := []struct {
		name     string
		fpc      bool
		lonely   string
		interval string
	}{
		{"nofpc", false, LonelyFail, ""}, {"fpc", true, LonelyFail, ""},
		{"lonely-remove", true, LonelyRemove, ""}, {"lonely-certainty", false, LonelyCertainty, ""},
		{"frac-nopsu", true, LonelyFail, ""},
		{"kg-nofpc", false, LonelyFail, IntervalKornGraubard}, {"kg-fpc", true, LonelyFail, IntervalKornGraubard},
		{"lonely-adjust", false, LonelyAdjust, ""}, {"lonely-adjust-fpc", true, LonelyAdjust, ""},
		{"lonely-average", false, LonelyAverage, ""}, {"lonely-average-fpc", true, LonelyAverage, ""},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := filepath.Join(dir, c.name+".csv")
			writeMicrodata(t, data, uint64(10+i), strings.HasPrefix(c.name, "lonely"))
			fpcArg := "none"
			d := Design{Weight: "w", Strata: "stratum", PSU: "psu", Nest: true, Lonely: c.lonely}
			if c.fpc {
				fpcArg, d.FPC = "fpc", "N"
			}
			if c.name == "frac-nopsu" { // persons sampled within strata, fpc as sampling fractions
				fpcArg, d.FPC, d.PSU, d.Nest = c.name, "frac", "", false
			}
			method := ""
			if c.interval == IntervalKornGraubard {
				method = "beta"
			}
			out, err := exec.Command("Rscript", script, data, fpcArg, c.lonely, method).CombinedOutput()
			if err != nil {
				t.Fatalf("Rscript: %v\n%s", err, out)
			}
			want := map[string][]float64{}
			for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				f := strings.Split(strings.TrimSpace(line), "|")
				if len(f) < 8 {
					continue
				}
				var nums []float64
				for _, x := range f[3:8] {
					v, err := strconv.ParseFloat(x, 64)
					if err != nil {
						t.Fatalf("R output %q: %v", line, err)
					}
					nums = append(nums, v)
				}
				want[f[0]+"|"+f[1]+"|"+f[2]] = nums
			}
			got := overallAndBySexArea(t, db, Spec{Path: data, Design: d, Variables: []string{"x1", "x2"}, Interval: c.interval})
			if len(want) != 10 || len(got) != len(want) {
				t.Fatalf("R gave %d estimates, ictstat %d:\n%s", len(want), len(got), out)
			}
			var worst [5]float64
			for k, w := range want {
				e, ok := got[k]
				if !ok {
					t.Fatalf("no estimate for %s", k)
				}
				g := []float64{e.Estimate, e.SE, e.CILow, e.CIHigh, e.Deff}
				names := []string{"estimate", "se", "ci_low", "ci_high", "deff"}
				for j := range g {
					// estimates to 1e-9 absolute; se, interval and deff to 1e-6 relative
					diff, tol := math.Abs(g[j]-w[j]), 1e-9
					if j > 0 {
						diff, tol = diff/math.Abs(w[j]), 1e-6
					}
					worst[j] = math.Max(worst[j], diff)
					if !(diff <= tol) {
						t.Errorf("%s %s: ictstat %.12g, R %.12g", k, names[j], g[j], w[j])
					}
				}
			}
			t.Logf("largest differences from R: estimate %.2g (absolute), se %.2g, ci_low %.2g, ci_high %.2g, deff %.2g (relative)", worst[0], worst[1], worst[2], worst[3], worst[4])
		})
	}
}

// addReplicates rewrites the microdata at path with replicate weight columns rw1..rwR (full
// weights times a multiplier a PSU): jk1 deletes one PSU a replicate (the others ×n/(n-1)),
// jkn deletes one PSU within its stratum (the stratum's others ×n_h/(n_h-1)) and returns its
// rscales (n_h-1)/n_h, brr keeps a random half (×2 or ×0), fay multiplies by 2-rho or rho,
// bootstrap and sdr by random non-negative multipliers.
func addReplicates(t *testing.T, path, typ string, rho float64, seed uint64) []float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	type psu struct{ h, i string }
	var psus []psu
	index, size := map[psu]int{}, map[string]int{}
	for _, r := range recs[1:] {
		k := psu{r[0], r[1]}
		if _, ok := index[k]; !ok {
			index[k] = len(psus)
			psus = append(psus, k)
			size[k.h]++
		}
	}
	n := len(psus)
	R := n
	if typ != "jk1" && typ != "jkn" {
		R = 20
	}
	r := rand.New(rand.NewPCG(seed, 11))
	mult := make([][]float64, R) // mult[rep][psu]
	var rscales []float64
	for k := range mult {
		mult[k] = make([]float64, n)
		for j, p := range psus {
			switch typ {
			case "jk1":
				mult[k][j] = float64(n) / float64(n-1)
				if j == k {
					mult[k][j] = 0
				}
			case "jkn":
				mult[k][j] = 1
				if p.h == psus[k].h {
					nh := float64(size[p.h])
					mult[k][j] = nh / (nh - 1)
					if j == k {
						mult[k][j] = 0
					}
				}
			case "brr":
				mult[k][j] = float64(2 * r.IntN(2))
			case "fay":
				mult[k][j] = rho
				if r.IntN(2) == 1 {
					mult[k][j] = 2 - rho
				}
			default:
				mult[k][j] = float64(r.IntN(4))
			}
		}
		if typ == "jkn" {
			nh := float64(size[psus[k].h])
			rscales = append(rscales, (nh-1)/nh)
		}
	}
	for k := 0; k < R; k++ {
		recs[0] = append(recs[0], "rw"+strconv.Itoa(k+1))
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(out)
	for i, rec := range recs {
		if i > 0 {
			wt, _ := strconv.ParseFloat(rec[2], 64)
			j := index[psu{rec[0], rec[1]}]
			for k := 0; k < R; k++ {
				rec = append(rec, strconv.FormatFloat(wt*mult[k][j], 'g', -1, 64))
			}
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	return rscales
}

// rRepScript is rScript for svrepdesign(repweights, type, rho, rscales, mse).
const rRepScript = `
suppressMessages(library(survey))
a <- commandArgs(TRUE)
meth <- if (length(a) >= 6 && a[6] != "") a[6] else "logit"
d <- read.csv(a[1], stringsAsFactors = FALSE, na.strings = c("", "NA"))
d$x2 <- ifelse(d$x2 == "yes", 1, ifelse(d$x2 == "no", 0, NA))
rw <- d[, grep("^rw", names(d))]
rho <- if (a[3] == "") NULL else as.numeric(a[3])
rs <- if (a[5] == "") NULL else as.numeric(strsplit(a[5], ",")[[1]])
des <- suppressWarnings(svrepdesign(data = d, repweights = rw, weights = ~w, type = a[2], rho = rho, rscales = rs, mse = a[4] == "true"))
g <- function(x) sprintf("%.17g", x)
for (v in c("x1", "x2")) {
  f <- as.formula(paste0("~", v))
  m <- svymean(f, des, na.rm = TRUE, deff = TRUE)
  ci <- attr(svyciprop(f, des, method = meth, na.rm = TRUE), "ci")
  cat(v, "", "", g(coef(m)[1]), g(SE(m)[1]), g(ci[1]), g(ci[2]), g(deff(m)[1]), g(degf(des)), "\n", sep = "|")
  b <- suppressWarnings(svyby(f, ~sex + area, des, svymean, na.rm = TRUE, deff = TRUE))
  bc <- suppressWarnings(svyby(f, ~sex + area, des, svyciprop, method = meth, na.rm = TRUE, vartype = "ci"))
  for (i in seq_len(nrow(b))) {
    j <- which(bc$sex == b$sex[i] & bc$area == b$area[i])
    df <- degf(des[d$sex == b$sex[i] & d$area == b$area[i], ])
    cat(v, b$sex[i], b$area[i], g(coef(b)[i]), g(SE(b)[i]), g(bc$ci_l[j]), g(bc$ci_u[j]), g(deff(b)[i]), g(df), "\n", sep = "|")
  }
}
`

// TestReplicatesAgainstR compares replicate-weight designs (jk1, jkn with rscales, brr, fay,
// bootstrap with and without mse, sdr) with R's svrepdesign: estimates, SEs, logit intervals
// (and Korn-Graubard ones for jkn), design effects and degrees of freedom, overall and in
// domains.
func TestReplicatesAgainstR(t *testing.T) {
	rAvailable(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "rep.R")
	if err := os.WriteFile(script, []byte(rRepScript), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases := []struct {
		typ, rtype string
		rho        float64
		mse        bool
		interval   string
	}{
		{"jk1", "JK1", 0, false, ""}, {"jkn", "JKn", 0, false, ""}, {"brr", "BRR", 0, false, ""}, {"fay", "Fay", 0.3, false, ""},
		{"bootstrap", "bootstrap", 0, false, ""}, {"bootstrap", "bootstrap", 0, true, ""}, {"sdr", "successive-difference", 0, false, ""},
		{"jkn", "JKn", 0, false, IntervalKornGraubard},
	}
	for i, c := range cases {
		name := c.typ
		if c.mse {
			name += "-mse"
		}
		method := ""
		if c.interval != "" {
			name, method = name+"-kg", "beta"
		}
		t.Run(name, func(t *testing.T) {
			data := filepath.Join(dir, name+".csv")
			writeMicrodata(t, data, uint64(30+i), false)
			rscales := addReplicates(t, data, c.typ, c.rho, uint64(40+i))
			rho, rs := "", ""
			if c.typ == "fay" {
				rho = strconv.FormatFloat(c.rho, 'g', -1, 64)
			}
			var rsText []string
			for _, x := range rscales {
				rsText = append(rsText, strconv.FormatFloat(x, 'g', -1, 64))
			}
			rs = strings.Join(rsText, ",")
			out, err := exec.Command("Rscript", script, data, c.rtype, rho, strconv.FormatBool(c.mse), rs, method).CombinedOutput()
			if err != nil {
				t.Fatalf("Rscript: %v\n%s", err, out)
			}
			want := map[string][]float64{}
			for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				f := strings.Split(strings.TrimSpace(line), "|")
				if len(f) < 9 {
					continue
				}
				var nums []float64
				for _, x := range f[3:9] {
					v, err := strconv.ParseFloat(x, 64)
					if err != nil {
						t.Fatalf("R output %q: %v", line, err)
					}
					nums = append(nums, v)
				}
				want[f[0]+"|"+f[1]+"|"+f[2]] = nums
			}
			d := Design{Weight: "w"}
			rep := &Replicates{Columns: []string{"rw*"}, Type: c.typ, Rho: c.rho, RScales: rscales, MSE: c.mse}
			got := overallAndBySexArea(t, db, Spec{Path: data, Design: d, Variables: []string{"x1", "x2"}, Replicates: rep, Interval: c.interval})
			if len(want) != 10 || len(got) != len(want) {
				t.Fatalf("R gave %d estimates, ictstat %d:\n%s", len(want), len(got), out)
			}
			var worst [5]float64
			for k, w := range want {
				e, ok := got[k]
				if !ok {
					t.Fatalf("no estimate for %s", k)
				}
				if float64(e.DF) != w[5] {
					t.Errorf("%s df: ictstat %d, R %g", k, e.DF, w[5])
				}
				g := []float64{e.Estimate, e.SE, e.CILow, e.CIHigh, e.Deff}
				names := []string{"estimate", "se", "ci_low", "ci_high", "deff"}
				for j := range g {
					if (j == 2 || j == 3) && math.IsNaN(g[j]) && (w[2] < 1e-3 || w[3] > 1-1e-3) {
						continue // a replicate estimate of 0 or 1: ictstat gives no interval, R one near (0, 1)
					}
					diff, tol := math.Abs(g[j]-w[j]), 1e-9
					if j > 0 {
						diff, tol = diff/math.Abs(w[j]), 1e-6
					}
					worst[j] = math.Max(worst[j], diff)
					if !(diff <= tol) {
						t.Errorf("%s %s: ictstat %.12g, R %.12g", k, names[j], g[j], w[j])
					}
				}
			}
			t.Logf("largest differences from R: estimate %.2g (absolute), se %.2g, ci_low %.2g, ci_high %.2g, deff %.2g (relative)", worst[0], worst[1], worst[2], worst[3], worst[4])
		})
	}
}

// overallAndBySexArea runs spec overall and by sex × area, keyed "variable||" and
// "variable|sex|area" as the R scripts print them.
func overallAndBySexArea(t *testing.T, db *sql.DB, spec Spec) map[string]Estimate {
	t.Helper()
	got := map[string]Estimate{}
	for _, by := range [][]string{nil, {"sex", "area"}} {
		spec.By = by
		es, err := Run(context.Background(), db, spec, DefaultFlagRule)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			k := e.Variable + "||"
			if by != nil {
				k = e.Variable + "|" + e.Domain[0] + "|" + e.Domain[1]
			}
			got[k] = e
		}
	}
	return got
}
