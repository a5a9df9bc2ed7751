package main

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/ingest"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators"
	"github.com/ictstat/ictstat/indicators/translations"
)

func newIndicator(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "indicator",
		Short: "Define your own indicators, and list the catalogue",
		Long: `The catalogue of indicators a database knows: ictstat's own (the Partnership's core ICT indicators
that the default data carry) and those you define. A file's rows load only for indicators of the
catalogue; define an indicator before loading its observations. Yours then load, aggregate (by
their aggregation rule, when you run 'ictstat compute') and chart like ictstat's own.`,
	}
	cmd.AddCommand(newIndicatorDefine(g), newIndicatorList(g))
	return cmd
}

func newIndicatorDefine(g *globals) *cobra.Command {
	var replace bool
	cmd := &cobra.Command{
		Use:   "define FILE",
		Short: "Add the indicators a CSV file defines to the catalogue",
		Long: `Add the indicators a CSV file defines to the catalogue: all of them, or none when any line is
refused (one transaction). Every field is checked, and every error is listed with its file, line,
column, value and reason (exit code 3).

Columns (the first line names them, in any order):

  code          ictstat's code of the indicator: a letter, then letters, digits, _ . or -
  name, unit    its name, and its unit as charts label it (e.g. "% of businesses")
  unit_kind     ` + strings.Join(indicators.UnitKinds, ", ") + `
  polarity      higher or lower (is better), or neutral
  aggregation   how a group's value is formed: weighted_mean, median, or sum (counts and amounts)
  min, max      the valid range, past which a value is rejected at load; empty: no bound
                (a percentage: 0 and 100)
  weight        population or households: the weight of a weighted_mean, and only of one
  custodian, sdg_indicator (e.g. 17.8.1), core_code (Partnership core list), description
  itu_code, wdi_code, sdg_series, ddf_concept
                codes that files from ITU, the World Bank WDI, the UN SDG database and DDF
                datasets give it (several separated by ;), so that their files load

code, name, unit, unit_kind, polarity and aggregation are required. No code may be given twice, in any case and column, nor be one that
another indicator already has. ictstat's own indicators cannot be redefined. Defining again an
indicator you defined, with the same fields, changes nothing; with other fields it is refused,
unless --replace is given: then the new definition replaces the old one, provided the indicator's
observations fit it (same unit kind, values within the new range). 'ictstat indicator list
--user --format csv' writes your definitions in this format.

datasets/examples/indicators-core.csv defines a few indicators of the Partnership's core list that
ictstat's own catalogue lacks.`,
		Example: `  ictstat indicator define datasets/examples/indicators-core.csv
  ictstat ingest survey.csv --edition "NSO 2026" --licence "CC BY 4.0"
  ictstat indicator define mine.csv --replace`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			if _, err := os.Stat(path); err != nil {
				return err
			}
			st, err := openStore(cmd, g)
			if err != nil {
				return err
			}
			defer st.Close()
			done, err := indicators.Define(cmd.Context(), st, path, replace)
			if err != nil {
				return definitionError(path, err)
			}
			if err := st.Close(); err != nil {
				return err
			}
			w := out(g)
			var parts []string
			for _, p := range []struct {
				what  string
				codes []string
			}{{"defined", done.Added}, {"replaced", done.Replaced}, {"unchanged", done.Unchanged}} {
				if len(p.codes) > 0 {
					parts = append(parts, fmt.Sprintf("%d %s (%s)", len(p.codes), p.what, strings.Join(p.codes, ", ")))
				}
			}
			fmt.Fprintf(w, "%s: %s\n", path, strings.Join(parts, "; "))
			if len(done.Replaced) > 0 {
				fmt.Fprintln(w, say("run 'ictstat compute' to aggregate the replaced indicators by their new definitions"))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&replace, "replace", false, "replace the definitions of indicators you defined before with those of the file")
	return cmd
}

// definitionError is the error of a refused definitions file: its errors one a line, exit code 3.
func definitionError(path string, err error) error {
	var fe indicators.FieldErrors
	if !errors.As(err, &fe) {
		return err
	}
	lines := make([]string, len(fe))
	for i, e := range fe {
		lines[i] = e.Error()
	}
	more := ""
	if len(fe) == indicators.MaxFieldErrors {
		more = fmt.Sprintf("\n  (the first %d errors)", indicators.MaxFieldErrors)
	}
	return &exitError{exitRefused, fmt.Errorf("%s refused, nothing of it defined:\n  %s%s", path, strings.Join(lines, "\n  "), more)}
}

func newIndicatorList(g *globals) *cobra.Command {
	var format string
	var user bool
	var lang langFlag
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the indicators of the catalogue",
		Long: `List the indicators of the catalogue with who defined them (ictstat or user). As a table, the
main columns; as CSV or JSON, every column of a definitions file, so that
'ictstat indicator list --user --format csv > mine.csv' can define them in another database.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			st, err := openReadOnly(cmd, g)
			if err != nil {
				return err
			}
			defer st.Close()
			var r resultTable
			names := indicators.DefinitionColumns
			for _, c := range names {
				r.columns = append(r.columns, column{name: c})
			}
			err = store.ScanRows(cmd.Context(), st.DB(), `SELECT indicator, name, unit, unit_kind, polarity, aggregation,
					coalesce(min_value, 'NaN'::DOUBLE), coalesce(max_value, 'NaN'::DOUBLE), weight, custodian, sdg_indicator, core_code,
					description, itu_code, wdi_code, sdg_series, ddf_concept, defined_by
				FROM main.indicators WHERE NOT ? OR defined_by = 'user' ORDER BY defined_by, indicator`, func(rows *sql.Rows) error {
				vals := make([]any, len(names))
				ptrs := make([]any, len(names))
				var minV, maxV float64
				texts := make([]sql.NullString, len(names))
				for i := range names {
					switch names[i] {
					case "min":
						ptrs[i] = &minV
					case "max":
						ptrs[i] = &maxV
					default:
						ptrs[i] = &texts[i]
					}
				}
				if err := rows.Scan(ptrs...); err != nil {
					return err
				}
				for i := range names {
					switch names[i] {
					case "min":
						vals[i] = minV
					case "max":
						vals[i] = maxV
					default:
						if texts[i].Valid {
							vals[i] = texts[i].String
						}
					}
				}
				r.rows = append(r.rows, vals)
				return nil
			}, user)
			if err != nil {
				return err
			}
			if format == "table" {
				r = r.only("code", "name", "unit", "unit_kind", "aggregation", "weight", "defined_by")
				// In another language, the column names and the indicators' names and units.
				if r.words, err = lang.words(); err != nil {
					return err
				}
				for _, row := range r.rows {
					code, _ := row[0].(string)
					for i, field := range map[int]string{1: "name", 2: "unit"} {
						if s, ok := row[i].(string); ok {
							row[i] = r.words.Key(translations.IndicatorKey(code, field), s)
						}
					}
				}
			}
			return r.write(cmd.OutOrStdout(), format)
		},
	}
	cmd.Flags().BoolVar(&user, "user", false, "only the indicators users defined")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	lang.add(cmd)
	return cmd
}

// only is the table with the named columns alone.
func (r resultTable) only(names ...string) resultTable {
	var idx []int
	var out resultTable
	for _, n := range names {
		for i, c := range r.columns {
			if c.name == n {
				idx = append(idx, i)
				out.columns = append(out.columns, c)
			}
		}
	}
	for _, row := range r.rows {
		var nr []any
		for _, i := range idx {
			nr = append(nr, row[i])
		}
		out.rows = append(out.rows, nr)
	}
	return out
}

// printDefineHint says how to add indicators to the catalogue when rows were rejected for an
// unknown one.
func printDefineHint(w io.Writer, rejects []ingest.Reject) {
	if hint := indicators.UnknownHint(rejects); hint != "" {
		fmt.Fprintf(w, "  %s\n", hint)
	}
}

// findEntity is the code of the economy or group text names, as store.FindEntity reads it (an
// ISO3 or group code in any case, an M49 code, a name); an unknown one is a usage error that
// names the three closest.
func findEntity(cmd *cobra.Command, g *globals, text string) (string, error) {
	st, err := openReadOnly(cmd, g)
	if err != nil {
		return "", err
	}
	defer st.Close()
	e, err := store.FindEntity(cmd.Context(), st.DB(), text, false)
	var unknown *store.EntityError
	if errors.As(err, &unknown) {
		return "", usageError("%v", err)
	}
	return e.Code, err
}
