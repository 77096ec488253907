package planner

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
	"github.com/quartzdb/quartzdb/vecindex"
)

// vector_index.go keeps the HNSW graphs of hnsw indexes. The table in
// Pebble is the source of truth; a graph is a derived, in-memory
// structure that hands out candidates, which the scan then reads from the
// table under the statement's snapshot (so a candidate that is invisible,
// deleted or changed is dropped or re-ranked by its real distance).
//
// Graph node ids are not primary keys: every written version of a row's
// vector gets a fresh node id, so an UPDATE that is not yet committed does
// not move the row for other transactions. At commit the row's older nodes
// are deleted; at rollback the transaction's own nodes are.
//
// A graph is built from the table the first time it is needed after a
// start (or by CREATE INDEX / REINDEX); writes keep it current after that.

// vectorIndexes is the engine-wide set of loaded graphs.
type vectorIndexes struct {
	store *storage.DB
	mu    sync.Mutex
	dir   string // where snapshots live; "" keeps graphs in memory only
	// builds and loads count graphs built from scratch and loaded from a
	// snapshot, for tests and logs.
	builds, loads atomic.Int64
	byKey         map[[2]uint32]*hnswGraph // (table id, index id)
	// dropping counts, per table, the open transactions that drop its
	// graphs at commit (TRUNCATE, DROP TABLE): from their write until
	// the graphs are gone, a scan trusts no node without reading its row.
	dropping map[uint32]int
	// pastSearches and pastDistances are the search totals of graphs no
	// longer loaded (see forgetGraphLocked).
	pastSearches, pastDistances int64
}

func newVectorIndexes(store *storage.DB) *vectorIndexes {
	return &vectorIndexes{store: store, byKey: map[[2]uint32]*hnswGraph{}, dropping: map[uint32]int{}}
}

// hnswGraph is one index's graph and the map from its nodes to rows.
type hnswGraph struct {
	tableID, indexID uint32
	col              int    // the indexed column's position in a row
	op               string // the distance operator the opclass serves
	g                *vecindex.Index

	mu     sync.Mutex
	nextID uint64
	rows   map[uint64]nodeRow         // node id → row identity
	nodes  map[string]map[uint64]bool // encoded primary key → its node ids
	loaded chan struct{}              // closed when the initial build ends
	err    error                      // the initial build's error

	// touched, while non-nil (a CREATE INDEX or REINDEX filling a graph
	// that writers already see), collects the keys of rows writers have
	// superseded; a node the fill then adds for such a row may be of a
	// version already deleted, so it is never settled (see nodeRow).
	touched map[string]bool
	// retired is set when the graph is dropped (its table truncated or
	// dropped, the index dropped or rebuilt): a scan still holding it
	// trusts no node without reading its row.
	retired atomic.Bool

	// fromGraph and fromTable count the candidates scans made from their
	// node alone and those they read from the table.
	fromGraph, fromTable atomic.Int64
	// buildTotal and buildDone are a running CREATE INDEX or REINDEX's
	// vectors to insert and inserted (0 and 0 when none runs).
	buildTotal, buildDone atomic.Int64

	// retiring are the superseded nodes older snapshots may still need
	// (see nodeRow.deadAt); nRetiring is its length, read without mu.
	retiring  []uint64
	nRetiring atomic.Int64

	purging atomic.Bool // a background Purge is running
}

// maybePurge starts a background purge of tombstones once they are a tenth
// of the graph (and at least a thousand): until purged, a deleted node
// still costs search time and its slot stays taken.
func (h *hnswGraph) maybePurge() {
	dead := h.g.Deleted()
	if dead < 1000 || dead*10 < h.g.Len() || !h.purging.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer h.purging.Store(false)
		if _, err := h.g.Purge(context.Background()); err != nil {
			slog.Warn("hnsw purge", "err", err)
		}
	}()
}

// nodeRow identifies the row a node was inserted for, and what is known
// of that row version's visibility.
//
// A settled node's version was committed at or before commit sequence
// seq, so every snapshot at or after seq sees it unless pending says a
// transaction has superseded it (an UPDATE of the vector or key, a
// DELETE): pending is raised at the write, before that transaction can
// commit. So a settled node with no pending supersession, at a snapshot
// at or after seq, is visible to that snapshot, and an index scan may
// return its key and vector without reading the row. Any other node is
// checked by reading its row.
//
// A superseded node stays in the graph after the superseding commit
// (deadAt, its sequence) for as long as an older snapshot may still read
// that version through the index, then it is forgotten (reap).
type nodeRow struct {
	pk      []sql.Datum // nil until a loaded snapshot is reconciled
	key     string
	hash    uint64 // vectorHash of the node's vector
	settled bool
	seq     uint64
	pending int32
	// unsure marks a node filled for a row a concurrent writer had
	// already superseded: it is never settled.
	unsure bool
	deadAt uint64
}

// metricFor maps an opclass's operator to the graph's metric.
func metricFor(op string) vecindex.Metric {
	switch op {
	case "<#>":
		return vecindex.MetricIP
	case "<=>":
		return vecindex.MetricCosine
	case "<+>":
		return vecindex.MetricL1
	}
	return vecindex.MetricL2
}

