// Package store keeps observations in an embedded DuckDB database file that any DuckDB client can
// open.
//
// The physical tables live in the schema "store" and use integer keys; views in "main" present
// them with codes and names (migrations/). A file loads in one transaction: its good rows, its
// rejects and its batch record land together or not at all, so a crash or kill mid-load leaves the
// database as it was.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is an open ictstat database.
type Store struct {
	path     string
	db       *sql.DB
	readOnly bool
}

// Options tune how the database is opened.
type Options struct {
	ReadOnly    bool
	MemoryLimit string // DuckDB memory_limit, e.g. "1GB"; "" keeps DuckDB's default
	Threads     int    // DuckDB threads; 0 keeps DuckDB's default (one per core)
}

// ErrNotFound is returned by Open for a database file that does not exist.
var ErrNotFound = errors.New("no database")

// Open opens the database at path and brings its schema up to date (read-write only).
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s: run `ictstat init` to build one", ErrNotFound, path)
	}
	return open(ctx, path, opts)
}

// Create creates a new database at path. It refuses to overwrite an existing file.
func Create(ctx context.Context, path string, opts Options) (*Store, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s already exists", path)
	}
	return open(ctx, path, opts)
}

func open(ctx context.Context, path string, opts Options) (*Store, error) {
	q := url.Values{}
	if opts.ReadOnly {
		q.Set("access_mode", "read_only")
	}
	if opts.MemoryLimit != "" {
		q.Set("memory_limit", opts.MemoryLimit)
	}
	if opts.Threads > 0 {
		q.Set("threads", strconv.Itoa(opts.Threads))
	}
	dsn := path
	if len(q) > 0 {
		dsn += "?" + q.Encode()
	}
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{path: path, db: sql.OpenDB(connector), readOnly: opts.ReadOnly}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Close checkpoints and closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB is the database handle, for queries.
func (s *Store) DB() *sql.DB { return s.db }

// Path is the database file.
func (s *Store) Path() string { return s.path }

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its version number", name)
		}
		b, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, strings.TrimSuffix(name, ".sql"), string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion is the version of the newest migration this build knows.
func SchemaVersion() int {
	ms, _ := migrations()
	return ms[len(ms)-1].version
}

// migrate applies the migrations the database lacks, each in its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	current, err := s.schemaVersion(ctx)
	if err != nil {
		return err
	}
	latest := ms[len(ms)-1].version
	if current > latest {
		return fmt.Errorf("the database has schema version %d, newer than this ictstat knows (%d): upgrade ictstat", current, latest)
	}
	if current == latest {
		return nil
	}
	if s.readOnly {
		return fmt.Errorf("the database has schema version %d and this ictstat needs %d: open it once read-write to upgrade it", current, latest)
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO store.schema_migrations VALUES (?, ?, now())`, m.version, m.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// schemaVersion is the version the database is at, 0 for a new database.
func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'store' AND table_name = 'schema_migrations'`).Scan(&n)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		if s.readOnly {
			return 0, errors.New("not an ictstat database (no store.schema_migrations table)")
		}
		_, err := s.db.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS store;
			CREATE TABLE store.schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`)
		return 0, err
	}
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT max(version) FROM store.schema_migrations`).Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}

// inTx runs fn in a transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
