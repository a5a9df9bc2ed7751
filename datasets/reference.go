package datasets

import (
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators"
)

// Catalogue is the indicator catalogue (indicators/) as the store takes it.
func Catalogue() ([]store.Indicator, []store.Alias) {
	inds, codes := indicators.Catalogue()
	out := make([]store.Indicator, len(inds))
	for i, ind := range inds {
		out[i] = store.Indicator{
			Code: ind.Code, Name: ind.Name, Unit: ind.Unit, UnitKind: ind.UnitKind, Min: ind.Min, Max: ind.Max,
			Polarity: ind.Polarity, Aggregation: ind.Aggregation, Weight: ind.Weight,
			Custodian: ind.Custodian, SDGIndicator: ind.SDGIndicator, CoreCode: ind.CoreCode, Description: ind.Description,
		}
	}
	aliases := make([]store.Alias, len(codes))
	for i, c := range codes {
		aliases[i] = store.Alias{Scheme: c.Scheme, Code: c.Code, Target: c.Indicator}
	}
	return out, aliases
}

// table is a CSV file of the default dataset read into rows keyed by header.
type table struct {
	name   string
	header map[string]int
	rows   [][]string
}

func readTable(name string) (*table, error) {
	f, err := Files.Open("default/" + name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty", name)
	}
	t := &table{name: name, header: map[string]int{}, rows: rows[1:]}
	for i, h := range rows[0] {
		t.header[strings.TrimPrefix(h, "\uFEFF")] = i
	}
	return t, nil
}

// get returns a field by header name, trimmed ("" for a short row).
func (t *table) get(row []string, col string) string {
	i, ok := t.header[col]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(strings.Trim(row[i], "\u00a0"))
}

func (t *table) require(cols ...string) error {
	for _, c := range cols {
		if _, ok := t.header[c]; !ok {
			return fmt.Errorf("%s: no column %q", t.name, c)
		}
	}
	return nil
}

// Reference builds the store's reference data from the embedded files: the indicator catalogue
// (indicators/), economies from the UN M49 / ISO 3166 table with ITU's regions (itu_regions.csv)
// and the extra economies sources report, the groups of groups.csv with their membership by year
// (income groups by every World Bank classification since FY89, LDCs by the UN list and its
// graduations in ldc_changes.csv), and the aggregates the UN SDG database and the World Bank
// publish.
func Reference() (store.Reference, error) {
	var ref store.Reference
	ref.Indicators, ref.IndicatorCodes = Catalogue()
	m49, err := readTable("un_m49_country_codes_ldc_lldc_sids.csv")
	if err != nil {
		return ref, err
	}
	if err := addEconomies(&ref, m49); err != nil {
		return ref, err
	}
	if err := addGroups(&ref, m49); err != nil {
		return ref, err
	}
	return ref, nil
}

func addEconomies(ref *store.Reference, m49 *table) error {
	if err := m49.require("ISO3166-1-Alpha-3", "ISO3166-1-Alpha-2", "M49", "official_name_en", "CLDR display name",
		"Region Name", "Sub-region Name", "Least Developed Countries (LDC)",
		"Land Locked Developing Countries (LLDC)", "Small Island Developing States (SIDS)"); err != nil {
		return err
	}
	ituRegion, _, err := ituRegions()
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, r := range m49.rows {
		iso3 := m49.get(r, "ISO3166-1-Alpha-3")
		if iso3 == "" {
			continue
		}
		name := m49.get(r, "official_name_en")
		if name == "" {
			name = m49.get(r, "CLDR display name")
		}
		code, _ := strconv.Atoi(m49.get(r, "M49"))
		ref.Economies = append(ref.Economies, store.Economy{
			ISO3: iso3, ISO2: m49.get(r, "ISO3166-1-Alpha-2"), M49: code, Name: name,
			UNRegion: m49.get(r, "Region Name"), UNSubregion: m49.get(r, "Sub-region Name"),
			ITURegion: ituRegion[iso3],
			LDC:       m49.get(r, "Least Developed Countries (LDC)") != "",
			LLDC:      m49.get(r, "Land Locked Developing Countries (LLDC)") != "",
			SIDS:      m49.get(r, "Small Island Developing States (SIDS)") != "",
		})
		known[iso3] = true
		if code > 0 {
			ref.EconomyCodes = append(ref.EconomyCodes, store.Alias{Scheme: "m49", Code: strconv.Itoa(code), Target: iso3})
		}
	}
	extra, err := readTable("economies_extra.csv")
	if err != nil {
		return err
	}
	for _, r := range extra.rows {
		iso3 := extra.get(r, "iso3")
		code, _ := strconv.Atoi(extra.get(r, "m49"))
		ref.Economies = append(ref.Economies, store.Economy{ISO3: iso3, M49: code, Name: extra.get(r, "name"),
			UNRegion: extra.get(r, "un_region"), UNSubregion: extra.get(r, "un_subregion"), ITURegion: ituRegion[iso3]})
		known[iso3] = true
		if code > 0 {
			ref.EconomyCodes = append(ref.EconomyCodes, store.Alias{Scheme: "m49", Code: strconv.Itoa(code), Target: iso3})
		}
	}
	for iso3 := range ituRegion {
		if !known[iso3] {
			return fmt.Errorf("itu_regions.csv: unknown economy %s", iso3)
		}
	}
	// Gapminder/open-numbers ids that are not the lower-case ISO3 code.
	gm, err := readTable("gapminder_country_metadata.csv")
	if err != nil {
		return err
	}
	for _, r := range gm.rows {
		id, iso3 := gm.get(r, "country"), gm.get(r, "iso3166_1_alpha3")
		if iso3 != "" && known[iso3] && id != strings.ToLower(iso3) {
			ref.EconomyCodes = append(ref.EconomyCodes, store.Alias{Scheme: "ddf", Code: id, Target: iso3})
		}
	}
	codes, err := readTable("economy_codes_extra.csv")
	if err != nil {
		return err
	}
	for _, r := range codes.rows {
		ref.EconomyCodes = append(ref.EconomyCodes, store.Alias{Scheme: codes.get(r, "scheme"), Code: codes.get(r, "code"), Target: codes.get(r, "economy")})
	}
	return nil
}

