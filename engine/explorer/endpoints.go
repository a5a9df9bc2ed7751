package explorer

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/ictstat/ictstat/engine/geo"
	"github.com/ictstat/ictstat/engine/serve"
	"github.com/ictstat/ictstat/engine/store"
)

// Endpoints are the explorer's documents and downloads as endpoints of the service, under
// /v1/explorer/ (docs/explorer.md).
func Endpoints() []serve.Endpoint {
	asOf := serve.Param{Name: "as_of", Description: "the data as published on this date: YYYY-MM-DD, YYYY-MM or YYYY; " +
		"ictstat's aggregates and the progress assessments, computed from the data as they are now, are then left out", Example: "2024-12-31"}
	return []serve.Endpoint{
		{
			Path: "/v1/explorer/catalogue", Summary: "The explorer's catalogue",
			Description: "The indicators with data (names, units, codes, years, breakdowns), the economies and groups with the groups' current members, " +
				"the frameworks' targets and the editions with their citations and licences (docs/explorer.md).",
			ContentType: "application/json", Params: []serve.Param{asOf},
			Render: endpoint(func(ctx context.Context, src *Source, _ *sql.DB, _ serve.Params, out *bytes.Buffer) (string, error) {
				b, err := src.CatalogueJSON(ctx)
				out.Write(b)
				return "application/json", err
			}),
		},
		{
			Path: "/v1/explorer/data", Summary: "An indicator's values and projections, for the explorer",
			Description: "Every value of the indicator: economies' observations, ictstat's group aggregates with their coverage and the groups' values their sources publish, " +
				"sorted by entity, sex, area, age and year, with their standard errors and 95% intervals where given; each entity's projection toward each target on the indicator; the editions and the source line (docs/explorer.md).",
			ContentType: "application/json",
			Params: []serve.Param{
				{Name: "indicator", Description: "the indicator, by ictstat's code or a WDI, ITU, SDG or DDF code", Required: true, Example: "internet_use_pct"},
				{Name: "entities", Description: "only these economies (ISO3) and groups, comma-separated; all when absent", List: true, Example: "WLD,KEN,NGA"},
				asOf,
			},
			Render: endpoint(func(ctx context.Context, src *Source, _ *sql.DB, p serve.Params, out *bytes.Buffer) (string, error) {
				b, err := src.IndicatorJSON(ctx, p.Get("indicator"), p.List("entities"))
				out.Write(b)
				return "application/json", err
			}),
		},
		{
			Path: "/v1/explorer/progress", Summary: "A framework's progress, for the explorer",
			Description: "Every economy and group against each target of the framework, at the level that applies to it (the progress view's rows with applies).",
			ContentType: "application/json",
			Params: []serve.Param{
				{Name: "framework", Description: "wsis_geneva_2003, connect_2020, connect_2030, umc_2030 or broadband_commission_2025", Required: true, Example: "wsis_geneva_2003"},
				{Name: "entity", Description: "only this economy or group", Example: "KEN"},
				asOf,
			},
			Render: endpoint(func(ctx context.Context, src *Source, _ *sql.DB, p serve.Params, out *bytes.Buffer) (string, error) {
				doc, err := src.Progress(ctx, p.Get("framework"), p.Get("entity"))
				if err != nil {
					return "", err
				}
				out.Write(doc.JSON())
				return "application/json", nil
			}),
		},
		{
			Path: "/v1/explorer/strings", Summary: "The explorer's words in a language",
			Description: "The page's interface strings (English → translation) and the names of the data (indicators, economies, groups, frameworks, targets, classes of progress) " +
				"in one of the seven languages, with its direction, the languages the page offers and how many of the strings are unreviewed translations (docs/explorer.md). " +
				"An unknown language gets 400.",
			ContentType: "application/json",
			Params:      []serve.Param{{Name: "lang", Description: "en (default), ar, fa, fr, es, ru or zh", Example: "ar"}},
			Render: endpoint(func(ctx context.Context, src *Source, _ *sql.DB, p serve.Params, out *bytes.Buffer) (string, error) {
				b, err := src.StringsJSON(ctx, p.Get("lang"))
				out.Write(b)
				return "application/json", err
			}),
		},
		{
			Path: "/v1/explorer/boundaries", Summary: "The countries' boundaries the explorer's map draws",
			Description: "world-atlas 2.0.2's countries-50m.json (TopoJSON; Natural Earth's 1:50m countries, identified by their three-digit M49 code), byte for byte.",
			ContentType: "application/json",
			Render: func(_ context.Context, _ *sql.DB, _ serve.Params, out *bytes.Buffer) (string, error) {
				out.Write(Boundaries())
				return "application/json", nil
			},
			Headers: func(serve.Params) map[string]string {
				return map[string]string{"Cache-Control": "public, max-age=86400"}
			},
		},
		{
			Path: "/v1/explorer/download", Summary: "A view's data or chart, as a file",
			Description: "The data an explorer view shows as CSV or XLSX (with a sheet 'sources' naming each edition's citation and licence), " +
				"or its chart as PNG, SVG or PDF, drawn as 'ictstat chart' draws: the trend of the entities in a breakdown, with a target and projections; " +
				"the ranking or the map of the economies (of the filter group) in a year; the table's data; a framework's scorecard of one entity.",
			ContentType: "application/octet-stream",
			Params: []serve.Param{
				{Name: "view", Description: "trend, map, ranking, table or scorecard", Required: true, Example: "trend"},
				{Name: "format", Description: "csv or xlsx (the data shown), png, svg or pdf (the chart shown)", Required: true, Example: "csv"},
				{Name: "indicator", Description: "the indicator (trend, map, ranking, table)", Example: "internet_use_pct"},
				{Name: "entities", Description: "economies and groups, comma-separated (trend, table)", List: true, Example: "WLD,KEN"},
				{Name: "breakdown", Description: "total (default), sex, area or age (trend, table)"},
				{Name: "target", Description: "framework:code of the target drawn on the trend or the ranking", Example: "umc_2030:UMC.1"},
				{Name: "year", Description: "the year of the map and the ranking; default the latest in which more than half of the economies shown have a value", Integer: true, Example: "2023"},
				{Name: "classes", Description: "the map's classes: quantile (default) or fixed"},
				{Name: "filter", Description: "a group whose members the map and the ranking show", Example: "ITU_AFR"},
				{Name: "framework", Description: "the scorecard's framework", Example: "wsis_geneva_2003"},
				{Name: "entity", Description: "the scorecard's economy or group (default WLD)", Example: "KEN"},
				{Name: "size", Description: "a chart's WIDTHxHEIGHT in cm or px, up to 2400 px (default 16x10cm at 150 dpi; a ranking as high as its bars need)", Example: "1200x750px"},
				{Name: "lang", Description: "the language of a chart's text: en (default), ar, fa, fr, es, ru or zh", Example: "ar"},
				asOf,
			},
			Render: endpoint(func(ctx context.Context, src *Source, db *sql.DB, p serve.Params, out *bytes.Buffer) (string, error) {
				req, err := ParseDownload(p)
				if err != nil {
					return "", err
				}
				ct, _, err := src.Download(ctx, db, req, out)
				return ct, err
			}),
			Headers: func(p serve.Params) map[string]string {
				req, _ := ParseDownload(p)
				return map[string]string{"Content-Disposition": mime.FormatMediaType("attachment", map[string]string{"filename": req.Filename()})}
			},
		},
	}
}

