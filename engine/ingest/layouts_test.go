package ingest

import (
	"bytes"
	"os"
	"testing"
)

// headOf is the first n lines of a file of the default dataset, bytes as they are.
func headOf(t *testing.T, name string, n int) string {
	t.Helper()
	data, err := os.ReadFile(datasetPath(name))
	if err != nil {
		t.Fatal(err)
	}
	end := 0
	for range n {
		i := bytes.IndexByte(data[end:], '\n')
		if i < 0 {
			t.Fatalf("%s has fewer than %d lines", name, n)
		}
		end += i + 1
	}
	return string(data[:end])
}

// Header and first record of each CSV layout.
const (
	longFile      = "indicator,economy,year,value\nx,ABW,2000,1\n"
	sdmxFile      = "DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS\nITU:DF_ICT(1.0),KEN,i99H,2022,40.8,PT,A\n"
	dataBankFile  = "Country Name,Country Code,Series Name,Series Code,2005 [YR2005],2006 [YR2006],2007 [YR2007]\n"
	wideYRFile    = "economy,indicator,YR2019,YR2020\nABW,x,1,2\n"
	ddfFile       = "geo,time,internet_users\nabw,2005,25.4\n"
	sdgAPIHeader  = "Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,TimePeriod,Value,Time_Detail,Source,FootNote,Nature,Units,[Age],[Location],[Sex],[Type of skill],[Reporting Type]\n"
	owidFile      = "Entity,Code,Year,Internet users (% of population)\nAruba,ABW,2005,25.4\n"
	dataHubHeader = "\xEF\xBB\xBF\"seriesID\",\"seriesCode\",\"seriesName\",\"seriesParent\",\"seriesUnits\",\"entityID\",\"entityIso\",\"entityName\",\"dataValue\",\"dataYear\",\"dataNote\",\"dataSource\",\"seriesDescription\"\n"
)

func TestFormatDetection(t *testing.T) {
	tests := []struct {
		name, content   string
		opts            Options
		format          string
		indicatorScheme string
		economyScheme   string
		economyColumn   string
	}{
		{"long", longFile, Options{}, "long", "", "", "economy"},
		{"long with SDMX-CSV headers", sdmxFile, Options{}, "long", "", "", "REF_AREA"},
		{"long by column mapping", "Series,Land,Jahr,Wert\nx,ABW,2000,1\n",
			Options{Columns: map[string]string{"economy": "Land", "year": "Jahr", "value": "Wert"}}, "long", "", "", "Land"},
		{"wide DataBank", dataBankFile + "Aruba,ABW,Internet,IT.NET.USER.ZS,1,2,3\n", Options{}, "wide", "", "", "Country Code"},
		{"wide YR", wideYRFile, Options{}, "wide", "", "", "economy"},
		{"ITU DataHub", headOf(t, "itu_datahub_fixed_broadband_subs.csv", 3), Options{}, "itu-datahub", "itu", "itu", "entityIso"},
		{"DDF", headOf(t, "wdi_itu_internet_users_pct.csv", 3), Options{}, "ddf", "ddf", "ddf", "geo"},
		{"DDF copy of the SDG database", headOf(t, "sdg_4_4_1_ict_skills.csv", 3), Options{}, "ddf", "sdg", "m49", "geo_area"},
		{"SDG API", sdgAPIHeader + "4,4.4,4.4.1,SE_ADT_ACTS,d,404,Kenya,2019,3.4,2019,ITU,,E,PERCENT,15-24,ALLAREA,FEMALE,COPA,G\n",
			Options{}, "sdg", "sdg", "m49", "GeoAreaCode"},
		{"OWID", owidFile, Options{}, "owid", "owid", "owid", "Code"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, format := range []string{"", tc.format} {
				opts := tc.opts
				opts.Format = format
				src, d := decodeText(t, "f.csv", tc.content, opts)
				if src.Format != tc.format || src.IndicatorScheme != tc.indicatorScheme || src.EconomyScheme != tc.economyScheme {
					t.Errorf("format option %q: format %q, schemes %q and %q; want %q, %q and %q", format,
						src.Format, src.IndicatorScheme, src.EconomyScheme, tc.format, tc.indicatorScheme, tc.economyScheme)
				}
				checkColumnNames(t, src, map[int]string{ColEconomy: tc.economyColumn})
				if len(d.rows) == 0 || len(d.rejects) != 0 {
					t.Errorf("%d rows and rejects %v, want rows and no rejects", len(d.rows), d.rejects)
				}
			}
		})
	}
}

