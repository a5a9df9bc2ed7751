// Command survey is the survey estimation benchmark: `ictstat survey estimate` against R's survey
// package on the same generated household survey microdata (`ictstat gen survey`), three
// variables in four sets of domains, with both times, their ratio, the peak memory of each side
// and a check that the estimates and standard errors agree.
//
// Each side is a child process timed from start to exit: ictstat one run for the four domain
// sets (--by total --by sex ...: the file read and checked once, one query a set), R one Rscript
// that reads the CSV (timed apart), builds
// svydesign(ids=~psu, strata=~stratum, fpc=~fpc, weights=~weight, nest=TRUE) and runs svymean and
// svyby(..., svymean, na.rm=TRUE) for every variable and domain set. Peak memory is the child's
// maximum resident set size.
//
//	go run ./benchmarks/survey                                # 1 million persons, with R
//	go run ./benchmarks/survey -persons 100000000 -skip-r     # ictstat only, on Parquet
package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var (
	variables  = []string{"used_internet", "owns_mobile_phone", "copy_paste_skill"}
	domainSets = [][]string{nil, {"sex"}, {"area"}, {"sex", "age_group"}}
)

func main() {
	var (
		persons = flag.Int64("persons", 1_000_000, "persons in the generated microdata")
		dir     = flag.String("dir", filepath.Join("benchmarks", "data"), "working directory for the binary and the files")
		bin     = flag.String("ictstat", "", "ictstat binary to measure (default: build ./cmd/ictstat into -dir)")
		skipR   = flag.Bool("skip-r", false, "measure ictstat only, on Parquet (no CSV, no R)")
		tol     = flag.Float64("tolerance", 1e-9, "largest difference allowed between ictstat's and R's estimates and SEs")
	)
	flag.Parse()
	if err := run(*persons, *dir, *bin, *skipR, *tol); err != nil {
		fmt.Fprintln(os.Stderr, "benchmark:", err)
		os.Exit(1)
	}
}

// measurement is one child process's wall time, peak resident memory and output.
type measurement struct {
	wall   time.Duration
	maxRS  int64 // bytes
	stdout []byte
}

func measure(name string, args ...string) (measurement, error) {
	cmd := exec.Command(name, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	if err != nil {
		return measurement{}, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, errb.Bytes())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return measurement{wall: wall, maxRS: ru.Maxrss * 1024, stdout: out}, nil
}

// generate writes the microdata with `ictstat gen survey` unless the file is there.
func generate(bin, file string, persons int64) error {
	if _, err := os.Stat(file); err == nil {
		fmt.Printf("using %s\n", file)
		return nil
	}
	m, err := measure(bin, "gen", "survey", "-o", file, "--persons", strconv.FormatInt(persons, 10))
	if err != nil {
		return err
	}
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Printf("generated %s: %.1f s, %.0f MB, peak RSS %.0f MB\n  %s", file, m.wall.Seconds(), float64(st.Size())/1e6, float64(m.maxRS)/1e6,
		strings.ReplaceAll(strings.TrimSpace(string(m.stdout)), "\n", "\n  ")+"\n")
	return nil
}

func run(persons int64, dir, bin string, skipR bool, tol float64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if bin == "" {
		bin = filepath.Join(dir, "ictstat")
		fmt.Printf("building %s\n", bin)
		build := exec.Command("go", "build", "-o", bin, "./cmd/ictstat")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build (run from the repository root): %w", err)
		}
	}
	base := filepath.Join(dir, fmt.Sprintf("survey_%d", persons))
	pq := base + ".parquet"
	if err := generate(bin, pq, persons); err != nil {
		return err
	}
	inputs := []string{pq}
	csvFile := base + ".csv"
	if !skipR {
		if err := generate(bin, csvFile, persons); err != nil {
			return err
		}
		inputs = append(inputs, csvFile)
	}
	fmt.Printf("\n%-8s %10s %12s\n", "input", "seconds", "peak RSS MB")
	type side struct {
		wall  time.Duration
		maxRS int64
		est   map[string][2]float64
	}
	ours := map[string]side{}
	for _, in := range inputs {
		s := side{est: map[string][2]float64{}}
		args := []string{"survey", "estimate", in, "--weight", "weight", "--strata", "stratum", "--psu", "psu", "--fpc", "fpc",
			"--var", strings.Join(variables, ","), "--format", "csv"}
		for _, by := range domainSets {
			args = append(args, "--by", domainName(by))
		}
		m, err := measure(bin, args...)
		if err != nil {
			return err
		}
		if err := parseIctstat(m.stdout, s.est); err != nil {
			return fmt.Errorf("ictstat output for %s: %w", in, err)
		}
		s.wall, s.maxRS = m.wall, m.maxRS
		ours[in] = s
		fmt.Printf("%-8s %10.2f %12.0f\n", strings.TrimPrefix(filepath.Ext(in), "."), s.wall.Seconds(), float64(s.maxRS)/1e6)
	}
	if skipR {
		s := ours[pq]
		fmt.Printf("ictstat, %d persons, Parquet: %.2f s for 4 domain sets × 3 variables in one run, peak RSS %.0f MB\n", persons, s.wall.Seconds(), float64(s.maxRS)/1e6)
		return nil
	}
	script := filepath.Join(dir, "survey_bench.R")
	if err := os.WriteFile(script, []byte(rScript), 0o644); err != nil {
		return err
	}
	m, err := measure("Rscript", script, csvFile)
	if err != nil {
		return err
	}
	rEst := map[string][2]float64{}
	var rRead, rEstimate float64
	sc := bufio.NewScanner(bytes.NewReader(m.stdout))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "|")
		switch {
		case len(f) == 2 && f[0] == "read":
			rRead, _ = strconv.ParseFloat(f[1], 64)
		case len(f) == 2 && f[0] == "estimate":
			rEstimate, _ = strconv.ParseFloat(f[1], 64)
		case len(f) == 4:
			e, err1 := strconv.ParseFloat(f[2], 64)
			se, err2 := strconv.ParseFloat(f[3], 64)
			if err1 != nil || err2 != nil {
				return fmt.Errorf("R output line %q: not numbers", sc.Text())
			}
			rEst[f[0]+"|"+f[1]] = [2]float64{e, se}
		}
	}
	fmt.Printf("R survey %s: read.csv %.2f s, svydesign + svymean/svyby %.2f s, total %.2f s, peak RSS %.0f MB\n\n",
		rVersion(), rRead, rEstimate, m.wall.Seconds(), float64(m.maxRS)/1e6)

	// Agreement.
	for _, in := range inputs {
		s := ours[in]
		if len(s.est) != len(rEst) {
			return fmt.Errorf("%s: ictstat gave %d estimates, R %d", in, len(s.est), len(rEst))
		}
		var worst float64
		for k, a := range s.est {
			b, ok := rEst[k]
			if !ok {
				return fmt.Errorf("%s: %s not in R's output", in, k)
			}
			d := max(math.Abs(a[0]-b[0]), math.Abs(a[1]-b[1]))
			if d > tol {
				return fmt.Errorf("%s: %s: ictstat %v, R %v (difference %.3g)", in, k, a, b, d)
			}
			worst = max(worst, d)
		}
		fmt.Printf("%s: %d estimates and SEs agree with R's within %.1g (largest difference %.2g)\n", filepath.Base(in), len(s.est), tol, worst)
	}
	for _, in := range inputs {
		s := ours[in]
		fmt.Printf("ictstat on %s: %.2f s, peak RSS %.0f MB; R estimate-only ÷ ictstat %.1f, R total ÷ ictstat %.1f\n",
			strings.TrimPrefix(filepath.Ext(in), "."), s.wall.Seconds(), float64(s.maxRS)/1e6,
			rEstimate/s.wall.Seconds(), m.wall.Seconds()/s.wall.Seconds())
	}
	return nil
}

