//go:build unix

package job

import (
	"fmt"
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
	if !tryLock(f) {
		f.Close()
		return nil, fmt.Errorf("%s is held by another process", path)
	}
	return f, nil
}

// tryLock takes an exclusive flock(2) on f, held until f is closed or the process ends; it
// reports false at once when another process holds it.
func tryLock(f *os.File) bool {
	return unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil
}

// hasFileIDs: fileID tells files apart here.
const hasFileIDs = true

// fileID is the device and inode of the file at path, "" when it cannot be read. A file keeps
// them when renamed.
func fileID(path string) string {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return ""
	}
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}
