package query_test

import (
	"context"
	"io"
	"testing"

	"github.com/ictstat/ictstat/engine/query"
)

// The cost of one small query, as the service runs it (streaming, on a connection of its own,
// checked by the read-only policy) and as jobs and notebooks do (database/sql, one connection).
func BenchmarkSmallQuery(b *testing.B) {
	const q = `SELECT year, value FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND sex = 'total' ORDER BY year`
	db := openDB(b, nil)
	ctx := context.Background()
	for _, policy := range []query.Policy{{}, {SelectOnly: true}} {
		name := "any"
		if policy.SelectOnly {
			name = "select-only"
		}
		b.Run("streaming/"+name, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.Run(ctx, query.Query{SQL: q, Policy: policy}, "json", io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("driver/"+name, func(b *testing.B) {
			c, err := db.SQL.Conn(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			for b.Loop() {
				if _, err := query.Run(ctx, c, query.Query{SQL: q, Policy: policy}, "json", io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
