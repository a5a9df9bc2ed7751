package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/store"
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
			fmt.Fprintf(out(g), "group %s (%s): %d members; run 'ictstat compute' to aggregate it\n", args[0], name, len(members))
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
			fmt.Fprintf(out(g), "group %s deleted; run 'ictstat compute' to drop its results\n", args[0])
			return st.Close()
		},
	}
	cmd.AddCommand(set, del)
	return cmd
}
