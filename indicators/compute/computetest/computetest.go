// Package computetest builds, once per test binary, the database tests of the indicators read:
// the embedded default data with its aggregates, gaps and progress computed (with the groups'
// current composition and nowcasts to NowcastTo, the defaults but for the year), and on demand
// copies computed with each year's composition, or with carrying instead of nowcasts.
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
	_, err = compute.Run(ctx, st, compute.Options{ToolVersion: "test", NowcastTo: NowcastTo})
	return path, err
})

// NowcastTo is the nowcast year of the test databases: the year ITU's 2025 edition ends with.
const NowcastTo = 2025

// historical is a copy of the database recomputed with each year's group composition.
var historical = sync.OnceValues(func() (string, error) {
	return recomputed("historical.duckdb", compute.Options{ToolVersion: "test", Composition: compute.Historical, NowcastTo: NowcastTo})
})

// carried is a copy recomputed with the last values carried instead of nowcasts.
var carried = sync.OnceValues(func() (string, error) {
	return recomputed("carried.duckdb", compute.Options{ToolVersion: "test", Fill: compute.FillCarry})
})

// recomputed copies the database to name and recomputes it with opts.
func recomputed(name string, opts compute.Options) (string, error) {
	src, err := built()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
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
	_, err = compute.Run(ctx, st, opts)
	return path, err
}

// OpenHistorical opens, read-only for one test, the database computed with each year's group
// composition (compute.Historical).
func OpenHistorical(t testing.TB) *sql.DB { return openBuilt(t, historical) }

// OpenCarried opens, read-only for one test, the database computed with carrying instead of
// nowcasts (compute.FillCarry).
func OpenCarried(t testing.TB) *sql.DB { return openBuilt(t, carried) }

func openBuilt(t testing.TB, build func() (string, error)) *sql.DB {
	t.Helper()
	path, err := build()
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
