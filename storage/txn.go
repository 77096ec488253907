package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quartzdb/quartzdb/sql"
)

// IsolationLevel is a transaction isolation level, as SET TRANSACTION names it.
type IsolationLevel uint8

// The isolation levels. READ UNCOMMITTED behaves as ReadCommitted, as in
// PostgreSQL.
const (
	ReadCommitted IsolationLevel = iota
	RepeatableRead
	Serializable
)

// String returns the level as SHOW transaction_isolation prints it.
func (l IsolationLevel) String() string {
	switch l {
	case RepeatableRead:
		return "repeatable read"
	case Serializable:
		return "serializable"
	default:
		return "read committed"
	}
}

// errTxnDone is returned when a finished transaction is used again.
var errTxnDone = errors.New("storage: transaction already committed or rolled back")

// DB is an open QuartzDB store: the KV engine plus the in-memory state that
// coordinates transactions (locks, recent commits, sequences). Safe for
// concurrent use.
type DB struct {
	kv    KV
	locks *lockTable

	nextTxnID atomic.Uint64
	// commitSeq counts commits. It is bumped only after a commit's batch is
	// applied, so a snapshot taken after reading commitSeq=N contains every
	// commit numbered <= N.
	commitSeq atomic.Uint64
	catalogV  atomic.Uint64

	// commitMu serialises Serializable commits (validation through
	// recording), so each one's backward validation sees every Serializable
	// commit that precedes it. Guarantees among Serializable transactions
	// are all PostgreSQL gives, too.
	commitMu sync.Mutex

	mu sync.Mutex // guards the fields below
	// active holds the sequence of every snapshot still in use (a
	// statement's, a transaction's, an open iterator's): recent commits
	// newer than the oldest must be kept for conflict checks, and derived
	// structures keep what the oldest may still read (OldestSnapshotSeq).
	active map[*refSnap]uint64
	// writers holds every open transaction that has written, with a
	// channel closed when it ends, for WaitForWriters.
	writers   map[*Txn]chan struct{}
	lastWrite map[string]uint64 // key -> seq of the last commit that wrote it
	recent    []*commitRecord   // ascending seq
	closed    bool

	seqs seqState
}

// commitRecord is the write set of one recent commit.
type commitRecord struct {
	seq    uint64
	keys   []string
	ranges []keyRange
}

// Open opens (creating if needed) the store in dir.
func Open(dir string) (*DB, error) {
	kv, err := openPebble(dir)
	if err != nil {
		return nil, err
	}
	return OpenKV(kv), nil
}

// OpenKV builds a DB on an already open KV engine.
func OpenKV(kv KV) *DB {
	db := &DB{
		kv:        kv,
		locks:     newLockTable(),
		active:    make(map[*refSnap]uint64),
		writers:   make(map[*Txn]chan struct{}),
		lastWrite: make(map[string]uint64),
	}
	db.seqs.init()
	return db
}

// Close closes the store. Open transactions must be finished first; their
// uncommitted writes are lost.
func (db *DB) Close() error {
	db.mu.Lock()
	if db.closed {
		db.mu.Unlock()
		return nil
	}
	db.closed = true
	db.mu.Unlock()
	return db.kv.Close()
}

// CatalogVersion increases with every committed transaction that changed the
// catalog, so cached plans know when to re-plan.
func (db *DB) CatalogVersion() uint64 { return db.catalogV.Load() }

// Begin starts a transaction. Its snapshot is taken by the first
// StartStatement (or the first read).
func (db *DB) Begin(iso IsolationLevel) *Txn {
	return &Txn{
		db:     db,
		id:     db.nextTxnID.Add(1),
		iso:    iso,
		writes: newWriteSet(),
		held:   make(map[string]struct{}),
	}
}

// refSnap is a snapshot shared by the transaction and its open iterators;
// it is closed when the last of them lets go, so a ReadCommitted statement
// boundary never pulls a snapshot from under a still-open cursor.
type refSnap struct {
	db   *DB
	snap KVSnapshot
	seq  uint64
	refs int32
}

