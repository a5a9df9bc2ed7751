package survey

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// Replicate weight types, as R's svrepdesign(type=...).
const (
	RepJK1       = "jk1"
	RepJKn       = "jkn"
	RepBRR       = "brr"
	RepFay       = "fay"
	RepBootstrap = "bootstrap"
	RepSDR       = "sdr" // successive difference replication, R's "successive-difference"
)

// Replicates describes a replicate-weight design, as R's svrepdesign(combined.weights=TRUE):
// the replicate weight columns (names or globs, matched in file order), the type, and the
// scale, rscales, rho and mse arguments. Scale 0 and nil RScales take R's defaults for the type.
type Replicates struct {
	Columns []string  `json:"columns"`
	Type    string    `json:"type"`
	Scale   float64   `json:"scale,omitempty"`
	RScales []float64 `json:"rscales,omitempty"`
	Rho     float64   `json:"rho,omitempty"`
	MSE     bool      `json:"mse"`
}

// columns lists the file's columns in order, and their types.
func columns(ctx context.Context, db Queryer, p string) ([]string, map[string]string, error) {
	rows, err := db.QueryContext(ctx, "DESCRIBE SELECT * FROM "+source(p))
	if err != nil {
		return nil, nil, &InputError{p, "", fmt.Sprintf("cannot read: %v", err)}
	}
	defer rows.Close()
	var out []string
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		var a, b, c, d sql.NullString
		if err := rows.Scan(&name, &typ, &a, &b, &c, &d); err != nil {
			return nil, nil, err
		}
		out = append(out, name)
		types[name] = typ
	}
	return out, types, rows.Err()
}

// Prepare reads what the estimation query depends on besides the spec: the file's column types
// and the replicate weight columns its patterns match (ResolveReplicates). Run prepares the
// spec itself; SQL needs a prepared one.
func Prepare(ctx context.Context, db Queryer, s Spec) (Spec, error) {
	if _, err := os.Stat(s.Path); err != nil {
		return s, &InputError{s.Path, "", "cannot read: no such file"}
	}
	_, types, err := columns(ctx, db, s.Path)
	if err != nil {
		return s, err
	}
	s.types = types
	return ResolveReplicates(ctx, db, s)
}

// ResolveReplicates replaces the replicate weight patterns of s by the matching column names,
// in file order, each once.
func ResolveReplicates(ctx context.Context, db Queryer, s Spec) (Spec, error) {
	if s.Replicates == nil {
		return s, nil
	}
	cols, _, err := columns(ctx, db, s.Path)
	if err != nil {
		return s, err
	}
	var out []string
	for _, c := range cols {
		for _, pat := range s.Replicates.Columns {
			if ok, err := path.Match(pat, c); err != nil {
				return s, fmt.Errorf("replicate weights pattern %q: %v", pat, err)
			} else if ok {
				out = append(out, c)
				break
			}
		}
	}
	if len(out) < 2 {
		return s, &InputError{s.Path, "", fmt.Sprintf("replicate weights %q match %d columns: need at least 2", strings.Join(s.Replicates.Columns, ","), len(out))}
	}
	r := *s.Replicates
	r.Columns = out
	s.Replicates = &r
	return s, nil
}

// scales returns scale and rscales for R replicates as R's svrepdesign sets them.
func (r Replicates) scales() (float64, []float64, error) {
	n := float64(len(r.Columns))
	scale, rscales := r.Scale, r.RScales
	if rscales != nil && len(rscales) != 1 && len(rscales) != len(r.Columns) {
		return 0, nil, fmt.Errorf("rscales has %d values: want 1 or %d (one per replicate)", len(rscales), len(r.Columns))
	}
	fixed := func() error {
		if r.Scale != 0 || r.RScales != nil {
			return fmt.Errorf("replicate type %s sets scale and rscales itself: do not give them", r.Type)
		}
		return nil
	}
	switch r.Type {
	case RepJK1:
		if scale == 0 {
			scale = (n - 1) / n
		}
	case RepJKn:
		if rscales == nil {
			return 0, nil, fmt.Errorf("replicate type jkn needs rscales ((n_h-1)/n_h of each replicate's stratum)")
		}
	case RepBRR:
		if err := fixed(); err != nil {
			return 0, nil, err
		}
		scale = 1 / n
	case RepFay:
		if err := fixed(); err != nil {
			return 0, nil, err
		}
		if !(r.Rho > 0 && r.Rho < 1) {
			return 0, nil, fmt.Errorf("replicate type fay needs rho in (0, 1)")
		}
		scale = 1 / (n * (1 - r.Rho) * (1 - r.Rho))
	case RepBootstrap:
		if scale == 0 {
			scale = 1 / (n - 1)
		}
	case RepSDR:
		if err := fixed(); err != nil {
			return 0, nil, err
		}
		scale = 4 / n
	default:
		return 0, nil, fmt.Errorf("replicate type %q: want jk1, jkn, brr, fay, bootstrap or sdr", r.Type)
	}
	if scale == 0 {
		scale = 1
	}
	full := make([]float64, len(r.Columns))
	for i := range full {
		switch len(rscales) {
		case 0:
			full[i] = 1
		case 1:
			full[i] = rscales[0]
		default:
			full[i] = rscales[i]
		}
	}
	return scale, full, nil
}

