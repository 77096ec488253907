package vecindex

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// Metric is the distance an index orders by; each matches a pgvector
// operator and opclass.
type Metric uint8

const (
	// MetricL2 is Euclidean distance (<->, vector_l2_ops).
	MetricL2 Metric = iota
	// MetricIP is the negative inner product (<#>, vector_ip_ops).
	MetricIP
	// MetricCosine is cosine distance (<=>, vector_cosine_ops).
	MetricCosine
	// MetricL1 is taxicab distance (<+>, vector_l1_ops).
	MetricL1
)

// String returns the metric's name as used in opclass names.
func (m Metric) String() string {
	switch m {
	case MetricL2:
		return "l2"
	case MetricIP:
		return "ip"
	case MetricCosine:
		return "cosine"
	case MetricL1:
		return "l1"
	}
	return fmt.Sprintf("metric(%d)", uint8(m))
}

// Limits and defaults of the index options, as pgvector's.
const (
	DefaultM              = 16
	MinM                  = 2
	MaxM                  = 100
	DefaultEfConstruction = 64
	MinEfConstruction     = 4
	MaxEfConstruction     = 1000
	// MaxDim bounds the dimension (pgvector's vector type allows 16,000).
	MaxDim = 16000
	// DefaultMaxVisit is the default visit bound of an iterative search,
	// pgvector's hnsw.max_scan_tuples default.
	DefaultMaxVisit = 20000
)

// Config describes an index. Zero M and EfConstruction mean the defaults.
type Config struct {
	Dim            int    // vector dimension, 1..MaxDim
	Metric         Metric // distance to order by
	M              int    // links per node per upper level (2M at level 0), 2..100
	EfConstruction int    // beam width while inserting, 4..1000
	Seed           uint64 // seeds level assignment, for reproducible builds
}

// Result is one neighbour found by a search.
type Result struct {
	ID       uint64  // the caller's id given to Insert
	Distance float32 // the metric's distance as pgvector reports it
}

// Errors returned by the index; wrapped with detail.
var (
	ErrConfig    = errors.New("vecindex: invalid configuration")
	ErrDimension = errors.New("vecindex: wrong vector dimension")
	ErrVector    = errors.New("vecindex: invalid vector")
	ErrDuplicate = errors.New("vecindex: id already present")
	ErrFull      = errors.New("vecindex: index is full")
)

const nLocks = 1 << 12

// Index is an HNSW graph over float32 vectors keyed by caller ids. All
// methods are safe for concurrent use; see the package comment for which
// operations exclude which.
type Index struct {
	cfg      Config
	dim      int
	m, m0    int     // max links at upper levels / level 0
	stride0  int     // 1 + m0
	strideU  int     // 1 + m
	vbytes   uintptr // bytes per vector
	lbytes   uintptr // bytes per level-0 list
	vlines   int     // 64-byte cache lines a vector spans (for prefetch)
	shift    uint
	mask     uint32
	levelMul float64

	kfn func(a, b []float32) float32 // the active SIMD kernel
	neg bool                         // internal distance is -kfn (IP, cosine)

	chunks    atomic.Pointer[[]*chunk]
	bases     atomic.Pointer[[]chunkBase] // parallel to chunks, see chunkBase
	arena     atomic.Pointer[[][]uint32]
	arenaUsed uint32    // next free arena offset; allocMu
	slab      []float32 // unused rest of the current vector slab; allocMu

	// ep packs the entry point and top level: level<<32 | slot, or epEmpty.
	ep   atomic.Uint64
	epMu sync.Mutex // held by an insert that raises the top level

	locks [nLocks]sync.Mutex // striped per-node link-list write locks

	// structMu: searches and inserts hold it shared; Purge holds it
	// exclusively while it frees slots, so no searcher can hold a freed
	// slot. writeMu: inserts and deletes hold it shared; snapshots and
	// Purge hold it exclusively to see a quiescent graph.
	structMu sync.RWMutex
	writeMu  sync.RWMutex

	allocMu sync.Mutex // guards idmap, free, next, rng, arenaUsed, growth
	idmap   map[uint64]uint32
	free    []uint32
	next    uint32
	rng     *rand.Rand

	live    atomic.Int64
	deleted atomic.Int64

	// searches and distances count searches served and the distance
	// computations they made, for monitoring.
	searches, distances atomic.Int64

	poolMu sync.Mutex
	pool   []*searcher
}

const epEmpty = math.MaxUint64

func packEP(level int, slot uint32) uint64 { return uint64(level)<<32 | uint64(slot) }
func unpackEP(v uint64) (int, uint32)      { return int(v >> 32), uint32(v) }

// New returns an empty index.
func New(cfg Config) (*Index, error) {
	if cfg.M == 0 {
		cfg.M = DefaultM
	}
	if cfg.EfConstruction == 0 {
		cfg.EfConstruction = DefaultEfConstruction
	}
	switch {
	case cfg.Dim < 1 || cfg.Dim > MaxDim:
		return nil, fmt.Errorf("%w: dimension %d not in 1..%d", ErrConfig, cfg.Dim, MaxDim)
	case cfg.Metric > MetricL1:
		return nil, fmt.Errorf("%w: unknown metric %d", ErrConfig, cfg.Metric)
	case cfg.M < MinM || cfg.M > MaxM:
		return nil, fmt.Errorf("%w: m %d not in %d..%d", ErrConfig, cfg.M, MinM, MaxM)
	case cfg.EfConstruction < MinEfConstruction || cfg.EfConstruction > MaxEfConstruction:
		return nil, fmt.Errorf("%w: ef_construction %d not in %d..%d", ErrConfig,
			cfg.EfConstruction, MinEfConstruction, MaxEfConstruction)
	}
	ix := &Index{
		cfg:      cfg,
		dim:      cfg.Dim,
		m:        cfg.M,
		m0:       2 * cfg.M,
		stride0:  1 + 2*cfg.M,
		strideU:  1 + cfg.M,
		shift:    chunkShift(cfg.Dim),
		levelMul: 1 / math.Log(float64(cfg.M)),
		idmap:    make(map[uint64]uint32),
		rng:      rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
	}
	ix.mask = 1<<ix.shift - 1
	ix.vbytes = uintptr(cfg.Dim) * 4
	ix.lbytes = uintptr(ix.stride0) * 4
	ix.vlines = (cfg.Dim*4 + 63) / 64
	switch cfg.Metric {
	case MetricL2:
		ix.kfn = active.l2
	case MetricL1:
		ix.kfn = active.l1
	case MetricIP, MetricCosine:
		ix.kfn, ix.neg = active.ip, true
	}
	ix.chunks.Store(&[]*chunk{})
	ix.bases.Store(&[]chunkBase{})
	ix.arena.Store(&[][]uint32{})
	ix.ep.Store(epEmpty)
	return ix, nil
}