func TestFormatErrors(t *testing.T) {
	tests := []struct {
		name, content string
		opts          Options
		wants         []string
	}{
		{"header that matches no format", "foo,bar\n1,2\n", Options{},
			[]string{"line 1: cannot tell the format from the header \"foo,bar\"", "pass --format"}},
		{"unknown format", longFile, Options{Format: "json"}, []string{`unknown format "json"`, "itu-datahub"}},
		{"unknown column name in the mapping", longFile, Options{Columns: map[string]string{"country": "economy"}},
			[]string{"unknown column name country in the column mapping"}},
		{"unknown column name in the constants", longFile, Options{Constants: map[string]string{"colour": "red"}},
			[]string{"unknown column name colour"}},
		{"long: unknown column", "indicator,economy,year,value,colour\n", Options{},
			[]string{`long file with unknown column(s) "colour"`, "--ignore"}},
		{"long: required columns missing", "indicator,economy,value\n", Options{},
			[]string{"long file without year column(s)"}},
		{"long: several required columns missing", "economy,value\n", Options{Format: "long"},
			[]string{"long file without indicator, year column(s)"}},
		{"long: constant for a column the file has", longFile, Options{Constants: map[string]string{"economy": "KEN"}},
			[]string{"the file has a economy column, so a constant economy cannot be set"}},
		{"long: two headers for one column", "iso3,economy,indicator,year,value\n", Options{},
			[]string{`columns "iso3" and "economy" both map to economy`}},
		{"wide: no year columns", "economy,indicator\n", Options{Format: "wide"},
			[]string{"wide file without year columns"}},
		{"wide: no economy column", "indicator,2005\n", Options{}, []string{"wide file without economy column(s)"}},
		{"wide: unknown column", "economy,indicator,colour,2005\n", Options{}, []string{`wide file with unknown column(s) "colour"`}},
		{"wide: constant year", wideYRFile, Options{Constants: map[string]string{"year": "2000"}},
			[]string{"wide files fill the year column themselves"}},
		{"wide: constant value", wideYRFile, Options{Constants: map[string]string{"value": "1"}},
			[]string{"wide files fill the value column themselves"}},
		{"wide: a column mapped to the year", "economy,indicator,Time,2005\nABW,x,1999,1\n",
			Options{Columns: map[string]string{"year": "Time"}, Format: "wide"}, []string{"wide files fill the year column themselves"}},
		{"ITU DataHub: no dataYear", "seriesCode,entityIso,dataValue\n", Options{Format: "itu-datahub"},
			[]string{"ITU DataHub file without the dataYear column"}},
		{"ITU DataHub: constants", dataHubHeader, Options{Constants: map[string]string{"source": "ITU"}},
			[]string{"ITU DataHub files take no column mapping or constants"}},
		{"DDF: no value column", "geo,time\n", Options{Format: "ddf"}, []string{"DDF file without a value column"}},
		{"DDF: no time column", "geo,internet_users\n", Options{Format: "ddf"}, []string{"DDF file without year column(s)"}},
		{"DDF: constant value", ddfFile, Options{Constants: map[string]string{"value": "1"}},
			[]string{"DDF files fill the value column themselves"}},
		{"DDF: a column mapped to the value", "geo,time,v,internet_users\n",
			Options{Columns: map[string]string{"value": "v"}, Format: "ddf"}, []string{"DDF files fill the value column themselves"}},
		{"SDG: no SeriesCode", "GeoAreaCode,TimePeriod,Value\n", Options{Format: "sdg"}, []string{"SDG file without a SeriesCode column"}},
		{"SDG: no Value", "SeriesCode,GeoAreaCode,TimePeriod\n", Options{}, []string{"SDG file without a Value column"}},
		{"SDG: constant value", "SeriesCode,GeoAreaCode,TimePeriod,Value\n", Options{Constants: map[string]string{"value": "1"}},
			[]string{"SDG files fill the value column themselves"}},
		{"OWID: no Entity", "Code,Year,x\n", Options{Format: "owid"}, []string{"OWID file without an Entity column"}},
		{"OWID: no indicator column", "Entity,Code,Year\n", Options{}, []string{"OWID file without an indicator column"}},
		{"OWID: constant economy", owidFile, Options{Constants: map[string]string{"economy": "ABW"}},
			[]string{"OWID files fill the economy column themselves"}},
		{"OWID: constant aggregate", owidFile, Options{Constants: map[string]string{"aggregate": "World"}},
			[]string{"OWID files fill the aggregate column themselves"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			openFails(t, "bad.csv", tc.content, tc.opts, tc.wants...)
		})
	}
}

