package chart

import (
	"strings"
	"testing"
)

// TestScorecardDefaultSizeFits: drawn at the size chosen when none is asked, the 11 rows of the
// WSIS scorecard have their labels at 7 pt or more with no two overlapping, and the subtitle
// names the values beside them only where they are written.
func TestScorecardDefaultSizeFits(t *testing.T) {
	sc := Scorecard{Meta: Meta{Title: "WSIS Geneva targets (2003, deadline 2015): Least developed countries",
		Subtitle: "Baseline 2005 (hollow) and latest year (filled) as % of the target's level (100: target reached)",
		XLabel:   "% of the target level", Source: "Source: ITU."},
		Rows: wsisRows(), ShareOfTarget: true, ValuesNote: "right: the values in their units"}
	size := DefaultSizeFor(sc)
	if size.Width != DefaultSize.Width || size.Height <= DefaultSize.Height {
		t.Errorf("default size %gx%g cm, want %g cm wide and taller than %g cm", size.Width, size.Height, DefaultSize.Width, DefaultSize.Height)
	}
	tr := traced(t, sc, size)
	if tr.rowFont < minLabelSize {
		t.Errorf("the labels are %.2f pt, want at least %d", tr.rowFont.Points(), minLabelSize)
	}
	if len(tr.rowLabels) != len(sc.Rows) {
		t.Fatalf("%d labels traced, want %d", len(tr.rowLabels), len(sc.Rows))
	}
	for i, a := range tr.rowLabels {
		for _, b := range tr.rowLabels[i+1:] {
			if a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y {
				t.Errorf("the labels %q and another overlap: %v, %v", sc.Rows[i].Label, a, b)
			}
		}
	}
	got := strings.Join(svgTexts(render(t, sc, "svg", size)), " | ")
	if strings.Contains(got, "→") != strings.Contains(got, "right: the values") {
		t.Errorf("the subtitle names the values only where they are written: %q", got)
	}
	if d := DefaultSizeFor(Trend{}); d != DefaultSize {
		t.Errorf("a trend's default size is %v, want %v", d, DefaultSize)
	}
}

// TestScorecardSubtitleNamesValuesDrawn: where the rows are too low for their values, the
// subtitle does not name them.
func TestScorecardSubtitleNamesValuesDrawn(t *testing.T) {
	sc := Scorecard{Meta: Meta{Title: "WSIS", Subtitle: "Shares of the target"}, Rows: wsisRows(), ShareOfTarget: true,
		ValuesNote: "right: the values in their units"}
	got := strings.Join(svgTexts(render(t, sc, "svg", Size{Width: 24, Height: 9, Unit: "cm"})), " | ")
	if strings.Contains(got, "→") || strings.Contains(got, "right: the values") {
		t.Errorf("at 24x9 cm, values or their note are written: %q", got)
	}
	got = strings.Join(svgTexts(render(t, sc, "svg", Size{Width: 24, Height: 16, Unit: "cm"})), " | ")
	if !strings.Contains(got, "→") || !strings.Contains(got, "right: the values") {
		t.Errorf("at 24x16 cm, the values or their note are missing: %q", got)
	}
}
