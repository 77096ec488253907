package billing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/stripe/stripe-go/v85"

	"github.com/quartzdb/quartzdb/storage"
)

// Stripe accepts meter event timestamps of the past 35 calendar days only.
const (
	// stripeMaxEventAge is Stripe's limit.
	stripeMaxEventAge = 35 * 24 * time.Hour
	// nearLimitAge is when a pending window starts to alert
	// (ExporterStats.NearLimit and a slog.Warn): five days before
	// Stripe's limit, so an operator has time to act.
	nearLimitAge = 30 * 24 * time.Hour
	// restampAge is when a window is sent with the current time as its
	// timestamp instead of its start. A day short of Stripe's limit so
	// that clock skew and a pass's own duration (retries, backoff) cannot
	// push a request over it.
	restampAge = stripeMaxEventAge - 24*time.Hour
)

// Batch sizes for reading the ledger: the first read takes exportBatch
// windows; when a whole batch belongs to tenants that cannot send this
// pass, the next read doubles, up to exportMaxBatch, so the windows of
// other tenants behind them still go out.
const (
	exportBatch    = 256
	exportMaxBatch = 1 << 16
)

// Exporter sends the ledger's closed windows to Stripe as Billing Meter
// Events, one per tenant-minute, and keeps the tenant <-> customer mapping.
// Safe for concurrent use; passes run one at a time.
//
// Exactly once: every window's meter event carries its Identifier, the same
// for every attempt and after every restart; a window is marked sent only
// once Stripe acknowledged it, and Stripe refusing an identifier it already
// holds counts as that acknowledgement (an earlier attempt was accepted
// and we died or failed before MarkSent). Stripe promises identifier
// uniqueness for at least 24 hours: an acknowledged window whose MarkSent
// failed and that is resent more than a day later could be counted twice.
// MarkSent follows the acknowledgement immediately and its failure stops
// the tenant's pass, so that takes a day-long storage failure. A window is
// sealed before its first send: an acknowledgement lost with the pass (a
// crash, retries exhausted) leaves Stripe holding the sealed value, which
// is what every later attempt sends and MarkSent records; a record that
// arrives for the window later goes to a later one.
//
// A window of a tenant missing from the tenants list (dropped since) is
// still billed: its stored customer is used, or one is created.
//
// Order: a tenant's windows are sent oldest first; when one cannot be
// sent (after retries), none of that tenant's later windows is sent in the
// same pass.
//
// Windows older than 34 days (Stripe refuses timestamps older than 35) are
// sent with the current time as timestamp, keeping their identifier: the
// usage is still billed, in the current period rather than the minute it
// happened. Windows older than 30 days raise NearLimit and a log line on
// every pass while they are pending.
type Exporter struct {
	store   *storage.DB
	src     WindowSource
	tenants func(context.Context) ([]string, error)
	cfg     StripeConfig
	client  *stripe.Client

	customerMu sync.Mutex // serialises customer creation
	passMu     sync.Mutex // one pass at a time

	mu    sync.Mutex
	stats ExporterStats
}

// ExporterStats are the exporter's counters and gauges, for /metrics.
type ExporterStats struct {
	// Sent counts windows Stripe acknowledged and that were marked sent
	// (Duplicates included, Zero not).
	Sent int64
	// Duplicates counts windows acknowledged by Stripe answering that it
	// already held their identifier.
	Duplicates int64
	// Zero counts windows without units, marked sent without a request.
	Zero int64
	// Restamped counts windows sent with the current time as timestamp
	// because they were too old for Stripe.
	Restamped int64
	// Failures counts export failures: a tenant's customer that could not
	// be created, a window that could not be sent or marked sent after its
	// retries, a ledger read that failed.
	Failures int64
	// NearLimit is the number of windows older than 30 days still pending
	// after the last pass (an alert: Stripe's limit is 35 days).
	NearLimit int
	// OldestUnsentAge is the age of the oldest window still pending after
	// the last pass; 0 if none.
	OldestUnsentAge time.Duration
	// Passes counts ExportOnce calls that ran; LastPass is when the last
	// one started, LastError its error ("" if none).
	Passes    int64
	LastPass  time.Time
	LastError string
}

