package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/quartzdb/quartzdb/auth"
	"github.com/quartzdb/quartzdb/billing"
	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/sql"
)

// kv.go is the REST side of a tenant's data on the HTTP port (described in
// docs/api/openapi.yml):
//
//	GET    /api/v1/kv/{key}                       the value, with its Content-Type
//	POST   /api/v1/kv/{key}                       the body becomes the value (upsert)
//	DELETE /api/v1/kv/{key}                       remove it
//	GET    /api/v1/kv?prefix=P&after=K&limit=N    keys in order, a page at a time
//	GET    /api/v1/usage?since=T                  the tenant's own usage per minute
//
// Every call authenticates with X-API-Key, a tenant's API key (the admin
// key is refused: the REST API acts as a tenant), and takes one token of
// the key's statement rate, so REST and SQL share one budget. Values live
// in the table quartz_kv of the tenant's database, created on first use, so
// SQL over pgwire reads and writes the same data. Each KV call runs its SQL
// in a short session opened exactly as the key's pgwire login would be
// (same user, database and statement-timeout ceiling) and is metered once,
// like a statement, before its response is written: an answered call's
// usage is never lost.

// kvCreateTable is the KV table's definition, run when the table is missing.
const kvCreateTable = `CREATE TABLE IF NOT EXISTS quartz_kv (
	key text PRIMARY KEY,
	value text NOT NULL,
	content_type text NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
)`

// The statements of the KV calls.
const (
	kvSelect = `SELECT value, content_type, updated_at FROM quartz_kv WHERE key = $1`
	kvUpsert = `INSERT INTO quartz_kv (key, value, content_type) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, content_type = EXCLUDED.content_type, updated_at = now()
RETURNING updated_at`
	kvDelete = `DELETE FROM quartz_kv WHERE key = $1`
	// key >= $1 is implied by starts_with; it lets a range scan start at
	// the prefix.
	kvList = `SELECT key, value, content_type, updated_at FROM quartz_kv
WHERE starts_with(key, $1) AND key >= $1 AND key > $2 ORDER BY key LIMIT $3`
)

// Limits of the KV API.
const (
	kvMaxValueBytes = 1 << 20 // a value's body
	kvMaxKeyBytes   = 512
	// kvMaxContentType bounds the stored media type, which is echoed back.
	kvMaxContentType = 255
	kvDefaultLimit   = 100
	kvMaxLimit       = 1000
	// kvDefaultContentType is stored when a POST names none.
	kvDefaultContentType = "text/plain; charset=utf-8"
	// usageDefaultSince is how far back GET /api/v1/usage looks by default.
	usageDefaultSince = 24 * time.Hour
)

// The metering kinds of the KV calls (billing.Usage.Kind).
const (
	kindKVGet    = "KV GET"
	kindKVPut    = "KV PUT"
	kindKVDelete = "KV DELETE"
	kindKVList   = "KV LIST"
)

// apiError is every REST error body.
type apiError struct {
	Error string `json:"error"`
	// Code is the error's SQLSTATE when it has one (from SQL, or the one
	// a pgwire client would get for the same refusal).
	Code string `json:"code,omitempty"`
}

type kvPutResponse struct {
	Key       string    `json:"key"`
	UpdatedAt time.Time `json:"updated_at"`
}

type kvItem struct {
	Key         string    `json:"key"`
	Value       string    `json:"value"`
	ContentType string    `json:"content_type"`
	UpdatedAt   time.Time `json:"updated_at"`
}

type kvListResponse struct {
	Items []kvItem `json:"items"`
	// Next is the after= of the next page; nil on the last page.
	Next *string `json:"next"`
}

type usageWindowJSON struct {
	Minute               time.Time `json:"minute"`
	Statements           int64     `json:"statements"`
	Failed               int64     `json:"failed"`
	Units                int64     `json:"units"`
	RowsRead             int64     `json:"rows_read"`
	RowsWritten          int64     `json:"rows_written"`
	DistanceComputations int64     `json:"distance_computations"`
	BytesIn              int64     `json:"bytes_in"`
	BytesOut             int64     `json:"bytes_out"`
	Sent                 bool      `json:"sent"`
}

type usageResponse struct {
	Tenant  string            `json:"tenant"`
	Windows []usageWindowJSON `json:"windows"`
}

