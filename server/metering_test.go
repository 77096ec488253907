package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/quartzdb/quartzdb/auth"
	"github.com/quartzdb/quartzdb/billing"
	"github.com/quartzdb/quartzdb/storage"
)

func TestStatementKind(t *testing.T) {
	for _, tc := range []struct{ tag, text, want string }{
		{"SELECT 1", "", "SELECT"},
		{"INSERT 0 25", "", "INSERT"},
		{"CREATE INDEX", "", "CREATE INDEX"},
		{"COPY 50000", "", "COPY"},
		{"FETCH 10", "", "FETCH"},
		{"", "  select * from t", "SELECT"},
		{"", "(SELECT 1) UNION (SELECT 2)", "SELECT"},
		{"", "", "OTHER"},
		{"", "42", "OTHER"},
	} {
		if got := statementKind(tc.tag, tc.text); got != tc.want {
			t.Errorf("statementKind(%q, %q) = %q, want %q", tc.tag, tc.text, got, tc.want)
		}
	}
}

// meteredServer is startAuthServer with a billing.Meter (over a store of
// its own), billing suspensions and metrics; configure may add to its
// configuration (given the ledger's store).
func meteredServer(t *testing.T, configure ...func(*Config, *storage.DB)) (*authServer, *billing.Meter, *billing.Suspensions) {
	t.Helper()
	ctx := context.Background()
	ledger, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	meter, err := billing.Open(ctx, ledger, billing.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	susp, err := billing.OpenSuspensions(ctx, ledger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := meter.Close(); err != nil {
			t.Error(err)
		}
		ledger.Close()
	})
	s := startAuthServer(t, "127.0.0.1:0", func(cfg *Config) {
		cfg.Meter, cfg.Usage, cfg.Suspended = meter, LedgerUsage{Meter: meter}, susp.Suspended
		cfg.Metrics = NewMetrics(MetricSources{Vectors: cfg.Engine.VectorStats}, false)
		for _, f := range configure {
			f(cfg, ledger)
		}
	})
	return s, meter, susp
}

// TestMeteringOverTheWire runs a tenant's statements over pgx and checks
// what quartz.usage then shows it (and the admin, and another tenant),
// the NOTICE of quartz.report_usage, and /metrics.
func TestMeteringOverTheWire(t *testing.T) {
	s, _, _ := meteredServer(t)
	ctx := context.Background()
	key, keyID := s.key(t, "acme", "free")
	cfg, err := pgx.ParseConfig(s.dsn(auth.KeyUser(keyID), key, "acme"))
	if err != nil {
		t.Fatal(err)
	}
	var notices []*pgconn.Notice
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { notices = append(notices, n) }
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		"CREATE TABLE items (id int PRIMARY KEY, embedding vector(2))",
		"INSERT INTO items VALUES (1, '[1,1]'), (2, '[2,2]'), (3, '[3,3]')",
		"SELECT id FROM items ORDER BY embedding <-> '[0,0]' LIMIT 2",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := conn.Exec(ctx, "SELECT 1/0"); err == nil {
		t.Fatal("division by zero succeeded")
	}
	if _, err := conn.Exec(ctx, "SET quartz.report_usage = on"); err != nil {
		t.Fatal(err)
	}
	notices = nil
	if _, err := conn.Exec(ctx, "SELECT count(*) FROM items"); err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || notices[0].Message != "statement used 1 billing units" || !strings.Contains(notices[0].Detail, "rows read 3") {
		t.Fatalf("usage notices: %+v", notices)
	}
	if _, err := conn.Exec(ctx, "SET quartz.report_usage = off"); err != nil {
		t.Fatal(err)
	}

	// Seven statements so far; the one reading quartz.usage is not in it yet.
	var stmts, failed, units, written, dists int64
	err = conn.QueryRow(ctx, `SELECT sum(statements), sum(failed), sum(units), sum(rows_written), sum(distance_computations)
		FROM quartz.usage`).Scan(&stmts, &failed, &units, &written, &dists)
	if err != nil {
		t.Fatal(err)
	}
	if stmts != 7 || failed != 1 || units < 7 || written != 3 || dists != 3 {
		t.Fatalf("acme's usage: statements %d failed %d units %d rows written %d distances %d", stmts, failed, units, written, dists)
	}
	admin := s.connect(t, "admin", s.admin, "quartz")
	defer admin.Close(ctx)
	var tenants int
	if err := admin.QueryRow(ctx, "SELECT count(DISTINCT tenant) FROM quartz.usage WHERE tenant = 'acme'").Scan(&tenants); err != nil || tenants != 1 {
		t.Fatalf("admin's view of acme: %d tenants, %v", tenants, err)
	}
	gkey, gid := s.key(t, "globex", "free")
	globex := s.connect(t, auth.KeyUser(gid), gkey, "globex")
	defer globex.Close(ctx)
	var seen int
	if err := globex.QueryRow(ctx, "SELECT count(*) FROM quartz.usage WHERE tenant = 'acme'").Scan(&seen); err != nil || seen != 0 {
		t.Fatalf("globex sees %d acme windows (%v)", seen, err)
	}

	rec := httptest.NewRecorder()
	s.srv.HTTPHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{`quartzdb_statements_total{kind="SELECT",outcome="ok"}`, `quartzdb_statements_total{kind="SELECT",outcome="error"} 1`,
		"quartzdb_connections_open 3", "quartzdb_rows_written_total 3", "quartzdb_hnsw_indexes 0"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	rec = httptest.NewRecorder()
	s.srv.HTTPHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/health", nil))
	var health struct{ Status, Version, Uptime string }
	if err := json.Unmarshal(rec.Body.Bytes(), &health); err != nil || health.Status != "ok" || health.Version == "" || health.Uptime == "" {
		t.Fatalf("/api/v1/health: %d %s (%v)", rec.Code, rec.Body, err)
	}
}

// TestSuspendedTenant checks that a tenant suspended for billing gets 53400
// on every statement but reads of quartz.usage, keeps its session, and
// runs again once reactivated.
func TestSuspendedTenant(t *testing.T) {
	s, _, susp := meteredServer(t)
	ctx := context.Background()
	key, keyID := s.key(t, "acme", "free")
	conn := s.connect(t, auth.KeyUser(keyID), key, "acme")
	defer conn.Close(ctx)
	if err := susp.Set(ctx, "acme", true); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"SELECT 1", "SELECT * FROM quartz.usage, (SELECT 1) x", "SELECT (SELECT count(*) FROM pg_class) FROM quartz.usage"} {
		_, err := conn.Exec(ctx, q)
		if code, msg := pgCode(err); code != "53400" || !strings.Contains(msg, "suspended for billing") {
			t.Fatalf("%s while suspended: %s %s", q, code, msg)
		}
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM quartz.usage").Scan(&n); err != nil {
		t.Fatalf("quartz.usage while suspended: %v", err)
	}
	if err := susp.Set(ctx, "acme", false); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatalf("after reactivation: %v", err)
	}
}

