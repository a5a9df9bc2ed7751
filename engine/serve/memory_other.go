//go:build !linux

package serve

// DefaultMemoryLimit is "" where the machine's memory is not known: DuckDB's own default.
func DefaultMemoryLimit() string { return "" }

// residentBytes is 0 where the process's resident memory is not known: no ceiling is enforced.
func residentBytes() int64 { return 0 }
