package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"

	"github.com/quartzdb/quartzdb/storage"
)

const fakeStripeKey = "sk_test_fake"

// fakeStripe is a recording stand-in for the two Stripe endpoints the
// exporter uses, answering as Stripe does: customers honour Idempotency-Key,
// meter events refuse a known identifier with Stripe's duplicate answer,
// timestamps outside [now-35d, now+5m] are refused. It can be switched to
// answer 503s or 429s to everything.
type fakeStripe struct {
	t   *testing.T
	srv *httptest.Server
	now func() time.Time

	mu sync.Mutex
	// mode is "ok", "503" or "429": what every request gets.
	mode string
	// failNext makes the next requests fail with these statuses, in
	// order, before mode applies.
	failNext []int
	// failEvery > 0 fails every failEvery-th request with a 503.
	failEvery int
	requests  int
	// meterEvent is the only event_name with an active meter.
	meterEvent string
	// cut, if set, is asked about the n-th meter event request (counted
	// from 1 once past the mode and form checks) twice: before it is
	// handled (accepted false) and, if accepted, once recorded but before
	// the answer (accepted true). It runs with mu held and may block;
	// true drops the connection unanswered, as a client killed mid-request
	// never sees the answer.
	cut         func(n int, identifier string, accepted bool) bool
	meterEvents int

	customers   map[string]string // id -> tenant
	idempotency map[string]string // Idempotency-Key -> customer id
	accepted    []fakeEvent
	identifiers map[string]bool
	duplicates  int
	status      map[int]int // answers sent, by status
}

type fakeEvent struct {
	Customer   string
	Identifier string
	Value      int64
	Timestamp  int64
}

func newFakeStripe(t *testing.T, now func() time.Time) *fakeStripe {
	f := &fakeStripe{
		t:           t,
		now:         now,
		mode:        "ok",
		meterEvent:  DefaultMeterEvent,
		customers:   make(map[string]string),
		idempotency: make(map[string]string),
		identifiers: make(map[string]bool),
		status:      make(map[int]int),
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeStripe) setMode(mode string, failNext ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mode = mode
	f.failNext = failNext
}

func (f *fakeStripe) reply(w http.ResponseWriter, code int, v any) {
	f.status[code]++
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_fake")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func stripeErrBody(typ, code, msg string) map[string]any {
	e := map[string]any{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
	}
	return map[string]any{"error": e}
}

func (f *fakeStripe) fail(w http.ResponseWriter, code int) {
	switch code {
	case http.StatusTooManyRequests:
		f.reply(w, code, stripeErrBody("invalid_request_error", "rate_limit", "Too many requests hit the API too quickly."))
	default:
		f.reply(w, code, stripeErrBody("api_error", "", "An unknown error occurred."))
	}
}

func (f *fakeStripe) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+fakeStripeKey {
		f.reply(w, http.StatusUnauthorized, stripeErrBody("invalid_request_error", "", "Invalid API Key provided"))
		return
	}
	f.requests++
	if f.failEvery > 0 && f.requests%f.failEvery == 0 {
		f.fail(w, http.StatusServiceUnavailable)
		return
	}
	if len(f.failNext) > 0 {
		code := f.failNext[0]
		f.failNext = f.failNext[1:]
		f.fail(w, code)
		return
	}
	switch f.mode {
	case "503":
		f.fail(w, http.StatusServiceUnavailable)
		return
	case "429":
		f.fail(w, http.StatusTooManyRequests)
		return
	}
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		f.reply(w, http.StatusBadRequest, stripeErrBody("invalid_request_error", "", "bad request"))
		return
	}
	switch r.URL.Path {
	case "/v1/customers":
		f.createCustomer(w, r)
	case "/v1/billing/meter_events":
		f.createMeterEvent(w, r)
	default:
		f.reply(w, http.StatusNotFound, stripeErrBody("invalid_request_error", "", "Unrecognized request URL"))
	}
}

