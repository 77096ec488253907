package storage

import "context"

// KV is the small key-value engine interface the transaction layer is built
// on. It hides Pebble so that another engine (a distributed one, later) can
// sit behind the same transactions: everything above it speaks bytes only.
// Implementations must be safe for concurrent use.
type KV interface {
	// KVReader reads the latest committed state.
	KVReader
	// NewSnapshot returns a consistent, immutable view of the committed
	// state as of now.
	NewSnapshot() (KVSnapshot, error)
	// Apply writes all mutations atomically and returns only once they are
	// durable (synced to the write-ahead log).
	Apply(ctx context.Context, muts []KVMutation) error
	// Close releases the engine; snapshots must be closed first.
	Close() error
}

// KVReader is a read-only view: the latest state or a snapshot.
type KVReader interface {
	// Get returns the value of key and whether it exists. The returned slice
	// is owned by the caller.
	Get(key []byte) (val []byte, ok bool, err error)
	// NewIter iterates keys in [lo, hi) in ascending order; a nil hi means
	// no upper bound.
	NewIter(lo, hi []byte) (KVIter, error)
}

// KVViewer is implemented by readers that can show a value in place:
// View calls fn with the value of key, valid only during the call, and
// reports whether the key exists. Reading a wide row this way saves a copy.
type KVViewer interface {
	View(key []byte, fn func(val []byte) error) (found bool, err error)
}

// KVSnapshot is a point-in-time view that must be closed.
type KVSnapshot interface {
	KVReader
	Close() error
}

// KVIter walks keys in order. Next must be called before the first Key.
// Key and Value are valid only until the next call to Next.
type KVIter interface {
	Next() bool
	Key() []byte
	Value() []byte
	Err() error
	Close() error
}

// KVMutation is one write of a batch: a put, a point delete (Delete set), or
// a range delete of [Key, EndKey) when EndKey is non-nil.
type KVMutation struct {
	Key    []byte
	Value  []byte
	EndKey []byte
	Delete bool
}