// indexedVector converts a vector or halfvec datum to the float32 slice the
// graph holds; ok is false for NULL, and for a zero vector under cosine
// (pgvector indexes neither).
func indexedVector(d sql.Datum, op string) ([]float32, bool) {
	var v []float32
	switch x := d.(type) {
	case sql.Vector:
		v = x
	case sql.HalfVec:
		v = make([]float32, len(x))
		for i, h := range x {
			v[i] = sql.HalfToFloat32(h)
		}
	default:
		return nil, false
	}
	if op == "<=>" {
		for _, f := range v {
			if f != 0 {
				return v, true
			}
		}
		return nil, false
	}
	return v, true
}

// newGraph makes the empty graph of index ix on table t.
func newGraph(t *storage.TableDesc, ix *storage.IndexDesc) (*hnswGraph, error) {
	pos := t.ColumnIndex(ix.ColumnIDs[0])
	if pos < 0 {
		return nil, fmt.Errorf("hnsw index %q: column %d missing", ix.Name, ix.ColumnIDs[0])
	}
	op := hnswOpClasses[ix.OpClasses[0]].op
	g, err := vecindex.New(vecindex.Config{
		Dim:            int(t.Columns[pos].Type.Typmod),
		Metric:         metricFor(op),
		M:              int(ix.Options["m"]),
		EfConstruction: int(ix.Options["ef_construction"]),
	})
	if err != nil {
		return nil, fmt.Errorf("hnsw index %q: %w", ix.Name, err)
	}
	return &hnswGraph{
		tableID: t.ID, indexID: ix.ID, col: pos, op: op, g: g,
		rows: map[uint64]nodeRow{}, nodes: map[string]map[uint64]bool{},
		loaded: make(chan struct{}),
	}, nil
}

// add inserts a node for row's vector and returns its id (0: not indexed).
func (h *hnswGraph) add(t *storage.TableDesc, row []sql.Datum) (uint64, error) {
	v, ok := indexedVector(row[h.col], h.op)
	if !ok {
		return 0, nil
	}
	pk, key, err := storage.RowIdentity(t, row)
	if err != nil {
		return 0, err
	}
	h.mu.Lock()
	h.nextID++
	id := h.nextID
	h.rows[id] = nodeRow{pk: pk, key: key, hash: vectorHash(v)}
	if h.nodes[key] == nil {
		h.nodes[key] = map[uint64]bool{}
	}
	h.nodes[key][id] = true
	h.mu.Unlock()
	if err := h.g.Insert(id, v); err != nil {
		h.forget(id)
		return 0, fmt.Errorf("hnsw insert: %w", err)
	}
	return id, nil
}

// forget deletes node id from the graph and the maps.
func (h *hnswGraph) forget(id uint64) {
	h.g.Delete(id)
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.rows[id]
	if !ok {
		return
	}
	delete(h.rows, id)
	if set := h.nodes[r.key]; set != nil {
		delete(set, id)
		if len(set) == 0 {
			delete(h.nodes, r.key)
		}
	}
}

// current reports whether the node described by nr was inserted for the
// vector row holds: a node of another version of the row (not yet
// settled, or seen by an older snapshot) is not the row's place in the
// graph.
func (h *hnswGraph) current(nr nodeRow, row []sql.Datum) bool {
	v, ok := indexedVector(row[h.col], h.op)
	return ok && vectorHash(v) == nr.hash
}

// supersede marks the nodes the row with encoded key key has as
// superseded by an open transaction and returns them.
func (h *hnswGraph) supersede(key string) []uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.touched != nil {
		h.touched[key] = true
	}
	ids := make([]uint64, 0, len(h.nodes[key]))
	for id := range h.nodes[key] {
		r := h.rows[id]
		r.pending++
		h.rows[id] = r
		ids = append(ids, id)
	}
	return ids
}

// unsupersede undoes supersede for a transaction that rolled back.
func (h *hnswGraph) unsupersede(ids []uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range ids {
		if r, ok := h.rows[id]; ok && r.pending > 0 {
			r.pending--
			h.rows[id] = r
		}
	}
}

// retire records that node id's version was superseded by the commit
// with sequence seq; reap forgets it once no snapshot older than that
// remains.
func (h *hnswGraph) retire(id, seq uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.rows[id]
	if !ok || r.deadAt != 0 {
		return // gone, or retired by an earlier commit already
	}
	r.deadAt = seq
	h.rows[id] = r
	h.retiring = append(h.retiring, id)
	h.nRetiring.Store(int64(len(h.retiring)))
}

// reap forgets the retired nodes superseded at or before oldest, the
// oldest snapshot in use: no reader can need them any more.
func (h *hnswGraph) reap(oldest uint64) {
	h.mu.Lock()
	var due []uint64
	keep := h.retiring[:0]
	for _, id := range h.retiring {
		if r, ok := h.rows[id]; ok && r.deadAt > oldest {
			keep = append(keep, id)
		} else if ok {
			due = append(due, id)
		}
	}
	h.retiring = keep
	h.nRetiring.Store(int64(len(keep)))
	h.mu.Unlock()
	for _, id := range due {
		h.forget(id)
	}
	if len(due) > 0 {
		h.maybePurge()
	}
}

