package storage

import (
	"github.com/cockroachdb/pebble/v2"
	dto "github.com/prometheus/client_model/go"
)

// Metrics is a snapshot of the KV engine's health for monitoring. Counters
// (the fields documented "since open") start at zero when the store opens
// and never decrease while it stays open; the rest are gauges.
type Metrics struct {
	// DiskBytes is the engine's total local disk usage: live and obsolete
	// tables, WAL files, manifest and options files.
	DiskBytes int64
	// LiveTableBytes and LiveTables are the sstables of the current LSM.
	LiveTableBytes int64
	LiveTables     int64
	// Compactions counts compactions completed since open.
	Compactions int64
	// CompactionDebtBytes estimates how much must still be compacted for
	// the LSM to settle; it rising steadily means writes outpace compaction.
	CompactionDebtBytes int64
	// Flushes counts memtable flushes completed since open.
	Flushes int64
	// WALSyncs counts fsyncs of the write-ahead log since open (read from
	// Pebble's fsync latency histogram, so it is exact, not sampled).
	WALSyncs int64
	// WALBytes counts logical bytes written to the write-ahead log since
	// open (batch payloads, before framing and padding).
	WALBytes int64
	// WALFiles is how many live WAL files there are.
	WALFiles int64
	// MemtableBytes is the memory held by memtables and large batches.
	MemtableBytes int64
	// BlockCacheBytes is what the block cache holds; BlockCacheHits and
	// BlockCacheMisses count its lookups since open.
	BlockCacheBytes  int64
	BlockCacheHits   int64
	BlockCacheMisses int64
	// ReadAmplification is L0 sublevels plus non-empty lower levels: how
	// many places a point read may have to look.
	ReadAmplification int64
}

// metricsKV is implemented by KV engines that can report Metrics; others
// report zeros.
type metricsKV interface {
	metrics() Metrics
}

// Metrics reports the KV engine's current metrics; a closed store, or an
// engine other than Pebble, reports zeros.
func (db *DB) Metrics() Metrics {
	m, ok := db.kv.(metricsKV)
	if !ok {
		return Metrics{}
	}
	// Holding mu keeps Close from closing Pebble under the read: Close
	// marks the store closed under mu before closing the engine. Reading
	// Pebble's metrics takes microseconds, and scrapes are seconds apart.
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return Metrics{}
	}
	return m.metrics()
}

func (p *pebbleKV) metrics() Metrics {
	pm := p.db.Metrics()
	return Metrics{
		DiskBytes:           int64(pm.DiskSpaceUsage()),
		LiveTableBytes:      int64(pm.Table.Local.LiveSize),
		LiveTables:          int64(pm.Table.Local.LiveCount),
		Compactions:         pm.Compact.Count,
		CompactionDebtBytes: int64(pm.Compact.EstimatedDebt),
		Flushes:             pm.Flush.Count,
		WALSyncs:            walSyncs(pm),
		WALBytes:            int64(pm.WAL.BytesIn),
		WALFiles:            pm.WAL.Files,
		MemtableBytes:       int64(pm.MemTable.Size),
		BlockCacheBytes:     pm.BlockCache.Size,
		BlockCacheHits:      pm.BlockCache.Hits,
		BlockCacheMisses:    pm.BlockCache.Misses,
		ReadAmplification:   int64(pm.ReadAmp()),
	}
}

// walSyncs reads the fsync count off Pebble's WAL fsync latency histogram,
// which observes every sync; Pebble exposes no plain counter for it.
func walSyncs(pm *pebble.Metrics) int64 {
	h := pm.LogWriter.FsyncLatency
	if h == nil { // read-only stores have no WAL writer
		return 0
	}
	var out dto.Metric
	if err := h.Write(&out); err != nil || out.Histogram == nil {
		return 0
	}
	return int64(out.Histogram.GetSampleCount())
}
