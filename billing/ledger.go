package billing

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/quartzdb/quartzdb/storage"
)

// The ledger lives in storage system records:
//
//	usage         tenant/YYYYMMDDhhmm   one Window per tenant-minute
//	usage-unsent  YYYYMMDDhhmm/tenant   index of windows Stripe has not acknowledged
//	usage-sent    YYYYMMDDhhmm/tenant   index of acknowledged windows, for retention
//	usage-meta    journal-checkpoint    highest journal seq in the aggregates
//
// The minute is fixed-width UTC, so a prefix scan of "tenant/" lists one
// tenant in time order and a scan of the indexes lists windows oldest
// first across tenants. Tenant names never contain '/' (auth validates
// them), and '/' sorts before every character they may hold, so name
// order is (tenant, minute) order. The checkpoint is written in the same
// transaction as the aggregates it covers: a replay after a crash starts
// exactly after what the ledger holds.
const (
	kindUsage      = "usage"
	kindUnsent     = "usage-unsent"
	kindSent       = "usage-sent"
	kindMeta       = "usage-meta"
	metaCheckpoint = "journal-checkpoint"
	minuteLayout   = "200601021504"
	windowVersion  = 1
)

// A stored window's flags byte.
const (
	windowSent   = 1 << 0
	windowSealed = 1 << 1
)

// errStopScan ends a ScanSys early; never returned to callers.
var errStopScan = errors.New("stop scan")

func windowName(tenant string, start time.Time) string {
	return tenant + "/" + start.UTC().Format(minuteLayout)
}

func indexName(start time.Time, tenant string) string {
	return start.UTC().Format(minuteLayout) + "/" + tenant
}

func parseWindowName(name string) (tenant string, start time.Time, err error) {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return "", time.Time{}, fmt.Errorf("malformed usage window name %q", name)
	}
	start, err = time.Parse(minuteLayout, name[i+1:])
	if err != nil {
		return "", time.Time{}, fmt.Errorf("malformed usage window name %q: %w", name, err)
	}
	return name[:i], start, nil
}

func parseIndexName(name string) (start time.Time, tenant string, err error) {
	m, tenant, ok := strings.Cut(name, "/")
	if ok {
		start, err = time.Parse(minuteLayout, m)
	}
	if !ok || err != nil {
		return time.Time{}, "", fmt.Errorf("malformed usage index name %q", name)
	}
	return start, tenant, nil
}

// encodeWindow stores a window's counters (tenant and start are in the
// record's name): a version byte, a flags byte, then varints.
func encodeWindow(w *Window) []byte {
	b := make([]byte, 0, 2+10*binary.MaxVarintLen64)
	var flags byte
	if w.Sent {
		flags |= windowSent
	}
	if w.Sealed {
		flags |= windowSealed
	}
	b = append(b, windowVersion, flags)
	for _, v := range w.counters() {
		b = binary.AppendVarint(b, *v)
	}
	return b
}

func decodeWindow(tenant string, start time.Time, b []byte) (Window, error) {
	w := Window{Tenant: tenant, Start: start}
	if len(b) < 2 || b[0] != windowVersion {
		return w, fmt.Errorf("usage window %s: unknown encoding", windowName(tenant, start))
	}
	w.Sent = b[1]&windowSent != 0
	w.Sealed = b[1]&windowSealed != 0
	b = b[2:]
	for _, p := range w.counters() {
		v, n := binary.Varint(b)
		if n <= 0 {
			return w, fmt.Errorf("usage window %s: truncated", windowName(tenant, start))
		}
		*p, b = v, b[n:]
	}
	return w, nil
}

// counters lists the window's summable fields, in their stored order.
func (w *Window) counters() []*int64 {
	return []*int64{
		&w.Statements, &w.Failed, &w.Units, &w.RowsRead, &w.RowsWritten,
		&w.Distances, &w.BytesIn, &w.BytesOut, (*int64)(&w.CPU), (*int64)(&w.Wall),
	}
}

func (w *Window) add(d *Window) {
	dst, src := w.counters(), d.counters()
	for i := range dst {
		*dst[i] += *src[i]
	}
}

// sub returns w - sent, and whether every difference is >= 0.
func (w *Window) sub(sent *Window) (Window, bool) {
	var d Window
	dst, a, b := d.counters(), w.counters(), sent.counters()
	ok := true
	for i := range dst {
		*dst[i] = *a[i] - *b[i]
		ok = ok && *dst[i] >= 0
	}
	return d, ok
}

func (w *Window) isZero() bool {
	for _, v := range w.counters() {
		if *v != 0 {
			return false
		}
	}
	return true
}