// NewExporter returns an exporter that reads windows from src, tenants
// from tenants (every tenant gets a Stripe customer) and keeps its own
// records in store.
func NewExporter(store *storage.DB, src WindowSource, tenants func(context.Context) ([]string, error), cfg StripeConfig) (*Exporter, error) {
	if store == nil {
		return nil, errors.New("billing exporter: nil store")
	}
	if src == nil {
		return nil, errors.New("billing exporter: nil window source")
	}
	if cfg.Key == "" {
		return nil, errors.New("billing exporter: no Stripe key")
	}
	if tenants == nil {
		tenants = func(context.Context) ([]string, error) { return nil, nil }
	}
	cfg = cfg.withDefaults()
	return &Exporter{
		store:   store,
		src:     src,
		tenants: tenants,
		cfg:     cfg,
		client:  newStripeClient(cfg),
	}, nil
}

// Stats returns a snapshot of the exporter's counters.
func (e *Exporter) Stats() ExporterStats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats
}

func (e *Exporter) count(f func(s *ExporterStats)) {
	e.mu.Lock()
	f(&e.stats)
	e.mu.Unlock()
}

// exportPass is one ExportOnce's state.
type exportPass struct {
	e   *Exporter
	now time.Time

	customers map[string]string // tenant -> customer id, known this pass
	blocked   map[string]error  // tenants that send nothing more this pass
	done      map[string]bool   // identifiers handled this pass
	pending   map[string]time.Time
	// outage is set once a request exhausted its retries on a retryable
	// error and cleared by the next success: while Stripe is down every
	// further tenant gets one attempt instead of a full backoff, so a pass
	// over many tenants stays short.
	outage bool
	sent   int
	errs   []error
}

// ExportOnce runs one export pass: a customer for every tenant that has
// none, then every unsent window, oldest first, one meter event each. It
// returns how many windows Stripe acknowledged in this pass; the error
// joins the pass's failures (the pass goes on past a failing tenant).
func (e *Exporter) ExportOnce(ctx context.Context) (int, error) {
	e.passMu.Lock()
	defer e.passMu.Unlock()
	p := &exportPass{
		e:         e,
		now:       e.cfg.Now(),
		customers: make(map[string]string),
		blocked:   make(map[string]error),
		done:      make(map[string]bool),
		pending:   make(map[string]time.Time),
	}
	e.count(func(s *ExporterStats) { s.Passes++; s.LastPass = p.now })

	names, err := e.tenants(ctx)
	if err != nil {
		p.fail(fmt.Errorf("list tenants: %w", err))
	}
	for _, t := range names {
		if ctx.Err() != nil {
			break
		}
		if _, err := p.customer(ctx, t); err != nil {
			continue // blocked and counted
		}
	}
	if ctx.Err() == nil {
		if err := p.drain(ctx); err != nil {
			p.fail(err)
		}
	}
	p.finish(ctx)

	err = errors.Join(p.errs...)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	e.count(func(s *ExporterStats) {
		s.LastError = ""
		if err != nil {
			s.LastError = err.Error()
		}
	})
	return p.sent, err
}

func (p *exportPass) fail(err error) {
	p.errs = append(p.errs, err)
	p.e.count(func(s *ExporterStats) { s.Failures++ })
}

// block stops tenant's sending for the rest of the pass.
func (p *exportPass) block(tenant string, err error) {
	if _, ok := p.blocked[tenant]; ok {
		return
	}
	p.blocked[tenant] = err
	p.fail(err)
	slog.Warn("billing: Stripe export of a tenant postponed to the next pass", "tenant", tenant, "err", err)
}

func (p *exportPass) retries() int {
	if p.outage {
		return 0
	}
	return p.e.cfg.MaxRetries
}

