package serve

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DuckDB's memory_limit bounds only the memory its buffer manager hands out; aggregate states
// (list(), string_agg()), string heaps and hash tables of some operators are allocated around it,
// and Go's memory comes on top. The service therefore watches its own resident memory: past the
// ceiling, every query running is stopped, answered with 503, and its memory returned.

// errMemory is the cause of queries stopped because the service passed its memory ceiling.
var errMemory = errors.New("the service passed its memory ceiling")

// running holds the queries running, so that the memory watch can stop them.
type running struct {
	mu      sync.Mutex
	next    int
	cancels map[int]context.CancelCauseFunc
	stopped int64 // queries stopped for memory since the start
}

// add registers a query's cancel function and returns how to remove it.
func (r *running) add(cancel context.CancelCauseFunc) (remove func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancels == nil {
		r.cancels = map[int]context.CancelCauseFunc{}
	}
	id := r.next
	r.next++
	r.cancels[id] = cancel
	return func() {
		r.mu.Lock()
		delete(r.cancels, id)
		r.mu.Unlock()
	}
}

// stopAll stops every query running, with cause errMemory, and returns how many there were.
func (r *running) stopAll() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, cancel := range r.cancels {
		cancel(errMemory)
	}
	r.stopped += int64(len(r.cancels))
	return len(r.cancels)
}

func (r *running) stoppedCount() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
}

// watchMemory checks the resident memory every 20 ms and stops the running queries whenever it
// is above ceiling.
func (s *Server) watchMemory(ctx context.Context, ceiling int64) {
	every(ctx, 20*time.Millisecond, func() {
		if rss := residentBytes(); rss > ceiling {
			if n := s.queries.stopAll(); n > 0 {
				s.cfg.Log.Warn("memory ceiling passed: queries stopped", "rss_mib", rss>>20, "ceiling_mib", ceiling>>20, "queries", n)
			}
		}
	})
}

// ParseBytes reads a size as DuckDB writes one: a number and a unit (B, KB, MB, GB, TB in powers
// of 1000, KiB, MiB, GiB, TiB in powers of 1024), e.g. "1GB", "512 MiB".
func ParseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i <= 0 {
		return 0, fmt.Errorf("%q is not a size such as 4GB or 512MiB", s)
	}
	n, err := strconv.ParseFloat(t[:i], 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size such as 4GB or 512MiB", s)
	}
	units := map[string]float64{"b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}
	u, ok := units[strings.ToLower(strings.TrimSpace(t[i:]))]
	if !ok {
		return 0, fmt.Errorf("%q: unknown unit; use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB", s)
	}
	return int64(n * u), nil
}
