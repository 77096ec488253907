// Package storage keeps QuartzDB's data durable in Pebble: order-preserving
// key encoding, the persisted catalog, tables and their unique indexes,
// transactions with snapshot reads and write locks, and sequences.
//
// Pebble sits behind a small transactional key-value interface (kv.go) so a
// distributed engine can replace it later; nothing above this package sees
// Pebble types.
//
// Invariants:
//
//   - A commit returns only after its batch is synced to Pebble's WAL.
//
//   - A reader never takes a lock: it reads a Pebble snapshot overlaid with its
//     own transaction's writes.
//
//   - A writer holds an exclusive in-memory lock on every key it writes until
//     its transaction ends; waits are cancellable and deadlocks are detected.
//
//   - Rows travel as []sql.Datum in TableDesc.Columns order; a table without
//     a primary key adds its hidden row id (int64) as one extra last value,
//     which UpdateRow and DeleteRow use to find the row.
//
//   - Serializable commits run one at a time (validate, apply, record), which
//     keeps backward validation simple; other commits run concurrently.
//     Sequences are non-transactional and reserve values durably 32 at a time.
//
// It may import sql (for types, datums and errors) and nothing else of ours.
package storage