func (f *fakeStripe) createCustomer(w http.ResponseWriter, r *http.Request) {
	name, tenant := r.PostForm.Get("name"), r.PostForm.Get("metadata[quartz_tenant]")
	if name == "" || tenant != name {
		f.reply(w, http.StatusBadRequest, stripeErrBody("invalid_request_error", "", "customer without name or quartz_tenant"))
		return
	}
	key := r.Header.Get("Idempotency-Key")
	id, ok := f.idempotency[key]
	if !ok || key == "" {
		id = fmt.Sprintf("cus_fake%03d", len(f.customers)+1)
		f.customers[id] = tenant
		f.idempotency[key] = id
	}
	f.reply(w, http.StatusOK, map[string]any{"id": id, "object": "customer", "name": name,
		"metadata": map[string]string{"quartz_tenant": tenant}})
}

func (f *fakeStripe) createMeterEvent(w http.ResponseWriter, r *http.Request) {
	form := r.PostForm
	name := form.Get("event_name")
	if name != f.meterEvent {
		f.reply(w, http.StatusBadRequest, stripeErrBody("invalid_request_error", "",
			"No active meter found with event_name "+name+"."))
		return
	}
	id := form.Get("identifier")
	if id == "" || len(id) > 100 {
		f.reply(w, http.StatusBadRequest, stripeErrBody("invalid_request_error", "", "bad identifier"))
		return
	}
	f.meterEvents++
	n := f.meterEvents
	if f.cut != nil && f.cut(n, id, false) {
		panic(http.ErrAbortHandler)
	}
	// Stripe's answer to a known identifier (see duplicateIdentifierMsg).
	if f.identifiers[id] {
		f.duplicates++
		w.Header().Set("Stripe-Should-Retry", "false")
		f.reply(w, http.StatusBadRequest, stripeErrBody("invalid_request_error", "",
			"An event already exists with identifier "+id+"."))
		return
	}
	cust := form.Get("payload[stripe_customer_id]")
	if _, ok := f.customers[cust]; !ok {
		f.reply(w, http.StatusBadRequest, stripeErrBody("invalid_request_error", "", "No such customer: '"+cust+"'"))
		return
	}
	value, err := strconv.ParseInt(form.Get("payload[value]"), 10, 64)
	if err != nil {
		f.reply(w, http.StatusBadRequest, stripeErrBody("invalid_request_error", "", "payload[value] must be an integer"))
		return
	}
	ts, err := strconv.ParseInt(form.Get("timestamp"), 10, 64)
	now := f.now()
	if err != nil || ts < now.Add(-stripeMaxEventAge).Unix() || ts > now.Add(5*time.Minute).Unix() {
		f.reply(w, http.StatusBadRequest, stripeErrBody("invalid_request_error", "",
			"Timestamp must be within the past 35 calendar days or up to 5 minutes in the future."))
		return
	}
	for k := range form {
		switch k {
		case "event_name", "identifier", "payload[stripe_customer_id]", "payload[value]", "timestamp":
		default:
			f.reply(w, http.StatusBadRequest, stripeErrBody("invalid_request_error", "parameter_unknown", "Received unknown parameter: "+k))
			return
		}
	}
	f.identifiers[id] = true
	f.accepted = append(f.accepted, fakeEvent{Customer: cust, Identifier: id, Value: value, Timestamp: ts})
	if f.cut != nil && f.cut(n, id, true) {
		panic(http.ErrAbortHandler)
	}
	f.reply(w, http.StatusOK, map[string]any{"object": "billing.meter_event", "created": now.Unix(),
		"event_name": name, "identifier": id, "livemode": false, "timestamp": ts,
		"payload": map[string]string{"stripe_customer_id": cust, "value": strconv.FormatInt(value, 10)}})
}

func (f *fakeStripe) snapshot() ([]fakeEvent, map[string]string, int, map[int]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cs := make(map[string]string, len(f.customers))
	for k, v := range f.customers {
		cs[k] = v
	}
	st := make(map[int]int, len(f.status))
	for k, v := range f.status {
		st[k] = v
	}
	return append([]fakeEvent(nil), f.accepted...), cs, f.duplicates, st
}

