package billing

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/quartzdb/quartzdb/storage"
)

const testWebhookSecret = "whsec_test_quartzdb"

type webhookFixture struct {
	t    *testing.T
	dir  string
	db   *storage.DB
	e    *Exporter
	susp *Suspensions
	h    http.Handler
	cust string // acme's customer id
}

func newWebhookFixture(t *testing.T) *webhookFixture {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	f := newFakeStripe(t, func() time.Time { return now })
	fx := &webhookFixture{t: t, dir: t.TempDir()}
	fx.open()
	t.Cleanup(func() { fx.db.Close() })
	fx.e = testExporter(t, fx.db, f, newMemSource(), nil, func(c *StripeConfig) { c.WebhookSecret = testWebhookSecret })
	var err error
	if fx.cust, err = fx.e.EnsureCustomer(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	fx.h = fx.e.WebhookHandler(fx.susp)
	return fx
}

// open (re)opens the store and the suspensions from disk.
func (fx *webhookFixture) open() {
	fx.t.Helper()
	db, err := storage.Open(fx.dir)
	if err != nil {
		fx.t.Fatal(err)
	}
	fx.db = db
	if fx.susp, err = OpenSuspensions(context.Background(), db); err != nil {
		fx.t.Fatal(err)
	}
}

// event builds a Stripe event of an API version other than stripe-go's.
func stripeEvent(id, typ string, created int64, object map[string]any) []byte {
	b, err := json.Marshal(map[string]any{
		"id": id, "object": "event", "api_version": "2019-02-19", "created": created,
		"livemode": false, "pending_webhooks": 1, "type": typ,
		"data": map[string]any{"object": object},
	})
	if err != nil {
		panic(err)
	}
	return b
}

func signed(body []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: at}).Header
}

func (fx *webhookFixture) post(body []byte, sig string) int {
	fx.t.Helper()
	req := httptest.NewRequest(http.MethodPost, WebhookPath, strings.NewReader(string(body)))
	if sig != "" {
		req.Header.Set("Stripe-Signature", sig)
	}
	rec := httptest.NewRecorder()
	fx.h.ServeHTTP(rec, req)
	return rec.Code
}

func (fx *webhookFixture) send(body []byte) {
	fx.t.Helper()
	if code := fx.post(body, signed(body, testWebhookSecret, time.Now())); code != http.StatusOK {
		fx.t.Fatalf("signed event: status %d", code)
	}
}

func (fx *webhookFixture) want(tenant string, suspended bool) {
	fx.t.Helper()
	if got := fx.susp.Suspended(tenant); got != suspended {
		fx.t.Fatalf("tenant %s: suspended %v, want %v", tenant, got, suspended)
	}
}

func TestWebhookSignatures(t *testing.T) {
	fx := newWebhookFixture(t)
	t0 := time.Now().Unix()
	body := stripeEvent("evt_fail1", "invoice.payment_failed", t0, map[string]any{"object": "invoice", "id": "in_1", "customer": fx.cust})
	other := stripeEvent("evt_fail1", "invoice.payment_failed", t0, map[string]any{"object": "invoice", "id": "in_1", "customer": "cus_other"})

	for name, sig := range map[string]string{
		"unsigned":       "",
		"wrong secret":   signed(body, "whsec_wrong", time.Now()),
		"other payload":  signed(other, testWebhookSecret, time.Now()),
		"too old":        signed(body, testWebhookSecret, time.Now().Add(-10*time.Minute)),
		"garbage header": "t=abc,v1=zz",
	} {
		if code := fx.post(body, sig); code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, code)
		}
		fx.want("acme", false)
	}
	// The refused deliveries recorded nothing: the real one still acts.
	fx.send(body)
	fx.want("acme", true)

	req := httptest.NewRequest(http.MethodGet, WebhookPath, nil)
	rec := httptest.NewRecorder()
	fx.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d", rec.Code)
	}
}

