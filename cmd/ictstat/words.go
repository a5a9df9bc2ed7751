package main

import (
	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/indicators/translations"
)

// langFlag is the --lang flag of a command whose output a person reads.
type langFlag struct{ lang string }

func (l *langFlag) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&l.lang, "lang", "en",
		"the language of the table: en, ar, fa, fr, es, ru or zh (its headers, notes and the names of indicators, economies, groups and statuses; codes stay)")
}

// words are the words of the language asked for: nil for English, a usage error for a language
// ictstat has no words of.
func (l *langFlag) words() (*translations.Words, error) {
	w, err := translations.WordsOf(l.lang)
	if err != nil {
		return nil, usageError("--lang %v", err)
	}
	return w, nil
}
