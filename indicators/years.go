package indicators

import (
	"slices"
	"strconv"
	"strings"
)

// YearRuns lists years as runs of consecutive years, in order: "1960, 1990–2024"; "none" for no
// year.
func YearRuns(years []int) string {
	years = slices.Compact(slices.Sorted(slices.Values(years)))
	if len(years) == 0 {
		return "none"
	}
	var parts []string
	for i := 0; i < len(years); {
		j := i
		for j+1 < len(years) && years[j+1] == years[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.Itoa(years[i])+"–"+strconv.Itoa(years[j]))
		} else {
			parts = append(parts, strconv.Itoa(years[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
