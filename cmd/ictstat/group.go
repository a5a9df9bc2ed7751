package main

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/translations"
)

func newGroup(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "group",
		Short: "Define your own groups of economies",
		Long: `Define your own groups of economies (a regional community, a peer group) to be aggregated and
assessed like the world, the ITU regions and the income groups. 'ictstat compute' includes them.
The groups of the reference data (WLD, ITU_*, LIC/LMC/UMC/HIC/LMY, LDC, LLDC, SIDS, M49_*) cannot
be changed.`,
	}
	var name string
	var members []string
	set := &cobra.Command{
		Use:     "set CODE --name NAME --members ISO3,ISO3,...",
		Short:   "Create a group, or replace its name and members",
		Example: `  ictstat group set EAC --name "East African Community" --members BDI,COD,KEN,RWA,SOM,SSD,TZA,UGA`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if name == "" || len(members) == 0 {
				return usageError("--name and --members are required")
			}
			st, err := openStore(cmd, g)
			if err != nil {
				return err
			}
			defer st.Close()
			for i, m := range members {
				e, err := store.FindEntity(cmd.Context(), st.DB(), m, true)
				var unknown *store.EntityError
				if errors.As(err, &unknown) {
					return usageError("--members: %v", err)
				} else if err != nil {
					return err
				}
				members[i] = e.Code
			}
			if err := st.SetGroup(cmd.Context(), args[0], name, members); err != nil {
				return &exitError{exitUsage, err}
			}
			fmt.Fprintf(out(g), say("group %s (%s): %d members; run 'ictstat compute' to aggregate it\n"), args[0], name, len(members))
			return st.Close()
		},
	}
	set.Flags().StringVar(&name, "name", "", "the group's name")
	set.Flags().StringSliceVar(&members, "members", nil, "its economies, by ISO3 code in any case, M49 code or name (names with a comma: give the code)")
	del := &cobra.Command{
		Use:   "delete CODE",
		Short: "Delete a group you defined",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openStore(cmd, g)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.DeleteGroup(cmd.Context(), args[0]); err != nil {
				return &exitError{exitUsage, err}
			}
			fmt.Fprintf(out(g), say("group %s deleted; run 'ictstat compute' to drop its results\n"), args[0])
			return st.Close()
		},
	}
	var format, kind string
	var lang langFlag
	list := &cobra.Command{
		Use:   "list",
		Short: "List the groups: code, name, kind, who defined them and their current members",
		Long: `List every group the database holds, reference groups and your own, in the order the
groups view gives: code, name, kind (world, itu_region, income, ldc, lldc, sids, un_region and
the others the data bring), who defined it and how many economies are its members now. --kind
keeps one kind. In a terminal long names are cut; --format csv or json gives them whole. The
members themselves are in the view group_members.`,
		Example: `  ictstat group list
  ictstat group list --kind itu_region
  ictstat group list --format csv`,
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
			tr, err := lang.words()
			if err != nil {
				return err
			}
			t := resultTable{columns: []column{{name: "group"}, {name: "name", text: clip}, {name: "kind"}, {name: "defined_by"}, {name: "members"}},
				words: tr}
			err = store.ScanRows(cmd.Context(), st.DB(), `SELECT group_code, name, kind, coalesce(defined_by, ''), coalesce(members, 0)
				FROM main.groups WHERE $1 = '' OR kind = $1`, func(r *sql.Rows) error {
				var code, name, kind, by string
				var members int64
				if err := r.Scan(&code, &name, &kind, &by, &members); err != nil {
					return err
				}
				if kind != "custom" {
					name = tr.Key(translations.GroupKey(code), name) // groups of your own keep their names
				}
				t.rows = append(t.rows, []any{code, name, kind, by, members})
				return nil
			}, kind)
			if err != nil {
				return err
			}
			if len(t.rows) == 0 && kind != "" {
				var kinds string
				if err := st.DB().QueryRowContext(cmd.Context(), `SELECT string_agg(DISTINCT kind, ', ' ORDER BY kind) FROM main.groups`).Scan(&kinds); err != nil {
					return err
				}
				return usageError("no group of kind %q: the kinds are %s", kind, kinds)
			}
			return t.write(out(g), format)
		},
	}
	list.Flags().StringVar(&format, "format", "table", "output format: table, csv or json")
	lang.add(list)
	list.Flags().StringVar(&kind, "kind", "", "only groups of this kind, e.g. itu_region or income")
	cmd.AddCommand(list, set, del)
	return cmd
}
