package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/auth"
	"github.com/quartzdb/quartzdb/billing"
	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/sql"
)

// recordingMeter keeps every usage it is given.
type recordingMeter struct {
	mu  sync.Mutex
	got []billing.Usage
	// behind makes Admit refuse, as a meter whose ledger lags does.
	behind atomic.Bool
}

func (m *recordingMeter) Admit() error {
	if m.behind.Load() {
		return billing.ErrBehind
	}
	return nil
}

func (m *recordingMeter) Record(u billing.Usage) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.got = append(m.got, u)
	return 1
}

// take returns the usages recorded since the last call.
func (m *recordingMeter) take() []billing.Usage {
	m.mu.Lock()
	defer m.mu.Unlock()
	got := m.got
	m.got = nil
	return got
}

// fixedUsage is a usage ledger with fixed windows.
type fixedUsage []planner.UsageWindow

func (f fixedUsage) UsageWindows(_ context.Context, tenant string) ([]planner.UsageWindow, error) {
	var out []planner.UsageWindow
	for _, w := range f {
		if tenant == "" || w.Tenant == tenant {
			out = append(out, w)
		}
	}
	return out, nil
}

// kvServer is an auth test server (tenants acme and globex) with its HTTP
// side served by httptest, a recording meter and switchable suspension.
type kvServer struct {
	*authServer
	url     string
	meter   *recordingMeter
	metrics *Metrics

	mu        sync.Mutex
	suspended map[string]bool
}

func startKVServer(t *testing.T, configure ...func(*Config)) *kvServer {
	t.Helper()
	ks := &kvServer{meter: &recordingMeter{}, metrics: NewMetrics(MetricSources{}, false), suspended: map[string]bool{}}
	base := func(c *Config) {
		c.Meter = ks.meter
		c.Metrics = ks.metrics
		c.Suspended = func(tenant string) bool {
			ks.mu.Lock()
			defer ks.mu.Unlock()
			return ks.suspended[tenant]
		}
	}
	ks.authServer = startAuthServer(t, "127.0.0.1:0", append([]func(*Config){base}, configure...)...)
	hs := httptest.NewServer(ks.srv.HTTPHandler())
	t.Cleanup(hs.Close)
	ks.url = hs.URL
	return ks
}

func (ks *kvServer) suspend(tenant string, on bool) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.suspended[tenant] = on
}

// kvResp is a finished HTTP exchange.
type kvResp struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v, failing the test when it is not JSON.
func (r kvResp) json(t *testing.T, v any) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json (body %s)", ct, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// apiErr decodes an error body.
func (r kvResp) apiErr(t *testing.T) apiError {
	t.Helper()
	var e apiError
	r.json(t, &e)
	if e.Error == "" {
		t.Fatalf("error body without a message: %s", r.body)
	}
	return e
}

// do sends a request; headers are name, value pairs.
func (ks *kvServer) do(t *testing.T, method, path, apiKey string, body []byte, headers ...string) kvResp {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, ks.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if apiKey != "" {
		req.Header.Set("X-API-Key", apiKey)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return kvResp{status: res.StatusCode, header: res.Header, body: b}
}

func expectStatus(t *testing.T, what string, r kvResp, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("%s: status %d, want %d: %s", what, r.status, want, r.body)
	}
}

// kvPath is the URL path of key.
func kvPath(key string) string { return "/api/v1/kv/" + url.PathEscape(key) }

