package load_test

import (
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/load"
)

// TestEconomiesByCodeOrName: a file may name economies by ISO3 in any case, by M49 code or by
// the store's name in any case; an unknown one is rejected with the closest the store knows.
func TestEconomiesByCodeOrName(t *testing.T) {
	st := newStore(t)
	path := writeFile(t, "names.csv", "indicator,economy,year,value\n"+
		"internet_use_pct,Kenya,2024,48.5\n"+
		"internet_use_pct,ken,2023,36\n"+
		"internet_use_pct,404,2022,30\n"+
		"internet_use_pct,republic of korea,2022,97\n"+
		"internet_use_pct,Kenia,2021,29\n"+
		"internet_use_pct,ZZZ,2021,29\n")
	o := mustLoad(t, st, path, load.Options{Edition: edition("2026-06"), MaxRejectRate: 0.5})
	if o.RowsLoaded != 4 || o.RowsRejected != 2 {
		t.Fatalf("loaded %d, rejected %d; want 4 and 2", o.RowsLoaded, o.RowsRejected)
	}
	var got string
	st.DB().QueryRow(`SELECT string_agg(economy || ' ' || year, ', ' ORDER BY economy, year) FROM observations`).Scan(&got)
	if got != "KEN 2022, KEN 2023, KEN 2024, KOR 2022" {
		t.Errorf("loaded %s", got)
	}
	rejects := rejectsOf(t, st, o.Batch)
	want := []string{
		"6|economy|Kenia|unknown economy or group; the closest are KEN (Kenya)",
		"7|economy|ZZZ|unknown economy or group",
	}
	if strings.Join(rejects, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejects:\n%s\nwant\n%s", strings.Join(rejects, "\n"), strings.Join(want, "\n"))
	}
}