// repVar is R's survey:::svrVar: scale Σ_r rscales_r (θ_r - θ̄)², θ̄ the mean of the replicates
// with rscales > 0, or θ when mse. Replicates with a NaN estimate (no weight in the domain) are
// left out, as R drops NA replicates.
func repVar(thetas []float64, scale float64, rscales []float64, mse bool, theta float64) float64 {
	var th, rs []float64
	for i, t := range thetas {
		if !math.IsNaN(t) && !math.IsInf(t, 0) {
			th, rs = append(th, t), append(rs, rscales[i])
		}
	}
	centre := theta
	if !mse {
		var s float64
		var k int
		for i, t := range th {
			if rs[i] > 0 {
				s += t
				k++
			}
		}
		centre = s / float64(k)
	}
	var v float64
	for i, t := range th {
		v += rs[i] * (t - centre) * (t - centre)
	}
	return scale * v
}

// repSQL is the estimation query of a replicate design: for each variable and domain, in one
// grouped pass, Σwy, Σw, n and, for each replicate r, Σw_r y and Σw_r (rows missing the
// variable left out, as svymean(na.rm=TRUE); domains as svyby). The replicate estimates are
// θ_r = Σw_r y / Σw_r (Lumley 2010, ch. 2.3; Wolter 2007, ch. 3-5).
func repSQL(s Spec) string {
	var dom, domSel []string
	for i, b := range s.By {
		dom = append(dom, fmt.Sprintf("_d%d", i))
		domSel = append(domSel, "CAST("+ident(b)+" AS VARCHAR) AS "+dom[i])
	}
	dc := ""
	if len(dom) > 0 {
		dc = ", " + strings.Join(dom, ", ")
	}
	var b strings.Builder
	b.WriteString("WITH base AS (\n  SELECT CAST(" + ident(s.Design.Weight) + " AS DOUBLE) AS _w")
	for _, x := range domSel {
		b.WriteString(", " + x)
	}
	var reps []string
	for r, c := range s.Replicates.Columns {
		fmt.Fprintf(&b, ", CAST(%s AS DOUBLE) AS _r%d", ident(c), r)
		reps = append(reps, fmt.Sprintf("_r%d", r))
	}
	for i, v := range s.Variables {
		fmt.Fprintf(&b, ", %s AS _y%d", indicator(v, s.Codes[v], s.types[v]), i)
	}
	b.WriteString("\n  FROM " + s.source() + "),\n")
	b.WriteString("long AS (\n")
	for i := range s.Variables {
		if i > 0 {
			b.WriteString("  UNION ALL\n")
		}
		fmt.Fprintf(&b, "  SELECT %d AS _v%s, _w, %s, _y%d AS y FROM base WHERE _y%d IS NOT NULL\n", i, dc, strings.Join(reps, ", "), i, i)
	}
	b.WriteString(")\n")
	b.WriteString("SELECT _v" + dc + ", sum(_w * y), sum(_w), count(*)")
	for _, r := range reps {
		fmt.Fprintf(&b, ",\n  sum(%s * y), sum(%s)", r, r)
	}
	b.WriteString("\nFROM long GROUP BY _v" + dc + " ORDER BY _v" + dc + "\n")
	return b.String()
}