// endpoint makes a Render func of a document or download: it reads the database the
// service answers from through its Source (one per snapshot, which keeps what it has
// read), or with ?as_of= a Source of its own reading the data as of the date; errors in the
// request get 400.
func endpoint(build func(ctx context.Context, src *Source, db *sql.DB, p serve.Params, out *bytes.Buffer) (string, error)) func(context.Context, *sql.DB, serve.Params, *bytes.Buffer) (string, error) {
	return func(ctx context.Context, db *sql.DB, p serve.Params, out *bytes.Buffer) (string, error) {
		src := For(db)
		if v := p.Get("as_of"); v != "" {
			date, err := store.ParseAsOf(v)
			if err != nil {
				return "", fmt.Errorf("%w: as_of: %v", serve.ErrBadParam, err)
			}
			asOf, done, err := AsOf(ctx, db, date)
			if err != nil {
				return "", badParam(err)
			}
			defer done()
			src, db = asOf, nil
		}
		ct, err := build(ctx, src, db, p, out)
		if err != nil {
			out.Reset()
			return "", badParam(err)
		}
		return ct, nil
	}
}

// badParam marks an explorer request error as a bad parameter (400).
func badParam(err error) error {
	if errors.Is(err, ErrRequest) {
		return fmt.Errorf("%w: %s", serve.ErrBadParam, strings.TrimPrefix(err.Error(), ErrRequest.Error()+": "))
	}
	return err
}

// Warm asks h, a service answering Endpoints, for the catalogue and the indicator the page opens
// with, and decodes the map's boundaries, so that the first visitor does not wait for the
// database's first queries; token is the service's bearer token ("" for none). It returns when
// they are read; errors are the service's to log.
func Warm(h http.Handler, token string) {
	for _, path := range []string{"/v1/explorer/catalogue", "/v1/explorer/data?indicator=" + DefaultIndicator} {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		h.ServeHTTP(discard{}, r)
	}
	geo.Countries()
}

// DefaultIndicator is the indicator the page opens with when its URL names none.
const DefaultIndicator = "internet_use_pct"

// discard is a response writer that keeps nothing.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