// writeAPIJSON writes v as a JSON response (before authentication or for
// calls that are not metered).
func writeAPIJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"could not encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// methodNotAllowed answers 405 with the methods the path serves.
func methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	writeAPIJSON(w, http.StatusMethodNotAllowed, apiError{Error: fmt.Sprintf("method %s is not allowed here; use %s", r.Method, allow)})
}

// apiCaller is who a REST call authenticated as.
type apiCaller struct {
	key    *auth.KeyRecord
	limits auth.Limits
}

// apiAuthenticate checks the X-API-Key header. On failure it has answered
// (401, or 429 for an address refused after repeated failures) and returns
// nil. Wrong, unknown and revoked keys fail alike, after the same work, and
// count towards the address's failed logins as pgwire ones do.
func (s *Server) apiAuthenticate(w http.ResponseWriter, r *http.Request) *apiCaller {
	unauthorized := func(msg string) *apiCaller {
		w.Header().Set("WWW-Authenticate", "ApiKey")
		writeAPIJSON(w, http.StatusUnauthorized, apiError{Error: msg})
		return nil
	}
	key := r.Header.Get("X-API-Key")
	store := s.cfg.Auth
	switch {
	case key == "":
		return unauthorized("missing X-API-Key header: send a tenant's API key (qz_<keyid>_<secret>)")
	case store == nil:
		return unauthorized("this server has no API keys; the REST API is unavailable")
	case s.cfg.AdminPassword != "" && subtle.ConstantTimeCompare([]byte(key), []byte(s.cfg.AdminPassword)) == 1:
		return unauthorized("the admin key is not accepted by the REST API; use a tenant's API key")
	}
	addr := httpClientIP(r)
	if err := s.failures.Check(addr); err != nil {
		se := toSQLError(err)
		writeAPIJSON(w, http.StatusTooManyRequests, apiError{Error: se.Message + " " + se.Hint, Code: se.Code})
		return nil
	}
	// A malformed key still goes through VerifyCleartext, which compares
	// it against a dummy hash: every failure costs the same.
	keyID, _, _ := auth.ParseKey(key)
	rec, err := store.VerifyCleartext(r.Context(), auth.KeyUser(keyID), key)
	if errors.Is(err, auth.ErrAuthFailed) {
		s.cfg.Metrics.AuthFailure()
		s.failures.Fail(addr)
		if d := s.failures.Delay(addr); d > 0 {
			sleepCtx(r.Context(), d)
		}
		return unauthorized("invalid or revoked API key")
	}
	if err != nil {
		s.log.Error("rest api: authentication", "err", err)
		writeAPIJSON(w, http.StatusInternalServerError, apiError{Error: "authentication failed: internal error"})
		return nil
	}
	s.failures.Succeed(addr)
	lim, ok := store.LimitsFor(rec.Tier)
	if !ok {
		// As for pgwire: a key whose tier is gone must not run unlimited.
		return unauthorized(fmt.Sprintf("API key %q has tier %q, which this server does not define", rec.ID, rec.Tier))
	}
	return &apiCaller{key: rec, limits: lim}
}

// httpClientIP is the request's client address without the port.
func httpClientIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// apiTakeToken takes one token of the caller's statement rate and sets the
// X-RateLimit headers (none for an unlimited key). When refused it also
// sets Retry-After and returns false with the wait; the caller answers
// 429.
func (s *Server) apiTakeToken(w http.ResponseWriter, c *apiCaller) (bool, time.Duration) {
	ok, remaining, retry := s.limiter.Take(c.key.ID, c.limits)
	per := c.limits.StatementsPerMinute
	if per <= 0 || remaining < 0 {
		return true, 0
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(per))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	reset := retry
	if ok {
		// A token was just taken, so the bucket refills one within a
		// token's period (the limiter does not expose the fraction).
		reset = time.Minute / time.Duration(per)
	}
	h.Set("X-RateLimit-Reset", strconv.Itoa(ceilSeconds(reset)))
	if !ok {
		h.Set("Retry-After", strconv.Itoa(max(1, ceilSeconds(retry))))
	}
	return ok, retry
}

// ceilSeconds rounds d up to whole seconds, never below 0.
func ceilSeconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int(math.Ceil(d.Seconds()))
}