// memSource is an in-memory ledger. MarkSent can be made to fail for
// chosen windows, as a crash between Stripe's answer and MarkSent would.
type memSource struct {
	mu       sync.Mutex
	ws       []Window
	sent     map[string]bool
	failMark map[string]int // identifier -> failures left
}

func newMemSource(ws ...Window) *memSource {
	m := &memSource{sent: make(map[string]bool), failMark: make(map[string]int)}
	m.add(ws...)
	return m
}

func (m *memSource) add(ws ...Window) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ws = append(m.ws, ws...)
	sort.SliceStable(m.ws, func(i, j int) bool {
		if !m.ws[i].Start.Equal(m.ws[j].Start) {
			return m.ws[i].Start.Before(m.ws[j].Start)
		}
		return m.ws[i].Tenant < m.ws[j].Tenant
	})
}

func (m *memSource) Unsent(ctx context.Context, limit int) ([]Window, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Window
	for _, w := range m.ws {
		if len(out) >= limit {
			break
		}
		if !m.sent[w.Identifier()] {
			out = append(out, w)
		}
	}
	return out, nil
}

func (m *memSource) Seal(ctx context.Context, ws []Window) ([]Window, error) {
	out := slices.Clone(ws)
	for i := range out {
		out[i].Sealed = true
	}
	return out, nil
}

func (m *memSource) MarkSent(ctx context.Context, w Window) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	id := w.Identifier()
	if m.failMark[id] > 0 {
		m.failMark[id]--
		return errors.New("simulated crash before MarkSent")
	}
	m.sent[id] = true
	return nil
}

func (m *memSource) unsentCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, w := range m.ws {
		if !m.sent[w.Identifier()] {
			n++
		}
	}
	return n
}

// Usage mirrors Meter.Usage (windows of tenant, "" for all, overlapping
// [since, until), Sent set once marked), so that checkExactlyOnce reads
// either ledger; the order is memSource's own.
func (m *memSource) Usage(ctx context.Context, tenant string, since, until time.Time) ([]Window, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Window
	for _, w := range m.ws {
		if tenant != "" && w.Tenant != tenant ||
			!since.IsZero() && !w.Start.Add(time.Minute).After(since) ||
			!until.IsZero() && !w.Start.Before(until) {
			continue
		}
		w.Sent = m.sent[w.Identifier()]
		out = append(out, w)
	}
	return out, nil
}

// makeWindows returns n windows of tenant ending one minute before end,
// one per minute, with varied units (every fifth is zero).
func makeWindows(tenant string, end time.Time, n int, seed int64) []Window {
	ws := make([]Window, n)
	for i := range ws {
		units := (seed*7 + int64(i)*13) % 50
		if i%5 == 3 {
			units = 0
		}
		ws[i] = Window{Tenant: tenant, Start: end.Add(time.Duration(i-n) * time.Minute), Statements: 1, Units: units}
	}
	return ws
}

type tenantList struct {
	mu    sync.Mutex
	names []string
}

func (l *tenantList) list(context.Context) ([]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.names...), nil
}

func (l *tenantList) add(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.names = append(l.names, name)
}

