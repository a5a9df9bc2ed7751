package serve_test

import (
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/serve"
)

// TestAsOf: ?as_of= reads the data as published on a date, on that query's connection only.
func TestAsOf(t *testing.T) {
	s := start(t, serve.Config{})
	csvOf := func(url, q string) (int, string) {
		r := do(t, "POST", url, q, "Accept", "text/csv")
		return r.status, string(r.body)
	}
	editions := `SELECT string_agg(edition, '; ' ORDER BY released) FROM editions`
	if st, body := csvOf(s.url+"/v1/sql?as_of=2025-01-01", editions); st != 200 || !strings.Contains(body, "UN SDG database 2023-12\n") {
		t.Errorf("editions as of 2025-01-01: %d %s", st, body)
	}
	if st, body := csvOf(s.url+"/v1/sql", editions); st != 200 || !strings.Contains(body, "WDI 2025; ITU DataHub 2025-12") {
		t.Errorf("editions now: %d %s", st, body)
	}
	// Before WDI 2025, Kenya's internet use came from the SDG database alone.
	q := `SELECT DISTINCT edition FROM observations WHERE indicator = 'internet_use_pct' AND economy = 'KEN' AND sex = 'total'`
	if st, body := csvOf(s.url+"/v1/sql?as_of=2025", q); st != 200 || strings.TrimSpace(body) != "edition\nWDI 2025" {
		t.Errorf("Kenya as of 2025: %d %s", st, body)
	}
	if st, body := csvOf(s.url+"/v1/sql?as_of=2024-06-30", q); st != 200 || strings.TrimSpace(body) != "edition\nUN SDG database 2023-12" {
		t.Errorf("Kenya as of 2024-06-30: %d %s", st, body)
	}
	if st, body := csvOf(s.url+"/v1/sql?as_of=2024-06-30", `SELECT count(*) FROM aggregates`); st != 400 || !strings.Contains(body, "not as of 2024-06-30") {
		t.Errorf("aggregates as of a date: %d %s", st, body)
	}
	if st, body := csvOf(s.url+"/v1/sql?as_of=2020", editions); st != 400 || !strings.Contains(body, "the first was released on 2023-12-17") {
		t.Errorf("a date before every edition: %d %s", st, body)
	}
	if st, body := csvOf(s.url+"/v1/sql?as_of=last+year", editions); st != 400 || !strings.Contains(body, "YYYY-MM-DD") {
		t.Errorf("a bad date: %d %s", st, body)
	}
}