// kvCall is one authenticated KV request: what it is metered with.
type kvCall struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	caller *apiCaller
	kind   string
	start  time.Time // the request's arrival
	// work is when the call's own work began (its body read), for CPU.
	work     time.Time
	database string
	bytesIn  int64
	use      planner.StatementUsage
	// unmetered is set for a call refused because its usage could not
	// be kept (see meterAdmit).
	unmetered bool
}

// finish meters the call and then writes its response (headers already
// set by the caller, except Content-Length). state is the SQLSTATE of a
// failed call, "" for success.
func (k *kvCall) finish(status int, body []byte, state string, rateLimited bool) {
	now := time.Now()
	tenant := k.caller.key.Tenant
	bytesOut := int64(len(body))
	if k.r.Method == http.MethodHead {
		bytesOut = 0
	}
	outcome := OutcomeOK
	switch {
	case rateLimited:
		outcome = OutcomeRateLimited
	case state != "":
		outcome = OutcomeError
	}
	if mt := k.s.cfg.Metrics; mt != nil {
		mt.Statement("OTHER", outcome, now.Sub(k.start), tenant)
		mt.Rows(k.use.RowsRead, k.use.RowsWritten)
		if rateLimited {
			mt.RateLimited()
		}
	}
	if meter := k.s.cfg.Meter; meter != nil && !k.unmetered {
		work := k.work
		if work.IsZero() {
			work = now
		}
		meter.Record(billing.Usage{
			Tenant: tenant, KeyID: k.caller.key.ID, Database: k.database, Kind: k.kind,
			RowsRead: k.use.RowsRead, RowsWritten: k.use.RowsWritten, Distances: k.use.Distances,
			BytesIn: k.bytesIn, BytesOut: bytesOut,
			CPU: now.Sub(work), Wall: now.Sub(k.start), At: now,
			SQLState: state, RateLimited: rateLimited,
		})
	}
	k.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	k.w.WriteHeader(status)
	_, _ = k.w.Write(body)
}

// json answers a successful call (or a 404, which is a statement that
// found nothing) with v.
func (k *kvCall) json(status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		k.fail(http.StatusInternalServerError, sql.CodeInternalError, "could not encode the response")
		return
	}
	k.w.Header().Set("Content-Type", "application/json")
	k.finish(status, body, "", false)
}

// fail answers a failed call with a JSON error; state is its SQLSTATE
// ("" for errors without one).
func (k *kvCall) fail(status int, state, msg string) {
	body, _ := json.Marshal(apiError{Error: msg, Code: state})
	k.w.Header().Set("Content-Type", "application/json")
	k.finish(status, body, state, false)
}

// refuseUnmetered answers a call refused by meterAdmit, without metering
// it.
func (k *kvCall) refuseUnmetered(status int, e *sql.Error) {
	k.unmetered = true
	k.w.Header().Set("Retry-After", "5")
	k.fail(status, e.Code, e.Message)
}

// sqlFail answers a failed SQL statement with its SQLSTATE and message.
func (k *kvCall) sqlFail(err error) {
	se := sql.Wrap(err)
	code := se.Code
	if code == "" {
		code = sql.CodeInternalError
	}
	status := sqlStateStatus(code)
	if status >= 500 {
		k.s.log.Warn("rest api: statement failed", "kind", k.kind, "tenant", k.caller.key.Tenant, "code", code, "err", err)
	}
	k.fail(status, code, se.Message)
}

