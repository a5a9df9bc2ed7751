//go:build !unix

package job

import (
	"errors"
	"os"
)

// lockDir is not available here, so no staging folder is taken for a killed run's and removed.
func lockDir(path string) (*os.File, error) { return nil, errors.New("no folder locks on this system") }

// tryLock has nothing to lock with here; it reports true.
func tryLock(f *os.File) bool { return true }

// hasFileIDs: fileID cannot tell files apart here.
const hasFileIDs = false

// fileID is "" here: Recover then takes a database whose working copy is gone as published.
func fileID(path string) string { return "" }