func (r *refSnap) release() {
	if atomic.AddInt32(&r.refs, -1) == 0 {
		_ = r.snap.Close()
		r.db.mu.Lock()
		delete(r.db.active, r)
		r.db.pruneLocked()
		r.db.mu.Unlock()
	}
}

// OldestSnapshotSeq returns the sequence of the oldest snapshot still in
// use, or the latest commit's when there is none: no reader can need a
// version superseded by a commit at or below it.
func (db *DB) OldestSnapshotSeq() uint64 {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.oldestLocked()
}

func (db *DB) oldestLocked() uint64 {
	minSeq := db.commitSeq.Load()
	for _, s := range db.active {
		if s < minSeq {
			minSeq = s
		}
	}
	return minSeq
}

// Txn is one transaction. It must be used by one goroutine at a time.
type Txn struct {
	db     *DB
	id     uint64
	iso    IsolationLevel
	snap   *refSnap
	writes *writeSet
	// writerDone is closed when a transaction that has written ends (see
	// markWriter); nil until its first write.
	writerDone chan struct{}
	held       map[string]struct{}
	ddl        bool
	done       bool
	// committedAt is the commit sequence Commit gave the transaction's
	// writes (0: not committed, or nothing written).
	committedAt uint64

	// Serializable read tracking for backward validation.
	readKeys   map[string]struct{}
	readRanges []keyRange

	// liveSavepoints counts the savepoints not yet released or rolled
	// past; while any is live, undo and lockLog record what a rollback
	// to one of them must take back (nothing is recorded otherwise, so
	// transactions without savepoints pay nothing).
	liveSavepoints int
	undo           []undoRec
	lockLog        []string
}

// undoRec is what one buffered write replaced: a point write's previous
// state of key (had: the write set held prev), or a range deletion's
// dropped point writes and the range count before it.
type undoRec struct {
	key     string
	prev    wval
	had     bool
	isRange bool
	removed map[string]wval
	nRanges int
}

// Savepoint marks a point in a transaction that RollbackToSavepoint can
// return to: the buffered writes and the locks taken after it are undone.
type Savepoint struct {
	t        *Txn
	undo     int
	locks    int
	released bool
}

// ID returns the transaction's process-unique number.
func (t *Txn) ID() uint64 { return t.id }

// SnapshotSeq returns the commit sequence the statement's snapshot covers
// (taking the snapshot if need be): every commit with a sequence at or
// below it is visible to the snapshot. Derived structures tag their
// entries with CommitSeq to decide visibility without reading rows.
func (t *Txn) SnapshotSeq() (uint64, error) {
	if err := t.check(); err != nil {
		return 0, err
	}
	return t.snap.seq, nil
}

// CommitSeq returns the sequence Commit assigned to the transaction's
// writes; 0 before a commit and for a transaction that wrote nothing.
// Sequences restart with the process, as snapshots do.
func (t *Txn) CommitSeq() uint64 { return t.committedAt }

// Isolation returns the transaction's isolation level.
func (t *Txn) Isolation() IsolationLevel { return t.iso }

// HasDDL reports whether the transaction changed the catalog.
func (t *Txn) HasDDL() bool { return t.ddl }

// MarkDDL records that the transaction changed the catalog, so its commit
// bumps CatalogVersion.
func (t *Txn) MarkDDL() { t.ddl = true }

// Done reports whether the transaction has committed or rolled back.
func (t *Txn) Done() bool { return t.done }

// StartStatement marks a statement boundary: a ReadCommitted transaction
// takes a fresh snapshot, the others keep their first one.
func (t *Txn) StartStatement() error {
	if t.done {
		return errTxnDone
	}
	if t.iso == ReadCommitted && t.snap != nil {
		t.snap.release()
		t.snap = nil
	}
	return t.ensureSnap()
}

