package billing

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quartzdb/quartzdb/storage"
)

// Config configures a Meter. Zero fields take their defaults.
type Config struct {
	// Dir holds the usage journal (Dir/usage.journal).
	Dir string
	// Formula prices statements; the zero Formula means DefaultFormula.
	Formula Formula
	// Retention is how long sent windows are kept (default 35 days,
	// Stripe's limit for meter events). Unsent windows are always kept.
	Retention time.Duration
	// FlushInterval is how often the journal is drained into the ledger
	// (default 1s): the most a power loss can lose.
	FlushInterval time.Duration
	// CloseDelay is how long after a minute ends, measured at the start
	// of a complete drain, its window is closed and may be exported
	// (default 5s; negative means none).
	CloseDelay time.Duration
	// JournalRecords is the journal's capacity when it is created
	// (default 1<<16, minimum 16; 320 bytes each); an existing journal
	// keeps its own. A small ring stays in the CPU caches and in dirty
	// page-cache pages, which is most of what a Record costs; the flusher
	// is woken early when it is half full.
	JournalRecords int
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// OnError, if set, receives the background flusher's errors (it
	// retries on its next tick).
	OnError func(error)
}

// Stats is the meter's state for metrics.
type Stats struct {
	// Statements and UnitsMetered count what this process recorded
	// and moved into the ledger since Open (at most FlushInterval behind
	// Record).
	Statements, UnitsMetered int64
	// Replayed counts journal records recovered at Open: recorded by an
	// earlier process that stopped before they reached the ledger.
	Replayed int64
	// WindowsPending counts windows Stripe has not acknowledged.
	WindowsPending int64
	// OldestUnsent is the start of the oldest of them; zero if none.
	OldestUnsent time.Time
}

// ErrClosed is returned by Flush after Close.
var ErrClosed = errors.New("billing: meter closed")