// TestKVRoundTrip stores, reads, lists and deletes values over HTTP, and
// reads and writes the same table over SQL as the same tenant.
func TestKVRoundTrip(t *testing.T) {
	ks := startKVServer(t)
	key, keyID := ks.key(t, "acme", "free")

	r := ks.do(t, "POST", kvPath("greeting"), key, []byte("hello, world"), "Content-Type", "text/plain; charset=utf-8")
	expectStatus(t, "put greeting", r, http.StatusOK)
	var put kvPutResponse
	r.json(t, &put)
	if put.Key != "greeting" || time.Since(put.UpdatedAt) > time.Minute || put.UpdatedAt.After(time.Now().Add(time.Second)) {
		t.Fatalf("put response %+v", put)
	}
	doc := `{"a": [1, 2, 3]}`
	odd := "dir/sub key ü?#%" // needs escaping, holds a slash
	expectStatus(t, "put doc", ks.do(t, "POST", kvPath("doc"), key, []byte(doc), "Content-Type", "application/json"), http.StatusOK)
	expectStatus(t, "put odd", ks.do(t, "POST", kvPath(odd), key, []byte("odd"), "Content-Type", ""), http.StatusOK)

	for _, c := range []struct{ key, value, ct string }{
		{"greeting", "hello, world", "text/plain; charset=utf-8"},
		{"doc", doc, "application/json"},
		{odd, "odd", kvDefaultContentType},
	} {
		r := ks.do(t, "GET", kvPath(c.key), key, nil)
		expectStatus(t, "get "+c.key, r, http.StatusOK)
		if string(r.body) != c.value || r.header.Get("Content-Type") != c.ct {
			t.Errorf("get %q: %q as %q, want %q as %q", c.key, r.body, r.header.Get("Content-Type"), c.value, c.ct)
		}
		lm, err := http.ParseTime(r.header.Get("Last-Modified"))
		if err != nil || time.Since(lm) > time.Minute {
			t.Errorf("get %q: Last-Modified %q", c.key, r.header.Get("Last-Modified"))
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("get %q: no nosniff", c.key)
		}
	}

	// An update replaces value and type.
	expectStatus(t, "update", ks.do(t, "POST", kvPath("greeting"), key, []byte("<b>hi</b>"), "Content-Type", "text/html"), http.StatusOK)
	r = ks.do(t, "GET", kvPath("greeting"), key, nil)
	if string(r.body) != "<b>hi</b>" || r.header.Get("Content-Type") != "text/html" {
		t.Errorf("after update: %q as %q", r.body, r.header.Get("Content-Type"))
	}

	// The table is readable and writable over SQL as the same tenant.
	ctx := context.Background()
	conn := ks.connect(t, auth.KeyUser(keyID), key, "acme")
	defer conn.Close(ctx)
	var value, ct string
	if err := conn.QueryRow(ctx, "SELECT value, content_type FROM quartz_kv WHERE key = $1", "doc").Scan(&value, &ct); err != nil {
		t.Fatal(err)
	}
	if value != doc || ct != "application/json" {
		t.Errorf("SQL sees %q as %q", value, ct)
	}
	if _, err := conn.Exec(ctx, "INSERT INTO quartz_kv (key, value, content_type) VALUES ('from-sql', '42', 'text/plain')"); err != nil {
		t.Fatal(err)
	}
	if r := ks.do(t, "GET", kvPath("from-sql"), key, nil); r.status != http.StatusOK || string(r.body) != "42" {
		t.Errorf("GET of a row inserted by SQL: %d %q", r.status, r.body)
	}

	var list kvListResponse
	r = ks.do(t, "GET", "/api/v1/kv", key, nil)
	expectStatus(t, "list", r, http.StatusOK)
	r.json(t, &list)
	var keys []string
	for _, it := range list.Items {
		keys = append(keys, it.Key)
	}
	if got, want := strings.Join(keys, ","), strings.Join([]string{odd, "doc", "from-sql", "greeting"}, ","); got != want || list.Next != nil {
		t.Errorf("list keys %q next %v, want %q and no next", got, list.Next, want)
	}
	if it := list.Items[1]; it.Value != doc || it.ContentType != "application/json" || it.UpdatedAt.IsZero() {
		t.Errorf("list item %+v", it)
	}

	expectStatus(t, "delete", ks.do(t, "DELETE", kvPath("doc"), key, nil), http.StatusNoContent)
	r = ks.do(t, "GET", kvPath("doc"), key, nil)
	expectStatus(t, "get deleted", r, http.StatusNotFound)
	r.apiErr(t)
	r = ks.do(t, "DELETE", kvPath("doc"), key, nil)
	expectStatus(t, "delete again", r, http.StatusNotFound)
	r.apiErr(t)
	if err := conn.QueryRow(ctx, "SELECT count(*)::text FROM quartz_kv WHERE key = 'doc'").Scan(&value); err != nil || value != "0" {
		t.Errorf("deleted row seen by SQL: %v %v", value, err)
	}
}

