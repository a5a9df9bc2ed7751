package chart

import (
	"slices"
	"testing"
)

// TestTargetLabelNeverCrossed: where every place beside a target's line covers data (lines
// just under the target, no room above it under the axis's top), the target is named in the
// legend rather than written over the lines.
func TestTargetLabelNeverCrossed(t *testing.T) {
	label := "UMC 2030 target UMC.6: 100% by 2030 (met at 95%)"
	c := Trend{Meta: Meta{Title: "4G coverage", YLabel: "% of population", XLabel: "Year"},
		Lines: []Line{
			yearLine("Low", 2012, 93, 93, 93, 93, 93, 93, 93, 93, 93, 93, 93, 93, 93),
			yearLine("High", 2012, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97),
			yearLine("Rising", 2012, 10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 92, 94, 96),
		},
		Target: &Reference{Value: 95, Label: label}, YMin: 0, YMax: 100}
	for _, l := range traced(t, c, DefaultSize).labels {
		if l.text == label && !l.backed {
			t.Errorf("the target's label covers data at %v", l.box)
		}
	}
	if got := svgTexts(render(t, c, "svg", DefaultSize)); !slices.Contains(got, label) {
		t.Errorf("the target's label is not written: %q", got)
	}
}