func (t *Txn) ensureSnap() error {
	if t.snap != nil {
		return nil
	}
	// Register before taking the snapshot: a commit pruning in between
	// must already count this snapshot, or it could forget a write this
	// snapshot does not contain.
	rs := &refSnap{db: t.db, refs: 1}
	t.db.mu.Lock()
	rs.seq = t.db.commitSeq.Load()
	t.db.active[rs] = rs.seq
	t.db.mu.Unlock()
	s, err := t.db.kv.NewSnapshot()
	if err != nil {
		t.db.mu.Lock()
		delete(t.db.active, rs)
		t.db.mu.Unlock()
		return fmt.Errorf("take snapshot: %w", err)
	}
	rs.snap = s
	t.snap = rs
	return nil
}

func (t *Txn) check() error {
	if t.done {
		return errTxnDone
	}
	return t.ensureSnap()
}

// Get reads key as the transaction sees it: its own writes over its
// snapshot. A nil slice with ok=false means absent.
func (t *Txn) Get(ctx context.Context, key []byte) ([]byte, bool, error) {
	if err := t.check(); err != nil {
		return nil, false, err
	}
	if err := ctx.Err(); err != nil {
		return nil, false, sql.Wrap(err)
	}
	if w, ok := t.writes.get(string(key)); ok {
		if w.del {
			return nil, false, nil
		}
		return w.val, true, nil
	}
	t.noteRead(string(key))
	return t.snap.snap.Get(key)
}

// view is Get that lends the value to fn instead of copying it, when the
// snapshot can (KVViewer); fn must not keep val.
func (t *Txn) view(ctx context.Context, key []byte, fn func(val []byte) error) (bool, error) {
	if err := t.check(); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, sql.Wrap(err)
	}
	if w, ok := t.writes.get(string(key)); ok {
		if w.del {
			return false, nil
		}
		return true, fn(w.val)
	}
	t.noteRead(string(key))
	if v, ok := t.snap.snap.(KVViewer); ok {
		return v.View(key, fn)
	}
	val, found, err := t.snap.snap.Get(key)
	if err != nil || !found {
		return found, err
	}
	return true, fn(val)
}

// getLatest reads the latest committed value of key overlaid with the
// transaction's writes. Only meaningful while holding key's lock.
func (t *Txn) getLatest(key []byte) ([]byte, bool, error) {
	if w, ok := t.writes.get(string(key)); ok {
		if w.del {
			return nil, false, nil
		}
		return w.val, true, nil
	}
	return t.db.kv.Get(key)
}

func (t *Txn) noteRead(k string) {
	if t.iso != Serializable {
		return
	}
	if t.readKeys == nil {
		t.readKeys = make(map[string]struct{})
	}
	t.readKeys[k] = struct{}{}
}

// Scan iterates [lo, hi) (hi nil: unbounded) as the transaction sees it.
// The iterator reflects the writes made before it was created.
func (t *Txn) Scan(ctx context.Context, lo, hi []byte) (KVIter, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, sql.Wrap(err)
	}
	if t.iso == Serializable {
		t.readRanges = append(t.readRanges, keyRange{lo: string(lo), hi: string(hi)})
	}
	it, err := t.snap.snap.NewIter(lo, hi)
	if err != nil {
		return nil, err
	}
	rs := t.snap
	atomic.AddInt32(&rs.refs, 1)
	return &snapRefIter{mergeIter: newMergeIter(t.writes, it, lo, hi), rs: rs}, nil
}

type snapRefIter struct {
	*mergeIter
	rs *refSnap
}

func (s *snapRefIter) Close() error {
	if s.rs == nil {
		return nil
	}
	err := s.mergeIter.Close()
	s.rs.release()
	s.rs = nil
	return err
}

// Lock takes the exclusive lock on key, waiting for its holder.
func (t *Txn) Lock(ctx context.Context, key []byte) error {
	if err := t.check(); err != nil {
		return err
	}
	k := string(key)
	if _, ok := t.held[k]; ok {
		return nil
	}
	if _, err := t.db.locks.acquire(ctx, t.id, k); err != nil {
		return err
	}
	t.held[k] = struct{}{}
	if t.liveSavepoints > 0 {
		t.lockLog = append(t.lockLog, k)
	}
	return nil
}

