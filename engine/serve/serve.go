// Package serve is a read-only HTTP query service over a DuckDB database: POST /v1/sql runs one
// SELECT and streams its rows as JSON, CSV, NDJSON or an Arrow IPC stream chosen by the Accept
// header; the endpoints a caller configures run fixed queries with parameters or draw answers
// such as charts; /healthz says whether the service can answer; /v1/openapi.json describes it all.
//
// What a query may do is limited twice: the query package allows one statement that reads, and
// DuckDB opens the file read-only with external access disabled, extensions off and its
// configuration locked. Every query has a time limit and a result-size limit, a bearer token can
// be required, and requests beyond a number of concurrent queries get 503. When the database file
// is replaced or rewritten, the service opens the new file and swaps it in between requests.
package serve

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ictstat/ictstat/engine/query"
	"github.com/ictstat/ictstat/engine/store"
)

// Config is the service's configuration. Zero values take the defaults named.
type Config struct {
	Database      string
	Token         string        // "" requires none
	MaxConcurrent int           // queries at once; default 8
	QueryTimeout  time.Duration // default 30 s
	Limits        query.Limits  // default 1,000,000 rows, 256 MiB and 1,000,000 nested elements a row
	MaxBodyBytes  int64         // of a POSTed query; default 1 MiB
	MemoryLimit   string        // DuckDB's for all queries together, e.g. "4GB"; default half of the machine's memory
	SpillLimit    string        // what DuckDB may spill to disk beside the database for all queries together; default MemoryLimit
	WriteTimeout  time.Duration // how long a write to a client that reads nothing may block; default 10 s
	// MemoryCeiling is the resident memory past which running queries are stopped, the longest
	// running first (503); default the DuckDB memory limit and a half again; < 0: none.
	MemoryCeiling int64
	// OnMemoryExhausted is called once when the resident memory passes twice the ceiling
	// (queries DuckDB cannot interrupt hold it); nil: nothing more is done.
	OnMemoryExhausted func()
	Threads           int           // DuckDB's; 0 keeps DuckDB's default
	ReloadEvery       time.Duration // how often the file is checked for a new version; default 2 s
	SchemaVersion     int           // the schema the database must have; 0 accepts any
	Endpoints         []Endpoint
	Title             string // of the OpenAPI description
	Version           string
	Log               *slog.Logger // default: discard
	// Page, when set, answers the requests for every path outside /v1/ and /healthz (a web page
	// and its files), without a token. With a Token, /?token=TOKEN sets the token as a cookie
	// (TokenCookie) and redirects to the page; GET requests under /v1/ may carry the token in
	// that cookie instead of the Authorization header.
	Page http.Handler
}

