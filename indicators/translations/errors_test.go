package translations

import "testing"

// TestErrorIn checks how an error's message is translated: by its most specific format, with its
// values kept, the error it wraps translated too, a message that only starts with a known prefix
// translated after it, and an unknown one kept.
func TestErrorIn(t *testing.T) {
	c := &Catalogue{entries: map[string]map[string]Entry{"fr": {}}}
	add := func(english, text string) {
		c.entries["fr"][UIKey(english)] = Entry{Key: UIKey(english), Kind: "ui", English: english, Text: text, Status: Unreviewed, File: "errors.fr.csv"}
		c.order["fr"] = append(c.order["fr"], UIKey(english))
	}
	c.order = map[string][]string{}
	add("%s, line %d, column %d: %w", "%s, ligne %d, colonne %d : %w")
	add("no economy %q", "aucune économie %q")
	add("no economy %q (economies are given by ISO3 code)", "aucune économie %q (les économies sont données par leur code ISO3)")
	add("%d of %d files refused; nothing of them was loaded", "%[2]d fichiers, dont %[1]d refusés ; rien n'en a été chargé")
	add("%.1f%% of rows rejected", "%.1f %% des lignes rejetées")
	w := c.For("fr")
	for _, tc := range []struct{ in, want string }{
		{`data.csv, line 4, column 2: no economy "XXX" (economies are given by ISO3 code)`,
			`data.csv, ligne 4, colonne 2 : aucune économie "XXX" (les économies sont données par leur code ISO3)`},
		{`no economy "KEN"`, `aucune économie "KEN"`},
		{"3 of 5 files refused; nothing of them was loaded", "5 fichiers, dont 3 refusés ; rien n'en a été chargé"},
		{"12.5% of rows rejected", "12.5 % des lignes rejetées"},
		{`ingest: data.csv: no economy "KEN"`, `ingest: data.csv: aucune économie "KEN"`},
		{"Binder Error: column x not found", "Binder Error: column x not found"},
	} {
		if got := ErrorIn(w, tc.in); got != tc.want {
			t.Errorf("ErrorIn(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	if got := ErrorIn(nil, `no economy "KEN"`); got != `no economy "KEN"` {
		t.Errorf("ErrorIn(nil) = %q", got)
	}
}
