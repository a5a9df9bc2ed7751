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
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ictstat/ictstat/engine/query"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is an open ictstat database.
type Store struct {
	path     string
	db       *sql.DB
	q        *query.DB // the same database, for streaming queries; closing it closes db
	readOnly bool
	asOf     time.Time // Options.AsOf

	// A writer holds lock. When other processes were reading the file (ictstat serve), the writer
	// works on a copy, work, renamed on Close over file: path with symbolic links resolved.
	lock    *writerLock
	work    string
	file    string
	scratch string // the folder of a scratch copy (OpenScratch), removed on Close
	closed  bool
}

// Options tune how the database is opened.
type Options struct {
	ReadOnly    bool
	MemoryLimit string // DuckDB memory_limit, e.g. "1GB"; "" keeps DuckDB's default
	Threads     int    // DuckDB threads; 0 keeps DuckDB's default (one per core)
	// OnCopy makes a writer work on a copy of the file, renamed over it by Close and removed by
	// Discard: a run of several loads and computations lands whole or not at all.
	OnCopy bool
	// NoExternalAccess keeps SQL run on the database from reaching anything else: no other file,
	// no network, no extension, and the configuration locked so that no statement can undo it;
	// loads and computations, which read files in Go, work as before. AllowedPaths are files and
	// folders SQL may still read (DuckDB's allowed_paths and allowed_directories). The settings
	// belong to DuckDB's instance of the file, which every opening of it in this process with the
	// same options shares.
	NoExternalAccess bool
	AllowedPaths     []string
	// AsOf, when set, shows the data as published on that date (asof.go) on every connection.
	// The derived results refuse to be read unless AsOfComputed says they are, or are about to
	// be, computed as of the same date.
	AsOf         time.Time
	AsOfComputed bool
	// Upgrading, when set, is told before the migrations an existing database lacks are
	// applied: its schema version and the version it is brought to (some take a while on a
	// large database).
	Upgrading func(from, to int)
}

// ErrBeforeEditions is returned by Open for an as-of date before the first edition's release.
var ErrBeforeEditions = errors.New("nothing was published yet")

// ErrNotFound is returned by Open for a database file that does not exist.
var ErrNotFound = errors.New("no database")

// Open opens the database at path and brings its schema up to date (read-write only).
//
// One process writes a database at a time; a writer waits for the one before it. When other
// processes hold the file open read-only, such as 'ictstat serve', a writer changes a copy of it
// instead and Close renames the copy over the file: the readers go on with the version they
// opened and see the new one when they open the file again. So does a writer while a process
// follows the database (FollowAsReader), even one that has not opened its newest version yet. If
// the writer fails or is killed, the file stays as it was, and the next writer removes what it
// left. When path is a symbolic link, the file it points to is opened and replaced, and the link
// stays; working copies are made beside that file, on its filesystem.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s: run `ictstat init` to build one", ErrNotFound, path)
	}
	file, err := realFile(path)
	if err != nil {
		return nil, err
	}
	if err := checkName(path); err != nil {
		return nil, err
	}
	if err := checkName(file); err != nil {
		return nil, err
	}
	if opts.ReadOnly {
		return open(ctx, path, file, opts)
	}
	lock, err := lockWriter(ctx, file)
	if err != nil {
		return nil, err
	}
	alone := lock.noReaderFollows(file)
	removeStale(file, alone)
	if opts.OnCopy || !alone {
		return openCopy(ctx, path, file, opts, lock)
	}
	s, err := open(ctx, path, file, opts)
	if err != nil && strings.Contains(err.Error(), "Conflicting lock") {
		return openCopy(ctx, path, file, opts, lock)
	}
	if err != nil {
		lock.release()
		return nil, err
	}
	s.lock = lock
	return s, nil
}

// openCopy opens a working copy of the database file (path resolved) for a writer holding lock.
func openCopy(ctx context.Context, path, file string, opts Options, lock *writerLock) (*Store, error) {
	lock.admitReaders()
	if readers, pid := lock.readersOnly(); !readers {
		lock.release()
		return nil, fmt.Errorf("%s is being written by another process (PID %d); try again when it has finished", path, pid)
	}
	work, err := lock.workingCopy(file)
	if err != nil {
		lock.release()
		return nil, err
	}
	s, err := open(ctx, path, work, opts)
	if err != nil {
		removeCopy(work)
		lock.release()
		return nil, err
	}
	s.work, s.file, s.lock = work, file, lock
	return s, nil
}

// realFile is the database file at path: path with symbolic links resolved, made absolute.
func realFile(path string) (string, error) {
	file, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err
	}
	return filepath.Abs(file)
}

// removeCopy removes a working copy with its write-ahead log and spill folder.
func removeCopy(work string) {
	os.Remove(work)
	os.Remove(work + ".wal")
	os.RemoveAll(work + ".tmp")
}

