package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// ErrLicenceConflict is returned by a load that names a licence for an edition the store holds
// under another one: an edition's data have one licence.
var ErrLicenceConflict = errors.New("the edition has another licence")

// keepLicence records the licence the load names for an edition that existed before it: it is set
// when the edition had none, and must be the same otherwise.
func (l *Load) keepLicence() error {
	want := l.spec.Edition.Licence
	if want == "" {
		return nil
	}
	var have sql.NullString
	if err := l.conn.QueryRowContext(l.ctx, `SELECT licence FROM store.editions WHERE edition_id = ?`, l.edition).Scan(&have); err != nil {
		return err
	}
	switch {
	case !have.Valid:
		_, err := l.conn.ExecContext(l.ctx, `UPDATE store.editions SET licence = ? WHERE edition_id = ?`, want, l.edition)
		return err
	case have.String != want:
		return fmt.Errorf("%w: edition %s is published under %q, not %q; load the file into an edition of its own", ErrLicenceConflict,
			l.spec.Edition.Label, have.String, want)
	}
	return nil
}
