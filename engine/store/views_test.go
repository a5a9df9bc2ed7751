package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/store"
)

// TestViewsDocumented: docs/sql.md lists every view of the schema main, and every column of each
// in order with its type.
func TestViewsDocumented(t *testing.T) {
	ctx := context.Background()
	st, err := store.Create(ctx, filepath.Join(t.TempDir(), "views.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	actual := map[string][]string{}
	err = store.ScanRows(ctx, st.DB(), `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`, func(r *sql.Rows) error {
		var table, col, typ string
		if err := r.Scan(&table, &col, &typ); err != nil {
			return err
		}
		actual[table] = append(actual[table], col+" "+typ)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../../docs/sql.md")
	if err != nil {
		t.Fatal(err)
	}
	heading := regexp.MustCompile("^## `([a-z_]+)`")
	row := regexp.MustCompile(`^\| ([a-z_0-9]+) \| ([A-Z]+) \|`)
	documented := map[string][]string{}
	view := ""
	for _, line := range strings.Split(string(b), "\n") {
		if m := heading.FindStringSubmatch(line); m != nil {
			view = m[1]
			documented[view] = nil
		} else if m := row.FindStringSubmatch(line); m != nil && view != "" {
			documented[view] = append(documented[view], m[1]+" "+m[2])
		}
	}
	for v, cols := range actual {
		doc, ok := documented[v]
		if !ok {
			t.Errorf("docs/sql.md does not describe the view %s", v)
			continue
		}
		if strings.Join(doc, ", ") != strings.Join(cols, ", ") {
			t.Errorf("docs/sql.md on %s:\n  %s\nthe view has\n  %s", v, strings.Join(doc, ", "), strings.Join(cols, ", "))
		}
	}
	for v := range documented {
		if _, ok := actual[v]; !ok {
			t.Errorf("docs/sql.md describes %s, which is not a view", v)
		}
	}
}

// TestFlagCodes: the views' flag codes are those of store.codes.
func TestFlagCodes(t *testing.T) {
	ctx := context.Background()
	st, err := store.Create(ctx, filepath.Join(t.TempDir(), "flags.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutReference(ctx, smallReference()); err != nil {
		t.Fatal(err)
	}
	var n, agree int
	if err := st.DB().QueryRow(`SELECT count(*), count(*) FILTER (WHERE store.flag_code(code_id) = code)
		FROM store.codes WHERE dimension = 'flag'`).Scan(&n, &agree); err != nil {
		t.Fatal(err)
	}
	if n < 9 || agree != n {
		t.Errorf("store.flag_code agrees with %d of the %d flag codes", agree, n)
	}
}
