//go:build unix

package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// writerLock is held by the one process that writes a database file. It is an flock(2) on the
// file itself, apart from DuckDB's own fcntl(2) locks, which it does not disturb.
type writerLock struct{ f *os.File }

// lockWriter waits until no other ictstat writes the database at path and takes the writer lock.
// A writer that replaced the file while this one waited leaves the lock on the old file; the
// lock is then taken again on the new one.
func lockWriter(ctx context.Context, path string) (*writerLock, error) {
	for {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		for {
			err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
			if err != syscall.EWOULDBLOCK && err != syscall.EINTR {
				break
			}
			select {
			case <-ctx.Done():
				f.Close()
				return nil, fmt.Errorf("waiting for another ictstat to finish writing %s: %w", path, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			return &writerLock{f}, nil
		}
		f.Close()
		if err2 != nil {
			return nil, err2
		}
	}
}

func (l *writerLock) release() {
	if l != nil {
		l.f.Close()
	}
}

// readersOnly reports whether the locks other processes hold on the database are all shared
// (DuckDB's read-only openings), so that the file can be copied safely, and the PID of a writer
// otherwise.
func (l *writerLock) readersOnly() (bool, int) {
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart}
	if err := syscall.FcntlFlock(l.f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return false, 0
	}
	return lk.Type != syscall.F_WRLCK, int(lk.Pid)
}

// copyPattern matches the working copies of the database at path.
func copyPattern(path string) string {
	dir, base := filepath.Split(path)
	return filepath.Join(dir, "."+strings.TrimSuffix(base, filepath.Ext(base))+".ictstat-*.duckdb")
}

// removeStaleCopies removes working copies that a writer killed before it finished left behind.
// The caller holds the writer lock, so no writer is using one.
func removeStaleCopies(path string) {
	old, _ := filepath.Glob(copyPattern(path))
	for _, f := range old {
		os.Remove(f)
		os.Remove(f + ".wal")
	}
}

// busyCopy makes a working copy of the database at path (and its write-ahead log) beside it, for
// a writer to change while readers hold the original; the writer renames it over path when done.
func busyCopy(path string) (string, error) {
	dir, pattern := filepath.Split(copyPattern(path))
	tmp, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	name := tmp.Name()
	err = copyInto(tmp, path)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if _, serr := os.Stat(path + ".wal"); serr == nil {
			var w *os.File
			if w, err = os.Create(name + ".wal"); err == nil {
				err = copyInto(w, path+".wal")
				if cerr := w.Close(); err == nil {
					err = cerr
				}
			}
		}
	}
	if err != nil {
		os.Remove(name)
		os.Remove(name + ".wal")
		return "", fmt.Errorf("copy %s to work on while it is read: %w", path, err)
	}
	if info, err := os.Stat(path); err == nil {
		os.Chmod(name, info.Mode().Perm())
	}
	return name, nil
}

func copyInto(dst *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := io.Copy(dst, in); err != nil {
		return err
	}
	return dst.Sync()
}

// publish renames the working copy over path, so that readers that open path from now on see
// it. The original's write-ahead log, if any, was copied into the working copy and is removed.
func publish(work, path string) error {
	f, err := os.Open(work)
	if err == nil {
		err = f.Sync()
		f.Close()
	}
	if err == nil {
		err = os.Rename(work, path)
	}
	if err == nil {
		os.Remove(work + ".wal")
		os.Remove(path + ".wal")
		if d, derr := os.Open(filepath.Dir(path)); derr == nil {
			d.Sync()
			d.Close()
		}
	}
	return err
}
