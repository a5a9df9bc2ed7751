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
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// Lonely PSU options, as R's options(survey.lonely.psu).
const (
	LonelyFail      = "fail"      // R's default: a stratum with one PSU is an error
	LonelyRemove    = "remove"    // the stratum contributes no variance
	LonelyCertainty = "certainty" // the PSU is taken with certainty: no variance
)

// Design describes the sample design: the weight column, and optionally the strata, the PSU
// (cluster) and the fpc columns. PSU ids are unique only within strata when Nest is true, as
// svydesign(nest=TRUE); otherwise a PSU id found in two strata is an error, as in R.
type Design struct {
	Weight, Strata, PSU, FPC string
	Nest                     bool
	Lonely                   string // fail (default), remove or certainty
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

// indicator maps 1/0, yes/no, true/false (any case, blanks trimmed) to 1.0/0.0 and everything
// else to NULL.
func indicator(col string) string {
	return "CASE lower(trim(CAST(" + ident(col) + " AS VARCHAR))) WHEN '1' THEN 1.0 WHEN '1.0' THEN 1.0 WHEN 'yes' THEN 1.0 WHEN 'true' THEN 1.0 " +
		"WHEN '0' THEN 0.0 WHEN '0.0' THEN 0.0 WHEN 'no' THEN 0.0 WHEN 'false' THEN 0.0 END"
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
// strata, PSUs and domains without missing values, PSUs nested in strata, variables 0/1/yes/no,
// fpc constant within strata and not below the stratum's PSU count. It reports whether fpc
// values are sampling fractions (all ≤ 1, as R's svydesign takes them).
func check(ctx context.Context, db *sql.DB, s Spec) (fraction bool, err error) {
	bad := func(col, format string, args ...any) error {
		return &InputError{s.Path, col, fmt.Sprintf(format, args...)}
	}
	rows, err := db.QueryContext(ctx, "DESCRIBE SELECT * FROM "+source(s.Path))
	if err != nil {
		return false, bad("", "cannot read: %v", err)
	}
	have := map[string]bool{}
	for rows.Next() {
		var name, typ string
		var a, b, c, d sql.NullString
		if err := rows.Scan(&name, &typ, &a, &b, &c, &d); err != nil {
			rows.Close()
			return false, err
		}
		have[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, bad("", "cannot read: %v", err)
	}
	d := s.Design
	need := append([]string{d.Weight, d.Strata, d.PSU, d.FPC}, s.Variables...)
	need = append(need, s.By...)
	for _, c := range need {
		if c != "" && !have[c] {
			return false, bad(c, "no such column")
		}
	}
	numbered := "(SELECT row_number() OVER () AS _row, * FROM " + source(s.Path) + ")"
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
		return false, err
	}
	for _, c := range append([]string{d.Strata, d.PSU}, s.By...) {
		if c == "" {
			continue
		}
		if row, _, ok, err := first(c, ident(c)+" IS NULL"); err != nil || ok {
			if err != nil {
				return false, err
			}
			return false, bad(c, "missing value in data row %d", row)
		}
	}
	for _, v := range s.Variables {
		c := ident(v)
		if row, val, ok, err := first(v, c+" IS NOT NULL AND trim(CAST("+c+" AS VARCHAR)) <> '' AND ("+indicator(v)+") IS NULL"); err != nil || ok {
			if err != nil {
				return false, err
			}
			return false, bad(v, "value %q in data row %d is not 0/1 or yes/no", val.String, row)
		}
	}
	if d.PSU != "" && d.Strata != "" && !d.Nest {
		var psu sql.NullString
		err := db.QueryRowContext(ctx, "SELECT CAST("+ident(d.PSU)+" AS VARCHAR) FROM "+source(s.Path)+" GROUP BY 1 HAVING count(DISTINCT "+ident(d.Strata)+") > 1 ORDER BY 1 LIMIT 1").Scan(&psu)
		if err == nil {
			return false, bad(d.PSU, "PSU %q is in more than one stratum: PSU ids that repeat across strata need --nest", psu.String)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
	}
	if d.FPC != "" {
		if err := numeric(d.FPC, "fpc"); err != nil {
			return false, err
		}
		var h sql.NullString
		err := db.QueryRowContext(ctx, "SELECT CAST(_h AS VARCHAR) FROM (SELECT "+strataExpr(d)+" AS _h, CAST("+ident(d.FPC)+" AS DOUBLE) AS f FROM "+source(s.Path)+") GROUP BY _h HAVING min(f) <> max(f) ORDER BY 1 LIMIT 1").Scan(&h)
		if err == nil {
			return false, bad(d.FPC, "fpc is not constant within stratum %q", h.String)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
		var maxf float64
		if err := db.QueryRowContext(ctx, "SELECT max(CAST("+ident(d.FPC)+" AS DOUBLE)) FROM "+source(s.Path)).Scan(&maxf); err != nil {
			return false, err
		}
		fraction = maxf <= 1
		if !fraction {
			err := db.QueryRowContext(ctx, "SELECT CAST(_h AS VARCHAR) FROM (SELECT "+strataExpr(d)+" AS _h, "+psuExpr(d)+" AS _psu, CAST("+ident(d.FPC)+" AS DOUBLE) AS f FROM "+source(s.Path)+") GROUP BY _h HAVING count(DISTINCT _psu) > max(f) ORDER BY 1 LIMIT 1").Scan(&h)
			if err == nil {
				return false, bad(d.FPC, "population size below the number of PSUs sampled in stratum %q", h.String)
			} else if !errors.Is(err, sql.ErrNoRows) {
				return false, err
			}
		}
	}
	return fraction, nil
}

// strataExpr is the stratum of a row: the strata column as text, or one stratum.
func strataExpr(d Design) string {
	if d.Strata == "" {
		return "''"
	}
	return "CAST(" + ident(d.Strata) + " AS VARCHAR)"
}

// psuExpr is the PSU of a row: the PSU column as text, or the row itself.
func psuExpr(d Design) string {
	if d.PSU == "" {
		return "CAST(row_number() OVER () AS VARCHAR)"
	}
	return "CAST(" + ident(d.PSU) + " AS VARCHAR)"
}

// SQL is the estimation query. For each variable and domain it computes, in grouped sums, the
// weighted mean p = Σwy/Σw, its linearised values z_i = w_i (y_i - p)/Σw summed to PSU totals
// z_hi (rows outside the domain or missing the variable count zero, so every PSU of the full
// design is kept: Lumley 2010 §2.4; R's svyby and svymean(na.rm=TRUE)), and the variance
// Σ_h (1-f_h) n_h/(n_h-1) Σ_i (z_hi - z̄_h)², with n_h the PSUs of stratum h in the full design
// (Wolter 2007, eq. 6.2.2; R's survey:::onestrat). Σ_i (z_hi - z̄_h)² is taken as
// Σ z_hi² - (Σ z_hi)²/n_h so PSUs without members need no rows. 1-f_h is 1 without fpc,
// 1 - fpc for sampling fractions and (N_h - n_h)/N_h for population sizes. A stratum with one
// PSU contributes zero (lonely PSU "remove" and "certainty" alike, as in R). It also returns
// the domain's degrees of freedom (PSUs minus strata among the domain's rows, R's degf of the
// domain's design) and Σw(y-p)², for the design effect.
func SQL(s Spec, fraction bool) string {
	if s.Replicates != nil {
		return repSQL(s)
	}
	d := s.Design
	var dom, domSel, domL []string
	for i, b := range s.By {
		name := fmt.Sprintf("_d%d", i)
		dom = append(dom, name)
		domSel = append(domSel, "CAST("+ident(b)+" AS VARCHAR) AS "+name)
		domL = append(domL, "l."+name)
	}
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
	fpc := "NULL::DOUBLE"
	if d.FPC != "" {
		fpc = "CAST(" + ident(d.FPC) + " AS DOUBLE)"
	}
	var b strings.Builder
	b.WriteString("WITH base AS (\n  SELECT CAST(" + ident(d.Weight) + " AS DOUBLE) AS _w, " + strataExpr(d) + " AS _h, " + psuExpr(d) + " AS _psu, " + fpc + " AS _fpc")
	for _, x := range domSel {
		b.WriteString(", " + x)
	}
	for i, v := range s.Variables {
		fmt.Fprintf(&b, ", %s AS _y%d", indicator(v), i)
	}
	b.WriteString("\n  FROM " + source(s.Path) + "),\n")
	b.WriteString("strata AS (SELECT _h, count(DISTINCT _psu) AS n_h, max(_fpc) AS fpc FROM base GROUP BY _h),\n")
	b.WriteString("degf AS (SELECT " + strings.TrimPrefix(cols("")+", ", ", ") + "count(DISTINCT (_h, _psu)) - count(DISTINCT _h) AS df FROM base" + groupBy(dom) + "),\n")
	b.WriteString("long AS (\n")
	for i := range s.Variables {
		if i > 0 {
			b.WriteString("  UNION ALL\n")
		}
		fmt.Fprintf(&b, "  SELECT %d AS _v, _h, _psu, _w%s, _y%d AS y FROM base WHERE _y%d IS NOT NULL\n", i, cols(""), i, i)
	}
	b.WriteString("),\n")
	b.WriteString("est AS (SELECT _v" + cols("") + ", sum(_w * y) / sum(_w) AS p, sum(_w) AS wn, count(*) AS n FROM long GROUP BY _v" + cols("") + "),\n")
	on := "l._v = e._v"
	for _, x := range dom {
		on += " AND l." + x + " = e." + x
	}
	b.WriteString("psu AS (SELECT l._v" + cols("l.") + ", l._h, l._psu, sum(l._w * (l.y - e.p)) / any_value(e.wn) AS z, sum(l._w * (l.y - e.p) * (l.y - e.p)) AS ss\n  FROM long l JOIN est e ON " + on + " GROUP BY l._v" + cols("l.") + ", l._h, l._psu),\n")
	var oneMinusF string
	switch {
	case d.FPC == "":
		oneMinusF = "1.0"
	case fraction:
		oneMinusF = "(1.0 - s.fpc)"
	default:
		oneMinusF = "((s.fpc - s.n_h) / s.fpc)"
	}
	b.WriteString("stratum AS (SELECT p._v" + cols("p.") + ", p._h, sum(p.z) AS sz, sum(p.z * p.z) AS szz, sum(p.ss) AS ss, any_value(s.n_h) AS n_h,\n")
	b.WriteString("    CASE WHEN any_value(s.n_h) > 1 THEN any_value(" + oneMinusF + ") * any_value(s.n_h) / (any_value(s.n_h) - 1) ELSE 0 END AS scale\n")
	b.WriteString("  FROM psu p JOIN strata s ON p._h = s._h GROUP BY p._v" + cols("p.") + ", p._h),\n")
	b.WriteString("var AS (SELECT _v" + cols("") + ", sum(scale * (szz - sz * sz / n_h)) AS v, sum(ss) AS ss FROM stratum GROUP BY _v" + cols("") + ")\n")
	on2 := "v._v = e._v"
	for _, x := range dom {
		on2 += " AND v." + x + " = e." + x
	}
	dfJoin := "CROSS JOIN degf g"
	if len(dom) > 0 {
		var c []string
		for _, x := range dom {
			c = append(c, "e."+x+" = g."+x)
		}
		dfJoin = "JOIN degf g ON " + strings.Join(c, " AND ")
	}
	b.WriteString("SELECT e._v" + cols("e.") + ", e.p, greatest(v.v, 0) AS v, e.n, e.wn, g.df, v.ss\nFROM est e JOIN var v ON " + on2 + " " + dfJoin + "\nORDER BY e._v" + cols("e.") + "\n")
	return b.String()
}

func groupBy(dom []string) string {
	if len(dom) == 0 {
		return ""
	}
	return " GROUP BY " + strings.Join(dom, ", ")
}

// lonelyStratum returns a stratum with one PSU in the design, or "".
func lonelyStratum(ctx context.Context, db *sql.DB, s Spec) (string, error) {
	var h string
	err := db.QueryRowContext(ctx, "SELECT _h FROM (SELECT "+strataExpr(s.Design)+" AS _h, "+psuExpr(s.Design)+" AS _psu FROM "+source(s.Path)+") GROUP BY _h HAVING count(DISTINCT _psu) = 1 ORDER BY _h LIMIT 1").Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return h, err
}

// Run checks the file and estimates every variable in every domain with the rule's flags.
// The standard error is the square root of the linearised variance (see SQL); the 95% interval
// is R's svyciprop(method="logit"): expit(logit p ± t(0.975, df) se/(p(1-p))) with df the
// degf of the domain's design (Korn & Graubard 1998 discuss the choice); deff is R's
// svymean(deff=TRUE): v / (s² (W-n)/(W n)) with s² = n/(n-1) Σw(y-p)²/Σw, W the summed weights
// and n the respondents (the SRS without replacement variance at the estimated population size).
func Run(ctx context.Context, db *sql.DB, s Spec, rule FlagRule) ([]Estimate, error) {
	if len(s.Variables) == 0 {
		return nil, fmt.Errorf("no variables to estimate")
	}
	if s.Replicates != nil {
		return runReplicate(ctx, db, s, rule)
	}
	switch s.Design.Lonely {
	case "":
		s.Design.Lonely = LonelyFail
	case LonelyFail, LonelyRemove, LonelyCertainty:
	default:
		return nil, fmt.Errorf("lonely PSU option %q: want fail, remove or certainty", s.Design.Lonely)
	}
	fraction, err := check(ctx, db, s)
	if err != nil {
		return nil, err
	}
	if s.Design.Lonely == LonelyFail {
		h, err := lonelyStratum(ctx, db, s)
		if err != nil {
			return nil, err
		}
		if h != "" {
			return nil, &InputError{s.Path, s.Design.Strata, fmt.Sprintf("stratum %q has only one PSU (use --lonely-psu remove or certainty)", h)}
		}
	}
	rows, err := db.QueryContext(ctx, SQL(s, fraction))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	defer rows.Close()
	var out []Estimate
	for rows.Next() {
		var v int
		dom := make([]string, len(s.By))
		var e Estimate
		var variance, ss float64
		dest := []any{&v}
		for i := range dom {
			dest = append(dest, &dom[i])
		}
		dest = append(dest, &e.Estimate, &variance, &e.N, &e.WeightedN, &e.DF, &ss)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		e.Variable, e.Domain = s.Variables[v], dom
		finish(&e, variance, ss, rule)
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
