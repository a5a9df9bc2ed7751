package explorer

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/engine/store"
)

// SafeName is a code as the static site writes it into file names: every byte but a-z, 0-9, _
// and - becomes ~ and its two hexadecimal digits ("GDP.PC" → "~47~44~50~2e~50~43").
func SafeName(code string) string {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		c := code[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "~%02x", c)
		}
	}
	return b.String()
}

// IndicatorCodes checks indicators given by any of their codes and returns their ictstat codes.
func (s *Source) IndicatorCodes(ctx context.Context, codes []string) ([]string, error) {
	m, err := s.loadMeta(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range codes {
		in, err := m.indicator(strings.TrimSpace(c))
		if err != nil {
			return nil, err
		}
		out = append(out, in.code)
	}
	return out, nil
}

// EntityCodes checks economies and groups given by their codes in any case and returns their
// codes.
func (s *Source) EntityCodes(ctx context.Context, codes []string) ([]string, error) {
	m, err := s.loadMeta(ctx)
	if err != nil {
		return nil, err
	}
	return m.entityCodes(codes)
}

// Licenses is the static site's LICENSES.md: the attribution of the data the site holds, the
// citation and licence of each of their editions, and the licences of the boundaries and of the
// JavaScript it carries. held gives the editions of each indicator's document in the site
// (Indicator.Editions), by indicator code: the attribution names those editions alone, and an
// indicator's custodian (ITU) only for the editions that republish its data, as source lines do
// ("Source: ITU, via World Bank WDI (2025 edition); Demo NSO survey (2026).").
func (s *Source) Licenses(ctx context.Context, held map[string][]Edition) ([]byte, error) {
	m, err := s.loadMeta(ctx)
	if err != nil {
		return nil, err
	}
	// The editions held, and for each custodian the editions that republish its data.
	in := map[string]bool{}
	via := map[string]map[string]bool{}
	var custodians []string
	for _, code := range slices.Sorted(maps.Keys(held)) {
		custodian := ""
		if info := m.indicators[code]; info != nil {
			custodian, _, _ = strings.Cut(info.custodian, " (")
		}
		for _, e := range held[code] {
			in[e.Edition] = true
			if custodian != "" && m.republished[e.Edition] {
				if via[custodian] == nil {
					via[custodian] = map[string]bool{}
					custodians = append(custodians, custodian)
				}
				via[custodian][e.Edition] = true
			}
		}
	}
	slices.Sort(custodians)
	var editions []Edition // in the order of their release
	for _, e := range m.edOrder {
		if in[e] {
			editions = append(editions, m.editions[e].doc())
		}
	}
	cite := func(keep func(string) bool) []string {
		var out []string
		for _, e := range editions {
			if keep(e.Edition) {
				out = append(out, e.Citation)
			}
		}
		return out
	}
	var parts []string
	for _, c := range custodians {
		parts = append(parts, c+", via "+store.JoinAnd(cite(func(e string) bool { return via[c][e] })))
	}
	if own := cite(func(e string) bool {
		for _, c := range custodians {
			if via[c][e] {
				return false
			}
		}
		return true
	}); len(own) > 0 {
		parts = append(parts, store.JoinAnd(own))
	}

	var b strings.Builder
	b.WriteString("# Licences\n\n")
	b.WriteString("This site was written by `ictstat site build`. Its data and code come under the licences below.\n\n")
	b.WriteString("## The data\n\n")
	if len(parts) == 0 {
		b.WriteString("The site holds no observations.\n\n")
	} else {
		fmt.Fprintf(&b, "Source: %s. Keep this attribution, and each edition's, when you reuse the data.\n\n", strings.Join(parts, "; "))
		b.WriteString("| edition | citation | licence |\n|---|---|---|\n")
	}
	cell := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }
	nc := false
	for _, e := range editions {
		licence := "not recorded"
		if e.Licence != nil {
			licence = *e.Licence
			nc = nc || (m.republished[e.Edition] && strings.Contains(licence, "CC BY-NC-SA 3.0 IGO"))
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(e.Edition), cell(e.Citation), cell(licence))
	}
	b.WriteString("\n")
	if nc {
		b.WriteString("The ITU DataHub's data are published under CC BY-NC-SA 3.0 IGO " +
			"(https://creativecommons.org/licenses/by-nc-sa/3.0/igo/): attribution, non-commercial use, share alike. ")
	}
	b.WriteString("Group values marked `aggregate` are ictstat's, computed from the economies' values.\n\n")
	b.WriteString("## The boundaries\n\n")
	b.WriteString("`data/boundaries.js` holds world-atlas 2.0.2's countries-50m.json (ISC licence, Mike Bostock), made from " +
		"Natural Earth's 1:50m countries (public domain). " + chart.UNBoundaries + "\n\n")
	b.WriteString("## The JavaScript\n\n")
	for _, lib := range []struct{ name, file string }{
		{"D3 7.9.2 (`assets/vendor/d3.min.js`)", "vendor/LICENSE.d3"},
		{"Observable Plot 0.6.17 (`assets/vendor/plot.umd.min.js`)", "vendor/LICENSE.plot"},
		{"topojson-client 3.1.0 (`assets/vendor/topojson-client.min.js`)", "vendor/LICENSE.topojson-client"},
	} {
		fmt.Fprintf(&b, "### %s, ISC licence\n\n", lib.name)
		if text, err := fs.ReadFile(Assets(), lib.file); err == nil {
			b.WriteString("```\n" + strings.TrimSpace(string(text)) + "\n```\n\n")
		}
	}
	b.WriteString("The page itself (`index.html`, `assets/app.js`, `assets/app.css`) is part of ictstat, under the Apache License 2.0.\n")
	return []byte(b.String()), nil
}
