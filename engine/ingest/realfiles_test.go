package ingest

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"strings"
	"testing"
)

// realFile is a file of the default dataset with what reading it must give.
type realFile struct {
	name   string
	opts   Options
	format string
	// expect is the row a data record, as encoding/csv splits it, must give; false for none.
	expect func(rec []string) (obs, bool)
	// spot are rows worked out by hand from the file, found by their line.
	spot []obs
}

const (
	mexicoRegulator = "Instituto Federal de Telecomunicaciones de México"
	fbb             = "i4213tfbb"
)

var realFiles = []realFile{
	{
		name:   "itu_datahub_fixed_broadband_subs.csv",
		format: "itu-datahub",
		expect: func(r []string) (obs, bool) {
			o := obs{Indicator: r[1], Economy: r[6], Value: r[8], Year: r[9], Note: r[10], Source: r[11]}
			if strings.Contains(strings.ToLower(r[11]), "estimate") {
				o.Flag = "E"
			}
			return o, true
		},
		spot: []obs{
			{Line: 2, Indicator: fbb, Economy: "ABW", Value: "1399", Year: "2003"},
			{Line: 8, Indicator: fbb, Economy: "ABW", Value: "18800", Year: "2009", Source: "ITU estimate.", Flag: "E"},
			{Line: 35, Indicator: fbb, Economy: "AFG", Value: "33200", Year: "2023", Note: "data usage increases the new subsribers",
				Source: "Afghanistan Telecommunication Regulatory Authority."},
			// A source quoted over three lines, with the CRLF line breaks kept as written.
			{Line: 2362, Indicator: fbb, Economy: "MEX", Value: "1.15661e+007", Year: "2011",
				Source: mexicoRegulator + "\r\n" + mexicoRegulator + "\r\n" + mexicoRegulator},
			{Line: 2365, Indicator: fbb, Economy: "MEX", Value: "1.30773e+007", Year: "2012", Source: mexicoRegulator},
			// The last record, with no newline after it.
			{Line: 8848, Indicator: "i992b", Economy: "CUW", Value: "31.5127", Year: "2023"},
		},
	},
	{
		name:   "wdi_itu_internet_users_pct.csv",
		format: "ddf",
		expect: func(r []string) (obs, bool) {
			return obs{Indicator: "internet_users", Economy: r[0], Year: r[1], Value: r[2]}, r[2] != ""
		},
		spot: []obs{
			{Line: 2, Indicator: "internet_users", Economy: "abw", Year: "1990", Value: "0"},
			{Line: 3000, Indicator: "internet_users", Economy: "kir", Year: "2006", Value: "4.5"},
			{Line: 6026, Indicator: "internet_users", Economy: "zwe", Year: "2023", Value: "38.4266"},
		},
	},
	{
		// CRLF line endings throughout.
		name:   "wdi_population_total_sp_pop_totl.csv",
		opts:   Options{Format: "long", Constants: map[string]string{"indicator": "SP.POP.TOTL"}},
		format: "long",
		expect: func(r []string) (obs, bool) {
			return obs{Indicator: "SP.POP.TOTL", Economy: r[1], Year: r[2], Value: r[3]}, true
		},
		spot: []obs{
			{Line: 2, Indicator: "SP.POP.TOTL", Economy: "ABW", Year: "1960", Value: "54922"},
			{Line: 7802, Indicator: "SP.POP.TOTL", Economy: "KEN", Year: "1960", Value: "7695307"},
			{Line: 7866, Indicator: "SP.POP.TOTL", Economy: "KEN", Year: "2024", Value: "56432944"},
			{Line: 17196, Indicator: "SP.POP.TOTL", Economy: "ZWE", Year: "2024", Value: "16634373"},
		},
	},
	{
		name:   "sdg_4_4_1_ict_skills.csv",
		format: "ddf",
		expect: func(r []string) (obs, bool) {
			return obs{Indicator: "se_adt_acts|type_of_skill=" + r[5], Economy: r[1], Year: r[7], Value: r[8],
				Age: r[0], Area: r[2], Flag: r[3], Sex: r[4], Unit: r[6]}, r[8] != ""
		},
		spot: []obs{
			{Line: 2, Indicator: "se_adt_acts|type_of_skill=copa", Economy: "8", Year: "2019", Value: "32.14765",
				Age: "15_24", Area: "allarea", Flag: "c", Sex: "bothsex", Unit: "percent"},
			{Line: 29664, Indicator: "se_adt_acts|type_of_skill=traf", Economy: "860", Year: "2021", Value: "4.77574",
				Age: "lt15y", Area: "allarea", Flag: "c", Sex: "male", Unit: "percent"},
		},
	},
}

