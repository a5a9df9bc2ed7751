package store_test

import (
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/ictstat/ictstat/engine/store"
)

// A database computed before the derived tables kept their texts as term ids (migration 0018)
// shows the same rows through the views after the migration, and a computation that follows
// numbers only the texts it adds.
func TestTermsMigrationKeepsTheRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.duckdb")
	restore := store.MigrateUpTo(17)
	var told [][2]int // what Options.Upgrading was told
	upgrading := func(from, to int) { told = append(told, [2]int{from, to}) }
	st, err := store.Create(ctx, path, store.Options{Upgrading: upgrading})
	if err != nil {
		restore()
		t.Fatal(err)
	}
	rows := map[string]string{
		"aggregates": `('WLD', 'internet_use_pct', 'total', 'total', 'total', 2024, 67.5, 'weighted_mean', 'population', 190, 150, 30,
				0.8, 0.9, 0.95, 'published', 'current', 0.4, 12, 0.1, 66.0, 69.0, 65.0, 70.0),
			('LDC', 'rural:coverage_3g_pct', 'female', 'rural', '15-24', 2005, NULL, 'median', NULL, 46, 0, 0,
				0.0, 0.0, 0.0, 'withheld', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
		"estimates": `('KEN', 'internet_use_pct', 'total', 'total', 'total', 2025, 41.5, 'nowcast', 'nowcast on the logit scale: it''s', 2023,
				40.0, 43.0, 39.0, 44.0),
			('CIV', 'mobile_pct', 'male', 'urban', 'total', 2001, 3.0, 'carried backward', NULL, NULL, NULL, NULL, NULL, NULL)`,
		"gaps": `('KEN', 'economy', 'gender_parity_score', 'internet_use_pct', 'total', 'total', 2023, 0.9, 36.0, 40.0, 'women behind',
				'reported', false, NULL, NULL),
			('WLD', 'group', 'urban_rural_ratio', 'internet_use_pct', 'total', '15-24', 2024, 1.6, 80.0, 50.0, NULL,
				'ictstat aggregate', true, 1.5, 1.7)`,
	}
	for table, values := range rows {
		if _, err := st.DB().Exec(`INSERT INTO store.` + table + ` VALUES ` + values); err != nil {
			t.Fatal(table, err)
		}
	}
	st.Close()
	restore()

	st, err = store.Open(ctx, path, store.Options{Upgrading: upgrading})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if len(told) != 1 || told[0] != [2]int{17, store.SchemaVersion()} {
		t.Errorf("creating the database and upgrading it told %v; want only the upgrade from 17 to %d", told, store.SchemaVersion())
	}
	differ := func(table, values string) (n, only, missing int) {
		t.Helper()
		if err := st.DB().QueryRow(`SELECT (SELECT count(*) FROM main.`+table+`),
			(SELECT count(*) FROM (SELECT * FROM main.`+table+` EXCEPT ALL VALUES `+values+`)),
			(SELECT count(*) FROM (VALUES `+values+` EXCEPT ALL SELECT * FROM main.`+table+`))`).Scan(&n, &only, &missing); err != nil {
			t.Fatal(table, err)
		}
		return n, only, missing
	}
	for table, values := range rows {
		if n, only, missing := differ(table, values); n != 2 || only != 0 || missing != 0 {
			t.Errorf("%s after the migration: %d rows, %d not written before it, %d lost", table, n, only, missing)
		}
	}
	var terms, distinct int
	if err := st.DB().QueryRow(`SELECT count(*), count(DISTINCT term) FROM store.terms`).Scan(&terms, &distinct); err != nil {
		t.Fatal(err)
	}
	if terms != distinct || terms < 20 {
		t.Errorf("store.terms: %d terms, %d distinct texts", terms, distinct)
	}

	// An incremental computation adds a gap of Kenya's under a new measure.
	w, err := st.BeginDerived(ctx, store.Computation{ComputedAt: time.Now(), Composition: "current"}, &store.Recompute{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Gaps(func(emit func(store.GapRow) error) error {
		return emit(store.GapRow{Entity: "KEN", EntityKind: "economy", Measure: "people_offline", Indicator: "internet_use_pct",
			Area: "total", Age: "total", Year: 2024, Value: 3e7, First: math.NaN(), Second: math.NaN(), Basis: "reported",
			Low95: math.NaN(), High95: math.NaN()})
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	gaps := rows["gaps"] + `, ('KEN', 'economy', 'people_offline', 'internet_use_pct', 'total', 'total', 2024, 3e7, NULL, NULL, NULL,
		'reported', false, NULL, NULL)`
	if n, only, missing := differ("gaps", gaps); n != 3 || only != 0 || missing != 0 {
		t.Errorf("gaps after an incremental computation: %d rows, %d not written, %d lost", n, only, missing)
	}
	var added int
	if err := st.DB().QueryRow(`SELECT count(*), count(DISTINCT term) FROM store.terms`).Scan(&added, &distinct); err != nil {
		t.Fatal(err)
	}
	if added != distinct || added != terms+1 {
		t.Errorf("store.terms after the computation: %d terms, %d distinct texts; want %d, one more than before", added, distinct, terms+1)
	}
}
