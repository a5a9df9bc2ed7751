// Package computetest builds, once per test binary, the database tests of the indicators read:
// the embedded default data with its aggregates, gaps and progress computed (with the groups'
// current composition, the default), and on demand a copy computed with each year's composition.
package computetest

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/compute"
)

// dir holds the database once built.
var dir string

var built = sync.OnceValues(func() (string, error) {
	ctx := context.Background()
	var err error
	if dir, err = os.MkdirTemp("", "ictstat-computed-"); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "default.duckdb")
	if _, err := datasets.Build(ctx, path, datasets.BuildOptions{}); err != nil {
		return "", err
	}
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return "", err
	}
	defer st.Close()
	_, err = compute.Run(ctx, st, compute.Options{ToolVersion: "test"})
	return path, err
})

// historical is a copy of the database recomputed with each year's group composition.
var historical = sync.OnceValues(func() (string, error) {
	src, err := built()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "historical.duckdb")
	b, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", err
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return "", err
	}
	defer st.Close()
	_, err = compute.Run(ctx, st, compute.Options{ToolVersion: "test", Composition: compute.Historical})
	return path, err
})

// OpenHistorical opens, read-only for one test, the database computed with each year's group
// composition (compute.Historical).
func OpenHistorical(t testing.TB) *sql.DB {
	t.Helper()
	path, err := historical()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Path is the database file, built on first use.
func Path(t testing.TB) string {
	t.Helper()
	path, err := built()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// Open opens the database read-only for one test.
func Open(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", Path(t)+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Main runs the tests and removes the database.
func Main(m *testing.M) {
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
