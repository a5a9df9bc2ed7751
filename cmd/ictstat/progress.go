package main

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress draws a bar on stderr when it is a terminal and stays silent otherwise (pipes, CI,
// --quiet).
type progress struct {
	bar *progressbar.ProgressBar
}

func interactive(g *globals) bool {
	return !g.quiet && term.IsTerminal(int(os.Stderr.Fd()))
}

// newBytesProgress starts a bar over total bytes.
func newBytesProgress(g *globals, total int64, description string) *progress {
	if !interactive(g) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)}
}

// newStepProgress starts a spinner that names the step running and its elapsed time.
func newStepProgress(g *globals) *progress {
	if !interactive(g) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionClearOnFinish(),
	)}
}

// newCountProgress starts a bar over n steps.
func newCountProgress(g *globals, n int, description string) *progress {
	if !interactive(g) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions(n,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionClearOnFinish(),
	)}
}

func (p *progress) set(n int64) {
	if p.bar != nil {
		p.bar.Set64(n)
	}
}

// computeStep shows a computation's step under way, in the language of --lang, with the part
// of the computation it belongs to, and the share done (0–1) on a bar over 100.
func (p *progress) computeStep(step string, part, parts int, done float64) {
	label := say(step)
	if parts > 0 {
		label = fmt.Sprintf(say("%s (part %d of %d)"), label, part, parts)
	}
	p.set(int64(done * 100))
	p.describe(label)
}

func (p *progress) describe(s string) {
	if p.bar != nil {
		p.bar.Describe(s)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar.Clear()
	}
}

// out is where results are printed: stdout, or nowhere with --quiet.
func out(g *globals) io.Writer {
	if g.quiet {
		return io.Discard
	}
	return os.Stdout
}
