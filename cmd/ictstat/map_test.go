package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestChartMap draws maps from the command line: PNG at the size asked, SVG with the legend's
// texts and the boundaries' disclaimer, PDF; a year without data is refused naming the years that
// have some, and writes nothing.
func TestChartMap(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "map.png")
	r := ictstat(t, "--db", db, "chart", "map", "--indicator", "internet_use_pct", "--year", "2023", "--size", "1600x1000px", "-o", out)
	if r.code != 0 || !strings.Contains(r.stdout, "wrote "+out) {
		t.Fatalf("chart map: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	data, _ := os.ReadFile(out)
	if img, err := png.Decode(bytes.NewReader(data)); err != nil || img.Bounds().Dx() != 1600 || img.Bounds().Dy() != 1000 {
		t.Fatalf("the PNG: %v", err)
	}
	svg := filepath.Join(dir, "africa.svg")
	r = ictstat(t, "--db", db, "chart", "map", "--indicator", "internet_use_pct", "--year", "2023", "--group", "ITU_AFR", "--classes", "fixed", "-o", svg)
	if r.code != 0 {
		t.Fatalf("chart map --group: exit %d\n%s", r.code, r.stderr)
	}
	b, _ := os.ReadFile(svg)
	for _, s := range []string{">Individuals using the Internet, 2023</text>", ">Africa (ITU region): ", ">0–20</text>", ">80–100</text>", ">No data</text>",
		">Not a member</text>", ">Fixed breaks, the same for every year</text>", ">Boundaries: Natural Earth."} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("the SVG lacks %q", s)
		}
	}
	pdf := filepath.Join(dir, "map.pdf")
	if r := ictstat(t, "--db", db, "chart", "map", "--indicator", "internet_use_pct", "-o", pdf); r.code != 0 {
		t.Fatalf("chart map -o map.pdf: exit %d\n%s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(pdf); !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Error("no PDF")
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--year", "1975"}, "no economy has a value of internet_use_pct in 1975; the years with values: 1990–2025"},
		{[]string{"--year", "2023", "--classes", "natural"}, `classes "natural": want quantile or fixed`},
		{[]string{"--year", "2023", "--economies", "KEN"}, "not --economies"},
	} {
		file := filepath.Join(t.TempDir(), "bad.png")
		r := ictstat(t, append(append([]string{"--db", db, "chart", "map", "--indicator", "internet_use_pct"}, tc.args...), "-o", file)...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("chart map %v: exit %d, want 2 with %q\n%s", tc.args, r.code, tc.want, r.stderr)
		}
		if _, err := os.Stat(file); err == nil {
			t.Errorf("chart map %v wrote a file", tc.args)
		}
	}
	if r := ictstat(t, "chart", "--help"); !strings.Contains(r.stdout, "map              a world map") || !strings.Contains(r.stdout, "--classes") {
		t.Errorf("chart --help does not describe maps:\n%s", r.stdout)
	}
}

// TestNotebookMap renders a notebook whose chart block is a map, to HTML (inline SVG) and to
// Markdown (a PNG beside it).
func TestNotebookMap(t *testing.T) {
	db, err := defaultDB()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	nb := writeFile(t, dir, "map.md", "---\ntitle: \"Internet use in {{group}}\"\nparams:\n  group: LDC\n---\n\n"+
		"```chart\nkind: map\nindicator: internet_use_pct\nyear: 2022\ngroup: {{group}}\n```\n")
	html := filepath.Join(dir, "map.html")
	if r := ictstat(t, "--db", db, "notebook", "render", nb, "-o", html); r.code != 0 {
		t.Fatalf("notebook render: exit %d\n%s", r.code, r.stderr)
	}
	b, _ := os.ReadFile(html)
	for _, s := range []string{"<svg", ">Individuals using the Internet, 2022</text>", ">Least developed countries: ", ">Quintiles of the 2022 values</text>"} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("the report lacks %q", s)
		}
	}
	md := filepath.Join(dir, "map-report.md")
	if r := ictstat(t, "--db", db, "notebook", "render", nb, "-p", "group=ITU_AFR", "-o", md); r.code != 0 {
		t.Fatalf("notebook render -o .md: exit %d\n%s", r.code, r.stderr)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "map-report_files", "*.png"))
	if len(pngs) != 1 {
		t.Errorf("figures beside the Markdown report: %v", pngs)
	}
}
