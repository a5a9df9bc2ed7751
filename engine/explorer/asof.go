package explorer

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync"
	"time"

	"github.com/ictstat/ictstat/engine/store"
)

// AsOf returns a Source that reads db as published on date, on a connection of its own whose
// views show the data as of the date (store.AsOfViews): ictstat's aggregates and the progress
// assessments, computed from the data as they are now, are left out (Options.NoDerived). Call
// done when finished: the connection is then closed, never handed back to db's pool, since its
// views differ from the others'. A date before every edition is an ErrRequest.
func AsOf(ctx context.Context, db *sql.DB, date time.Time) (src *Source, done func(), err error) {
	setup, err := store.AsOfViews(ctx, db, date)
	if errors.Is(err, store.ErrBeforeEditions) {
		return nil, nil, requestError("as_of: %v", err)
	}
	if err != nil {
		return nil, nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	var once sync.Once
	done = func() {
		once.Do(func() {
			conn.Raw(func(any) error { return driver.ErrBadConn }) // closes the connection for good
			conn.Close()
		})
	}
	for _, stmt := range setup {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			done()
			return nil, nil, err
		}
	}
	return NewSource(conn, Options{NoDerived: true, AsOf: date}), done, nil
}
