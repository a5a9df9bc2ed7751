package chart

import (
	"testing"

	"github.com/ictstat/ictstat/indicators/translations/translationstest"
)

// TestWordsTranslated checks that every word the charts draw of their own (legend entries,
// notes) has a translation in every language.
func TestWordsTranslated(t *testing.T) {
	words := translationstest.UIStrings(t, ".", "ui")
	if len(words) < 10 {
		t.Fatalf("found %d translated words in the chart code: %q", len(words), words)
	}
	translationstest.CheckTranslated(t, append(words, ErrorBarLabel, UNBoundaries))
}