// TestKVPaging lists a prefix a page at a time with after= and limit=.
func TestKVPaging(t *testing.T) {
	ks := startKVServer(t)
	key, _ := ks.key(t, "acme", "pro")
	for i := range 25 {
		expectStatus(t, "put", ks.do(t, "POST", kvPath(fmt.Sprintf("p/%02d", i)), key, []byte(strconv.Itoa(i))), http.StatusOK)
	}
	expectStatus(t, "put", ks.do(t, "POST", kvPath("q"), key, []byte("q")), http.StatusOK)
	expectStatus(t, "put", ks.do(t, "POST", kvPath("o"), key, []byte("o")), http.StatusOK)

	var all []string
	after := ""
	for page := 0; ; page++ {
		if page > 5 {
			t.Fatal("paging does not end")
		}
		var list kvListResponse
		r := ks.do(t, "GET", "/api/v1/kv?prefix=p%2F&limit=10&after="+url.QueryEscape(after), key, nil)
		expectStatus(t, "list page", r, http.StatusOK)
		r.json(t, &list)
		for _, it := range list.Items {
			all = append(all, it.Key)
			if it.Value != strings.TrimLeft(strings.TrimPrefix(it.Key, "p/"), "0") && it.Key != "p/00" {
				t.Errorf("item %+v", it)
			}
		}
		wantN := 10
		if page == 2 {
			wantN = 5
		}
		if len(list.Items) != wantN {
			t.Fatalf("page %d has %d items, want %d", page, len(list.Items), wantN)
		}
		if list.Next == nil {
			break
		}
		if *list.Next != list.Items[len(list.Items)-1].Key {
			t.Fatalf("next %q is not the page's last key", *list.Next)
		}
		after = *list.Next
	}
	if len(all) != 25 || all[0] != "p/00" || all[24] != "p/24" {
		t.Fatalf("paged keys %v", all)
	}
	// The default page holds everything here; "next" is null in JSON.
	r := ks.do(t, "GET", "/api/v1/kv", key, nil)
	expectStatus(t, "list all", r, http.StatusOK)
	if !bytes.Contains(r.body, []byte(`"next":null`)) {
		t.Errorf("last page without \"next\":null: %s", r.body)
	}
	var list kvListResponse
	r.json(t, &list)
	if len(list.Items) != 27 || list.Items[0].Key != "o" || list.Items[26].Key != "q" {
		t.Errorf("full list has %d items", len(list.Items))
	}
	for _, bad := range []string{"0", "-1", "ten"} {
		r := ks.do(t, "GET", "/api/v1/kv?limit="+bad, key, nil)
		expectStatus(t, "limit="+bad, r, http.StatusBadRequest)
		r.apiErr(t)
	}
	expectStatus(t, "limit above max", ks.do(t, "GET", "/api/v1/kv?limit=5000", key, nil), http.StatusOK)
}

// TestKVAuth checks the 401s, and that tenants do not see each other's
// keys.
func TestKVAuth(t *testing.T) {
	ks := startKVServer(t)
	key, _ := ks.key(t, "acme", "free")
	other, _ := ks.key(t, "globex", "free")
	revoked, revokedID := ks.key(t, "acme", "free")
	if err := ks.store.RevokeKey(context.Background(), revokedID); err != nil {
		t.Fatal(err)
	}
	_, unknownID, _ := auth.NewKey()
	for _, c := range []struct{ name, key string }{
		{"no key", ""},
		{"malformed", "not-a-key"},
		{"wrong secret", key[:len(key)-4] + "aaaa"},
		{"unknown id", "qz_" + unknownID + key[len("qz_")+auth.KeyIDLen:]},
		{"revoked", revoked},
		{"admin", ks.admin},
	} {
		paths := []string{kvPath("x"), "/api/v1/kv", "/api/v1/usage"}
		if c.key != "" && c.key != ks.admin {
			// Wrong keys count as failed logins of the address; stay
			// under the threshold where answers are delayed.
			paths = paths[:1]
		}
		for _, path := range paths {
			r := ks.do(t, "GET", path, c.key, nil)
			if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") != "ApiKey" {
				t.Errorf("%s on %s: %d, WWW-Authenticate %q", c.name, path, r.status, r.header.Get("WWW-Authenticate"))
				continue
			}
			r.apiErr(t)
		}
	}
	if got := ks.meter.take(); len(got) != 0 {
		t.Errorf("unauthenticated calls were metered: %+v", got)
	}

	expectStatus(t, "acme put", ks.do(t, "POST", kvPath("secret"), key, []byte("acme's")), http.StatusOK)
	r := ks.do(t, "GET", kvPath("secret"), other, nil)
	expectStatus(t, "globex get", r, http.StatusNotFound)
	var list kvListResponse
	ks.do(t, "GET", "/api/v1/kv", other, nil).json(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("globex lists %+v", list.Items)
	}
	expectStatus(t, "globex delete", ks.do(t, "DELETE", kvPath("secret"), other, nil), http.StatusNotFound)
	expectStatus(t, "globex put", ks.do(t, "POST", kvPath("secret"), other, []byte("globex's")), http.StatusOK)
	for k, want := range map[string]string{key: "acme's", other: "globex's"} {
		if r := ks.do(t, "GET", kvPath("secret"), k, nil); string(r.body) != want {
			t.Errorf("got %q, want %q", r.body, want)
		}
	}
}