// sqlStateStatus maps a SQLSTATE to the HTTP status of a KV call that
// failed with it.
func sqlStateStatus(code string) int {
	switch {
	case strings.HasPrefix(code, "40"): // a concurrent write won: retry
		return http.StatusConflict
	case strings.HasPrefix(code, "22"), strings.HasPrefix(code, "23"):
		return http.StatusBadRequest
	case strings.HasPrefix(code, "53"), strings.HasPrefix(code, "57"):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// admit runs the checks every KV call passes after authentication: the
// rate limit (429) and billing suspension (402). False means it answered.
func (k *kvCall) admit() bool {
	s, c := k.s, k.caller
	if ok, retry := s.apiTakeToken(k.w, c); !ok {
		e := auth.RateLimitError(c.key.ID, c.key.Tier, c.limits, retry)
		body, _ := json.Marshal(apiError{Error: e.Message, Code: e.Code})
		k.w.Header().Set("Content-Type", "application/json")
		k.finish(http.StatusTooManyRequests, body, e.Code, true)
		return false
	}
	if suspended := s.cfg.Suspended; suspended != nil && suspended(c.key.Tenant) {
		k.fail(http.StatusPaymentRequired, auth.CodeConfigurationLimit,
			fmt.Sprintf("tenant %q is suspended for billing: its last invoice was not paid or its subscription ended; settle the invoice to resume (GET /api/v1/usage still works)", c.key.Tenant))
		return false
	}
	if err := s.meterAdmit(); err != nil {
		k.refuseUnmetered(http.StatusServiceUnavailable, err)
		return false
	}
	return true
}

// newKVCall authenticates a KV request and admits it; nil means it has
// been answered.
func (s *Server) newKVCall(w http.ResponseWriter, r *http.Request, kind string, start time.Time) *kvCall {
	c := s.apiAuthenticate(w, r)
	if c == nil {
		return nil
	}
	k := &kvCall{s: s, w: w, r: r, caller: c, kind: kind, start: start}
	t, err := s.cfg.Auth.GetTenant(r.Context(), c.key.Tenant)
	if err != nil {
		s.log.Error("rest api: look up tenant", "tenant", c.key.Tenant, "err", err)
		k.fail(http.StatusInternalServerError, sql.CodeInternalError, "could not look up the key's tenant")
		return nil
	}
	k.database = t.Database
	if !k.admit() {
		return nil
	}
	return k
}

// session starts the call's own work (its CPU time counts from here): it
// opens a session of the caller's key on its tenant's database, with the
// options its pgwire login would get, and a context bounded by the key's
// statement timeout and the server's life. ok false means it failed and
// the call has been answered.
func (k *kvCall) session() (ctx context.Context, sess engineSession, done func(), ok bool) {
	k.work = time.Now()
	ctx, sess, done, err := k.openSession()
	if err != nil {
		k.sqlFail(err)
		return nil, nil, nil, false
	}
	return ctx, sess, done, true
}

func (k *kvCall) openSession() (context.Context, engineSession, func(), error) {
	s, c := k.s, k.caller
	var ctx context.Context
	var cancel context.CancelFunc
	if c.limits.StatementTimeout > 0 {
		ctx, cancel = context.WithTimeout(k.r.Context(), c.limits.StatementTimeout)
	} else {
		ctx, cancel = context.WithCancel(k.r.Context())
	}
	stop := context.AfterFunc(s.baseCtx, cancel)
	done := func() {
		stop()
		cancel()
	}
	sess, err := s.newSession(ctx, planner.SessionOptions{
		User: auth.KeyUser(c.key.ID), Database: k.database, Tenant: c.key.Tenant,
		MaxStatementTimeout: c.limits.StatementTimeout, Usage: s.cfg.Usage,
	})
	if err != nil {
		done()
		return nil, nil, nil, err
	}
	return ctx, sess, func() {
		sess.Close()
		done()
	}, nil
}

// exec runs one KV statement; when quartz_kv does not exist yet (first
// use, or a tenant dropped it) it creates the table and runs it again.
func (k *kvCall) exec(ctx context.Context, sess engineSession, query string, args ...sql.Datum) ([][]sql.Datum, string, error) {
	defer func() {
		u := sess.TakeUsage()
		k.use.RowsRead += u.RowsRead
		k.use.RowsWritten += u.RowsWritten
		k.use.Distances += u.Distances
	}()
	rows, tag, err := runStatement(ctx, sess, query, args...)
	if err == nil || sql.Wrap(err).Code != sql.CodeUndefinedTable {
		return rows, tag, err
	}
	// Two first calls may race; the loser's 42P07 is harmless.
	if _, _, cerr := runStatement(ctx, sess, kvCreateTable); cerr != nil && sql.Wrap(cerr).Code != sql.CodeDuplicateTable {
		return nil, "", fmt.Errorf("create quartz_kv: %w", cerr)
	}
	return runStatement(ctx, sess, query, args...)
}

// runStatement runs query with args (string as text, int64 as bigint) as
// one implicit transaction and returns its rows and command tag.
func runStatement(ctx context.Context, sess engineSession, query string, args ...sql.Datum) ([][]sql.Datum, string, error) {
	stmts, err := sql.Parse(query)
	if err != nil {
		return nil, "", err
	}
	if len(stmts) != 1 {
		return nil, "", fmt.Errorf("internal: %d statements in a KV query", len(stmts))
	}
	oids := make([]uint32, len(args))
	for i, a := range args {
		switch a.(type) {
		case string:
			oids[i] = sql.OIDText
		case int64:
			oids[i] = sql.OIDInt8
		default:
			return nil, "", fmt.Errorf("internal: KV parameter of type %T", a)
		}
	}
	fail := func(err error) ([][]sql.Datum, string, error) {
		sess.Fail(err)
		_ = sess.EndImplicit(ctx)
		return nil, "", err
	}
	p, err := sess.Prepare(ctx, stmts[0], query, oids)
	if err != nil {
		return fail(err)
	}
	cur, err := sess.Bind(ctx, p, args)
	if err != nil {
		return fail(err)
	}
	var rows [][]sql.Datum
	for {
		row, err := cur.Next(ctx)
		if err != nil {
			cur.Close()
			return fail(err)
		}
		if row == nil {
			break
		}
		rows = append(rows, append([]sql.Datum(nil), row...))
	}
	tag := cur.Tag()
	cur.Close()
	if err := sess.EndImplicit(ctx); err != nil {
		return fail(err)
	}
	return rows, tag, nil
}

// pgEpoch is where sql.TimestampTZ counts from.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// datumTime converts a timestamptz datum to a UTC time.
func datumTime(d sql.Datum) time.Time {
	ts, ok := d.(sql.TimestampTZ)
	if !ok {
		return time.Time{}
	}
	return pgEpoch.Add(time.Duration(ts) * time.Microsecond)
}

func datumString(d sql.Datum) string {
	s, _ := d.(string)
	return s
}

// kvKind is the metering kind of a method on /api/v1/kv/{key}.
func kvKind(method string) string {
	switch method {
	case http.MethodPost:
		return kindKVPut
	case http.MethodDelete:
		return kindKVDelete
	}
	return kindKVGet
}

// kvKey extracts and checks the key of /api/v1/kv/{key}: the rest of the
// path, unescaped (so a key may hold '/', best sent as %2F).
func kvKey(r *http.Request) (string, error) {
	raw := strings.TrimPrefix(r.URL.EscapedPath(), "/api/v1/kv/")
	key, err := url.PathUnescape(raw)
	if err != nil {
		return "", errors.New("the key is not a valid URL path segment")
	}
	return key, validKVText("key", key, kvMaxKeyBytes)
}

// validKVText checks a key: 1 to max bytes of UTF-8 without NUL (what a
// text column holds).
func validKVText(what, s string, maxBytes int) error {
	switch {
	case s == "" || len(s) > maxBytes:
		return fmt.Errorf("the %s must be 1 to %d bytes long (got %d)", what, maxBytes, len(s))
	case !utf8.ValidString(s):
		return fmt.Errorf("the %s is not valid UTF-8", what)
	case strings.IndexByte(s, 0) >= 0:
		return fmt.Errorf("the %s contains a NUL byte", what)
	}
	return nil
}

// kvContentType normalises a POST's Content-Type: a text value needs a
// parseable media type whose charset, if any, is UTF-8 (or its subset
// ASCII).
func kvContentType(h string) (string, error) {
	if strings.TrimSpace(h) == "" {
		return kvDefaultContentType, nil
	}
	mt, params, err := mime.ParseMediaType(h)
	if err != nil {
		return "", fmt.Errorf("invalid Content-Type %q: %v", h, err)
	}
	if cs, ok := params["charset"]; ok {
		switch strings.ToLower(cs) {
		case "utf-8", "utf8", "us-ascii":
		default:
			return "", fmt.Errorf("values are stored as UTF-8 text; charset %q is not supported", cs)
		}
	}
	ct := mime.FormatMediaType(mt, params)
	if ct == "" || len(ct) > kvMaxContentType {
		return "", fmt.Errorf("Content-Type must be a media type of at most %d bytes", kvMaxContentType)
	}
	return ct, nil
}

// handleKV serves GET, HEAD, POST and DELETE /api/v1/kv/{key}.
func (s *Server) handleKV(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete:
	default:
		methodNotAllowed(w, r, "GET, HEAD, POST, DELETE")
		return
	}
	k := s.newKVCall(w, r, kvKind(r.Method), start)
	if k == nil {
		return
	}
	key, err := kvKey(r)
	k.bytesIn = int64(len(key))
	if err != nil {
		k.fail(http.StatusBadRequest, sql.CodeInvalidParameterValue, err.Error())
		return
	}
	var value, contentType string
	if r.Method == http.MethodPost {
		if r.ContentLength > kvMaxValueBytes {
			k.bytesIn += r.ContentLength
			k.fail(http.StatusRequestEntityTooLarge, sql.CodeProgramLimitExceeded,
				fmt.Sprintf("the value is %d bytes; at most %d are allowed", r.ContentLength, kvMaxValueBytes))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, kvMaxValueBytes))
		k.bytesIn += int64(len(body))
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			k.fail(http.StatusRequestEntityTooLarge, sql.CodeProgramLimitExceeded,
				fmt.Sprintf("the value exceeds %d bytes", kvMaxValueBytes))
			return
		case err != nil:
			k.fail(http.StatusBadRequest, "", "could not read the request body: "+err.Error())
			return
		}
		if !utf8.Valid(body) || strings.IndexByte(string(body), 0) >= 0 {
			k.fail(http.StatusUnsupportedMediaType, codeCharacterNotInRepertoire,
				"values must be UTF-8 text without NUL bytes; encode binary data (e.g. base64) first")
			return
		}
		if contentType, err = kvContentType(r.Header.Get("Content-Type")); err != nil {
			k.fail(http.StatusUnsupportedMediaType, codeCharacterNotInRepertoire, err.Error())
			return
		}
		value = string(body)
	}
	ctx, sess, done, ok := k.session()
	if !ok {
		return
	}
	defer done()
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		rows, _, err := k.exec(ctx, sess, kvSelect, key)
		if err != nil {
			k.sqlFail(err)
			return
		}
		if len(rows) == 0 {
			k.notFound(key)
			return
		}
		h := w.Header()
		h.Set("Content-Type", datumString(rows[0][1]))
		h.Set("Last-Modified", datumTime(rows[0][2]).Format(http.TimeFormat))
		// The stored type is the tenant's choice: never let a browser
		// sniff or run it on the API's origin.
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		h.Set("Cache-Control", "private, no-cache")
		k.finish(http.StatusOK, []byte(datumString(rows[0][0])), "", false)
	case http.MethodPost:
		rows, _, err := k.exec(ctx, sess, kvUpsert, key, value, contentType)
		if err != nil {
			k.sqlFail(err)
			return
		}
		var at time.Time
		if len(rows) > 0 {
			at = datumTime(rows[0][0])
		}
		k.json(http.StatusOK, kvPutResponse{Key: key, UpdatedAt: at})
	case http.MethodDelete:
		_, tag, err := k.exec(ctx, sess, kvDelete, key)
		if err != nil {
			k.sqlFail(err)
			return
		}
		if tag == "DELETE 0" {
			k.notFound(key)
			return
		}
		k.finish(http.StatusNoContent, nil, "", false)
	}
}