func testStore(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func testExporter(t *testing.T, db *storage.DB, f *fakeStripe, src WindowSource, tenants func(context.Context) ([]string, error), mod func(*StripeConfig)) *Exporter {
	t.Helper()
	cfg := StripeConfig{
		Key:        fakeStripeKey,
		URL:        f.srv.URL,
		Now:        f.now,
		RetryBase:  time.Millisecond,
		MaxRetries: 2,
		Interval:   5 * time.Millisecond,
		MaxBackoff: 20 * time.Millisecond,
	}
	if mod != nil {
		mod(&cfg)
	}
	e, err := NewExporter(db, src, tenants, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// usageLedger is the ledger as checkExactlyOnce reads it: the real Meter
// or a memSource.
type usageLedger interface {
	Usage(ctx context.Context, tenant string, since, until time.Time) ([]Window, error)
}

// checkExactlyOnce asserts Stripe's accepted events account for every
// window exactly once: all windows marked sent, per customer the sum of
// accepted values equals the windows' units, no identifier accepted twice,
// no zero window sent, and each tenant's windows accepted in order.
func checkExactlyOnce(t *testing.T, e *Exporter, f *fakeStripe, src usageLedger) {
	t.Helper()
	ctx := context.Background()
	all, err := src.Usage(ctx, "", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	unsent := 0
	for _, w := range all {
		if !w.Sent {
			unsent++
		}
	}
	if unsent != 0 {
		t.Fatalf("%d windows not marked sent", unsent)
	}
	accepted, customers, _, _ := f.snapshot()
	byID := make(map[string]Window)
	want := make(map[string]int64) // tenant -> units
	for _, w := range all {
		byID[w.Identifier()] = w
		want[w.Tenant] += w.Units
	}
	got := make(map[string]int64) // customer -> value
	seen := make(map[string]bool)
	last := make(map[string]time.Time) // customer -> last window start accepted
	for _, ev := range accepted {
		if seen[ev.Identifier] {
			t.Fatalf("identifier %s accepted twice", ev.Identifier)
		}
		seen[ev.Identifier] = true
		w, ok := byID[ev.Identifier]
		if !ok {
			t.Fatalf("accepted identifier %s is no window's", ev.Identifier)
		}
		if w.Units == 0 {
			t.Fatalf("zero window %s was sent", ev.Identifier)
		}
		if ev.Value != w.Units {
			t.Fatalf("window %s: value %d, units %d", ev.Identifier, ev.Value, w.Units)
		}
		if customers[ev.Customer] != w.Tenant {
			t.Fatalf("window %s of tenant %s sent to customer %s of tenant %s", ev.Identifier, w.Tenant, ev.Customer, customers[ev.Customer])
		}
		if prev, ok := last[ev.Customer]; ok && !w.Start.After(prev) {
			t.Fatalf("tenant %s: window %s accepted after the later window of %s", w.Tenant, w.Start, prev)
		}
		last[ev.Customer] = w.Start
		got[ev.Customer] += ev.Value
	}
	for tenant, units := range want {
		cust, ok, err := e.CustomerID(ctx, tenant)
		if err != nil || !ok {
			t.Fatalf("tenant %s has no stored customer (%v)", tenant, err)
		}
		if got[cust] != units {
			t.Errorf("tenant %s (customer %s): Stripe accepted %d units, ledger has %d", tenant, cust, got[cust], units)
		}
	}
}

func TestExportOutageAndRecovery(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Minute)
	clock := func() time.Time { return now }
	f := newFakeStripe(t, clock)
	db := testStore(t)
	tenants := &tenantList{names: []string{"acme", "beta", "gamma"}}
	src := newMemSource()
	src.add(makeWindows("acme", now, 40, 1)...)
	src.add(makeWindows("beta", now, 25, 2)...)
	src.add(makeWindows("gamma", now.Add(-30*time.Minute), 30, 3)...)
	e := testExporter(t, db, f, src, tenants.list, nil)

	// A first, healthy pass over part of the ledger.
	if sent, err := e.ExportOnce(ctx); err != nil || sent == 0 {
		t.Fatalf("healthy pass: sent %d, err %v", sent, err)
	}
	_, customers, _, _ := f.snapshot()
	if len(customers) != 3 {
		t.Fatalf("want 3 customers, got %v", customers)
	}

	// More usage arrives, and a tenant is created, while Stripe is down.
	src.add(makeWindows("acme", now.Add(30*time.Minute), 30, 4)...)
	src.add(makeWindows("beta", now.Add(30*time.Minute), 30, 5)...)
	tenants.add("delta")
	src.add(makeWindows("delta", now.Add(30*time.Minute), 20, 6)...)
	now = now.Add(30 * time.Minute)
	before, _, _, _ := f.snapshot()

	for _, mode := range []string{"503", "429"} {
		f.setMode(mode)
		sent, err := e.ExportOnce(ctx)
		if sent != 0 || err == nil {
			t.Fatalf("pass during %s: sent %d, err %v", mode, sent, err)
		}
		var se *stripe.Error
		if !errors.As(err, &se) || strconv.Itoa(se.HTTPStatusCode) != mode {
			t.Fatalf("pass during %s: error %v does not carry the Stripe error", mode, err)
		}
		if st := e.Stats(); st.OldestUnsentAge <= 0 || st.Failures == 0 || st.LastError == "" {
			t.Fatalf("stats during %s: %+v", mode, st)
		}
	}
	after, _, _, status := f.snapshot()
	if len(after) != len(before) {
		t.Fatalf("events accepted during the outage")
	}
	if status[503] == 0 || status[429] == 0 {
		t.Fatalf("fake never answered 503 and 429: %v", status)
	}

	// A flaky Stripe, and a restarted exporter that does not retry within
	// a pass: tenants stop part-way, and later passes must go on in order.
	flaky := testExporter(t, db, f, src, tenants.list, func(c *StripeConfig) { c.MaxRetries = -1 })
	f.setMode("ok")
	f.mu.Lock()
	f.failEvery = 3
	f.mu.Unlock()
	progress, failed := 0, 0
	for i := 0; i < 3; i++ {
		sent, err := flaky.ExportOnce(ctx)
		if err != nil {
			failed++
		}
		progress += sent
	}
	if progress == 0 || failed == 0 {
		t.Fatalf("flaky passes: sent %d, %d failed", progress, failed)
	}
	f.mu.Lock()
	f.failEvery = 0
	f.mu.Unlock()

	// Recovery: the first two requests still fail (one 503, one 429), the
	// in-pass retries get through, and one pass drains everything.
	f.setMode("ok", 503, 429)
	if _, err := e.ExportOnce(ctx); err != nil {
		t.Fatalf("recovery pass: %v", err)
	}
	checkExactlyOnce(t, e, f, src)
	_, customers, _, _ = f.snapshot()
	if len(customers) != 4 {
		t.Fatalf("want one customer per tenant, got %v", customers)
	}
	st := e.Stats()
	if st.NearLimit != 0 || st.OldestUnsentAge != 0 || st.LastError != "" {
		t.Fatalf("stats after recovery: %+v", st)
	}
	if st.Zero == 0 {
		t.Fatalf("no zero windows counted: %+v", st)
	}
	// A further pass has nothing to do.
	if sent, err := e.ExportOnce(ctx); sent != 0 || err != nil {
		t.Fatalf("idle pass: sent %d, err %v", sent, err)
	}
}

func TestExportCrashBeforeMarkSent(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Minute)
	clock := func() time.Time { return now }
	f := newFakeStripe(t, clock)
	db := testStore(t)
	tenants := &tenantList{names: []string{"acme", "beta"}}
	acme := makeWindows("acme", now, 6, 1)
	for i := range acme {
		acme[i].Units = int64(i + 1) // no zero windows: every one is sent
	}
	src := newMemSource(acme...)
	src.add(makeWindows("beta", now, 6, 2)...)
	victim := acme[1].Identifier()
	src.failMark[victim] = 1

	e1 := testExporter(t, db, f, src, tenants.list, nil)
	if _, err := e1.ExportOnce(ctx); err == nil || !strings.Contains(err.Error(), victim) {
		t.Fatalf("pass with a failing MarkSent: err %v", err)
	}
	accepted, _, _, _ := f.snapshot()
	got := make(map[string]bool)
	for _, ev := range accepted {
		got[ev.Identifier] = true
	}
	if !got[acme[0].Identifier()] || !got[victim] {
		t.Fatalf("acme's first windows were not accepted: %v", got)
	}
	for _, w := range acme[2:] {
		if got[w.Identifier()] {
			t.Fatalf("window %s sent while an earlier one of its tenant was unacknowledged", w.Identifier())
		}
	}

	// "Restart": a new exporter over the same store and ledger.
	e2 := testExporter(t, db, f, src, tenants.list, nil)
	if _, err := e2.ExportOnce(ctx); err != nil {
		t.Fatalf("pass after restart: %v", err)
	}
	checkExactlyOnce(t, e2, f, src)
	_, customers, dups, _ := f.snapshot()
	if dups != 1 || e2.Stats().Duplicates != 1 {
		t.Fatalf("want exactly one duplicate answer, fake saw %d, stats %+v", dups, e2.Stats())
	}
	if len(customers) != 2 {
		t.Fatalf("restart created customers again: %v", customers)
	}
}

// A meter event Stripe accepted but whose answer was lost, in a pass that
// then ended (Stripe went down for the retries), is resent by a later
// pass and answered as a duplicate. A record that reached its minute in
// between must not ride on that answer unbilled: the window was sealed
// before the first send, so the record is billed in a later window.
func TestExportLostAckThenLateRecord(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	clock := &meterClock{t: t0.Add(2 * time.Minute)}
	f := newFakeStripe(t, clock.Now)
	dir := t.TempDir()
	db := openMeterStore(t, filepath.Join(dir, "db"))
	defer db.Close()
	m := openTestMeter(t, db, Config{Dir: filepath.Join(dir, "meter"), Now: clock.Now, FlushInterval: time.Hour})
	defer m.Close()
	var want int64
	want += m.Record(Usage{Tenant: "acme", Kind: "SELECT", RowsRead: 5000, At: t0.Add(10 * time.Second)})
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	f.mu.Lock()
	f.cut = func(n int, _ string, accepted bool) bool {
		if n != 1 || !accepted {
			return false
		}
		want += m.Record(Usage{Tenant: "acme", Kind: "SELECT", RowsRead: 7000, At: t0.Add(20 * time.Second)})
		if err := m.Flush(ctx); err != nil {
			t.Error(err)
		}
		f.mode = "503"
		return true // the answer is lost
	}
	f.mu.Unlock()
	e := testExporter(t, db, f, m, (&tenantList{names: []string{"acme"}}).list, nil)
	if sent, err := e.ExportOnce(ctx); sent != 0 || err == nil {
		t.Fatalf("pass that lost Stripe's answer: sent %d, err %v", sent, err)
	}
	f.mu.Lock()
	f.cut = nil
	f.mu.Unlock()
	f.setMode("ok")

	clock.Set(t0.Add(5 * time.Minute)) // the late record's window closes
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := e.ExportOnce(ctx); err != nil {
			t.Fatalf("pass after recovery: %v", err)
		}
	}
	checkExactlyOnce(t, e, f, m)
	if got := sumWindows(mustUsage(t, m, "acme"))["acme"].Units; got != want {
		t.Errorf("ledger holds %d units, Record returned %d", got, want)
	}
	accepted, _, dups, _ := f.snapshot()
	if len(accepted) != 2 || dups != 1 {
		t.Errorf("accepted %+v with %d duplicate answers, want 2 events and 1 duplicate", accepted, dups)
	}
}

func TestExportOldWindows(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Minute)
	clock := func() time.Time { return now }
	f := newFakeStripe(t, clock)
	db := testStore(t)
	veryOld := Window{Tenant: "acme", Start: now.Add(-34*24*time.Hour - 12*time.Hour), Units: 5}
	old := Window{Tenant: "acme", Start: now.Add(-31 * 24 * time.Hour), Units: 7}
	fresh := Window{Tenant: "acme", Start: now.Add(-time.Hour), Units: 1}
	src := newMemSource(veryOld, old, fresh)
	e := testExporter(t, db, f, src, (&tenantList{names: []string{"acme"}}).list, nil)

	f.setMode("503")
	if _, err := e.ExportOnce(ctx); err == nil {
		t.Fatal("pass during outage: no error")
	}
	st := e.Stats()
	if st.NearLimit != 2 || st.OldestUnsentAge != now.Sub(veryOld.Start) {
		t.Fatalf("near-limit stats: %+v", st)
	}

	f.setMode("ok")
	if _, err := e.ExportOnce(ctx); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, e, f, src)
	accepted, _, _, _ := f.snapshot()
	ts := make(map[string]int64)
	for _, ev := range accepted {
		ts[ev.Identifier] = ev.Timestamp
	}
	if ts[veryOld.Identifier()] != now.Unix() {
		t.Errorf("34.5-day-old window: timestamp %d, want now %d", ts[veryOld.Identifier()], now.Unix())
	}
	if ts[old.Identifier()] != old.Start.Unix() || ts[fresh.Identifier()] != fresh.Start.Unix() {
		t.Errorf("windows within Stripe's limit must keep their start as timestamp: %v", ts)
	}
	st = e.Stats()
	if st.Restamped != 1 || st.NearLimit != 0 || st.OldestUnsentAge != 0 || st.Sent != 3 {
		t.Fatalf("stats after sending: %+v", st)
	}
}