// TestKVRateLimit checks the X-RateLimit headers and the 429 of a key
// over its tier's rate (tiny: 3 statements per minute).
func TestKVRateLimit(t *testing.T) {
	ks := startKVServer(t)
	key, keyID := ks.key(t, "acme", "tiny")
	for i := range 3 {
		r := ks.do(t, "POST", kvPath("k"), key, []byte("v"))
		expectStatus(t, "put", r, http.StatusOK)
		h := r.header
		reset, err := strconv.Atoi(h.Get("X-RateLimit-Reset"))
		if h.Get("X-RateLimit-Limit") != "3" || h.Get("X-RateLimit-Remaining") != strconv.Itoa(2-i) || err != nil || reset < 0 || reset > 20 {
			t.Errorf("request %d: limit %q remaining %q reset %q", i, h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Reset"))
		}
	}
	ks.meter.take()
	r := ks.do(t, "GET", kvPath("k"), key, nil)
	expectStatus(t, "over the rate", r, http.StatusTooManyRequests)
	retry, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 20 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	if r.header.Get("X-RateLimit-Remaining") != "0" || r.header.Get("X-RateLimit-Reset") == "" {
		t.Errorf("429 headers %v", r.header)
	}
	if e := r.apiErr(t); e.Code != "53400" || !strings.Contains(e.Error, "rate limit") {
		t.Errorf("429 body %+v", e)
	}
	got := ks.meter.take()
	if len(got) != 1 || !got[0].RateLimited || got[0].Kind != kindKVGet || got[0].KeyID != keyID || got[0].SQLState != "53400" {
		t.Errorf("429 metered as %+v", got)
	}
	// The usage endpoint shares the key's budget.
	expectStatus(t, "usage over the rate", ks.do(t, "GET", "/api/v1/usage", key, nil), http.StatusTooManyRequests)
	fams := metricsScrape(t, ks.metrics)
	if v, ok := metricsSeries(fams["quartzdb_statements_total"], "kind", "OTHER", "outcome", "rate_limited"); !ok || v != 1 {
		t.Errorf("rate-limited KV statements %v", v)
	}
	if v := metricsValue(fams["quartzdb_rate_limit_rejections_total"]); v < 2 {
		t.Errorf("rate-limit rejections %v", v)
	}
}

// TestKVSuspendedUsage checks that a suspended tenant gets 402 on KV calls
// and can still read its usage, and the usage endpoint's since= filter.
func TestKVSuspendedUsage(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Minute)
	ledger := fixedUsage{
		{Tenant: "acme", Minute: now.Add(-48 * time.Hour), Statements: 1},
		{Tenant: "acme", Minute: now.Add(-2 * time.Hour), Statements: 5, Failed: 1, Units: 7, RowsRead: 10, RowsWritten: 2, Distances: 300, BytesIn: 40, BytesOut: 90, Sent: true},
		{Tenant: "acme", Minute: now.Add(-5 * time.Minute), Statements: 2, Units: 2},
		{Tenant: "globex", Minute: now.Add(-5 * time.Minute), Statements: 99},
	}
	ks := startKVServer(t, func(c *Config) { c.Usage = ledger })
	key, _ := ks.key(t, "acme", "free")
	expectStatus(t, "put", ks.do(t, "POST", kvPath("a"), key, []byte("1")), http.StatusOK)
	ks.meter.take()

	ks.suspend("acme", true)
	for _, m := range []string{"GET", "POST", "DELETE"} {
		r := ks.do(t, m, kvPath("a"), key, []byte("2"))
		expectStatus(t, m+" while suspended", r, http.StatusPaymentRequired)
		if e := r.apiErr(t); !strings.Contains(e.Error, "billing") {
			t.Errorf("402 body %+v", e)
		}
	}
	expectStatus(t, "list while suspended", ks.do(t, "GET", "/api/v1/kv", key, nil), http.StatusPaymentRequired)
	if got := ks.meter.take(); len(got) != 4 || got[0].SQLState != "53400" || got[0].RateLimited {
		t.Errorf("suspended calls metered as %+v", got)
	}

	var u usageResponse
	r := ks.do(t, "GET", "/api/v1/usage", key, nil)
	expectStatus(t, "usage while suspended", r, http.StatusOK)
	r.json(t, &u)
	if u.Tenant != "acme" || len(u.Windows) != 2 {
		t.Fatalf("usage %+v", u)
	}
	w := u.Windows[0]
	if !w.Minute.Equal(now.Add(-2*time.Hour)) || w.Statements != 5 || w.Failed != 1 || w.Units != 7 || w.RowsRead != 10 ||
		w.RowsWritten != 2 || w.DistanceComputations != 300 || w.BytesIn != 40 || w.BytesOut != 90 || !w.Sent {
		t.Errorf("window %+v", w)
	}
	for _, c := range []struct {
		since string
		n     int
	}{{"30m", 1}, {"3d", 3}, {now.Add(-3 * time.Hour).Format(time.RFC3339), 2}, {now.Add(-5 * time.Minute).Format(time.RFC3339), 1}} {
		var u usageResponse
		r := ks.do(t, "GET", "/api/v1/usage?since="+url.QueryEscape(c.since), key, nil)
		expectStatus(t, "since="+c.since, r, http.StatusOK)
		r.json(t, &u)
		if len(u.Windows) != c.n {
			t.Errorf("since=%s: %d windows, want %d", c.since, len(u.Windows), c.n)
		}
	}
	r = ks.do(t, "GET", "/api/v1/usage?since=yesterday", key, nil)
	expectStatus(t, "bad since", r, http.StatusBadRequest)
	r.apiErr(t)

	ks.suspend("acme", false)
	expectStatus(t, "get after reactivation", ks.do(t, "GET", kvPath("a"), key, nil), http.StatusOK)

	// Without a ledger the endpoint says so.
	bare := startKVServer(t)
	bareKey, _ := bare.key(t, "acme", "free")
	r = bare.do(t, "GET", "/api/v1/usage", bareKey, nil)
	expectStatus(t, "usage without a ledger", r, http.StatusServiceUnavailable)
	r.apiErr(t)
}

