package main

import (
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile to the file named by ICTSTAT_CPUPROFILE, for performance work.
func startProfile() func() {
	path := os.Getenv("ICTSTAT_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		return func() {}
	}
	pprof.StartCPUProfile(f)
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