func (c *Config) defaults() {
	if c.MaxConcurrent <= 0 {
		c.MaxConcurrent = 8
	}
	if c.QueryTimeout <= 0 {
		c.QueryTimeout = 30 * time.Second
	}
	if c.Limits.MaxRows == 0 {
		c.Limits.MaxRows = 1_000_000
	}
	if c.Limits.MaxBytes == 0 {
		c.Limits.MaxBytes = 256 << 20
	}
	if c.Limits.MaxElements == 0 {
		c.Limits.MaxElements = 1_000_000
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.MemoryLimit == "" {
		c.MemoryLimit = DefaultMemoryLimit()
	}
	if c.SpillLimit == "" {
		c.SpillLimit = c.MemoryLimit
	}
	if c.MemoryCeiling == 0 {
		if n, err := ParseBytes(c.MemoryLimit); err == nil {
			c.MemoryCeiling = n + n/2
		}
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.ReloadEvery <= 0 {
		c.ReloadEvery = 2 * time.Second
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.Title == "" {
		c.Title = "Query service"
	}
}

// Server answers HTTP requests from the current snapshot of the database.
type Server struct {
	cfg     Config
	cur     current
	slots   chan struct{}
	reading chan struct{} // request bodies being read
	mux     *http.ServeMux
	reloads sync.Mutex
	openapi []byte
	queries running
	follow  func() // ends the declaration that this process reads the database
	closing sync.Once
}

// New opens the database and prepares the handlers.
func New(ctx context.Context, cfg Config) (*Server, error) {
	cfg.defaults()
	// Writers of the database work on a copy while this process follows it, even before it has
	// opened their previous version.
	follow, err := store.FollowAsReader(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	sn, err := openSnapshot(ctx, cfg.Database, cfg)
	if err != nil {
		follow()
		return nil, err
	}
	s := &Server{cfg: cfg, slots: make(chan struct{}, cfg.MaxConcurrent), reading: make(chan struct{}, 4*cfg.MaxConcurrent),
		mux: http.NewServeMux(), follow: follow}
	s.cur.swap(sn)
	if s.openapi, err = openAPI(cfg); err != nil {
		s.Close()
		return nil, err
	}
	s.mux.HandleFunc("GET /healthz", s.health)
	s.mux.Handle("GET /v1/openapi.json", s.authorize(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(s.openapi)
	})))
	s.mux.Handle("POST /v1/sql", s.authorize(s.readBody(s.guard(s.sql))))
	s.mux.HandleFunc("/v1/sql", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "POST")
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "send the query with POST, in the body")
	})
	for _, e := range cfg.Endpoints {
		s.mux.Handle("GET "+e.Path, s.guard(s.endpoint(e)))
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if cfg.Page != nil && r.URL.Path != "/v1" && !strings.HasPrefix(r.URL.Path, "/v1/") {
			s.page(w, r)
			return
		}
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no endpoint %s %s; /v1/openapi.json lists them", r.Method, r.URL.Path))
	})
	return s, nil
}

// Handler is the service's HTTP handler, with request logging.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			s.cfg.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
				"bytes", sw.bytes, "ms", time.Since(started).Milliseconds())
		}()
		s.mux.ServeHTTP(sw, r)
	})
}

// Serve answers on ln until ctx ends, then stops accepting connections, lets the requests in
// flight finish (up to the query time limit) and closes the database.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	reloadCtx, stopReload := context.WithCancel(ctx)
	defer stopReload()
	go s.watch(reloadCtx)
	if s.cfg.MemoryCeiling > 0 {
		go s.watchMemory(reloadCtx, s.cfg.MemoryCeiling)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return err
	case <-ctx.Done():
	}
	s.cfg.Log.Info("shutting down", "grace", s.cfg.QueryTimeout+5*time.Second)
	shutCtx, cancel := context.WithTimeout(context.Background(), s.cfg.QueryTimeout+5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutCtx)
	s.Close()
	return err
}

// Close closes the database once the requests holding it are done.
func (s *Server) Close() {
	s.closing.Do(func() {
		s.cur.swap(nil)
		s.follow()
	})
}

// watch checks the database file every ReloadEvery and swaps in a new snapshot when it changed.
func (s *Server) watch(ctx context.Context) {
	every(ctx, s.cfg.ReloadEvery, func() {
		if err := s.Reload(ctx); err != nil {
			s.cfg.Log.Warn("database changed but cannot be opened yet; still answering from the previous version", "error", err)
		}
	})
}

// every calls fn every d until ctx ends.
func every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// Reload opens the database file again if it changed since the current snapshot, and swaps it
// in. Requests running on the previous snapshot finish on it.
func (s *Server) Reload(ctx context.Context) error {
	s.reloads.Lock()
	defer s.reloads.Unlock()
	old := s.cur.acquire()
	if old == nil {
		return nil
	}
	changed := old.changed(s.cfg.Database)
	old.release()
	if !changed {
		return nil
	}
	sn, err := openSnapshot(ctx, s.cfg.Database, s.cfg)
	if err != nil {
		return err
	}
	s.cur.swap(sn)
	s.cfg.Log.Info("database reloaded", "file", s.cfg.Database, "modified", sn.file.ModTime())
	return nil
}

// TokenCookie is the cookie that carries the bearer token of a page's requests (Config.Page).
const TokenCookie = "ictstat_token"

