package datasets

import (
	"strings"

	"github.com/ictstat/ictstat/datasets/synth"
	"github.com/ictstat/ictstat/indicators"
)

// SynthOptions are generator options for the real economies and indicators of the default
// dataset. Indicators of individuals (internet use, phone ownership, ICT skills) are broken
// down by sex, area and age.
func SynthOptions() (synth.Options, error) {
	ref, err := Reference()
	if err != nil {
		return synth.Options{}, err
	}
	var opts synth.Options
	for _, e := range ref.Economies {
		opts.Economies = append(opts.Economies, e.ISO3)
	}
	inds, _ := indicators.Catalogue()
	for _, ind := range inds {
		opts.Indicators = append(opts.Indicators, synth.Indicator{
			Code: ind.Code, UnitKind: ind.UnitKind, Individual: strings.HasPrefix(ind.Name, "Individuals"),
		})
	}
	return opts, nil
}
