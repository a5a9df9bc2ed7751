package figures

import (
	"testing"

	"github.com/ictstat/ictstat/indicators/translations/translationstest"
)

// TestWordsTranslated checks that every word the figures write (titles, notes, source lines)
// has a translation in every language.
func TestWordsTranslated(t *testing.T) {
	words := translationstest.UIStrings(t, ".", "ui", "UI")
	if len(words) < 20 {
		t.Fatalf("found %d translated words in the figures' code: %q", len(words), words)
	}
	translationstest.CheckTranslated(t, words)
}
