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

func (l *writerLock) readersOnly() (bool, int) { return false, 0 }

func removeStaleCopies(string) {}

func busyCopy(string) (string, error) {
	return "", errors.New("writing a database that another process reads needs a Unix system")
}

func publish(work, path string) error { return errors.New("not supported") }
