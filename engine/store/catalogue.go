package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// BuiltIn and UserDefined are who defined an indicator (store.indicators.defined_by).
const (
	BuiltIn     = "ictstat"
	UserDefined = "user"
)

// Definition is an indicator a user defines, with the codes other producers give it (their
// Target is the indicator's code).
type Definition struct {
	Indicator
	Codes []Alias
}

// Defined says what DefineIndicators did with each definition, by indicator code.
type Defined struct {
	Added, Unchanged, Replaced []string
}

// ErrDefinitionRefused marks definitions the store refuses (DefinitionErrors); nothing of them
// was defined.
var ErrDefinitionRefused = errors.New("indicator definitions refused")

// DefinitionError is one refused definition: the indicator, the column and value at fault, and
// why.
type DefinitionError struct {
	Code, Column, Value, Reason string
}

func (e DefinitionError) Error() string {
	return fmt.Sprintf("indicator %s, column %s, value %q: %s", e.Code, e.Column, e.Value, e.Reason)
}

// DefinitionErrors are every refused definition of a call to DefineIndicators.
type DefinitionErrors []DefinitionError

func (e DefinitionErrors) Error() string {
	msgs := make([]string, len(e))
	for i, d := range e {
		msgs[i] = d.Error()
	}
	return strings.Join(msgs, "\n")
}

func (e DefinitionErrors) Is(target error) bool { return target == ErrDefinitionRefused }

// DefineIndicators adds users' indicators to the catalogue, all of them or, when any is refused,
// none (one transaction); file is recorded as where they came from. An indicator of ictstat's
// own catalogue cannot be redefined. A user's indicator defined again with the same attributes
// and codes is left as it is; with others, it is refused unless replace is set, and even then
// when its observations would not fit it (another unit kind, values outside the new range). No
// indicator may take a code, in any case and scheme, that is another indicator's code or one of
// its codes in another scheme: files naming it would become ambiguous.
func (s *Store) DefineIndicators(ctx context.Context, defs []Definition, file string, replace bool) (Defined, error) {
	return s.defineIndicators(ctx, defs, file, replace, true)
}

// CheckDefinitions checks definitions as DefineIndicators does, and defines nothing: it returns
// the DefinitionErrors DefineIndicators would.
func (s *Store) CheckDefinitions(ctx context.Context, defs []Definition, replace bool) error {
	_, err := s.defineIndicators(ctx, defs, "", replace, false)
	if errors.Is(err, errChecked) {
		return nil
	}
	return err
}

// errChecked rolls back the transaction of a check.
var errChecked = errors.New("checked")