// notFound answers a key that does not exist: a statement that found
// nothing, metered as a success.
func (k *kvCall) notFound(key string) {
	body, _ := json.Marshal(apiError{Error: fmt.Sprintf("key %q not found", key)})
	k.w.Header().Set("Content-Type", "application/json")
	k.finish(http.StatusNotFound, body, "", false)
}

// handleKVList serves GET /api/v1/kv?prefix=P&after=K&limit=N: keys
// starting with P, after K, in order, at most N (default 100, at most
// 1000) and at most the key's result-size cap per page.
func (s *Server) handleKVList(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, r, "GET, HEAD")
		return
	}
	k := s.newKVCall(w, r, kindKVList, start)
	if k == nil {
		return
	}
	q := r.URL.Query()
	prefix, after := q.Get("prefix"), q.Get("after")
	k.bytesIn = int64(len(r.URL.RawQuery))
	limit := kvDefaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			k.fail(http.StatusBadRequest, sql.CodeInvalidParameterValue, fmt.Sprintf("limit must be an integer from 1 to %d", kvMaxLimit))
			return
		}
		limit = min(n, kvMaxLimit)
	}
	for name, v := range map[string]string{"prefix": prefix, "after": after} {
		if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
			k.fail(http.StatusBadRequest, codeCharacterNotInRepertoire, name+" must be UTF-8 text without NUL bytes")
			return
		}
	}
	ctx, sess, done, ok := k.session()
	if !ok {
		return
	}
	defer done()
	// One row more than the page tells whether there is a next page.
	rows, _, err := k.exec(ctx, sess, kvList, prefix, after, int64(limit+1))
	if err != nil {
		k.sqlFail(err)
		return
	}
	resp := kvListResponse{Items: make([]kvItem, 0, min(len(rows), limit))}
	capBytes, size := k.caller.limits.MaxResultBytes, int64(0)
	more := len(rows) > limit
	for i, row := range rows {
		if i == limit {
			break
		}
		it := kvItem{Key: datumString(row[0]), Value: datumString(row[1]), ContentType: datumString(row[2]), UpdatedAt: datumTime(row[3])}
		// A page stays under the key's result cap (as a SELECT must);
		// the rest comes with the next page. One item always fits, or
		// paging could never pass it.
		size += int64(len(it.Key)+len(it.Value)+len(it.ContentType)) + 100
		if capBytes > 0 && size > capBytes && len(resp.Items) > 0 {
			more = true
			break
		}
		resp.Items = append(resp.Items, it)
	}
	if more && len(resp.Items) > 0 {
		next := resp.Items[len(resp.Items)-1].Key
		resp.Next = &next
	}
	k.json(http.StatusOK, resp)
}

