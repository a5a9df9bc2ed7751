package compute

import "time"

// stepTimer times a computation's steps, a step's time summed over the passes that take it, and
// reports each step as it starts.
type stepTimer struct {
	progress     func(step string, part, parts int, done float64)
	pass, passes int // the pass under way (from 1) and their number; 0: outside the passes
	names        []string
	seconds      map[string]float64
	current      string
	started      time.Time
}

func newStepTimer(progress func(step string, part, parts int, done float64)) *stepTimer {
	return &stepTimer{progress: progress, seconds: map[string]float64{}}
}

// step ends the step under way and starts name. Within a pass, at is how far through the pass the
// step starts (0–1); outside, how far through the computation. The passes take its time from 5%
// to 90%.
func (t *stepTimer) step(name string, at float64) {
	t.stop()
	if _, ok := t.seconds[name]; !ok {
		t.names = append(t.names, name)
		t.seconds[name] = 0
	}
	t.current, t.started = name, time.Now()
	if t.progress == nil {
		return
	}
	if t.passes > 0 {
		at = 0.05 + 0.85*(float64(t.pass-1)+at)/float64(t.passes)
	}
	t.progress(name, t.pass, t.passes, at)
}

func (t *stepTimer) stop() {
	if t.current != "" {
		t.seconds[t.current] += time.Since(t.started).Seconds()
		t.current = ""
	}
}

// done ends the step under way and returns every step's time, in the order they first started.
func (t *stepTimer) done() []Step {
	t.stop()
	out := make([]Step, len(t.names))
	for i, n := range t.names {
		out[i] = Step{Name: n, Seconds: t.seconds[n]}
	}
	return out
}