// Discard closes the database without keeping what was written to it, for a store opened with
// OnCopy; others it closes as Close does.
func (s *Store) Discard() error {
	if s.work == "" || s.scratch != "" {
		return s.Close()
	}
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.q.Close()
	removeCopy(s.work)
	s.lock.release()
	return err
}

// checkName refuses database files whose name DuckDB would take for a schema of the database.
func checkName(path string) error {
	stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	switch strings.ToLower(stem) {
	case "store", "main", "temp", "system", "memory":
		return fmt.Errorf("%s: a database may not be named %q, which DuckDB would confuse with a schema; rename the file", path, stem)
	}
	return nil
}

// Create creates a new database at path. It refuses to overwrite an existing file.
func Create(ctx context.Context, path string, opts Options) (*Store, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s already exists", path)
	}
	if err := checkName(path); err != nil {
		return nil, err
	}
	return open(ctx, path, path, opts)
}

// open opens the file file as the database at path.
func open(ctx context.Context, path, file string, opts Options) (*Store, error) {
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
	qdb, err := query.Open(file, q)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{path: path, db: qdb.SQL, q: qdb, readOnly: opts.ReadOnly, asOf: opts.AsOf}
	if err := s.migrate(ctx, opts.Upgrading); err != nil {
		s.q.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !opts.AsOf.IsZero() {
		// The views of the date are made once the schema has the macros they read.
		catalog, err := asOfCatalog(ctx, s.db, opts.AsOf)
		if err != nil {
			s.q.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		s.q.Close()
		if qdb, err = query.Open(file, q, asOfViews(catalog, opts.AsOf, opts.AsOfComputed)...); err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		s.db, s.q = qdb.SQL, qdb
		if err := s.db.PingContext(ctx); err != nil {
			s.q.Close()
			return nil, fmt.Errorf("%s as of %s: %w", path, opts.AsOf.Format(time.DateOnly), err)
		}
	}
	if opts.NoExternalAccess {
		if err := closeExternalAccess(ctx, s.db, opts.AllowedPaths); err != nil {
			s.q.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return s, nil
}

// closeExternalAccess switches external access off for db's DuckDB instance, allowing only
// paths, and locks its configuration. DuckDB takes allowed paths only while external access is
// on, and never turns it back on while the instance lives.
func closeExternalAccess(ctx context.Context, db *sql.DB, paths []string) error {
	var on bool
	if err := db.QueryRowContext(ctx, `SELECT current_setting('enable_external_access')`).Scan(&on); err != nil {
		return err
	}
	if !on {
		return errors.New("the database is open in this process already, with external access off and its allowed paths fixed: close it first")
	}
	var files, folders []string
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		info, err := os.Stat(abs)
		if err != nil {
			return fmt.Errorf("allowed path: %w", err)
		}
		lit := "'" + strings.ReplaceAll(abs, "'", "''") + "'"
		if info.IsDir() {
			folders = append(folders, lit)
		} else {
			files = append(files, lit)
		}
	}
	settings := []string{"SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false"}
	if len(folders) > 0 {
		settings = append(settings, "SET allowed_directories = ["+strings.Join(folders, ", ")+"]")
	}
	if len(files) > 0 {
		settings = append(settings, "SET allowed_paths = ["+strings.Join(files, ", ")+"]")
	}
	settings = append(settings, "SET enable_external_access = false", "SET lock_configuration = true")
	for _, q := range settings {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// Close checkpoints and closes the database. A writer that worked on a copy renames it over the
// database file.
func (s *Store) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.q.Close()
	if s.scratch != "" {
		os.RemoveAll(s.scratch)
		return err
	}
	if s.work != "" {
		if err == nil {
			err = publish(s.work, s.file)
		}
		if err != nil {
			removeCopy(s.work)
		}
	}
	s.lock.release()
	return err
}

// AsOf is the date the store shows the data as of (Options.AsOf); zero: as they are now.
func (s *Store) AsOf() time.Time { return s.asOf }

// DB is the database handle, for queries.
func (s *Store) DB() *sql.DB { return s.db }

// Query is the database for analysts' queries, whose results stream (query.DB); it shares DB's
// DuckDB instance.
func (s *Store) Query() *query.DB { return s.q }

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

// migrationsUpTo, when above 0, is the newest migration migrate applies: tests build a database
// as an earlier ictstat left it.
var migrationsUpTo = 0

// migrate applies the migrations the database lacks, each in its own transaction, telling
// upgrading (if set) first when the database had a schema already.
func (s *Store) migrate(ctx context.Context, upgrading func(from, to int)) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	for migrationsUpTo > 0 && ms[len(ms)-1].version > migrationsUpTo {
		ms = ms[:len(ms)-1]
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
	if current > 0 && upgrading != nil {
		upgrading(current, latest)
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