func TestExportOtherBadRequestIsNotAcknowledged(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Minute)
	f := newFakeStripe(t, func() time.Time { return now })
	f.meterEvent = "another_meter"
	db := testStore(t)
	src := newMemSource(Window{Tenant: "acme", Start: now.Add(-2 * time.Minute), Units: 3})
	e := testExporter(t, db, f, src, (&tenantList{names: []string{"acme"}}).list, nil)
	if _, err := e.ExportOnce(ctx); err == nil {
		t.Fatal("a refused meter event must fail the pass")
	}
	if src.unsentCount() != 1 {
		t.Fatal("a window Stripe refused was marked sent")
	}
	_, _, _, status := f.snapshot()
	if status[400] != 1 {
		t.Fatalf("a 400 must not be retried: %v", status)
	}
}

func TestExportDuplicateIdentifierMatch(t *testing.T) {
	mk := func(code int, typ stripe.ErrorType, msg string) error {
		return &stripe.Error{HTTPStatusCode: code, Type: typ, Msg: msg}
	}
	id := "qz-acme-20300101T0000"
	cases := []struct {
		err  error
		want bool
	}{
		{mk(400, stripe.ErrorTypeInvalidRequest, "An event already exists with identifier "+id+"."), true},
		{fmt.Errorf("wrapped: %w", mk(400, stripe.ErrorTypeInvalidRequest, "An event already exists with identifier "+id+".")), true},
		{mk(400, stripe.ErrorTypeInvalidRequest, "An event already exists with identifier qz-other-20300101T0000."), false},
		{mk(400, stripe.ErrorTypeInvalidRequest, "No such customer: 'cus_x'"), false},
		{mk(409, stripe.ErrorTypeInvalidRequest, "An event already exists with identifier "+id+"."), false},
		{mk(400, stripe.ErrorTypeIdempotency, "An event already exists with identifier "+id+"."), false},
		{errors.New("An event already exists with identifier " + id + "."), false},
	}
	for i, c := range cases {
		if got := isDuplicateIdentifier(c.err, id); got != c.want {
			t.Errorf("case %d (%v): got %v", i, c.err, got)
		}
	}
}