func (s *Store) defineIndicators(ctx context.Context, defs []Definition, file string, replace, commit bool) (Defined, error) {
	var done Defined
	err := s.withTx(ctx, func(conn *sql.Conn) error {
		cat, err := readCatalogue(ctx, conn)
		if err != nil {
			return err
		}
		var refused DefinitionErrors
		refuse := func(code, column, value, format string, args ...any) {
			refused = append(refused, DefinitionError{code, column, value, fmt.Sprintf(format, args...)})
		}
		var added [][]driver.Value
		var replaced []Definition
		next := cat.next
		seen := map[string]bool{}
		for _, d := range defs {
			d.DefinedBy, d.DefinedIn = UserDefined, file
			code := d.Code
			if seen[fold(code)] {
				refuse(code, "code", code, "defined twice")
				continue
			}
			seen[fold(code)] = true
			old, exists := cat.byCode[code]
			switch {
			case exists && old.ind.DefinedBy != UserDefined:
				refuse(code, "code", code, "%s is an indicator of ictstat's own catalogue, which cannot be redefined; choose another code", code)
				continue
			case !exists && cat.primary[fold(code)] != "":
				refuse(code, "code", code, "differs only in case from the indicator %s; codes match in any case", cat.primary[fold(code)])
				continue
			}
			if taken := cat.aliases[fold(code)]; taken.indicator != "" && taken.indicator != code {
				refuse(code, "code", code, "is already the %s code of the indicator %s", taken.scheme, taken.indicator)
				continue
			}
			ok := true
			for _, a := range d.Codes {
				column := schemeColumn(a.Scheme)
				if other := cat.primary[fold(a.Code)]; other != "" && other != code {
					refuse(code, column, a.Code, "is the code of the indicator %s", other)
					ok = false
				} else if taken := cat.aliases[fold(a.Code)]; taken.indicator != "" && taken.indicator != code {
					refuse(code, column, a.Code, "is already the %s code of the indicator %s", taken.scheme, taken.indicator)
					ok = false
				}
			}
			if !ok {
				continue
			}
			if !exists {
				added = append(added, indicatorRow(next, d.Indicator))
				cat.ids[code] = next
				next++
				done.Added = append(done.Added, code)
				continue
			}
			diff := differences(old, d)
			if len(diff) == 0 {
				done.Unchanged = append(done.Unchanged, code)
				continue
			}
			if !replace {
				refuse(code, diff[0].column, diff[0].value, "%s is defined already%s with %s; give --replace to replace its definition",
					code, old.where(), describe(diff))
				continue
			}
			if reason, err := observationsFit(ctx, conn, cat.ids[code], old.ind, d.Indicator); err != nil {
				return err
			} else if reason != "" {
				refuse(code, "unit_kind", d.UnitKind, "cannot replace the definition of %s: %s", code, reason)
				continue
			}
			replaced = append(replaced, d)
			done.Replaced = append(done.Replaced, code)
		}
		if len(refused) > 0 {
			return refused
		}
		if !commit {
			return errChecked
		}
		for _, d := range replaced {
			id := cat.ids[d.Code]
			row := indicatorRow(id, d.Indicator)
			args := append([]any{}, toAny(row[2:2+indicatorAttributes])...)
			args = append(args, toAny(row[2+indicatorAttributes:])...)
			if _, err := conn.ExecContext(ctx, `UPDATE store.indicators SET name = ?, unit = ?, unit_kind = ?, min_value = ?,
				max_value = ?, custodian = ?, sdg_indicator = ?, core_code = ?, description = ?, polarity = ?,
				aggregation = ?, weight = ?, defined_by = ?, defined_in = ?, defined_at = ? WHERE indicator_id = ?`, append(args, id)...); err != nil {
				return err
			}
			if _, err := conn.ExecContext(ctx, `DELETE FROM store.indicator_codes WHERE indicator_id = ?`, id); err != nil {
				return err
			}
		}
		var codes []Alias
		for _, d := range defs {
			if slicesContain(done.Unchanged, d.Code) {
				continue
			}
			for _, a := range d.Codes {
				codes = append(codes, Alias{Scheme: a.Scheme, Code: a.Code, Target: d.Code})
			}
		}
		err = withDriverConn(conn, func(drv driver.Conn) error {
			if err := appendRows(drv, "indicators", added); err != nil {
				return err
			}
			return appendAliases(drv, "indicator_codes", codes, cat.ids, "indicator")
		})
		if err != nil {
			return err
		}
		if len(replaced) > 0 {
			return refreshLabels(ctx, conn, 0)
		}
		return nil
	})
	if err != nil {
		return Defined{}, err
	}
	return done, nil
}

func toAny(vs []driver.Value) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