func addGroups(ref *store.Reference, m49 *table) error {
	groups, err := readTable("groups.csv")
	if err != nil {
		return err
	}
	oghist, err := readTable("wb_income_group_history_oghist_fy89_fy26.csv")
	if err != nil {
		return err
	}
	income, err := incomeGroups(oghist, ref.Economies)
	if err != nil {
		return err
	}
	ref.IncomeGroups = income
	ldc, err := ldcMembership(m49, ref.Economies)
	if err != nil {
		return err
	}
	_, ituBasis, err := ituRegions()
	if err != nil {
		return err
	}
	src := memberSources{economies: ref.Economies, income: income, ituBasis: ituBasis, ldc: ldc}
	groupCodes := map[string]bool{}
	for _, r := range groups.rows {
		g := store.Group{Code: groups.get(r, "code"), Name: groups.get(r, "name"), Kind: groups.get(r, "kind"), DefinedBy: groups.get(r, "defined_by")}
		ref.Groups = append(ref.Groups, g)
		groupCodes[g.Code] = true
		members, err := membership(groups.get(r, "membership"), g.Code, src)
		if err != nil {
			return fmt.Errorf("groups.csv, group %s: %w", g.Code, err)
		}
		ref.Members = append(ref.Members, members...)
		if a := groups.get(r, "aliases"); a != "" {
			for _, alias := range strings.Split(a, "|") {
				scheme, code, ok := strings.Cut(alias, ":")
				if !ok {
					return fmt.Errorf("groups.csv, group %s: alias %q is not scheme:code", g.Code, alias)
				}
				ref.GroupCodes = append(ref.GroupCodes, store.Alias{Scheme: scheme, Code: code, Target: g.Code})
			}
		}
	}
	m49Groups(ref, m49, groupCodes)
	if err := sdgRegions(ref, groupCodes); err != nil {
		return err
	}
	if err := sourceAggregates(ref, groupCodes); err != nil {
		return err
	}
	return nil
}

// memberSources are what the membership rules of groups.csv select from.
type memberSources struct {
	economies []store.Economy
	income    []store.IncomeGroup
	ituBasis  map[string]string // ISO3 → the basis of its ITU region (itu_regions.csv)
	ldc       []store.Member    // the UN LDC list by year (ldc_changes.csv applied), without a group
}

// membership applies a rule of groups.csv: all, itu_region=X, income=X (or X|Y|...), un_ldc
// (the UN list of least developed countries with its graduations, ldc_changes.csv) or
// m49_flag=X (LLDC or SIDS, as the UN M49 table flags them).
func membership(rule, group string, src memberSources) ([]store.Member, error) {
	var out []store.Member
	key, value, _ := strings.Cut(rule, "=")
	switch key {
	case "all":
		for _, e := range src.economies {
			out = append(out, store.Member{Group: group, Economy: e.ISO3})
		}
	case "itu_region":
		for _, e := range src.economies {
			if e.ITURegion == value {
				out = append(out, store.Member{Group: group, Economy: e.ISO3, Basis: src.ituBasis[e.ISO3]})
			}
		}
	case "un_ldc":
		for _, m := range src.ldc {
			m.Group = group
			out = append(out, m)
		}
	case "m49_flag":
		if value == "LDC" {
			return nil, fmt.Errorf("LDC membership changes with graduations: use the rule un_ldc, which applies ldc_changes.csv")
		}
		for _, e := range src.economies {
			if (value == "LLDC" && e.LLDC) || (value == "SIDS" && e.SIDS) {
				out = append(out, store.Member{Group: group, Economy: e.ISO3})
			}
		}
	case "income":
		for _, class := range strings.Split(value, "|") {
			out = append(out, incomeMembership(group, class, src.income)...)
		}
	default:
		return nil, fmt.Errorf("unknown membership rule %q", rule)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("membership rule %q selects no economy", rule)
	}
	return out, nil
}

