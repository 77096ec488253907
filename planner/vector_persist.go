package planner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"

	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
	"github.com/quartzdb/quartzdb/vecindex"
)

// vector_persist.go saves HNSW graphs at shutdown and loads them at the
// next start, so a restart does not rebuild them. A snapshot is only a
// head start: after loading one, the graph is reconciled with the table
// (one scan comparing each row's vector hash with its node), which adds
// rows written after the snapshot, drops rows deleted since and replaces
// changed vectors. So a stale snapshot — the one left by a crash — yields
// the same graph contents as a fresh build, at the cost of a scan instead
// of a rebuild.
//
// File layout: u32 length, the gob-encoded graphMeta, u32 CRC-32C of it,
// then vecindex's own (checksummed) snapshot.

// SetIndexDir makes the engine keep HNSW snapshots in dir ("" disables).
func (e *Engine) SetIndexDir(dir string) {
	e.vec.mu.Lock()
	e.vec.dir = dir
	e.vec.mu.Unlock()
}

// SaveIndexes writes a snapshot of every loaded graph. Call it after the
// server has stopped running statements, before the store closes.
func (e *Engine) SaveIndexes(ctx context.Context) error {
	vi := e.vec
	vi.mu.Lock()
	dir := vi.dir
	graphs := make([]*hnswGraph, 0, len(vi.byKey))
	for _, h := range vi.byKey {
		graphs = append(graphs, h)
	}
	vi.mu.Unlock()
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("hnsw snapshots: %w", err)
	}
	var errs []error
	for _, h := range graphs {
		select {
		case <-h.loaded:
		default:
			continue // still building: nothing worth saving
		}
		if h.err != nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := h.save(snapshotPath(dir, h.tableID, h.indexID)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// snapshotPath names the snapshot of one index (table ids are unique
// across databases).
func snapshotPath(dir string, tableID, indexID uint32) string {
	return filepath.Join(dir, fmt.Sprintf("t%d_i%d.hnsw", tableID, indexID))
}

// graphMeta is the planner's half of a snapshot: what the graph indexes and
// which row each node stands for.
type graphMeta struct {
	TableID, IndexID uint32
	Col              int
	Op               string
	NextID           uint64
	IDs              []uint64
	Keys             []string
	Hashes           []uint64
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// save writes the snapshot atomically (temporary file, fsync, rename).
func (h *hnswGraph) save(path string) error {
	h.mu.Lock()
	meta := graphMeta{TableID: h.tableID, IndexID: h.indexID, Col: h.col, Op: h.op, NextID: h.nextID}
	for id, r := range h.rows {
		meta.IDs = append(meta.IDs, id)
		meta.Keys = append(meta.Keys, r.key)
		meta.Hashes = append(meta.Hashes, r.hash)
	}
	h.mu.Unlock()
	var mb bytes.Buffer
	if err := gob.NewEncoder(&mb).Encode(&meta); err != nil {
		return fmt.Errorf("encode hnsw snapshot meta: %w", err)
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("hnsw snapshot: %w", err)
	}
	defer os.Remove(tmp) // after a successful rename there is nothing to remove
	w := bufio.NewWriterSize(f, 1<<20)
	var hdr [4]byte
	binary.LittleEndian.PutUint32(hdr[:], uint32(mb.Len()))
	w.Write(hdr[:])
	w.Write(mb.Bytes())
	binary.LittleEndian.PutUint32(hdr[:], crc32.Checksum(mb.Bytes(), crcTable))
	w.Write(hdr[:])
	if err := h.g.WriteSnapshot(w, 0); err != nil {
		f.Close()
		return fmt.Errorf("hnsw snapshot %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("hnsw snapshot %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("hnsw snapshot %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("hnsw snapshot %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("hnsw snapshot %s: %w", path, err)
	}
	return nil
}

// loadSnapshot reads the snapshot of (t, ix) from dir into a graph, or
// returns nil when there is none or it does not match the index.
func loadSnapshot(dir string, t *storage.TableDesc, ix *storage.IndexDesc) (*hnswGraph, error) {
	if dir == "" {
		return nil, nil
	}
	f, err := os.Open(snapshotPath(dir, t.ID, ix.ID))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("hnsw snapshot: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("hnsw snapshot meta: %w", err)
	}
	n := binary.LittleEndian.Uint32(hdr[:])
	if n > 1<<30 {
		return nil, fmt.Errorf("hnsw snapshot meta: length %d", n)
	}
	mb := make([]byte, n)
	if _, err := io.ReadFull(r, mb); err != nil {
		return nil, fmt.Errorf("hnsw snapshot meta: %w", err)
	}
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("hnsw snapshot meta: %w", err)
	}
	if crc32.Checksum(mb, crcTable) != binary.LittleEndian.Uint32(hdr[:]) {
		return nil, errors.New("hnsw snapshot meta: checksum mismatch")
	}
	var meta graphMeta
	if err := gob.NewDecoder(bytes.NewReader(mb)).Decode(&meta); err != nil {
		return nil, fmt.Errorf("hnsw snapshot meta: %w", err)
	}
	g, _, err := vecindex.ReadSnapshot(r)
	if err != nil {
		return nil, err
	}
	h, err := newGraph(t, ix)
	if err != nil {
		return nil, err
	}
	cfg, want := g.Config(), h.g.Config()
	if meta.TableID != t.ID || meta.IndexID != ix.ID || meta.Col != h.col || meta.Op != h.op ||
		cfg.Dim != want.Dim || cfg.Metric != want.Metric || cfg.M != want.M || cfg.EfConstruction != want.EfConstruction ||
		len(meta.Keys) != len(meta.IDs) || len(meta.Hashes) != len(meta.IDs) {
		return nil, nil // made for another index that once had these ids
	}
	h.g, h.nextID = g, meta.NextID
	for i, id := range meta.IDs {
		h.rows[id] = nodeRow{key: meta.Keys[i], hash: meta.Hashes[i]}
		if h.nodes[meta.Keys[i]] == nil {
			h.nodes[meta.Keys[i]] = map[uint64]bool{}
		}
		h.nodes[meta.Keys[i]][id] = true
	}
	return h, nil
}

// reconcile makes a loaded graph agree with the rows txn sees: nodes of
// unchanged rows stay (and learn their primary key values), everything
// else is added or removed.
func (h *hnswGraph) reconcile(ctx context.Context, txn *storage.Txn, t *storage.TableDesc) error {
	seen := make(map[uint64]bool, len(h.rows))
	var added, removed int
	err := h.indexedRows(ctx, txn, t, ctx.Err, func(row []sql.Datum, v []float32, pk []sql.Datum, key string) error {
		hash := vectorHash(v)
		for id := range h.nodes[key] {
			if r := h.rows[id]; r.hash == hash {
				r.pk = pk
				h.rows[id] = r
				seen[id] = true
				return nil
			}
		}
		id, err := h.add(t, row)
		if err != nil {
			return err
		}
		seen[id] = true
		added++
		return nil
	})
	if err != nil {
		return err
	}
	var stale []uint64
	for id := range h.rows {
		if !seen[id] {
			stale = append(stale, id)
		}
	}
	for _, id := range stale {
		h.forget(id)
		removed++
	}
	if added+removed > 0 {
		slog.Info("hnsw index caught up with its table", "table", t.Name, "added", added, "removed", removed)
	}
	return nil
}

// vectorHash fingerprints a vector's bits, to tell a changed vector from
// an unchanged one without keeping a copy. It runs for every row an index
// scan returns, so it mixes whole words (FNV-1a's step on 32-bit lanes)
// rather than bytes; it need not resist adversaries, only accidents.
func vectorHash(v []float32) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for _, x := range v {
		h = (h ^ uint64(math.Float32bits(x))) * prime
	}
	return h ^ uint64(len(v))
}

// removeSnapshot deletes a dropped index's snapshot, if any.
func (vi *vectorIndexes) removeSnapshot(tableID, indexID uint32) {
	if vi.dir == "" {
		return
	}
	if err := os.Remove(snapshotPath(vi.dir, tableID, indexID)); err != nil && !errors.Is(err, os.ErrNotExist) {
		slog.Warn("remove hnsw snapshot", "err", err)
	}
}

// LoadIndexes loads (or builds) the graph of every hnsw index in every
// database, so the first query of each finds it ready; /readyz waits for
// it. A graph that fails to load is logged and left to load on first use.
func (e *Engine) LoadIndexes(ctx context.Context) error {
	txn := e.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	dbs, err := txn.ListDatabases(ctx)
	if err != nil {
		return fmt.Errorf("load hnsw indexes: %w", err)
	}
	type pending struct {
		t  *storage.TableDesc
		ix *storage.IndexDesc
	}
	var todo []pending
	for _, db := range dbs {
		tables, err := txn.ListTables(ctx, db.ID)
		if err != nil {
			return fmt.Errorf("load hnsw indexes of %s: %w", db.Name, err)
		}
		for _, t := range tables {
			for _, ix := range vectorIndexesOf(t) {
				todo = append(todo, pending{t, ix})
			}
		}
	}
	txn.Rollback()
	for _, p := range todo {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := e.vec.get(ctx, p.t, p.ix); err != nil {
			slog.Warn("hnsw index not loaded at start", "table", p.t.Name, "index", p.ix.Name, "err", err)
		}
	}
	return nil
}
