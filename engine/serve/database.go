package serve

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/ictstat/ictstat/engine/query"
)

// snapshot is one opening of the database file. Requests hold a reference while they run; a
// reload swaps in a new snapshot and the old one closes when its last request is done, so that
// every request sees one consistent state of the data.
type snapshot struct {
	q        *query.DB // analysts' queries, each on a connection of its own
	db       *sql.DB   // the service's own queries (endpoints that draw)
	file     os.FileInfo
	loadedAt time.Time
	cleanup  func()       // removes the private folder of links once the database is closed
	refs     atomic.Int64 // the current pointer holds one
}

// openSnapshot opens path read-only with DuckDB's own controls on: no access to files other than
// the database and its spill folder, no extensions installed or loaded, memory and spill capped,
// and the configuration locked so that no query can change these settings.
func openSnapshot(ctx context.Context, path string, cfg Config) (*snapshot, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("access_mode", "read_only")
	q.Set("enable_external_access", "false")
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	q.Set("allow_community_extensions", "false")
	if cfg.SpillLimit != "" {
		q.Set("max_temp_directory_size", cfg.SpillLimit)
	}
	if cfg.MemoryLimit != "" {
		q.Set("memory_limit", cfg.MemoryLimit)
	}
	if cfg.Threads > 0 {
		q.Set("threads", strconv.Itoa(cfg.Threads))
	}
	q.Set("lock_configuration", "true")
	// duckdb-go keeps one DuckDB instance per file while it is open, so a new version of the file
	// is opened through a hard link of its own name in a private folder beside it, which also
	// holds DuckDB's spill folder (NAME.tmp); the folder goes when the version is closed.
	link, cleanup, err := linkFile(path)
	if err != nil {
		cfg.Log.Warn("cannot link the database file in its folder; a replaced file is picked up only after a restart", "error", err)
		link = path
	}
	qdb, err := query.Open(link, q)
	if err != nil {
		cleanup()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := qdb.SQL
	db.SetMaxOpenConns(cfg.MaxConcurrent + 2)
	db.SetMaxIdleConns(cfg.MaxConcurrent + 2)
	var version int
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM store.schema_migrations`).Scan(&version); err != nil {
		qdb.Close()
		cleanup()
		return nil, fmt.Errorf("%s is not an ictstat database: %w", path, err)
	}
	if cfg.SchemaVersion > 0 && version != cfg.SchemaVersion {
		qdb.Close()
		cleanup()
		return nil, fmt.Errorf("%s has schema version %d and this ictstat needs %d: open it once read-write (any load or 'ictstat compute') to upgrade it", path, version, cfg.SchemaVersion)
	}
	sn := &snapshot{q: qdb, db: db, file: info, loadedAt: time.Now(), cleanup: cleanup}
	sn.refs.Store(1)
	return sn, nil
}

// changed reports whether the file at path is no longer the one the snapshot opened: replaced
// (renamed over), or written since.
func (s *snapshot) changed(path string) bool {
	info, err := os.Stat(path)
	if err != nil {
		return false
	}
	return !os.SameFile(info, s.file) || !info.ModTime().Equal(s.file.ModTime()) || info.Size() != s.file.Size()
}

// release drops a reference; the last one closes the database.
func (s *snapshot) release() {
	if s.refs.Add(-1) == 0 {
		s.q.Close()
		s.cleanup()
	}
}

// current holds the snapshot that new requests use.
type current struct {
	p atomic.Pointer[snapshot]
}

// acquire returns the current snapshot with a reference taken, nil once the server is closed;
// release it when done.
func (c *current) acquire() *snapshot {
	for {
		s := c.p.Load()
		if s == nil {
			return nil
		}
		n := s.refs.Load()
		if n > 0 && s.refs.CompareAndSwap(n, n+1) {
			return s
		}
	}
}

// swap makes s current and drops the reference the current pointer held on the one before.
func (c *current) swap(s *snapshot) {
	if old := c.p.Swap(s); old != nil {
		old.release()
	}
}

// linkFile makes a hard link to the file path names (through symbolic links) and its write-ahead
// log under a new private folder beside it, and returns the link and how to remove the folder.
func linkFile(path string) (string, func(), error) {
	noop := func() {}
	path, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", noop, err
	}
	dir, err := os.MkdirTemp(filepath.Dir(path), ".ictstat-serve-")
	if err != nil {
		return "", noop, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	link := filepath.Join(dir, filepath.Base(path))
	if err := os.Link(path, link); err != nil {
		cleanup()
		return "", noop, err
	}
	if _, err := os.Stat(path + ".wal"); err == nil {
		if err := os.Link(path+".wal", link+".wal"); err != nil {
			cleanup()
			return "", noop, err
		}
	}
	return link, cleanup, nil
}
