package nowcast

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"maps"
	"math"
	"slices"
)

// A fitted model can be kept with a digest of what it was fitted to, and taken again instead of
// fitting anew when the inputs have the same digest: Fit and FitBreakdown depend on nothing else.

// Digest identifies the inputs of Fit(series, opts): equal digests, equal models.
func Digest(series []Series, opts Options) []byte {
	b := fmt.Appendf(nil, "trend %v\n", opts.withDefaults())
	for _, s := range series {
		b = appendSeries(b, s)
	}
	d := sha256.Sum256(b)
	return d[:]
}

// Digest identifies the inputs of t.FitBreakdown(breakdown): the breakdown's series, the totals
// in the years it reports and the options.
func (t *Totals) Digest(breakdown []Series) []byte {
	b := fmt.Appendf(nil, "breakdown %v\n", t.o)
	for _, s := range breakdown {
		b = appendSeries(b, s)
		for _, y := range s.Years {
			z, ok := t.z[s.Economy][y]
			if !ok {
				z = math.NaN()
			}
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(z))
		}
	}
	d := sha256.Sum256(b)
	return d[:]
}

func appendSeries(b []byte, s Series) []byte {
	b = fmt.Appendf(b, "%q %q %d\n", s.Economy, s.Group, len(s.Years))
	for i, y := range s.Years {
		b = binary.LittleEndian.AppendUint64(b, uint64(y))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.Values[i]))
	}
	return b
}

// savedModel is a Model as kept.
type savedModel struct {
	Scale                      string
	Window, Pool               int
	K                          float64
	LastYear, Residuals        int
	MAE, CarryMAE, Correlation float64
	States                     []savedState // by economy
	Q                          [][4]float64
}

type savedState struct {
	Economy           string
	LastYear          int
	LastV, LastZ, Own float64
	N                 int
	Pooled            float64
}

// MarshalBinary encodes the model whole, for UnmarshalBinary, the same model always in the same
// bytes.
func (m Model) MarshalBinary() ([]byte, error) {
	s := savedModel{Scale: m.Scale, Window: m.Window, Pool: m.Pool, K: m.K, LastYear: m.LastYear, Residuals: m.Residuals,
		MAE: m.MAE, CarryMAE: m.CarryMAE, Correlation: m.Correlation, Q: m.q}
	for _, e := range slices.Sorted(maps.Keys(m.states)) {
		st := m.states[e]
		s.States = append(s.States, savedState{e, st.lastYear, st.lastV, st.lastZ, st.own, st.n, st.pooled})
	}
	return encode(s)
}

// UnmarshalBinary decodes a model MarshalBinary encoded.
func (m *Model) UnmarshalBinary(b []byte) error {
	var s savedModel
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&s); err != nil {
		return err
	}
	*m = Model{Scale: s.Scale, Window: s.Window, Pool: s.Pool, K: s.K, LastYear: s.LastYear, Residuals: s.Residuals,
		MAE: s.MAE, CarryMAE: s.CarryMAE, Correlation: s.Correlation, states: map[string]state{}, q: s.Q}
	for _, st := range s.States {
		m.states[st.Economy] = state{st.LastYear, st.LastV, st.LastZ, st.Own, st.N, st.Pooled}
	}
	return nil
}

// savedBreakdown is a BreakdownModel as kept.
type savedBreakdown struct {
	Scale               string
	LastYear, Residuals int
	MAE, CarryMAE       float64
	Gaps                []savedGap // by economy
	Q                   [][4]float64
}

type savedGap struct {
	Economy string
	Year    int
	Gap     float64
}

// MarshalBinary encodes the model whole, for UnmarshalBinary, the same model always in the same
// bytes.
func (m BreakdownModel) MarshalBinary() ([]byte, error) {
	s := savedBreakdown{Scale: m.Scale, LastYear: m.LastYear, Residuals: m.Residuals, MAE: m.MAE, CarryMAE: m.CarryMAE,
		Q: m.q}
	for _, e := range slices.Sorted(maps.Keys(m.gaps)) {
		s.Gaps = append(s.Gaps, savedGap{e, m.gaps[e].year, m.gaps[e].gap})
	}
	return encode(s)
}

// UnmarshalBinary decodes a model MarshalBinary encoded.
func (m *BreakdownModel) UnmarshalBinary(b []byte) error {
	var s savedBreakdown
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&s); err != nil {
		return err
	}
	*m = BreakdownModel{Scale: s.Scale, LastYear: s.LastYear, Residuals: s.Residuals, MAE: s.MAE, CarryMAE: s.CarryMAE,
		gaps: map[string]heldGap{}, q: s.Q}
	for _, g := range s.Gaps {
		m.gaps[g.Economy] = heldGap{g.Year, g.Gap}
	}
	return nil
}

func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
