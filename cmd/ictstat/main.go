// Command ictstat loads, checks, stores and queries ICT development indicators: the series of the
// Partnership on Measuring ICT for Development, as published by ITU, the World Bank and the UN SDG
// database.
//
// Exit codes: 0 success; 1 failure of the machine or the database (I/O, disk, a bug); 2 bad
// command line or a query DuckDB cannot run; 3 a file refused for its content (unreadable as its
// format, or more rejected rows than --max-reject-rate allows), nothing of it loaded, or a query
// refused because it would write.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/translations"
)

// Version is the version of this build.
var Version = "0.1.0"

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	exitRefused = 3
)

// exitError carries the exit code of a failed command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

// globals are the flags every command takes.
type globals struct {
	db          string
	quiet       bool
	verbose     bool
	memoryLimit string
	asOf        string    // --as-of, on the commands that take it
	asOfDate    time.Time // asOf, parsed
}

// addAsOf gives cmd the flag --as-of.
func addAsOf(cmd *cobra.Command, g *globals) {
	cmd.Flags().StringVar(&g.asOf, "as-of", "", "the data as published on DATE (YYYY-MM-DD; YYYY-MM or YYYY: the end of that month or year): editions released on or before it")
}

// loadMemoryLimit is DuckDB's memory limit for commands that load files or compute, unless
// --memory-limit says otherwise: a load streams, so DuckDB needs little, and the process stays
// well under 1 GiB; a computation reads the observations in parts and writes its results as it
// forms them (on 10 million observations, DuckDB's default limit took the process to 2.9 GB, this
// one to 1.7 GB, in about the same time).
const loadMemoryLimit = "256MB"

// storeOptions are the options of the database as the global flags set them. Opening a database
// of an earlier ictstat says that it is being upgraded, unless --quiet.
func (g *globals) storeOptions(readOnly bool) store.Options {
	o := store.Options{ReadOnly: readOnly, MemoryLimit: g.memoryLimit, AsOf: g.asOfDate}
	if !g.quiet {
		o.Upgrading = func(from, to int) {
			fmt.Fprintf(os.Stderr, say("upgrading %s from schema version %d to %d (once; a large database takes a minute or so)\n"), g.db, from, to)
		}
	}
	return o
}

// openStore opens the database read-write with the global flags' options.
func openStore(cmd *cobra.Command, g *globals) (*store.Store, error) {
	return store.Open(cmd.Context(), g.db, g.storeOptions(false))
}

// openReadOnly opens the database read-only with the global flags' options.
func openReadOnly(cmd *cobra.Command, g *globals) (*store.Store, error) {
	return store.Open(cmd.Context(), g.db, g.storeOptions(true))
}

// loadOptions are storeOptions for commands that load files or compute.
func (g *globals) loadOptions() store.Options {
	o := g.storeOptions(false)
	if o.MemoryLimit == "" {
		o.MemoryLimit = loadMemoryLimit
	}
	return o
}

