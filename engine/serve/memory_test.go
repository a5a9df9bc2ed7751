package serve

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestStopOldest: past the ceiling, the query running longest is stopped first, one at a time
// a quarter of a second apart, and each is counted once.
func TestStopOldest(t *testing.T) {
	var r running
	ctxs := make([]context.Context, 3)
	for i := range ctxs {
		ctx, cancel := context.WithCancelCause(context.Background())
		ctxs[i] = ctx
		defer r.add(cancel)()
	}
	now := time.Now()
	if !r.stopOldest(now) || context.Cause(ctxs[0]) != errMemory || ctxs[1].Err() != nil {
		t.Fatal("the oldest query was not the one stopped")
	}
	if r.stopOldest(now.Add(100 * time.Millisecond)) {
		t.Error("a second query stopped within a quarter of a second")
	}
	if !r.stopOldest(now.Add(300*time.Millisecond)) || !errors.Is(context.Cause(ctxs[1]), errMemory) || ctxs[2].Err() != nil {
		t.Error("the next oldest was not stopped next")
	}
	for i := 0; i < 10; i++ {
		r.stopOldest(now.Add(time.Duration(600+300*i) * time.Millisecond))
	}
	if n := r.stoppedCount(); n != 3 {
		t.Errorf("%d queries counted as stopped, want 3", n)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"1GB": 1e9, "512 MiB": 512 << 20, "1.5GiB": 3 << 29, "100B": 100, "2tb": 2e12} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("%s: %d %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "GB", "12", "1 GX", "-1GB"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("%q was read as a size", in)
		}
	}
}
