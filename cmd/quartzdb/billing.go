package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
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
	// customers counts the goroutines giving new tenants their Stripe
	// customers; serve waits for them before the store closes.
	customers sync.WaitGroup
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
	cfg.TenantCreated = func(tenant string) {
		b.customers.Add(1)
		go func() {
			defer b.customers.Done()
			b.customerFor(ctx, keys, tenant, log)
		}()
	}
}

// customerFor gives a newly created tenant its Stripe customer once the
// creating transaction has committed; a tenant rolled back gets none. The
// exporter's passes create any customer this misses.
func (b *billingSetup) customerFor(ctx context.Context, keys *auth.Store, tenant string, log *slog.Logger) {
	for wait := 50 * time.Millisecond; wait < 30*time.Second; wait *= 2 {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		_, err := keys.GetTenant(ctx, tenant)
		if errors.Is(err, auth.ErrNotFound) {
			continue
		}
		if err == nil {
			_, err = b.exporter.EnsureCustomer(ctx, tenant)
		}
		if err != nil {
			log.Warn("stripe customer for new tenant", "tenant", tenant, "err", err)
		}
		return
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
