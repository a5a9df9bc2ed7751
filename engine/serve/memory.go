package serve

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DuckDB's memory_limit bounds only the memory its buffer manager hands out; aggregate states
// (list(), string_agg()), string heaps and hash tables of some operators are allocated around it,
// and Go's memory comes on top. The service therefore watches its own resident memory: past the
// ceiling, it stops the query that has run longest (answered with 503), then, if the memory is
// still above the ceiling a quarter of a second later, the next one, and so on. A query DuckDB
// cannot interrupt (one long function call) keeps its memory until the call returns; past a hard
// ceiling of twice the ceiling, the service calls Config.OnMemoryExhausted.

// errMemory is the cause of queries stopped because the service passed its memory ceiling.
var errMemory = errors.New("the service passed its memory ceiling")

// running holds the queries running, oldest first, so that the memory watch can stop them.
type running struct {
	mu       sync.Mutex
	next     int
	queries  []runningQuery
	stopped  int64 // queries stopped for memory since the start
	lastStop time.Time
}

type runningQuery struct {
	id      int
	cancel  context.CancelCauseFunc
	stopped bool
}

// add registers a query's cancel function and returns how to remove it.
func (r *running) add(cancel context.CancelCauseFunc) (remove func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	id := r.next
	r.next++
	r.queries = append(r.queries, runningQuery{id: id, cancel: cancel})
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.queries = slices.DeleteFunc(r.queries, func(q runningQuery) bool { return q.id == id })
	}
}

// stopOldest stops the query that has run longest and is not stopped yet, with cause errMemory,
// unless one was stopped less than a quarter of a second ago; it reports whether it stopped one.
func (r *running) stopOldest(now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Sub(r.lastStop) < 250*time.Millisecond {
		return false
	}
	for i := range r.queries {
		if !r.queries[i].stopped {
			r.queries[i].stopped = true
			r.queries[i].cancel(errMemory)
			r.stopped++
			r.lastStop = now
			return true
		}
	}
	return false
}

func (r *running) stoppedCount() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
}

// watchMemory checks the resident memory every 20 ms and acts on the ceilings.
func (s *Server) watchMemory(ctx context.Context, ceiling int64) {
	exhausted := false
	every(ctx, 20*time.Millisecond, func() {
		rss := residentBytes()
		if rss > ceiling && s.queries.stopOldest(time.Now()) {
			s.cfg.Log.Warn("memory ceiling passed: the longest-running query stopped", "rss_mib", rss>>20, "ceiling_mib", ceiling>>20)
		}
		if rss > 2*ceiling && !exhausted && s.cfg.OnMemoryExhausted != nil {
			exhausted = true
			s.cfg.Log.Error("memory past twice the ceiling, held by queries DuckDB cannot interrupt", "rss_mib", rss>>20, "ceiling_mib", ceiling>>20)
			s.cfg.OnMemoryExhausted()
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
