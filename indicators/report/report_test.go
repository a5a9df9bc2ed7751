package report

import (
	"slices"
	"testing"
)

// TestNaturalCompare: target codes sort with their numbers as numbers.
func TestNaturalCompare(t *testing.T) {
	codes := []string{"UMC.10", "UMC.2", "UMC.1", "T10", "T2", "2.10", "2.1.A", "2.1.B", "BB.3"}
	slices.SortFunc(codes, NaturalCompare)
	want := []string{"2.1.A", "2.1.B", "2.10", "BB.3", "T2", "T10", "UMC.1", "UMC.2", "UMC.10"}
	if !slices.Equal(codes, want) {
		t.Errorf("got %v, want %v", codes, want)
	}
}
