package load_test

import (
	"strings"
	"testing"

	"github.com/ictstat/ictstat/engine/load"
)

// TestDataBankDownloadLoads loads a CSV as the World Bank's DataBank writes a download of World
// Development Indicators (a byte-order mark, quoted fields, ".." for no value, two blank lines
// and the "Data from database" and "Last Updated" lines under the data), refusing any rejected
// row: the footer is not data and nothing is rejected.
func TestDataBankDownloadLoads(t *testing.T) {
	st := newStore(t)
	path := writeFile(t, "P_Data_Extract_From_World_Development_Indicators.csv", "\uFEFF"+strings.Join([]string{
		`"Country Name","Country Code","Series Name","Series Code","2021 [YR2021]","2022 [YR2022]","2023 [YR2023]"`,
		`"Kenya","KEN","Individuals using the Internet (% of population)","IT.NET.USER.ZS","29.5","33.9",".."`,
		`"Kenya","KEN","Mobile cellular subscriptions (per 100 people)","IT.CEL.SETS.P2","121.7","124.1",".."`,
		`"Uganda","UGA","Individuals using the Internet (% of population)","IT.NET.USER.ZS","..","10.3",".."`,
		``,
		``,
		`Data from database: World Development Indicators`,
		`Last Updated: 12/16/2025`,
		``,
	}, "\r\n"))
	o := mustLoad(t, st, path, load.Options{MaxRejectRate: load.NoRejects})
	if o.Format != "wide" || o.RowsRead != 5 || o.RowsLoaded != 5 || o.RowsRejected != 0 {
		t.Fatalf("format %s: %d rows read, %d loaded, %d rejected; want wide, 5, 5, 0", o.Format, o.RowsRead, o.RowsLoaded, o.RowsRejected)
	}
	var got string
	st.DB().QueryRow(`SELECT string_agg(indicator || ' ' || economy || ' ' || year || '=' || value, ', ' ORDER BY indicator, economy, year)
		FROM observations`).Scan(&got)
	want := "internet_use_pct KEN 2021=29.5, internet_use_pct KEN 2022=33.9, internet_use_pct UGA 2022=10.3, " +
		"mobile_cellular_per100 KEN 2021=121.7, mobile_cellular_per100 KEN 2022=124.1"
	if got != want {
		t.Errorf("observations:\n  %s\nwant\n  %s", got, want)
	}
}
