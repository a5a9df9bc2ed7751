package query_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/query"
)

// formulas holds text a spreadsheet would run as a formula, beside numbers and text it would not.
const formulas = `SELECT * FROM (VALUES
	('=cmd|'' /C calc''!A0', -0.5::DOUBLE, -12, '-12', 'KEN'),
	('+SUM(A1:A2)', 1e-3::DOUBLE, 0, '+3.5e2', '-'),
	('@SUM(1,2)', -1e300::DOUBLE, -1, '-1+2', ''),
	(chr(9) || '=1+1', NULL, NULL, chr(13) || 'x', NULL),
	('-A1*2', 2.5::DOUBLE, 7, 'a=b', 'Côte d''Ivoire')
) AS t("=HYPERLINK(""x"")", "value", "n", "code", "name")`

// TestCSVFormulas: the CSV writer escapes values a spreadsheet would take for a formula with a
// leading single quote, numbers and other text as they are; CSVRaw writes everything as it is.
func TestCSVFormulas(t *testing.T) {
	c := conn(t)
	var buf bytes.Buffer
	if _, err := query.Run(context.Background(), c, query.Query{SQL: formulas}, "csv", &buf); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{`'=HYPERLINK("x")`, "value", "n", "code", "name"},
		{"'=cmd|' /C calc'!A0", "-0.5", "-12", "-12", "KEN"},
		{"'+SUM(A1:A2)", "0.001", "0", "+3.5e2", "'-"},
		{"'@SUM(1,2)", "-1e+300", "-1", "'-1+2", ""},
		{"'\t=1+1", "", "", "'\rx", ""},
		{"'-A1*2", "2.5", "7", "a=b", "Côte d'Ivoire"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d records:\n%s", len(got), buf.String())
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d: %q, want %q", i, got[i], want[i])
		}
	}

	// Raw, for machine readers: the values as they are.
	buf.Reset()
	raw := func(w io.Writer) query.Writer {
		rw, err := query.NewWriterWith("csv", w, query.WriterOptions{CSVRaw: true})
		if err != nil {
			t.Fatal(err)
		}
		return rw
	}
	if _, err := query.RunWith(context.Background(), c, query.Query{SQL: formulas}, raw, &buf); err != nil {
		t.Fatal(err)
	}
	got, _ = csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if len(got) != 6 || got[0][0] != `=HYPERLINK("x")` || got[1][0] != "=cmd|' /C calc'!A0" || got[3][3] != "-1+2" || got[4][0] != "\t=1+1" {
		t.Errorf("raw CSV:\n%s", buf.String())
	}
}

func TestEscapeFormula(t *testing.T) {
	for in, want := range map[string]string{
		"":           "",
		"=1+1":       "'=1+1",
		"+1":         "+1",
		"-0.5":       "-0.5",
		"-12":        "-12",
		"-.5e-3":     "-.5e-3",
		"- 12":       "'- 12",
		"-inf":       "'-inf",
		"-0x10":      "'-0x10",
		"--1":        "'--1",
		"@A1":        "'@A1",
		"\tx":        "'\tx",
		"\rx":        "'\rx",
		"'=x":        "'=x",
		"x=1":        "x=1",
		" =1":        " =1",
		"12":         "12",
		"2024-06-30": "2024-06-30",
	} {
		if got := query.EscapeFormula(in); got != want {
			t.Errorf("EscapeFormula(%q) = %q, want %q", in, got, want)
		}
	}
}