// incomeGroups reads the World Bank's historical classification. Fiscal year FYnn classifies
// economies by their GNI per capita of calendar year nn-2 (FY26: July 2025, from 2024 GNI).
func incomeGroups(t *table, economies []store.Economy) ([]store.IncomeGroup, error) {
	known := map[string]bool{}
	for _, e := range economies {
		known[e.ISO3] = true
	}
	var fys []string
	for h := range t.header {
		if strings.HasPrefix(h, "FY") {
			fys = append(fys, h)
		}
	}
	sort.Slice(fys, func(i, j int) bool { return fiscalYear(fys[i]) < fiscalYear(fys[j]) })
	var out []store.IncomeGroup
	for _, r := range t.rows {
		iso3 := t.get(r, "iso3")
		if !known[iso3] {
			// Dissolved economies (Czechoslovakia, USSR, Yugoslavia) were last classified in the
			// 1990s and hold no ICT data of the years ictstat covers.
			if strings.HasSuffix(t.get(r, "economy"), "(former)") {
				continue
			}
			return nil, fmt.Errorf("%s: unknown economy %s", t.name, iso3)
		}
		for _, fy := range fys {
			// A trailing asterisk is a footnote mark in OGHIST (Yemen, FY89–FY90).
			g := strings.TrimSuffix(t.get(r, fy), "*")
			switch g {
			case "L", "LM", "UM", "H":
				y := fiscalYear(fy)
				out = append(out, store.IncomeGroup{Economy: iso3, FiscalYear: y, GNIYear: y - 2, Group: g})
			case "", "..":
			default:
				return nil, fmt.Errorf("%s: %s %s: unknown income group %q", t.name, iso3, fy, g)
			}
		}
	}
	return out, nil
}

// fiscalYear turns FY89 into 1989 and FY26 into 2026.
func fiscalYear(fy string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(fy, "FY"))
	if n >= 50 {
		return 1900 + n
	}
	return 2000 + n
}