// ledgerTxn caches the windows one transaction reads and writes.
type ledgerTxn struct {
	ctx  context.Context
	txn  *storage.Txn
	wins map[string]*ledgerWin
	// created counts windows new to the ledger (each also new to the
	// unsent index).
	created int64
}

type ledgerWin struct {
	w       Window
	existed bool
	dirty   bool
}

func newLedgerTxn(ctx context.Context, txn *storage.Txn) *ledgerTxn {
	return &ledgerTxn{ctx: ctx, txn: txn, wins: make(map[string]*ledgerWin)}
}

func (l *ledgerTxn) get(tenant string, start time.Time) (*ledgerWin, error) {
	name := windowName(tenant, start)
	if lw, ok := l.wins[name]; ok {
		return lw, nil
	}
	lw := &ledgerWin{w: Window{Tenant: tenant, Start: start}}
	v, ok, err := l.txn.GetSys(l.ctx, kindUsage, name)
	if err != nil {
		return nil, fmt.Errorf("read usage window %s: %w", name, err)
	}
	if ok {
		if lw.w, err = decodeWindow(tenant, start, v); err != nil {
			return nil, err
		}
		lw.existed = true
	}
	l.wins[name] = lw
	return lw, nil
}

// addTo adds d to tenant's window at start or, when that one was already
// sealed for Stripe (a late record: clock skew, or a statement recorded
// long after it finished), to the first unsealed window from cur on, so
// that every unit reaches Stripe exactly once. avoid, if not zero, is a
// window never to use (the one being marked sent).
func (l *ledgerTxn) addTo(tenant string, start, cur, avoid time.Time, d *Window) error {
	for {
		lw, err := l.get(tenant, start)
		if err != nil {
			return err
		}
		if !lw.w.Sent && !lw.w.Sealed && !start.Equal(avoid) {
			lw.w.add(d)
			lw.dirty = true
			return nil
		}
		if start.Before(cur) {
			start = cur
		} else {
			start = start.Add(time.Minute)
		}
	}
}

// write stores every changed window, indexing new ones as unsent.
func (l *ledgerTxn) write() error {
	names := make([]string, 0, len(l.wins))
	for name, lw := range l.wins {
		if lw.dirty {
			names = append(names, name)
		}
	}
	sort.Strings(names) // a deterministic write order
	for _, name := range names {
		lw := l.wins[name]
		if err := l.txn.PutSys(l.ctx, kindUsage, name, encodeWindow(&lw.w)); err != nil {
			return fmt.Errorf("write usage window %s: %w", name, err)
		}
		if !lw.existed {
			if err := l.txn.PutSys(l.ctx, kindUnsent, indexName(lw.w.Start, lw.w.Tenant), []byte{1}); err != nil {
				return fmt.Errorf("index usage window %s: %w", name, err)
			}
			l.created++
			lw.existed = true
		}
		lw.dirty = false
	}
	return nil
}

func putCheckpoint(ctx context.Context, txn *storage.Txn, seq uint64) error {
	if err := txn.PutSys(ctx, kindMeta, metaCheckpoint, binary.BigEndian.AppendUint64(nil, seq)); err != nil {
		return fmt.Errorf("write usage checkpoint: %w", err)
	}
	return nil
}