// settle records that the row versions of nodes ids were committed at or
// before commit sequence seq (nil ids: every node of the graph).
func (h *hnswGraph) settle(ids []uint64, seq uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	mark := func(id uint64, r nodeRow) {
		if !r.unsure {
			r.settled, r.seq = true, seq
			h.rows[id] = r
		}
	}
	if ids == nil {
		for id, r := range h.rows {
			mark(id, r)
		}
		return
	}
	for _, id := range ids {
		if r, ok := h.rows[id]; ok {
			mark(id, r)
		}
	}
}

// row returns the identity of node id.
func (h *hnswGraph) row(id uint64) (nodeRow, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.rows[id]
	return r, ok
}

// indexedRows calls fn for every row of t visible to txn whose vector the
// graph indexes, with the vector and the row's identity; check runs every
// thousand rows (cancellation).
func (h *hnswGraph) indexedRows(ctx context.Context, txn *storage.Txn, t *storage.TableDesc, check func() error,
	fn func(row []sql.Datum, v []float32, pk []sql.Datum, key string) error) error {
	it, err := txn.ScanTable(ctx, t)
	if err != nil {
		return err
	}
	defer it.Close()
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := check(); err != nil {
				return err
			}
		}
		row, err := it.Next(ctx)
		if err != nil || row == nil {
			return err
		}
		v, ok := indexedVector(row[h.col], h.op)
		if !ok {
			continue
		}
		pk, key, err := storage.RowIdentity(t, row)
		if err != nil {
			return err
		}
		if err := fn(row, v, pk, key); err != nil {
			return err
		}
	}
}

