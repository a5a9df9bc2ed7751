//go:build !unix

package store

import (
	"context"
	"errors"
)

// writerLock is a no-op where flock(2) is not available: writers rely on DuckDB's own lock.
type writerLock struct{}

func lockWriter(context.Context, string) (*writerLock, error) { return &writerLock{}, nil }

func (l *writerLock) release() {}

func (l *writerLock) noReaderFollows(string) bool { return true }

func (l *writerLock) admitReaders() {}

func (l *writerLock) readersOnly() (bool, int) { return false, 0 }

func removeStale(string, bool) {}

func (l *writerLock) workingCopy(string) (string, error) {
	return "", errors.New("writing a database that another process reads needs a Unix system")
}

func publish(work, file string) error { return errors.New("not supported") }

// FollowAsReader does nothing where flock(2) is not available: there a writer cannot work on a
// copy, and DuckDB's own lock keeps it off a file that a reader has open.
func FollowAsReader(ctx context.Context, path string) (release func(), err error) {
	if _, err := realFile(path); err != nil {
		return nil, err
	}
	return func() {}, nil
}
