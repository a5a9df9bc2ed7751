package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// OpenScratch opens a copy of the database at path, in a temporary folder, for work whose
// results are not kept: computing the derived results as of a date, for one chart or table.
// The copy is taken while no writer changes the file; Close and Discard remove it, and the
// database at path is never written.
func OpenScratch(ctx context.Context, path string, opts Options) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w at %s: run `ictstat init` to build one", ErrNotFound, path)
	}
	file, err := realFile(path)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "ictstat-scratch-")
	if err != nil {
		return nil, err
	}
	work := filepath.Join(dir, "scratch.duckdb")
	lock, err := lockWriter(ctx, file)
	if err == nil {
		err = copyFile(work, file)
		if _, serr := os.Stat(file + ".wal"); err == nil && serr == nil {
			err = copyFile(work+".wal", file+".wal")
		}
		lock.release()
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("copy %s: %w", path, err)
	}
	opts.ReadOnly, opts.OnCopy = false, false
	s, err := open(ctx, path, work, opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.scratch = dir
	return s, nil
}

// copyFile copies the file src to a new file dst.
func copyFile(dst, src string) error {
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	err = copyInto(out, src)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
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

// CopyDatabase copies the database at src to a new file dst, taken while no writer changes src:
// a database of its own for work that must leave src as it is. dst must not exist.
func CopyDatabase(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("%s exists", dst)
	}
	file, err := realFile(src)
	if err != nil {
		return err
	}
	if err := checkName(dst); err != nil {
		return err
	}
	tmp := dst + ".copying"
	lock, err := lockWriter(ctx, file)
	if err != nil {
		return err
	}
	err = copyFile(tmp, file)
	if _, serr := os.Stat(file + ".wal"); err == nil && serr == nil {
		err = copyFile(tmp+".wal", file+".wal")
	}
	lock.release()
	if err == nil {
		if _, serr := os.Stat(tmp + ".wal"); serr == nil {
			err = os.Rename(tmp+".wal", dst+".wal")
		}
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
		os.Remove(tmp + ".wal")
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	return nil
}