// TestMeterBehindRefuses: while the meter cannot keep usage, a tenant's
// statements and KV calls are refused (53000, HTTP 503) without being
// metered, the session goes on, and they run again once it caught up.
func TestMeterBehindRefuses(t *testing.T) {
	ctx := context.Background()
	ks := startKVServer(t)
	key, keyID := ks.key(t, "acme", "free")
	conn := ks.connect(t, auth.KeyUser(keyID), key, "acme")
	defer conn.Close(ctx)
	expectStatus(t, "put", ks.do(t, "POST", kvPath("a"), key, []byte("1")), http.StatusOK)
	ks.meter.take()

	ks.meter.behind.Store(true)
	_, err := conn.Exec(ctx, "SELECT 1")
	if code, msg := pgCode(err); code != sql.CodeInsufficientResources || !strings.Contains(msg, "usage metering is behind") {
		t.Fatalf("statement while the meter is behind: %s %s", code, msg)
	}
	r := ks.do(t, "GET", kvPath("a"), key, nil)
	expectStatus(t, "KV get while the meter is behind", r, http.StatusServiceUnavailable)
	if e := r.apiErr(t); e.Code != sql.CodeInsufficientResources || r.header.Get("Retry-After") == "" {
		t.Errorf("503 body %+v, Retry-After %q", e, r.header.Get("Retry-After"))
	}
	if got := ks.meter.take(); len(got) != 0 {
		t.Errorf("refused statements metered: %+v", got)
	}

	ks.meter.behind.Store(false)
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("statement after the meter caught up: %v", err)
	}
	expectStatus(t, "KV get after the meter caught up", ks.do(t, "GET", kvPath("a"), key, nil), http.StatusOK)
	if got := ks.meter.take(); len(got) != 2 {
		t.Errorf("%d statements metered after the meter caught up, want 2: %+v", len(got), got)
	}
}

