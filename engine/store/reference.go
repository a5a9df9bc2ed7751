package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ictstat/ictstat/engine/validate"
)

// Indicator is one entry of the indicator catalogue.
type Indicator struct {
	Code, Name, Unit string
	UnitKind         string  // percent, per100, count, pct_gni, usd, ppp
	Min, Max         float64 // valid range; ±Inf when open
	Polarity         string  // higher, lower or neutral
	Aggregation      string  // weighted_mean, sum or median
	Weight           string  // population or households, for a weighted_mean
	Custodian        string
	SDGIndicator     string
	CoreCode         string
	Description      string
	// DefinedBy is "ictstat" for the catalogue shipped with the program ("" reads as it), "user"
	// for indicators users define (DefineIndicators); DefinedIn is the file a user's came from.
	DefinedBy, DefinedIn string
}

// Alias is another code for an indicator, economy or group (Target, by its primary code) in a
// scheme such as wdi, itu, sdg, ddf or m49.
type Alias struct {
	Scheme, Code, Target string
}

// Economy is a country or territory.
type Economy struct {
	ISO3, ISO2            string
	M49                   int // 0 when it has none
	Name                  string
	UNRegion, UNSubregion string
	ITURegion             string // AFR, AMS, ARB, ASP, CIS, EUR; "" when not known
	LDC, LLDC, SIDS       bool
}

// Group is a set of economies, or an aggregate a source publishes (kind "source").
type Group struct {
	Code, Name, Kind, DefinedBy string
}

// Member puts an economy in a group for a span of years (0: open-ended). A membership without a
// last year is part of the group's current composition, which aggregates apply to every year by
// default; the spans give each year's composition (the historical one).
type Member struct {
	Group, Economy      string
	FirstYear, LastYear int
	Basis               string // where the membership comes from, when the group's definition does not say: a source, "inferred: ...", a graduation
}

// IncomeGroup is an economy's World Bank income group in one fiscal year.
type IncomeGroup struct {
	Economy             string
	FiscalYear, GNIYear int
	Group               string // L, LM, UM, H
}

// Reference is the reference data a store holds: the catalogue, economies and groups.
type Reference struct {
	Indicators     []Indicator
	IndicatorCodes []Alias
	Economies      []Economy
	EconomyCodes   []Alias
	Groups         []Group
	GroupCodes     []Alias
	Members        []Member
	IncomeGroups   []IncomeGroup
}

