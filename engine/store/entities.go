package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Entity is an economy or a group as users name them.
type Entity struct {
	Code string // ISO3 for an economy, the group's code for a group
	Name string
	Kind string // economy or group
}

// EntityError is a name that matches no economy or group, or several: it gives the closest
// ones, or those it matches.
type EntityError struct {
	Text      string
	What      string   // "economy" or "economy or group"
	Ambiguous bool     // the name matches every one of Closest
	Closest   []Entity // the closest economies or groups, at most three
}

func (e *EntityError) Error() string {
	names := make([]string, len(e.Closest))
	for i, c := range e.Closest {
		names[i] = c.Code + " (" + c.Name + ")"
	}
	if e.Ambiguous {
		return fmt.Sprintf("%q names %s: give the code", e.Text, JoinAnd(names))
	}
	groups := ""
	if e.What != "economy" {
		groups = "; groups by code such as WLD, LDC, ITU_AFR, HIC"
	}
	msg := fmt.Sprintf("no %s %q (an ISO3 code in any case, an M49 code or a name%s)", e.What, e.Text, groups)
	if len(names) > 0 {
		msg += "; the closest are " + JoinAnd(names)
	}
	return msg
}

// JoinAnd joins "a", "b", "c" as "a, b and c".
func JoinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// FindEntity finds the economy or group text names: an ISO3 code or a group's code in any case,
// an M49 code with or without leading zeros, another code sources give it (economy_codes,
// group_codes), or its name in any case, in that order of preference. With economiesOnly, groups
// are not looked at. A text that matches nothing is answered with an *EntityError naming the
// three closest economies and groups by code or name (Jaro-Winkler similarity); one that matches
// several, with an *EntityError naming them.
func FindEntity(ctx context.Context, q Queryer, text string, economiesOnly bool) (Entity, error) {
	t := strings.TrimSpace(text)
	var found []Entity
	best := 0
	err := ScanRows(ctx, q, `WITH candidates AS (
			SELECT iso3 AS code, name, 'economy' AS kind, 1 AS rank FROM store.economies WHERE lower(iso3) = lower($1)
			UNION ALL SELECT iso3, name, 'economy', 2 FROM store.economies WHERE m49 = TRY_CAST($1 AS INTEGER) AND regexp_full_match($1, '[0-9]+')
			UNION ALL SELECT e.iso3, e.name, 'economy', 3 FROM store.economy_codes c JOIN store.economies e USING (economy_id)
				WHERE lower(c.code) = lower($1) OR (c.scheme = 'm49' AND TRY_CAST(c.code AS INTEGER) = TRY_CAST($1 AS INTEGER) AND regexp_full_match($1, '[0-9]+'))
			UNION ALL SELECT iso3, name, 'economy', 4 FROM store.economies WHERE lower(name) = lower($1)
			UNION ALL SELECT code, name, 'group', 1 FROM store.groups WHERE lower(code) = lower($1) AND NOT $2
			UNION ALL SELECT g.code, g.name, 'group', 3 FROM store.group_codes c JOIN store.groups g USING (group_id)
				WHERE (lower(c.code) = lower($1) OR (c.scheme = 'm49' AND TRY_CAST(c.code AS INTEGER) = TRY_CAST($1 AS INTEGER) AND regexp_full_match($1, '[0-9]+'))) AND NOT $2
			UNION ALL SELECT code, name, 'group', 4 FROM store.groups WHERE lower(name) = lower($1) AND NOT $2)
		SELECT code, name, kind, min(rank) AS rank FROM candidates GROUP BY ALL ORDER BY rank, kind DESC, code`, func(r *sql.Rows) error {
		var e Entity
		var rank int
		if err := r.Scan(&e.Code, &e.Name, &e.Kind, &rank); err != nil {
			return err
		}
		if best == 0 {
			best = rank
		}
		if rank == best {
			found = append(found, e)
		}
		return nil
	}, t, economiesOnly)
	if err != nil {
		return Entity{}, err
	}
	what := "economy or group"
	if economiesOnly {
		what = "economy"
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		return Entity{}, &EntityError{Text: text, What: what, Ambiguous: true, Closest: found}
	}
	uerr := &EntityError{Text: text, What: what}
	err = ScanRows(ctx, q, `SELECT code, name, kind FROM (
			SELECT iso3 AS code, name, 'economy' AS kind FROM store.economies
			UNION ALL SELECT code, name, 'group' FROM store.groups WHERE NOT $2)
		ORDER BY greatest(jaro_winkler_similarity(lower(name), lower($1)), jaro_winkler_similarity(lower(code), lower($1))) DESC, code
		LIMIT 3`, func(r *sql.Rows) error {
		var e Entity
		if err := r.Scan(&e.Code, &e.Name, &e.Kind); err != nil {
			return err
		}
		uerr.Closest = append(uerr.Closest, e)
		return nil
	}, t, economiesOnly)
	if err != nil {
		return Entity{}, err
	}
	return Entity{}, uerr
}
