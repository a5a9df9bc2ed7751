// Package child runs the benchmarks' child processes and measures them: each is timed from
// start to exit, and its peak resident memory is the maximum resident set size the kernel
// reports for it.
package child

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"syscall"
	"time"
)

// Measurement is one child process's wall time and peak resident memory.
type Measurement struct {
	Wall  time.Duration
	MaxRS int64 // bytes
	Out   []byte
}

// Run runs name with args, its standard error passed on, and measures it.
func Run(name string, args ...string) (Measurement, error) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	if err != nil {
		return Measurement{}, fmt.Errorf("%s %v: %w\n%s", name, args, err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return Measurement{Wall: wall, MaxRS: ru.Maxrss * 1024, Out: out}, nil
}

// Median returns the run with the median wall time, with the largest peak memory of all runs.
func Median(ms []Measurement) Measurement {
	sorted := append([]Measurement(nil), ms...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Wall < sorted[j].Wall })
	m := sorted[len(sorted)/2]
	for _, x := range ms {
		m.MaxRS = max(m.MaxRS, x.MaxRS)
	}
	return m
}

// Prepare makes the working directory dir and returns it as an absolute path, with the ictstat
// binary to run: bin, or ./cmd/ictstat built into dir when bin is "".
func Prepare(dir, bin string) (string, string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	dir, err := filepath.Abs(dir)
	if err != nil || bin != "" {
		return dir, bin, err
	}
	bin = filepath.Join(dir, "ictstat")
	fmt.Println("building ictstat")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/ictstat").CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return dir, bin, nil
}
