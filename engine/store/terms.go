package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// terms is store.terms as a computation writes it (migration 0018): the id of every text the
// derived tables' _term columns hold, and the texts numbered since the table was last written.
type terms struct {
	ids   map[string]int32
	last  int32
	added []string
}

// readTerms reads store.terms.
func readTerms(ctx context.Context, conn *sql.Conn) (*terms, error) {
	t := &terms{ids: map[string]int32{}}
	rs, err := conn.QueryContext(ctx, `SELECT term_id, term FROM store.terms`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	for rs.Next() {
		var id int32
		var s string
		if err := rs.Scan(&id, &s); err != nil {
			return nil, err
		}
		t.ids[s], t.last = id, max(t.last, id)
	}
	return t, rs.Err()
}

// id is the id of text s, numbered next if it has none.
func (t *terms) id(s string) int32 {
	if id, ok := t.ids[s]; ok {
		return id
	}
	t.last++
	t.ids[s] = t.last
	t.added = append(t.added, s)
	return t.last
}

// save appends the texts numbered since the last save to store.terms.
func (t *terms) save(drv driver.Conn) error {
	if len(t.added) == 0 {
		return nil
	}
	err := appendEach(drv, "terms", len(t.added), 2, func(i int, r []driver.Value) {
		r[0], r[1] = t.ids[t.added[i]], t.added[i]
	})
	if err == nil {
		t.added = t.added[:0]
	}
	return err
}