// incomeMembership turns the classification into membership by data year: the classification
// based on year Y's GNI applies to year Y, and the latest one stays open-ended.
func incomeMembership(group, class string, income []store.IncomeGroup) []store.Member {
	byEconomy := map[string][]store.IncomeGroup{}
	latest := 0
	for _, ig := range income {
		byEconomy[ig.Economy] = append(byEconomy[ig.Economy], ig)
		latest = max(latest, ig.GNIYear)
	}
	var keys []string
	for k := range byEconomy {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []store.Member
	for _, iso3 := range keys {
		hist := byEconomy[iso3]
		for i := 0; i < len(hist); i++ {
			if hist[i].Group != class {
				continue
			}
			j := i
			for j+1 < len(hist) && hist[j+1].Group == class && hist[j+1].GNIYear == hist[j].GNIYear+1 {
				j++
			}
			last := hist[j].GNIYear
			if last == latest {
				last = 0
			}
			out = append(out, store.Member{Group: group, Economy: iso3, FirstYear: hist[i].GNIYear, LastYear: last,
				Basis: fmt.Sprintf("World Bank classification FY%02d-FY%02d", hist[i].FiscalYear%100, hist[j].FiscalYear%100)})
			i = j
		}
	}
	return out
}

// m49Groups adds the UN M49 regions, sub-regions and intermediate regions with their members.
func m49Groups(ref *store.Reference, m49 *table, have map[string]bool) {
	levels := []struct{ code, name string }{
		{"Region Code", "Region Name"},
		{"Sub-region Code", "Sub-region Name"},
		{"Intermediate Region Code", "Intermediate Region Name"},
	}
	for _, r := range m49.rows {
		iso3 := m49.get(r, "ISO3166-1-Alpha-3")
		for _, l := range levels {
			code, err := strconv.Atoi(m49.get(r, l.code))
			if err != nil || code == 0 {
				continue
			}
			g := m49GroupCode(code)
			if !have[g] {
				have[g] = true
				ref.Groups = append(ref.Groups, store.Group{Code: g, Name: m49.get(r, l.name), Kind: "un_region", DefinedBy: "UN M49"})
				ref.GroupCodes = append(ref.GroupCodes, store.Alias{Scheme: "m49", Code: strconv.Itoa(code), Target: g})
			}
			ref.Members = append(ref.Members, store.Member{Group: g, Economy: iso3})
		}
	}
}

func m49GroupCode(code int) string { return fmt.Sprintf("M49_%03d", code) }

// sdgRegionCodes are the M49 codes of the eight SDG regions, by Gapminder's id for them.
var sdgRegionCodes = map[string]int{
	"un_australia_and_new_zealand":             53,
	"un_central_and_southern_asia":             62,
	"un_eastern_and_south_eastern_asia":        753,
	"un_europe_and_northern_america":           513,
	"un_latin_america_and_the_caribbean":       419,
	"un_northern_africa_and_western_asia":      747,
	"un_oceania_exc_australia_and_new_zealand": 543,
	"un_sub_saharan_africa":                    202,
}

// sdgRegions adds the eight SDG regions, with members from the Gapminder metadata, unless M49
// already defines the same area.
func sdgRegions(ref *store.Reference, have map[string]bool) error {
	names, err := readTable("gapminder_geo_un_sdg_region.csv")
	if err != nil {
		return err
	}
	meta, err := readTable("gapminder_country_metadata.csv")
	if err != nil {
		return err
	}
	economies := map[string]bool{}
	for _, e := range ref.Economies {
		economies[e.ISO3] = true
	}
	for _, r := range names.rows {
		id := names.get(r, "un_sdg_region")
		code, ok := sdgRegionCodes[id]
		if !ok {
			return fmt.Errorf("%s: no M49 code known for %s", names.name, id)
		}
		g := m49GroupCode(code)
		if have[g] {
			continue
		}
		have[g] = true
		ref.Groups = append(ref.Groups, store.Group{Code: g, Name: names.get(r, "name"), Kind: "sdg_region", DefinedBy: "UN SDG regional groupings"})
		ref.GroupCodes = append(ref.GroupCodes, store.Alias{Scheme: "m49", Code: strconv.Itoa(code), Target: g})
		for _, m := range meta.rows {
			if iso3 := meta.get(m, "iso3166_1_alpha3"); meta.get(m, "un_sdg_region") == id && economies[iso3] {
				ref.Members = append(ref.Members, store.Member{Group: g, Economy: iso3})
			}
		}
	}
	return nil
}

// sourceAggregates adds the other aggregates the embedded files publish, without members: areas
// of the UN SDG database that are neither economies nor groups yet, and the World Bank's
// aggregates in its population file.
func sourceAggregates(ref *store.Reference, have map[string]bool) error {
	economyM49 := map[string]bool{}
	for _, a := range ref.EconomyCodes {
		if a.Scheme == "m49" {
			economyM49[a.Code] = true
		}
	}
	groupM49 := map[string]bool{}
	for _, a := range ref.GroupCodes {
		if a.Scheme == "m49" {
			groupM49[a.Code] = true
		}
	}
	sdg, err := readTable("sdg_geo_area_m49.csv")
	if err != nil {
		return err
	}
	for _, r := range sdg.rows {
		code, err := strconv.Atoi(sdg.get(r, "geo_area"))
		if err != nil {
			return fmt.Errorf("%s: geo_area %q is not a number", sdg.name, sdg.get(r, "geo_area"))
		}
		c := strconv.Itoa(code)
		if economyM49[c] || groupM49[c] {
			continue
		}
		g := m49GroupCode(code)
		if have[g] {
			continue
		}
		have[g] = true
		ref.Groups = append(ref.Groups, store.Group{Code: g, Name: sdg.get(r, "name"), Kind: "source", DefinedBy: "UN SDG database"})
		ref.GroupCodes = append(ref.GroupCodes, store.Alias{Scheme: "m49", Code: c, Target: g})
	}
	wbCodes := map[string]bool{}
	for _, a := range ref.GroupCodes {
		if a.Scheme == "wb" {
			wbCodes[a.Code] = true
		}
	}
	economies := map[string]bool{}
	for _, e := range ref.Economies {
		economies[e.ISO3] = true
	}
	pop, err := readTable("wdi_population_total_sp_pop_totl.csv")
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, r := range pop.rows {
		code := pop.get(r, "Country Code")
		if economies[code] || wbCodes[code] || seen[code] {
			continue
		}
		seen[code] = true
		g := "WB_" + code
		ref.Groups = append(ref.Groups, store.Group{Code: g, Name: pop.get(r, "Country Name"), Kind: "source", DefinedBy: "World Bank"})
		ref.GroupCodes = append(ref.GroupCodes, store.Alias{Scheme: "wb", Code: code, Target: g})
	}
	return nil
}
