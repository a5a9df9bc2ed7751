package release_test

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/indicators/translations"
)

// TestJobInItsLanguage runs a job with lang: ar and checks that its scorecard's headers,
// statuses and source line, and its chart, are in Arabic, and that a chart may name its own
// language.
func TestJobInItsLanguage(t *testing.T) {
	dir := t.TempDir()
	job := writeJob(t, dir, "job.yaml", `title: WSIS+20
output: out
lang: ar
scorecard:
  file: scorecard.md
  entities: [WLD]
charts:
  - file: trend.png
    kind: trend
    indicator: internet_use_pct
    economies: [WLD, ITU_ARB]
  - file: trend-fr.png
    kind: trend
    indicator: internet_use_pct
    economies: [WLD]
    lang: fr
`)
	out := filepath.Join(dir, "out")
	run(t, job, database(t), out)
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	word := func(key string) string {
		s, _, ok := cat.Text("ar", key)
		if !ok {
			t.Fatalf("no Arabic %s", key)
		}
		return s
	}
	md, err := os.ReadFile(filepath.Join(out, "scorecard.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| " + word(translations.UIKey("target")) + " |", word(translations.StatusKey("target met")),
		word(translations.IndicatorKey("internet_use_pct", "name")), word(translations.UIKey("Source:")) + " ITU"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("scorecard.md has no %q:\n%s", want, md)
		}
	}
	if strings.Contains(string(md), "target met") || strings.Contains(string(md), "| target |") {
		t.Errorf("scorecard.md left in English:\n%s", md)
	}
	for _, f := range []string{"trend.png", "trend-fr.png"} {
		b, err := os.ReadFile(filepath.Join(out, "charts", f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
