package serve

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ictstat/ictstat/engine/query"
)

// Endpoint is a GET endpoint: a fixed query with parameters, whose rows come back like those of
// /v1/sql, or an answer that Render writes (a chart).
type Endpoint struct {
	Path        string // e.g. "/v1/series"
	Summary     string
	Description string
	Params      []Param
	// Query builds the SQL and its arguments from the checked parameters.
	Query func(p Params) (string, []any, error)
	// Render writes the answer to a buffer and returns its media type; errors wrapping
	// ErrBadParam get 400.
	Render      func(ctx context.Context, db *sql.DB, p Params, out *bytes.Buffer) (contentType string, err error)
	ContentType string // of Render's answer, for the OpenAPI description
	// Headers, when set, are further headers of Render's answer (Cache-Control,
	// Content-Disposition, ...).
	Headers func(p Params) map[string]string
}

// Param is a query parameter of an endpoint.
type Param struct {
	Name        string
	Description string
	Required    bool
	Integer     bool   // must be a whole number
	List        bool   // comma-separated values
	Example     string // for the OpenAPI description
}

// Params are an endpoint's parameters as given, checked against its Params.
type Params map[string]string

// Get returns the value of a parameter, "" when not given.
func (p Params) Get(name string) string { return p[name] }

// Int returns a whole-number parameter, or def when not given.
func (p Params) Int(name string, def int) int {
	if v, err := strconv.Atoi(p[name]); err == nil {
		return v
	}
	return def
}

// List returns a comma-separated parameter's values, nil when not given.
func (p Params) List(name string) []string {
	if p[name] == "" {
		return nil
	}
	var out []string
	for _, v := range strings.Split(p[name], ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// ErrBadParam marks errors of an endpoint's parameters.
var ErrBadParam = errors.New("bad parameter")

// checkParams checks the query string against the endpoint's parameters: unknown, repeated,
// missing and non-numeric values are refused with the parameter's name.
func checkParams(e Endpoint, q url.Values) (Params, error) {
	known := map[string]Param{}
	var names []string
	for _, p := range e.Params {
		known[p.Name] = p
		names = append(names, p.Name)
	}
	out := Params{}
	for name, vals := range q {
		p, ok := known[name]
		switch {
		case !ok && (name == "format" || name == "as_of" && e.Render == nil):
			continue
		case !ok:
			return nil, fmt.Errorf("unknown parameter %q: %s takes %s", name, e.Path, strings.Join(names, ", "))
		case len(vals) > 1 && !p.List:
			return nil, fmt.Errorf("parameter %q is given %d times; give it once", name, len(vals))
		}
		v := strings.Join(vals, ",")
		if p.Integer {
			if _, err := strconv.Atoi(v); err != nil {
				return nil, fmt.Errorf("parameter %q must be a whole number, not %q", name, v)
			}
		}
		out[name] = v
	}
	for _, p := range e.Params {
		if p.Required && out[p.Name] == "" {
			return nil, fmt.Errorf("parameter %q is required: %s", p.Name, p.Description)
		}
	}
	return out, nil
}

func (s *Server) endpoint(e Endpoint) func(http.ResponseWriter, *http.Request, *snapshot) {
	return func(w http.ResponseWriter, r *http.Request, sn *snapshot) {
		p, err := checkParams(e, r.URL.Query())
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_parameter", err.Error())
			return
		}
		if e.Render != nil {
			ctx, cancel := context.WithTimeout(r.Context(), s.cfg.QueryTimeout)
			defer cancel()
			var buf bytes.Buffer
			ct, err := e.Render(ctx, sn.db, p, &buf)
			switch {
			case errors.Is(err, ErrBadParam):
				writeError(w, http.StatusBadRequest, "bad_parameter", err.Error())
			case errors.Is(err, context.DeadlineExceeded):
				writeError(w, http.StatusGatewayTimeout, "timeout", fmt.Sprintf("the answer took longer than the %s time limit", s.cfg.QueryTimeout))
			case err != nil:
				writeError(w, http.StatusInternalServerError, "internal", err.Error())
			default:
				if e.Headers != nil {
					for k, v := range e.Headers(p) {
						w.Header().Set(k, v)
					}
				}
				w.Header().Set("Content-Type", ct)
				writeBody(w, r, buf.Bytes())
			}
			return
		}
		format, ok := negotiate(w, r)
		if !ok {
			return
		}
		text, args, err := e.Query(p)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_parameter", err.Error())
			return
		}
		s.run(w, r, sn, query.Query{SQL: text, Args: args, Policy: query.Policy{SelectOnly: true}, Limits: s.cfg.Limits}, format)
	}
}