// gramChunk is the most sums one Gram query computes: DuckDB fails on SELECTs of tens of
// thousands of aggregates (200 replicates make 20,100 products).
const gramChunk = 1000

// gramSQL sums, per domain over all its rows, the products of replicate weights r ≤ s: the
// Gram matrix of the domain's replicate weights, whose rank is R's degf, in queries of at most
// gramChunk sums, the products in row-major order of the upper triangle; each query also
// counts the domain's rows.
func gramSQL(s Spec) []string {
	var dom []string
	sel := "SELECT "
	for i, b := range s.By {
		dom = append(dom, fmt.Sprintf("_d%d", i))
		sel += "CAST(" + ident(b) + " AS VARCHAR) AS " + dom[i] + ", "
	}
	var sums []string
	for i, a := range s.Replicates.Columns {
		for j := i; j < len(s.Replicates.Columns); j++ {
			sums = append(sums, "sum(CAST("+ident(a)+" AS DOUBLE) * CAST("+ident(s.Replicates.Columns[j])+" AS DOUBLE))")
		}
	}
	var out []string
	for len(sums) > 0 {
		part := append(sums[:min(gramChunk, len(sums)):min(gramChunk, len(sums))], "count(*)")
		sums = sums[min(gramChunk, len(sums)):]
		if len(dom) == 0 {
			out = append(out, "SELECT "+strings.Join(part, ", ")+" FROM "+s.source())
		} else {
			out = append(out, "SELECT "+strings.Join(dom, ", ")+", "+strings.Join(part, ", ")+" FROM ("+sel+"* FROM "+s.source()+") GROUP BY "+strings.Join(dom, ", "))
		}
	}
	return out
}

// gramRank is the rank of a matrix from its Gram matrix g (upper triangle, row by row), as R's
// qr(tol=1e-5) finds it: columns taken in order, a column whose norm orthogonal to the columns
// kept is below tol times its own norm is left out (LINPACK dqrdc2's limited pivoting).
func gramRank(g []float64, k int) int {
	G := make([][]float64, k)
	idx := 0
	for i := 0; i < k; i++ {
		G[i] = make([]float64, k)
	}
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			G[i][j], G[j][i] = g[idx], g[idx]
			idx++
		}
	}
	const tol = 1e-5
	var kept []int
	L := make([][]float64, k) // L[j][m]: coefficient of column j on the m-th kept direction
	for j := 0; j < k; j++ {
		L[j] = make([]float64, len(kept)+1)
		d := G[j][j]
		for m, c := range kept {
			x := G[j][c]
			for q := 0; q < m; q++ {
				x -= L[j][q] * L[c][q]
			}
			x /= L[c][m]
			L[j][m] = x
			d -= x * x
		}
		if G[j][j] > 0 && d > tol*tol*G[j][j] {
			L[j][len(kept)] = math.Sqrt(d)
			kept = append(kept, j)
		}
	}
	return len(kept)
}

// checkReplicates checks a replicate design and its file (check, and every replicate weight
// present and not negative) and returns the variance's scale and rscales.
func checkReplicates(ctx context.Context, db Queryer, s Spec) (scale float64, rscales []float64, err error) {
	d := s.Design
	if d.Strata != "" || d.PSU != "" || d.FPC != "" {
		return 0, nil, fmt.Errorf("replicate weights carry the design: do not give strata, PSU or fpc with them")
	}
	if scale, rscales, err = s.Replicates.scales(); err != nil {
		return 0, nil, err
	}
	if _, _, err := check(ctx, db, s); err != nil {
		return 0, nil, err
	}
	// Every replicate weight column's bad values, counted in one pass.
	counts := make([]string, len(s.Replicates.Columns))
	bad := make([]any, len(counts))
	for i, c := range s.Replicates.Columns {
		col := ident(c)
		counts[i] = "count(*) FILTER (WHERE " + col + " IS NULL OR TRY_CAST(" + col + " AS DOUBLE) IS NULL OR TRY_CAST(" + col + " AS DOUBLE) < 0)"
		bad[i] = new(int64)
	}
	if err := db.QueryRowContext(ctx, "SELECT "+strings.Join(counts, ", ")+" FROM "+s.source()).Scan(bad...); err != nil {
		return 0, nil, err
	}
	for i, c := range s.Replicates.Columns {
		if n := *bad[i].(*int64); n > 0 {
			return 0, nil, &InputError{s.Path, c, fmt.Sprintf("%d replicate weights missing, non-numeric or negative", n)}
		}
	}
	return scale, rscales, nil
}

