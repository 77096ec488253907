package storage

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"sync"

	"github.com/quartzdb/quartzdb/sql"
)

// seqReserve is how many values a sequence hands out per durable write. A
// restart skips the unused rest of a reservation, as PostgreSQL's
// SEQ_LOG_VALS does, but never repeats a value.
const seqReserve = 32

// seqState keeps sequences in memory; they are non-transactional, like
// PostgreSQL's: a rolled-back nextval is not given back.
type seqState struct {
	mu sync.Mutex
	m  map[string]*seqEntry
}

type seqEntry struct {
	cur int64 // last value handed out (or start-inc before the first)
	hi  int64 // every value up to hi may have been handed out (persisted)
	inc int64
}

func (s *seqState) init() { s.m = make(map[string]*seqEntry) }

func seqKey(name string) []byte { return append([]byte("/sys/seq/"), name...) }

func encodeSeq(hi, inc int64) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, uint64(hi))
	binary.BigEndian.PutUint64(b[8:], uint64(inc))
	return b
}

// loadSeq returns the in-memory state of a sequence, reading it from disk
// (or creating it with start 1, increment 1) the first time. Called under
// s.mu.
func (db *DB) loadSeq(name string) (*seqEntry, error) {
	if e := db.seqs.m[name]; e != nil {
		return e, nil
	}
	v, ok, err := db.kv.Get(seqKey(name))
	if err != nil {
		return nil, fmt.Errorf("load sequence %q: %w", name, err)
	}
	e := &seqEntry{cur: 0, hi: 0, inc: 1}
	if ok {
		if len(v) != 16 {
			return nil, sql.Errorf(sql.CodeDataCorrupted, "sequence %q has a corrupt state", name)
		}
		e.hi = int64(binary.BigEndian.Uint64(v))
		e.inc = int64(binary.BigEndian.Uint64(v[8:]))
		e.cur = e.hi
	}
	db.seqs.m[name] = e
	return e, nil
}

func (db *DB) persistSeq(ctx context.Context, name string, hi, inc int64) error {
	if err := db.kv.Apply(ctx, []KVMutation{{Key: seqKey(name), Value: encodeSeq(hi, inc)}}); err != nil {
		return fmt.Errorf("persist sequence %q: %w", name, err)
	}
	return nil
}

// CreateSequence creates (or resets) sequence name so that its next value
// is start, stepping by inc (non-zero).
func (db *DB) CreateSequence(ctx context.Context, name string, start, inc int64) error {
	if inc == 0 {
		return sql.Errorf(sql.CodeInvalidParameterValue, "INCREMENT must not be zero")
	}
	db.seqs.mu.Lock()
	defer db.seqs.mu.Unlock()
	hi := start - inc
	if err := db.persistSeq(ctx, name, hi, inc); err != nil {
		return err
	}
	db.seqs.m[name] = &seqEntry{cur: hi, hi: hi, inc: inc}
	return nil
}

// DropSequence forgets sequence name.
func (db *DB) DropSequence(ctx context.Context, name string) error {
	db.seqs.mu.Lock()
	defer db.seqs.mu.Unlock()
	delete(db.seqs.m, name)
	if err := db.kv.Apply(ctx, []KVMutation{{Key: seqKey(name), Delete: true}}); err != nil {
		return fmt.Errorf("drop sequence %q: %w", name, err)
	}
	return nil
}

// NextVal advances sequence name and returns its new value. Values are
// reserved durably seqReserve at a time, so a crash never repeats one.
func (db *DB) NextVal(ctx context.Context, name string) (int64, error) {
	db.seqs.mu.Lock()
	defer db.seqs.mu.Unlock()
	e, err := db.loadSeq(name)
	if err != nil {
		return 0, err
	}
	if (e.inc > 0 && e.cur > math.MaxInt64-e.inc) || (e.inc < 0 && e.cur < math.MinInt64-e.inc) {
		limit := int64(math.MaxInt64)
		verb := "maximum"
		if e.inc < 0 {
			limit, verb = math.MinInt64, "minimum"
		}
		return 0, sql.Errorf("2200H", "nextval: reached %s value of sequence \"%s\" (%d)", verb, name, limit)
	}
	next := e.cur + e.inc
	if (e.inc > 0 && next > e.hi) || (e.inc < 0 && next < e.hi) {
		hi := next
		for i := 1; i < seqReserve; i++ {
			if (e.inc > 0 && hi > math.MaxInt64-e.inc) || (e.inc < 0 && hi < math.MinInt64-e.inc) {
				break
			}
			hi += e.inc
		}
		if err := db.persistSeq(ctx, name, hi, e.inc); err != nil {
			return 0, err
		}
		e.hi = hi
	}
	e.cur = next
	return next, nil
}

// SetVal sets sequence name as PostgreSQL's setval does: with isCalled the
// next value is v+inc, otherwise v itself.
func (db *DB) SetVal(ctx context.Context, name string, v int64, isCalled bool) error {
	db.seqs.mu.Lock()
	defer db.seqs.mu.Unlock()
	e, err := db.loadSeq(name)
	if err != nil {
		return err
	}
	cur := v
	if !isCalled {
		cur = v - e.inc
	}
	// hi only ever has to cover values handed out; after setval the next
	// value is cur+inc, so hi = cur is durable and repeats nothing the user
	// did not ask to repeat.
	if err := db.persistSeq(ctx, name, cur, e.inc); err != nil {
		return err
	}
	e.cur, e.hi = cur, cur
	return nil
}
