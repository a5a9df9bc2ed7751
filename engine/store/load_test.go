package store_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/ictstat/ictstat/engine/store"
)

// TestLoadOfNoRowsIsRefused: a load that was handed no row at all rolls back at Finish, so that
// it leaves no batch and no new edition behind.
func TestLoadOfNoRowsIsRefused(t *testing.T) {
	st, err := store.Create(ctx, filepath.Join(t.TempDir(), "s.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutReference(ctx, smallReference()); err != nil {
		t.Fatal(err)
	}
	l, err := st.BeginLoad(ctx, store.LoadSpec{File: "header-only.csv", Bytes: 29, Format: "long",
		Edition: store.Edition{Label: "NSO 2030-01", Released: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}, MaxRejectRate: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := l.Finish("0000")
	if !errors.Is(err, store.ErrNoDataRows) {
		t.Fatalf("Finish: %v, want ErrNoDataRows", err)
	}
	if res.Edition != "NSO 2030-01" || res.Batch != 0 {
		t.Errorf("result %+v", res)
	}
	l.Abort() // safe after Finish
	var editions, batches int
	if err := st.DB().QueryRow(`SELECT (SELECT count(*) FROM store.editions), (SELECT count(*) FROM store.batches)`).Scan(&editions, &batches); err != nil {
		t.Fatal(err)
	}
	if editions != 0 || batches != 0 {
		t.Errorf("%d editions and %d batches after a load of no rows, want none", editions, batches)
	}
}
