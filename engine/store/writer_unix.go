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
// file itself, apart from DuckDB's own fcntl(2) locks, which it does not disturb. While the
// writer works in place it also holds the readers file exclusively (no reader follows the
// database meanwhile); while it works on a copy it holds an flock on the copy, which tells other
// writers that the copy is in use.
type writerLock struct {
	f       *os.File
	readers *os.File
	work    *os.File
}

// lockWriter waits until no other ictstat writes the database file and takes the writer lock.
// A writer that replaced the file while this one waited leaves the lock on the old file; the
// lock is then taken again on the new one.
func lockWriter(ctx context.Context, file string) (*writerLock, error) {
	for {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		if err := waitFlock(ctx, f, syscall.LOCK_EX); err != nil {
			f.Close()
			if ctx.Err() != nil {
				return nil, fmt.Errorf("waiting for another ictstat to finish writing %s: %w", file, err)
			}
			return nil, fmt.Errorf("lock %s: %w", file, err)
		}
		held, err1 := f.Stat()
		now, err2 := os.Stat(file)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			return &writerLock{f: f}, nil
		}
		f.Close()
		if err2 != nil {
			return nil, err2
		}
	}
}

// waitFlock takes the flock(2) how (LOCK_EX or LOCK_SH) on f, waiting until ctx ends.
func waitFlock(ctx context.Context, f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err != syscall.EWOULDBLOCK && err != syscall.EINTR {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// release lets readers follow the file again, then lets the next writer in.
func (l *writerLock) release() {
	if l == nil {
		return
	}
	l.admitReaders()
	if l.work != nil {
		l.work.Close()
	}
	l.f.Close()
}

// readersFile is the lock file by which readers say they follow the database file.
func readersFile(file string) string {
	dir, base := filepath.Split(file)
	return filepath.Join(dir, "."+base+".readers")
}

// FollowAsReader declares that this process reads the database at path and opens each new
// version of it that writers publish, as 'ictstat serve' does. Until release is called or the
// process ends, every writer of the database works on a copy and renames it over the file: none
// writes the file in place, whether or not this process has opened the newest version yet.
// If a writer is writing the file in place, FollowAsReader waits until it has finished, or
// returns an error when ctx ends first.
//
// Call it before opening the file, and before making a folder of links beside it
// (".ictstat-serve-*"): a writer removes such a folder, when it holds nothing but a link named
// as the database file (with its .wal and .tmp), only if no process follows the database and no
// process holds a lock on the linked file (DuckDB does while it has the file open).
//
// The declaration is a shared flock(2) on ".NAME.readers" beside the database file, symbolic
// links resolved; the file is created when missing and never removed.
func FollowAsReader(ctx context.Context, path string) (release func(), err error) {
	file, err := realFile(path)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(readersFile(file), os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("follow %s: %w", path, err)
	}
	if err := waitFlock(ctx, f, syscall.LOCK_SH); err != nil {
		f.Close()
		return nil, fmt.Errorf("follow %s: waiting for a writer to finish: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// noReaderFollows reports whether no process follows the database file (FollowAsReader). When
// none does, the writer holds the readers file exclusively until admitReaders or release, so
// that a reader that starts meanwhile waits for it. When the readers file cannot be opened it
// reports true and holds nothing: DuckDB's own lock still keeps the writer off a file that a
// reader has open.
func (l *writerLock) noReaderFollows(file string) bool {
	f, err := os.OpenFile(readersFile(file), os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return true
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return false
	}
	l.readers = f
	return true
}

// admitReaders lets readers follow the file again, for a writer that works on a copy.
func (l *writerLock) admitReaders() {
	if l.readers != nil {
		l.readers.Close()
		l.readers = nil
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

// Working copies of the database file NAME.EXT are ".NAME.ictstat-DIGITS.duckdb" beside it;
// DuckDB adds their write-ahead log (".wal") and spill folder (".tmp").
const copySuffix = ".duckdb"

func copyPrefix(file string) string {
	base := filepath.Base(file)
	return "." + strings.TrimSuffix(base, filepath.Ext(base)) + ".ictstat-"
}

// copyOf returns the working copy that name is, or is the log or spill folder of, for the
// database file, and whether name is one of these at all.
func copyOf(name, file string) (string, bool) {
	rest, ok := strings.CutPrefix(name, copyPrefix(file))
	if !ok {
		return "", false
	}
	for _, ext := range []string{"", ".wal", ".tmp"} {
		digits, ok := strings.CutSuffix(rest, copySuffix+ext)
		if ok && digits != "" && strings.Trim(digits, "0123456789") == "" {
			return copyPrefix(file) + digits + copySuffix, true
		}
	}
	return "", false
}

// removeStale removes what writers and services killed before they finished left beside the
// database file:
//   - working copies (".NAME.ictstat-DIGITS.duckdb") with their .wal and .tmp, and the .wal and
//     .tmp of copies already gone, unless a writer holds the copy's flock (it is in use, maybe
//     by the writer of another database whose name differs only in its extension);
//   - when noReaders (no process follows the database), the folders of links of 'ictstat serve'
//     (".ictstat-serve-*") that hold nothing but a link named as the database file (with its .wal
//     and .tmp) on which no process holds a lock.
//
// The caller holds the writer lock. Nothing else is touched.
func removeStale(file string, noReaders bool) {
	dir := filepath.Dir(file)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	stale := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if c, ok := copyOf(name, file); ok {
			if _, seen := stale[c]; !seen {
				stale[c] = !inUse(filepath.Join(dir, c))
			}
			if stale[c] {
				os.RemoveAll(filepath.Join(dir, name))
			}
		} else if noReaders && e.IsDir() && strings.HasPrefix(name, ".ictstat-serve-") {
			removeLinkFolder(filepath.Join(dir, name), filepath.Base(file))
		}
	}
}

// inUse reports whether a writer holds the flock of the working copy at path.
func inUse(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil
}

// removeLinkFolder removes folder if it holds nothing but base, base.wal and base.tmp, and no
// process holds a lock on base or base.wal.
func removeLinkFolder(folder, base string) {
	entries, err := os.ReadDir(folder)
	if err != nil || len(entries) == 0 {
		return
	}
	for _, e := range entries {
		switch e.Name() {
		case base, base + ".wal":
			if locked(filepath.Join(folder, e.Name())) {
				return
			}
		case base + ".tmp":
		default:
			return
		}
	}
	os.RemoveAll(folder)
}

// locked reports whether a process holds an fcntl(2) lock on the file at path, as DuckDB does on
// a file it has open; an unreadable file counts as locked.
func locked(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return true
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return true
	}
	return lk.Type != syscall.F_UNLCK
}

// workingCopy makes a working copy of the database file (and its write-ahead log) beside it,
// on the same filesystem, for a writer to change while readers hold the original; the writer
// renames it over the file when done. The writer holds the copy's flock until release.
func (l *writerLock) workingCopy(file string) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(file), copyPrefix(file)+"*"+copySuffix)
	if err != nil {
		return "", fmt.Errorf("copy %s to work on while it is read: %w", file, err)
	}
	name := tmp.Name()
	err = syscall.Flock(int(tmp.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		err = copyInto(tmp, file)
	}
	if err == nil {
		if _, serr := os.Stat(file + ".wal"); serr == nil {
			var w *os.File
			if w, err = os.Create(name + ".wal"); err == nil {
				err = copyInto(w, file+".wal")
				if cerr := w.Close(); err == nil {
					err = cerr
				}
			}
		}
	}
	if err != nil {
		os.Remove(name)
		os.Remove(name + ".wal")
		tmp.Close()
		return "", fmt.Errorf("copy %s to work on while it is read: %w", file, err)
	}
	if info, err := os.Stat(file); err == nil {
		os.Chmod(name, info.Mode().Perm())
	}
	l.work = tmp
	return name, nil
}

// publish renames the working copy over the database file, so that readers that open it from
// now on see it. The original's write-ahead log, if any, was copied into the working copy and
// is removed.
func publish(work, file string) error {
	f, err := os.Open(work)
	if err == nil {
		err = f.Sync()
		f.Close()
	}
	if err == nil {
		err = os.Rename(work, file)
	}
	if err == nil {
		os.Remove(work + ".wal")
		os.Remove(file + ".wal")
		if d, derr := os.Open(filepath.Dir(file)); derr == nil {
			d.Sync()
			d.Close()
		}
	}
	return err
}
