package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestChart(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "kenya.png")
	r := ictstat(t, "--db", db, "chart", "trend", "--indicator", "internet_use_pct", "--economies", "KEN,UGA,TZA",
		"--from", "2005", "--to", "2024", "--target", "umc_2030:UMC.1", "--size", "1200x800px", "-o", out)
	if r.code != 0 || !strings.Contains(r.stdout, "wrote "+out) {
		t.Fatalf("chart trend: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 800 {
		t.Fatalf("the PNG: %v, %v", err, img.Bounds())
	}
	svg := filepath.Join(dir, "turkey.svg")
	if r := ictstat(t, "--db", db, "chart", "gap", "--indicator", "internet_use_pct", "--economies", "TUR", "-o", svg); r.code != 0 {
		t.Fatalf("chart gap: exit %d\n%s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(svg); !bytes.Contains(b, []byte(">Türkiye: Individuals using the Internet, women and men</text>")) {
		t.Errorf("the SVG has no title")
	}

	// Bad requests: exit 2, a message naming the problem, no file.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"trend", "--indicator", "internet_usage", "--economies", "KEN"}, `no indicator "internet_usage"; the closest are internet_use_pct`},
		{[]string{"trend", "--indicator", "internet_use_pct", "--economies", "KEN,Kenia"}, `no economy or group "Kenia" (an ISO3 code in any case, an M49 code or a name; groups by code such as WLD, LDC, ITU_AFR, HIC); the closest are KEN (Kenya)`},
		{[]string{"trend", "--indicator", "internet_use_pct", "--economies", "KEN,Sub-Saharan Africa"}, `"Sub-Saharan Africa" names M49_202 (Sub-Saharan Africa) and WB_SSF (Sub-Saharan Africa): give the code`},
		{[]string{"trend", "--indicator", "internet_use_pct", "--economies", "KEN", "--from", "1960", "--to", "1970"}, "no data on internet_use_pct for KEN, 1960–1970"},
		{[]string{"pie", "--indicator", "internet_use_pct"}, `unknown kind of chart "pie"`},
		{[]string{"trend", "--indicator", "internet_use_pct", "--economies", "KEN", "--size", "2x1cm"}, "charts are drawn from 5x3.5 cm"},
		{[]string{"small-multiples", "--indicator", "internet_use_pct", "--group", "WLD", "--size", "8x6cm"}, "do not fit"},
	} {
		file := filepath.Join(t.TempDir(), "bad.png")
		r := ictstat(t, append(append([]string{"--db", db, "chart"}, tc.args...), "-o", file)...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("chart %v: exit %d, want 2 with %q\n%s", tc.args, r.code, tc.want, r.stderr)
		}
		if _, err := os.Stat(file); err == nil {
			t.Errorf("chart %v wrote a file", tc.args)
		}
	}
	for _, args := range [][]string{{"trend", "--indicator", "internet_use_pct", "--economies", "KEN", "-o", filepath.Join(dir, "x.gif")}, {"trend"}} {
		if r := ictstat(t, append([]string{"--db", db, "chart"}, args...)...); r.code != 2 {
			t.Errorf("chart %v: exit %d, want 2", args, r.code)
		}
	}
	// A path that cannot be written: exit 1, the path named.
	blocker := writeFile(t, dir, "file", "not a directory")
	r = ictstat(t, "--db", db, "chart", "trend", "--indicator", "internet_use_pct", "--economies", "KEN", "-o", filepath.Join(blocker, "x.png"))
	if r.code != 1 || !strings.Contains(r.stderr, filepath.Join(blocker, "x.png")) {
		t.Errorf("unwritable path: exit %d\n%s", r.code, r.stderr)
	}
}

// TestChartSpec draws the example charts of the documentation from their spec file, and checks
// that a spec with one bad chart writes none of them, naming the chart's line.
func TestChartSpec(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := ictstat(t, "--db", db, "chart", "--spec", filepath.Join("..", "..", "docs", "charts", "charts.yaml"), "--out", dir)
	if r.code != 0 {
		t.Fatalf("chart --spec: exit %d\n%s", r.code, r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.*"))
	if len(files) != strings.Count(r.stdout, "wrote ") || len(files) < 10 {
		t.Errorf("%d files, output:\n%s", len(files), r.stdout)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	// The examples committed beside the spec are what it draws from the embedded data, byte for byte.
	for _, f := range files {
		drawn, _ := os.ReadFile(f)
		committed, err := os.ReadFile(filepath.Join("..", "..", "docs", "charts", filepath.Base(f)))
		if err != nil || !bytes.Equal(drawn, committed) {
			t.Errorf("docs/charts/%s is not what the spec draws (%v): redraw the examples with "+
				"'ictstat init && ictstat chart --spec docs/charts/charts.yaml --out docs/charts'", filepath.Base(f), err)
		}
	}

	out := filepath.Join(t.TempDir(), "out")
	spec := writeFile(t, t.TempDir(), "charts.yaml", `size: 16x10cm
charts:
  - file: a.png
    kind: trend
    indicator: internet_use_pct
    economies: [KEN]
  - file: b.svg
    kind: trend
    indicator: internet_use_pct
    economies: [XXX]
`)
	r = ictstat(t, "--db", db, "chart", "--spec", spec, "--out", out)
	if r.code != 2 || !strings.Contains(r.stderr, "charts.yaml, line 7") || !strings.Contains(r.stderr, `"XXX"`) {
		t.Errorf("a bad chart: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a spec with a bad chart wrote files")
	}
	for _, tc := range []struct{ spec, want string }{
		{"charts:\n  - file: a.png\n    kind: trend\n    colour: red\n", `line 4: unknown key "colour"`},
		{"charts:\n  - kind: trend\n", "line 2: a chart needs a file and a kind"},
		{"charts:\n  - file: a.png\n    kind: trend\n  - file: a.png\n    kind: gap\n", "file a.png is also written by the chart on line 2"},
		{"size: big\ncharts:\n  - file: a.png\n    kind: trend\n    indicator: internet_use_pct\n    economies: [KEN]\n", `size "big"`},
	} {
		spec := writeFile(t, t.TempDir(), "charts.yaml", tc.spec)
		if r := ictstat(t, "--db", db, "chart", "--spec", spec, "--out", out); r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("spec %q: exit %d, want 2 with %q\n%s", tc.spec, r.code, tc.want, r.stderr)
		}
	}
}