func newRoot() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "ictstat",
		Short: "ICT development indicators: load, check, store and query ITU, World Bank and UN SDG series",
		Long: `ictstat keeps the ICT indicator series of the Partnership on Measuring ICT for Development
(internet use, mobile and broadband subscriptions, network coverage, the gender and urban/rural
splits, prices) in one DuckDB database, loaded from the files producers publish, checked row by
row, with every edition kept.

Start with 'ictstat init' to build the database from the embedded default data (ITU via the
World Bank WDI, the UN SDG database and ITU DataHub exports), then load your own files with
'ictstat ingest'. Query it with 'ictstat sql' or over HTTP with 'ictstat serve'; the database is
a plain DuckDB file, and any DuckDB client can query its views (observations, series, latest,
indicators, economies, groups, targets, aggregates, progress, gaps; see docs/sql.md).

Exit codes: 0 success; 1 failure of the machine or database; 2 bad command line, or a
query DuckDB cannot run; 3 a file refused for its content (nothing of it loaded), or a query
refused because it would write.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	defaultDB := os.Getenv("ICTSTAT_DB")
	if defaultDB == "" {
		defaultDB = "ictstat.duckdb"
	}
	root.PersistentFlags().StringVar(&g.db, "db", defaultDB, "database file (environment ICTSTAT_DB)")
	root.PersistentFlags().BoolVarP(&g.quiet, "quiet", "q", false, "print only errors")
	root.PersistentFlags().StringVar(&g.memoryLimit, "memory-limit", "", `most memory DuckDB may use, e.g. "2GB"; it spills to disk beyond (default: `+loadMemoryLimit+` when loading or computing, half of the machine's memory for serve, else DuckDB's 80% of RAM)`)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		said = errorWords(cmd)
		if g.asOf == "" {
			return nil
		}
		d, err := store.ParseAsOf(g.asOf)
		if err != nil {
			return usageError("--as-of: %v", err)
		}
		g.asOfDate = d
		return nil
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &exitError{exitUsage, fmt.Errorf("%w (run '%s --help' for usage)", err, cmd.CommandPath())}
	})
	root.AddCommand(newInit(g), newIngest(g), newInfo(g), newCompute(g), newProgress(g), newScorecard(g), newChart(g), newGroup(g), newGen(g), newSQL(g), newServe(g), newRun(g), newNotebook(g), newIDI(g))
	root.AddCommand(newIndicator(g))
	root.AddCommand(newEdition(g))
	root.AddCommand(newSite(g))
	root.AddCommand(newSurvey(g))
	root.AddCommand(newHeadline(g))
	helpLanguage(root)
	return root
}

// goMemoryLimit is the Go runtime's soft memory limit unless GOMEMLIMIT sets one: the garbage
// collector works harder as the heap nears it, so that a computation over ten million
// observations stays under 2 GiB with DuckDB's share.
const goMemoryLimit = 1200 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(goMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopProfile := startProfile()
	cmd, err := newRoot().ExecuteContextC(ctx)
	stopProfile()
	os.Exit(exitCode(err, errorWords(cmd)))
}

// said are the words of the language of the command's --lang flag, in which its messages are
// printed (say); nil: English.
var said *translations.Words

// say is the message format english in the language of the command's --lang flag: the lines
// commands print besides their tables and data (what they wrote, loaded or computed, and what to
// run next).
func say(english string) string {
	core := strings.TrimSpace(english) // the catalogue keeps no surrounding spaces or line breaks
	lead := english[:strings.Index(english, core)]
	return lead + said.UI(core) + english[len(lead)+len(core):]
}

// errorWords are the words of the language of cmd's --lang flag, in which its error and messages
// are printed; nil for English, or when the flag does not name a language.
func errorWords(cmd *cobra.Command) *translations.Words {
	if cmd == nil {
		return nil
	}
	lang := langArg(os.Args[1:]) // cobra's errors before it parses the flags (an unknown command)
	if f := cmd.Flags().Lookup("lang"); f != nil && f.Changed {
		lang = f.Value.String()
	}
	if lang == "" {
		return nil
	}
	w, err := translations.WordsOf(lang)
	if err != nil {
		return nil
	}
	return w
}

// langArg is the value of --lang on the command line args, "" without one.
func langArg(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			return v
		}
		if a == "--lang" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// exitCode prints err, in the language of w (translations.ErrorIn; nil: English), and returns the
// exit code it stands for.
func exitCode(err error, w *translations.Words) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(os.Stderr, "ictstat:", translations.ErrorIn(w, err.Error()))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, context.Canceled) {
		return exitFailure
	}
	if errors.Is(err, store.ErrBeforeEditions) {
		return exitUsage
	}
	// cobra reports unknown commands and wrong argument counts as plain errors.
	if isUsage(err) {
		return exitUsage
	}
	return exitFailure
}

// libraryErrors are the formats of the errors cobra and pflag make of a command line (an unknown
// flag or command, a missing or malformed argument), which ictstat prints as its own: the errors
// files translate them with ictstat's (TestErrorsTranslated).
var libraryErrors = []string{
	"unknown flag: --%s",
	"unknown shorthand flag: %q in -%s",
	"flag needs an argument: --%s",
	"flag needs an argument: %q in -%s",
	"invalid argument %q for %q flag: %v",
	"bad flag syntax: %s",
	"unknown command %q for %q",
	"unknown command %q for %q%s",
	"invalid argument %q for %q%s",
	"requires at least %d arg(s), only received %d",
	"accepts at most %d arg(s), received %d",
	"accepts %d arg(s), received %d",
	"accepts between %d and %d arg(s), received %d",
	`required flag(s) "%s" not set`,
	"if any flags in the group [%v] are set they must all be set; missing %v",
	"at least one of the flags in the group [%v] is required",
	"if any flags in the group [%v] are set none of the others can be; %v were all set",
}
