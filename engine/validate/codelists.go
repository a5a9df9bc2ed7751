package validate

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

//go:embed codelists.csv
var codelistsCSV string

// Code is one entry of a closed code list (sex, area, flag, unit). Its ID is its position in the
// list, which is how observations store it.
type Code struct {
	Dimension string
	ID        uint8
	Code      string
	Label     string
	aliases   []string
}

// CodeLists are the closed code lists observations are checked against, from codelists.csv.
var CodeLists = mustParseCodeLists(codelistsCSV)

// Codes returns the entries of one dimension in ID order.
func Codes(dimension string) []Code {
	var out []Code
	for _, c := range CodeLists {
		if c.Dimension == dimension {
			out = append(out, c)
		}
	}
	return out
}

func mustParseCodeLists(text string) []Code {
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		panic(fmt.Sprintf("codelists.csv: %v", err))
	}
	var out []Code
	next := map[string]uint8{}
	for _, r := range rows[1:] {
		c := Code{Dimension: r[0], ID: next[r[0]], Code: r[1], Label: r[2]}
		next[r[0]]++
		if r[3] != "" {
			c.aliases = strings.Split(r[3], "|")
		}
		out = append(out, c)
	}
	return out
}

// codeIndex maps the folded spellings of a dimension's codes to the code's ID.
func codeIndex(dimension string) map[string]uint8 {
	idx := map[string]uint8{}
	for _, c := range Codes(dimension) {
		idx[fold(c.Code)] = c.ID
		for _, a := range c.aliases {
			idx[fold(a)] = c.ID
		}
	}
	return idx
}

// unitKinds maps folded unit spellings to the unit kind (percent, per100, ...).
func unitKinds() map[string]string {
	idx := map[string]string{}
	for _, c := range Codes("unit") {
		idx[fold(c.Code)] = c.Code
		for _, a := range c.aliases {
			idx[fold(a)] = c.Code
		}
	}
	return idx
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

var (
	ageRange = regexp.MustCompile(`^y?(\d{1,3})\s*(?:-|_|t|to)\s*(\d{1,3})(?:\s*years)?$`)
	agePlus  = regexp.MustCompile(`^(?:y_?ge_?|ge_?)?(\d{1,3})\s*(?:\+|plus|_plus|and over|years and over)?$`)
	ageUnder = regexp.MustCompile(`^(?:<\s*|lt_?|y_?lt_?|under\s*)(\d{1,3})\s*y?$`)
)

// AgeTotal is the age group of observations that cover all ages.
const AgeTotal = "total"

// CanonicalAge writes an age group the one way the store keeps it: "total", "15-24", "75+" or
// "<15". It accepts the SDG spellings (15_24, 15 meaning 15 and over, lt15y, allage), SDMX
// (Y15T24, Y_GE15, Y_LT15, _T) and plain ones.
func CanonicalAge(s string) (string, bool) {
	f := fold(s)
	switch f {
	case "", "total", "allage", "all ages", "all", "_t", "notspec", "y_t", "_z":
		return AgeTotal, true
	}
	if m := ageRange.FindStringSubmatch(f); m != nil {
		lo, _ := strconv.Atoi(m[1])
		hi, _ := strconv.Atoi(m[2])
		if lo >= hi || hi > 150 {
			return "", false
		}
		return fmt.Sprintf("%d-%d", lo, hi), true
	}
	if m := ageUnder.FindStringSubmatch(f); m != nil {
		n, _ := strconv.Atoi(m[1])
		if n == 0 || n > 150 {
			return "", false
		}
		return fmt.Sprintf("<%d", n), true
	}
	if m := agePlus.FindStringSubmatch(f); m != nil {
		n, _ := strconv.Atoi(m[1])
		if n > 150 {
			return "", false
		}
		return fmt.Sprintf("%d+", n), true
	}
	return "", false
}

// CanonicalCode writes a breakdown code the one way the store keeps it: a sex or area code or
// alias ("F", "women" → "female") as its code, an age group as CanonicalAge does; false when it
// is none of the dimension's.
func CanonicalCode(dimension, s string) (string, bool) {
	if dimension == "age" {
		return CanonicalAge(s)
	}
	id, ok := codeIndex(dimension)[fold(s)]
	if !ok {
		return "", false
	}
	return Codes(dimension)[id].Code, true
}