// TestKVMetering checks that each KV call is metered once, with its kind,
// tenant, rows and bytes, and counted in the metrics.
func TestKVMetering(t *testing.T) {
	ks := startKVServer(t)
	key, keyID := ks.key(t, "acme", "free")
	// The first call creates the table; meter from a clean slate after it.
	expectStatus(t, "first put", ks.do(t, "POST", kvPath("seed"), key, []byte("s")), http.StatusOK)
	ks.meter.take()

	one := func(what string) billing.Usage {
		t.Helper()
		got := ks.meter.take()
		if len(got) != 1 {
			t.Fatalf("%s: %d usages recorded, want 1: %+v", what, len(got), got)
		}
		u := got[0]
		if u.Tenant != "acme" || u.KeyID != keyID || u.Database != "acme" || u.At.IsZero() || u.Wall <= 0 || u.RateLimited {
			t.Errorf("%s: usage %+v", what, u)
		}
		return u
	}
	r := ks.do(t, "POST", kvPath("k1"), key, []byte("value-1"))
	u := one("put")
	if u.Kind != "KV PUT" || u.RowsWritten != 1 || u.SQLState != "" || u.BytesIn != int64(len("k1")+len("value-1")) || u.BytesOut != int64(len(r.body)) {
		t.Errorf("put usage %+v (response %d bytes)", u, len(r.body))
	}
	r = ks.do(t, "GET", kvPath("k1"), key, nil)
	u = one("get")
	if u.Kind != "KV GET" || u.RowsRead < 1 || u.RowsWritten != 0 || u.BytesOut != int64(len("value-1")) || string(r.body) != "value-1" {
		t.Errorf("get usage %+v", u)
	}
	ks.do(t, "GET", "/api/v1/kv", key, nil)
	if u = one("list"); u.Kind != "KV LIST" || u.RowsRead < 2 {
		t.Errorf("list usage %+v", u)
	}
	ks.do(t, "DELETE", kvPath("k1"), key, nil)
	if u = one("delete"); u.Kind != "KV DELETE" || u.RowsWritten != 1 || u.SQLState != "" {
		t.Errorf("delete usage %+v", u)
	}
	ks.do(t, "GET", kvPath("k1"), key, nil)
	if u = one("get missing"); u.Kind != "KV GET" || u.RowsWritten != 0 || u.SQLState != "" {
		t.Errorf("get-missing usage %+v", u)
	}
	ks.do(t, "POST", kvPath("k2"), key, []byte{0xff, 0xfe})
	if u = one("invalid value"); u.Kind != "KV PUT" || u.SQLState != "22021" || u.RowsWritten != 0 {
		t.Errorf("invalid-value usage %+v", u)
	}
	// The usage endpoint and refused methods are not KV calls.
	ks.do(t, "GET", "/api/v1/usage", key, nil)
	ks.do(t, "PUT", kvPath("k1"), key, []byte("x"))
	if got := ks.meter.take(); len(got) != 0 {
		t.Errorf("non-KV calls metered: %+v", got)
	}
	fams := metricsScrape(t, ks.metrics)
	ok, _ := metricsSeries(fams["quartzdb_statements_total"], "kind", "OTHER", "outcome", "ok")
	failed, _ := metricsSeries(fams["quartzdb_statements_total"], "kind", "OTHER", "outcome", "error")
	if ok != 6 || failed != 1 {
		t.Errorf("KV statements counted ok %v error %v, want 6 and 1", ok, failed)
	}
	if v := metricsValue(fams["quartzdb_rows_written_total"]); v < 3 {
		t.Errorf("rows written %v", v)
	}
}

