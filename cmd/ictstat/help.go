package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ictstat/ictstat/indicators/translations"
)

// helpText is one string of the command line's help: a command's one-line summary or
// description, or a flag's description, under its key in the translations (kind "help").
type helpText struct {
	key     string
	english string
	set     func(string)
}

// helpTexts lists every help string of root's commands and flags, cobra's own help and
// completion commands included: "help:<command path>:short", "help:<command path>:long" and
// "help:<command path> --<flag>" for each flag a command defines.
func helpTexts(root *cobra.Command) []helpText {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var out []helpText
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		c.InitDefaultVersionFlag()
		path := c.CommandPath()
		if s := strings.TrimSpace(c.Short); s != "" {
			out = append(out, helpText{"help:" + path + ":short", s, func(t string) { c.Short = t }})
		}
		if s := strings.TrimSpace(c.Long); s != "" {
			out = append(out, helpText{"help:" + path + ":long", s, func(t string) { c.Long = t }})
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if s := strings.TrimSpace(f.Usage); s != "" && f.Name != "help" && f.Name != "version" {
				out = append(out, helpText{"help:" + path + " --" + f.Name, s, func(t string) { f.Usage = t }})
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}

// usageHeadings are the words of cobra's usage template that are translated, each as an
// interface string, longest first so that "Global Flags:" is replaced before "Flags:".
var usageHeadings = []string{"Additional help topics:", "Available Commands:", "Additional Commands:", "Global Flags:",
	"Examples:", "Aliases:", "Usage:", "Flags:"}

// unreviewedHelp is the note under a help with translations nobody has reviewed.
const unreviewedHelp = "This help is a translation nobody has reviewed yet."

// moreHelp is the last line of cobra's usage of a command with subcommands.
const moreHelp = `Use "%s [command] --help" for more information about a command.`

// translateHelp gives the help of every command and flag of root in the language of w, and sets
// a usage template with its headings in that language. Strings without a translation stay in
// English.
func translateHelp(root *cobra.Command, w *translations.Words) {
	for _, h := range helpTexts(root) {
		if t := w.Key(h.key, h.english); t != h.english {
			h.set(t)
		}
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if f := c.Flags().Lookup("help"); f != nil {
			f.Usage = fmt.Sprintf(w.UI("help for %s"), c.Name())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if f := root.Flags().Lookup("version"); f != nil {
		f.Usage = fmt.Sprintf(w.UI("version for %s"), root.Name())
	}
	tpl := root.UsageTemplate()
	for _, h := range usageHeadings {
		tpl = strings.ReplaceAll(tpl, h, w.UI(h))
	}
	tpl = strings.Replace(tpl, `Use "{{.CommandPath}} [command] --help" for more information about a command.`,
		fmt.Sprintf(w.UI(moreHelp), "{{.CommandPath}}"), 1)
	// pflag writes a flag's default as " (default …)" after its description.
	defaults := "(" + w.UI("default") + " "
	cobra.AddTemplateFunc("flagDefaults", func(s string) string { return strings.ReplaceAll(s, "(default ", defaults) })
	tpl = strings.ReplaceAll(tpl, "FlagUsages | trimTrailingWhitespaces", "FlagUsages | flagDefaults | trimTrailingWhitespaces")
	root.SetUsageTemplate(tpl)
}

// helpLanguage sets root's help to print in the language of the --lang flag of the command it
// is asked for: every command takes --lang for its help, and those whose output a person reads
// for their output too.
func helpLanguage(root *cobra.Command) {
	var lang string
	root.PersistentFlags().StringVar(&lang, "lang", "en", "the language of the help: en, ar, fa, fr, es, ru or zh")
	english := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		code := lang
		if f := c.Flags().Lookup("lang"); f != nil {
			code = f.Value.String()
		}
		w, err := translations.WordsOf(code)
		if err != nil || w == nil {
			english(c, args)
			return
		}
		translateHelp(root, w)
		english(c, args)
		if w.Unreviewed() > 0 {
			fmt.Fprintln(c.OutOrStdout(), "\n"+w.UI(unreviewedHelp))
		}
	})
}