// settle records the outcome of a Stripe request for the outage flag.
func (p *exportPass) settle(ctx context.Context, err error) {
	switch {
	case err == nil:
		p.outage = false
	case isRetryable(ctx, err):
		p.outage = true
	}
}

// customer returns tenant's customer id, creating the customer if needed;
// on failure the tenant is blocked.
func (p *exportPass) customer(ctx context.Context, tenant string) (string, error) {
	if id, ok := p.customers[tenant]; ok {
		return id, nil
	}
	if err, ok := p.blocked[tenant]; ok {
		return "", err
	}
	id, err := p.e.ensureCustomer(ctx, tenant, p.retries())
	p.settle(ctx, err)
	if err != nil {
		p.block(tenant, err)
		return "", err
	}
	p.customers[tenant] = id
	return id, nil
}

// drain sends every unsent window it can, oldest first.
func (p *exportPass) drain(ctx context.Context) error {
	limit := exportBatch
	for ctx.Err() == nil {
		ws, err := p.e.src.Unsent(ctx, limit)
		if err != nil {
			return fmt.Errorf("read unsent windows: %w", err)
		}
		if ws, err = p.seal(ctx, ws); err != nil {
			return err
		}
		progress := 0
		for _, w := range ws {
			if ctx.Err() != nil {
				return nil
			}
			id := w.Identifier()
			if p.done[id] || w.Sent {
				continue // handled, yet read again: do not loop on it
			}
			if _, ok := p.blocked[w.Tenant]; ok {
				p.pending[id] = w.Start
				continue
			}
			if p.export(ctx, w) {
				p.done[id] = true
				delete(p.pending, id)
				progress++
			} else {
				p.pending[id] = w.Start
			}
		}
		switch {
		case progress > 0:
			// Read again: the windows behind this batch.
		case len(ws) < limit:
			return nil // everything left is blocked
		case limit >= exportMaxBatch:
			return nil
		default:
			limit *= 2 // a full batch of blocked tenants' windows
		}
	}
	return nil
}

// seal seals, in one ledger transaction, the windows of ws this pass
// will send, and returns ws with them as sealed. Zero windows are never
// sent (MarkSent moves what they gain meanwhile on), and a blocked
// tenant's wait for a later pass, unsealed.
func (p *exportPass) seal(ctx context.Context, ws []Window) ([]Window, error) {
	var idx []int
	var todo []Window
	for i, w := range ws {
		_, blocked := p.blocked[w.Tenant]
		if w.Units != 0 && !w.Sealed && !blocked && !p.done[w.Identifier()] {
			idx = append(idx, i)
			todo = append(todo, w)
		}
	}
	if len(todo) == 0 {
		return ws, nil
	}
	sealed, err := p.e.src.Seal(ctx, todo)
	if err != nil {
		return nil, fmt.Errorf("seal windows before sending: %w", err)
	}
	for j, i := range idx {
		ws[i] = sealed[j]
	}
	return ws, nil
}