func TestWebhookSuspendReactivateIdempotent(t *testing.T) {
	fx := newWebhookFixture(t)
	t0 := time.Now().Unix() - 100
	invoice := map[string]any{"object": "invoice", "id": "in_1", "customer": fx.cust}

	failed := stripeEvent("evt_1", "invoice.payment_failed", t0, invoice)
	fx.send(failed)
	fx.want("acme", true)
	fx.send(failed) // redelivery
	fx.want("acme", true)

	fx.send(stripeEvent("evt_2", "invoice.paid", t0+10, invoice))
	fx.want("acme", false)
	// A redelivered old event changes nothing.
	fx.send(failed)
	fx.want("acme", false)
	// Nor does a new event created before the last change (out of order).
	fx.send(stripeEvent("evt_3", "invoice.payment_failed", t0+5, invoice))
	fx.want("acme", false)

	// Other event types are ignored.
	fx.send(stripeEvent("evt_4", "customer.created", t0+20, map[string]any{"object": "customer", "id": fx.cust}))
	fx.want("acme", false)

	fx.send(stripeEvent("evt_5", "customer.subscription.deleted", t0+30,
		map[string]any{"object": "subscription", "id": "sub_1", "customer": fx.cust}))
	fx.want("acme", true)

	// A customer not in the mapping, found by its expanded metadata.
	fx.send(stripeEvent("evt_6", "invoice.payment_failed", t0+40, map[string]any{"object": "invoice", "id": "in_2",
		"customer": map[string]any{"id": "cus_elsewhere", "object": "customer", "metadata": map[string]any{"quartz_tenant": "beta"}}}))
	fx.want("beta", true)
	// A customer of no tenant: 200, nothing changes.
	fx.send(stripeEvent("evt_7", "invoice.payment_failed", t0+50, map[string]any{"object": "invoice", "id": "in_3", "customer": "cus_nobody"}))
	if got := fx.susp.List(); len(got) != 2 {
		t.Fatalf("suspended tenants: %v", got)
	}
}

func TestSuspensionStateSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	fx := newWebhookFixture(t)
	t0 := time.Now().Unix()
	fx.send(stripeEvent("evt_1", "invoice.payment_failed", t0, map[string]any{"object": "invoice", "customer": fx.cust}))
	if err := fx.susp.Set(ctx, "beta", true); err != nil {
		t.Fatal(err)
	}
	if err := fx.susp.Set(ctx, "gamma", true); err != nil {
		t.Fatal(err)
	}
	if err := fx.susp.Set(ctx, "gamma", false); err != nil {
		t.Fatal(err)
	}

	// Close the store and open everything again from disk.
	if err := fx.db.Close(); err != nil {
		t.Fatal(err)
	}
	fx.open()
	fx.want("acme", true)
	fx.want("beta", true)
	fx.want("gamma", false)

	// The processed-event record survived too: a redelivery after the
	// restart changes nothing, even after an operator's reactivation.
	e, err := NewExporter(fx.db, newMemSource(), nil, StripeConfig{Key: fakeStripeKey, URL: "http://127.0.0.1:1", WebhookSecret: testWebhookSecret})
	if err != nil {
		t.Fatal(err)
	}
	fx.h = e.WebhookHandler(fx.susp)
	if err := fx.susp.Set(ctx, "acme", false); err != nil {
		t.Fatal(err)
	}
	fx.send(stripeEvent("evt_1", "invoice.payment_failed", t0, map[string]any{"object": "invoice", "customer": fx.cust}))
	fx.want("acme", false)
	// The customer mapping survived: a new failure suspends acme again.
	fx.send(stripeEvent("evt_2", "invoice.payment_failed", time.Now().Unix()+1, map[string]any{"object": "invoice", "customer": fx.cust}))
	fx.want("acme", true)
}

func TestWebhookWithoutSecret(t *testing.T) {
	db := testStore(t)
	susp, err := OpenSuspensions(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewExporter(db, newMemSource(), nil, StripeConfig{Key: fakeStripeKey, URL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	body := stripeEvent("evt_1", "invoice.payment_failed", time.Now().Unix(), map[string]any{"object": "invoice", "customer": "cus_1"})
	req := httptest.NewRequest(http.MethodPost, WebhookPath, strings.NewReader(string(body)))
	req.Header.Set("Stripe-Signature", signed(body, "", time.Now()))
	rec := httptest.NewRecorder()
	e.WebhookHandler(susp).ServeHTTP(rec, req)
	if rec.Code == http.StatusOK {
		t.Fatal("an exporter without a webhook secret accepted an event")
	}
}