// Config returns the index's configuration with defaults filled in.
func (ix *Index) Config() Config { return ix.cfg }

// Len returns the number of live (inserted and not deleted) vectors.
func (ix *Index) Len() int { return int(ix.live.Load()) }

// SearchStats returns how many searches the index has served and how many
// distance computations they made in all.
func (ix *Index) SearchStats() (searches, distances int64) {
	return ix.searches.Load(), ix.distances.Load()
}

// Deleted returns the number of tombstones not yet purged.
func (ix *Index) Deleted() int { return int(ix.deleted.Load()) }

// dist is the internal distance: smaller is closer, monotone in the
// metric's reported distance (squared L2, -dot for IP and for cosine over
// normalised vectors, L1).
func (ix *Index) dist(a, b []float32) float32 {
	d := ix.kfn(a, b)
	if ix.neg {
		d = -d
	}
	return d
}

// report converts an internal distance to the one pgvector reports.
func (ix *Index) report(d float32) float32 {
	switch ix.cfg.Metric {
	case MetricL2:
		return float32(math.Sqrt(float64(d)))
	case MetricCosine:
		// d = -cos(a, b) over unit vectors; clamp as pgvector does.
		sim := max(min(-d, 1), -1)
		return 1 - sim
	}
	return d
}

// prepare checks v and returns the vector to store or search with:
// v itself, or for cosine a normalised copy in buf.
func (ix *Index) prepare(v, buf []float32) ([]float32, error) {
	if len(v) != ix.dim {
		return nil, fmt.Errorf("%w: got %d, index has %d", ErrDimension, len(v), ix.dim)
	}
	var sq float64
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, fmt.Errorf("%w: NaN or infinite element", ErrVector)
		}
		sq += float64(x) * float64(x)
	}
	if ix.cfg.Metric != MetricCosine {
		return v, nil
	}
	if sq == 0 {
		return nil, fmt.Errorf("%w: zero vector has no cosine distance", ErrVector)
	}
	inv := 1 / math.Sqrt(sq)
	buf = buf[:ix.dim]
	for i, x := range v {
		buf[i] = float32(float64(x) * inv)
	}
	return buf, nil
}

// lock returns slot c's stripe lock.
func (ix *Index) lock(c uint32) *sync.Mutex { return &ix.locks[c&(nLocks-1)] }

// searcher is the per-operation scratch state: table snapshots, visited
// set, heaps and buffers. Pooled, so a steady-state search allocates
// nothing.
type searcher struct {
	tab   []*chunk
	base  []chunkBase // at least len(tab) entries
	utab  [][]uint32
	limit uint32 // len(tab) << shift
	vis   visited
	cand  minHeap
	beam  maxHeap
	res   maxHeap
	qbuf  []float32
	items []item // drained beam
	sel   []item // heuristic output
	nbrs  []item // neighbours being connected
	// levelNbrs[l] holds the neighbours an insert chose at level l until
	// it links them back.
	levelNbrs [][]item
	prune     []item   // candidates when re-pruning a full list
	slots     []uint32 // list being written
	fresh     []uint32 // unvisited neighbours of the node being expanded
	dists     int64    // distance computations of the current search
}

func (ix *Index) getSearcher() *searcher {
	ix.poolMu.Lock()
	var s *searcher
	if n := len(ix.pool); n > 0 {
		s = ix.pool[n-1]
		ix.pool = ix.pool[:n-1]
	}
	ix.poolMu.Unlock()
	if s == nil {
		s = &searcher{qbuf: make([]float32, ix.dim)}
	}
	ix.refresh(s)
	return s
}

func (ix *Index) putSearcher(s *searcher) {
	s.tab, s.base, s.utab = nil, nil, nil
	ix.poolMu.Lock()
	ix.pool = append(ix.pool, s)
	ix.poolMu.Unlock()
}

// refresh reloads the searcher's table snapshots, for a slot or arena
// offset newer than its copy.
func (ix *Index) refresh(s *searcher) {
	s.tab = *ix.chunks.Load()
	s.base = *ix.bases.Load()
	s.utab = *ix.arena.Load()
	s.limit = uint32(len(s.tab)) << ix.shift
	if len(s.vis.marks) < int(s.limit) {
		s.vis.grow(int(s.limit))
	}
}

// randomLevel draws a level from hnswlib's distribution ⌊-ln(U)·1/ln M⌋.
// Callers hold allocMu (the generator is not safe for concurrent use).
func (ix *Index) randomLevel() int {
	u := ix.rng.Float64()
	if u == 0 {
		u = math.SmallestNonzeroFloat64
	}
	return min(int(-math.Log(u)*ix.levelMul), maxLevels)
}
