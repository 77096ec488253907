package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/quartzdb/quartzdb/auth"
	"github.com/quartzdb/quartzdb/billing"
	"github.com/quartzdb/quartzdb/server"
	"github.com/quartzdb/quartzdb/storage"
)

// billing.go wires metering, the Stripe exporter and the billing webhook
// into serve. Metering always runs; Stripe is on only with a key.

// billingFlags are serve's billing options; each defaults to the
// environment.
type billingFlags struct {
	stripeKey, stripeURL, meterEvent, webhookSecret *string
	interval                                        *time.Duration
	formula                                         *string
	retention                                       *time.Duration
}

func addBillingFlags(fset *flag.FlagSet) billingFlags {
	return billingFlags{
		// The secrets' defaults stay empty here (flag prints defaults in
		// its usage text and errors); secrets() reads the environment.
		stripeKey:     fset.String("stripe-key", "", "Stripe secret key (sk_...; default $QUARTZDB_STRIPE_KEY or $STRIPE_API_KEY); without it usage is metered but not sent"),
		stripeURL:     fset.String("stripe-url", envOr("QUARTZDB_STRIPE_URL", ""), "Stripe API base URL override (stripe-mock, tests)"),
		meterEvent:    fset.String("stripe-meter-event", envOr("QUARTZDB_STRIPE_METER_EVENT", billing.DefaultMeterEvent), "event_name of the Stripe billing meter"),
		webhookSecret: fset.String("stripe-webhook-secret", "", "signing secret of POST /api/v1/billing/webhook (whsec_...; default $QUARTZDB_STRIPE_WEBHOOK_SECRET or $STRIPE_WEBHOOK_SECRET)"),
		interval:      fset.Duration("billing-interval", envDuration("QUARTZDB_BILLING_INTERVAL", time.Minute), "time between exports to Stripe"),
		formula:       fset.String("billing-formula", envOr("QUARTZDB_BILLING_FORMULA", ""), "JSON file with the billing units formula (docs/billing.md)"),
		retention:     fset.Duration("usage-retention", envDuration("QUARTZDB_USAGE_RETENTION", 35*24*time.Hour), "how long sent usage windows are kept"),
	}
}

// secrets fills the secret flags left empty from the environment, after
// parsing, so no secret is ever a flag's printed default.
func (f billingFlags) secrets() {
	if *f.stripeKey == "" {
		*f.stripeKey = envOr("QUARTZDB_STRIPE_KEY", os.Getenv("STRIPE_API_KEY"))
	}
	if *f.webhookSecret == "" {
		*f.webhookSecret = envOr("QUARTZDB_STRIPE_WEBHOOK_SECRET", os.Getenv("STRIPE_WEBHOOK_SECRET"))
	}
}

// envDuration reads a duration from the environment, def when unset or
// malformed.
func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(envOr(name, "")); err == nil {
		return d
	}
	return def
}

// billingSetup is what serve runs for billing.
type billingSetup struct {
	meter       *billing.Meter
	exporter    *billing.Exporter // nil without a Stripe key
	suspensions *billing.Suspensions
	// newTenants queues tenants created while serving for their Stripe
	// customers; customers counts its worker, which serve waits for
	// before the store closes.
	newTenants newTenantQueue
	customers  sync.WaitGroup
}

// newTenantQueue is the bounded set of tenants waiting for their Stripe
// customer. One worker serves it, whatever the rate of tenant creation.
type newTenantQueue struct {
	mu      sync.Mutex
	pending map[string]time.Time // tenant -> when its creation was seen
	wake    chan struct{}
}

// maxQueuedTenants bounds the queue: a tenant beyond it gets its customer
// from the exporter's next pass instead.
const maxQueuedTenants = 10000

// customerGrace is how long a queued tenant may stay invisible (its
// creating transaction still open) before it is taken as rolled back.
const customerGrace = 30 * time.Second

func (q *newTenantQueue) add(tenant string, now time.Time) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pending == nil {
		q.pending = make(map[string]time.Time)
	}
	if _, ok := q.pending[tenant]; !ok && len(q.pending) >= maxQueuedTenants {
		return false
	}
	q.pending[tenant] = now
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true
}

// snapshot returns the queued tenants, oldest first.
func (q *newTenantQueue) snapshot() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	names := make([]string, 0, len(q.pending))
	for t := range q.pending {
		names = append(names, t)
	}
	slices.SortFunc(names, func(a, b string) int { return q.pending[a].Compare(q.pending[b]) })
	return names
}

// done removes tenant unless it was queued again since seen.
func (q *newTenantQueue) done(tenant string, seen time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if t, ok := q.pending[tenant]; ok && !t.After(seen) {
		delete(q.pending, tenant)
	}
}

func (q *newTenantQueue) queuedAt(tenant string) time.Time {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.pending[tenant]
}