func TestLongLayout(t *testing.T) {
	content := "indicator,economy,Economy Name,year,value,sex,area,age,unit,flag,source,note\n" +
		"IT.NET.USER.ZS,ABW,Aruba,2005,25.4,F,urban,15-24,percent,E,ITU,\"revised, 2006\"\n" +
		"IT.NET.USER.ZS,KEN,Kenya,2006,,,,,,,,\n"
	src, d := decodeText(t, "long.csv", content, Options{})
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "IT.NET.USER.ZS", Economy: "ABW", Year: "2005", Value: "25.4", Sex: "F", Area: "urban", Age: "15-24",
			Unit: "percent", Flag: "E", Source: "ITU", Note: "revised, 2006"},
		{Line: 3, Indicator: "IT.NET.USER.ZS", Economy: "KEN", Year: "2006"},
	})
	// Empty fields of dictionary columns are null, and so is the aggregate column the file lacks.
	for _, col := range []int{ColSex, ColArea, ColAge, ColUnit, ColFlag, ColSource, ColNote} {
		if d.nulls[col] != 1 {
			t.Errorf("column %s has %d nulls, want 1", ColumnNames[col], d.nulls[col])
		}
	}
	if d.nulls[ColAggregate] != 2 {
		t.Errorf("aggregate column has %d nulls, want 2", d.nulls[ColAggregate])
	}
	checkColumnNames(t, src, map[int]string{ColIndicator: "indicator", ColNote: "note", ColAggregate: "aggregate"})
}

func TestLongLayoutSDMXHeaders(t *testing.T) {
	src, d := decodeText(t, "sdmx.csv", sdmxFile, Options{})
	checkRows(t, d.rows, []obs{{Line: 2, Indicator: "i99H", Economy: "KEN", Year: "2022", Value: "40.8", Unit: "PT", Flag: "A"}})
	checkColumnNames(t, src, map[int]string{ColIndicator: "INDICATOR", ColYear: "TIME_PERIOD", ColValue: "OBS_VALUE", ColFlag: "OBS_STATUS"})
}

