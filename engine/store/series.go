package store

import (
	"context"
	"database/sql"
)

// seriesKey identifies a series: an indicator for an economy (or a group) and a breakdown.
type seriesKey struct {
	indicator, economy, group int32
	sex, area                 uint8
	age                       int16
}

// seriesIndex maps series keys to series IDs and records the series a load adds. Rows of a long
// file come series by series, so the last key is checked before the map.
type seriesIndex struct {
	ids      map[seriesKey]int32
	next     int32
	firstNew int32
	added    []seriesKey // series added by this load, IDs firstNew, firstNew+1, ...
	existing bool        // whether the load touched a series the store already had

	last   seriesKey
	lastID int32
}

func loadSeriesIndex(ctx context.Context, q Queryer) (*seriesIndex, error) {
	x := &seriesIndex{ids: map[seriesKey]int32{}}
	err := ScanRows(ctx, q, `SELECT series_id, indicator_id, coalesce(economy_id, 0), coalesce(group_id, 0), sex, area, age FROM store.series`,
		func(r *sql.Rows) error {
			var id int32
			var k seriesKey
			if err := r.Scan(&id, &k.indicator, &k.economy, &k.group, &k.sex, &k.area, &k.age); err != nil {
				return err
			}
			x.ids[k] = id
			x.next = max(x.next, id)
			return nil
		})
	x.next++
	x.firstNew = x.next
	return x, err
}

// id returns the series ID of k, adding the series when the store lacks it.
func (x *seriesIndex) id(k seriesKey) int32 {
	if x.lastID != 0 && k == x.last {
		return x.lastID
	}
	id, ok := x.ids[k]
	if !ok {
		id = x.next
		x.next++
		x.ids[k] = id
		x.added = append(x.added, k)
	} else if id < x.firstNew {
		x.existing = true
	}
	x.last, x.lastID = k, id
	return id
}

// interner maps the texts of an open list (sources, notes, age groups, source aggregates) to
// IDs, adding the texts a load brings in the order it meets them.
type interner struct {
	ids      map[string]int32
	next     int32
	firstNew int32
	added    []string
}

func loadInterner(ctx context.Context, q Queryer, query string) (*interner, error) {
	in := &interner{ids: map[string]int32{}}
	err := ScanRows(ctx, q, query, func(r *sql.Rows) error {
		var id int32
		var text string
		if err := r.Scan(&id, &text); err != nil {
			return err
		}
		in.ids[text] = id
		in.next = max(in.next, id)
		return nil
	})
	in.next++
	in.firstNew = in.next
	return in, err
}

// id returns the ID of text, adding it when new.
func (in *interner) id(text string) int32 {
	id, ok := in.ids[text]
	if !ok {
		id = in.next
		in.next++
		in.ids[text] = id
		in.added = append(in.added, text)
	}
	return id
}

// yearsSeen records, for each series a load touches, the years it has given, to find a series
// and year given twice in one file as the rows stream past.
type yearsSeen struct {
	slots    map[int32]int // series ID → index into bits
	bits     [][3]uint64   // one bit per year from 1960 to 2151
	repeated []seriesYear  // keys seen more than once, each listed once
	listed   map[seriesYear]bool
	last     int32
	lastSlot int
}

type seriesYear struct {
	series int32
	year   int16
}

const firstYearBit = 1960

func newYearsSeen() *yearsSeen {
	return &yearsSeen{slots: map[int32]int{}, listed: map[seriesYear]bool{}, last: -1}
}

// add notes a series and year and reports whether it was seen before.
func (y *yearsSeen) add(series int32, year int16) bool {
	if series != y.last {
		slot, ok := y.slots[series]
		if !ok {
			slot = len(y.bits)
			y.bits = append(y.bits, [3]uint64{})
			y.slots[series] = slot
		}
		y.last, y.lastSlot = series, slot
	}
	b := int(year) - firstYearBit
	word, bit := b/64, uint64(1)<<(b%64)
	w := &y.bits[y.lastSlot][word]
	if *w&bit == 0 {
		*w |= bit
		return false
	}
	k := seriesYear{series, year}
	if !y.listed[k] {
		y.listed[k] = true
		y.repeated = append(y.repeated, k)
	}
	return true
}

// execer runs statements: a connection or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// refreshLabels brings store.series_labels up to date for the series that batch loaded, or for
// every series when batch is 0. It runs inside the caller's transaction.
func refreshLabels(ctx context.Context, x execer, batch int) error {
	if batch == 0 {
		_, err := x.ExecContext(ctx, `DELETE FROM store.series_labels;
			INSERT INTO store.series_labels SELECT * FROM store.series_labels_source`)
		return err
	}
	touched := `(SELECT DISTINCT series_id FROM store.observations WHERE batch_id = ?)`
	if _, err := x.ExecContext(ctx, `DELETE FROM store.series_labels WHERE series_id IN `+touched, batch); err != nil {
		return err
	}
	_, err := x.ExecContext(ctx, `INSERT INTO store.series_labels SELECT * FROM store.series_labels_source
		WHERE series_id IN `+touched, batch)
	return err
}
