package storage

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// TestMetrics checks that the engine metrics report disk usage and that
// their counters move with writes, flushes and compactions, and never go
// back.
func TestMetrics(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()

	m0 := db.Metrics()
	if m0.DiskBytes <= 0 {
		t.Errorf("fresh store: DiskBytes = %d, want > 0 (manifest, WAL)", m0.DiskBytes)
	}

	val := bytes.Repeat([]byte("x"), 1024)
	for i := range 100 {
		txn := db.Begin(ReadCommitted)
		if err := txn.Put(ctx, fmt.Appendf(nil, "metrics/%04d", i), val); err != nil {
			t.Fatalf("put: %v", err)
		}
		if err := txn.Commit(ctx); err != nil {
			t.Fatalf("commit: %v", err)
		}
	}
	m1 := db.Metrics()
	if m1.DiskBytes <= 0 {
		t.Errorf("after writes: DiskBytes = %d, want > 0", m1.DiskBytes)
	}
	if m1.WALBytes < m0.WALBytes+100*1024 {
		t.Errorf("WALBytes went %d -> %d over 100 KiB of commits", m0.WALBytes, m1.WALBytes)
	}
	if m1.WALSyncs <= m0.WALSyncs {
		t.Errorf("WALSyncs went %d -> %d over 100 synced commits", m0.WALSyncs, m1.WALSyncs)
	}
	if m1.MemtableBytes <= 0 {
		t.Errorf("MemtableBytes = %d with unflushed writes", m1.MemtableBytes)
	}

	// Flush and compact through Pebble directly: the store does either
	// only when its memtable fills, which a small test never reaches.
	pdb := db.kv.(*pebbleKV).db
	if err := pdb.Flush(); err != nil {
		t.Fatalf("flush: %v", err)
	}
	if err := pdb.Compact(ctx, []byte("metrics/"), []byte("metrics0"), false); err != nil {
		t.Fatalf("compact: %v", err)
	}
	m2 := db.Metrics()
	if m2.Flushes <= m1.Flushes {
		t.Errorf("Flushes went %d -> %d over a flush", m1.Flushes, m2.Flushes)
	}
	if m2.Compactions <= m1.Compactions {
		t.Errorf("Compactions went %d -> %d over a manual compaction", m1.Compactions, m2.Compactions)
	}
	if m2.LiveTables <= 0 || m2.LiveTableBytes <= 0 {
		t.Errorf("after flush: LiveTables = %d, LiveTableBytes = %d, want > 0", m2.LiveTables, m2.LiveTableBytes)
	}

	counters := []struct {
		name    string
		a, b, c int64
	}{
		{"Compactions", m0.Compactions, m1.Compactions, m2.Compactions},
		{"Flushes", m0.Flushes, m1.Flushes, m2.Flushes},
		{"WALSyncs", m0.WALSyncs, m1.WALSyncs, m2.WALSyncs},
		{"WALBytes", m0.WALBytes, m1.WALBytes, m2.WALBytes},
		{"BlockCacheHits", m0.BlockCacheHits, m1.BlockCacheHits, m2.BlockCacheHits},
		{"BlockCacheMisses", m0.BlockCacheMisses, m1.BlockCacheMisses, m2.BlockCacheMisses},
	}
	for _, c := range counters {
		if c.a < 0 || c.b < c.a || c.c < c.b {
			t.Errorf("counter %s decreased or negative: %d, %d, %d", c.name, c.a, c.b, c.c)
		}
	}

	// A closed store reports zeros instead of reading a closed Pebble.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if got := db.Metrics(); got != (Metrics{}) {
		t.Errorf("closed store: Metrics() = %+v, want zeros", got)
	}
}
