package load_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ictstat/ictstat/datasets"
	"github.com/ictstat/ictstat/datasets/synth"
	"github.com/ictstat/ictstat/engine/ingest"
	"github.com/ictstat/ictstat/engine/load"
	"github.com/ictstat/ictstat/engine/store"
)

// reference is the default dataset's reference data, built once.
var reference = sync.OnceValues(datasets.Reference)

// newStore returns a store holding the reference data and no observations.
func newStore(t *testing.T) *store.Store {
	t.Helper()
	ref, err := reference()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Create(context.Background(), filepath.Join(t.TempDir(), "test.duckdb"), store.Options{MemoryLimit: "256MB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.PutReference(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
	return st
}

// writeFile writes content to a file in a test directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fingerprint sums up every table of the store but those named: row counts and a hash of every
// row.
func fingerprint(t *testing.T, st *store.Store, except ...string) string {
	t.Helper()
	rows, err := st.DB().Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'store'
		AND NOT list_contains(?, table_name) ORDER BY 1`, except)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	var b strings.Builder
	for _, name := range tables {
		var n int64
		var h uint64
		err := st.DB().QueryRow(fmt.Sprintf(`SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM store.%s t`, name)).Scan(&n, &h)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:%d:%x ", name, n, h)
	}
	return b.String()
}

func mustLoad(t *testing.T, st *store.Store, path string, opts load.Options) load.Outcome {
	t.Helper()
	o, err := load.File(context.Background(), st, path, opts)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	if o.RowsRead != o.RowsLoaded+o.RowsUnchanged+o.RowsRejected {
		t.Errorf("rows read %d ≠ loaded %d + unchanged %d + rejected %d", o.RowsRead, o.RowsLoaded, o.RowsUnchanged, o.RowsRejected)
	}
	return o
}

func edition(label string) store.Edition {
	t, err := time.Parse("2006-01", label)
	if err != nil {
		panic(err)
	}
	return store.Edition{Label: label, Released: t}
}

// rejectsOf lists a batch's rejects as "line|column|value|reason".
func rejectsOf(t *testing.T, st *store.Store, batch int) []string {
	t.Helper()
	rows, err := st.DB().Query(`SELECT line, coalesce("column", ''), coalesce(value, ''), reason FROM rejects WHERE batch = ? ORDER BY line, reason`, batch)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line int
		var col, value, reason string
		if err := rows.Scan(&line, &col, &value, &reason); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d|%s|%s|%s", line, col, value, reason))
	}
	return out
}

// TestEveryHostileRowIsRejectedWithItsReason loads one file holding a row of each kind the
// validation refuses, and checks the reject recorded for each: line, column, value, reason.
func TestEveryHostileRowIsRejectedWithItsReason(t *testing.T) {
	st := newStore(t)
	path := writeFile(t, "hostile.csv", strings.Join([]string{
		"indicator,economy,year,sex,value",
		"internet_use_pct,KEN,2020,total,29.5",
		"internet_use_pct,KEN,2021,total,abc",
		"internet_use_pct,KEN,1959,total,10",
		"internet_use_pct,KEN,2101,total,10",
		"internet_use_pct,UGA,2020,total,100.5",
		"internet_use_pct,UGA,2021,total,-0.5",
		"mobile_cellular_per100,UGA,2020,total,120.4",
		"mobile_cellular_subs,UGA,2020,total,-5",
		"internet_use_pct,ZZZ,2020,total,5",
		"not_an_indicator,KEN,2020,total,5",
		"internet_use_pct,TZA,2020,female,20",
		"internet_use_pct,TZA,2020,female,21",
		"internet_use_pct,TZA,2020,male,22",
		"internet_use_pct,TZA,2020,male,22",
		"internet_use_pct,TZA,2020,women,22,extra",
		"internet_use_pct,TZA,2020,unknown,22",
		"",
	}, "\n"))
	o := mustLoad(t, st, path, load.Options{MaxRejectRate: 1})
	want := []string{
		"3|value|abc|not a number",
		"4|year|1959|year outside 1960–2100",
		"5|year|2101|year outside 1960–2100",
		"6|value|100.5|percentage outside 0–100",
		"7|value|-0.5|percentage outside 0–100",
		"9|value|-5|negative count",
		"10|economy|ZZZ|unknown economy or group",
		"11|indicator|not_an_indicator|unknown indicator",
		"12|value|20|conflicting values for the same indicator, economy, breakdown and year on lines 12, 13",
		"13|value|21|conflicting values for the same indicator, economy, breakdown and year on lines 12, 13",
		"15|value|22|repeats line 14",
		"16||internet_use_pct,TZA,2020,women,22,extra|expected 5 fields as in the header, found 6",
		"17|sex|unknown|unknown sex code",
	}
	got := rejectsOf(t, st, o.Batch)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if o.RowsRead != 16 || o.RowsLoaded != 3 || o.RowsRejected != 13 {
		t.Errorf("read %d loaded %d rejected %d, want 16, 3, 13", o.RowsRead, o.RowsLoaded, o.RowsRejected)
	}
	var kept string
	err := st.DB().QueryRow(`SELECT string_agg(economy || ' ' || indicator || ' ' || sex || ' ' || value, '; ' ORDER BY line) FROM observations`).Scan(&kept)
	if err != nil {
		t.Fatal(err)
	}
	if kept != "KEN internet_use_pct total 29.5; UGA mobile_cellular_per100 total 120.4; TZA internet_use_pct male 22.0" {
		t.Errorf("observations: %s", kept)
	}
}

// TestRefusedFilesLeaveTheStoreAsItWas covers the files refused whole: too many rejects, and
// files that cannot be read as their format. Nothing of them may land.
func TestRefusedFilesLeaveTheStoreAsItWas(t *testing.T) {
	st := newStore(t)
	mustLoad(t, st, writeFile(t, "good.csv", "indicator,economy,year,value\ninternet_use_pct,KEN,2020,29.5\n"), load.Options{})
	before := fingerprint(t, st)
	noise := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	cases := []struct {
		name, content string
		refused       bool
		contains      string
	}{
		{"too many rejects", "indicator,economy,year,value\ninternet_use_pct,KEN,2021,30\ninternet_use_pct,KEN,2022,x\ninternet_use_pct,KEN,2023,y\n", true, "too many rejected rows: 2 of 3 rows"},
		{"unclosed quote", "indicator,economy,year,value\ninternet_use_pct,KEN,2021,30\ninternet_use_pct,\"KEN,2022,31\n", true, "line 3"},
		{"header without value", "indicator,economy,year\ninternet_use_pct,KEN,2021\n", true, "cannot tell the format"},
		{"long without indicator", "economy,year,value\nKEN,2021,3\n", true, "without indicator column"},
		{"empty file", "", true, "empty"},
		{"binary noise", string(noise), true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := load.File(context.Background(), st, writeFile(t, "f.csv", c.content), load.Options{})
			if err == nil {
				t.Fatal("loaded")
			}
			if load.IsRefused(err) != c.refused {
				t.Errorf("IsRefused = %v for %v", !c.refused, err)
			}
			if !strings.Contains(err.Error(), c.contains) {
				t.Errorf("error %q does not say %q", err, c.contains)
			}
			if after := fingerprint(t, st); after != before {
				t.Errorf("the store changed:\n%s\n%s", before, after)
			}
		})
	}
	_, err := load.File(context.Background(), st, filepath.Join(t.TempDir(), "missing.csv"), load.Options{})
	if err == nil || load.IsRefused(err) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

// TestSameContentLoadsOnce: loading the same content again changes nothing, under any name,
// unless it is given as another edition.
func TestSameContentLoadsOnce(t *testing.T) {
	st := newStore(t)
	content := "indicator,economy,year,value\ninternet_use_pct,KEN,2020,29.5\ninternet_use_pct,KEN,2021,33\n"
	first := mustLoad(t, st, writeFile(t, "a.csv", content), load.Options{Edition: edition("2025-07")})
	before := fingerprint(t, st)
	for _, opts := range []load.Options{{Edition: edition("2025-07")}, {}} {
		o := mustLoad(t, st, writeFile(t, "b.csv", content), opts)
		if !o.Skipped || o.Batch != first.Batch {
			t.Errorf("second load: skipped %v, batch %d; want skipped, batch %d", o.Skipped, o.Batch, first.Batch)
		}
	}
	if after := fingerprint(t, st); after != before {
		t.Error("the store changed")
	}
	o := mustLoad(t, st, writeFile(t, "c.csv", content), load.Options{Edition: edition("2026-01")})
	if o.Skipped || o.RowsLoaded != 2 {
		t.Errorf("as a new edition: skipped %v, loaded %d", o.Skipped, o.RowsLoaded)
	}
}

// TestEditions: a newer edition becomes the default and keeps the older queryable; an older
// edition loaded later does not displace it; within an edition, equal rows are unchanged and
// differing ones are rejected.
func TestEditions(t *testing.T) {
	st := newStore(t)
	file := func(v2020, v2021 string) string {
		return writeFile(t, "e.csv", fmt.Sprintf("indicator,economy,year,value\ninternet_use_pct,KEN,2020,%s\ninternet_use_pct,KEN,2021,%s\n", v2020, v2021))
	}
	mustLoad(t, st, file("10", "11"), load.Options{Edition: edition("2024-07")})
	mustLoad(t, st, file("12", "13"), load.Options{Edition: edition("2025-07")})
	mustLoad(t, st, file("8", "9"), load.Options{Edition: edition("2023-07")})
	var def, all string
	st.DB().QueryRow(`SELECT string_agg(year || '=' || value || ' ' || edition, ', ' ORDER BY year) FROM observations`).Scan(&def)
	st.DB().QueryRow(`SELECT string_agg(edition || ':' || value, ', ' ORDER BY edition, year) FROM observations_all_editions`).Scan(&all)
	if def != "2020=12.0 2025-07, 2021=13.0 2025-07" {
		t.Errorf("default: %s", def)
	}
	if all != "2023-07:8.0, 2023-07:9.0, 2024-07:10.0, 2024-07:11.0, 2025-07:12.0, 2025-07:13.0" {
		t.Errorf("all editions: %s", all)
	}
	o := mustLoad(t, st, file("12", "14"), load.Options{Edition: edition("2025-07"), MaxRejectRate: 1})
	if o.RowsUnchanged != 1 || o.RowsRejected != 1 || o.RowsLoaded != 0 {
		t.Errorf("unchanged %d rejected %d loaded %d, want 1, 1, 0", o.RowsUnchanged, o.RowsRejected, o.RowsLoaded)
	}
	got := rejectsOf(t, st, o.Batch)
	want := "3|value|14|conflicts with the value 13 stored for edition 2025-07 by batch 2 (line 3); load a revision as a new edition"
	if len(got) != 1 || got[0] != want {
		t.Errorf("rejects %v, want %s", got, want)
	}
	labelsAgree(t, st)
}

// labelsAgree checks that the series labels the loads kept are those the series have.
func labelsAgree(t *testing.T, st *store.Store) {
	t.Helper()
	var extra, missing int
	st.DB().QueryRow(`SELECT (SELECT count(*) FROM (SELECT * FROM store.series_labels EXCEPT SELECT * FROM store.series_labels_source)),
		(SELECT count(*) FROM (SELECT * FROM store.series_labels_source EXCEPT SELECT * FROM store.series_labels))`).Scan(&extra, &missing)
	if extra != 0 || missing != 0 {
		t.Errorf("series labels: %d stale, %d missing", extra, missing)
	}
}

// TestCancelledLoadLeavesTheStoreAsItWas stops a load midway, as Ctrl-C does.
func TestCancelledLoadLeavesTheStoreAsItWas(t *testing.T) {
	st := newStore(t)
	path, _ := synthFile(t, 300_000, 0)
	before := fingerprint(t, st)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	progressed := false
	_, err := load.File(ctx, st, path, load.Options{Progress: func(done, total int64) {
		if !progressed && done > 0 {
			progressed = true
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if after := fingerprint(t, st); after != before {
		t.Errorf("the store changed:\n%s\n%s", before, after)
	}
}

// synthFile writes a generated long file of the default economies and indicators.
func synthFile(t *testing.T, rows int64, badRate float64) (string, synth.Stats) {
	t.Helper()
	opts, err := datasets.SynthOptions()
	if err != nil {
		t.Fatal(err)
	}
	opts.Rows, opts.BadRate, opts.Seed = rows, badRate, 7
	path := filepath.Join(t.TempDir(), "synth.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := synth.Write(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, stats
}

// TestGeneratedFile loads a generated file whose bad rows are known and checks that exactly
// those are rejected, that every Arrow buffer is released, and that the load is deterministic.
func TestGeneratedFile(t *testing.T) {
	path, stats := synthFile(t, 200_000, 0.01)
	var results []string
	for run := 0; run < 2; run++ {
		st := newStore(t)
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		var reports []int64
		o := mustLoad(t, st, path, load.Options{Allocator: mem, Workers: 3, Progress: func(done, total int64) {
			reports = append(reports, done, total)
		}})
		mem.AssertSize(t, 0)
		checkProgress(t, path, reports)
		if o.RowsRead != stats.Rows || o.RowsRejected != stats.Rejects || o.RowsLoaded != stats.Rows-stats.Rejects {
			t.Errorf("read %d rejected %d loaded %d; the generator wrote %d rows, %d bad",
				o.RowsRead, o.RowsRejected, o.RowsLoaded, stats.Rows, stats.Rejects)
		}
		// Timestamps of the batch, the edition and the schema differ between runs; nothing else may.
		results = append(results, fingerprint(t, st, "batches", "editions", "schema_migrations"))
	}
	if results[0] != results[1] {
		t.Errorf("two loads of the same file differ:\n%s\n%s", results[0], results[1])
	}
}

// TestSourceAggregates: aggregates a source declares are kept apart from economies, under a
// known group where the code says which, else as a new group of the source.
func TestSourceAggregates(t *testing.T) {
	st := newStore(t)
	path := writeFile(t, "owid.csv", strings.Join([]string{
		"Entity,Code,Year,Individuals using the Internet (% of population)",
		"Kenya,KEN,2020,29.5",
		"World,OWID_WRL,2020,59.3",
		"Africa,,2020,31.2",
		"",
	}, "\n"))
	o := mustLoad(t, st, path, load.Options{})
	if o.RowsLoaded != 3 {
		t.Fatalf("loaded %d rows, want 3", o.RowsLoaded)
	}
	var econ, aggs string
	st.DB().QueryRow(`SELECT string_agg(economy || '=' || value, ', ') FROM observations`).Scan(&econ)
	st.DB().QueryRow(`SELECT string_agg(group_code || ' (' || group_name || ')=' || value, ', ' ORDER BY group_code) FROM published_aggregates`).Scan(&aggs)
	if econ != "KEN=29.5" || aggs != "WLD (World)=59.3, owid:Africa (Africa)=31.2" {
		t.Errorf("economies %q, aggregates %q", econ, aggs)
	}
	// A second file reuses the group it created.
	mustLoad(t, st, writeFile(t, "owid2.csv", "Entity,Code,Year,Individuals using the Internet (% of population)\nAfrica,,2021,33.0\n"), load.Options{})
	var groups int
	st.DB().QueryRow(`SELECT count(*) FROM groups WHERE group_code = 'owid:Africa'`).Scan(&groups)
	if groups != 1 {
		t.Errorf("%d groups owid:Africa", groups)
	}
	labelsAgree(t, st)
}

// TestWideWorldBankExport loads the layout of a World Bank DataBank download.
func TestWideWorldBankExport(t *testing.T) {
	st := newStore(t)
	path := writeFile(t, "databank.csv", strings.Join([]string{
		`Series Name,Series Code,Country Name,Country Code,2022 [YR2022],2023 [YR2023],2024 [YR2024]`,
		`Individuals using the Internet (% of population),IT.NET.USER.ZS,Kenya,KEN,33.9,35,..`,
		`"Mobile cellular subscriptions (per 100 people)",IT.CEL.SETS.P2,Kenya,KEN,124.1,..,..`,
		"",
	}, "\n"))
	o := mustLoad(t, st, path, load.Options{Read: ingest.Options{}})
	if o.Format != "wide" || o.RowsLoaded != 3 {
		t.Fatalf("format %s, loaded %d", o.Format, o.RowsLoaded)
	}
	var got string
	st.DB().QueryRow(`SELECT string_agg(indicator || ' ' || year || '=' || value, ', ' ORDER BY indicator, year) FROM observations`).Scan(&got)
	if got != "internet_use_pct 2022=33.9, internet_use_pct 2023=35.0, mobile_cellular_per100 2022=124.1" {
		t.Errorf("observations: %s", got)
	}
}

// TestRejectedRowsLeaveNoTrace: what only rejected rows carry (an unknown code, a source text, a
// note, an age group) does not reach the store, so a later load still rejects the same rows.
func TestRejectedRowsLeaveNoTrace(t *testing.T) {
	st := newStore(t)
	content := strings.Join([]string{
		"indicator,economy,year,age,value,source,note",
		"internet_use_pct,KEN,2020,total,29.5,NSO,",
		"internet_use_pct,ZZZ,2020,total,30,only on a rejected row,",
		"internet_use_pct,KEN,2021,25-34,abc,,a note on a rejected row",
		"",
	}, "\n")
	path := writeFile(t, "r.csv", content)
	for i, ed := range []string{"2024-01", "2025-01"} {
		o := mustLoad(t, st, path, load.Options{Edition: edition(ed), MaxRejectRate: 1})
		if o.RowsLoaded != 1 || o.RowsRejected != 2 {
			t.Errorf("load %d: loaded %d, rejected %d; want 1 and 2", i+1, o.RowsLoaded, o.RowsRejected)
		}
	}
	var sources, notes, ages, groups int
	st.DB().QueryRow(`SELECT count(*) FROM store.sources WHERE name <> 'NSO'`).Scan(&sources)
	st.DB().QueryRow(`SELECT count(*) FROM store.notes`).Scan(&notes)
	st.DB().QueryRow(`SELECT count(*) FROM store.codes WHERE dimension = 'age' AND code <> 'total'`).Scan(&ages)
	st.DB().QueryRow(`SELECT count(*) FROM store.groups WHERE kind = 'source' AND defined_by LIKE '%r.csv'`).Scan(&groups)
	if sources+notes+ages+groups != 0 {
		t.Errorf("rejected rows left %d sources, %d notes, %d age groups, %d groups", sources, notes, ages, groups)
	}
}

// checkProgress checks progress reports (done, total pairs): done rises, stays within the file,
// and reaches its size at the end; total is the file's size.
func checkProgress(t *testing.T, path string, reports []int64) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) < 4 {
		t.Fatalf("%d progress reports, want several", len(reports)/2)
	}
	prev := int64(0)
	for i := 0; i < len(reports); i += 2 {
		done, total := reports[i], reports[i+1]
		if total != info.Size() || done < prev || done > total {
			t.Fatalf("report %d: %d of %d after %d; the file has %d bytes", i/2, done, total, prev, info.Size())
		}
		prev = done
	}
	if reports[0] >= info.Size() || prev != info.Size() {
		t.Errorf("progress went from %d to %d of %d bytes", reports[0], prev, info.Size())
	}
}