// fill inserts every row of t visible to txn, on every core, and returns
// the new nodes (unsettled: the caller knows when they are). progress,
// if set, is told how far the graph build has come every few seconds.
func (h *hnswGraph) fill(ctx context.Context, txn *storage.Txn, t *storage.TableDesc, check func() error, progress func(done, total int)) ([]uint64, error) {
	var ids []uint64
	var vecs [][]float32
	err := h.indexedRows(ctx, txn, t, check, func(_ []sql.Datum, v []float32, pk []sql.Datum, key string) error {
		hash := vectorHash(v)
		// The graph may be live while it fills (CREATE INDEX): a
		// concurrent write may have added this row's vector already.
		h.mu.Lock()
		defer h.mu.Unlock()
		for id := range h.nodes[key] {
			if h.rows[id].hash == hash {
				return nil
			}
		}
		h.nextID++
		h.rows[h.nextID] = nodeRow{pk: pk, key: key, hash: hash, unsure: h.touched[key]}
		if h.nodes[key] == nil {
			h.nodes[key] = map[uint64]bool{}
		}
		h.nodes[key][h.nextID] = true
		ids = append(ids, h.nextID)
		vecs = append(vecs, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Batches short enough that progress is reported and a cancel is
	// seen every few seconds, long enough to keep every core busy.
	const batch = 4096
	last := time.Now()
	h.buildDone.Store(0)
	h.buildTotal.Store(int64(len(ids)))
	defer func() {
		h.buildTotal.Store(0)
		h.buildDone.Store(0)
	}()
	for lo := 0; lo < len(ids); lo += batch {
		hi := min(lo+batch, len(ids))
		if err := h.g.InsertBatch(ctx, ids[lo:hi], vecs[lo:hi]); err != nil {
			return nil, fmt.Errorf("build hnsw index: %w", err)
		}
		h.buildDone.Store(int64(hi))
		if progress != nil && time.Since(last) >= progressInterval && hi < len(ids) {
			progress(hi, len(ids))
			last = time.Now()
		}
	}
	return ids, nil
}

// progressInterval is how often a long CREATE INDEX reports progress.
var progressInterval = 5 * time.Second

// build (re)builds index ixID of t from the rows x's transaction sees and
// replaces any loaded graph (CREATE INDEX, REINDEX).
func (vi *vectorIndexes) build(x *execCtx, t *storage.TableDesc, ixID uint32) error {
	ix := t.IndexByID(ixID)
	if ix == nil {
		return fmt.Errorf("hnsw index %d of %q missing", ixID, t.Name)
	}
	h, err := newGraph(t, ix)
	if err != nil {
		return err
	}
	// The new graph is live at once, so every write from now on adds to
	// it (onWrite finds it by table even in sessions whose descriptor
	// predates the index). Writes begun earlier are waited for, then the
	// scan sees them committed.
	close(h.loaded)
	h.touched = map[string]bool{}
	defer func() {
		h.mu.Lock()
		h.touched = nil
		h.mu.Unlock()
	}()
	k := [2]uint32{t.ID, ixID}
	vi.mu.Lock()
	old := vi.byKey[k]
	if old != nil {
		vi.forgetGraphLocked(old)
	}
	vi.byKey[k] = h
	vi.mu.Unlock()
	// The filled nodes' rows were committed when the scan saw them, or
	// (this transaction's own writes) are when it commits: they settle
	// then. Nodes writers add meanwhile settle with their writers.
	var filled []uint64
	// The filled nodes can vouch for their rows only when the fill saw
	// exactly the committed rows: in a transaction block, earlier
	// statements' own writes (a row it deleted still shows in a fresh
	// snapshot), or a REPEATABLE READ snapshot older than other sessions'
	// deletes, could leave nodes of rows that are gone. Those nodes stay
	// unsettled; their rows are read and checked by every scan.
	trustFill := x.txn.Isolation() == storage.ReadCommitted && !x.s.explicit
	x.s.vecDDL = append(x.s.vecDDL, func(committed bool, seq uint64) {
		if !committed {
			h.retired.Store(true)
			vi.dropIf(k, h)
			return
		}
		if old != nil {
			old.retired.Store(true)
		}
		if trustFill {
			h.settle(filled, seq)
		}
	})
	if err := vi.store.WaitForWriters(x.ctx, x.txn); err != nil {
		return err
	}
	if err := x.txn.StartStatement(); err != nil { // a read-committed snapshot taken after the wait
		return err
	}
	progress := func(done, total int) {
		x.s.notice("NOTICE", "00000", "hnsw index \"%s\": %d of %d vectors inserted (%d%%)", ix.Name, done, total, done*100/total)
	}
	filled, err = h.fill(x.ctx, x.txn, t, func() error { return checkCancel(x) }, progress)
	if err != nil {
		return err
	}
	// Under REPEATABLE READ the scan's snapshot predates the wait: add
	// what a fresh one shows as well (rows already present are skipped).
	if x.txn.Isolation() != storage.ReadCommitted {
		fresh := vi.store.Begin(storage.ReadCommitted)
		defer fresh.Rollback()
		more, err := h.fill(x.ctx, fresh, t, func() error { return checkCancel(x) }, nil)
		if err != nil {
			return err
		}
		filled = append(filled, more...)
	}
	return nil
}

// dropIf forgets the graph at k if it is still h (a rolled-back CREATE
// INDEX's).
func (vi *vectorIndexes) dropIf(k [2]uint32, h *hnswGraph) {
	vi.mu.Lock()
	if vi.byKey[k] == h {
		vi.forgetGraphLocked(h)
		delete(vi.byKey, k)
	}
	vi.mu.Unlock()
}

// graphsFor returns the graphs a write to t must keep current: those of
// t's hnsw indexes (loaded if need be) and any graph being built for t by
// a CREATE INDEX this session's descriptor does not show yet.
func (vi *vectorIndexes) graphsFor(ctx context.Context, t *storage.TableDesc) ([]*hnswGraph, error) {
	var out []*hnswGraph
	known := map[uint32]bool{}
	for _, ix := range vectorIndexesOf(t) {
		h, err := vi.get(ctx, t, ix)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
		known[ix.ID] = true
	}
	vi.mu.Lock()
	for k, h := range vi.byKey {
		if k[0] == t.ID && !known[k[1]] && h.col < len(t.Columns) {
			out = append(out, h)
		}
	}
	vi.mu.Unlock()
	return out, nil
}

// get returns the loaded graph of ix, building it from the latest
// committed rows the first time. A write's hook calls get before the
// write commits, so no committed row can be missing from the build.
func (vi *vectorIndexes) get(ctx context.Context, t *storage.TableDesc, ix *storage.IndexDesc) (*hnswGraph, error) {
	k := [2]uint32{t.ID, ix.ID}
	vi.mu.Lock()
	h := vi.byKey[k]
	if h == nil {
		var err error
		if h, err = newGraph(t, ix); err != nil {
			vi.mu.Unlock()
			return nil, err
		}
		vi.byKey[k] = h
		dir := vi.dir
		vi.mu.Unlock()
		txn := vi.store.Begin(storage.ReadCommitted)
		// No writer reaches the graph before it is loaded (they wait in
		// get), so every node comes from a row committed by the
		// snapshot's sequence, and settles at it.
		seq, err := txn.SnapshotSeq()
		loaded, loadErr := loadSnapshot(dir, t, ix)
		switch {
		case err != nil:
			h.err = err
		case loadErr != nil:
			slog.Warn("hnsw snapshot unusable, rebuilding", "index", ix.Name, "err", loadErr)
			_, h.err = h.fill(ctx, txn, t, func() error { return ctx.Err() }, nil)
		case loaded != nil:
			vi.loads.Add(1)
			h.g, h.nextID, h.rows, h.nodes = loaded.g, loaded.nextID, loaded.rows, loaded.nodes
			h.err = h.reconcile(ctx, txn, t)
		default:
			vi.builds.Add(1)
			_, h.err = h.fill(ctx, txn, t, func() error { return ctx.Err() }, nil)
		}
		if h.err == nil {
			h.settle(nil, seq)
		}
		txn.Rollback()
		close(h.loaded)
		if h.err != nil {
			vi.mu.Lock()
			if vi.byKey[k] == h {
				delete(vi.byKey, k)
			}
			vi.mu.Unlock()
		}
		return h, h.err
	}
	vi.mu.Unlock()
	select {
	case <-h.loaded:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if h.err != nil {
		return nil, h.err
	}
	return h, nil
}

// drop forgets a dropped index's graph.
func (vi *vectorIndexes) drop(tableID, ixID uint32) {
	vi.mu.Lock()
	if h := vi.byKey[[2]uint32{tableID, ixID}]; h != nil {
		h.retired.Store(true)
		vi.forgetGraphLocked(h)
	}
	delete(vi.byKey, [2]uint32{tableID, ixID})
	vi.removeSnapshot(tableID, ixID)
	vi.mu.Unlock()
}

// dropTable forgets every graph of a dropped or truncated table; they are
// rebuilt from the table when next needed.
func (vi *vectorIndexes) dropTable(tableID uint32) {
	vi.mu.Lock()
	for k, h := range vi.byKey {
		if k[0] == tableID {
			h.retired.Store(true)
			vi.forgetGraphLocked(h)
			delete(vi.byKey, k)
			vi.removeSnapshot(k[0], k[1])
		}
	}
	vi.mu.Unlock()
}

// dropGraphsAtCommit forgets a dropped or truncated table's graphs when
// the transaction commits (a rollback keeps them, rows and all).
func (s *Session) dropGraphsAtCommit(tableID uint32) {
	vi := s.eng.vec
	vi.mu.Lock()
	vi.dropping[tableID]++
	vi.mu.Unlock()
	s.vecDDL = append(s.vecDDL, func(committed bool, _ uint64) {
		if committed {
			vi.dropTable(tableID)
		}
		vi.mu.Lock()
		if vi.dropping[tableID]--; vi.dropping[tableID] <= 0 {
			delete(vi.dropping, tableID)
		}
		vi.mu.Unlock()
	})
}

// trusted reports whether graph h of table tableID may vouch for its
// settled nodes (see nodeRow): it is neither retired nor about to be.
func (vi *vectorIndexes) trusted(tableID uint32, h *hnswGraph) bool {
	if h.retired.Load() {
		return false
	}
	vi.mu.Lock()
	defer vi.mu.Unlock()
	return vi.dropping[tableID] == 0
}

// vecChange is one transaction's effect on a graph, settled at its end.
type vecChange struct {
	h     *hnswGraph
	added uint64 // node inserted for the new version (0: none)
	// superseded are the nodes the changed row had when it was written
	// (UPDATE, DELETE; none for an INSERT): they go at commit. Only
	// those: a node another transaction adds for the row after this one
	// committed is that transaction's to settle.
	superseded []uint64
}

// vectorIndexesOf lists t's hnsw indexes.
func vectorIndexesOf(t *storage.TableDesc) []*storage.IndexDesc {
	var out []*storage.IndexDesc
	for i := range t.Indexes {
		if t.Indexes[i].IsVector() {
			out = append(out, &t.Indexes[i])
		}
	}
	return out
}

// onWrite keeps t's graphs current after a row write: oldRow is nil for an
// INSERT, newRow nil for a DELETE.
func (s *Session) onWrite(ctx context.Context, t *storage.TableDesc, oldRow, newRow []sql.Datum) error {
	graphs, err := s.eng.vec.graphsFor(ctx, t)
	if err != nil {
		return err
	}
	for _, h := range graphs {
		c := vecChange{h: h}
		if oldRow != nil {
			_, oldKey, err := storage.RowIdentity(t, oldRow)
			if err != nil {
				return err
			}
			if newRow != nil && sameVector(oldRow[h.col], newRow[h.col]) {
				if _, newKey, err := storage.RowIdentity(t, newRow); err == nil && newKey == oldKey {
					continue // the graph already holds this row's vector
				}
			}
			c.superseded = h.supersede(oldKey)
		}
		if newRow != nil {
			if c.added, err = h.add(t, newRow); err != nil {
				return err
			}
		}
		s.vecChanges = append(s.vecChanges, c)
	}
	return nil
}

// sameVector reports whether two vector datums are equal element by element.
func sameVector(a, b sql.Datum) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return sql.Compare(sql.TypeVector, a, b) == 0 && fmt.Sprintf("%T", a) == fmt.Sprintf("%T", b)
}

// settleVectorChanges applies the end of a transaction to the graphs;
// commitSeq is the commit's sequence.
func (s *Session) settleVectorChanges(committed bool, commitSeq uint64) {
	changes := s.vecChanges
	s.vecChanges = nil
	ddl := s.vecDDL
	s.vecDDL = nil
	for _, f := range ddl {
		f(committed, commitSeq)
	}
	if !committed {
		undoVecChanges(changes)
		return
	}
	// Each change's superseded nodes retire (a node this transaction
	// added and then changed again, which no one else ever saw, goes at
	// once); the last version's node settles.
	ownAdded := map[uint64]bool{}
	for _, c := range changes {
		ownAdded[c.added] = true
	}
	touched := map[*hnswGraph]bool{}
	for _, c := range changes {
		for _, id := range c.superseded {
			if ownAdded[id] || commitSeq == 0 {
				c.h.forget(id)
			} else {
				c.h.retire(id, commitSeq)
			}
			touched[c.h] = true
		}
	}
	if commitSeq != 0 { // else nothing reached storage: the nodes stay unsettled
		for _, c := range changes {
			if c.added != 0 {
				c.h.settle([]uint64{c.added}, commitSeq)
			}
		}
	}
	if len(touched) > 0 {
		oldest := s.eng.store.OldestSnapshotSeq()
		for h := range touched {
			h.reap(oldest)
			h.maybePurge()
		}
	}
}

// undoVecChanges takes back rolled-back changes, newest first: their
// nodes leave the graphs and the nodes they superseded are live again.
func undoVecChanges(changes []vecChange) {
	for i := len(changes) - 1; i >= 0; i-- {
		c := changes[i]
		if c.added != 0 {
			c.h.forget(c.added)
		}
		c.h.unsupersede(c.superseded)
	}
}

// undoVectorChanges is ROLLBACK TO SAVEPOINT's part of
// settleVectorChanges: the graph changes and index DDL effects recorded
// after the first nChanges and nDDL are rolled back and dropped.
func (s *Session) undoVectorChanges(nChanges, nDDL int) {
	if nChanges < len(s.vecChanges) {
		undoVecChanges(s.vecChanges[nChanges:])
		clear(s.vecChanges[nChanges:])
		s.vecChanges = s.vecChanges[:nChanges]
	}
	if nDDL < len(s.vecDDL) {
		ddl := s.vecDDL[nDDL:]
		s.vecDDL = s.vecDDL[:nDDL:nDDL]
		for i := len(ddl) - 1; i >= 0; i-- {
			ddl[i](false, 0)
		}
	}
}

// ---- the index scan ----

// hnswScanNode yields the rows of table whose vectors the graph finds
// nearest to query, closest first (by the graph's distance), read under
// the statement's snapshot. The sort above passes them through in that
// order, as pgvector's index scan does.
type hnswScanNode struct {
	table *storage.TableDesc
	index *storage.IndexDesc
	cols  []colInfo
	query sql.Expr
	// limit (+ offset) is how many rows the statement wants; pred, when
	// set, is the WHERE clause an iterative scan filters with.
	limit, offset sql.Expr
	pred          sql.Expr
	// orderText is the ORDER BY expression for EXPLAIN's "Order By".
	orderText string
	// op and col are the distance operator and the vector column.
	op  string
	col int
	// exact, when set, is a btree equality scan for the WHERE clause; when
	// it finds at most exactScanLimit rows they are ranked exactly instead
	// (cheaper than the graph, and never misses a row).
	exact *scanNode
	// fromGraph is set when the statement reads nothing of a row but its
	// primary key and (for a graph that stores it unchanged) its vector,
	// and has no WHERE: a candidate whose node vouches for its visibility
	// (see nodeRow) is then made from the graph without reading the row.
	// withVector says the vector is among what it reads.
	fromGraph, withVector bool
}

// exactScanLimit is how many rows a selective filter may match for an
// exact ranking to be chosen over the graph.
const exactScanLimit = 2000

func (n *hnswScanNode) columns() []colInfo { return n.cols }

func (n *hnswScanNode) open(x *execCtx) (rowIter, error) {
	qd, err := n.query.Eval(x.ec, nil)
	if err != nil {
		return nil, err
	}
	h, err := x.s.eng.vec.get(x.ctx, n.table, n.index)
	if err != nil {
		return nil, err
	}
	q, ok := indexedVector(qd, h.op)
	if !ok {
		return &sliceIter{}, nil // NULL or (cosine) zero query: pgvector returns no rows
	}
	if n.exact != nil {
		if rows, small, err := n.rankExactly(x, qd); err != nil || small {
			return &sliceIter{rows: rows}, err
		}
	}
	ef := x.s.intSetting("hnsw.ef_search", 40)
	opt := vecindex.SearchOptions{Ef: ef, Distances: &x.s.usage.Distances}
	k := ef
	// Serializable reads must register every row they read, so they
	// read them all.
	direct := n.fromGraph && x.txn.Isolation() != storage.Serializable
	snapSeq, err := x.txn.SnapshotSeq()
	if err != nil {
		return nil, err
	}
	if direct {
		// After the snapshot: a graph dropped by a commit it sees is
		// retired or still marked dropping by then.
		direct = x.s.eng.vec.trusted(n.table.ID, h)
	}
	if h.nRetiring.Load() > 0 {
		h.reap(x.s.eng.store.OldestSnapshotSeq()) // this statement's snapshot counts
	}
	// fetch reads node id's row under the statement's snapshot, once, and
	// keeps it only when it holds the node's vector (see current); the
	// iterative filter and the iterator share what it read.
	fetched := map[uint64]candidateRow{}
	seen := map[string]bool{}
	var fetchErr error
	fetch := func(id uint64) candidateRow {
		if c, ok := fetched[id]; ok {
			return c
		}
		x.s.usage.RowsRead++
		nr, ok := h.row(id)
		c := candidateRow{key: nr.key}
		if ok && nr.deadAt != 0 && nr.deadAt <= snapSeq {
			ok = false // a version superseded before the snapshot
		}
		if ok && !seen[nr.key] && nr.pk != nil {
			if direct && nr.settled && nr.pending == 0 && nr.seq <= snapSeq {
				if row, ok := n.rowFromGraph(h, id, nr); ok {
					h.fromGraph.Add(1)
					c.row = row
					fetched[id] = c
					return c
				}
			}
			h.fromTable.Add(1)
			row, err := x.txn.GetRowByPK(x.ctx, n.table, nr.pk)
			if err != nil && fetchErr == nil {
				fetchErr = err
			}
			if row != nil && h.current(nr, row) {
				c.row = row
			}
		}
		fetched[id] = c
		return c
	}
	if mode := x.s.stringSetting("hnsw.iterative_scan", "off"); mode != "off" {
		want, err := n.want(x)
		if err != nil {
			return nil, err
		}
		k = max(want, 1)
		opt.Iterative = true
		opt.MaxVisit = x.s.intSetting("hnsw.max_scan_tuples", vecindex.DefaultMaxVisit)
		opt.Filter = func(id uint64) bool {
			row := fetch(id).row
			if row == nil || fetchErr != nil {
				return false
			}
			if n.pred == nil {
				return true
			}
			v, err := n.pred.Eval(x.ec, row)
			if err != nil {
				fetchErr = err
				return false
			}
			return v == true
		}
	}
	res, err := h.g.SearchWith(nil, q, k, opt)
	if err != nil {
		return nil, sql.Errorf(sql.CodeDataException, "%v", err)
	}
	return &hnswIter{n: n, h: h, res: res, fetch: fetch, seen: seen, fetchErr: &fetchErr}, nil
}

// rowFromGraph makes candidate id's row from its node alone: its primary
// key and, when the statement reads it, its vector; the columns the
// statement does not read stay NULL. ok is false if the node is gone.
func (n *hnswScanNode) rowFromGraph(h *hnswGraph, id uint64, nr nodeRow) ([]sql.Datum, bool) {
	t := n.table
	width := len(t.Columns)
	if t.HasHiddenRowID() {
		width++
	}
	row := make([]sql.Datum, width)
	if t.HasHiddenRowID() {
		row[len(t.Columns)] = nr.pk[0]
	} else {
		for j, cid := range t.PrimaryKey {
			row[t.ColumnIndex(cid)] = nr.pk[j]
		}
	}
	if n.withVector {
		v, ok := h.g.AppendVector(make([]float32, 0, h.g.Config().Dim), id)
		if !ok {
			return nil, false
		}
		row[h.col] = sql.Vector(v)
	}
	return row, true
}

// graphColumnsOnly reports whether exprs read nothing of t's rows but its
// primary key and the vector column vecCol, and whether they read the
// vector; ok is false when they read more, or anything unknown, or the
// vector of a graph that does not store it as the row holds it (halfvec
// elements are widened, cosine vectors normalised).
func graphColumnsOnly(exprs []sql.Expr, t *storage.TableDesc, vecCol int, op string) (ok, withVector bool) {
	for _, e := range exprs {
		cols, known := sql.ColumnsRead(e)
		if !known {
			return false, false
		}
		for _, c := range cols {
			switch {
			case c == vecCol:
				if t.Columns[c].Type.OID != sql.OIDVector || op == "<=>" {
					return false, false
				}
				withVector = true
			case c >= len(t.Columns) || !slices.Contains(t.PrimaryKey, t.Columns[c].ID):
				return false, false
			}
		}
	}
	return true, withVector
}

// candidateRow is a graph result read from the table: the row, nil when
// it is gone, invisible to the statement or another version of the row
// than the node's, and the row's encoded key.
type candidateRow struct {
	row []sql.Datum
	key string
}

// hnswIter reads the rows of the graph's results lazily, closest first, so
// a LIMIT above reads only the rows it returns. A row whose vector is not
// the one its node was inserted with (a newer version, not yet settled) is
// skipped: its current version has a node of its own.
type hnswIter struct {
	n        *hnswScanNode
	h        *hnswGraph
	res      []vecindex.Result
	i        int
	fetch    func(uint64) candidateRow
	seen     map[string]bool
	fetchErr *error
}

func (it *hnswIter) next(x *execCtx) ([]sql.Datum, error) {
	for it.i < len(it.res) {
		id := it.res[it.i].ID
		it.i++
		c := it.fetch(id)
		if *it.fetchErr != nil {
			return nil, *it.fetchErr
		}
		if c.row == nil || it.seen[c.key] {
			continue
		}
		it.seen[c.key] = true
		return c.row, nil
	}
	return nil, nil
}

func (it *hnswIter) close() {}

// rankExactly reads the rows of the exact scan and, when there are at most
// exactScanLimit of them, returns them nearest first (NULL vectors last,
// ties in scan order) with small set; otherwise small is false.
func (n *hnswScanNode) rankExactly(x *execCtx, query sql.Datum) ([][]sql.Datum, bool, error) {
	it, err := n.exact.open(x)
	if err != nil {
		return nil, false, err
	}
	defer it.close()
	type ranked struct {
		row  []sql.Datum
		dist float64
		null bool
	}
	var rows []ranked
	for {
		row, err := it.next(x)
		if err != nil {
			return nil, false, err
		}
		if row == nil {
			break
		}
		if len(rows) == exactScanLimit {
			return nil, false, nil
		}
		r := ranked{row: append([]sql.Datum(nil), row...), null: row[n.col] == nil}
		if !r.null {
			x.ec.CountDistances(1)
			if r.dist, err = sql.VectorDistance(n.op, row[n.col], query); err != nil {
				return nil, false, err
			}
		}
		rows = append(rows, r)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].null != rows[j].null {
			return !rows[i].null
		}
		return rows[i].dist < rows[j].dist
	})
	out := make([][]sql.Datum, len(rows))
	for i, r := range rows {
		out[i] = r.row
	}
	return out, true, nil
}

// want evaluates LIMIT + OFFSET.
func (n *hnswScanNode) want(x *execCtx) (int, error) {
	total := 0
	for _, e := range []sql.Expr{n.limit, n.offset} {
		if e == nil {
			continue
		}
		v, err := e.Eval(x.ec, nil)
		if err != nil {
			return 0, err
		}
		if i, ok := v.(int64); ok && i > 0 {
			total += int(min(i, 1<<20))
		}
	}
	return total, nil
}

// useVectorIndex rewrites limit(sort(project(filter?(scan)))) into an hnsw
// index scan when the sort is one ascending `col <op> value` whose column
// has an hnsw index with the operator's opclass. The sort and filter stay
// above the index scan, so results are exact for the candidates found.
func useVectorIndex(sn *sortNode) {
	if sn.limit == nil || len(sn.keys) != 1 || sn.keys[0].desc {
		return
	}
	proj, ok := sn.in.(*projectNode)
	if !ok || sn.keys[0].index >= len(proj.exprs) {
		return
	}
	op, l, r, ok := sql.BinaryOperands(proj.exprs[sn.keys[0].index])
	if !ok {
		return
	}
	col, isCol := l.(*sql.ColRef)
	if !isCol || sql.ReferencesColumns(r) {
		return
	}
	var filter *filterNode
	in := proj.in
	if f, ok := in.(*filterNode); ok {
		filter, in = f, f.in
	}
	scan, ok := in.(*scanNode)
	if !ok || scan.pk != nil || col.Index >= len(scan.table.Columns) {
		return
	}
	colID := scan.table.Columns[col.Index].ID
	for _, ix := range vectorIndexesOf(scan.table) {
		if ix.ColumnIDs[0] != colID || hnswOpClasses[ix.OpClasses[0]].op != op {
			continue
		}
		hs := &hnswScanNode{table: scan.table, index: ix, cols: scan.cols, query: r, limit: sn.limit, offset: sn.offset, op: op, col: col.Index}
		if scan.eq != nil {
			hs.exact = scan // a btree equality may select few enough rows to rank them all
		}
		sn.indexOrdered = true
		k := sn.keys[0].index
		hs.orderText = exprText(proj.exprs[k], scan.cols)
		if proj.cols[k].hidden {
			// The sort passes the index's order through, so nothing reads
			// a sort key that is not in the select list: skip computing
			// it (and reading the vector for it).
			proj.exprs[k] = &sql.Const{Typ: proj.exprs[k].Type()}
		}
		if filter == nil {
			hs.fromGraph, hs.withVector = graphColumnsOnly(proj.exprs, scan.table, col.Index, op)
		}
		if filter != nil {
			hs.pred = filter.pred
			filter.in = hs
		} else {
			proj.in = hs
		}
		return
	}
}

// intSetting reads an integer setting (custom ones like hnsw.ef_search
// included), def when unset or malformed.
func (s *Session) intSetting(name string, def int) int {
	if v, ok := s.settings.get(name); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

// stringSetting reads a setting, def when unset.
func (s *Session) stringSetting(name, def string) string {
	if v, ok := s.settings.get(name); ok && v != "" {
		return v
	}
	return def
}

// insertRow, updateRow and deleteRow write a row and keep the table's HNSW
// graphs current; every DML path writes through them.
func (x *execCtx) insertRow(t *storage.TableDesc, row []sql.Datum) error {
	stored, err := x.txn.InsertRowStored(x.ctx, t, row)
	if err != nil {
		return err
	}
	x.s.usage.RowsWritten++
	return x.s.onWrite(x.ctx, t, nil, stored)
}

func (x *execCtx) updateRow(t *storage.TableDesc, oldRow, newRow []sql.Datum) error {
	if err := x.txn.UpdateRow(x.ctx, t, oldRow, newRow); err != nil {
		return err
	}
	x.s.usage.RowsWritten++
	return x.s.onWrite(x.ctx, t, oldRow, newRow)
}

func (x *execCtx) deleteRow(t *storage.TableDesc, row []sql.Datum) error {
	if err := x.txn.DeleteRow(x.ctx, t, row); err != nil {
		return err
	}
	x.s.usage.RowsWritten++
	return x.s.onWrite(x.ctx, t, row, nil)
}
