// Package survey estimates proportions from household survey microdata with design-based
// standard errors: the weighted mean (a ratio estimator) and its Taylor-linearisation variance
// for a stratified, clustered (with-replacement at the first stage, optionally with a finite
// population correction) design, as R's survey package computes it (Lumley, "Complex Surveys",
// 2010, ch. 2-3; Wolter, "Introduction to Variance Estimation", 2007, ch. 6). The estimation is a
// single SQL query of grouped sums that DuckDB streams over the file.
package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// Lonely PSU options, as R's options(survey.lonely.psu).
const (
	LonelyFail      = "fail"      // R's default: a stratum with one PSU is an error
	LonelyRemove    = "remove"    // the stratum contributes no variance
	LonelyCertainty = "certainty" // the PSU is taken with certainty: no variance
	LonelyAdjust    = "adjust"    // the PSU's total is centred at the grand mean, not its stratum's
	LonelyAverage   = "average"   // the stratum's variance is the average of the other strata's
)

// LonelyOptions are the lonely PSU options Run accepts.
var LonelyOptions = []string{LonelyFail, LonelyRemove, LonelyCertainty, LonelyAdjust, LonelyAverage}

// Design describes the sample design: the weight column, and optionally the strata, the PSU
// (cluster) and the fpc columns. PSU ids are unique only within strata when Nest is true, as
// svydesign(nest=TRUE); otherwise a PSU id found in two strata is an error, as in R.
type Design struct {
	Weight, Strata, PSU, FPC string
	Nest                     bool
	Lonely                   string // fail (default), remove, certainty, adjust or average
}

// Spec is one estimation: the file, its design, the 0/1 or yes/no variables and the domain
// columns, crossed.
type Spec struct {
	Path      string
	Design    Design
	Variables []string
	By        []string
	// Replicates, when set, is a replicate-weight design used instead of strata, PSUs and fpc.
	Replicates *Replicates
	// Codes are the answer codes of variables, keyed by column; a variable without them takes
	// the default codes (see Codes).
	Codes map[string]Codes
	// Interval is the 95% interval's method: IntervalLogit ("" too) or IntervalKornGraubard
	// ("beta" too).
	Interval string

	types map[string]string // the file's column types, by name (Prepare)
	table string            // a temporary table holding the file's rows (stage), "" to read the file
}

// source is what the estimation reads: the staged table, or the file.
func (s Spec) source() string {
	if s.table != "" {
		return s.table
	}
	return source(s.Path)
}

// Queryer is what the estimation runs its queries on: a *sql.DB or, so that a staged table is
// seen by every query, one *sql.Conn.
type Queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stage copies a CSV file into a temporary table of conn, so that it is parsed once rather than
// at every scan (the checks, then the estimation), and returns the spec reading it and the
// function that drops it. Parquet files are read in place: their scans are cheap.
func stage(ctx context.Context, conn *sql.Conn, s Spec) (Spec, func(), error) {
	if strings.EqualFold(filepath.Ext(s.Path), ".parquet") {
		return s, func() {}, nil
	}
	name := "survey_microdata"
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+name+" AS SELECT * FROM "+source(s.Path)); err != nil {
		return s, nil, &InputError{s.Path, "", fmt.Sprintf("cannot read: %v", err)}
	}
	s.table = name
	return s, func() { conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+name) }, nil
}

// Interval methods, as R's svyciprop(method=...).
const (
	IntervalLogit        = "logit"
	IntervalKornGraubard = "korn-graubard" // R's method="beta"
)

// IntervalMethod returns the canonical name of an interval method ("" and "logit": logit;
// "korn-graubard" and "beta": korn-graubard) or an error.
func IntervalMethod(m string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(m)) {
	case "", IntervalLogit:
		return IntervalLogit, nil
	case IntervalKornGraubard, "beta":
		return IntervalKornGraubard, nil
	}
	return "", fmt.Errorf("interval %q: want logit or korn-graubard (alias beta)", m)
}

// IntervalText states the 95% interval method as the output's metadata writes it.
func IntervalText(method string) string {
	if m, err := IntervalMethod(method); err == nil && m == IntervalKornGraubard {
		return "95% Korn-Graubard (R's svyciprop method=\"beta\"), df = the domain's design degrees of freedom"
	}
	return "95% logit, df = the domain's design degrees of freedom"
}

// Codes are the answer codes of one variable: values counted yes (1), no (0) and missing (left
// out of the variable's estimates, never counted no). An empty list takes the default: yes 1,
// yes, true; no 0, no, false; missing none. Empty and null cells (and NA in CSV files) are
// always missing. A value matches a code when, trimmed, it equals the code ignoring case, or
// when both read as numbers and are equal: the code 1 matches "1", "1.0" and "01". Any other
// value is an InputError.
type Codes struct {
	Yes, No, Missing []string
}