// TestBillingWebhookSuspends drives the server's billing webhook with
// signed Stripe events: invoice.payment_failed suspends the tenant's
// statements, invoice.paid lets them run again, and a wrongly signed event
// changes nothing.
func TestBillingWebhookSuspends(t *testing.T) {
	const secret = "whsec_test_secret"
	ctx := context.Background()
	s, _, _ := meteredServer(t, func(cfg *Config, ledger *storage.DB) {
		// The exporter never calls Stripe here: the events name their
		// tenant in the customer's metadata.
		meter := cfg.Meter.(*billing.Meter)
		susp, err := billing.OpenSuspensions(ctx, ledger)
		if err != nil {
			t.Fatal(err)
		}
		exp, err := billing.NewExporter(ledger, meter, func(context.Context) ([]string, error) { return nil, nil },
			billing.StripeConfig{Key: "sk_test_unused", URL: "http://127.0.0.1:1", WebhookSecret: secret})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Suspended, cfg.BillingWebhook = susp.Suspended, exp.WebhookHandler(susp)
	})
	key, keyID := s.key(t, "acme", "free")
	conn := s.connect(t, auth.KeyUser(keyID), key, "acme")
	defer conn.Close(ctx)

	post := func(id, typ, signWith string) int {
		t.Helper()
		body := fmt.Appendf(nil, `{"id":%q,"object":"event","type":%q,"created":%d,"api_version":"2025-01-27.acacia",
			"data":{"object":{"id":"in_1","object":"invoice","customer":{"id":"cus_acme","object":"customer","metadata":{"quartz_tenant":"acme"}}}}}`,
			id, typ, time.Now().Unix())
		req := httptest.NewRequest("POST", "/api/v1/billing/webhook", bytes.NewReader(body))
		req.Header.Set("Stripe-Signature", webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{
			Payload: body, Secret: signWith, Timestamp: time.Now()}).Header)
		rec := httptest.NewRecorder()
		s.srv.HTTPHandler().ServeHTTP(rec, req)
		return rec.Code
	}
	run := func() (string, string) {
		_, err := conn.Exec(ctx, "SELECT 1")
		return pgCode(err)
	}
	if code := post("evt_forged", "invoice.payment_failed", "whsec_wrong"); code != 400 {
		t.Fatalf("wrongly signed event: HTTP %d", code)
	}
	if code, msg := run(); code != "" {
		t.Fatalf("after a forged event: %s %s", code, msg)
	}
	if code := post("evt_1", "invoice.payment_failed", secret); code != 200 {
		t.Fatalf("payment_failed: HTTP %d", code)
	}
	if code, msg := run(); code != "53400" || !strings.Contains(msg, "suspended for billing") {
		t.Fatalf("suspended tenant's statement: %s %s", code, msg)
	}
	if code := post("evt_2", "invoice.paid", secret); code != 200 {
		t.Fatalf("paid: HTTP %d", code)
	}
	if code, msg := run(); code != "" {
		t.Fatalf("reactivated tenant's statement: %s %s", code, msg)
	}
	// A repeated delivery of the old failure changes nothing.
	if code := post("evt_1", "invoice.payment_failed", secret); code != 200 {
		t.Fatalf("redelivered event: HTTP %d", code)
	}
	if code, msg := run(); code != "" {
		t.Fatalf("after a redelivered event: %s %s", code, msg)
	}
}