// domainName is a domain set as --by writes it.
func domainName(by []string) string {
	if by == nil {
		return "total"
	}
	return strings.Join(by, ",")
}

// parseIctstat reads `ictstat survey estimate --format csv` of several domain sets into est,
// keyed variable|domain values joined by ";": a row's values are those of the domain columns
// it has (empty where its set does not split by the column), in the columns' order.
func parseIctstat(out []byte, est map[string][2]float64) error {
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(l, "#") && l != "" {
			lines = append(lines, l)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(strings.Join(lines, "\n"))).ReadAll()
	if err != nil || len(recs) < 2 {
		return fmt.Errorf("no csv: %v", err)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	for _, r := range recs[1:] {
		var dom []string
		for _, v := range r[1:col["estimate"]] {
			if v != "" {
				dom = append(dom, v)
			}
		}
		e, err1 := strconv.ParseFloat(r[col["estimate"]], 64)
		se, err2 := strconv.ParseFloat(r[col["se"]], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("row %v: estimate or se not a number", r)
		}
		est[r[col["variable"]]+"|"+strings.Join(dom, ";")] = [2]float64{e, se}
	}
	return nil
}

func rVersion() string {
	out, err := exec.Command("Rscript", "-e", `cat(as.character(packageVersion("survey")))`).Output()
	if err != nil {
		return "?"
	}
	return string(out)
}

// rScript reads the CSV (timed apart), then estimates every variable overall and in each domain
// set, each variable with its own missing values left out (na.rm=TRUE), as ictstat does. It
// prints read|seconds, estimate|seconds and variable|domain;values|estimate|se lines.
const rScript = `suppressMessages(library(survey))
file <- commandArgs(TRUE)[1]
t0 <- proc.time()[["elapsed"]]
d <- read.csv(file, colClasses = c(hh_id = "numeric", person_id = "numeric", region = "character", area = "character",
  stratum = "character", psu = "numeric", fpc = "numeric", weight = "numeric", sex = "character", age = "integer",
  age_group = "character", used_internet = "integer", owns_mobile_phone = "integer", copy_paste_skill = "integer"))
t1 <- proc.time()[["elapsed"]]
cat(sprintf("read|%.3f\n", t1 - t0))
des <- svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, nest = TRUE, data = d)
vars <- c("used_internet", "owns_mobile_phone", "copy_paste_skill")
doms <- list(NULL, "sex", "area", c("sex", "age_group"))
out <- character()
for (v in vars) {
  f <- as.formula(paste0("~", v))
  for (by in doms) {
    if (is.null(by)) {
      m <- svymean(f, des, na.rm = TRUE)
      out <- c(out, sprintf("%s||%.17g|%.17g", v, coef(m)[[1]], SE(m)[[1]]))
    } else {
      r <- svyby(f, as.formula(paste0("~", paste(by, collapse = "+"))), des, svymean, na.rm = TRUE)
      key <- do.call(paste, c(lapply(by, function(b) as.character(r[[b]])), sep = ";"))
      out <- c(out, sprintf("%s|%s|%.17g|%.17g", v, key, r[[v]], r[["se"]]))
    }
  }
}
t2 <- proc.time()[["elapsed"]]
cat(sprintf("estimate|%.3f\n", t2 - t1))
cat(out, sep = "\n")
`
