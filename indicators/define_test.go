package indicators

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/ingest"
	"github.com/ictstat/ictstat/engine/validate"
)

func TestReadDefinitions(t *testing.T) {
	text := "\uFEFFindicator,name,unit,unit_kind,polarity,aggregation,min_value,max_value,weight,wdi_code,itu_code,defined_by\r\n" +
		"ict_gva_pct, ICT sector share of GVA ,% of GVA,percent,neutral,median,,,,ICT.GVA.ZS; ict.gva.alt ,,user\r\n" +
		"egov,E-government index,index,index,higher,weighted_mean,0,1,population,,EGDI,\r\n"
	defs, err := ReadDefinitions("mine.csv", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) != 2 {
		t.Fatalf("%d definitions", len(defs))
	}
	d := defs[0]
	if d.Code != "ict_gva_pct" || d.Name != "ICT sector share of GVA" || d.Min != 0 || d.Max != 100 || d.Line != 2 {
		t.Errorf("first: %+v (a percentage's empty bounds are 0 and 100, fields are trimmed)", d)
	}
	if got := fmt.Sprint(d.Codes); got != "[{ict_gva_pct wdi ICT.GVA.ZS} {ict_gva_pct wdi ict.gva.alt}]" {
		t.Errorf("codes %s", got)
	}
	if e := defs[1]; e.Weight != "population" || e.Max != 1 || len(e.Codes) != 1 || e.Codes[0].Scheme != "itu" || e.Line != 3 {
		t.Errorf("second: %+v", e)
	}
	if s := d.Store(); s.Code != "ict_gva_pct" || len(s.Codes) != 2 || s.Codes[1].Target != "ict_gva_pct" || s.Max != 100 {
		t.Errorf("as the store takes it: %+v", s)
	}
}

// TestReadDefinitionsErrors: every error of a file is listed, with its file, line, column, value
// and reason; the lines without errors are returned beside them, and only they.
func TestReadDefinitionsErrors(t *testing.T) {
	header := "code,name,unit,unit_kind,polarity,aggregation,min,max,weight,sdg_indicator,wdi_code\n"
	text := header +
		"good_one,Good,%,percent,higher,median,,,,,GOOD.1\n" + // 2
		"bad code,Bad,%,percent,higher,median,,,,,\n" + // 3
		"b,,%,percentage,up,sum,0,zero,,17.8,\n" + // 4
		"c,C,count,count,higher,weighted_mean,5,1,,,\n" + // 5
		"d,D,%,percent,higher,median,-1,101,households,,\n" + // 6
		"e,E,x,ratio,lower,sum,,,,,good.1\n" + // 7
		"GOOD_ONE,F,%,percent,higher,median,,,,,\n" + // 8
		"g,G,%,percent,higher,median\n" + // 9
		"h,H,x,count,neutral,sum,0,Inf,,,two words\n" // 10
	defs, err := ReadDefinitions("mine.csv", strings.NewReader(text))
	var fe FieldErrors
	if !errors.As(err, &fe) || !errors.Is(err, ErrDefinitions) {
		t.Fatalf("got %v, want FieldErrors", err)
	}
	if len(defs) != 1 || defs[0].Code != "good_one" {
		t.Errorf("definitions beside the errors: %+v, want good_one alone", defs)
	}
	want := []string{
		`mine.csv, line 3, column code, value "bad code": a code is a letter followed by letters, digits, _, . or -`,
		`mine.csv, line 4, column name, value "": an indicator needs a name`,
		`mine.csv, line 4, column unit_kind, value "percentage": not one of percent, per100`,
		`mine.csv, line 4, column polarity, value "up": not one of higher, lower, neutral`,
		`mine.csv, line 4, column max, value "zero": not a number; leave it empty for no bound`,
		`mine.csv, line 4, column sdg_indicator, value "17.8": an SDG indicator is written goal.target.number`,
		`mine.csv, line 5, column weight, value "": a weighted_mean needs a weight: population or households`,
		`mine.csv, line 5, column min, value "5": the minimum is above the maximum 1`,
		`mine.csv, line 6, column weight, value "households": only a weighted_mean takes a weight`,
		`mine.csv, line 6, column min, value "-1": a percentage lies between 0 and 100`,
		`mine.csv, line 7, column aggregation, value "sum": a sum of ratio values means nothing`,
		`mine.csv, line 7, column wdi_code, value "good.1": the code is also given on line 2; codes match in any case`,
		`mine.csv, line 8, column code, value "GOOD_ONE": the code is also given on line 2`,
		`mine.csv, line 9, value "g,G,%,percent,higher,median": 6 fields where the header has 11`,
		`mine.csv, line 10, column max, value "Inf": not a number`,
		`mine.csv, line 10, column wdi_code, value "two words": a code has no spaces or commas`,
	}
	var got []string
	for _, e := range fe {
		got = append(got, e.Error())
	}
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("missing error %s", want[i])
		case i >= len(want):
			t.Errorf("unexpected error %s", got[i])
		case !strings.HasPrefix(got[i], want[i]):
			t.Errorf("error %d:\n  %s\nwant\n  %s…", i, got[i], want[i])
		}
	}
	// The percentage's max 101 is not reported beside its min: one error of the range is enough.
	for _, file := range []struct{ name, text, want string }{
		{"empty", "", "mine.csv: the file is empty"},
		{"header only", header, "mine.csv: no definitions under the header"},
		{"unknown column", "code,name,unit,unit_kind,polarity,aggregation,status\n", `mine.csv, line 1, column status, value "status": unknown column`},
		{"missing column", "code,name,unit,unit_kind,polarity\n", `mine.csv, line 1, column aggregation, value "": the column is missing`},
		{"twice", "code,name,unit,unit_kind,polarity,aggregation,name\n", `mine.csv, line 1, column name, value "name": the column is given twice`},
		{"bad quote", header + "a,\"b,c\n", "mine.csv, line 2: not CSV"},
		{"control character", header + "a,\"A\tB\",%,percent,higher,median,,,,,\n", `column name, value "A\tB": holds a control character`},
	} {
		_, err := ReadDefinitions("mine.csv", strings.NewReader(file.text))
		if err == nil || !strings.Contains(err.Error(), file.want) {
			t.Errorf("%s: %v, want %q", file.name, err, file.want)
		}
	}
}

