package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/cockroachdb/pebble/v2"
)

// pebbleKV implements KV on a local Pebble store.
type pebbleKV struct {
	db *pebble.DB
}

// BlockCacheSize is the capacity of each store's Pebble block cache, which
// holds uncompressed blocks. Pebble's default (8 MiB) makes every scan of a
// table larger than that decompress it again; vector tables are hundreds of
// megabytes and exact kNN scans them whole. The cache fills lazily, so a
// small database costs only what it uses.
var BlockCacheSize int64 = 1 << 30

// openPebble opens (creating if needed) the Pebble store in dir.
func openPebble(dir string) (*pebbleKV, error) {
	cache := pebble.NewCache(BlockCacheSize)
	// The DB takes its own reference; ours goes when Open returns.
	defer cache.Unref()
	db, err := pebble.Open(dir, &pebble.Options{Logger: quietLogger{}, Cache: cache})
	if err != nil {
		return nil, fmt.Errorf("open pebble at %s: %w", dir, err)
	}
	return &pebbleKV{db: db}, nil
}

// quietLogger drops Pebble's informational chatter (it would otherwise go to
// stderr on every flush) into debug logs, reports its background errors
// through slog, and keeps fatal errors fatal, as Pebble expects.
type quietLogger struct{}

func (quietLogger) Infof(format string, args ...interface{}) {
	slog.Debug("pebble", "msg", fmt.Sprintf(format, args...))
}

func (quietLogger) Errorf(format string, args ...interface{}) {
	slog.Error("pebble", "err", fmt.Sprintf(format, args...))
}
func (quietLogger) Fatalf(format string, args ...interface{}) {
	pebble.DefaultLogger.Fatalf(format, args...)
}

// Get implements KVReader on the latest state.
func (p *pebbleKV) Get(key []byte) ([]byte, bool, error) {
	v, closer, err := p.db.Get(key)
	return closeGet(v, closer, err)
}

// View implements KVViewer on a snapshot: fn sees Pebble's own buffer.
func (s *pebbleSnap) View(key []byte, fn func(val []byte) error) (bool, error) {
	v, closer, err := s.s.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("pebble get: %w", err)
	}
	ferr := fn(v)
	if err := closer.Close(); err != nil && ferr == nil {
		ferr = fmt.Errorf("pebble get: %w", err)
	}
	return true, ferr
}

func closeGet(v []byte, closer interface{ Close() error }, err error) ([]byte, bool, error) {
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("pebble get: %w", err)
	}
	out := append([]byte(nil), v...)
	if err := closer.Close(); err != nil {
		return nil, false, fmt.Errorf("pebble get: %w", err)
	}
	return out, true, nil
}

// NewIter implements KVReader on the latest state.
func (p *pebbleKV) NewIter(lo, hi []byte) (KVIter, error) {
	it, err := p.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return nil, fmt.Errorf("pebble iter: %w", err)
	}
	return &pebbleIter{it: it}, nil
}

// NewSnapshot implements KV.
func (p *pebbleKV) NewSnapshot() (KVSnapshot, error) {
	return &pebbleSnap{s: p.db.NewSnapshot()}, nil
}

// Apply implements KV: one Pebble batch committed with Sync, so the call
// returns only after the WAL is on disk.
func (p *pebbleKV) Apply(_ context.Context, muts []KVMutation) error {
	b := p.db.NewBatch()
	defer b.Close()
	for _, m := range muts {
		var err error
		switch {
		case m.EndKey != nil:
			err = b.DeleteRange(m.Key, m.EndKey, nil)
		case m.Delete:
			err = b.Delete(m.Key, nil)
		default:
			err = b.Set(m.Key, m.Value, nil)
		}
		if err != nil {
			return fmt.Errorf("pebble batch: %w", err)
		}
	}
	if err := p.db.Apply(b, pebble.Sync); err != nil {
		return fmt.Errorf("pebble apply: %w", err)
	}
	return nil
}

// Close implements KV.
func (p *pebbleKV) Close() error {
	if err := p.db.Close(); err != nil {
		return fmt.Errorf("close pebble: %w", err)
	}
	return nil
}

type pebbleSnap struct {
	s *pebble.Snapshot
}

func (s *pebbleSnap) Get(key []byte) ([]byte, bool, error) {
	v, closer, err := s.s.Get(key)
	return closeGet(v, closer, err)
}

func (s *pebbleSnap) NewIter(lo, hi []byte) (KVIter, error) {
	it, err := s.s.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return nil, fmt.Errorf("pebble snapshot iter: %w", err)
	}
	return &pebbleIter{it: it}, nil
}

func (s *pebbleSnap) Close() error {
	if err := s.s.Close(); err != nil {
		return fmt.Errorf("close snapshot: %w", err)
	}
	return nil
}

type pebbleIter struct {
	it      *pebble.Iterator
	started bool
}

func (i *pebbleIter) Next() bool {
	if !i.started {
		i.started = true
		return i.it.First()
	}
	return i.it.Next()
}

func (i *pebbleIter) Key() []byte   { return i.it.Key() }
func (i *pebbleIter) Value() []byte { return i.it.Value() }
func (i *pebbleIter) Err() error    { return i.it.Error() }
func (i *pebbleIter) Close() error {
	if err := i.it.Close(); err != nil {
		return fmt.Errorf("close iterator: %w", err)
	}
	return nil
}
