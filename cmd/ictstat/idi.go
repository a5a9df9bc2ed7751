package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/idi"
	"github.com/ictstat/ictstat/indicators/translations"
)

func newIDI(g *globals) *cobra.Command {
	var (
		edition, year  int
		economy, group string
		format         string
		set            []string
		lang           langFlag
	)
	cmd := &cobra.Command{
		Use:   "idi [--edition 2024] [--year 2022] [--economy X | --group G] [--set input=value ...]",
		Short: "Compute ITU's ICT Development Index from the database's indicators, with what-if analysis",
		Long: `Compute the ICT Development Index (IDI, 2023/2024 methodology; ITU, Measuring digital
development: The ICT Development Index 2024, Annex 1) from the ten input indicators in the
database: Internet use, households with Internet, active mobile broadband per 100, 3G and 4G
coverage, mobile and fixed traffic per subscription, the mobile data-and-voice and fixed-broadband
baskets as % of GNI per capita, and mobile-phone ownership. The thresholds, goalposts, transforms
and weights of each edition are data (indicators/idi/data/).

An edition takes each value from two years before it (IDI 2024: 2022), else three (2021), and says
which. An economy is scored when it has a value for all ten inputs, at least five of them
reported (flag A, P, B or CA) rather than estimated; otherwise it gets no score and the reason.
Estimates of your own load as an edition of their own, with flag E.

With no --economy or --group: the average of every group (world, ITU regions, income groups,
LDC, LLDC, SIDS: unweighted means over scored members, as ITU publishes them) and how many
economies lack each input. --group G: the group's members. --economy X: the ten values with their
years, their scores, the pillars and the IDI; with --set input=value the index with those inputs
changed beside the actual one, and for every input how much one unit of improvement would add.

The inputs the embedded data lacks (traffic per subscription and the 2 GB data-and-voice basket)
load from a long CSV (indicators mobile_traffic_gb_per_sub, fixed_traffic_gb_per_sub,
price_mobile_data_voice_high_pct_gni); the README shows the file.`,
		Example: `  ictstat idi
  ictstat idi --economy KEN
  ictstat idi --economy KEN --set fixed_basket=2.0 --set mobile_traffic=150
  ictstat idi --group LDC --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if economy != "" && group != "" {
				return usageError("give --economy or --group, not both")
			}
			for _, e := range []*string{&economy, &group} {
				if *e != "" {
					code, err := findEntity(cmd, g, *e)
					if err != nil {
						return err
					}
					*e = code
				}
			}
			m, err := idi.Load(edition)
			if err != nil {
				return usageError("%v", err)
			}
			changes := map[string]float64{}
			for _, s := range set {
				k, v, ok := strings.Cut(s, "=")
				f, err := strconv.ParseFloat(v, 64)
				if !ok || err != nil {
					return usageError("--set %q: write input=number, e.g. fixed_basket=2.0 (inputs: %s)", s, strings.Join(m.Codes(), ", "))
				}
				changes[k] = f
			}
			if len(changes) > 0 && economy == "" {
				return usageError("--set needs --economy")
			}
			st, err := openReadOnly(cmd, g)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := checkEntity(cmd.Context(), st, economy+group); err != nil {
				return err
			}
			ix, err := idi.Compute(cmd.Context(), st.DB(), m, year)
			if err != nil {
				return err
			}
			tr, err := lang.words()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			switch {
			case economy != "":
				return idiEconomy(w, ix, economy, changes, format, tr)
			default:
				groups, err := ix.Groups(cmd.Context(), st.DB())
				if err != nil {
					return err
				}
				if group != "" {
					return idiGroup(w, ix, groups, group, st, cmd, format, tr)
				}
				return idiGroups(w, ix, groups, format, tr)
			}
		},
	}
	f := cmd.Flags()
	f.IntVar(&edition, "edition", 2024, "the IDI edition: its thresholds, goalposts and data year")
	f.IntVar(&year, "year", 0, "the data year (default: the edition's, edition − 2)")
	f.StringVar(&economy, "economy", "", "one economy, by ISO3 code in any case, M49 code or name")
	f.StringVar(&group, "group", "", "one group's members, e.g. LDC or ITU_AFR")
	f.StringArrayVar(&set, "set", nil, "what if: an input's value, e.g. fixed_basket=2.0 (repeatable; needs --economy)")
	f.StringVar(&format, "format", "table", "table, csv or json")
	lang.add(cmd)
	return cmd
}

func idiHeader(w io.Writer, ix *idi.Index, format, what string, tr *translations.Words) {
	if format == "table" {
		fmt.Fprintf(w, tr.UI("ICT Development Index %d, %s: data of %d, else %d")+"\n\n", ix.Method.Edition, what, ix.DataYear, ix.DataYear-1)
	}
}

func idiFooter(w io.Writer, format string, tr *translations.Words) {
	if format == "table" {
		fmt.Fprintln(w, "\n"+tr.UI("Source: ITU (IDI 2023/2024 methodology); computed by ictstat from the database's indicators."))
	}
}

// idiEconomy prints one economy's inputs, scores and index, and the what-if when asked.
func idiEconomy(w io.Writer, ix *idi.Index, code string, changes map[string]float64, format string, tr *translations.Words) error {
	e, ok := ix.Find(code)
	if !ok {
		return usageError("no economy %s", code)
	}
	var what idi.Result
	if len(changes) > 0 {
		var err error
		if what, err = ix.Method.WhatIf(e.Values, changes); err != nil {
			return usageError("%v", err)
		}
	}
	r := resultTable{columns: []column{{name: "input"}, {name: "indicator"}, {name: "year"}, {name: "value", text: decimals(2)},
		{name: "estimated"}, {name: "score", text: decimals(1)}}, words: tr}
	if len(changes) > 0 {
		r.columns = append(r.columns, column{name: "what_if_value", text: decimals(2)}, column{name: "what_if_score", text: decimals(1)})
	}
	for _, in := range ix.Method.Inputs {
		v, has := e.Values[in.Code]
		row := []any{in.Code, in.Indicator, v.Year, math.NaN(), "", math.NaN()}
		if has {
			row[3], row[4], row[5] = v.Value, strconv.FormatBool(v.Estimated), in.Normalize(v.Value)
			if tr != nil && format == "table" {
				row[4] = map[bool]string{true: tr.UI("yes"), false: tr.UI("no")}[v.Estimated]
			}
		} else {
			row[4] = tr.UI("missing")
		}
		if len(changes) > 0 {
			nv, changed := changes[in.Code]
			if !changed {
				nv = math.NaN()
			}
			ns := math.NaN()
			if s, ok := what.Normalized[in.Code]; ok {
				ns = s
			}
			row = append(row, nv, ns)
		}
		r.rows = append(r.rows, row)
	}
	idiHeader(w, ix, format, fmt.Sprintf("%s (%s)", tr.Key(translations.EconomyKey(e.Code), e.Name), e.Code), tr)
	if format == "json" {
		return writeJSON(w, map[string]any{"economy": e.Code, "name": e.Name, "edition": ix.Method.Edition,
			"inputs": r.maps(), "scored": e.Scored, "reason": e.Reason, "universal": jsonNum(e.Universal, e.Scored),
			"meaningful": jsonNum(e.Meaningful, e.Scored), "idi": jsonNum(e.IDI, e.Scored),
			"what_if": whatIfJSON(what, changes), "lifts": liftsJSON(ix.Method.Lifts(e.Values))})
	}
	if err := r.write(w, format); err != nil {
		return err
	}
	if format != "table" {
		return nil
	}
	fmt.Fprintln(w)
	if !e.Scored {
		fmt.Fprintf(w, tr.UI("No score: %s.")+"\n", idiReasons().In(tr, e.Reason))
		idiFooter(w, format, tr)
		return nil
	}
	fmt.Fprintf(w, tr.UI("Universal connectivity %.1f, meaningful connectivity %.1f: IDI %.1f")+"\n", e.Universal, e.Meaningful, e.IDI)
	if len(changes) > 0 {
		if what.Scored {
			fmt.Fprintf(w, tr.UI("What if: universal %.1f, meaningful %.1f: IDI %.1f (%+.1f)")+"\n", what.Universal, what.Meaningful, what.IDI, what.IDI-e.IDI)
		} else {
			fmt.Fprintf(w, tr.UI("What if: no score: %s")+"\n", idiReasons().In(tr, what.Reason))
		}
	}
	lifts := ix.Method.Lifts(e.Values)
	if len(lifts) > 0 {
		var rest []string
		for _, l := range lifts[1:4] {
			rest = append(rest, fmt.Sprintf("%s +%.3f", l.Code, l.Gain))
		}
		fmt.Fprintf(w, tr.UI("One unit of improvement adds the most through %s (+%.3f points); then %s.")+"\n", lifts[0].Code, lifts[0].Gain,
			strings.Join(rest, translations.Comma(tr.Language())))
	}
	idiFooter(w, format, tr)
	return nil
}

// idiGroups prints every group's average and what the economies lack.
func idiGroups(w io.Writer, ix *idi.Index, groups []idi.GroupAverage, format string, tr *translations.Words) error {
	r := resultTable{columns: []column{{name: "group"}, {name: "name"}, {name: "members"}, {name: "scored"},
		{name: "universal", text: decimals(1)}, {name: "meaningful", text: decimals(1)}, {name: "idi", text: decimals(1)}}, words: tr}
	// The groups ITU publishes averages for.
	published := map[string]bool{"world": true, "itu_region": true, "income": true, "ldc": true, "lldc": true, "sids": true}
	for _, g := range groups {
		if g.Economies == 0 || !published[g.Kind] {
			continue
		}
		r.rows = append(r.rows, []any{g.Code, tr.Key(translations.GroupKey(g.Code), g.Name), g.Economies, g.Scored, g.Universal, g.Meaningful, g.IDI})
	}
	idiHeader(w, ix, format, tr.UI("group averages"), tr)
	if err := r.write(w, format); err != nil {
		return err
	}
	if format == "table" {
		fmt.Fprintf(w, "\n"+tr.UI("%d of %d economies scored."), ix.Scored(), len(ix.Economies))
		miss := ix.MissingSummary()
		var codes []string
		for c := range miss {
			codes = append(codes, c)
		}
		sort.Slice(codes, func(i, j int) bool {
			return miss[codes[i]] > miss[codes[j]] || (miss[codes[i]] == miss[codes[j]] && codes[i] < codes[j])
		})
		if len(codes) > 0 {
			var parts []string
			for _, c := range codes {
				parts = append(parts, fmt.Sprintf("%s %d", c, miss[c]))
			}
			fmt.Fprintf(w, " "+tr.UI("Economies without a value, by input: %s."), strings.Join(parts, translations.Comma(tr.Language())))
		}
		fmt.Fprintln(w)
	}
	idiFooter(w, format, tr)
	return nil
}

// idiGroup prints a group's average and its members.
func idiGroup(w io.Writer, ix *idi.Index, groups []idi.GroupAverage, code string, st *store.Store, cmd *cobra.Command, format string, tr *translations.Words) error {
	var avg *idi.GroupAverage
	for i := range groups {
		if groups[i].Code == code {
			avg = &groups[i]
		}
	}
	if avg == nil {
		return usageError("no group %s", code)
	}
	r := resultTable{columns: []column{{name: "economy"}, {name: "name"}, {name: "universal", text: decimals(1)},
		{name: "meaningful", text: decimals(1)}, {name: "idi", text: decimals(1)}, {name: "reason"}}, words: tr}
	rows, err := st.DB().QueryContext(cmd.Context(), `SELECT economy FROM group_members WHERE group_code = ?
		AND (first_year IS NULL OR first_year <= ?) AND (last_year IS NULL OR last_year >= ?) ORDER BY economy`, code, ix.DataYear, ix.DataYear)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return err
		}
		e, _ := ix.Find(c)
		if e.Scored {
			r.rows = append(r.rows, []any{e.Code, tr.Key(translations.EconomyKey(e.Code), e.Name), e.Universal, e.Meaningful, e.IDI, ""})
		} else {
			r.rows = append(r.rows, []any{e.Code, tr.Key(translations.EconomyKey(e.Code), e.Name), math.NaN(), math.NaN(), math.NaN(), idiReasons().In(tr, e.Reason)})
		}
	}
	idiHeader(w, ix, format, fmt.Sprintf("%s (%s)", tr.Key(translations.GroupKey(avg.Code), avg.Name), avg.Code), tr)
	if err := r.write(w, format); err != nil {
		return err
	}
	if format == "table" {
		if avg.Scored > 0 {
			fmt.Fprintf(w, "\n"+tr.UI("Group average over %d scored of %d members: universal %.1f, meaningful %.1f, IDI %.1f")+"\n",
				avg.Scored, avg.Economies, avg.Universal, avg.Meaningful, avg.IDI)
		} else {
			fmt.Fprintf(w, "\n"+tr.UI("None of the %d members is scored.")+"\n", avg.Economies)
		}
	}
	idiFooter(w, format, tr)
	return nil
}

// maps are the rows as JSON objects.
func (r resultTable) maps() []map[string]any {
	out := make([]map[string]any, len(r.rows))
	for i, row := range r.rows {
		m := map[string]any{}
		for j, c := range r.columns {
			m[c.name] = jsonValue(row[j])
		}
		out[i] = m
	}
	return out
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// jsonNum is v, or null when there is no score.
func jsonNum(v float64, ok bool) any {
	if !ok || math.IsNaN(v) {
		return nil
	}
	return v
}

func whatIfJSON(r idi.Result, changes map[string]float64) any {
	if len(changes) == 0 {
		return nil
	}
	return map[string]any{"set": changes, "scored": r.Scored, "reason": r.Reason, "universal": jsonNum(r.Universal, r.Scored),
		"meaningful": jsonNum(r.Meaningful, r.Scored), "idi": jsonNum(r.IDI, r.Scored)}
}

func liftsJSON(lifts []idi.Lift) any {
	out := []map[string]any{}
	for _, l := range lifts {
		out = append(out, map[string]any{"input": l.Code, "gain_per_unit": l.Gain})
	}
	return out
}

// idiReasons translates the reasons an economy gets no score; made when first needed, not at
// every start.
var idiReasons = sync.OnceValue(func() *translations.Sentences { return translations.NewSentences(idi.ReasonFormats, nil) })
