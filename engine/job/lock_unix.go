//go:build unix

package job

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockDir takes an exclusive flock(2) on the folder at path, held until the returned file is
// closed or the process ends; it fails at once when another process holds it.
func lockDir(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