// PutReference writes the reference data into a database that has none yet, in one transaction.
// Keys are assigned in the order given, starting at 1.
func (s *Store) PutReference(ctx context.Context, ref Reference) error {
	return s.withTx(ctx, func(conn *sql.Conn) error {
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM store.indicators`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("the database already holds reference data")
		}
		if err := withDriverConn(conn, func(drv driver.Conn) error { return putReference(drv, ref) }); err != nil {
			return err
		}
		return refreshLabels(ctx, conn, 0)
	})
}

func putReference(drv driver.Conn, ref Reference) error {
	indID := map[string]int32{}
	var rows [][]driver.Value
	for i, ind := range ref.Indicators {
		id := int32(i + 1)
		if _, dup := indID[ind.Code]; dup {
			return fmt.Errorf("indicator %s is listed twice", ind.Code)
		}
		indID[ind.Code] = id
		rows = append(rows, indicatorRow(id, ind))
	}
	if err := appendRows(drv, "indicators", rows); err != nil {
		return err
	}
	if err := appendAliases(drv, "indicator_codes", ref.IndicatorCodes, indID, "indicator"); err != nil {
		return err
	}

	ecoID := map[string]int32{}
	rows = rows[:0]
	for i, e := range ref.Economies {
		id := int32(i + 1)
		if _, dup := ecoID[e.ISO3]; dup {
			return fmt.Errorf("economy %s is listed twice", e.ISO3)
		}
		ecoID[e.ISO3] = id
		var m49 driver.Value
		if e.M49 > 0 {
			m49 = int16(e.M49)
		}
		rows = append(rows, []driver.Value{id, e.ISO3, nullable(e.ISO2), m49, e.Name, nullable(e.UNRegion),
			nullable(e.UNSubregion), nullable(e.ITURegion), e.LDC, e.LLDC, e.SIDS})
	}
	if err := appendRows(drv, "economies", rows); err != nil {
		return err
	}
	if err := appendAliases(drv, "economy_codes", ref.EconomyCodes, ecoID, "economy"); err != nil {
		return err
	}

	grpID := map[string]int32{}
	rows = rows[:0]
	for i, g := range ref.Groups {
		id := int32(i + 1)
		if _, dup := grpID[g.Code]; dup {
			return fmt.Errorf("group %s is listed twice", g.Code)
		}
		grpID[g.Code] = id
		rows = append(rows, []driver.Value{id, g.Code, g.Name, g.Kind, nullable(g.DefinedBy)})
	}
	if err := appendRows(drv, "groups", rows); err != nil {
		return err
	}
	if err := appendAliases(drv, "group_codes", ref.GroupCodes, grpID, "group"); err != nil {
		return err
	}
	rows = rows[:0]
	for _, m := range ref.Members {
		g, ok := grpID[m.Group]
		e, ok2 := ecoID[m.Economy]
		if !ok || !ok2 {
			return fmt.Errorf("membership of %s in %s: unknown economy or group", m.Economy, m.Group)
		}
		rows = append(rows, []driver.Value{g, e, year(m.FirstYear), year(m.LastYear), nullable(m.Basis)})
	}
	if err := appendRows(drv, "group_members", rows); err != nil {
		return err
	}
	rows = rows[:0]
	for _, ig := range ref.IncomeGroups {
		e, ok := ecoID[ig.Economy]
		if !ok {
			return fmt.Errorf("income group of unknown economy %s", ig.Economy)
		}
		rows = append(rows, []driver.Value{e, int16(ig.FiscalYear), int16(ig.GNIYear), ig.Group})
	}
	if err := appendRows(drv, "income_groups", rows); err != nil {
		return err
	}

	rows = rows[:0]
	for _, c := range validate.CodeLists {
		if c.Dimension == "unit" {
			continue
		}
		rows = append(rows, []driver.Value{c.Dimension, int16(c.ID), c.Code, c.Label})
	}
	rows = append(rows, []driver.Value{"age", int16(0), validate.AgeTotal, "All ages"})
	return appendRows(drv, "codes", rows)
}

// indicatorRow is an indicator as store.indicators holds it, in column order: the attributes
// (indicatorAttributes of them, after id and code), then who defined it, where and when.
func indicatorRow(id int32, ind Indicator) []driver.Value {
	by, at := ind.DefinedBy, driver.Value(nil)
	if by == "" {
		by = BuiltIn
	}
	if by != BuiltIn {
		at = time.Now().UTC()
	}
	return []driver.Value{id, ind.Code, ind.Name, ind.Unit, ind.UnitKind, bound(ind.Min), bound(ind.Max),
		nullable(ind.Custodian), nullable(ind.SDGIndicator), nullable(ind.CoreCode), nullable(ind.Description),
		nullable(ind.Polarity), nullable(ind.Aggregation), nullable(ind.Weight),
		by, nullable(ind.DefinedIn), at}
}

// indicatorAttributes is the number of an indicator's attributes in indicatorRow, after its id
// and code: name to weight.
const indicatorAttributes = 12

// SyncCatalogue brings the database's indicator catalogue up to inds and codes, in one
// transaction: indicators are matched by code and keep their keys, new ones are added, and the
// codes of other schemes are replaced. Indicators the catalogue no longer lists are kept.
func (s *Store) SyncCatalogue(ctx context.Context, inds []Indicator, codes []Alias) error {
	return s.withTx(ctx, func(conn *sql.Conn) error {
		ids := map[string]int32{}
		next := int32(1)
		err := ScanRows(ctx, conn, `SELECT indicator_id, code FROM store.indicators`, func(r *sql.Rows) error {
			var id int32
			var code string
			if err := r.Scan(&id, &code); err != nil {
				return err
			}
			ids[code] = id
			next = max(next, id+1)
			return nil
		})
		if err != nil {
			return err
		}
		var added [][]driver.Value
		for _, ind := range inds {
			id, ok := ids[ind.Code]
			if !ok {
				id, next = next, next+1
				ids[ind.Code] = id
				added = append(added, indicatorRow(id, ind))
				continue
			}
			var args []any
			for _, v := range indicatorRow(id, ind)[2 : 2+indicatorAttributes] {
				args = append(args, v)
			}
			if _, err := conn.ExecContext(ctx, `UPDATE store.indicators SET name = ?, unit = ?, unit_kind = ?, min_value = ?,
				max_value = ?, custodian = ?, sdg_indicator = ?, core_code = ?, description = ?, polarity = ?,
				aggregation = ?, weight = ? WHERE indicator_id = ?`, append(args, id)...); err != nil {
				return err
			}
		}
		if _, err := conn.ExecContext(ctx, `DELETE FROM store.indicator_codes`); err != nil {
			return err
		}
		err = withDriverConn(conn, func(drv driver.Conn) error {
			if err := appendRows(drv, "indicators", added); err != nil {
				return err
			}
			return appendAliases(drv, "indicator_codes", codes, ids, "indicator")
		})
		if err != nil {
			return err
		}
		return refreshLabels(ctx, conn, 0)
	})
}

func appendAliases(drv driver.Conn, table string, aliases []Alias, ids map[string]int32, what string) error {
	var rows [][]driver.Value
	seen := map[[2]string]bool{}
	for _, a := range aliases {
		id, ok := ids[a.Target]
		if !ok {
			return fmt.Errorf("%s code %s:%s names unknown %s %s", what, a.Scheme, a.Code, what, a.Target)
		}
		k := [2]string{a.Scheme, a.Code}
		if seen[k] {
			return fmt.Errorf("%s code %s:%s is listed twice", what, a.Scheme, a.Code)
		}
		seen[k] = true
		rows = append(rows, []driver.Value{a.Scheme, a.Code, id})
	}
	return appendRows(drv, table, rows)
}

func bound(v float64) driver.Value {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return v
}

func nullable(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

func year(y int) driver.Value {
	if y == 0 {
		return nil
	}
	return int16(y)
}

// withDriverConn gives fn the driver connection under conn, for DuckDB's appender. fn must not use
// conn itself: database/sql holds conn while fn runs.
func withDriverConn(conn *sql.Conn, fn func(driver.Conn) error) error {
	return conn.Raw(func(dc any) error { return fn(dc.(driver.Conn)) })
}

// appendEach bulk-inserts n rows into store.table through DuckDB's appender, row(i, dst) filling
// dst with the values of row i, so that no more than one row is held as driver values at a time.
func appendEach(drv driver.Conn, table string, n, cols int, row func(i int, dst []driver.Value)) error {
	if n == 0 {
		return nil
	}
	a, err := duckdb.NewAppender(drv, "", "store", table)
	if err != nil {
		return fmt.Errorf("append to %s: %w", table, err)
	}
	dst := make([]driver.Value, cols)
	for i := 0; i < n; i++ {
		row(i, dst)
		if err := a.AppendRow(dst...); err != nil {
			a.Close()
			return fmt.Errorf("append to %s: %w", table, err)
		}
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("append to %s: %w", table, err)
	}
	return nil
}

// appendRows bulk-inserts rows into store.table through DuckDB's appender.
func appendRows(drv driver.Conn, table string, rows [][]driver.Value) error {
	if len(rows) == 0 {
		return nil
	}
	a, err := duckdb.NewAppender(drv, "", "store", table)
	if err != nil {
		return fmt.Errorf("append to %s: %w", table, err)
	}
	for _, r := range rows {
		if err := a.AppendRow(r...); err != nil {
			a.Close()
			return fmt.Errorf("append to %s: %w", table, err)
		}
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("append to %s: %w", table, err)
	}
	return nil
}

// withTx runs fn on one connection inside a transaction, committing when fn returns nil.
func (s *Store) withTx(ctx context.Context, fn func(conn *sql.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	if err = fn(conn); err != nil {
		conn.ExecContext(context.Background(), "ROLLBACK")
		return err
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

// ValidationReference reads the code lists that raw observations are checked against.
func (s *Store) ValidationReference(ctx context.Context) (*validate.Reference, error) {
	return validationReference(ctx, s.db)
}

// Queryer is what ScanRows queries: a database, a connection or a transaction.
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func validationReference(ctx context.Context, q Queryer) (*validate.Reference, error) {
	var inds []validate.Indicator
	err := ScanRows(ctx, q, `SELECT indicator_id, code, unit, unit_kind, coalesce(min_value, -'Infinity'::DOUBLE),
		coalesce(max_value, 'Infinity'::DOUBLE) FROM store.indicators ORDER BY indicator_id`,
		func(r *sql.Rows) error {
			var ind validate.Indicator
			if err := r.Scan(&ind.ID, &ind.Code, &ind.Unit, &ind.UnitKind, &ind.Min, &ind.Max); err != nil {
				return err
			}
			inds = append(inds, ind)
			return nil
		})
	if err != nil {
		return nil, err
	}
	aliases := func(table, idCol string) ([]validate.Alias, error) {
		var out []validate.Alias
		err := ScanRows(ctx, q, fmt.Sprintf(`SELECT scheme, code, %s FROM store.%s ORDER BY scheme, code`, idCol, table),
			func(r *sql.Rows) error {
				var a validate.Alias
				if err := r.Scan(&a.Scheme, &a.Code, &a.ID); err != nil {
					return err
				}
				out = append(out, a)
				return nil
			})
		return out, err
	}
	entities := func(query string) ([]validate.Entity, error) {
		var out []validate.Entity
		err := ScanRows(ctx, q, query, func(r *sql.Rows) error {
			var e validate.Entity
			if err := r.Scan(&e.ID, &e.Code); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
		return out, err
	}
	indCodes, err := aliases("indicator_codes", "indicator_id")
	if err != nil {
		return nil, err
	}
	economies, err := entities(`SELECT economy_id, iso3 FROM store.economies ORDER BY economy_id`)
	if err != nil {
		return nil, err
	}
	ecoCodes, err := aliases("economy_codes", "economy_id")
	if err != nil {
		return nil, err
	}
	// Files may name economies as the store does (Kenya, Republic of Korea), in any case.
	err = ScanRows(ctx, q, `SELECT economy_id, name FROM store.economies ORDER BY economy_id`, func(r *sql.Rows) error {
		a := validate.Alias{Scheme: "name"}
		if err := r.Scan(&a.ID, &a.Code); err != nil {
			return err
		}
		ecoCodes = append(ecoCodes, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	groups, err := entities(`SELECT group_id, code FROM store.groups ORDER BY group_id`)
	if err != nil {
		return nil, err
	}
	grpCodes, err := aliases("group_codes", "group_id")
	if err != nil {
		return nil, err
	}
	return validate.NewReference(inds, indCodes, economies, ecoCodes, groups, grpCodes), nil
}

// ScanRows runs query with its args on q and calls each for every row.
func ScanRows(ctx context.Context, q Queryer, query string, each func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SetGroup defines a user's group, or replaces its name and members, in one transaction. Members
// are economies by ISO3 code; the groups the reference data defines cannot be changed.
func (s *Store) SetGroup(ctx context.Context, code, name string, members []string) error {
	if code == "" || name == "" || len(members) == 0 {
		return fmt.Errorf("a group needs a code, a name and members")
	}
	return s.withTx(ctx, func(conn *sql.Conn) error {
		var id int32
		var kind string
		err := conn.QueryRowContext(ctx, `SELECT group_id, kind FROM store.groups WHERE code = ?`, code).Scan(&id, &kind)
		switch {
		case err == sql.ErrNoRows:
			if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(group_id), 0) + 1 FROM store.groups`).Scan(&id); err != nil {
				return err
			}
			if _, err := conn.ExecContext(ctx, `INSERT INTO store.groups VALUES (?, ?, ?, 'custom', 'user')`, id, code, name); err != nil {
				return err
			}
		case err != nil:
			return err
		case kind != "custom":
			return fmt.Errorf("%s is a %s group of the reference data and cannot be changed; choose another code", code, kind)
		default:
			if _, err := conn.ExecContext(ctx, `UPDATE store.groups SET name = ? WHERE group_id = ?`, name, id); err != nil {
				return err
			}
			if _, err := conn.ExecContext(ctx, `DELETE FROM store.group_members WHERE group_id = ?`, id); err != nil {
				return err
			}
		}
		for _, m := range members {
			res, err := conn.ExecContext(ctx, `INSERT INTO store.group_members (group_id, economy_id)
				SELECT ?, economy_id FROM store.economies WHERE iso3 = ?`, id, m)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("no economy %q (economies are given by ISO3 code)", m)
			}
		}
		return nil
	})
}

// DeleteGroup removes a user's group.
func (s *Store) DeleteGroup(ctx context.Context, code string) error {
	return s.withTx(ctx, func(conn *sql.Conn) error {
		var id int32
		var kind string
		err := conn.QueryRowContext(ctx, `SELECT group_id, kind FROM store.groups WHERE code = ?`, code).Scan(&id, &kind)
		if err == sql.ErrNoRows {
			return fmt.Errorf("no group %s", code)
		}
		if err != nil {
			return err
		}
		if kind != "custom" {
			return fmt.Errorf("%s is a %s group of the reference data and cannot be deleted", code, kind)
		}
		if _, err := conn.ExecContext(ctx, `DELETE FROM store.group_members WHERE group_id = ?`, id); err != nil {
			return err
		}
		_, err = conn.ExecContext(ctx, `DELETE FROM store.groups WHERE group_id = ?`, id)
		return err
	})
}
