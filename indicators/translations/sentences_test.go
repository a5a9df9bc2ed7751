package translations

import (
	"strings"
	"testing"
)

// TestSentences checks how a text of known sentences is translated: formats with their values,
// literals whole, a format ending in %s taking the rest, an unknown sentence left as it is, and
// Chinese sentences joined without a space.
func TestSentences(t *testing.T) {
	c := &Catalogue{entries: map[string]map[string]Entry{}}
	add := func(lang, english, text string) {
		if c.entries[lang] == nil {
			c.entries[lang] = map[string]Entry{}
		}
		c.entries[lang][UIKey(english)] = Entry{Key: UIKey(english), Kind: "ui", English: english, Text: text, Status: Unreviewed}
	}
	add("fr", "There is no value for %s, so the baseline is %s.", "Il n'y a pas de valeur pour %s ; la référence est %s.")
	add("fr", "The target counts as met at 95%.", "La cible est atteinte à 95 %.")
	add("fr", "no value for %s", "aucune valeur pour %s")
	add("zh", "There is no value for %s, so the baseline is %s.", "%s年无值，因此基准年为%s年。")
	add("zh", "The target counts as met at 95%.", "目标达到95%即视为实现。")
	s := NewSentences([]string{"There is no value for %s, so the baseline is %s.", "no value for %s"},
		[]string{"The target counts as met at 95%.", "The target counts"})
	for _, tc := range []struct{ lang, in, want string }{
		{"fr", "There is no value for 2017, so the baseline is 2023. The target counts as met at 95%.",
			"Il n'y a pas de valeur pour 2017 ; la référence est 2023. La cible est atteinte à 95 %."},
		{"fr", "no value for internet_use, mobile_basket", "aucune valeur pour internet_use, mobile_basket"},
		{"fr", "There is no value for 2017, so the baseline is 2023. Something else. There is no value for 2014, so the baseline is 2015.",
			"Il n'y a pas de valeur pour 2017 ; la référence est 2023. Something else. Il n'y a pas de valeur pour 2014 ; la référence est 2015."},
		{"zh", "There is no value for 2017, so the baseline is 2023. The target counts as met at 95%.", "2017年无值，因此基准年为2023年。目标达到95%即视为实现。"},
		{"en", "There is no value for 2017, so the baseline is 2023.", "There is no value for 2017, so the baseline is 2023."},
	} {
		if got := s.In(c.For(tc.lang), tc.in); got != tc.want {
			t.Errorf("%s: In(%q)\n got %q\nwant %q", tc.lang, tc.in, got, tc.want)
		}
	}
	if got := s.In(nil, "no value for x"); got != "no value for x" {
		t.Errorf("In(nil) = %q", got)
	}
	w := c.For("fr")
	s.In(w, "no value for x")
	if w.Unreviewed() != 1 || !strings.Contains(s.In(w, "no value for y"), "aucune") {
		t.Errorf("the words used are not counted: %d unreviewed", w.Unreviewed())
	}
}
