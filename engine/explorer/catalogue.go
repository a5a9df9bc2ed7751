package explorer

import (
	"context"
	"encoding/json"
	"slices"
	"time"
)

// Catalogue is the catalogue document: the indicators with data, the economies and groups, the
// frameworks' targets and the editions.
type Catalogue struct {
	Title      string               `json:"title"`
	Generated  string               `json:"generated"`
	AsOf       string               `json:"as_of"`
	Indicators []CatalogueIndicator `json:"indicators"`
	Entities   []Entity             `json:"entities"`
	Groups     []Group              `json:"groups"`
	Frameworks []Framework          `json:"frameworks"`
	Editions   []Edition            `json:"editions"`
}

// CatalogueIndicator is one indicator of the catalogue.
type CatalogueIndicator struct {
	Code       string            `json:"code"`
	Name       string            `json:"name"`
	Unit       string            `json:"unit"`
	UnitKind   string            `json:"unit_kind"`
	Polarity   string            `json:"polarity"`
	Min        *float64          `json:"min"`
	Max        *float64          `json:"max"`
	Codes      map[string]string `json:"codes"`
	FirstYear  int               `json:"first_year"`
	LastYear   int               `json:"last_year"`
	Breakdowns []string          `json:"breakdowns"`
}

// Entity is an economy or a group.
type Entity struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Kind        string `json:"kind"` // economy or group
	ISO2        string `json:"iso2,omitempty"`
	M49         string `json:"m49,omitempty"` // three digits, as the boundaries identify countries
	ITURegion   string `json:"itu_region,omitempty"`
	IncomeGroup string `json:"income_group,omitempty"`
	GroupKind   string `json:"group_kind,omitempty"`
}

// Group is a group with its current members.
type Group struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Members []string `json:"members"`
}

// Framework is a target framework with its targets.
type Framework struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	ShortName string   `json:"short_name"`
	Targets   []Target `json:"targets"`
}

// Target is one target as one measure assesses it, at one level (a target set at several
// levels, for the world and for developing countries say, has an entry per level).
type Target struct {
	Target       string   `json:"target"`
	Indicator    *string  `json:"indicator"` // null: no global data measure it
	Wording      string   `json:"wording"`
	Comparator   *string  `json:"comparator"` // >=, >, <=, < or parity
	Value        *float64 `json:"value"`
	Level        *float64 `json:"level"` // the value that counts as meeting it (95 for a target of 100%)
	Deadline     int      `json:"deadline"`
	BaselineYear int      `json:"baseline_year"`
	Measure      *string  `json:"measure"` // level, gps (gender parity score), rural or share_10m
	Basis        *string  `json:"basis"`   // absolute or baseline_ratio
	Scope        string   `json:"scope"`   // world, developing, ldc, lldc, sids or economy
}

// Edition is an edition with the citation and licence its data are published under.
type Edition struct {
	Edition  string  `json:"edition"`
	Citation string  `json:"citation"`
	Licence  *string `json:"licence"`
}

// Breakdowns are the breakdowns of a trend and a table: the total, or by sex, area or age.
var Breakdowns = []string{"total", "sex", "area", "age"}

var comparators = map[string]string{"ge": ">=", "gt": ">", "le": "<=", "lt": "<", "parity": "parity"}

// Catalogue builds the catalogue document.
func (s *Source) Catalogue(ctx context.Context) (*Catalogue, error) {
	m, err := s.loadMeta(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if !s.years {
		if err := s.readYears(ctx, m); err != nil {
			s.mu.Unlock()
			return nil, err
		}
		s.years = true
	}
	s.mu.Unlock()
	now := s.opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	c := &Catalogue{Title: "ictstat explorer", Generated: now.UTC().Format(time.RFC3339), Indicators: []CatalogueIndicator{},
		Entities: []Entity{}, Groups: []Group{}, Frameworks: []Framework{}, Editions: []Edition{}}
	if !s.opts.AsOf.IsZero() {
		c.AsOf = s.opts.AsOf.Format(time.DateOnly)
	}
	for _, code := range m.indOrder {
		in := m.indicators[code]
		if !in.hasData || (len(s.opts.Indicators) > 0 && !slices.Contains(s.opts.Indicators, code)) {
			continue
		}
		ci := CatalogueIndicator{Code: in.code, Name: in.name, Unit: in.unit, UnitKind: in.unitKind, Polarity: in.polarity,
			Codes: in.codes, FirstYear: in.firstYear, LastYear: in.lastYear, Breakdowns: in.breakdowns}
		if in.min.Valid {
			ci.Min = &in.min.Float64
		}
		if in.max.Valid {
			ci.Max = &in.max.Float64
		}
		if ci.Breakdowns == nil {
			ci.Breakdowns = []string{}
		}
		c.Indicators = append(c.Indicators, ci)
	}
	for _, code := range m.entOrder {
		e := m.entities[code]
		if len(s.opts.Entities) > 0 && !slices.Contains(s.opts.Entities, code) {
			continue
		}
		c.Entities = append(c.Entities, Entity{Code: e.code, Name: e.name, Kind: e.kind, ISO2: e.iso2, M49: e.m49,
			ITURegion: e.ituRegion, IncomeGroup: e.income, GroupKind: e.groupKind})
		if e.kind == "group" {
			members := m.groups[code]
			if members == nil {
				members = []string{}
			}
			c.Groups = append(c.Groups, Group{Code: e.code, Name: e.name, Kind: e.groupKind, Members: members})
		}
	}
	for _, f := range m.frameworks {
		fw := Framework{Code: f.code, Name: f.name, ShortName: shortNames()[f.code], Targets: []Target{}}
		if fw.ShortName == "" {
			fw.ShortName = f.name
		}
		for _, t := range m.targets {
			if t.framework != f.code {
				continue
			}
			ct := Target{Target: t.target, Wording: t.wording, Deadline: t.deadline, BaselineYear: t.baselineYear, Scope: t.scope}
			if t.measure != "" {
				ind, measure := t.indicator, measureKind(t.measure)
				cmp := comparators[t.comparator]
				if cmp == "" {
					cmp = t.comparator
				}
				basis := t.basis
				ct.Indicator, ct.Measure, ct.Comparator, ct.Basis = &ind, &measure, &cmp, &basis
				if t.value.Valid {
					v := t.value.Float64
					ct.Value = &v
				}
				if t.basis == "absolute" {
					l := t.level()
					ct.Level = &l
				}
			}
			fw.Targets = append(fw.Targets, ct)
		}
		c.Frameworks = append(c.Frameworks, fw)
	}
	for _, e := range m.edOrder {
		c.Editions = append(c.Editions, m.editions[e].doc())
	}
	return c, nil
}

// CatalogueJSON is the catalogue document encoded, built once per Source.
func (s *Source) CatalogueJSON(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	b := s.catalogue
	s.mu.Unlock()
	if b != nil {
		return b, nil
	}
	c, err := s.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	if b, err = json.Marshal(c); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.catalogue = b
	s.mu.Unlock()
	return b, nil
}

// measureKind is what a target's measure takes of its indicator: "level" (the indicator
// itself), or the derivation (gps, rural, share_10m).
func measureKind(measure string) string {
	for i := 0; i < len(measure); i++ {
		if measure[i] == ':' {
			return measure[:i]
		}
	}
	return "level"
}

func (e editionInfo) doc() Edition {
	d := Edition{Edition: e.edition, Citation: e.citation}
	if e.licence.Valid {
		l := e.licence.String
		d.Licence = &l
	}
	return d
}
