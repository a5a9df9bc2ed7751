package compute_test

import (
	"strings"
	"testing"

	"github.com/ictstat/ictstat/indicators/compute"
	"github.com/ictstat/ictstat/indicators/translations"
	"github.com/ictstat/ictstat/indicators/translations/translationstest"
)

// TestNotesTranslated checks that every sentence a progress note is made of has a translation in
// every language.
func TestNotesTranslated(t *testing.T) {
	notes, err := compute.TargetNotes()
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) < 20 {
		t.Fatalf("only %d target notes", len(notes))
	}
	translationstest.CheckTranslated(t, append(compute.NoteSentences(), notes...))
}

// TestNoteIn checks that every progress note of the default database is translated whole, in
// every language: each of its sentences is recognised (none is left in English), and its
// numbers are kept.
func TestNoteIn(t *testing.T) {
	db := open(t)
	rows, err := db.Query(`SELECT DISTINCT note FROM main.progress WHERE note IS NOT NULL ORDER BY note`)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		notes = append(notes, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(notes) < 50 {
		t.Fatalf("only %d distinct notes", len(notes))
	}
	english := append(compute.NoteSentences(), must(compute.TargetNotes())...)
	for _, lang := range translations.Codes()[1:] {
		w, err := translations.WordsOf(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range notes {
			got := compute.NoteIn(w, n)
			for _, e := range english {
				// A sentence of a few words may be kept in a translation; the long ones may not.
				if s := strings.SplitN(e, "%s", 2)[0]; len(s) > 25 && strings.Contains(got, s) {
					t.Errorf("%s: %q keeps %q in English:\n%s", lang, n, s, got)
					break
				}
			}
		}
	}
	fr, _ := translations.WordsOf("fr")
	if got := compute.NoteIn(fr, "There is no value for 2017, so the baseline is 2023. Unknown words."); !strings.Contains(got, "2017") ||
		!strings.Contains(got, "2023") || !strings.HasSuffix(got, " Unknown words.") {
		t.Errorf("NoteIn(fr) = %q: want the numbers kept and the unknown sentence as it is", got)
	}
	if got := compute.NoteIn(nil, "There is no value for 2017, so the baseline is 2023."); got != "There is no value for 2017, so the baseline is 2023." {
		t.Errorf("NoteIn(nil) = %q", got)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