// lockForUpdate locks key and, under RepeatableRead or Serializable, fails
// with 40001 when a transaction that committed after the snapshot wrote it.
func (t *Txn) lockForUpdate(ctx context.Context, key []byte) error {
	if err := t.Lock(ctx, key); err != nil {
		return err
	}
	if t.iso != ReadCommitted && t.db.writtenSince(string(key), t.snap.seq) {
		return sql.Errorf(sql.CodeSerializationFailure, "could not serialize access due to concurrent update")
	}
	return nil
}

// writtenSince reports whether a commit newer than seq wrote k.
func (db *DB) writtenSince(k string, seq uint64) bool {
	db.mu.Lock()
	defer db.mu.Unlock()
	if s, ok := db.lastWrite[k]; ok && s > seq {
		return true
	}
	for i := len(db.recent) - 1; i >= 0 && db.recent[i].seq > seq; i-- {
		for _, r := range db.recent[i].ranges {
			if r.contains(k) {
				return true
			}
		}
	}
	return false
}

// Put locks key and buffers its new value until commit. Under
// RepeatableRead and Serializable, a key written by a transaction that
// committed after the snapshot fails with 40001.
func (t *Txn) Put(ctx context.Context, key, val []byte) error {
	if err := t.lockForUpdate(ctx, key); err != nil {
		return err
	}
	t.markWriter()
	t.noteUndo(string(key))
	t.writes.put(string(key), append([]byte(nil), val...))
	return nil
}

// putLocked buffers a write after taking the key lock but without the
// concurrent-update check: for keys whose conflicts the caller decides
// itself (an INSERT conflicts by uniqueness, not by a concurrent delete).
func (t *Txn) putLocked(ctx context.Context, key, val []byte) error {
	if err := t.Lock(ctx, key); err != nil {
		return err
	}
	t.markWriter()
	t.noteUndo(string(key))
	t.writes.put(string(key), val)
	return nil
}

// Delete locks key and buffers its deletion (with Put's conflict check).
func (t *Txn) Delete(ctx context.Context, key []byte) error {
	if err := t.lockForUpdate(ctx, key); err != nil {
		return err
	}
	t.markWriter()
	t.noteUndo(string(key))
	t.writes.del(string(key))
	return nil
}

// deleteLocked is Delete without the concurrent-update check.
func (t *Txn) deleteLocked(ctx context.Context, key []byte) error {
	if err := t.Lock(ctx, key); err != nil {
		return err
	}
	t.markWriter()
	t.noteUndo(string(key))
	t.writes.del(string(key))
	return nil
}

// DeleteRange buffers the deletion of every key in [lo, hi). It takes no
// key locks (it is for dropping whole tables, whose descriptor lock
// serialises DDL).
func (t *Txn) DeleteRange(ctx context.Context, lo, hi []byte) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return sql.Wrap(err)
	}
	t.markWriter()
	r := keyRange{lo: string(lo), hi: string(hi)}
	if t.liveSavepoints > 0 {
		rec := undoRec{isRange: true, nRanges: len(t.writes.ranges)}
		for k, v := range t.writes.m {
			if r.contains(k) {
				if rec.removed == nil {
					rec.removed = map[string]wval{}
				}
				rec.removed[k] = v
			}
		}
		t.undo = append(t.undo, rec)
	}
	t.writes.deleteRange(r)
	return nil
}