// Default answer codes.
var (
	DefaultYes = []string{"1", "yes", "true"}
	DefaultNo  = []string{"0", "no", "false"}
)

// full fills the empty Yes and No lists with the defaults.
func (c Codes) full() Codes {
	if len(c.Yes) == 0 {
		c.Yes = DefaultYes
	}
	if len(c.No) == 0 {
		c.No = DefaultNo
	}
	return c
}

// String lists the codes as error messages name them.
func (c Codes) String() string {
	c = c.full()
	m := append(append([]string{}, c.Missing...), "empty")
	return "yes: " + strings.Join(c.Yes, ", ") + "; no: " + strings.Join(c.No, ", ") + "; missing: " + strings.Join(m, ", ")
}

// check refuses a code given twice (in two lists, or twice as the same number or text).
func (c Codes) check(col string) error {
	c = c.full()
	seen := map[string]string{}
	for _, l := range []struct {
		name  string
		codes []string
	}{{"yes", c.Yes}, {"no", c.No}, {"missing", c.Missing}} {
		for _, x := range l.codes {
			k := strings.ToLower(strings.TrimSpace(x))
			if f, err := strconv.ParseFloat(k, 64); err == nil {
				k = "#" + strconv.FormatFloat(f, 'g', -1, 64)
			}
			if k == "" {
				return fmt.Errorf("variable %q: empty answer code in %s (empty cells are always missing)", col, l.name)
			}
			if prev, ok := seen[k]; ok {
				return fmt.Errorf("variable %q: answer code %q is in %s and %s", col, x, prev, l.name)
			}
			seen[k] = l.name
		}
	}
	return nil
}

// match is the SQL condition that the text t (trimmed, lower case) matches one of codes.
func match(t string, codes []string) string {
	var text, nums []string
	for _, c := range codes {
		k := strings.ToLower(strings.TrimSpace(c))
		if f, err := strconv.ParseFloat(k, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			nums = append(nums, strconv.FormatFloat(f, 'g', -1, 64)+"::DOUBLE")
		}
		text = append(text, quote(k))
	}
	cond := t + " IN (" + strings.Join(text, ", ") + ")"
	if len(nums) > 0 {
		cond = "(" + cond + " OR coalesce(TRY_CAST(" + t + " AS DOUBLE) IN (" + strings.Join(nums, ", ") + "), false))"
	}
	return cond
}

// answer is the text of a variable's cell as codes are matched: trimmed, lower case.
func answer(col string) string {
	return "lower(trim(CAST(" + ident(col) + " AS VARCHAR)))"
}

// FlagRule marks estimates to suppress (n < MinN or cv > SuppressCV) or use with caution
// (cv > CautionCV).
type FlagRule struct {
	MinN       int64
	SuppressCV float64
	CautionCV  float64
}

// DefaultFlagRule is n < 30 or cv > 0.3: suppress; cv > 0.15: caution.
var DefaultFlagRule = FlagRule{MinN: 30, SuppressCV: 0.3, CautionCV: 0.15}

// String states the rule as it is written in the output's metadata.
func (r FlagRule) String() string {
	return fmt.Sprintf("suppress when n < %d or cv > %g; caution when cv > %g", r.MinN, r.SuppressCV, r.CautionCV)
}

// Flag applies the rule to one estimate.
func (r FlagRule) Flag(n int64, cv float64) string {
	switch {
	case n < r.MinN || cv > r.SuppressCV || math.IsNaN(cv):
		return "suppress"
	case cv > r.CautionCV:
		return "caution"
	}
	return ""
}

// Estimate is the estimated proportion of one variable in one domain.
type Estimate struct {
	Variable  string
	Domain    []string // the values of Spec.By, in order
	Estimate  float64
	SE        float64
	CILow     float64
	CIHigh    float64
	Deff      float64
	CV        float64
	N         int64   // respondents with a value of the variable
	WeightedN float64 // their summed weights
	DF        int64   // degrees of freedom of the interval: degf of the domain's design
	Flag      string
}

// quote returns s as a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ident returns s as a SQL identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// source is the table function that reads the file: read_parquet for .parquet, else read_csv
// with empty and NA cells missing.
func source(path string) string {
	if strings.EqualFold(filepath.Ext(path), ".parquet") {
		return "read_parquet(" + quote(path) + ")"
	}
	return "read_csv(" + quote(path) + ", nullstr=['', 'NA'])"
}

// numericType reports whether a DuckDB column type holds numbers.
func numericType(typ string) bool {
	switch strings.ToUpper(typ) {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE":
		return true
	}
	return strings.HasPrefix(strings.ToUpper(typ), "DECIMAL")
}

