package idi

import (
	"context"
	"database/sql"
	"sort"

	"github.com/ictstat/ictstat/engine/store"
)

// officialFlags are the observation flags of values an economy reported (reported, provisional,
// break in series, country-adjusted); others (estimated, modelled, ...) count as estimates.
const officialFlags = `('A', 'P', 'B', 'CA')`

// Economy is an economy's index with its name.
type Economy struct {
	Code, Name string
	Result
}

// Index is an edition of the index computed from a store.
type Index struct {
	Method    *Method
	DataYear  int // the year the values are taken from, falling back one year
	Economies []Economy
	byCode    map[string]int
}

// Compute reads every economy's inputs from the newest edition of each series (all sexes, areas
// and ages together) and scores it. dataYear 0 takes the edition's rule (edition − 2).
func Compute(ctx context.Context, db *sql.DB, m *Method, dataYear int) (*Index, error) {
	mm := *m
	first, fallback := mm.DataYears()
	if dataYear != 0 {
		first, fallback = dataYear, dataYear-1
	}
	ix := &Index{Method: &mm, DataYear: first, byCode: map[string]int{}}
	err := store.ScanRows(ctx, db, `SELECT economy, name FROM economies ORDER BY economy`, func(r *sql.Rows) error {
		var e Economy
		if err := r.Scan(&e.Code, &e.Name); err != nil {
			return err
		}
		ix.byCode[e.Code] = len(ix.Economies)
		ix.Economies = append(ix.Economies, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	inputOf := map[string][]string{} // indicator → input codes
	var indicators []string
	for _, in := range mm.Inputs {
		if _, ok := inputOf[in.Indicator]; !ok {
			indicators = append(indicators, in.Indicator)
		}
		inputOf[in.Indicator] = append(inputOf[in.Indicator], in.Code)
	}
	series := make([]map[string][]Point, len(ix.Economies))
	err = store.ScanRows(ctx, db, `SELECT economy, indicator, year, value, flag NOT IN `+officialFlags+` FROM observations
		WHERE list_contains(?::VARCHAR[], indicator) AND sex = 'total' AND area = 'total' AND age = 'total'
		  AND year IN (?, ?)`, func(r *sql.Rows) error {
		var economy, indicator string
		var p Point
		if err := r.Scan(&economy, &indicator, &p.Year, &p.Value, &p.Estimated); err != nil {
			return err
		}
		i, ok := ix.byCode[economy]
		if !ok {
			return nil
		}
		if series[i] == nil {
			series[i] = map[string][]Point{}
		}
		for _, code := range inputOf[indicator] {
			series[i][code] = append(series[i][code], p)
		}
		return nil
	}, indicators, first, fallback)
	if err != nil {
		return nil, err
	}
	for i := range ix.Economies {
		values := map[string]Value{}
		for _, in := range mm.Inputs {
			if v, ok := PickYear(series[i][in.Code], first, fallback); ok {
				values[in.Code] = v
			}
		}
		ix.Economies[i].Result = mm.score(values, first, fallback)
	}
	return ix, nil
}

// Find returns an economy's index.
func (ix *Index) Find(code string) (Economy, bool) {
	i, ok := ix.byCode[code]
	if !ok {
		return Economy{}, false
	}
	return ix.Economies[i], true
}

// GroupAverage is a group's unweighted average over its members in the data year.
type GroupAverage struct {
	Code, Name, Kind string
	Group
}

// Groups averages the index over every group with members, as ITU publishes group averages:
// unweighted means over the scored members in the data year.
func (ix *Index) Groups(ctx context.Context, db *sql.DB) ([]GroupAverage, error) {
	members := map[string][]Result{}
	names, kinds := map[string]string{}, map[string]string{}
	var codes []string
	err := store.ScanRows(ctx, db, `SELECT g.group_code, g.name, g.kind, m.economy FROM groups g JOIN group_members m USING (group_code)
		WHERE (m.first_year IS NULL OR m.first_year <= ?) AND (m.last_year IS NULL OR m.last_year >= ?)
		ORDER BY g.group_code, m.economy`, func(r *sql.Rows) error {
		var code, name, kind, economy string
		if err := r.Scan(&code, &name, &kind, &economy); err != nil {
			return err
		}
		if _, ok := names[code]; !ok {
			names[code], kinds[code] = name, kind
			codes = append(codes, code)
		}
		if e, ok := ix.Find(economy); ok {
			members[code] = append(members[code], e.Result)
		}
		return nil
	}, ix.DataYear, ix.DataYear)
	if err != nil {
		return nil, err
	}
	sort.Strings(codes)
	out := make([]GroupAverage, 0, len(codes))
	for _, c := range codes {
		out = append(out, GroupAverage{Code: c, Name: names[c], Kind: kinds[c], Group: Average(members[c])})
	}
	return out, nil
}

// MissingSummary counts, for each input, the economies without a value for it.
func (ix *Index) MissingSummary() map[string]int {
	out := map[string]int{}
	for _, e := range ix.Economies {
		for _, c := range e.Missing {
			out[c]++
		}
	}
	return out
}

// Scored is the number of economies with a score.
func (ix *Index) Scored() int {
	n := 0
	for _, e := range ix.Economies {
		if e.Scored {
			n++
		}
	}
	return n
}
