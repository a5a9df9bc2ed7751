package datasets

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ictstat/ictstat/engine/store"
)

// ituRegions reads itu_regions.csv: the ITU region of every economy ITU places in one (ITU's
// "ITU/BDT" statistical regions of Facts and Figures and the DataHub) and the basis of each
// assignment, ITU's own file or, for two economies no ITU file assigns, "inferred: ...". Economies
// the file does not list belong to no ITU region and count in the world only.
func ituRegions() (region, basis map[string]string, err error) {
	t, err := readTable("itu_regions.csv")
	if err != nil {
		return nil, nil, err
	}
	if err := t.require("iso3", "itu_region", "basis"); err != nil {
		return nil, nil, err
	}
	region, basis = map[string]string{}, map[string]string{}
	for i, r := range t.rows {
		iso3, reg := t.get(r, "iso3"), t.get(r, "itu_region")
		switch reg {
		case "AFR", "AMS", "ARB", "ASP", "CIS", "EUR":
		default:
			return nil, nil, fmt.Errorf("%s, line %d: %s: unknown ITU region %q", t.name, i+2, iso3, reg)
		}
		if _, dup := region[iso3]; dup {
			return nil, nil, fmt.Errorf("%s, line %d: %s is listed twice", t.name, i+2, iso3)
		}
		region[iso3], basis[iso3] = reg, t.get(r, "basis")
	}
	return region, basis, nil
}

// An LDC change: a graduation from the UN list of least developed countries, or an addition to it.
type ldcChange struct {
	economy, change string
	effective       time.Time
	source          string
}

// ldcGraduatedLast is the last data year in which an economy that graduated on date d counts as an
// LDC, and ldcAddedFirst the first in which one added on d does. The rule: an economy counts as
// an LDC for year Y when it is on the list on 1 July of Y, the middle of the year (as population
// figures are mid-year figures). So São Tomé and Príncipe (graduated 13 December 2024) is an LDC
// through 2024, Maldives (1 January 2011) through 2010, Equatorial Guinea (4 June 2017) through
// 2016, and South Sudan (added 18 December 2012) from 2013.
func ldcGraduatedLast(d time.Time) int {
	if d.After(midYear(d.Year())) {
		return d.Year()
	}
	return d.Year() - 1
}

func ldcAddedFirst(d time.Time) int {
	if d.After(midYear(d.Year())) {
		return d.Year() + 1
	}
	return d.Year()
}

func midYear(y int) time.Time { return time.Date(y, time.July, 1, 0, 0, 0, 0, time.UTC) }

// readLDCChanges reads ldc_changes.csv, in order of effective date.
func readLDCChanges(known map[string]bool) ([]ldcChange, error) {
	t, err := readTable("ldc_changes.csv")
	if err != nil {
		return nil, err
	}
	if err := t.require("iso3", "change", "effective", "source"); err != nil {
		return nil, err
	}
	var out []ldcChange
	for i, r := range t.rows {
		c := ldcChange{economy: t.get(r, "iso3"), change: t.get(r, "change"), source: t.get(r, "source")}
		line := i + 2
		if !known[c.economy] {
			return nil, fmt.Errorf("%s, line %d: unknown economy %q", t.name, line, c.economy)
		}
		if c.change != "graduated" && c.change != "added" {
			return nil, fmt.Errorf("%s, line %d: change %q is neither graduated nor added", t.name, line, c.change)
		}
		if c.effective, err = time.Parse(time.DateOnly, t.get(r, "effective")); err != nil {
			return nil, fmt.Errorf("%s, line %d: effective %q is not a date (YYYY-MM-DD)", t.name, line, t.get(r, "effective"))
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].effective.Before(out[j].effective) })
	return out, nil
}

// ldcMembership is the UN list of least developed countries by data year: the economies the UN
// M49 table flags, with the graduations and additions of ldc_changes.csv applied (the table
// predates São Tomé and Príncipe's graduation), each year by the mid-year rule of
// ldcGraduatedLast. Members of the current list are open-ended; graduated economies end in their
// last LDC year. The economies' LDC flag is set to the current list. The file records the changes
// since 1994, so economies added to the list before then count as LDCs in every earlier year.
func ldcMembership(m49 *table, economies []store.Economy) ([]store.Member, error) {
	known := map[string]bool{}
	for _, e := range economies {
		known[e.ISO3] = true
	}
	current := map[string]bool{}
	for _, r := range m49.rows {
		if iso3 := m49.get(r, "ISO3166-1-Alpha-3"); iso3 != "" && m49.get(r, "Least Developed Countries (LDC)") != "" {
			current[iso3] = true
		}
	}
	changes, err := readLDCChanges(known)
	if err != nil {
		return nil, err
	}
	type span struct {
		first, last int
		basis       []string
	}
	spans := map[string]*span{}
	for iso3 := range current {
		spans[iso3] = &span{}
	}
	for _, c := range changes {
		s := spans[c.economy]
		if s == nil {
			s = &span{}
			spans[c.economy] = s
		}
		date := c.effective.Format(time.DateOnly)
		switch c.change {
		case "graduated":
			s.last, current[c.economy] = ldcGraduatedLast(c.effective), false
			s.basis = append(s.basis, fmt.Sprintf("graduated %s (an LDC through %d): %s", date, s.last, c.source))
		case "added":
			s.first, s.last, current[c.economy] = ldcAddedFirst(c.effective), 0, true
			s.basis = append(s.basis, fmt.Sprintf("added %s (an LDC from %d): %s", date, s.first, c.source))
		}
	}
	var codes []string
	for iso3 := range spans {
		codes = append(codes, iso3)
	}
	sort.Strings(codes)
	var out []store.Member
	for _, iso3 := range codes {
		s := spans[iso3]
		if s.first != 0 && s.last != 0 && s.last < s.first {
			return nil, fmt.Errorf("ldc_changes.csv: %s graduated before it was added", iso3)
		}
		basis := "UN list of least developed countries (UN M49 table)"
		if len(s.basis) > 0 {
			basis = strings.Join(s.basis, "; ")
		}
		out = append(out, store.Member{Economy: iso3, FirstYear: s.first, LastYear: s.last, Basis: basis})
	}
	for i := range economies {
		economies[i].LDC = current[economies[i].ISO3]
	}
	return out, nil
}