// numericCodes are the codes that read as numbers, as SQL doubles.
func numericCodes(codes []string) []string {
	var out []string
	for _, c := range codes {
		if f, err := strconv.ParseFloat(strings.TrimSpace(c), 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			out = append(out, strconv.FormatFloat(f, 'g', -1, 64)+"::DOUBLE")
		}
	}
	return out
}

// in is the SQL condition that the numeric column x is one of codes (false when none reads as a
// number).
func in(x string, codes []string) string {
	if n := numericCodes(codes); len(n) > 0 {
		return x + " IN (" + strings.Join(n, ", ") + ")"
	}
	return "false"
}

// indicator is the SQL value of a variable whose column has type typ: 1.0 for a yes code, 0.0
// for a no code, NULL for missing and (refused by check) any other value. Numbers in a numeric
// column are compared as numbers, which gives what the text comparison gives (the code 1
// matches 1 and 1.0) without reading every cell as text.
func indicator(col string, c Codes, typ string) string {
	c = c.full()
	if numericType(typ) {
		x := ident(col)
		return "CASE WHEN " + x + " IS NULL OR " + in(x, c.Missing) + " THEN NULL WHEN " + in(x, c.Yes) + " THEN 1.0 WHEN " + in(x, c.No) + " THEN 0.0 END"
	}
	t := answer(col)
	var b strings.Builder
	b.WriteString("CASE WHEN " + t + " IS NULL OR " + t + " = ''")
	if len(c.Missing) > 0 {
		b.WriteString(" OR " + match(t, c.Missing))
	}
	b.WriteString(" THEN NULL WHEN " + match(t, c.Yes) + " THEN 1.0 WHEN " + match(t, c.No) + " THEN 0.0 END")
	return b.String()
}

// unknownAnswer is the SQL condition that a variable's cell (of type typ) is none of its codes.
func unknownAnswer(col string, c Codes, typ string) string {
	c = c.full()
	if numericType(typ) {
		x := ident(col)
		return x + " IS NOT NULL AND NOT " + in(x, c.Yes) + " AND NOT " + in(x, c.No) + " AND NOT " + in(x, c.Missing)
	}
	t := answer(col)
	cond := t + " IS NOT NULL AND " + t + " <> '' AND NOT " + match(t, c.Yes) + " AND NOT " + match(t, c.No)
	if len(c.Missing) > 0 {
		cond += " AND NOT " + match(t, c.Missing)
	}
	return cond
}

// InputError is a refused input: the file, the column and the reason.
type InputError struct {
	File, Column, Reason string
}

func (e *InputError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s: %s", e.File, e.Reason)
	}
	return fmt.Sprintf("%s: column %q: %s", e.File, e.Column, e.Reason)
}