// handleUsage serves GET /api/v1/usage?since=T: the caller's tenant's
// usage per minute from the ledger, windows starting at or after T (an
// RFC 3339 time or a duration back from now, e.g. 90m or 7d; default
// 24h). It is not metered, and a tenant suspended for billing may still
// read it; it does take a rate-limit token.
func (s *Server) handleUsage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, r, "GET, HEAD")
		return
	}
	c := s.apiAuthenticate(w, r)
	if c == nil {
		return
	}
	if ok, retry := s.apiTakeToken(w, c); !ok {
		s.cfg.Metrics.RateLimited()
		e := auth.RateLimitError(c.key.ID, c.key.Tier, c.limits, retry)
		writeAPIJSON(w, http.StatusTooManyRequests, apiError{Error: e.Message, Code: e.Code})
		return
	}
	now := time.Now()
	since, err := ParseSince(r.URL.Query().Get("since"), now)
	if err != nil {
		writeAPIJSON(w, http.StatusBadRequest, apiError{Error: err.Error(), Code: sql.CodeInvalidParameterValue})
		return
	}
	if s.cfg.Usage == nil {
		writeAPIJSON(w, http.StatusServiceUnavailable, apiError{Error: "usage metering is not enabled on this server"})
		return
	}
	ws, err := s.cfg.Usage.UsageWindows(r.Context(), c.key.Tenant)
	if err != nil {
		s.log.Error("rest api: read usage", "tenant", c.key.Tenant, "err", err)
		writeAPIJSON(w, http.StatusInternalServerError, apiError{Error: "could not read usage", Code: sql.Wrap(err).Code})
		return
	}
	resp := usageResponse{Tenant: c.key.Tenant, Windows: []usageWindowJSON{}}
	for _, u := range ws {
		if u.Tenant != c.key.Tenant || u.Minute.Before(since) {
			continue
		}
		resp.Windows = append(resp.Windows, usageWindowJSON{
			Minute: u.Minute.UTC(), Statements: u.Statements, Failed: u.Failed, Units: u.Units,
			RowsRead: u.RowsRead, RowsWritten: u.RowsWritten, DistanceComputations: u.Distances,
			BytesIn: u.BytesIn, BytesOut: u.BytesOut, Sent: u.Sent,
		})
	}
	writeAPIJSON(w, http.StatusOK, resp)
}

// ParseSince reads the since= of GET /api/v1/usage (and quartzdb usage's
// --since): empty (the last 24
// hours), an RFC 3339 time, or a positive duration back from now (Go
// syntax such as 90m or 1h30m, or whole days such as 7d).
func ParseSince(v string, now time.Time) (time.Time, error) {
	if v == "" {
		return now.Add(-usageDefaultSince), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100_000 {
			return time.Time{}, fmt.Errorf("since=%q: want an RFC 3339 time or a duration like 15m, 24h or 7d", v)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil || d < 0 {
			return time.Time{}, fmt.Errorf("since=%q: want an RFC 3339 time or a duration like 15m, 24h or 7d", v)
		}
	}
	return now.Add(-d), nil
}
