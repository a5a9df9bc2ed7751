package store_test

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/ictstat/ictstat/engine/store"
)

var ctx = context.Background()

// smallReference is a reference with one of everything.
func smallReference() store.Reference {
	return store.Reference{
		Indicators: []store.Indicator{
			{Code: "internet_use_pct", Name: "Individuals using the Internet", Unit: "% of population", UnitKind: "percent", Min: 0, Max: 100},
			{Code: "mobile_cellular_per100", Name: "Mobile-cellular subscriptions per 100", Unit: "per 100 inhabitants", UnitKind: "per100", Min: 0, Max: math.Inf(1)},
		},
		IndicatorCodes: []store.Alias{{Scheme: "wdi", Code: "IT.NET.USER.ZS", Target: "internet_use_pct"}},
		Economies: []store.Economy{
			{ISO3: "KEN", M49: 404, Name: "Kenya", ITURegion: "AFR"},
			{ISO3: "AFG", M49: 4, Name: "Afghanistan", LDC: true, LLDC: true},
		},
		EconomyCodes: []store.Alias{{Scheme: "m49", Code: "404", Target: "KEN"}},
		Groups:       []store.Group{{Code: "WLD", Name: "World", Kind: "world"}},
		GroupCodes:   []store.Alias{{Scheme: "m49", Code: "1", Target: "WLD"}},
		Members:      []store.Member{{Group: "WLD", Economy: "KEN"}, {Group: "WLD", Economy: "AFG", FirstYear: 2001}},
		IncomeGroups: []store.IncomeGroup{{Economy: "KEN", FiscalYear: 2026, GNIYear: 2024, Group: "LM"}},
	}
}

func TestCreateMigratesAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.duckdb")
	if _, err := store.Open(ctx, path, store.Options{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("opening a missing database: %v", err)
	}
	st, err := store.Create(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutReference(ctx, smallReference()); err != nil {
		t.Fatal(err)
	}
	if err := st.PutReference(ctx, smallReference()); err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Errorf("a second PutReference: %v", err)
	}
	st.Close()
	if _, err := store.Create(ctx, path, store.Options{}); err == nil {
		t.Error("Create over an existing database succeeded")
	}
	// Reopening applies no migration twice.
	st, err = store.Open(ctx, path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var versions, applied int
	st.DB().QueryRow(`SELECT max(version), count(*) FROM store.schema_migrations`).Scan(&versions, &applied)
	if versions != store.SchemaVersion() || applied != store.SchemaVersion() {
		t.Errorf("schema version %d with %d migrations applied, want %d", versions, applied, store.SchemaVersion())
	}
	var got string
	err = st.DB().QueryRow(`SELECT string_agg(group_code || ':' || economy || ':' || coalesce(first_year::VARCHAR, '-'), ',' ORDER BY economy) FROM group_members`).Scan(&got)
	if err != nil || got != "WLD:AFG:2001,WLD:KEN:-" {
		t.Errorf("group members %q (%v)", got, err)
	}
	if _, err := st.BeginLoad(ctx, store.LoadSpec{Edition: store.Edition{Label: "x"}}); err == nil {
		t.Error("a load began on a read-only database")
	}
}

func TestRefusesForeignAndNewerDatabases(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign.duckdb")
	db, err := sql.Open("duckdb", foreign)
	if err != nil {
		t.Fatal(err)
	}
	db.Exec(`CREATE TABLE t (x INTEGER)`)
	db.Close()
	if _, err := store.Open(ctx, foreign, store.Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "not an ictstat database") {
		t.Errorf("a foreign database, read-only: %v", err)
	}

	newer := filepath.Join(dir, "newer.duckdb")
	st, err := store.Create(ctx, newer, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.DB().Exec(`INSERT INTO store.schema_migrations VALUES (999, '0999_future', now())`)
	st.Close()
	if _, err := store.Open(ctx, newer, store.Options{}); err == nil || !strings.Contains(err.Error(), "upgrade ictstat") {
		t.Errorf("a database of a newer ictstat: %v", err)
	}
}

func TestReferenceMustBeConsistent(t *testing.T) {
	cases := map[string]func(*store.Reference){
		"indicator twice":      func(r *store.Reference) { r.Indicators = append(r.Indicators, r.Indicators[0]) },
		"alias to nothing":     func(r *store.Reference) { r.IndicatorCodes[0].Target = "nothing" },
		"economy twice":        func(r *store.Reference) { r.Economies = append(r.Economies, r.Economies[0]) },
		"member of no group":   func(r *store.Reference) { r.Members[0].Group = "XXX" },
		"income of no economy": func(r *store.Reference) { r.IncomeGroups[0].Economy = "XXX" },
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			st, err := store.Create(ctx, filepath.Join(t.TempDir(), "s.duckdb"), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ref := smallReference()
			spoil(&ref)
			if err := st.PutReference(ctx, ref); err == nil {
				t.Fatal("accepted")
			}
			// Nothing of it was written.
			var n int
			st.DB().QueryRow(`SELECT (SELECT count(*) FROM store.indicators) + (SELECT count(*) FROM store.economies)`).Scan(&n)
			if n != 0 {
				t.Errorf("%d rows written", n)
			}
		})
	}
}

// TestSyncCatalogue: indicators keep their keys, change their attributes, new ones are added and
// the codes of other schemes are replaced.
func TestSyncCatalogue(t *testing.T) {
	st, err := store.Create(ctx, filepath.Join(t.TempDir(), "s.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ref := smallReference()
	if err := st.PutReference(ctx, ref); err != nil {
		t.Fatal(err)
	}
	inds := ref.Indicators
	inds[0].Polarity, inds[0].Aggregation, inds[0].Weight = "higher", "weighted_mean", "population"
	inds = append(inds, store.Indicator{Code: "population", Name: "Population", Unit: "persons", UnitKind: "count", Min: 0, Max: math.Inf(1), Polarity: "neutral", Aggregation: "sum"})
	codes := []store.Alias{{Scheme: "wdi", Code: "SP.POP.TOTL", Target: "population"}, {Scheme: "itu", Code: "i99H", Target: "internet_use_pct"}}
	if err := st.SyncCatalogue(ctx, inds, codes); err != nil {
		t.Fatal(err)
	}
	var got string
	err = st.DB().QueryRow(`SELECT string_agg(i.indicator_id || ' ' || v.indicator || ' ' || coalesce(v.polarity, '-') || ' ' ||
		coalesce(v.aggregation, '-') || ' ' || coalesce(v.wdi_code, '-') || ' ' || coalesce(v.itu_code, '-'), '; ' ORDER BY i.indicator_id)
		FROM main.indicators v JOIN store.indicators i ON i.code = v.indicator`).Scan(&got)
	want := "1 internet_use_pct higher weighted_mean - i99H; 2 mobile_cellular_per100 - - - -; 3 population neutral sum SP.POP.TOTL -"
	if err != nil || got != want {
		t.Errorf("after the sync: %q (%v)\nwant %q", got, err, want)
	}
}
