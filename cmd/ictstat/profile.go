package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

// startProfile writes a CPU profile to the file named by ICTSTAT_CPUPROFILE, and the heap at its
// peak to the file named by ICTSTAT_MEMPROFILE, for performance work.
func startProfile() func() {
	stopMem := startMemProfile(os.Getenv("ICTSTAT_MEMPROFILE"))
	path := os.Getenv("ICTSTAT_CPUPROFILE")
	if path == "" {
		return stopMem
	}
	f, err := os.Create(path)
	if err != nil {
		return stopMem
	}
	pprof.StartCPUProfile(f)
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		stopMem()
	}
}

// startMemProfile samples the Go heap every 100 ms and writes a heap profile each time it is
// larger than before, so that the file holds the heap at its peak.
func startMemProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		var peak uint64
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak+peak/50 {
				peak = ms.HeapInuse
				if f, err := os.Create(path); err == nil {
					pprof.Lookup("heap").WriteTo(f, 0)
					f.Close()
				}
			}
		}
	}()
	return func() { close(done) }
}
