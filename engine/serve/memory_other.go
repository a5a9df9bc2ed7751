//go:build !linux

package serve

// DefaultMemoryLimit is "" where the machine's memory is not known: DuckDB's own default.
func DefaultMemoryLimit() string { return "" }
