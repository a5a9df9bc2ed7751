package translations

import "strings"

// articles are the articles UNTERM short names end with, in parentheses, by language.
var articles = map[string][]string{
	"fr": {"le", "la", "l'", "l’", "les"},
	"es": {"el", "la", "los", "las"},
}

// DisplayName is an economy name as charts and tables show it: text without the parenthesised
// article a French or Spanish UNTERM short name ends with, e.g. "Afghanistan (l')" →
// "Afghanistan", "Bahamas (las)" → "Bahamas", "Pays-Bas (les)" → "Pays-Bas". The catalogue keeps
// the UNTERM text with its article (it is the official text, and the article tells a writer how
// to use the name in a sentence: "l'Afghanistan", "les Pays-Bas"); a label standing alone drops
// it. Only a whole trailing article is dropped: "Iran (République islamique d')" and
// "Venezuela (República Bolivariana de)" are kept as they are, as is every text of another
// language.
func DisplayName(lang, text string) string {
	for _, a := range articles[lang] {
		if name, ok := strings.CutSuffix(text, " ("+a+")"); ok && strings.TrimSpace(name) != "" {
			return strings.TrimSpace(name)
		}
	}
	return text
}