// TestKVLimits checks the 400, 405, 413 and 415 answers.
func TestKVLimits(t *testing.T) {
	ks := startKVServer(t)
	key, _ := ks.key(t, "acme", "pro")

	big := bytes.Repeat([]byte("x"), kvMaxValueBytes)
	expectStatus(t, "1 MiB value", ks.do(t, "POST", kvPath("big"), key, big), http.StatusOK)
	if r := ks.do(t, "GET", kvPath("big"), key, nil); len(r.body) != kvMaxValueBytes {
		t.Errorf("1 MiB value read back as %d bytes", len(r.body))
	}
	r := ks.do(t, "POST", kvPath("big"), key, append(big, 'x'))
	expectStatus(t, "value over 1 MiB", r, http.StatusRequestEntityTooLarge)
	if e := r.apiErr(t); e.Code != "54000" {
		t.Errorf("413 body %+v", e)
	}

	for _, c := range []struct {
		name string
		body []byte
		ct   string
	}{
		{"invalid UTF-8", []byte{'a', 0xc3, 0x28}, "text/plain"},
		{"NUL byte", []byte("a\x00b"), "text/plain"},
		{"latin1 charset", []byte("abc"), "text/plain; charset=iso-8859-1"},
		{"malformed type", []byte("abc"), "text/"},
	} {
		r := ks.do(t, "POST", kvPath("bad"), key, c.body, "Content-Type", c.ct)
		expectStatus(t, c.name, r, http.StatusUnsupportedMediaType)
		r.apiErr(t)
	}
	expectStatus(t, "bad values not stored", ks.do(t, "GET", kvPath("bad"), key, nil), http.StatusNotFound)

	r = ks.do(t, "GET", kvPath(strings.Repeat("k", kvMaxKeyBytes+1)), key, nil)
	expectStatus(t, "long key", r, http.StatusBadRequest)
	r.apiErr(t)
	expectStatus(t, "512-byte key", ks.do(t, "POST", kvPath(strings.Repeat("k", kvMaxKeyBytes)), key, []byte("v")), http.StatusOK)
	expectStatus(t, "empty key", ks.do(t, "GET", "/api/v1/kv/", key, nil), http.StatusBadRequest)

	for _, c := range []struct{ method, path, allow string }{
		{"PUT", kvPath("k"), "GET, HEAD, POST, DELETE"},
		{"PATCH", kvPath("k"), "GET, HEAD, POST, DELETE"},
		{"POST", "/api/v1/kv", "GET, HEAD"},
		{"DELETE", "/api/v1/usage", "GET, HEAD"},
	} {
		r := ks.do(t, c.method, c.path, key, []byte("x"))
		expectStatus(t, c.method+" "+c.path, r, http.StatusMethodNotAllowed)
		if r.header.Get("Allow") != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, r.header.Get("Allow"), c.allow)
		}
		r.apiErr(t)
	}
}

// TestKVConcurrentFirstUse sends the first calls of a tenant at once: one
// creates quartz_kv, none fails for it.
func TestKVConcurrentFirstUse(t *testing.T) {
	ks := startKVServer(t)
	key, _ := ks.key(t, "acme", "pro")
	var wg sync.WaitGroup
	results := make([]string, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			method, path, body := "GET", "/api/v1/kv", io.Reader(nil)
			if i%2 == 0 {
				method, path, body = "POST", kvPath(fmt.Sprintf("k%d", i)), strings.NewReader("v")
			}
			req, _ := http.NewRequest(method, ks.url+path, body)
			req.Header.Set("X-API-Key", key)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				results[i] = err.Error()
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				results[i] = fmt.Sprintf("%d %s", res.StatusCode, b)
			}
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r != "" {
			t.Errorf("call %d: %s", i, r)
		}
	}
}

// TestKVListResultCap checks that a page stays under the key's result cap
// (tier capped: 4000 bytes) and paging still reaches every item.
func TestKVListResultCap(t *testing.T) {
	ks := startKVServer(t)
	key, _ := ks.key(t, "acme", "capped")
	value := bytes.Repeat([]byte("v"), 1500)
	for i := range 5 {
		expectStatus(t, "put", ks.do(t, "POST", kvPath(fmt.Sprintf("k%d", i)), key, value), http.StatusOK)
	}
	seen, after := 0, ""
	for page := 0; page < 10; page++ {
		var list kvListResponse
		r := ks.do(t, "GET", "/api/v1/kv?after="+url.QueryEscape(after), key, nil)
		expectStatus(t, "list", r, http.StatusOK)
		r.json(t, &list)
		if len(r.body) > 4000 || len(list.Items) == 0 {
			t.Fatalf("page %d: %d items in %d bytes", page, len(list.Items), len(r.body))
		}
		seen += len(list.Items)
		if list.Next == nil {
			break
		}
		after = *list.Next
	}
	if seen != 5 {
		t.Errorf("paged through %d items, want 5", seen)
	}
}