func TestLongLayoutColumnsConstantsAndIgnore(t *testing.T) {
	tests := []struct {
		name, content string
		opts          Options
		want          []obs
	}{
		{"columns mapped by name", "Series,Land,Jahr,Wert\nx,ABW,2000,1\n",
			Options{Columns: map[string]string{"economy": "Land", "year": "Jahr", "value": "Wert"}},
			[]obs{{Line: 2, Indicator: "x", Economy: "ABW", Year: "2000", Value: "1"}}},
		{"a mapping overrides the usual meaning of a header", "indicator,economy,year,value,area\nx,ABW,2000,1,urban\n",
			Options{Columns: map[string]string{"note": "area"}},
			[]obs{{Line: 2, Indicator: "x", Economy: "ABW", Year: "2000", Value: "1", Note: "urban"}}},
		{"World Bank file with a constant indicator and source", "Country Name,Country Code,Year,Value\nAruba,ABW,1960,54922\nAruba,ABW,1961,55578\n",
			Options{Constants: map[string]string{"indicator": "SP.POP.TOTL", "source": "WDI"}},
			[]obs{{Line: 2, Indicator: "SP.POP.TOTL", Economy: "ABW", Year: "1960", Value: "54922", Source: "WDI"},
				{Line: 3, Indicator: "SP.POP.TOTL", Economy: "ABW", Year: "1961", Value: "55578", Source: "WDI"}}},
		{"ignored column", "indicator,economy,year,value,colour\nx,ABW,2000,1,red\n", Options{Ignore: []string{"Colour"}},
			[]obs{{Line: 2, Indicator: "x", Economy: "ABW", Year: "2000", Value: "1"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, d := decodeText(t, "long.csv", tc.content, tc.opts)
			if src.Format != "long" {
				t.Errorf("format %q", src.Format)
			}
			checkRows(t, d.rows, tc.want)
		})
	}
}

// TestWideLayoutDataBank reads a World Bank DataBank download as DataBank writes it: the lines
// under the data (blank lines, "Data from database: ...", "Last Updated: ...") are passed over,
// whether alone on their line or followed by the empty fields of the grid; other stray lines are
// still rejected.
func TestWideLayoutDataBank(t *testing.T) {
	content := dataBankFile +
		"Aruba,ABW,Internet users,IT.NET.USER.ZS,25.4,..,33.5\n" +
		"Kenya,KEN,Internet users,IT.NET.USER.ZS,..,..,..\n" +
		"\n" +
		"Data from database: World Development Indicators\n" +
		"Last Updated: 12/16/2025\n" +
		"Source: somewhere\n"
	src, d := decodeText(t, "databank.csv", content, Options{})
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "IT.NET.USER.ZS", Economy: "ABW", Year: "2005", Value: "25.4"},
		{Line: 2, Indicator: "IT.NET.USER.ZS", Economy: "ABW", Year: "2007", Value: "33.5"},
	})
	checkRejects(t, d.rejects, []Reject{
		{Line: 7, Value: "Source: somewhere", Reason: "expected 7 fields as in the header, found 1"},
	})
	checkColumnNames(t, src, map[int]string{ColValue: NamedByYear, ColIndicator: "Series Code"})

	// As downloaded: a byte-order mark, every field quoted, the footer padded to the grid's width
	// with CRLF line ends, and a footer word inside a data line that is not a footer.
	grid := "\uFEFF\"Country Name\",\"Country Code\",\"Series Name\",\"Series Code\",\"2023 [YR2023]\",\"2024 [YR2024]\"\r\n" +
		"\"Kenya\",\"KEN\",\"Individuals using the Internet (% of population)\",\"IT.NET.USER.ZS\",\"34.9\",\"..\"\r\n" +
		"\"Last Updated: 12/16/2025\",\"UGA\",\"Individuals using the Internet (% of population)\",\"IT.NET.USER.ZS\",\"27.7\",\"..\"\r\n" +
		",,,,,\r\n" +
		",,,,,\r\n" +
		"\"Data from database: World Development Indicators\",,,,,\r\n" +
		"\"Last Updated: 12/16/2025\",,,,,\r\n"
	_, d = decodeText(t, "Data_Extract_From_World_Development_Indicators_Data.csv", grid, Options{})
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "IT.NET.USER.ZS", Economy: "KEN", Year: "2023", Value: "34.9"},
		{Line: 3, Indicator: "IT.NET.USER.ZS", Economy: "UGA", Year: "2023", Value: "27.7"},
	})
	checkRejects(t, d.rejects, nil)
}

func TestWideLayoutYearHeaders(t *testing.T) {
	tests := []struct{ name, content string }{
		{"plain years", "economy,indicator,sex,2019,2020\nABW,x,F,1,N/A\nKEN,y,M,-,2\n"},
		{"YR years", "economy,indicator,sex,YR2019,YR2020\nABW,x,F,1,NA\nKEN,y,M,...,2\n"},
		{"DataBank years", "economy,indicator,sex,2019 [YR2019],2020 [YR2020]\nABW,x,F,1, .. \nKEN,y,M,n/a,2\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, d := decodeText(t, "wide.csv", tc.content, Options{})
			checkRows(t, d.rows, []obs{
				{Line: 2, Indicator: "x", Economy: "ABW", Sex: "F", Year: "2019", Value: "1"},
				{Line: 3, Indicator: "y", Economy: "KEN", Sex: "M", Year: "2020", Value: "2"},
			})
		})
	}
}

func TestWideLayoutConstantIndicator(t *testing.T) {
	_, d := decodeText(t, "wide.csv", "Country Code,2019,2020\nABW,1,2\n", Options{Constants: map[string]string{"indicator": "x"}})
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "x", Economy: "ABW", Year: "2019", Value: "1"},
		{Line: 2, Indicator: "x", Economy: "ABW", Year: "2020", Value: "2"},
	})
}