// check verifies the file against the spec: every column present, weights numeric and positive,
// strata, PSUs and domains without missing values, PSUs nested in strata, answers among their
// codes, fpc positive, constant within strata and not below the stratum's PSU count. It reads
// the file twice, in parallel scans: once counting the problems of every column and once per
// stratum; only when one finds a problem does firstProblem look for its first row, to name it.
// It reports whether fpc values are sampling fractions (all ≤ 1, as R's svydesign takes them)
// and the first stratum (in text order) with one PSU, "" when none.
func check(ctx context.Context, db Queryer, s Spec) (fraction bool, lonely string, err error) {
	bad := func(col, format string, args ...any) error {
		return &InputError{s.Path, col, fmt.Sprintf(format, args...)}
	}
	have, err := columnSet(ctx, db, s.Path)
	if err != nil {
		return false, "", err
	}
	d := s.Design
	need := append([]string{d.Weight, d.Strata, d.PSU, d.FPC}, s.Variables...)
	need = append(need, s.By...)
	for _, c := range need {
		if c != "" && !have[c] {
			known := make([]string, 0, len(have))
			for k := range have {
				known = append(known, k)
			}
			sort.Strings(known)
			if near := closest(c, known); near != "" {
				return false, "", bad(c, "no such column (did you mean %q?)", near)
			}
			return false, "", bad(c, "no such column")
		}
	}
	problem := func() (bool, string, error) {
		if err := firstProblem(ctx, db, s); err != nil {
			return false, "", err
		}
		return false, "", fmt.Errorf("%s: internal error: a check counted a problem that no row shows", s.Path)
	}
	// Counts of what is refused, column by column, in one pass.
	var counts []string
	numeric := func(col string) {
		c := ident(col)
		counts = append(counts, "count(*) FILTER (WHERE "+c+" IS NULL OR TRY_CAST("+c+" AS DOUBLE) IS NULL OR TRY_CAST("+c+" AS DOUBLE) <= 0)")
	}
	numeric(d.Weight)
	if d.FPC != "" {
		numeric(d.FPC)
	}
	for _, c := range append([]string{d.Strata, d.PSU}, s.By...) {
		if c != "" {
			counts = append(counts, "count(*) FILTER (WHERE "+ident(c)+" IS NULL)")
		}
	}
	for _, v := range s.Variables {
		counts = append(counts, "count(*) FILTER (WHERE "+unknownAnswer(v, s.Codes[v], s.types[v])+")")
	}
	distinctPSU := "0"
	if d.PSU != "" && d.Strata != "" && !d.Nest {
		distinctPSU = "count(DISTINCT " + ident(d.PSU) + ")"
	}
	var total, psus, nrows int64
	if err := db.QueryRowContext(ctx, "SELECT "+strings.Join(counts, " + ")+", "+distinctPSU+", count(*) FROM "+s.source()).Scan(&total, &psus, &nrows); err != nil {
		return false, "", bad("", "cannot read: %v", err)
	}
	if nrows == 0 {
		return false, "", bad("", "no data rows")
	}
	if total > 0 {
		return problem()
	}
	// Per stratum: its PSUs and the range of its fpc.
	fpc := "NULL::DOUBLE"
	if d.FPC != "" {
		fpc = "CAST(" + ident(d.FPC) + " AS DOUBLE)"
	}
	n := "count(DISTINCT " + ident(d.PSU) + ")"
	if d.PSU == "" {
		n = "count(*)"
	}
	rows, err := db.QueryContext(ctx, "SELECT CAST("+rawStrata(d)+" AS VARCHAR) AS _h, "+n+", min("+fpc+"), max("+fpc+") FROM "+s.source()+" GROUP BY "+rawStrata(d)+" ORDER BY _h")
	if err != nil {
		return false, "", bad("", "cannot read: %v", err)
	}
	type stratum struct {
		name   string
		n      int64
		lo, hi sql.NullFloat64
	}
	var strata []stratum
	maxf, sumN := 0.0, int64(0)
	for rows.Next() {
		var h stratum
		if err := rows.Scan(&h.name, &h.n, &h.lo, &h.hi); err != nil {
			rows.Close()
			return false, "", err
		}
		strata = append(strata, h)
		maxf, sumN = math.Max(maxf, h.hi.Float64), sumN+h.n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, "", err
	}
	fraction = maxf <= 1
	if d.PSU != "" && d.Strata != "" && !d.Nest && sumN != psus {
		return problem() // a PSU id in more than one stratum
	}
	for _, h := range strata {
		if d.FPC != "" && (h.lo.Float64 != h.hi.Float64 || !fraction && float64(h.n) > h.hi.Float64) {
			return problem()
		}
		if h.n == 1 && lonely == "" {
			lonely = h.name
		}
	}
	return fraction, lonely, nil
}

// columnSet is the set of the file's columns.
func columnSet(ctx context.Context, db Queryer, path string) (map[string]bool, error) {
	cols, _, err := columns(ctx, db, path)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, c := range cols {
		have[c] = true
	}
	return have, nil
}

