package indicators

import "testing"

func TestYearRuns(t *testing.T) {
	for _, c := range []struct {
		years []int
		want  string
	}{
		{nil, "none"},
		{[]int{2024}, "2024"},
		{[]int{2025, 1991, 1992, 1993, 2001, 2024, 2024}, "1991–1993, 2001, 2024–2025"},
	} {
		if got := YearRuns(c.years); got != c.want {
			t.Errorf("YearRuns(%v) = %q, want %q", c.years, got, c.want)
		}
	}
}
