package billing

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quartzdb/quartzdb/storage"
)

// kindSuspension is the system record kind of a tenant's billing status
// (name: tenant; value: JSON suspensionRecord). A record with Suspended
// false is kept after a reactivation: its AsOf still orders later events.
const kindSuspension = "billing.suspension"

// SuspensionReasonOperator is the Reason of a change made through Set.
const SuspensionReasonOperator = "operator"

type suspensionRecord struct {
	Suspended bool
	// Reason is the Stripe event type that made the change, or
	// SuspensionReasonOperator.
	Reason  string
	EventID string `json:",omitempty"`
	Changed time.Time
	// AsOf (Unix seconds) is the Stripe event's creation time, or the
	// operator's change time. Stripe does not deliver events in order: an
	// event created before AsOf is recorded but changes nothing, so a late
	// invoice.payment_failed cannot undo a newer invoice.paid.
	AsOf int64
}

// Suspensions is the set of tenants suspended for billing reasons
// (a failed payment, a cancelled subscription). Suspended is answered from
// memory; every change is durable before it is visible. Safe for
// concurrent use.
type Suspensions struct {
	store *storage.DB
	now   func() time.Time

	// mu serialises changes, so the in-memory set is published in
	// commit order.
	mu  sync.Mutex
	cur atomic.Pointer[map[string]bool] // suspended tenants; never mutated once published
}

// OpenSuspensions loads the durable suspension state from store.
func OpenSuspensions(ctx context.Context, store *storage.DB) (*Suspensions, error) {
	if store == nil {
		return nil, fmt.Errorf("open suspensions: nil store")
	}
	s := &Suspensions{store: store, now: time.Now}
	m := make(map[string]bool)
	txn := store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	err := txn.ScanSys(ctx, kindSuspension, func(tenant string, b []byte) error {
		var rec suspensionRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			return fmt.Errorf("tenant %q: %w", tenant, err)
		}
		if rec.Suspended {
			m[tenant] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open suspensions: %w", err)
	}
	s.cur.Store(&m)
	return s, nil
}

// Suspended reports whether tenant is suspended for billing reasons. It
// takes no lock and does not allocate: it is on every statement's path.
func (s *Suspensions) Suspended(tenant string) bool {
	if s == nil {
		return false
	}
	m := s.cur.Load()
	return m != nil && (*m)[tenant]
}

// List returns the suspended tenants in name order.
func (s *Suspensions) List() []string {
	m := s.cur.Load()
	out := make([]string, 0, len(*m))
	for t := range *m {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Set suspends or reactivates tenant by an operator's decision, durably.
// It overrides every Stripe event created before it.
func (s *Suspensions) Set(ctx context.Context, tenant string, suspended bool) error {
	if tenant == "" {
		return fmt.Errorf("set suspension: empty tenant name")
	}
	now := s.now().UTC()
	rec := suspensionRecord{Suspended: suspended, Reason: SuspensionReasonOperator, Changed: now, AsOf: now.Unix()}
	_, err := s.change(ctx, tenant, rec, true, nil)
	return err
}

// change writes tenant's record in a transaction that first runs also
// (when not nil; an error from it aborts everything), then publishes the
// new state. Unless force, a record whose AsOf is newer than rec's is kept
// and changed reports false (also is still committed).
func (s *Suspensions) change(ctx context.Context, tenant string, rec suspensionRecord, force bool, also func(*storage.Txn) error) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	txn := s.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	if also != nil {
		if err := also(txn); err != nil {
			return false, err
		}
	}
	b, ok, err := txn.GetSysForUpdate(ctx, kindSuspension, tenant)
	if err != nil {
		return false, fmt.Errorf("suspension of tenant %q: %w", tenant, err)
	}
	apply := true
	if ok {
		var prev suspensionRecord
		if err := json.Unmarshal(b, &prev); err != nil {
			return false, fmt.Errorf("suspension of tenant %q: %w", tenant, err)
		}
		if force {
			rec.AsOf = max(rec.AsOf, prev.AsOf)
		} else if rec.AsOf < prev.AsOf {
			apply = false
		}
	}
	if apply {
		nb, err := json.Marshal(rec)
		if err != nil {
			return false, fmt.Errorf("suspension of tenant %q: %w", tenant, err)
		}
		if err := txn.PutSys(ctx, kindSuspension, tenant, nb); err != nil {
			return false, fmt.Errorf("suspension of tenant %q: %w", tenant, err)
		}
	}
	if err := txn.Commit(ctx); err != nil {
		return false, fmt.Errorf("suspension of tenant %q: %w", tenant, err)
	}
	if apply {
		s.publish(tenant, rec.Suspended)
	}
	return apply, nil
}

// publish swaps in a copy of the set with tenant's new state. Called with
// s.mu held.
func (s *Suspensions) publish(tenant string, suspended bool) {
	old := *s.cur.Load()
	if old[tenant] == suspended {
		return
	}
	m := make(map[string]bool, len(old)+1)
	for t := range old {
		m[t] = true
	}
	if suspended {
		m[tenant] = true
	} else {
		delete(m, tenant)
	}
	s.cur.Store(&m)
}
