package explorer

import (
	"sync"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/targets"
)

// defaultEditions are the editions of the embedded default data, which republish the
// custodians' data (the World Bank WDI, the UN SDG database, the ITU DataHub).
func defaultEditions() (map[string]store.Edition, error) { return datasets.Editions() }

// frameworkOrder lists the frameworks ictstat knows, in the order of its data files.
var frameworkOrder = sync.OnceValue(func() []string {
	fws, _ := targets.Frameworks()
	var out []string
	for _, f := range fws {
		out = append(out, f.Code)
	}
	return out
})

// shortNames are the frameworks' short names, for chart labels ("UMC 2030").
var shortNames = sync.OnceValue(func() map[string]string {
	fws, _ := targets.Frameworks()
	out := map[string]string{}
	for _, f := range fws {
		out[f.Code] = f.ShortName
	}
	return out
})