func TestExportRunDrainsAfterOutage(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Minute)
	f := newFakeStripe(t, func() time.Time { return now })
	db := testStore(t)
	tenants := &tenantList{names: []string{"acme", "beta"}}
	src := newMemSource(makeWindows("acme", now, 30, 1)...)
	src.add(makeWindows("beta", now, 30, 2)...)
	e := testExporter(t, db, f, src, tenants.list, nil)
	f.setMode("503")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	deadline := time.Now().Add(10 * time.Second)
	for e.Stats().Failures < 3 {
		if time.Now().After(deadline) {
			t.Fatal("Run made no attempts during the outage")
		}
		time.Sleep(2 * time.Millisecond)
	}
	f.setMode("ok")
	for src.unsentCount() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("backlog not drained after recovery: %d left, stats %+v", src.unsentCount(), e.Stats())
		}
		time.Sleep(2 * time.Millisecond)
	}
	cancel()
	<-done
	checkExactlyOnce(t, e, f, src)
}

func TestExportRunBackoff(t *testing.T) {
	for n := 1; n < 20; n++ {
		d := runBackoff(time.Second, 10*time.Second, n)
		want := min(time.Second<<(n-1), 10*time.Second)
		if n > 10 {
			want = 10 * time.Second
		}
		if d < want/2 || d > want {
			t.Fatalf("failure %d: backoff %v outside [%v, %v]", n, d, want/2, want)
		}
	}
}
