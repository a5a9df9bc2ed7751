package compute

import (
	"maps"
	"slices"

	"github.com/ictstat/ictstat/engine/store"
)

// SetPassObservations sets how many observations a pass of a full computation holds, for a
// test, and returns the function that restores it.
func SetPassObservations(n int64) (restore func()) {
	was := passObservations
	passObservations = n
	return func() { passObservations = was }
}

// Passes are the indicators of each pass of a full computation of a store whose indicators
// have the observations sizes gives, in order.
func Passes(sizes map[string]int64) [][]string {
	in := map[string]store.InputState{}
	for c, n := range sizes {
		in[c] = store.InputState{Observations: n}
	}
	var out [][]string
	for _, p := range (scope{full: true}).passes(in, passObservations) {
		out = append(out, slices.Sorted(maps.Keys(p.series)))
	}
	return out
}

// IncrementalPasses are the indicators of each pass of an incremental computation that
// recomputes the indicators of load, of a store whose indicators have the observations sizes
// gives.
func IncrementalPasses(load []string, sizes map[string]int64) [][]string {
	sc := scope{series: map[string]bool{}, load: map[string]bool{}}
	for _, c := range load {
		sc.series[c], sc.load[c] = true, true
	}
	in := map[string]store.InputState{}
	for c, n := range sizes {
		in[c] = store.InputState{Observations: n}
	}
	var out [][]string
	for _, p := range sc.passes(in, passObservations) {
		out = append(out, slices.Sorted(maps.Keys(p.series)))
	}
	return out
}