func readCheckpoint(ctx context.Context, store *storage.DB) (uint64, error) {
	txn := store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	v, ok, err := txn.GetSys(ctx, kindMeta, metaCheckpoint)
	if err != nil {
		return 0, fmt.Errorf("read usage checkpoint: %w", err)
	}
	if !ok {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("usage checkpoint: malformed (%d bytes)", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// Usage returns the windows of tenant ("" for every tenant) that overlap
// [since, until) (a zero bound is open), ordered by tenant then start.
// Statements recorded since the last flush are not in it yet; Flush
// first to include the current minute.
func (m *Meter) Usage(ctx context.Context, tenant string, since, until time.Time) ([]Window, error) {
	prefix := ""
	if tenant != "" {
		prefix = tenant + "/"
	}
	txn := m.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	var out []Window
	err := txn.ScanSysPrefix(ctx, kindUsage, prefix, func(name string, v []byte) error {
		t, start, err := parseWindowName(name)
		if err != nil {
			return err
		}
		if tenant != "" && t != tenant ||
			!since.IsZero() && !start.Add(time.Minute).After(since) ||
			!until.IsZero() && !start.Before(until) {
			return nil
		}
		w, err := decodeWindow(t, start, v)
		if err != nil {
			return err
		}
		out = append(out, w)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("billing: usage: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Tenant != out[j].Tenant {
			return out[i].Tenant < out[j].Tenant
		}
		return out[i].Start.Before(out[j].Start)
	})
	return out, nil
}

// Unsent implements WindowSource: closed windows Stripe has not
// acknowledged, oldest first across tenants, at most limit. A window is
// closed when its minute ended at least CloseDelay before the start of
// the last complete drain of the journal, so every statement of it that
// was recorded in time is in it.
func (m *Meter) Unsent(ctx context.Context, limit int) ([]Window, error) {
	if limit <= 0 {
		return nil, nil
	}
	horizon := time.Unix(0, m.lastDrain.Load()).Add(-m.cfg.CloseDelay - time.Minute)
	txn := m.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	type ref struct {
		tenant string
		start  time.Time
	}
	var refs []ref
	err := txn.ScanSys(ctx, kindUnsent, func(name string, _ []byte) error {
		start, tenant, err := parseIndexName(name)
		if err != nil {
			return err
		}
		if start.After(horizon) || len(refs) == limit {
			return errStopScan
		}
		refs = append(refs, ref{tenant, start})
		return nil
	})
	if err != nil && !errors.Is(err, errStopScan) {
		return nil, fmt.Errorf("billing: unsent windows: %w", err)
	}
	out := make([]Window, 0, len(refs))
	for _, r := range refs {
		name := windowName(r.tenant, r.start)
		v, ok, err := txn.GetSys(ctx, kindUsage, name)
		if err != nil {
			return nil, fmt.Errorf("billing: unsent window %s: %w", name, err)
		}
		if !ok {
			return nil, fmt.Errorf("billing: unsent window %s is indexed but missing", name)
		}
		w, err := decodeWindow(r.tenant, r.start, v)
		if err != nil {
			return nil, fmt.Errorf("billing: %w", err)
		}
		out = append(out, w)
	}
	return out, nil
}

// Seal implements WindowSource, in one transaction.
func (m *Meter) Seal(ctx context.Context, ws []Window) ([]Window, error) {
	m.ledgerMu.Lock()
	defer m.ledgerMu.Unlock()
	txn := m.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	l := newLedgerTxn(ctx, txn)
	out := make([]Window, len(ws))
	for i, w := range ws {
		start := w.Start.UTC().Truncate(time.Minute)
		lw, err := l.get(w.Tenant, start)
		if err != nil {
			return nil, fmt.Errorf("billing: seal: %w", err)
		}
		if !lw.existed {
			return nil, fmt.Errorf("billing: seal: no usage window %s", windowName(w.Tenant, start))
		}
		if !lw.w.Sealed && !lw.w.Sent {
			lw.w.Sealed, lw.dirty = true, true
		}
		out[i] = lw.w
	}
	if err := l.write(); err != nil {
		return nil, fmt.Errorf("billing: seal: %w", err)
	}
	if err := txn.Commit(ctx); err != nil {
		return nil, fmt.Errorf("billing: seal: %w", err)
	}
	return out, nil
}

// MarkSent implements WindowSource: Stripe acknowledged w, as Unsent
// (or Seal) returned it. The ledger keeps w's values as the window's; anything
// added to the window after Unsent read it (a record that arrived late)
// moves to the tenant's current window, still unsent, so it is billed
// once. Marking a window already sent is a no-op. Durable on return.
func (m *Meter) MarkSent(ctx context.Context, w Window) error {
	start := w.Start.UTC().Truncate(time.Minute)
	name := windowName(w.Tenant, start)
	m.ledgerMu.Lock()
	defer m.ledgerMu.Unlock()
	txn := m.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	l := newLedgerTxn(ctx, txn)
	lw, err := l.get(w.Tenant, start)
	if err != nil {
		return fmt.Errorf("billing: mark sent: %w", err)
	}
	if !lw.existed {
		return fmt.Errorf("billing: mark sent: no usage window %s", name)
	}
	if lw.w.Sent {
		return nil
	}
	late, ok := lw.w.sub(&w)
	if !ok {
		return fmt.Errorf("billing: mark sent: window %s as sent exceeds the ledger's", name)
	}
	sent := w
	sent.Tenant, sent.Start, sent.Sent = lw.w.Tenant, start, true
	lw.w, lw.dirty = sent, true
	if !late.isZero() {
		cur := m.now().UTC().Truncate(time.Minute)
		if err := l.addTo(w.Tenant, cur, cur, start, &late); err != nil {
			return fmt.Errorf("billing: mark sent: %w", err)
		}
	}
	if err := l.write(); err != nil {
		return fmt.Errorf("billing: mark sent: %w", err)
	}
	idx := indexName(start, w.Tenant)
	if err := txn.DeleteSys(ctx, kindUnsent, idx); err != nil {
		return fmt.Errorf("billing: mark sent %s: %w", name, err)
	}
	if err := txn.PutSys(ctx, kindSent, idx, []byte{1}); err != nil {
		return fmt.Errorf("billing: mark sent %s: %w", name, err)
	}
	if err := txn.Commit(ctx); err != nil {
		return fmt.Errorf("billing: mark sent %s: %w", name, err)
	}
	m.pending.Add(l.created - 1)
	m.refreshOldest(ctx)
	return nil
}

// commitBatch adds per-window deltas to the ledger and moves the
// checkpoint to seq, in one transaction. Called with flushMu held.
func (m *Meter) commitBatch(ctx context.Context, b *batch, seq uint64) error {
	m.ledgerMu.Lock()
	defer m.ledgerMu.Unlock()
	txn := m.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	l := newLedgerTxn(ctx, txn)
	now := m.now().UTC()
	cur := now.Truncate(time.Minute)
	// A window past retention may already be sent and deleted, and
	// Stripe refuses events that old: bill it now instead.
	expired := now.Add(-m.cfg.Retention)
	for _, k := range b.keys() {
		start := time.Unix(k.minute*60, 0).UTC()
		if !start.Add(time.Minute).After(expired) {
			start = cur
		}
		if err := l.addTo(k.tenant, start, cur, time.Time{}, b.get(k)); err != nil {
			return err
		}
	}
	if err := l.write(); err != nil {
		return err
	}
	if err := putCheckpoint(ctx, txn, seq); err != nil {
		return err
	}
	if err := txn.Commit(ctx); err != nil {
		return fmt.Errorf("commit usage: %w", err)
	}
	if l.created > 0 {
		m.pending.Add(l.created)
		m.refreshOldest(ctx)
	}
	return nil
}

// refreshOldest re-reads the oldest unsent window for Stats. Called with
// ledgerMu held; on error the previous value stays.
func (m *Meter) refreshOldest(ctx context.Context) {
	txn := m.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	var oldest time.Time
	err := txn.ScanSys(ctx, kindUnsent, func(name string, _ []byte) error {
		start, _, err := parseIndexName(name)
		if err != nil {
			return err
		}
		oldest = start
		return errStopScan
	})
	if err != nil && !errors.Is(err, errStopScan) {
		return
	}
	m.statsMu.Lock()
	m.oldest = oldest
	m.statsMu.Unlock()
}

// countPending counts the unsent index, once at Open.
func (m *Meter) countPending(ctx context.Context) error {
	txn := m.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	var n int64
	err := txn.ScanSys(ctx, kindUnsent, func(string, []byte) error {
		n++
		return nil
	})
	if err != nil {
		return fmt.Errorf("count unsent usage windows: %w", err)
	}
	m.pending.Store(n)
	m.refreshOldest(ctx)
	return nil
}

// sweep deletes sent windows whose minute ended more than Retention
// ago. Unsent ones are kept whatever their age: they are still owed.
func (m *Meter) sweep(ctx context.Context) error {
	const perTxn = 4096
	cutoff := m.now().Add(-m.cfg.Retention)
	for {
		n, err := m.sweepBatch(ctx, cutoff, perTxn)
		if err != nil || n < perTxn {
			return err
		}
	}
}

func (m *Meter) sweepBatch(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	m.ledgerMu.Lock()
	defer m.ledgerMu.Unlock()
	txn := m.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	var names []string
	err := txn.ScanSys(ctx, kindSent, func(name string, _ []byte) error {
		start, _, err := parseIndexName(name)
		if err != nil {
			return err
		}
		if start.Add(time.Minute).After(cutoff) || len(names) == limit {
			return errStopScan
		}
		names = append(names, name)
		return nil
	})
	if err != nil && !errors.Is(err, errStopScan) {
		return 0, fmt.Errorf("billing: retention: %w", err)
	}
	for _, name := range names {
		start, tenant, _ := parseIndexName(name)
		if err := txn.DeleteSys(ctx, kindUsage, windowName(tenant, start)); err != nil {
			return 0, fmt.Errorf("billing: retention: %w", err)
		}
		if err := txn.DeleteSys(ctx, kindSent, name); err != nil {
			return 0, fmt.Errorf("billing: retention: %w", err)
		}
	}
	if len(names) == 0 {
		return 0, nil
	}
	if err := txn.Commit(ctx); err != nil {
		return 0, fmt.Errorf("billing: retention: %w", err)
	}
	return len(names), nil
}
