package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/stripe/stripe-go/v85"

	"github.com/quartzdb/quartzdb/storage"
)

// System record kinds (storage.Txn.PutSys) for the tenant <-> Stripe
// customer mapping. Both directions are kept: the exporter needs tenant ->
// customer for every meter event, the webhook customer -> tenant for every
// event.
const (
	kindStripeCustomer = "billing.stripe_customer" // name: tenant; value: JSON customerRecord
	kindStripeTenant   = "billing.stripe_tenant"   // name: customer id; value: tenant name
)

// MetadataTenant is the Stripe customer metadata key holding the tenant's
// name.
const MetadataTenant = "quartz_tenant"

type customerRecord struct {
	ID      string
	Created time.Time
}

// customerIdempotencyKey derives the customer creation's Idempotency-Key
// from the tenant, so that a crash between Stripe creating the customer and
// us storing its id, followed by a retry, gets the same customer back
// instead of a second one. Stripe keeps keys at least 24 hours; after that
// a retry would create a new customer, which is why the id is stored in the
// same pass that creates it. The price: Stripe (API v1) also replays a
// saved 500 to the same key, so a creation that failed that way keeps
// failing until Stripe prunes the key (a day); the tenant's windows wait
// in the ledger meanwhile (Failures and OldestUnsentAge show it), which
// beats billing one tenant on two customers.
func customerIdempotencyKey(tenant string) string {
	return "quartzdb-customer-" + tenant
}

// CustomerID returns the Stripe customer id stored for tenant.
func (e *Exporter) CustomerID(ctx context.Context, tenant string) (string, bool, error) {
	txn := e.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	return readCustomerID(ctx, txn, tenant)
}

func readCustomerID(ctx context.Context, txn *storage.Txn, tenant string) (string, bool, error) {
	b, ok, err := txn.GetSys(ctx, kindStripeCustomer, tenant)
	if err != nil {
		return "", false, fmt.Errorf("read Stripe customer of tenant %q: %w", tenant, err)
	}
	if !ok {
		return "", false, nil
	}
	var rec customerRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return "", false, fmt.Errorf("decode Stripe customer of tenant %q: %w", tenant, err)
	}
	return rec.ID, rec.ID != "", nil
}

// tenantOfCustomer maps a Stripe customer id back to its tenant.
func (e *Exporter) tenantOfCustomer(ctx context.Context, customerID string) (string, bool, error) {
	txn := e.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	b, ok, err := txn.GetSys(ctx, kindStripeTenant, customerID)
	if err != nil {
		return "", false, fmt.Errorf("read tenant of Stripe customer %q: %w", customerID, err)
	}
	return string(b), ok && len(b) > 0, nil
}

// EnsureCustomer returns tenant's Stripe customer id, creating the
// customer (named after the tenant, metadata quartz_tenant = tenant) and
// storing the mapping both ways if there is none yet.
func (e *Exporter) EnsureCustomer(ctx context.Context, tenant string) (string, error) {
	return e.ensureCustomer(ctx, tenant, e.cfg.MaxRetries)
}

func (e *Exporter) ensureCustomer(ctx context.Context, tenant string, retries int) (string, error) {
	if tenant == "" {
		return "", errors.New("ensure Stripe customer: empty tenant name")
	}
	if id, ok, err := e.CustomerID(ctx, tenant); err != nil || ok {
		return id, err
	}
	// One creation at a time: two concurrent calls with the same
	// idempotency key would make Stripe refuse one of them.
	e.customerMu.Lock()
	defer e.customerMu.Unlock()
	if id, ok, err := e.CustomerID(ctx, tenant); err != nil || ok {
		return id, err
	}

	var cust *stripe.Customer
	err := retryStripe(ctx, retries, e.cfg.RetryBase, func() error {
		p := &stripe.CustomerCreateParams{Name: stripe.String(tenant)}
		p.AddMetadata(MetadataTenant, tenant)
		p.SetIdempotencyKey(customerIdempotencyKey(tenant))
		c, err := e.client.V1Customers.Create(ctx, p)
		if err != nil {
			return err
		}
		cust = c
		return nil
	})
	if err != nil {
		return "", &stripeError{op: fmt.Sprintf("create Stripe customer for tenant %q", tenant), err: err}
	}
	if cust == nil || cust.ID == "" {
		return "", fmt.Errorf("create Stripe customer for tenant %q: answer without an id", tenant)
	}
	return e.storeCustomer(ctx, tenant, cust.ID)
}

// storeCustomer records tenant <-> id. If another record for tenant won
// meanwhile (another process), that one is returned.
func (e *Exporter) storeCustomer(ctx context.Context, tenant, id string) (string, error) {
	b, err := json.Marshal(customerRecord{ID: id, Created: e.cfg.Now().UTC()})
	if err != nil {
		return "", fmt.Errorf("store Stripe customer of tenant %q: %w", tenant, err)
	}
	txn := e.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	if err := txn.CreateSys(ctx, kindStripeCustomer, tenant, b); err != nil {
		if errors.Is(err, storage.ErrSysExists) {
			txn.Rollback()
			existing, ok, rerr := e.CustomerID(ctx, tenant)
			if rerr == nil && !ok {
				rerr = fmt.Errorf("store Stripe customer of tenant %q: record vanished", tenant)
			}
			return existing, rerr
		}
		return "", fmt.Errorf("store Stripe customer of tenant %q: %w", tenant, err)
	}
	prev, ok, err := txn.GetSysForUpdate(ctx, kindStripeTenant, id)
	if err != nil {
		return "", fmt.Errorf("store Stripe customer of tenant %q: %w", tenant, err)
	}
	if ok && string(prev) != tenant {
		// Stripe never hands out one id twice; seeing it means a mock
		// or a mixed-up account, and billing two tenants to one
		// customer must not happen silently.
		return "", fmt.Errorf("store Stripe customer of tenant %q: customer %s already belongs to tenant %q", tenant, id, prev)
	}
	if err := txn.PutSys(ctx, kindStripeTenant, id, []byte(tenant)); err != nil {
		return "", fmt.Errorf("store Stripe customer of tenant %q: %w", tenant, err)
	}
	if err := txn.Commit(ctx); err != nil {
		return "", fmt.Errorf("store Stripe customer of tenant %q: %w", tenant, err)
	}
	return id, nil
}