// Commit makes the transaction's writes durable and visible, then releases
// its locks. A Serializable transaction first checks that nothing it read
// was changed by a transaction that committed after its snapshot. After an
// error the transaction is rolled back.
func (t *Txn) Commit(ctx context.Context) error {
	if t.done {
		return errTxnDone
	}
	defer t.finish()
	if t.writes.empty() {
		return nil
	}
	db := t.db
	if t.iso == Serializable {
		// Serializable commits validate and apply one at a time so each
		// sees every earlier one; other levels need no validation and
		// commit concurrently (Pebble groups their WAL syncs).
		db.commitMu.Lock()
		defer db.commitMu.Unlock()
	}
	if t.iso == Serializable && t.snap != nil && db.readWriteConflict(t) {
		return sql.Errorf(sql.CodeSerializationFailure, "could not serialize access due to read/write dependencies among transactions").
			WithDetail("Reason code: Canceled on identification as a pivot, during commit attempt.").
			WithHint("The transaction might succeed if retried.")
	}
	if err := db.kv.Apply(ctx, t.writes.mutations()); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	rec := &commitRecord{ranges: t.writes.ranges}
	rec.keys = make([]string, 0, len(t.writes.m))
	for k := range t.writes.m {
		rec.keys = append(rec.keys, k)
	}
	db.mu.Lock()
	rec.seq = db.commitSeq.Load() + 1
	db.recent = append(db.recent, rec)
	for _, k := range rec.keys {
		db.lastWrite[k] = rec.seq
	}
	db.commitSeq.Store(rec.seq)
	t.committedAt = rec.seq
	db.pruneLocked()
	db.mu.Unlock()
	if t.ddl {
		db.catalogV.Add(1)
	}
	return nil
}

// readWriteConflict is Serializable backward validation: did a commit newer
// than t's snapshot write a key or range t read? Called under commitMu.
func (db *DB) readWriteConflict(t *Txn) bool {
	db.mu.Lock()
	defer db.mu.Unlock()
	seq := t.snap.seq
	i := sort.Search(len(db.recent), func(i int) bool { return db.recent[i].seq > seq })
	for _, rec := range db.recent[i:] {
		for _, k := range rec.keys {
			if _, ok := t.readKeys[k]; ok {
				return true
			}
			for _, r := range t.readRanges {
				if r.contains(k) {
					return true
				}
			}
		}
		for _, wr := range rec.ranges {
			for k := range t.readKeys {
				if wr.contains(k) {
					return true
				}
			}
			for _, r := range t.readRanges {
				if r.overlaps(wr) {
					return true
				}
			}
		}
	}
	return false
}

// pruneLocked forgets commits no open snapshot can conflict with.
func (db *DB) pruneLocked() {
	minSeq := db.oldestLocked()
	n := 0
	for n < len(db.recent) && db.recent[n].seq <= minSeq {
		rec := db.recent[n]
		for _, k := range rec.keys {
			if db.lastWrite[k] == rec.seq {
				delete(db.lastWrite, k)
			}
		}
		db.recent[n] = nil
		n++
	}
	db.recent = db.recent[n:]
}

// Rollback discards the transaction's writes and releases its locks. It is
// safe to call on a finished transaction.
func (t *Txn) Rollback() {
	if t.done {
		return
	}
	t.finish()
}

// markWriter registers t among the open writing transactions.
func (t *Txn) markWriter() {
	if t.writerDone != nil {
		return
	}
	t.writerDone = make(chan struct{})
	t.db.mu.Lock()
	t.db.writers[t] = t.writerDone
	t.db.mu.Unlock()
}

// WaitForWriters waits until every transaction other than self that had
// written when the call began has committed or rolled back: after it, a
// snapshot sees all their rows. Building an index uses it so no write
// begun before the index was known escapes both the index's scan and the
// index maintenance of later writes.
//
// A writer that waits, directly or through others, for a row lock self
// holds would never end: the wait fails with 40P01 instead, as
// PostgreSQL's deadlock detector fails it (checked every
// deadlockCheckInterval, since the writer may start waiting later).
func (db *DB) WaitForWriters(ctx context.Context, self *Txn) error {
	type writer struct {
		id   uint64
		done chan struct{}
	}
	db.mu.Lock()
	var waits []writer
	for t, done := range db.writers {
		if t != self {
			waits = append(waits, writer{t.id, done})
		}
	}
	db.mu.Unlock()
	var tick <-chan time.Time
	if self != nil && len(waits) > 0 {
		ticker := time.NewTicker(deadlockCheckInterval)
		defer ticker.Stop()
		tick = ticker.C
	}
	for len(waits) > 0 {
		select {
		case <-waits[0].done:
			waits = waits[1:]
		case <-ctx.Done():
			return sql.Wrap(ctx.Err())
		case <-tick:
			for _, w := range waits {
				if db.locks.waitsFor(w.id, self.id) {
					return sql.Errorf(sql.CodeDeadlockDetected, "deadlock detected").
						WithDetail("Process %d waits for the writers of the table; transaction %d waits for a row lock process %d holds.", self.id, w.id, self.id)
				}
			}
		}
	}
	return nil
}

