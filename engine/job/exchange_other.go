//go:build !linux

package job

import "errors"

// exchange is not available here; Publish renames the previous release aside instead.
func exchange(a, b string) error { return errors.New("no atomic exchange on this system") }