func TestDataHubLayoutOnTheFirstLinesOfARealFile(t *testing.T) {
	src, d := decodeText(t, "datahub.csv", headOf(t, "itu_datahub_fixed_broadband_subs.csv", 11), Options{})
	const aruba = "Directorate of Telecommunication Affairs Aruba."
	row := func(line int32, value, year, source string) obs {
		o := obs{Line: line, Indicator: "i4213tfbb", Economy: "ABW", Value: value, Year: year, Source: source}
		if source == "ITU estimate." {
			o.Flag = "E"
		}
		return o
	}
	checkRows(t, d.rows, []obs{
		row(2, "1399", "2003", ""), row(3, "6963", "2004", ""), row(4, "12274", "2005", ""), row(5, "13953", "2006", ""),
		row(6, "15996", "2007", aruba), row(7, "18396", "2008", aruba), row(8, "18800", "2009", "ITU estimate."),
		row(9, "19217", "2010", aruba), row(10, "19200", "2013", "ITU estimate."), row(11, "19200", "2014", "ITU estimate."),
	})
	if d.nulls[ColUnit] != 10 {
		t.Errorf("unit column has %d nulls, want all 10: seriesUnits is not read", d.nulls[ColUnit])
	}
	checkColumnNames(t, src, map[int]string{ColIndicator: "seriesCode", ColFlag: "dataSource", ColNote: "dataNote", ColUnit: "unit"})
}

func TestDataHubEstimateFlag(t *testing.T) {
	content := "seriesCode,entityIso,dataValue,dataYear,dataNote,dataSource,seriesUnits\n" +
		"i99H,KEN,40.8,2022,,Estimate based on survey data,%\n" +
		"i99H,KEN,41.0,2023,,ITU ESTIMATES,%\n" +
		"i99H,KEN,42.0,2024,a note,National regulator,%\n" +
		"i99H,KEN,43.0,2025,,estimat,%\n"
	_, d := decodeText(t, "datahub.csv", content, Options{})
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "i99H", Economy: "KEN", Value: "40.8", Year: "2022", Source: "Estimate based on survey data", Flag: "E"},
		{Line: 3, Indicator: "i99H", Economy: "KEN", Value: "41.0", Year: "2023", Source: "ITU ESTIMATES", Flag: "E"},
		{Line: 4, Indicator: "i99H", Economy: "KEN", Value: "42.0", Year: "2024", Source: "National regulator", Note: "a note"},
		{Line: 5, Indicator: "i99H", Economy: "KEN", Value: "43.0", Year: "2025", Source: "estimat"},
	})
}

func TestDDFLayoutSeveralValueColumns(t *testing.T) {
	content := "geo,time,internet_users,mobile_subs\n" +
		"abw,2005,25.4,\n" +
		"ken,2005,,40.1\n" +
		"ken,2006,3,50\n" +
		"ken,2007,,\n"
	src, d := decodeText(t, "ddf.csv", content, Options{Constants: map[string]string{"source": "WDI"}})
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "internet_users", Economy: "abw", Year: "2005", Value: "25.4", Source: "WDI"},
		{Line: 3, Indicator: "mobile_subs", Economy: "ken", Year: "2005", Value: "40.1", Source: "WDI"},
		{Line: 4, Indicator: "internet_users", Economy: "ken", Year: "2006", Value: "3", Source: "WDI"},
		{Line: 4, Indicator: "mobile_subs", Economy: "ken", Year: "2006", Value: "50", Source: "WDI"},
	})
	checkColumnNames(t, src, map[int]string{ColValue: "indicator columns", ColIndicator: "indicator"})
}

func TestDDFLayoutOneValueColumn(t *testing.T) {
	src, d := decodeText(t, "ddf.csv", headOf(t, "wdi_itu_internet_users_pct.csv", 3), Options{})
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "internet_users", Economy: "abw", Year: "1990", Value: "0"},
		{Line: 3, Indicator: "internet_users", Economy: "abw", Year: "1996", Value: "2.77"},
	})
	checkColumnNames(t, src, map[int]string{ColValue: "internet_users", ColIndicator: "internet_users (header)"})
}

func TestDDFLayoutOpenNumbersSDGFile(t *testing.T) {
	_, d := decodeText(t, "sdg.csv", headOf(t, "sdg_4_4_1_ict_skills.csv", 3), Options{})
	row := func(line int32, year, value string) obs {
		return obs{Line: line, Indicator: "se_adt_acts|type_of_skill=copa", Economy: "8", Year: year, Value: value,
			Sex: "bothsex", Area: "allarea", Age: "15_24", Unit: "percent", Flag: "c"}
	}
	checkRows(t, d.rows, []obs{row(2, "2019", "32.14765"), row(3, "2020", "41.77389")})
}