// deadlockCheckInterval is how often WaitForWriters looks for a cycle
// (PostgreSQL's deadlock_timeout defaults to 1s).
const deadlockCheckInterval = 100 * time.Millisecond

func (t *Txn) finish() {
	t.done = true
	if t.writerDone != nil {
		t.db.mu.Lock()
		delete(t.db.writers, t)
		t.db.mu.Unlock()
		close(t.writerDone)
		t.writerDone = nil
	}
	if t.snap != nil {
		t.snap.release()
		t.snap = nil
	}
	keys := make([]string, 0, len(t.held))
	for k := range t.held {
		keys = append(keys, k)
	}
	t.db.locks.releaseAll(t.id, keys)
	t.held = nil
	t.writes = newWriteSet()
	t.liveSavepoints, t.undo, t.lockLog = 0, nil, nil
}

// noteUndo records key's buffered state before a write replaces it, when
// a savepoint may need it back.
func (t *Txn) noteUndo(k string) {
	if t.liveSavepoints == 0 {
		return
	}
	prev, had := t.writes.m[k]
	t.undo = append(t.undo, undoRec{key: k, prev: prev, had: had})
}

// Savepoint marks the transaction's current writes and locks (SQL
// SAVEPOINT). Savepoints nest: each must be released or rolled back to
// before the ones taken earlier are, as SQL's savepoint stack does.
func (t *Txn) Savepoint() (*Savepoint, error) {
	if t.done {
		return nil, errTxnDone
	}
	t.liveSavepoints++
	return &Savepoint{t: t, undo: len(t.undo), locks: len(t.lockLog)}, nil
}

// RollbackToSavepoint undoes the writes buffered since sp and releases the
// locks taken since (a rolled-back subtransaction's row locks go with it
// in PostgreSQL too). sp stays usable, as after SQL's ROLLBACK TO
// SAVEPOINT.
func (t *Txn) RollbackToSavepoint(sp *Savepoint) error {
	if t.done {
		return errTxnDone
	}
	if sp.t != t || sp.released {
		return errors.New("storage: savepoint is not live in this transaction")
	}
	for i := len(t.undo) - 1; i >= sp.undo; i-- {
		u := t.undo[i]
		switch {
		case u.isRange:
			t.writes.ranges = t.writes.ranges[:u.nRanges]
			for k, v := range u.removed {
				t.writes.m[k] = v
			}
		case u.had:
			t.writes.m[u.key] = u.prev
		default:
			delete(t.writes.m, u.key)
		}
		t.undo[i] = undoRec{}
	}
	t.undo = t.undo[:sp.undo]
	t.writes.dirty = true
	if keys := t.lockLog[sp.locks:]; len(keys) > 0 {
		for _, k := range keys {
			delete(t.held, k)
		}
		t.db.locks.releaseAll(t.id, keys)
		t.lockLog = t.lockLog[:sp.locks]
	}
	return nil
}

// ReleaseSavepoint forgets sp, keeping its writes as the enclosing
// savepoint's (or the transaction's). Releasing twice is a no-op.
func (t *Txn) ReleaseSavepoint(sp *Savepoint) {
	if sp.released || sp.t != t || t.done {
		return
	}
	sp.released = true
	t.liveSavepoints--
	if t.liveSavepoints <= 0 {
		t.liveSavepoints, t.undo, t.lockLog = 0, nil, nil
	}
}