// TestCatalogueReadsAsDefinitions: ictstat's own catalogue, written as a definitions file with
// its codes, reads back the same, so that the rules of users' indicators are the catalogue's.
func TestCatalogueReadsAsDefinitions(t *testing.T) {
	inds, codes := Catalogue()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(append(append([]string{}, catalogueColumns...), "itu_code", "wdi_code", "sdg_series", "ddf_concept"))
	bound := func(x float64) string {
		if math.IsInf(x, 0) {
			return ""
		}
		return fmt.Sprint(x)
	}
	for _, ind := range inds {
		byScheme := map[string][]string{}
		for _, c := range codes {
			if c.Indicator == ind.Code {
				byScheme[c.Scheme] = append(byScheme[c.Scheme], c.Code)
			}
		}
		w.Write([]string{ind.Code, ind.Name, ind.Unit, ind.UnitKind, bound(ind.Min), bound(ind.Max), ind.Polarity, ind.Aggregation,
			ind.Weight, ind.Custodian, ind.SDGIndicator, ind.CoreCode, ind.Description, strings.Join(byScheme["itu"], ";"),
			strings.Join(byScheme["wdi"], ";"), strings.Join(byScheme["sdg"], ";"), strings.Join(byScheme["ddf"], ";")})
	}
	w.Flush()
	defs, err := ReadDefinitions("catalogue", &b)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, d := range defs {
		if d.Indicator != inds[i] {
			t.Errorf("%s reads back as %+v", inds[i].Code, d.Indicator)
		}
		n += len(d.Codes)
	}
	owid := 0
	for _, c := range codes {
		if c.Scheme == "owid" {
			owid++
		}
	}
	if n != len(codes)-owid {
		t.Errorf("%d codes read back, want %d", n, len(codes)-owid)
	}
}

// TestCoreCodesSayTheirList: a core-list code of ictstat's catalogue or of the example
// definitions is the current list's (B2) or carries the year of the list it comes from, and every
// example says whether its code and name are verified.
func TestCoreCodesSayTheirList(t *testing.T) {
	defs, err := ReadDefinitionsFile("../datasets/examples/indicators-core.csv")
	if err != nil {
		t.Fatal(err)
	}
	inds, _ := Catalogue()
	all := append([]Indicator{}, inds...)
	for _, d := range defs {
		all = append(all, d.Indicator)
		if !strings.Contains(d.Description, "Verified:") && !strings.HasPrefix(d.Description, "UNVERIFIED:") {
			t.Errorf("%s: the description does not say whether it is verified: %s", d.Code, d.Description)
		}
		if _, builtin := find(inds, d.Code); builtin {
			t.Errorf("%s is already in ictstat's catalogue", d.Code)
		}
	}
	withYear := regexp.MustCompile(`^[A-Z]+-?[0-9]+( \((2007|2010)\))?$`)
	for _, ind := range all {
		if ind.CoreCode != "" && !withYear.MatchString(ind.CoreCode) {
			t.Errorf("%s: core code %q", ind.Code, ind.CoreCode)
		}
		if c := ind.CoreCode; c != "" && c != "B2" && !strings.Contains(c, "(") {
			t.Errorf("%s: core code %q without its list's year, though only B2 of the 2022 list was verified", ind.Code, c)
		}
	}
	if len(defs) < 5 {
		t.Errorf("%d example definitions", len(defs))
	}
}

func find(inds []Indicator, code string) (Indicator, bool) {
	for _, i := range inds {
		if i.Code == code {
			return i, true
		}
	}
	return Indicator{}, false
}

func TestUnknownHint(t *testing.T) {
	rejects := []ingest.Reject{
		{Line: 2, Column: "indicator", Value: "egov", Reason: validate.UnknownIndicator},
		{Line: 3, Column: "economy", Value: "XXX", Reason: "unknown economy or group"},
		{Line: 4, Column: "indicator", Value: "egov", Reason: validate.UnknownIndicator},
	}
	if h := UnknownHint(rejects); !strings.HasPrefix(h, "egov is not in the catalogue: define new indicators first with 'ictstat indicator define FILE'") {
		t.Errorf("hint %q", h)
	}
	if h := UnknownHint(rejects[1:2]); h != "" {
		t.Errorf("hint without an unknown indicator: %q", h)
	}
}

func TestReadDefinitionsFileMissing(t *testing.T) {
	if _, err := ReadDefinitionsFile("no/such.csv"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%v", err)
	}
}