// firstProblem looks for the first problem check counted, in check's order, and names its
// data row and value.
func firstProblem(ctx context.Context, db Queryer, s Spec) error {
	bad := func(col, format string, args ...any) error {
		return &InputError{s.Path, col, fmt.Sprintf(format, args...)}
	}
	d := s.Design
	numbered := "(SELECT row_number() OVER () AS _row, * FROM " + s.source() + ")"
	first := func(col, cond string) (row int64, val sql.NullString, found bool, err error) {
		q := "SELECT _row, CAST(" + ident(col) + " AS VARCHAR) FROM " + numbered + " WHERE " + cond + " ORDER BY _row LIMIT 1"
		err = db.QueryRowContext(ctx, q).Scan(&row, &val)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, val, false, nil
		}
		return row, val, err == nil, err
	}
	numeric := func(col, what string) error {
		c := ident(col)
		if row, _, ok, err := first(col, c+" IS NULL"); err != nil || ok {
			if err != nil {
				return err
			}
			return bad(col, "missing %s in data row %d", what, row)
		}
		if row, v, ok, err := first(col, "TRY_CAST("+c+" AS DOUBLE) IS NULL"); err != nil || ok {
			if err != nil {
				return err
			}
			return bad(col, "non-numeric %s %q in data row %d", what, v.String, row)
		}
		if row, v, ok, err := first(col, "TRY_CAST("+c+" AS DOUBLE) <= 0"); err != nil || ok {
			if err != nil {
				return err
			}
			return bad(col, "%s %s in data row %d is not positive", what, v.String, row)
		}
		return nil
	}
	if err := numeric(d.Weight, "weight"); err != nil {
		return err
	}
	for _, c := range append([]string{d.Strata, d.PSU}, s.By...) {
		if c == "" {
			continue
		}
		if row, _, ok, err := first(c, ident(c)+" IS NULL"); err != nil || ok {
			if err != nil {
				return err
			}
			return bad(c, "missing value in data row %d", row)
		}
	}
	for _, v := range s.Variables {
		if row, val, ok, err := first(v, unknownAnswer(v, s.Codes[v], s.types[v])); err != nil || ok {
			if err != nil {
				return err
			}
			return bad(v, "value %q in data row %d is not an answer code (%s)", val.String, row, s.Codes[v])
		}
	}
	if d.PSU != "" && d.Strata != "" && !d.Nest {
		var psu sql.NullString
		err := db.QueryRowContext(ctx, "SELECT CAST("+ident(d.PSU)+" AS VARCHAR) FROM "+s.source()+" GROUP BY 1 HAVING count(DISTINCT "+ident(d.Strata)+") > 1 ORDER BY 1 LIMIT 1").Scan(&psu)
		if err == nil {
			return bad(d.PSU, "PSU %q is in more than one stratum: PSU ids that repeat across strata need --nest", psu.String)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	if d.FPC != "" {
		if err := numeric(d.FPC, "fpc"); err != nil {
			return err
		}
		var h sql.NullString
		err := db.QueryRowContext(ctx, "SELECT CAST(_h AS VARCHAR) FROM (SELECT "+rawStrata(d)+" AS _h, CAST("+ident(d.FPC)+" AS DOUBLE) AS f FROM "+s.source()+") GROUP BY _h HAVING min(f) <> max(f) ORDER BY 1 LIMIT 1").Scan(&h)
		if err == nil {
			return bad(d.FPC, "fpc is not constant within stratum %q", h.String)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var maxf float64
		if err := db.QueryRowContext(ctx, "SELECT max(CAST("+ident(d.FPC)+" AS DOUBLE)) FROM "+s.source()).Scan(&maxf); err != nil {
			return err
		}
		if maxf > 1 {
			err := db.QueryRowContext(ctx, "SELECT CAST(_h AS VARCHAR) FROM (SELECT "+rawStrata(d)+" AS _h, "+rawPSU(d)+" AS _psu, CAST("+ident(d.FPC)+" AS DOUBLE) AS f FROM "+s.source()+") GROUP BY _h HAVING count(DISTINCT _psu) > max(f) ORDER BY 1 LIMIT 1").Scan(&h)
			if err == nil {
				return bad(d.FPC, "population size below the number of PSUs sampled in stratum %q", h.String)
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
	}
	return nil
}

// SQL is the estimation query. For each variable and domain it computes, in grouped sums, the
// weighted mean p = Σwy/Σw, its linearised values z_i = w_i (y_i - p)/Σw summed to PSU totals
// z_hi (rows outside the domain or missing the variable count zero, so every PSU of the full
// design is kept: Lumley 2010 §2.4; R's svyby and svymean(na.rm=TRUE)), and the variance
// Σ_h (1-f_h) n_h/(n_h-1) Σ_i (z_hi - z̄_h)², with n_h the PSUs of stratum h in the full design
// (Wolter 2007, eq. 6.2.2; R's survey:::onestrat). Σ_i (z_hi - z̄_h)² is taken as
// Σ z_hi² - (Σ z_hi)²/n_h so PSUs without members need no rows. 1-f_h is 1 without fpc,
// 1 - fpc for sampling fractions and (N_h - n_h)/N_h for population sizes. A stratum with one
// PSU contributes zero (lonely PSU "remove" and "certainty" alike, as in R); with "adjust" it
// contributes (1-f_h) z_h², its PSU total centred at the grand mean (0: the z sum to zero),
// and with "average" the variance is scaled by H/(H-L), H the strata with rows of the domain
// answering the variable and L the lonely ones among them (1-f_h ≥ 1e-7), so lonely strata get
// the average of the others (R's survey:::onestrat and onestage on svyby's and na.rm's row
// subsets, survey.adjust.domain.lonely FALSE: lonely means one PSU in the full design). It also returns the domain's degrees of freedom (PSUs minus strata among the
// domain's rows, R's degf of the domain's design), Σw(y-p)², for the design effect, and the
// domain's rows (with or without the variable: R's nrow of the domain's design), for the
// Korn-Graubard interval.
func SQL(s Spec, fraction bool) string {
	if s.Replicates != nil {
		return repSQL(s)
	}
	d := s.Design
	var dom []string
	var b strings.Builder
	// One pass over the file: per domain cell and PSU, the rows and, per variable, the summed
	// weights Σw, the weighted answers Σwy and the respondents of those who answered.
	b.WriteString("WITH psu AS MATERIALIZED (\n  SELECT ")
	for i, col := range s.By {
		dom = append(dom, fmt.Sprintf("_d%d", i))
		fmt.Fprintf(&b, "%s AS _d%d, ", ident(col), i)
	}
	b.WriteString("_h, _psu, count(*) AS nr, max(_fpc) AS fpc")
	for i := range s.Variables {
		fmt.Fprintf(&b, ",\n    sum(_w) FILTER (WHERE _y%d IS NOT NULL) AS w%d, sum(_w * _y%d) AS y%d, count(_y%d) AS n%d", i, i, i, i, i, i)
	}
	fpc := "NULL::DOUBLE"
	if d.FPC != "" {
		fpc = "CAST(" + ident(d.FPC) + " AS DOUBLE)"
	}
	b.WriteString("\n  FROM (SELECT *, CAST(" + ident(d.Weight) + " AS DOUBLE) AS _w, " + rawStrata(d) + " AS _h, " + rawPSU(d) + " AS _psu, " + fpc + " AS _fpc")
	for i, v := range s.Variables {
		fmt.Fprintf(&b, ", %s AS _y%d", indicator(v, s.Codes[v], s.types[v]), i)
	}
	b.WriteString(" FROM " + s.source() + ")\n  GROUP BY ALL),\n")
	cols := func(prefix string) string {
		var out []string
		for _, x := range dom {
			out = append(out, prefix+x)
		}
		if len(out) == 0 {
			return ""
		}
		return ", " + strings.Join(out, ", ")
	}
	b.WriteString("strata AS (SELECT _h, count(DISTINCT _psu) AS n_h, max(fpc) AS fpc FROM psu GROUP BY _h),\n")
	b.WriteString("degf AS (SELECT " + strings.TrimPrefix(cols("")+", ", ", ") + "count(*) - count(DISTINCT _h) AS df, sum(nr) AS nr FROM psu" + groupBy(dom) + "),\n")
	b.WriteString("long AS (\n")
	for i := range s.Variables {
		if i > 0 {
			b.WriteString("  UNION ALL\n")
		}
		fmt.Fprintf(&b, "  SELECT %d AS _v%s, _h, _psu, w%d AS pw, y%d AS py, n%d AS pn FROM psu WHERE n%d > 0\n", i, cols(""), i, i, i, i)
	}
	b.WriteString("),\n")
	// Σw(y-p)² = Σwy (1 - 2p) + p² Σw = Σwy (1 - p) for answers of 0 and 1.
	b.WriteString("est AS (SELECT _v" + cols("") + ", sum(py) / sum(pw) AS p, sum(pw) AS wn, sum(pn) AS n,\n")
	b.WriteString("    sum(py) * (1 - sum(py) / sum(pw)) AS ss FROM long GROUP BY _v" + cols("") + "),\n")
	on := "l._v = e._v"
	for _, x := range dom {
		on += " AND l." + x + " = e." + x
	}
	b.WriteString("z AS (SELECT l._v" + cols("l.") + ", l._h, (l.py - e.p * l.pw) / e.wn AS z FROM long l JOIN est e ON " + on + "),\n")
	var oneMinusF string
	switch {
	case d.FPC == "":
		oneMinusF = "1.0"
	case fraction:
		oneMinusF = "(1.0 - s.fpc)"
	default:
		oneMinusF = "((s.fpc - s.n_h) / s.fpc)"
	}
	lonelyScale, lonelyCentre := "0", "1.0"
	if d.Lonely == LonelyAdjust {
		lonelyScale, lonelyCentre = "any_value("+oneMinusF+")", "0.0"
	}
	b.WriteString("stratum AS (SELECT z._v" + cols("z.") + ", z._h, sum(z.z) AS sz, sum(z.z * z.z) AS szz, any_value(s.n_h) AS n_h,\n")
	b.WriteString("    CASE WHEN any_value(s.n_h) > 1 THEN any_value(" + oneMinusF + ") * any_value(s.n_h) / (any_value(s.n_h) - 1) ELSE " + lonelyScale + " END AS scale,\n")
	b.WriteString("    CASE WHEN any_value(s.n_h) > 1 THEN 1.0 ELSE " + lonelyCentre + " END AS centre, any_value(" + oneMinusF + ") AS f1\n")
	b.WriteString("  FROM z JOIN strata s ON z._h = s._h GROUP BY z._v" + cols("z.") + ", z._h),\n")
	factor := ""
	if d.Lonely == LonelyAverage {
		lonely := "count(*) FILTER (WHERE n_h = 1 AND f1 >= 1e-7)"
		factor = " * CASE WHEN count(*) > " + lonely + " THEN count(*)::DOUBLE / (count(*) - " + lonely + ") ELSE 'NaN'::DOUBLE END"
	}
	b.WriteString("var AS (SELECT _v" + cols("") + ", sum(scale * (szz - centre * sz * sz / n_h))" + factor + " AS v FROM stratum GROUP BY _v" + cols("") + ")\n")
	// Every variable in every domain cell with rows, those without respondents too (NULLs).
	onE, onV := "e._v = k._v", "v._v = k._v"
	outCols := ""
	for _, x := range dom {
		onE += " AND e." + x + " = g." + x
		onV += " AND v." + x + " = g." + x
		outCols += ", CAST(g." + x + " AS VARCHAR)"
	}
	fmt.Fprintf(&b, "SELECT k._v%s, e.p, greatest(v.v, 0) AS v, coalesce(e.n, 0), coalesce(e.wn, 0), g.df, e.ss, g.nr\n", outCols)
	fmt.Fprintf(&b, "FROM degf g CROSS JOIN (SELECT range AS _v FROM range(%d)) k LEFT JOIN est e ON %s LEFT JOIN var v ON %s\n", len(s.Variables), onE, onV)
	b.WriteString("ORDER BY k._v" + outCols + "\n")
	return b.String()
}

// rawStrata is the stratum of a row as the file has it, or one stratum.
func rawStrata(d Design) string {
	if d.Strata == "" {
		return "''"
	}
	return ident(d.Strata)
}

// rawPSU is the PSU of a row as the file has it, or the row itself.
func rawPSU(d Design) string {
	if d.PSU == "" {
		return "row_number() OVER ()"
	}
	return ident(d.PSU)
}

func groupBy(dom []string) string {
	if len(dom) == 0 {
		return ""
	}
	return " GROUP BY " + strings.Join(dom, ", ")
}

// Run checks the file and estimates every variable in every domain with the rule's flags.
// The standard error is the square root of the linearised variance (see SQL); the 95% interval
// is R's svyciprop(method="logit"): expit(logit p ± t(0.975, df) se/(p(1-p))) with df the
// degf of the domain's design (Korn & Graubard 1998 discuss the choice), or with
// Spec.Interval korn-graubard R's method="beta" (see KornGraubard); deff is R's
// svymean(deff=TRUE): v / (s² (W-n)/(W n)) with s² = n/(n-1) Σw(y-p)²/Σw, W the summed weights
// and n the respondents (the SRS without replacement variance at the estimated population size).
func Run(ctx context.Context, db *sql.DB, s Spec, rule FlagRule) ([]Estimate, error) {
	out, err := RunSets(ctx, db, s, [][]string{s.By}, rule)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// RunSets is Run for several domain sets (each a list of domain columns, crossed; none for the
// whole population), reading and checking the file once: out[i] are the estimates in sets[i].
// s.By is not used.
func RunSets(ctx context.Context, db *sql.DB, s Spec, sets [][]string, rule FlagRule) ([][]Estimate, error) {
	if len(s.Variables) == 0 {
		return nil, fmt.Errorf("no variables to estimate")
	}
	if s.Design.Weight == "" {
		return nil, fmt.Errorf("no weight column")
	}
	var err error
	if s.Interval, err = IntervalMethod(s.Interval); err != nil {
		return nil, err
	}
	for _, v := range s.Variables {
		if err := s.Codes[v].check(v); err != nil {
			return nil, err
		}
	}
	if s, err = Prepare(ctx, db, s); err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	s, drop, err := stage(ctx, conn, s)
	if err != nil {
		return nil, err
	}
	defer drop()
	// The checks see every domain column of every set.
	s.By = nil
	seen := map[string]bool{}
	for _, set := range sets {
		for _, c := range set {
			if !seen[c] {
				seen[c] = true
				s.By = append(s.By, c)
			}
		}
	}
	var estimate func(Spec) ([]Estimate, error)
	if s.Replicates != nil {
		scale, rscales, err := checkReplicates(ctx, conn, s)
		if err != nil {
			return nil, err
		}
		estimate = func(s Spec) ([]Estimate, error) { return estimateReplicates(ctx, conn, s, scale, rscales, rule) }
	} else {
		switch s.Design.Lonely {
		case "":
			s.Design.Lonely = LonelyFail
		case LonelyFail, LonelyRemove, LonelyCertainty, LonelyAdjust, LonelyAverage:
		default:
			return nil, fmt.Errorf("lonely PSU option %q: want %s", s.Design.Lonely, strings.Join(LonelyOptions, ", "))
		}
		fraction, h, err := check(ctx, conn, s)
		if err != nil {
			return nil, err
		}
		if s.Design.Lonely == LonelyFail {
			if h != "" {
				return nil, &InputError{s.Path, s.Design.Strata, fmt.Sprintf("stratum %q has only one PSU (use --lonely-psu remove, certainty, adjust or average)", h)}
			}
		}
		estimate = func(s Spec) ([]Estimate, error) { return estimateLinear(ctx, conn, s, fraction, rule) }
	}
	out := make([][]Estimate, len(sets))
	for i, set := range sets {
		one := s
		one.By = set
		if out[i], err = estimate(one); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// estimateLinear estimates a checked linearisation design in the domains of s.By.
func estimateLinear(ctx context.Context, conn *sql.Conn, s Spec, fraction bool, rule FlagRule) ([]Estimate, error) {
	rows, err := conn.QueryContext(ctx, SQL(s, fraction))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	defer rows.Close()
	var out []Estimate
	for rows.Next() {
		var v int
		dom := make([]string, len(s.By))
		var e Estimate
		var p, variance, ss sql.NullFloat64
		var nrows int64
		dest := []any{&v}
		for i := range dom {
			dest = append(dest, &dom[i])
		}
		dest = append(dest, &p, &variance, &e.N, &e.WeightedN, &e.DF, &ss, &nrows)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		e.Variable, e.Domain = s.Variables[v], dom
		if !p.Valid { // no one in the domain answered: nothing to estimate
			nan := math.NaN()
			e.Estimate, e.SE, e.CILow, e.CIHigh, e.Deff, e.CV = nan, nan, nan, nan, nan, nan
			e.Flag = rule.Flag(0, nan)
			out = append(out, e)
			continue
		}
		e.Estimate = p.Float64
		finish(&e, variance.Float64, ss.Float64, rule)
		if s.Interval == IntervalKornGraubard {
			e.CILow, e.CIHigh = KornGraubard(e.Estimate, variance.Float64, e.N, nrows, e.DF)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// finish derives se, the logit interval, deff, cv and the flag from the grouped sums.
func finish(e *Estimate, variance, ss float64, rule FlagRule) {
	p, n, w := e.Estimate, float64(e.N), e.WeightedN
	e.SE = math.Sqrt(variance)
	e.CV = e.SE / p
	if p == 0 {
		e.CV = math.NaN()
	}
	e.CILow, e.CIHigh = math.NaN(), math.NaN()
	if p > 0 && p < 1 && e.DF > 0 {
		t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(e.DF)}.Quantile(0.975)
		l, h := math.Log(p/(1-p)), t*e.SE/(p*(1-p))
		e.CILow, e.CIHigh = expit(l-h), expit(l+h)
	}
	e.Deff = math.NaN()
	if n > 1 && w > n {
		s2 := n / (n - 1) * ss / w
		e.Deff = variance / (s2 * (w - n) / (w * n))
	}
	e.Flag = rule.Flag(e.N, e.CV)
}

func expit(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// KornGraubard is the 95% Korn-Graubard (1998) interval of the proportion p with variance v,
// n respondents, nrows rows in the domain (with or without an answer) and df design degrees
// of freedom, as R's svyciprop(method="beta") computes it (survey 4.1): the effective sample
// size n* = p(1-p)/v · (t(0.025, nrows-1)/t(0.025, df))², then (qbeta(0.025, n*p, n*(1-p)+1),
// qbeta(0.975, n*p+1, n*(1-p))). When p is 0 or 1 the variance is 0 and R gives NaN; here, as
// the NCHS data presentation standards for proportions do (Parker et al. 2017), n* is then n
// (a design effect of 1) with the same df factor, and the interval is one-sided: [0, upper]
// for p = 0, [lower, 1] for p = 1. Without degrees of freedom, or with v = 0 and 0 < p < 1, it
// is NaN.
func KornGraubard(p, v float64, n, nrows, df int64) (lo, hi float64) {
	if df < 1 || nrows < 2 || math.IsNaN(p) || math.IsNaN(v) {
		return math.NaN(), math.NaN()
	}
	t := func(nu int64) float64 { return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(nu)}.Quantile(0.025) }
	adj := t(nrows-1) / t(df)
	var ne float64
	switch {
	case p <= 0 || p >= 1:
		ne = float64(n)
	case v > 0:
		ne = p * (1 - p) / v
	default:
		return math.NaN(), math.NaN()
	}
	ne *= adj * adj
	lo, hi = 0, 1
	if p > 0 {
		lo = distuv.Beta{Alpha: ne * p, Beta: ne*(1-p) + 1}.Quantile(0.025)
	}
	if p < 1 {
		hi = distuv.Beta{Alpha: ne*p + 1, Beta: ne * (1 - p)}.Quantile(0.975)
	}
	return lo, hi
}