// openAPI describes the service in OpenAPI 3.0.
func openAPI(cfg Config) ([]byte, error) {
	tabular := map[string]any{
		"application/json":                    map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Result"}},
		"text/csv":                            map[string]any{"schema": map[string]any{"type": "string"}},
		"application/x-ndjson":                map[string]any{"schema": map[string]any{"type": "string"}},
		"application/vnd.apache.arrow.stream": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}},
	}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{
			"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	}
	common := map[string]any{
		"400": errResp("a bad query or parameter"),
		"401": errResp("no or a wrong bearer token"),
		"503": errResp("too many queries at once; retry after the Retry-After seconds"),
	}
	paths := map[string]any{
		"/healthz": map[string]any{"get": map[string]any{"summary": "Whether the service can answer", "security": []any{},
			"responses": map[string]any{"200": map[string]any{"description": "the service answers"}}}},
		"/v1/openapi.json": map[string]any{"get": map[string]any{"summary": "This description",
			"responses": map[string]any{"200": map[string]any{"description": "OpenAPI 3.0 JSON"}, "401": errResp("no or a wrong bearer token")}}},
		"/v1/sql": map[string]any{"post": map[string]any{
			"summary": "Run one SQL query that reads",
			"description": fmt.Sprintf("One SELECT (or WITH, DESCRIBE, SHOW, SUMMARIZE, or EXPLAIN [ANALYZE] of one) statement over the database's views. "+
				"Statements that write, create temporary objects, prepare, attach databases, install or load extensions, change settings or touch files, "+
				"and functions that change DuckDB's state or run SQL given as text, are refused with 403. Each query runs on a connection of its own. "+
				"Each query may run %s and return %d rows or %d bytes; beyond that it gets 504 or 422 (a JSON result already streaming ends with \"truncated\": true and an \"error\"). "+
				"The format follows the Accept header, or ?format=json|csv|ndjson|arrow. "+
				"?as_of=YYYY-MM-DD reads the observation views as published on that date (editions released on or before it); "+
				"the computed results (aggregates, gaps, progress) are then refused.", cfg.QueryTimeout, cfg.Limits.MaxRows, cfg.Limits.MaxBytes),
			"parameters": []any{map[string]any{"name": "as_of", "in": "query", "required": false,
				"description": "read the data as published on this date: YYYY-MM-DD, YYYY-MM or YYYY", "schema": map[string]any{"type": "string"}}},
			"requestBody": map[string]any{"required": true, "content": map[string]any{
				"text/plain":       map[string]any{"schema": map[string]any{"type": "string"}, "example": "SELECT * FROM observations LIMIT 10"},
				"application/sql":  map[string]any{"schema": map[string]any{"type": "string"}},
				"application/json": map[string]any{"schema": map[string]any{"type": "object", "properties": map[string]any{"sql": map[string]any{"type": "string"}}, "required": []string{"sql"}}},
			}},
			"responses": merge(common, map[string]any{
				"200": map[string]any{"description": "the result", "content": tabular},
				"403": errResp("a statement that is not allowed"),
				"406": errResp("an Accept header the service cannot answer"),
				"413": errResp("a query longer than the body limit"),
				"422": errResp("a result larger than the limits"),
				"504": errResp("a query past the time limit"),
			}),
		}},
	}
	for _, e := range cfg.Endpoints {
		var params []any
		for _, p := range e.Params {
			schema := map[string]any{"type": "string"}
			if p.Integer {
				schema["type"] = "integer"
			}
			param := map[string]any{"name": p.Name, "in": "query", "required": p.Required, "description": p.Description, "schema": schema}
			if p.Example != "" {
				param["example"] = p.Example
			}
			params = append(params, param)
		}
		content := tabular
		if e.Render != nil {
			content = map[string]any{e.ContentType: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		}
		paths[e.Path] = map[string]any{"get": map[string]any{"summary": e.Summary, "description": e.Description, "parameters": params,
			"responses": merge(common, map[string]any{"200": map[string]any{"description": e.Summary, "content": content}})}}
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": cfg.Title, "version": cfg.Version},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{
				"Result": map[string]any{"type": "object", "properties": map[string]any{
					"columns":   map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}, "type": map[string]any{"type": "string"}}}},
					"rows":      map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
					"row_count": map[string]any{"type": "integer"},
					"truncated": map[string]any{"type": "boolean"},
					"error":     map[string]any{"type": "string"},
				}},
				"Error": map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{"type": "object", "properties": map[string]any{
					"status": map[string]any{"type": "integer"}, "code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}}}}},
			},
		},
	}
	if cfg.Token != "" {
		doc["security"] = []any{map[string]any{"bearer": []any{}}}
	}
	return json.MarshalIndent(doc, "", "  ")
}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
