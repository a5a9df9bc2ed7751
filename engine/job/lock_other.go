//go:build !unix

package job

import (
	"errors"
	"os"
)

// lockDir is not available here, so no staging folder is taken for a killed run's and removed.
func lockDir(path string) (*os.File, error) { return nil, errors.New("no folder locks on this system") }