// Meter meters statements: Record appends each statement's usage to the
// mapped journal; a background flusher aggregates the journal into the
// per-tenant-minute ledger in Pebble. It implements WindowSource for the
// Stripe exporter. Safe for concurrent use.
type Meter struct {
	store   *storage.DB
	cfg     Config
	formula Formula
	now     func() time.Time
	j       *journal

	// flushMu serialises journal readers; checkpoint (the highest seq in
	// the ledger) is only touched under it.
	flushMu    sync.Mutex
	checkpoint uint64
	unmapped   bool // the journal is gone (Close)
	// ledgerMu serialises read-modify-write transactions on windows.
	ledgerMu sync.Mutex

	// lastDrain is the unix-nano start of the last complete drain.
	lastDrain atomic.Int64

	statements, units, replayed, pending atomic.Int64
	statsMu                              sync.Mutex
	oldest                               time.Time

	kick      chan struct{}
	stop      chan struct{}
	done      chan struct{}
	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// Open opens the meter: it opens (or creates) Dir/usage.journal, moves
// every record a previous process left unaggregated into the ledger and
// starts the background flusher. store stays the caller's to close,
// after the Meter.
func Open(ctx context.Context, store *storage.DB, cfg Config) (*Meter, error) {
	if cfg.Dir == "" {
		return nil, errors.New("billing: Config.Dir is required")
	}
	if cfg.Formula == (Formula{}) {
		cfg.Formula = DefaultFormula()
	}
	if err := cfg.Formula.Validate(); err != nil {
		return nil, fmt.Errorf("billing formula: %w", err)
	}
	if cfg.Retention <= 0 {
		cfg.Retention = 35 * 24 * time.Hour
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = time.Second
	}
	switch {
	case cfg.CloseDelay == 0:
		cfg.CloseDelay = 5 * time.Second
	case cfg.CloseDelay < 0:
		cfg.CloseDelay = 0
	}
	if cfg.JournalRecords == 0 {
		cfg.JournalRecords = 1 << 16
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("billing: %w", err)
	}
	m := &Meter{
		store:   store,
		cfg:     cfg,
		formula: cfg.Formula,
		now:     cfg.Now,
		kick:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	cp, err := readCheckpoint(ctx, store)
	if err != nil {
		return nil, fmt.Errorf("billing: %w", err)
	}
	j, recs, err := openJournal(filepath.Join(cfg.Dir, "usage.journal"), cfg.JournalRecords, cp)
	if err != nil {
		return nil, fmt.Errorf("billing: %w", err)
	}
	m.j = j
	// Replay before anyone may append: the recovered records' slots are
	// free for reuse once the journal is open. The checkpoint moves to
	// the journal's base even past records a crash tore: those
	// statements were in flight, and their seqs are never reused.
	base := j.released.Load()
	if len(recs) > 0 || base != cp {
		b := newBatch()
		for i := range recs {
			b.addUsage(&recs[i].Usage, recs[i].Units)
		}
		m.flushMu.Lock()
		err := m.commitBatch(ctx, b, base)
		m.flushMu.Unlock()
		if err != nil {
			j.close()
			j.unmap()
			return nil, fmt.Errorf("billing: replay usage journal: %w", err)
		}
	}
	m.replayed.Store(int64(len(recs)))
	m.checkpoint = base
	m.lastDrain.Store(m.now().UnixNano())
	if err := m.countPending(ctx); err != nil {
		j.close()
		j.unmap()
		return nil, fmt.Errorf("billing: %w", err)
	}
	j.onFull = m.wake
	go m.flusher()
	return m, nil
}

// Record meters one statement: it prices u with the formula, appends it
// to the journal and returns its units. Once it returns the usage
// survives a crash of the process. It takes no lock and makes no
// syscall; it waits only when the journal is full (the ledger is not
// keeping up and more statements ran than Admit leaves room for). After
// Close it records nothing.
func (m *Meter) Record(u Usage) int64 {
	units := m.formula.Units(u)
	var at int64
	if u.At.IsZero() {
		at = m.now().UnixNano()
	} else {
		at = u.At.UnixNano()
	}
	m.j.append(&u, units, at)
	return units
}

// ErrBehind is Admit's refusal: the journal is filling because the
// ledger is not keeping up (its commits fail or are too slow).
var ErrBehind = errors.New("billing: the usage journal is three quarters full: the ledger is not keeping up")

// Admit reports whether a new statement may start: nil unless the journal
// is over three quarters full. Refusing new statements from there keeps
// the last quarter for statements already running, so that their Record
// (which must not lose their usage) never waits on a ledger that is
// failing, as long as fewer statements than a quarter of JournalRecords
// run at once. It takes no lock.
func (m *Meter) Admit() error {
	if m.j.reserved()-m.j.released.Load() > m.j.cap/4*3 {
		m.wake()
		return ErrBehind
	}
	return nil
}

// Formula returns the formula in force.
func (m *Meter) Formula() Formula { return m.formula }

// Flush drains the journal into the ledger now: everything Recorded
// before the call is in the ledger when it returns nil (unless a Record
// is stalled mid-append for over a second).
func (m *Meter) Flush(ctx context.Context) error {
	if m.closed.Load() {
		return ErrClosed
	}
	_, err := m.drain(ctx, time.Second)
	return err
}

// Stats returns the meter's counters.
func (m *Meter) Stats() Stats {
	m.statsMu.Lock()
	oldest := m.oldest
	m.statsMu.Unlock()
	return Stats{
		Statements:     m.statements.Load(),
		UnitsMetered:   m.units.Load(),
		Replayed:       m.replayed.Load(),
		WindowsPending: m.pending.Load(),
		OldestUnsent:   oldest,
	}
}

// Close stops the flusher, drains the journal a last time and unmaps it.
// It does not close the store. A Record racing with Close is either in
// the ledger or, if it came after, not recorded.
func (m *Meter) Close() error {
	m.closeOnce.Do(func() {
		m.closed.Store(true)
		close(m.stop)
		<-m.done
		m.j.close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		complete, err := m.drain(ctx, 10*time.Second)
		if err == nil && !complete {
			err = errors.New("a statement stayed mid-append")
		}
		if err != nil {
			// Leave the mapping: an appender may still write to it, and
			// what the ledger lacks is replayed from the file at the
			// next Open.
			m.closeErr = fmt.Errorf("billing: close: %w", err)
			return
		}
		m.flushMu.Lock()
		m.unmapped = true
		m.closeErr = m.j.unmap()
		m.flushMu.Unlock()
	})
	return m.closeErr
}

func (m *Meter) wake() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

func (m *Meter) flusher() {
	defer close(m.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-m.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	t := time.NewTicker(m.cfg.FlushInterval)
	defer t.Stop()
	var lastSweep time.Time
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
		case <-m.kick:
		}
		if _, err := m.drain(ctx, 100*time.Millisecond); err != nil {
			m.report(err)
		}
		if now := m.now(); now.Sub(lastSweep) >= time.Minute {
			if err := m.sweep(ctx); err != nil {
				m.report(err)
			} else {
				lastSweep = now
			}
		}
	}
}

func (m *Meter) report(err error) {
	if m.cfg.OnError != nil && !errors.Is(err, context.Canceled) {
		m.cfg.OnError(err)
	}
}

// drainBatch bounds the records aggregated per ledger transaction.
const drainBatch = 1 << 16

// drain moves journal records into the ledger until it has every seq
// reserved when it started. A slot reserved but not yet published (an
// append in progress) is waited for at most patience; complete reports
// whether the drain got them all, and only then does it close windows.
func (m *Meter) drain(ctx context.Context, patience time.Duration) (complete bool, err error) {
	m.flushMu.Lock()
	defer m.flushMu.Unlock()
	if m.unmapped {
		return false, ErrClosed
	}
	// Read the clock before the target: whatever was recorded before
	// start is at or below target.
	start := m.now()
	target := m.j.reserved()
	var deadline time.Time
	wait := time.Microsecond
	for {
		b := newBatch()
		last := m.j.collect(m.checkpoint, drainBatch, func(seq uint64, rec []byte) {
			if !recordIntact(rec, seq) {
				return // cannot happen short of memory corruption
			}
			b.addRecord(rec)
		})
		if last > m.checkpoint {
			if err := m.commitBatch(ctx, b, last); err != nil {
				return false, fmt.Errorf("billing: flush: %w", err)
			}
			m.checkpoint = last
			m.j.release(last)
			m.statements.Add(b.statements)
			m.units.Add(b.units)
			deadline = time.Time{}
			continue
		}
		if m.checkpoint >= target {
			m.lastDrain.Store(start.UnixNano())
			return true, nil
		}
		// An append between reserving and publishing: nanoseconds,
		// unless its goroutine was descheduled.
		if deadline.IsZero() {
			deadline = time.Now().Add(patience)
		} else if time.Now().After(deadline) {
			return false, nil
		}
		if err := ctx.Err(); err != nil {
			return false, err
		}
		time.Sleep(wait)
		wait = min(2*wait, time.Millisecond)
	}
}

// batch sums records per tenant-minute. Windows are keyed by tenant
// first so that a lookup by the record's tenant bytes does not allocate.
type batch struct {
	tenants           map[string]map[int64]*Window // tenant -> unix minute -> sums
	statements, units int64
}

type winKey struct {
	tenant string
	minute int64 // unix minutes
}

func newBatch() *batch { return &batch{tenants: make(map[string]map[int64]*Window)} }

func (b *batch) window(tm map[int64]*Window, atNanos int64) *Window {
	minute := atNanos / int64(time.Minute)
	if atNanos < 0 && atNanos%int64(time.Minute) != 0 {
		minute--
	}
	w := tm[minute]
	if w == nil {
		w = &Window{}
		tm[minute] = w
	}
	return w
}

func (b *batch) tenant(name []byte) map[int64]*Window {
	tm := b.tenants[string(name)]
	if tm == nil {
		tm = make(map[int64]*Window)
		b.tenants[string(name)] = tm
	}
	return tm
}

// addRecord adds one journal record, reading only what a window sums.
func (b *batch) addRecord(rec []byte) {
	c := rec[offCounters : offCounters+72]
	i64 := func(k int) int64 { return int64(ne.Uint64(c[8*k:])) }
	w := b.window(b.tenant(rec[offStrings:offStrings+int(rec[offLens])]), i64(8)) // tenant is packed first
	units := i64(0)
	w.Statements++
	if rec[offLens+4] != 0 || rec[offFlags]&flagRateLimited != 0 {
		w.Failed++
	}
	w.Units += units
	w.RowsRead += i64(1)
	w.RowsWritten += i64(2)
	w.Distances += i64(3)
	w.BytesIn += i64(4)
	w.BytesOut += i64(5)
	w.CPU += time.Duration(i64(6))
	w.Wall += time.Duration(i64(7))
	b.statements++
	b.units += units
}

// addUsage adds a decoded record (replay).
func (b *batch) addUsage(u *Usage, units int64) {
	w := b.window(b.tenant([]byte(u.Tenant)), u.At.UnixNano())
	w.Statements++
	if u.SQLState != "" || u.RateLimited {
		w.Failed++
	}
	w.Units += units
	w.RowsRead += u.RowsRead
	w.RowsWritten += u.RowsWritten
	w.Distances += u.Distances
	w.BytesIn += u.BytesIn
	w.BytesOut += u.BytesOut
	w.CPU += u.CPU
	w.Wall += u.Wall
	b.statements++
	b.units += units
}

// keys returns the batch's windows in (tenant, minute) order, so a
// flush writes deterministically.
func (b *batch) keys() []winKey {
	var ks []winKey
	for t, tm := range b.tenants {
		for minute := range tm {
			ks = append(ks, winKey{t, minute})
		}
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].tenant != ks[j].tenant {
			return ks[i].tenant < ks[j].tenant
		}
		return ks[i].minute < ks[j].minute
	})
	return ks
}

func (b *batch) get(k winKey) *Window { return b.tenants[k.tenant][k.minute] }