// openBilling opens the meter (replaying its journal) and, with a Stripe
// key, the exporter.
func openBilling(ctx context.Context, f billingFlags, dataDir string, store *storage.DB, keys *auth.Store, log *slog.Logger) (*billingSetup, error) {
	formula := billing.DefaultFormula()
	if *f.formula != "" {
		var err error
		if formula, err = billing.LoadFormula(*f.formula); err != nil {
			return nil, err
		}
	}
	meter, err := billing.Open(ctx, store, billing.Config{
		Dir: filepath.Join(dataDir, "billing"), Formula: formula, Retention: *f.retention,
		OnError: func(err error) { log.Error("usage ledger", "err", err) },
	})
	if err != nil {
		return nil, fmt.Errorf("open usage ledger: %w", err)
	}
	b := &billingSetup{meter: meter}
	if b.suspensions, err = billing.OpenSuspensions(ctx, store); err != nil {
		_ = meter.Close()
		return nil, fmt.Errorf("open billing suspensions: %w", err)
	}
	if *f.stripeKey == "" {
		if *f.webhookSecret != "" {
			log.Warn("--stripe-webhook-secret is ignored without --stripe-key")
		}
		return b, nil
	}
	tenants := func(ctx context.Context) ([]string, error) {
		ts, err := keys.ListTenants(ctx)
		if err != nil {
			return nil, err
		}
		names := make([]string, len(ts))
		for i, t := range ts {
			names[i] = t.Name
		}
		return names, nil
	}
	b.exporter, err = billing.NewExporter(store, meter, tenants, billing.StripeConfig{
		Key: *f.stripeKey, URL: *f.stripeURL, MeterEvent: *f.meterEvent,
		WebhookSecret: *f.webhookSecret, Interval: *f.interval,
	})
	if err != nil {
		_ = meter.Close()
		return nil, fmt.Errorf("stripe exporter: %w", err)
	}
	return b, nil
}

// configure fills the server's billing fields.
func (b *billingSetup) configure(ctx context.Context, cfg *server.Config, keys *auth.Store, log *slog.Logger) {
	cfg.Meter = b.meter
	cfg.Usage = server.LedgerUsage{Meter: b.meter}
	cfg.Suspended = b.suspensions.Suspended
	if b.exporter == nil {
		return
	}
	cfg.BillingWebhook = b.exporter.WebhookHandler(b.suspensions)
	b.newTenants.wake = make(chan struct{}, 1)
	cfg.TenantCreated = func(tenant string) {
		if !b.newTenants.add(tenant, time.Now()) {
			log.Warn("stripe customer for new tenant left to the next export pass: too many tenants queued", "tenant", tenant)
		}
	}
	b.customers.Add(1)
	go func() {
		defer b.customers.Done()
		b.customersForNewTenants(ctx, keys, log)
	}()
}

// customersForNewTenants gives each queued tenant its Stripe customer
// once the creating transaction has committed; a tenant still invisible
// after customerGrace was rolled back and gets none. The exporter's
// passes create any customer this misses. Runs until ctx ends.
func (b *billingSetup) customersForNewTenants(ctx context.Context, keys *auth.Store, log *slog.Logger) {
	q := &b.newTenants
	const poll = 100 * time.Millisecond
	for {
		names := q.snapshot()
		var wait <-chan time.Time
		if len(names) > 0 {
			wait = time.After(poll) // a creator's commit may be pending
		}
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		case <-wait:
		}
		for _, tenant := range q.snapshot() {
			if ctx.Err() != nil {
				return
			}
			seen := q.queuedAt(tenant)
			_, err := keys.GetTenant(ctx, tenant)
			if errors.Is(err, auth.ErrNotFound) {
				if time.Since(seen) > customerGrace {
					q.done(tenant, seen)
				}
				continue
			}
			if err == nil {
				_, err = b.exporter.EnsureCustomer(ctx, tenant)
			}
			if err != nil {
				log.Warn("stripe customer for new tenant", "tenant", tenant, "err", err)
			}
			q.done(tenant, seen)
		}
	}
}

// stats is what /metrics shows of billing.
func (b *billingSetup) stats() server.BillingStats {
	ms := b.meter.Stats()
	st := server.BillingStats{UnitsMetered: ms.UnitsMetered, Statements: ms.Statements, WindowsPending: ms.WindowsPending}
	if !ms.OldestUnsent.IsZero() {
		st.OldestUnsentAge = time.Since(ms.OldestUnsent)
	}
	if b.exporter != nil {
		es := b.exporter.Stats()
		st.ExportFailures, st.NearLimit = es.Failures, int64(es.NearLimit)
	}
	return st
}

// run exports until ctx ends (nothing without Stripe).
func (b *billingSetup) run(ctx context.Context) {
	if b.exporter != nil {
		b.exporter.Run(ctx)
	}
}

// close flushes the journal into the ledger.
func (b *billingSetup) close() error {
	return b.meter.Close()
}
