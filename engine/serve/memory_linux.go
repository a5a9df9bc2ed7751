package serve

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// DefaultMemoryLimit is DuckDB's memory limit for the service when none is given: half of the
// machine's memory, or of the control group's limit where that is lower.
func DefaultMemoryLimit() string {
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil {
		return ""
	}
	total := uint64(si.Totalram) * uint64(si.Unit)
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && n < total {
			total = n
		}
	}
	return fmt.Sprintf("%dMiB", total/2>>20)
}

// residentBytes is the process's resident memory, from /proc/self/statm; 0 if unknown.
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