// page answers a request of the page. With a token, ?token=TOKEN (the right one) sets the
// token cookie (the token in unpadded base64url, so that any token fits in a cookie) and
// redirects to the page, /, without the parameter.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if s.cfg.Token != "" && q.Has("token") {
		if subtle.ConstantTimeCompare([]byte(q.Get("token")), []byte(s.cfg.Token)) != 1 {
			writeError(w, http.StatusUnauthorized, "unauthorized", "the token in ?token= is not this service's")
			return
		}
		http.SetCookie(w, &http.Cookie{Name: TokenCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(s.cfg.Token)), Path: "/",
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		q.Del("token")
		to := "/"
		if len(q) > 0 {
			to += "?" + q.Encode()
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	s.cfg.Page.ServeHTTP(w, r)
}

// authorize answers 401 unless the request carries the service's bearer token (when it has one):
// in the Authorization header, or for a GET request of a service with a page, in the token
// cookie the page's URL set.
func (s *Server) authorize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Token != "" {
			scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			if s.cfg.Page != nil && got == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
				if c, err := r.Cookie(TokenCookie); err == nil {
					if b, err := base64.RawURLEncoding.DecodeString(c.Value); err == nil {
						scheme, got = "Bearer", string(b)
					}
				}
			}
			if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.cfg.Token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="ictstat"`)
				writeError(w, http.StatusUnauthorized, "unauthorized", "this service needs a bearer token: send 'Authorization: Bearer TOKEN'")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// guard checks the token and takes a query slot, or answers 401 or 503.
func (s *Server) guard(next func(http.ResponseWriter, *http.Request, *snapshot)) http.Handler {
	return s.authorize(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		default:
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, "busy", fmt.Sprintf("%d queries are running, the most this service runs at once; retry shortly", s.cfg.MaxConcurrent))
			return
		}
		sn := s.cur.acquire()
		if sn == nil {
			writeError(w, http.StatusServiceUnavailable, "closed", "the service is shutting down")
			return
		}
		defer sn.release()
		next(w, r, sn)
	}))
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	sn := s.cur.acquire()
	if sn == nil {
		writeError(w, http.StatusServiceUnavailable, "closed", "the service is shutting down")
		return
	}
	defer sn.release()
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	status, code := "ok", http.StatusOK
	if err := sn.db.PingContext(ctx); err != nil {
		status, code = "unavailable: "+err.Error(), http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{
		"status": status, "version": s.cfg.Version, "database_modified": sn.file.ModTime().UTC(),
		"loaded_at": sn.loadedAt.UTC(), "queries_running": len(s.slots), "max_concurrent": s.cfg.MaxConcurrent,
		"db_connections_open": sn.db.Stats().OpenConnections + sn.q.Running(),
		"memory_limit":        s.cfg.MemoryLimit, "memory_ceiling_bytes": s.cfg.MemoryCeiling, "resident_bytes": residentBytes(),
		"queries_stopped_for_memory": s.queries.stoppedCount(),
	})
}

// readBody reads the request body whole, up to MaxBodyBytes, before next takes a query slot, so
// that a client sending its body slowly holds no slot. At most four bodies per query slot are
// read at once (503 beyond), so that clients sending bodies hold a bounded amount of memory.
func (s *Server) readBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.reading <- struct{}{}:
		default:
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, "busy", "too many queries are being sent at once; retry shortly")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
		<-s.reading
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", fmt.Sprintf("the query is longer than %d bytes", s.cfg.MaxBodyBytes))
			return
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "read the body: "+err.Error())
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// sql runs the POSTed query: the body is the SQL text, or JSON {"sql": "..."}.
func (s *Server) sql(w http.ResponseWriter, r *http.Request, sn *snapshot) {
	format, ok := negotiate(w, r)
	if !ok {
		return
	}
	body, _ := io.ReadAll(r.Body)
	text := string(body)
	var args []any
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		var req struct {
			SQL    string `json:"sql"`
			Params []any  `json:"params"`
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", `the JSON body must be {"sql": "SELECT ... WHERE economy = $1", "params": ["KEN"]}: `+err.Error())
			return
		}
		text = req.SQL
		for i, p := range req.Params {
			arg, err := jsonParam(p)
			if err != nil {
				writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("params[%d]: %v", i, err))
				return
			}
			args = append(args, arg)
		}
	}
	s.run(w, r, sn, query.Query{SQL: text, Args: args, Policy: query.Policy{SelectOnly: true}, Limits: s.cfg.Limits}, format)
}

// jsonParam is a query parameter given in JSON: a string, a number (whole numbers as integers),
// true, false or null.
func jsonParam(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool:
		return x, nil
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, nil
		}
		return x.Float64()
	}
	return nil, fmt.Errorf("a parameter is a string, a number, true, false or null, not %T", v)
}

// run runs q and streams its result in format, on a DuckDB connection of its own that ends
// with the request. The status is sent once the first 64 KiB of the result are ready, so that an
// error before then gets its own status; an error after then ends JSON with an "error" member
// and cuts other formats off, so that no client takes a partial result for a whole one. A client
// that reads nothing for WriteTimeout (or past the query's time limit) is cut off, and its slot
// freed. Every client has its answer within a second of the time limit.
func (s *Server) run(w http.ResponseWriter, r *http.Request, sn *snapshot, q query.Query, format string) {
	if v := r.URL.Query().Get("as_of"); v != "" {
		date, err := store.ParseAsOf(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_parameter", "as_of: "+err.Error())
			return
		}
		if q.Setup, err = store.AsOfViews(r.Context(), sn.db, date); errors.Is(err, store.ErrBeforeEditions) {
			writeError(w, http.StatusBadRequest, "bad_parameter", "as_of: "+err.Error())
			return
		} else if err != nil {
			writeError(w, http.StatusInternalServerError, "internal", err.Error())
			return
		}
	}
	timed, cancel := context.WithTimeout(r.Context(), s.cfg.QueryTimeout)
	defer cancel()
	ctx, stop := context.WithCancelCause(timed)
	defer stop(nil)
	defer s.queries.add(stop)()
	deadline, _ := ctx.Deadline()
	dw := &deferredWriter{w: w, contentType: query.ContentType(format), rc: http.NewResponseController(w),
		writeBy: func() time.Time {
			return minTime(time.Now().Add(s.cfg.WriteTimeout), deadline)
		}}
	done := make(chan error, 1)
	go func() {
		_, err := sn.q.Run(ctx, q, format, dw)
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		// DuckDB stops at the next chunk or task once interrupted; inside one long function call
		// (repeat() of a huge string, say) it does not. The client then gets its answer now, and
		// the query keeps its slot until DuckDB lets go of it.
		select {
		case err = <-done:
		case <-time.After(time.Second):
			if dw.abandon() {
				if context.Cause(ctx) == errMemory {
					writeMemoryError(w)
				} else {
					writeError(w, http.StatusGatewayTimeout, "timeout", fmt.Sprintf("the query ran past the %s time limit: filter or aggregate more", s.cfg.QueryTimeout))
				}
				http.NewResponseController(w).Flush()
				s.cfg.Log.Warn("query answered at its time limit, still running in DuckDB", "path", r.URL.Path)
				<-done
				return
			}
			err = <-done
		}
	}
	if err == nil {
		err = dw.flush()
		if err == nil {
			return
		}
	}
	var qe *query.Error
	if !errors.As(err, &qe) {
		qe = &query.Error{Kind: query.Internal, Message: err.Error()}
	}
	if qe.Kind == query.Timeout {
		qe.Message = fmt.Sprintf("the query ran past the %s time limit: filter or aggregate more", s.cfg.QueryTimeout)
	}
	if !dw.committed && context.Cause(ctx) == errMemory {
		writeMemoryError(w)
		return
	}
	if !dw.committed {
		status, code := statusOf(qe.Kind)
		writeError(w, status, code, qe.Message)
		return
	}
	if format == "json" && qe.Kind == query.TooLarge {
		dw.flush()
		return
	}
	s.cfg.Log.Warn("result cut off", "path", r.URL.Path, "error", qe.Message)
	panic(http.ErrAbortHandler)
}

func minTime(a, b time.Time) time.Time {
	if b.IsZero() || a.Before(b) {
		return a
	}
	return b
}

// writeMemoryError answers a query stopped because the service passed its memory ceiling.
func writeMemoryError(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "5")
	writeError(w, http.StatusServiceUnavailable, "out_of_memory",
		"the service passed its memory ceiling while this query ran, and stopped it as the one running longest; retry, or ask for less (filter, aggregate, fewer list elements)")
}

// statusOf is the HTTP status and error code of a failed query.
func statusOf(k query.Kind) (int, string) {
	switch k {
	case query.BadRequest:
		return http.StatusBadRequest, "bad_request"
	case query.Invalid:
		return http.StatusBadRequest, "invalid_query"
	case query.Refused:
		return http.StatusForbidden, "refused"
	case query.TooLarge:
		return http.StatusUnprocessableEntity, "result_too_large"
	case query.Timeout:
		return http.StatusGatewayTimeout, "timeout"
	case query.Canceled:
		return 499, "canceled"
	}
	return http.StatusInternalServerError, "internal"
}

// negotiate picks the result format from the Accept header (or ?format=), or answers 406.
func negotiate(w http.ResponseWriter, r *http.Request) (string, bool) {
	if f := r.URL.Query().Get("format"); f != "" {
		switch f {
		case "json", "csv", "ndjson", "arrow":
			return f, true
		}
		writeError(w, http.StatusBadRequest, "bad_request", "format must be json, csv, ndjson or arrow")
		return "", false
	}
	accept := r.Header.Get("Accept")
	if accept == "" {
		return "json", true
	}
	formats := map[string]string{"application/json": "json", "*/*": "json", "application/*": "json", "text/csv": "csv", "text/*": "csv",
		"application/x-ndjson": "ndjson", "application/jsonl": "ndjson", "application/vnd.apache.arrow.stream": "arrow"}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		if f, ok := formats[mt]; ok && q > bestQ {
			best, bestQ = f, q
		}
	}
	if best != "" {
		return best, true
	}
	writeError(w, http.StatusNotAcceptable, "not_acceptable",
		"results come as application/json, text/csv, application/x-ndjson or application/vnd.apache.arrow.stream; Accept asked for "+accept)
	return "", false
}

// writeError answers with a JSON error: {"error": {"status", "code", "message"}}.
// The answer carries its length, so that a client has it whole as soon as it is flushed.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	body, _ := json.Marshal(map[string]any{"error": map[string]any{"status": status, "code": code, "message": msg}})
	body = append(body, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// deferredWriter holds the first 64 KiB of a response before sending the status, then streams;
// every write to the client must end by writeBy().
type deferredWriter struct {
	w           http.ResponseWriter
	rc          *http.ResponseController
	writeBy     func() time.Time
	contentType string
	mu          sync.Mutex // a query abandoned at its time limit writes no more
	abandoned   bool
	buf         []byte
	committed   bool
}

const commitAfter = 64 << 10

var errAbandoned = errors.New("the query was answered at its time limit")

func (d *deferredWriter) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.abandoned {
		return 0, errAbandoned
	}
	if d.committed {
		return d.send(p)
	}
	d.buf = append(d.buf, p...)
	if len(d.buf) >= commitAfter {
		if err := d.commit(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// abandon stops every later write and reports whether nothing was sent yet, so that the caller
// may still answer with an error of its own.
func (d *deferredWriter) abandon() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.abandoned = true
	return !d.committed
}

func (d *deferredWriter) flush() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.commit()
}

func (d *deferredWriter) commit() error {
	if !d.committed {
		d.committed = true
		d.w.Header().Set("Content-Type", d.contentType)
		d.w.WriteHeader(http.StatusOK)
	}
	if len(d.buf) > 0 {
		_, err := d.send(d.buf)
		d.buf = nil
		return err
	}
	return nil
}

// send writes p to the client within the write deadline.
func (d *deferredWriter) send(p []byte) (int, error) {
	if d.rc != nil {
		d.rc.SetWriteDeadline(d.writeBy())
	}
	return d.w.Write(p)
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	s.wrote = true
	n, err := s.ResponseWriter.Write(p)
	s.bytes += int64(n)
	return n, err
}

// Unwrap gives http.ResponseController the connection's own writer, for write deadlines.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
