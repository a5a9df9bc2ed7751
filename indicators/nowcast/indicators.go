package nowcast

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"strings"
)

//go:embed indicators.csv
var indicatorsCSV string

// Indicators returns the indicators the model nowcasts, with the scale of each (Logit or Log),
// from indicators.csv.
func Indicators() (map[string]string, error) {
	rows, err := csv.NewReader(strings.NewReader(indicatorsCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("nowcast indicators.csv: %w", err)
	}
	out := map[string]string{}
	for i, r := range rows[1:] {
		if r[1] != Logit && r[1] != Log {
			return nil, fmt.Errorf("nowcast indicators.csv, line %d: scale %q: want %s or %s", i+2, r[1], Logit, Log)
		}
		out[r[0]] = r[1]
	}
	return out, nil
}

// Describe says in words how the model estimates, for the estimates table.
func (m Model) Describe() string {
	pool := "its ITU region"
	if m.Pool > 0 {
		pool = fmt.Sprintf("the %d economies nearest in level", m.Pool)
	}
	own := fmt.Sprintf("its own slope over its last %d points shrunk toward the median slope of %s over theirs (weight n/(n + %g) on its own, n its points)",
		m.Window, pool, m.K)
	switch {
	case math.IsInf(m.K, 1):
		own = fmt.Sprintf("the median slope of %s, each over its last %d points up to its last report", pool, m.Window)
	case m.K == 0:
		own = fmt.Sprintf("its own slope over its last %d points", m.Window)
	}
	return fmt.Sprintf("nowcast on the %s scale: the last reported value plus %s; intervals from the internal backtest's errors at the horizon",
		m.Scale, own)
}
