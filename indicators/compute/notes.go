package compute

import (
	"slices"
	"sync"

	"github.com/ictstat/ictstat/indicators/progress"
	"github.com/ictstat/ictstat/indicators/targets"
	"github.com/ictstat/ictstat/indicators/translations"
)

// The sentences assess adds to the progress engine's note, as formats whose verbs are %s.
const (
	noteNoBaselineValue = "The target is relative to the value of %s, and the series has none for that year."
	noteParity          = "Baseline, latest and anticipated values are max(GPS, 1/GPS), 1 being parity."
	noteLogit           = "The ratio compares growth in logit space, as a percentage's growth slows near 100."
)

// NoteSentences are the formats (verbs %s) of the sentences a progress note is made of: the
// progress engine's (progress.NoteSentences) and those assess adds. A note then ends with its
// target's note (TargetNotes), as the framework's file gives it.
func NoteSentences() []string {
	return append(slices.Clone(progress.NoteSentences), noteNoBaselineValue, noteParity, noteLogit)
}

// TargetNotes are the notes of the frameworks' targets, as their files give them.
func TargetNotes() ([]string, error) {
	fws, err := targets.Frameworks()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, fw := range fws {
		for _, t := range fw.Targets {
			if t.Note != "" && !seen[t.Note] {
				seen[t.Note] = true
				out = append(out, t.Note)
			}
		}
	}
	return out, nil
}

var noteSentences = sync.OnceValue(func() *translations.Sentences {
	notes, _ := TargetNotes() // the embedded frameworks; their errors are the targets package's tests'
	return translations.NewSentences(NoteSentences(), notes)
})

// NoteIn translates a progress note with w: sentence by sentence, each of the sentences of
// NoteSentences with the numbers and years it holds, and the target's note whole
// (translations.Sentences). nil w gives the note as it is.
func NoteIn(w *translations.Words, note string) string { return noteSentences().In(w, note) }