func TestSDGLayoutAPIFile(t *testing.T) {
	content := sdgAPIHeader +
		"4,4.4,4.4.1,SE_ADT_ACTS,\"Proportion of youth and adults with ICT skills, by sex and type of skill (%)\",404,Kenya,2019,3.4,2019,ITU,,E,PERCENT,15-24,ALLAREA,FEMALE,COPA,G\n" +
		"4,4.4,4.4.1,SE_ADT_ACTS,d,404,Kenya,2019,5.1,2019,ITU,a footnote,C,PERCENT,15-24,ALLAREA,MALE,EPRS,G\n" +
		"4,4.4,4.4.1,SE_ADT_ACTS,d,404,Kenya,2020,,2020,ITU,,NA,PERCENT,15-24,ALLAREA,MALE,EPRS,G\n"
	src, d := decodeText(t, "sdg.csv", content, Options{})
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: "SE_ADT_ACTS|type_of_skill=COPA", Economy: "404", Year: "2019", Value: "3.4", Age: "15-24",
			Area: "ALLAREA", Sex: "FEMALE", Flag: "E", Unit: "PERCENT", Source: "ITU"},
		{Line: 3, Indicator: "SE_ADT_ACTS|type_of_skill=EPRS", Economy: "404", Year: "2019", Value: "5.1", Age: "15-24",
			Area: "ALLAREA", Sex: "MALE", Flag: "C", Unit: "PERCENT", Source: "ITU", Note: "a footnote"},
	})
	checkColumnNames(t, src, map[int]string{ColIndicator: "SeriesCode", ColSex: "[Sex]", ColNote: "FootNote"})
}

func TestSDGLayoutWithoutQualifiers(t *testing.T) {
	content := "SeriesCode,GeoAreaCode,TimePeriod,Value,Sex\nIT_USE_ii99,1,2000,5.35,BOTHSEX\n"
	_, d := decodeText(t, "sdg.csv", content, Options{})
	checkRows(t, d.rows, []obs{{Line: 2, Indicator: "IT_USE_ii99", Economy: "1", Year: "2000", Value: "5.35", Sex: "BOTHSEX"}})
}

func TestOWIDLayout(t *testing.T) {
	content := "Entity,Code,Year,Internet users (% of population),Mobile subscriptions\n" +
		"Aruba,ABW,2005,25.4,\n" +
		"World,OWID_WRL,2005,15.8,34\n" +
		"Africa,,2005,10.1,\n" +
		"Kenya,KEN,2006,,\n"
	src, d := decodeText(t, "owid.csv", content, Options{})
	const users = "Internet users (% of population)"
	checkRows(t, d.rows, []obs{
		{Line: 2, Indicator: users, Economy: "ABW", Year: "2005", Value: "25.4"},
		{Line: 3, Indicator: users, Economy: "OWID_WRL", Aggregate: "World", Year: "2005", Value: "15.8"},
		{Line: 3, Indicator: "Mobile subscriptions", Economy: "OWID_WRL", Aggregate: "World", Year: "2005", Value: "34"},
		{Line: 4, Indicator: users, Economy: "Africa", Aggregate: "Africa", Year: "2005", Value: "10.1"},
	})
	checkColumnNames(t, src, map[int]string{ColAggregate: "Entity", ColEconomy: "Code", ColValue: "value"})
}

func TestNormalizeHeader(t *testing.T) {
	for in, want := range map[string]string{
		"Country Code": "country_code", " [Type of skill] ": "type_of_skill", "OBS_VALUE": "obs_value",
		"series-code": "series_code", "Time.Period": "time_period", "a  -  b": "a_b", "_x_": "x", "GeoAreaCode": "geoareacode",
	} {
		if got := normalizeHeader(in); got != want {
			t.Errorf("normalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

// checkColumnNames checks the names src gives raw columns, for rejects.
func checkColumnNames(t *testing.T, src *Source, want map[int]string) {
	t.Helper()
	for col, name := range want {
		if got := src.ColumnName(col); got != name {
			t.Errorf("ColumnName(%s) = %q, want %q", ColumnNames[col], got, name)
		}
	}
}
