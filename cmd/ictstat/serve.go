package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ictstat/ictstat/engine/chart"
	"github.com/ictstat/ictstat/engine/explorer"
	"github.com/ictstat/ictstat/engine/serve"
	"github.com/ictstat/ictstat/engine/store"
	"github.com/ictstat/ictstat/indicators/figures"
)

func newServe(g *globals) *cobra.Command {
	var (
		addr, token, ceiling string
		cfg                  serve.Config
	)
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080]",
		Short: "Answer SQL queries and indicator requests over HTTP, read-only",
		Long: `Serve the database over HTTP, read-only, and the explorer, a web page of trends, maps,
rankings, tables and scorecards, at / (docs/explorer.md):

  GET  /                       the explorer, with its files under /assets/ (no token needed);
                               /?lang=ar|fa|fr|es|ru|zh for the page in another language
  GET  /v1/explorer/catalogue  the explorer's catalogue: indicators, entities, targets, editions
  GET  /v1/explorer/data       an indicator's values and projections: ?indicator=&entities=
  GET  /v1/explorer/progress   a framework's progress: ?framework=&entity=
  GET  /v1/explorer/boundaries the countries' boundaries the map draws (TopoJSON)
  GET  /v1/explorer/strings    the page's words and the data's names in a language: ?lang=ar
  GET  /v1/explorer/download   a view's data or chart: ?view=&format=csv|xlsx|png|svg|pdf&lang=&...
  POST /v1/sql                 one SQL query that reads, in the body (text, or JSON {"sql": ...});
                               the result as JSON, CSV, NDJSON or an Arrow IPC stream, by the
                               Accept header (application/json, text/csv, application/x-ndjson,
                               application/vnd.apache.arrow.stream) or ?format=
  GET  /v1/indicators          the indicator catalogue
  GET  /v1/economies           economies, ?group= for a group's members
  GET  /v1/series              observations: ?indicator=&economy=&from=&to=&sex=&area=&age=
  GET  /v1/progress            progress toward targets: ?framework=&target=&entity=&class=
  GET  /v1/charts/trend.png    a trend chart: ?indicator=&economies=&from=&to=&target=&size=
  GET  /healthz                whether the service answers (no token needed)
  GET  /v1/openapi.json        the OpenAPI description of all of these

Safety: the database is opened read-only, with DuckDB's access to other files, its extensions
and its settings switched off and locked. Only one statement that reads is accepted per query
(SELECT, or EXPLAIN [ANALYZE] of a SELECT); writes, temporary tables, PREPARE, ATTACH,
INSTALL/LOAD, SET, COPY, file readers, functions that change DuckDB's state (checkpoint,
logging, profiling) or run SQL given as text, string distances (levenshtein, jaro, ...) and
values built larger than 10,000,000 (repeat, lpad, range) get 403. Each query runs on a DuckDB
connection of its own, closed with the request, so nothing one client does reaches another.

Limits: results stream as DuckDB produces them. Each query has a time limit (504 past it) and
a result limit in rows, bytes and nested elements (422 past it; a value is refused before it is
read when it alone would pass them). DuckDB's memory for all queries together is capped by
--memory-limit (default half of the machine's memory) and what it spills to disk by
--spill-limit (422 for a query that needs more). When the service's resident memory passes
--memory-ceiling, running queries are stopped, the longest running first (503); past twice the
ceiling, held by a query DuckDB cannot interrupt, the service exits (status 1) rather than take
the machine's memory. A client that reads nothing for --write-timeout is cut off. At most
--max-concurrent queries run at once (503 beyond, with Retry-After). With --token or
ICTSTAT_TOKEN set, every endpoint but /healthz needs 'Authorization: Bearer TOKEN'; the explorer's
page is public, but its data are not: open it as http://HOST/?token=TOKEN once, which keeps the
token in a cookie for the page's requests (HttpOnly, SameSite=Strict). A JSON body
{"sql": "... $1 ...", "params": [...]} passes parameters.

When the database file is replaced (ictstat init --force, or a load while the service runs) the
service opens the new file within --reload-every and answers from it; requests already running
finish on the previous one. SIGTERM or Ctrl-C stops accepting connections and lets running
queries finish.`,
		Example: `  ictstat serve --addr 127.0.0.1:8080      # then open http://127.0.0.1:8080/
  ICTSTAT_TOKEN=s3cret ictstat serve         # open http://127.0.0.1:8080/?token=s3cret
  curl -s localhost:8080/v1/sql -d "SELECT economy, value FROM latest WHERE indicator = 'internet_use_pct' ORDER BY value LIMIT 5"
  curl -s -H 'Accept: text/csv' 'localhost:8080/v1/series?indicator=internet_use_pct&economy=KEN,UGA&from=2015'
  curl -s -o kenya.png 'localhost:8080/v1/charts/trend.png?indicator=internet_use_pct&economies=KEN,WLD&target=umc_2030:UMC.1'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if token == "" {
				token = os.Getenv("ICTSTAT_TOKEN")
			}
			if _, err := os.Stat(g.db); err != nil {
				return fmt.Errorf("%w at %s: run `ictstat init` to build one", store.ErrNotFound, g.db)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return usageError("listen on %s: %v", addr, err)
			}
			cfg.Database, cfg.Token, cfg.MemoryLimit = g.db, token, g.memoryLimit
			if ceiling != "" {
				n, err := serve.ParseBytes(ceiling)
				if err != nil {
					return usageError("--memory-ceiling: %v", err)
				}
				cfg.MemoryCeiling = n
			}
			cfg.Endpoints, cfg.Title, cfg.Version = Endpoints(), "ictstat", Version
			cfg.Page = explorer.Handler()
			cfg.OnMemoryExhausted = func() {
				// Queries DuckDB cannot interrupt hold twice the ceiling: stop before the system
				// runs out of memory for everything else on it.
				fmt.Fprintln(os.Stderr, say("ictstat serve: the service's memory passed twice --memory-ceiling, held by queries DuckDB cannot interrupt; stopping"))
				os.Exit(exitFailure)
			}
			cfg.SchemaVersion = store.SchemaVersion()
			level := slog.LevelInfo
			if g.quiet {
				level = slog.LevelWarn
			}
			cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
			srv, err := serve.New(cmd.Context(), cfg)
			if err != nil {
				ln.Close()
				return err
			}
			cfg.Log.Info("serving", "addr", "http://"+ln.Addr().String(), "database", g.db, "token", token != "",
				"max_concurrent", cfg.MaxConcurrent, "query_timeout", cfg.QueryTimeout)
			go explorer.Warm(srv.Handler(), token)
			return srv.Serve(cmd.Context(), ln)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on; 127.0.0.1 answers this machine only")
	f.StringVar(&token, "token", "", "bearer token every request but /healthz must send (environment ICTSTAT_TOKEN)")
	f.IntVar(&cfg.MaxConcurrent, "max-concurrent", 8, "queries that run at once; more get 503")
	f.DurationVar(&cfg.QueryTimeout, "query-timeout", 30*time.Second, "time limit of one query")
	f.Int64Var(&cfg.Limits.MaxRows, "max-rows", 1_000_000, "rows one result may have")
	f.Int64Var(&cfg.Limits.MaxBytes, "max-bytes", 256<<20, "bytes one result may have, as sent")
	f.IntVar(&cfg.Threads, "threads", 0, "DuckDB threads (default one per core)")
	f.StringVar(&cfg.SpillLimit, "spill-limit", "", `what DuckDB may write to disk beside the database when queries need more than --memory-limit, for all of them together (default: the memory limit)`)
	f.StringVar(&ceiling, "memory-ceiling", "", `resident memory of the service past which every running query is stopped with 503 (default: --memory-limit and a half again), e.g. "6GB"`)
	f.DurationVar(&cfg.WriteTimeout, "write-timeout", 10*time.Second, "how long a client may read nothing before it is cut off and its query slot freed")
	f.DurationVar(&cfg.ReloadEvery, "reload-every", 2*time.Second, "how often to check whether the database file changed")
	return cmd
}

// Endpoints are the service's indicator endpoints over the analyst views (docs/sql.md).
func Endpoints() []serve.Endpoint {
	return append([]serve.Endpoint{
		{
			Path: "/v1/indicators", Summary: "The indicator catalogue",
			Description: "Every indicator with its unit, valid range, polarity, aggregation and codes in other schemes (the indicators view).",
			Query: func(serve.Params) (string, []any, error) {
				return `SELECT * FROM indicators ORDER BY indicator`, nil, nil
			},
		},
		{
			Path: "/v1/economies", Summary: "Economies",
			Description: "Economies with their codes, regions, LDC/LLDC/SIDS status and latest income group (the economies view); with group, that group's members in its current composition.",
			Params:      []serve.Param{{Name: "group", Description: "a group code (WLD, LDC, ITU_AFR, ...): only its members", Example: "LDC"}},
			Query: func(p serve.Params) (string, []any, error) {
				if g := p.Get("group"); g != "" {
					return `SELECT * FROM economies WHERE economy IN (SELECT economy FROM group_members WHERE group_code = $1 AND current) ORDER BY economy`, []any{g}, nil
				}
				return `SELECT * FROM economies ORDER BY economy`, nil, nil
			},
		},
		{
			Path: "/v1/series", Summary: "Observations of series",
			Description: "The current observations (the observations view) of the indicators and economies asked, by year.",
			Params: []serve.Param{
				{Name: "indicator", Description: "indicator codes, comma-separated", Required: true, List: true, Example: "internet_use_pct"},
				{Name: "economy", Description: "ISO3 codes, comma-separated; all economies when absent", List: true, Example: "KEN,UGA"},
				{Name: "from", Description: "first year", Integer: true, Example: "2005"},
				{Name: "to", Description: "last year", Integer: true, Example: "2024"},
				{Name: "sex", Description: "total, female or male; all when absent"},
				{Name: "area", Description: "total, urban or rural; all when absent"},
				{Name: "age", Description: "an age group (total, 15-24, ...); all when absent"},
			},
			Query: func(p serve.Params) (string, []any, error) {
				return `SELECT * FROM observations
					WHERE list_contains(string_split($1, ','), indicator)
					  AND ($2::VARCHAR IS NULL OR list_contains(string_split($2, ','), economy))
					  AND year BETWEEN $3 AND $4
					  AND ($5::VARCHAR IS NULL OR sex = $5) AND ($6::VARCHAR IS NULL OR area = $6) AND ($7::VARCHAR IS NULL OR age = $7)
					ORDER BY indicator, economy, sex, area, age, year`,
					[]any{strings.Join(p.List("indicator"), ","), nullList(p.List("economy")), p.Int("from", 1960), p.Int("to", 2100),
						nullString(p.Get("sex")), nullString(p.Get("area")), nullString(p.Get("age"))}, nil
			},
		},
		{
			Path: "/v1/progress", Summary: "Progress toward targets",
			Description: "Every economy and group against every target the data can measure (the progress view), filtered by framework, target, entity and class.",
			Params: []serve.Param{
				{Name: "framework", Description: "wsis_geneva_2003, connect_2020, connect_2030, umc_2030 or broadband_commission_2025", Example: "wsis_geneva_2003"},
				{Name: "target", Description: "a target code, e.g. T10 or UMC.1"},
				{Name: "entity", Description: "economies (ISO3) or groups, comma-separated", List: true, Example: "WLD,LDC"},
				{Name: "class", Description: "target met, on track, acceleration needed, limited progress, deterioration or unable to assess"},
			},
			Query: func(p serve.Params) (string, []any, error) {
				return `SELECT * FROM progress
					WHERE ($1::VARCHAR IS NULL OR framework = $1) AND ($2::VARCHAR IS NULL OR target = $2)
					  AND ($3::VARCHAR IS NULL OR list_contains(string_split($3, ','), entity)) AND ($4::VARCHAR IS NULL OR class = $4)
					ORDER BY framework, target, entity_kind DESC, entity, measure`,
					[]any{nullString(p.Get("framework")), nullString(p.Get("target")), nullList(p.List("entity")), nullString(p.Get("class"))}, nil
			},
		},
		{
			Path: "/v1/charts/trend.png", Summary: "A trend chart as PNG",
			Description: "The trend chart of 'ictstat chart trend': up to 7 economies or groups, with a target line and projections.",
			ContentType: "image/png",
			Params: []serve.Param{
				{Name: "indicator", Description: "the indicator", Required: true, Example: "internet_use_pct"},
				{Name: "economies", Description: "economies or groups, comma-separated", Required: true, List: true, Example: "WLD,KEN"},
				{Name: "from", Description: "first year", Integer: true, Example: "2005"},
				{Name: "to", Description: "last year", Integer: true},
				{Name: "target", Description: "framework:code of a target line, e.g. umc_2030:UMC.1"},
				{Name: "title", Description: "replaces the title"},
				{Name: "size", Description: "WIDTHxHEIGHT in cm or px, up to 2400 px wide or high (default 16x10cm at 150 dpi)", Example: "1200x750px"},
			},
			Render: renderTrend,
		},
	}, explorer.Endpoints()...)
}

// chartSources keeps the figures.Source of the database the service answers from, so that charts
// of an indicator drawn before cost no further query; a reloaded database gets a new one.
var chartSources sourceCache

type sourceCache struct {
	mu  sync.Mutex
	db  *sql.DB
	src *figures.Source
}

func (c *sourceCache) get(db *sql.DB) *figures.Source {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.db != db {
		c.db, c.src = db, figures.NewSource(db)
	}
	return c.src
}

// renderTrend draws the trend chart an endpoint request asks for.
func renderTrend(ctx context.Context, db *sql.DB, p serve.Params, out *bytes.Buffer) (string, error) {
	size := chart.DefaultSize
	if s := p.Get("size"); s != "" {
		var err error
		if size, err = chart.ParseSize(s); err != nil {
			return "", fmt.Errorf("%w: %v", serve.ErrBadParam, err)
		}
		size.DPI = chart.DefaultSize.DPI
	}
	if w, h := size.Pixels(); w > 2400 || h > 2400 {
		return "", fmt.Errorf("%w: size %s is %dx%d px; the service draws up to 2400 px", serve.ErrBadParam, p.Get("size"), w, h)
	}
	c, err := chartSources.get(db).Build(ctx, figures.Request{Kind: "trend", Indicator: p.Get("indicator"), Entities: p.List("economies"),
		From: p.Int("from", 0), To: p.Int("to", 0), Target: p.Get("target"), Title: p.Get("title")})
	if errors.Is(err, figures.ErrRequest) {
		return "", fmt.Errorf("%w: %s", serve.ErrBadParam, strings.TrimPrefix(err.Error(), figures.ErrRequest.Error()+": "))
	}
	if err != nil {
		return "", err
	}
	if err := chart.Render(c, "png", size, out); err != nil {
		return "", err
	}
	return "image/png", nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullList is a list parameter as the comma-separated text the queries split, NULL when absent.
func nullList(l []string) any {
	if l == nil {
		return nil
	}
	return strings.Join(l, ",")
}
