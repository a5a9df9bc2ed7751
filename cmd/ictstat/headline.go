package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/figures"
	"github.com/ictstat/ictstat/indicators/translations"
)

// headlineMeasure is a column of the wide headline table: a measure of the SQL macro headline(year)
// and how its values print.
type headlineMeasure struct {
	measure, name string
	decimals      int
}

// headlineMeasures are the measures of headline(year), in its order, as the table prints them.
var headlineMeasures = []headlineMeasure{
	{"internet_use_pct", "Internet use %", 1},
	{"online_persons", "Online bn", 2},
	{"offline_persons", "Offline bn", 2},
	{"gender_parity_score", "Parity", 2},
	{"internet_use_urban_pct", "Urban %", 1},
	{"internet_use_rural_pct", "Rural %", 1},
	{"urban_rural_ratio", "Urban/rural", 2},
	{"mobile_broadband_per100", "MBB /100", 1},
	{"coverage_4g_pct", "4G %", 1},
	{"coverage_5g_pct", "5G %", 1},
}

// headlineCell is one group's value of one measure, as headline(year) gives it.
type headlineCell struct {
	value, low, high            float64 // NaN when missing
	status                      string  // published, nowcast, withheld or no data
	reported, nowcast, coverage float64 // shares of the group's population; NaN when missing
}

// headlineGroup is one row of the wide table.
type headlineGroup struct {
	code, name, kind string
	cells            map[string]headlineCell
}

func newHeadline(g *globals) *cobra.Command {
	var year int
	var format, output string
	var lang langFlag
	cmd := &cobra.Command{
		Use:   "headline [--year YEAR] [--format table|csv|json|parquet] [-o FILE]",
		Short: "The Facts-and-Figures headline table of a year: Internet use, divides, mobile broadband and coverage by group",
		Long: `The headline table of ITU's Facts and Figures for one year, from the last computation's
aggregates and divides: for the world, the six ITU regions, the World Bank income groups (low,
lower-middle, upper-middle, high, and low and middle income together) and the least developed
countries (LDC), landlocked developing countries (LLDC) and small island developing States
(SIDS). The year defaults to the latest for which the world's share of Internet users is
published or nowcast. With --as-of DATE the aggregates and divides are first computed from the
data as published on that date, in a scratch copy of the database, as for 'ictstat progress'.

The columns of the table, each the group's value for the year:

  Internet use %   individuals using the Internet, % of the population: the population-weighted
                   mean of the members' shares (sex, area and age: total)
  Online bn        people using the Internet, billions: the group's population (the sum of its
                   members') × the share using it / 100
  Offline bn       people not using it, billions: population × (100 − the share) / 100
  Parity           the gender parity score, women's share / men's share (ITU: 0.98–1.02 is
                   parity; below 0.98 women are behind); the shares themselves are in the long
                   table (--format csv): they are means over the members that report by sex,
                   fewer and more connected than all members, so not comparable with the total
  Urban %, Rural % the share using the Internet in urban and in rural areas
  Urban/rural      the urban share / the rural share (above 1: rural areas are behind)
  MBB /100         active mobile-broadband subscriptions per 100 inhabitants
  4G %, 5G %       the share of the population within range of at least a 4G (LTE/WiMAX) and
                   a 5G mobile network
  Coverage rep/nowc
                   the shares of the group's population, in %, whose Internet-use value for
                   the year is reported / is a nowcast (the rest: interpolated, carried or none)

A value marked * is a nowcast: it rests on members' values estimated by the nowcast model for
the years after their last report: too few members have reported the year for it to be
published otherwise (a parity score when its parts are nowcasts). A value to which nowcast
members contribute has its 95% interval in brackets, marked or not: propagated from the members'
predictive intervals, the other members' values taken as exact and the nowcasts' errors as
equally correlated, at the correlation the model measured between economies' errors of the same
year in its backtest (nowcast_models.correlation; breakdowns: fully correlated).
Values formed from reported, interpolated and carried values only have no interval. People
online and offline take their interval from the share's; the parity score and the urban/rural
ratio have none. "withheld": the members with a value hold too little of the group's population
(the computation's coverage rule; people online and offline are also withheld where the group's
population is), so no value is published; "–": no member has a value. Columns without data for
any group are left out, and a line under the table names them.

--format csv, json and parquet write the long table instead, one row per group and measure, as
the SQL table macro headline(year) gives it (docs/sql.md): group_code, group_name, group_kind,
measure, unit, year, value, ci_low, ci_high, status (published, nowcast, withheld or no data),
coverage_reported, coverage_nowcast, coverage and basis; the same as
'ictstat sql "SELECT * FROM headline(YEAR)"' in that format. Parquet goes to a file (-o) or a pipe.

Exit codes: 0 success; 1 failure of the machine or the database, or nothing computed yet;
2 a bad command line, or a year without a headline value.`,
		Example: `  ictstat headline
  ictstat headline --year 2024
  ictstat headline --year 2024 --format csv -o headline-2024.csv
  ictstat headline --format parquet -o headline.parquet`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch format {
			case "table", "csv", "json":
			case "parquet":
				if output == "" && term.IsTerminal(int(os.Stdout.Fd())) {
					return usageError("--format parquet is binary: write it to a file with -o FILE, or to a pipe")
				}
			default:
				return usageError("--format must be table, csv, json or parquet")
			}
			if output != "" {
				if err := notTheDatabase(output, g.db); err != nil {
					return err
				}
			}
			st, err := openResults(cmd, g, "")
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cmd.Context()
			if year, err = headlineYear(ctx, st.DB(), year, cmd.Flags().Changed("year"), g.asOfDate); err != nil {
				return err
			}
			write := func(w io.Writer) error {
				if format == "table" {
					words, err := lang.words()
					if err != nil {
						return err
					}
					return writeHeadlineTable(ctx, st, year, words, w)
				}
				newWriter := func(w io.Writer) query.Writer {
					qw, _ := query.NewWriter(format, w)
					return qw
				}
				_, err := st.Query().RunWith(ctx, query.Query{SQL: "SELECT * FROM headline($1)", Args: []any{year},
					Policy: query.Policy{SelectOnly: true}}, newWriter, w)
				return queryExit(err)
			}
			if output == "" {
				return write(cmd.OutOrStdout())
			}
			return writeFileAtomic(output, write)
		},
	}
	f := cmd.Flags()
	f.IntVar(&year, "year", 0, "the year (default: the latest with the world's Internet use published or nowcast)")
	f.StringVar(&format, "format", "table", "table (wide), csv, json or parquet (long: one row per group and measure)")
	f.StringVarP(&output, "output", "o", "", "write to FILE, whole or not at all (default standard output)")
	lang.add(cmd)
	addAsOf(cmd, g)
	return cmd
}