// csvExpectations reads a file with encoding/csv and returns the rows its data records must
// give, with the line each record starts on.
func csvExpectations(t *testing.T, path string, expect func([]string) (obs, bool)) []obs {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))))
	if _, err := r.Read(); err != nil {
		t.Fatal(err)
	}
	var want []obs
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return want
		}
		if err != nil {
			t.Fatal(err)
		}
		if o, ok := expect(rec); ok {
			line, _ := r.FieldPos(0)
			o.Line = int32(line)
			want = append(want, o)
		}
	}
}

// foldCRLF turns CRLF in every text of o into LF, as encoding/csv does inside quoted fields.
func foldCRLF(o obs) obs {
	for _, p := range []*string{&o.Indicator, &o.Economy, &o.Aggregate, &o.Year, &o.Sex, &o.Area, &o.Age,
		&o.Value, &o.Unit, &o.Flag, &o.Source, &o.Note} {
		*p = strings.ReplaceAll(*p, "\r\n", "\n")
	}
	return o
}

func TestRealFiles(t *testing.T) {
	for _, rf := range realFiles {
		t.Run(rf.name, func(t *testing.T) {
			path := datasetPath(rf.name)
			src, d := decodeFile(t, path, rf.opts)
			if src.Format != rf.format {
				t.Errorf("format %q, want %q", src.Format, rf.format)
			}
			checkRejects(t, d.rejects, nil)

			want := csvExpectations(t, path, rf.expect)
			if len(d.rows) != len(want) {
				t.Errorf("%d rows, but encoding/csv finds %d data records with a value", len(d.rows), len(want))
			}
			for i := range min(len(d.rows), len(want)) {
				if got := foldCRLF(d.rows[i]); got != want[i] {
					t.Fatalf("row %d:\n got  %#v\n want %#v (from encoding/csv)", i, got, want[i])
				}
			}

			byLine := map[int32]obs{}
			for _, r := range d.rows {
				byLine[r.Line] = r
			}
			for _, w := range rf.spot {
				if got, ok := byLine[w.Line]; !ok || got != w {
					t.Errorf("line %d:\n got  %#v\n want %#v", w.Line, got, w)
				}
			}

			checkSHA256(t, src, path)
			if done, total := src.Progress(); done != total {
				t.Errorf("progress %d of %d bytes after the last chunk", done, total)
			}
		})
	}
}

func TestSHA256IsKnownOnlyAtTheEnd(t *testing.T) {
	src := openSource(t, datasetPath("wdi_itu_internet_users_pct.csv"), Options{})
	if sum, ok := src.SHA256(); ok || sum != "" {
		t.Errorf("SHA256() = %q, %v before reading", sum, ok)
	}
	decodeNext(t, src)
	if _, ok := src.SHA256(); ok {
		t.Error("SHA256 known before Next returned io.EOF")
	}
	if _, err := src.Next(); err != io.EOF {
		t.Fatalf("second Next: %v, want io.EOF for a file of one chunk", err)
	}
	if _, ok := src.SHA256(); !ok {
		t.Error("SHA256 unknown after io.EOF")
	}
}