// export sends one window and marks it sent; false if it stays unsent
// (its tenant is then blocked).
func (p *exportPass) export(ctx context.Context, w Window) bool {
	e := p.e
	if w.Units == 0 {
		if err := e.src.MarkSent(ctx, w); err != nil {
			p.block(w.Tenant, fmt.Errorf("mark window %s sent: %w", w.Identifier(), err))
			return false
		}
		e.count(func(s *ExporterStats) { s.Zero++ })
		return true
	}
	cust, err := p.customer(ctx, w.Tenant)
	if err != nil {
		return false
	}
	id := w.Identifier()
	age := p.now.Sub(w.Start)
	ts := w.Start.Unix()
	restamped := false
	if age > restampAge {
		// Stripe would refuse the real minute: bill the usage now,
		// under the same identifier.
		ts = p.now.Unix()
		restamped = true
		slog.Warn("billing: window too old for Stripe's 35-day limit, sent with the current time as timestamp",
			"tenant", w.Tenant, "window", w.Start, "identifier", id, "units", w.Units)
	}
	params := &stripe.BillingMeterEventCreateParams{
		EventName:  stripe.String(e.cfg.MeterEvent),
		Identifier: stripe.String(id),
		Timestamp:  stripe.Int64(ts),
		Payload: map[string]string{
			"stripe_customer_id": cust,
			"value":              strconv.FormatInt(w.Units, 10),
		},
	}
	// No Idempotency-Key of our own: stripe-go sends a fresh one per
	// request, and the identifier is what dedups. A key derived from the
	// window would make Stripe replay a saved 500 to every retry for a
	// day.
	dup := false
	err = retryStripe(ctx, p.retries(), e.cfg.RetryBase, func() error {
		_, err := e.client.V1BillingMeterEvents.Create(ctx, params)
		if err != nil && isDuplicateIdentifier(err, id) {
			dup = true
			return nil
		}
		return err
	})
	p.settle(ctx, err)
	if err != nil {
		p.block(w.Tenant, &stripeError{op: "send meter event " + id, err: err})
		return false
	}
	if err := e.src.MarkSent(ctx, w); err != nil {
		// Stripe has it; the next attempt gets the duplicate answer and
		// marks it then.
		p.block(w.Tenant, fmt.Errorf("mark window %s sent after Stripe acknowledged it: %w", id, err))
		return false
	}
	p.sent++
	e.count(func(s *ExporterStats) {
		s.Sent++
		if dup {
			s.Duplicates++
		}
		if restamped {
			s.Restamped++
		}
	})
	return true
}

// finish computes the pending gauges and logs windows near Stripe's limit.
func (p *exportPass) finish(ctx context.Context) {
	near := 0
	var oldest time.Time
	for _, start := range p.pending {
		if oldest.IsZero() || start.Before(oldest) {
			oldest = start
		}
		if p.now.Sub(start) > nearLimitAge {
			near++
		}
	}
	// The pass may have stopped before reading everything (cancelled, a
	// ledger error): the ledger's oldest window is the truth for the age.
	if ctx.Err() == nil {
		if ws, err := p.e.src.Unsent(ctx, 1); err == nil {
			if len(ws) == 0 {
				oldest = time.Time{}
			} else if oldest.IsZero() || ws[0].Start.Before(oldest) {
				oldest = ws[0].Start
			}
		}
	}
	var age time.Duration
	if !oldest.IsZero() {
		age = max(p.now.Sub(oldest), 0)
	}
	if near > 0 {
		slog.Warn("billing: windows older than 30 days still unsent to Stripe (Stripe refuses events older than 35 days)",
			"windows", near, "oldest_age", age.Round(time.Minute))
	}
	p.e.count(func(s *ExporterStats) {
		s.NearLimit = near
		s.OldestUnsentAge = age
	})
}

// Run exports every Interval until ctx ends. After a failed pass it waits
// longer, doubling up to MaxBackoff (with jitter), and back to Interval
// after a clean pass: an outage of hours or days leaves the windows in the
// ledger, and the first pass after Stripe recovers drains them in order.
func (e *Exporter) Run(ctx context.Context) {
	failures := 0
	for {
		_, err := e.ExportOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := e.cfg.Interval
		if err != nil {
			failures++
			wait = runBackoff(e.cfg.Interval, e.cfg.MaxBackoff, failures)
			slog.Warn("billing: Stripe export pass failed", "err", err, "consecutive_failures", failures, "next_in", wait.Round(time.Millisecond))
		} else {
			failures = 0
		}
		if sleepCtx(ctx, wait) != nil {
			return
		}
	}
}

// runBackoff is the wait after n consecutive failed passes: interval
// doubled n-1 times, capped, jittered. Never below interval/2, so that a
// cap under the interval cannot make Run spin.
func runBackoff(interval, maxBackoff time.Duration, n int) time.Duration {
	d := interval
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, max(maxBackoff, interval))
	return jitter(d)
}