// headlineYear is the year asked, checked to have a headline value, or when none was asked the
// latest year for which the world's Internet use is published or nowcast (computed from the
// data as of asOf, when it is not zero).
func headlineYear(ctx context.Context, db *sql.DB, year int, asked bool, asOf time.Time) (int, error) {
	var first, last sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT min(year), max(year) FROM aggregates
		WHERE group_code = 'WLD' AND indicator = 'internet_use_pct' AND sex = 'total' AND area = 'total' AND age = 'total'
		AND status IN ('published', 'nowcast')`).Scan(&first, &last)
	if err != nil {
		return 0, err
	}
	if !asked {
		switch {
		case !last.Valid && !asOf.IsZero():
			return 0, fmt.Errorf("no world value of Internet use (internet_use_pct for WLD) can be computed from the data as published on %s: give a later --as-of date", asOf.Format(time.DateOnly))
		case !last.Valid:
			return 0, fmt.Errorf("the last computation has no world value of Internet use (internet_use_pct for WLD): load data with 'ictstat ingest' and run 'ictstat compute'")
		}
		return int(last.Int64), nil
	}
	var values int
	if err := db.QueryRowContext(ctx, `SELECT count(value) FROM headline($1)`, year).Scan(&values); err != nil {
		return 0, err
	}
	if values == 0 {
		span := "none"
		if last.Valid {
			span = fmt.Sprintf("%d–%d", first.Int64, last.Int64)
		}
		return 0, usageError("no headline value for %d: no group has a published or nowcast value of any headline measure that year (the world's Internet use is published or nowcast for %s)", year, span)
	}
	return year, nil
}

// readHeadline reads headline(year) into one row per group, in its order.
func readHeadline(ctx context.Context, db *sql.DB, year int) ([]*headlineGroup, error) {
	var groups []*headlineGroup
	byCode := map[string]*headlineGroup{}
	num := func(v sql.NullFloat64) float64 {
		if !v.Valid {
			return math.NaN()
		}
		return v.Float64
	}
	err := store.ScanRows(ctx, db, `SELECT group_code, group_name, group_kind, measure, value, ci_low, ci_high, status,
		coverage_reported, coverage_nowcast, coverage FROM headline($1)`, func(r *sql.Rows) error {
		var code, name, kind, measure, status string
		var value, low, high, reported, nowcast, coverage sql.NullFloat64
		if err := r.Scan(&code, &name, &kind, &measure, &value, &low, &high, &status, &reported, &nowcast, &coverage); err != nil {
			return err
		}
		gr := byCode[code]
		if gr == nil {
			gr = &headlineGroup{code: code, name: name, kind: kind, cells: map[string]headlineCell{}}
			byCode[code] = gr
			groups = append(groups, gr)
		}
		gr.cells[measure] = headlineCell{num(value), num(low), num(high), status, num(reported), num(nowcast), num(coverage)}
		return nil
	}, year)
	return groups, err
}

// text is the cell as the table prints it: "74.1", "74.1 (72.0–76.3)*" for a nowcast with its
// interval, "withheld", or "–".
func (c headlineCell) text(decimals int, tr *translations.Words) string {
	if math.IsNaN(c.value) {
		if c.status == "withheld" {
			return tr.UI("withheld")
		}
		return "–"
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', decimals, 64) }
	s := f(c.value)
	if !math.IsNaN(c.low) && !math.IsNaN(c.high) {
		s += " (" + f(c.low) + "–" + f(c.high) + ")"
	}
	if c.status == "nowcast" {
		s += "*"
	}
	return s
}

// coverageText is "97/3": the shares of the population reported and nowcast, in %.
func (c headlineCell) coverageText() string {
	if math.IsNaN(c.reported) {
		return "–"
	}
	nowcast := c.nowcast
	if math.IsNaN(nowcast) {
		nowcast = 0 // no member's value is a nowcast
	}
	return strconv.FormatFloat(100*c.reported, 'f', 0, 64) + "/" + strconv.FormatFloat(100*nowcast, 'f', 0, 64)
}

// writeHeadlineTable prints the wide table of year with its notes and source line.
func writeHeadlineTable(ctx context.Context, st *store.Store, year int, tr *translations.Words, w io.Writer) error {
	groups, err := readHeadline(ctx, st.DB(), year)
	if err != nil {
		return err
	}
	// The measures without data for any group are left out, and named under the table.
	var shown []headlineMeasure
	var empty []string
	nowcasts, intervals, withheld := false, false, false
	for _, m := range headlineMeasures {
		data := false
		for _, gr := range groups {
			c := gr.cells[m.measure]
			data = data || c.status != "no data"
			nowcasts = nowcasts || c.status == "nowcast"
			intervals = intervals || !math.IsNaN(c.low)
			withheld = withheld || c.status == "withheld"
		}
		if data {
			shown = append(shown, m)
		} else {
			empty = append(empty, m.name)
		}
	}
	r := resultTable{columns: []column{{name: "Code"}, {name: "Group"}}, words: tr}
	for _, m := range shown {
		r.columns = append(r.columns, column{name: m.name})
	}
	r.columns = append(r.columns, column{name: "Coverage rep/nowc"})
	for _, gr := range groups {
		row := []any{gr.code, tr.Key(translations.GroupKey(gr.code), gr.name)}
		for _, m := range shown {
			row = append(row, gr.cells[m.measure].text(m.decimals, tr))
		}
		row = append(row, gr.cells["internet_use_pct"].coverageText())
		r.rows = append(r.rows, row)
	}
	width := tableWidth(w)
	for _, l := range wrap(fmt.Sprintf(tr.UI("Facts and Figures %d: Internet use, divides, mobile broadband and network coverage"), year), width) {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintln(w)
	if err := r.write(w, "table"); err != nil {
		return err
	}
	fmt.Fprintln(w)
	// The notes wrap to the table's width.
	note := func(s string) {
		for _, l := range wrap(s, width) {
			fmt.Fprintln(w, l)
		}
	}
	if nowcasts {
		note(tr.UI("* nowcast: rests on members' values estimated by the nowcast model for the years after their last report, too few members having reported the year (people online and offline: or the year's population is a nowcast)."))
	}
	if intervals {
		note(tr.UI("(95% interval), where nowcasts enter: propagated from the members' predictive intervals, their errors equally correlated as measured in the model's backtest."))
	}
	c, _, ok, err := st.LastComputation(ctx)
	if err != nil {
		return err
	}
	if withheld && ok {
		note(fmt.Sprintf(tr.UI("withheld: the members with a value hold less than %.0f%% of the group's population, or those with a reported or interpolated one less than %.0f%% and no member's value is a nowcast."),
			100*c.CoverageThreshold, 100*c.MinAnchored))
	}
	if ok && c.Fill != "nowcast" {
		note(tr.UI("Computed with the last values carried (ictstat compute --fill carry): no nowcasts; a year too few members have reported is withheld. Run 'ictstat compute' for nowcasts."))
	}
	// People online and offline need the group's population of the year as well as its share.
	for _, gr := range groups {
		if !math.IsNaN(gr.cells["internet_use_pct"].value) && gr.cells["online_persons"].status == "withheld" {
			note(fmt.Sprintf(tr.UI("Online bn and Offline bn are withheld where the group's population of %d is (the aggregates view, indicator population)."), year))
			break
		}
	}
	if len(empty) > 0 {
		names := make([]string, len(empty))
		for i, n := range empty {
			names[i] = tr.UI(n)
		}
		note(fmt.Sprintf(tr.UI("No data for any group in %d: %s."), year, strings.Join(names, translations.Comma(tr.Language()))))
	}
	note(tr.UI("Coverage rep/nowc: % of the group's population whose Internet-use value is reported / a nowcast. Groups: ictstat aggregates (population-weighted means; people online and offline from the population sum)."))
	src, err := figures.ScorecardSourceIn(ctx, st.DB(), tr)
	if err != nil {
		return err
	}
	note(src + " " + tr.UI("Computed by ictstat."))
	return nil
}
