package explorer

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
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

// Licenses is the static site's LICENSES.md: the licences of the JavaScript it carries and of
// the boundaries, and every edition's citation and licence.
func Licenses(c *Catalogue) []byte {
	var b strings.Builder
	b.WriteString("# Licences\n\n")
	b.WriteString("This site was written by `ictstat site build`. Its data and code come under the licences below.\n\n")
	b.WriteString("## The data\n\n")
	b.WriteString("Source: ITU (International Telecommunication Union), for the ICT indicators, as the editions below publish them. " +
		"Keep this attribution, and each edition's, when you reuse the data.\n\n")
	b.WriteString("| edition | citation | licence |\n|---|---|---|\n")
	cell := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }
	for _, e := range c.Editions {
		licence := "not recorded"
		if e.Licence != nil {
			licence = *e.Licence
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(e.Edition), cell(e.Citation), cell(licence))
	}
	b.WriteString("\nThe ITU DataHub's data are published under CC BY-NC-SA 3.0 IGO " +
		"(https://creativecommons.org/licenses/by-nc-sa/3.0/igo/): attribution, non-commercial use, share alike. " +
		"Group values marked `aggregate` are ictstat's, computed from the economies' values.\n\n")
	b.WriteString("## The boundaries\n\n")
	b.WriteString("`data/boundaries.js` holds world-atlas 2.0.2's countries-50m.json (ISC licence, Mike Bostock), made from " +
		"Natural Earth's 1:50m countries (public domain). Boundaries and names are Natural Earth's and imply no opinion " +
		"on the legal status of any territory.\n\n")
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
	return []byte(b.String())
}