func slicesContain(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// schemeColumn is the column of a definition file, and of the indicators view, that holds the
// codes of a scheme.
func schemeColumn(scheme string) string {
	switch scheme {
	case "itu":
		return "itu_code"
	case "wdi":
		return "wdi_code"
	case "sdg":
		return "sdg_series"
	case "ddf":
		return "ddf_concept"
	}
	return scheme + "_code"
}

// catalogue is the store's indicator catalogue as DefineIndicators checks definitions against it.
type catalogue struct {
	byCode  map[string]storedIndicator
	ids     map[string]int32
	primary map[string]string // folded code → the indicator's code
	aliases map[string]alias  // folded code of another scheme → whose it is
	next    int32
}

type alias struct{ scheme, indicator string }

type storedIndicator struct {
	ind   Indicator
	codes []Alias
	at    sql.NullTime
}

// where says where and when a user's indicator was defined, for messages.
func (s storedIndicator) where() string {
	var w string
	if s.ind.DefinedIn != "" {
		w = " from " + s.ind.DefinedIn
	}
	if s.at.Valid {
		w += " on " + s.at.Time.Format("2006-01-02")
	}
	return w
}

func readCatalogue(ctx context.Context, conn *sql.Conn) (*catalogue, error) {
	cat := &catalogue{byCode: map[string]storedIndicator{}, ids: map[string]int32{}, primary: map[string]string{},
		aliases: map[string]alias{}, next: 1}
	err := ScanRows(ctx, conn, `SELECT indicator_id, code, name, unit, unit_kind, coalesce(min_value, -'Infinity'::DOUBLE),
			coalesce(max_value, 'Infinity'::DOUBLE), coalesce(custodian, ''), coalesce(sdg_indicator, ''), coalesce(core_code, ''),
			coalesce(description, ''), coalesce(polarity, ''), coalesce(aggregation, ''), coalesce(weight, ''),
			coalesce(defined_by, 'ictstat'), coalesce(defined_in, ''), defined_at
		FROM store.indicators`, func(r *sql.Rows) error {
		var id int32
		var s storedIndicator
		i := &s.ind
		if err := r.Scan(&id, &i.Code, &i.Name, &i.Unit, &i.UnitKind, &i.Min, &i.Max, &i.Custodian, &i.SDGIndicator, &i.CoreCode,
			&i.Description, &i.Polarity, &i.Aggregation, &i.Weight, &i.DefinedBy, &i.DefinedIn, &s.at); err != nil {
			return err
		}
		cat.byCode[i.Code] = s
		cat.ids[i.Code] = id
		cat.primary[fold(i.Code)] = i.Code
		cat.next = max(cat.next, id+1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = ScanRows(ctx, conn, `SELECT c.scheme, c.code, i.code FROM store.indicator_codes c JOIN store.indicators i USING (indicator_id)
		ORDER BY c.scheme, c.code`, func(r *sql.Rows) error {
		var a Alias
		if err := r.Scan(&a.Scheme, &a.Code, &a.Target); err != nil {
			return err
		}
		s := cat.byCode[a.Target]
		s.codes = append(s.codes, a)
		cat.byCode[a.Target] = s
		if _, taken := cat.aliases[fold(a.Code)]; !taken {
			cat.aliases[fold(a.Code)] = alias{a.Scheme, a.Target}
		}
		return nil
	})
	return cat, err
}

// difference is an attribute of a definition that differs from the stored one.
type difference struct{ column, value, stored string }

// differences lists the attributes and codes of d that differ from old's.
func differences(old storedIndicator, d Definition) []difference {
	var out []difference
	text := func(column, was, is string) {
		if was != is {
			out = append(out, difference{column, is, was})
		}
	}
	o, n := old.ind, d.Indicator
	text("name", o.Name, n.Name)
	text("unit", o.Unit, n.Unit)
	text("unit_kind", o.UnitKind, n.UnitKind)
	text("min", boundString(o.Min), boundString(n.Min))
	text("max", boundString(o.Max), boundString(n.Max))
	text("polarity", o.Polarity, n.Polarity)
	text("aggregation", o.Aggregation, n.Aggregation)
	text("weight", o.Weight, n.Weight)
	text("custodian", o.Custodian, n.Custodian)
	text("sdg_indicator", o.SDGIndicator, n.SDGIndicator)
	text("core_code", o.CoreCode, n.CoreCode)
	text("description", o.Description, n.Description)
	for _, scheme := range []string{"itu", "wdi", "sdg", "ddf"} {
		text(schemeColumn(scheme), codesOf(old.codes, scheme), codesOf(d.Codes, scheme))
	}
	return out
}

func codesOf(codes []Alias, scheme string) string {
	var out []string
	for _, c := range codes {
		if c.Scheme == scheme {
			out = append(out, c.Code)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

func boundString(x float64) string {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return ""
	}
	return fmt.Sprint(x)
}

// describe says how a definition differs, e.g. `another name ("A" now, "B" in the file)`.
func describe(diff []difference) string {
	var parts []string
	for _, d := range diff {
		parts = append(parts, fmt.Sprintf("another %s (%q now, %q in the file)", d.column, d.stored, d.value))
	}
	if len(parts) > 3 {
		parts = append(parts[:3], fmt.Sprintf("%d more", len(parts)-3))
	}
	return strings.Join(parts, ", ")
}

// observationsFit says why the observations of an indicator would not fit its new definition:
// another unit kind, or values outside the new range; "" when they fit.
func observationsFit(ctx context.Context, conn *sql.Conn, id int32, old, now Indicator) (string, error) {
	var n, outside int64
	err := conn.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE o.value < ? OR o.value > ?)
		FROM store.observations o JOIN store.series s USING (series_id) WHERE s.indicator_id = ?`,
		now.Min, now.Max, id).Scan(&n, &outside)
	if err != nil || n == 0 {
		return "", err
	}
	if old.UnitKind != now.UnitKind {
		return fmt.Sprintf("its %d observations are in %s, not %s", n, old.UnitKind, now.UnitKind), nil
	}
	if outside > 0 {
		return fmt.Sprintf("%d of its %d observations lie outside the range %s–%s", outside, n, boundString(now.Min), boundString(now.Max)), nil
	}
	return "", nil
}