// estimateReplicates estimates a checked replicate design (checkReplicates) in the domains of
// s.By. se is the square root of repVar of
// the replicate estimates; the 95% interval is R's svyciprop(method="logit") on a replicate
// design: expit(logit p ± t(0.975, df) √v_logit), v_logit repVar of logit θ_r (svyglm refits
// the intercept on each replicate), df the rank of the domain's replicate weights minus 1 (R's
// degf); deff is R's svymean(deff=TRUE) with the replicate variance. When a replicate's
// estimate is 0 or 1 the logit interval is not defined and is left empty (R's svyglm then
// returns a large finite coefficient and an interval near (0, 1)). With Spec.Interval
// korn-graubard the interval is KornGraubard of the replicate variance, as R's
// svyciprop(method="beta") on a replicate design.
func estimateReplicates(ctx context.Context, db Queryer, s Spec, scale float64, rscales []float64, rule FlagRule) ([]Estimate, error) {
	R := len(s.Replicates.Columns)
	// degrees of freedom per domain
	dfs, nrows := map[string]int64{}, map[string]int64{}
	grams := map[string][]float64{}
	for _, q := range gramSQL(s) {
		grows, err := db.QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Path, err)
		}
		cols, err := grows.Columns()
		if err != nil {
			grows.Close()
			return nil, err
		}
		for grows.Next() {
			dom := make([]string, len(s.By))
			var dest []any
			for i := range dom {
				dest = append(dest, &dom[i])
			}
			part := make([]float64, len(cols)-len(dom)-1)
			for i := range part {
				dest = append(dest, &part[i])
			}
			var nr int64
			if err := grows.Scan(append(dest, &nr)...); err != nil {
				grows.Close()
				return nil, err
			}
			k := strings.Join(dom, "\x00")
			grams[k] = append(grams[k], part...)
			nrows[k] = nr
		}
		grows.Close()
		if err := grows.Err(); err != nil {
			return nil, err
		}
	}
	for k, g := range grams {
		dfs[k] = int64(gramRank(g, R)) - 1
	}
	rows, err := db.QueryContext(ctx, repSQL(s))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	defer rows.Close()
	var out []Estimate
	for rows.Next() {
		var v int
		dom := make([]string, len(s.By))
		var e Estimate
		var wy float64
		sums := make([]float64, 2*R)
		dest := []any{&v}
		for i := range dom {
			dest = append(dest, &dom[i])
		}
		dest = append(dest, &wy, &e.WeightedN, &e.N)
		for i := range sums {
			dest = append(dest, &sums[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		e.Variable, e.Domain = s.Variables[v], dom
		e.DF = dfs[strings.Join(dom, "\x00")]
		p := wy / e.WeightedN
		e.Estimate = p
		thetas, logits := make([]float64, R), make([]float64, R)
		degenerate := false // a replicate estimate of 0 or 1: no finite logit
		for r := 0; r < R; r++ {
			thetas[r] = sums[2*r] / sums[2*r+1]
			logits[r] = math.Log(thetas[r] / (1 - thetas[r]))
			degenerate = degenerate || math.IsInf(logits[r], 0)
		}
		variance := repVar(thetas, scale, rscales, s.Replicates.MSE, p)
		ss := wy - wy*wy/e.WeightedN // Σw(y-p)² for 0/1 y
		finish(&e, variance, ss, rule)
		e.CILow, e.CIHigh = math.NaN(), math.NaN()
		if p > 0 && p < 1 && e.DF > 0 && !degenerate {
			t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(e.DF)}.Quantile(0.975)
			l := math.Log(p / (1 - p))
			h := t * math.Sqrt(repVar(logits, scale, rscales, s.Replicates.MSE, l))
			e.CILow, e.CIHigh = expit(l-h), expit(l+h)
		}
		if s.Interval == IntervalKornGraubard {
			e.CILow, e.CIHigh = KornGraubard(p, variance, e.N, nrows[strings.Join(dom, "\x00")], e.DF)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
