package vecindex

import (
	"sync/atomic"
	"unsafe"
)

// graph.go: where nodes live.
//
// Layout. A node is a dense uint32 slot. Its vector, level-0 link list,
// caller id, level and tombstone flag live at index slot&mask of the chunk
// chunks[slot>>shift]; each chunk holds 1<<shift nodes in a handful of flat
// slices (no Go pointer per node, so the GC never scans the graph). The
// level-0 list of a node is stride0 = 1+2M uint32s: a count followed by up
// to 2M neighbour slots. Upper levels exist only for the ~1/M nodes with
// level > 0: such a node owns a block of level·(1+M) uint32s in the upper
// arena (count + M slots per level 1..level), addressed by upperOff.
//
// Growth without torn reads. The chunk table and the arena table are
// immutable slices behind atomic pointers: growing allocates a new chunk,
// copies the table of chunk pointers with the new one appended and publishes
// it with one atomic store. A chunk, once published, never moves, so a
// searcher holding an old table still reads valid memory; when it meets a
// slot beyond its table (a node inserted after it loaded the table) it
// reloads the table (searcher.refresh).
//
// Publication. A node's vector, id, level and upper block are written before
// its slot is stored into any link list, and link slots and counts are
// stored and loaded atomically, so a searcher that finds a slot in a list
// also sees everything written before it (the atomic store/load pair is a
// happens-before edge).
//
// Half-updated lists are safe. Lists are written under the owning node's
// striped lock but read without it. A writer replacing a list stores the
// new slots and then the new count; a reader loads the count, clamps it to
// the list's capacity, then loads each slot. It may therefore see a mix of
// the old and new neighbours, or miss one just appended, but every slot it
// can read holds some valid, fully written node (slots are only ever set
// to published nodes, and freed slots are cleared while searches are
// excluded, see delete.go). Missing or duplicating a neighbour only
// changes which nodes that one search explores; the visited set absorbs
// duplicates.

const (
	// maxLevels caps a node's level. With M ≥ 2 a level above 16 has
	// probability below 2^-16 per node; the cap bounds the upper block.
	maxLevels = 16
	// arenaShift sizes upper-arena chunks (1<<16 uint32 = 256 KiB); a
	// block is at most maxLevels·(1+100) uint32s so it always fits.
	arenaShift = 16
	// flagDeleted marks a tombstone in chunk.flags.
	flagDeleted = 1
)

// chunk holds 1<<shift consecutive slots.
type chunk struct {
	vecs     []float32 // dim per slot
	links    []uint32  // stride0 per slot: count, then 2M neighbour slots
	ids      []uint64  // caller id per slot
	level    []uint8   // the node's top level
	ucap     []uint8   // levels its upper block has room for (for reuse)
	upperOff []uint32  // offset of its upper block in the arena
	flags    []uint32  // atomic: flagDeleted
}

func (ix *Index) newChunk() *chunk {
	n := 1 << ix.shift
	return &chunk{
		vecs:     ix.vecMem(n * ix.dim),
		links:    make([]uint32, n*ix.stride0),
		ids:      make([]uint64, n),
		level:    make([]uint8, n),
		ucap:     make([]uint8, n),
		upperOff: make([]uint32, n),
		flags:    make([]uint32, n),
	}
}

// chunkBase holds the addresses of a chunk's vector and level-0 link
// arrays, so the search hot path reaches slot c's data with one table load
// and an offset instead of chunk pointer → slice header → bounds check.
// The pointers keep the arrays alive; the table of bases is published
// with the chunk table (growTo) and is never shorter than it.
type chunkBase struct {
	vecs  unsafe.Pointer // &chunk.vecs[0]
	links unsafe.Pointer // &chunk.links[0]
}

// Huge pages. A search touches a few hundred vectors scattered over the
// whole graph; with 4 KiB pages nearly every one costs a TLB miss (a page
// walk, doubly expensive under virtualisation). Once an index holds more
// than slabMin bytes of vectors, chunks' vector arrays are carved from
// large slabs whose 2 MiB-aligned interior is advised MADV_HUGEPAGE, so a
// 200 MB graph spans ~100 TLB entries instead of ~50,000. Smaller indexes
// keep plain per-chunk arrays and waste nothing.
const (
	hugePage = 2 << 20
	slabMin  = 4 << 20  // vector bytes before slabs are used
	slabMax  = 64 << 20 // largest slab
)

// vecMem returns a zeroed array of n float32s for a new chunk. Callers hold
// allocMu (or own the index exclusively, as ReadSnapshot does).
func (ix *Index) vecMem(n int) []float32 {
	if len(ix.slab) >= n {
		v := ix.slab[:n:n]
		ix.slab = ix.slab[n:]
		return v
	}
	used := len(*ix.chunks.Load()) * n * 4
	if used < slabMin {
		return make([]float32, n)
	}
	size := min(max(used/2, 4*n*4, 8<<20), slabMax)
	size = (size + hugePage - 1) &^ (hugePage - 1)
	// Over-allocate by a huge page so an aligned interior of size exists;
	// the slack before it is never touched, so it costs address space only.
	raw := make([]float32, (size+hugePage)/4)
	start := (hugePage - int(uintptr(unsafe.Pointer(&raw[0]))&(hugePage-1))) & (hugePage - 1)
	slab := raw[start/4 : (start+size)/4]
	adviseHuge(unsafe.Pointer(&slab[0]), uintptr(size))
	ix.slab = slab[n:]
	return slab[:n:n]
}

// chunkShift picks nodes per chunk so a chunk's vectors take about 1 MiB:
// small enough that growth wastes little, large enough that the chunk table
// stays short and hot in cache.
func chunkShift(dim int) uint {
	s := uint(6)
	for s < 16 && (1<<(s+1))*dim*4 <= 1<<20 {
		s++
	}
	return s
}

// vec returns slot c's vector from table tab; c must be below len(tab)<<shift.
func (ix *Index) vec(tab []*chunk, c uint32) []float32 {
	ch := tab[c>>ix.shift]
	o := int(c&ix.mask) * ix.dim
	return ch.vecs[o : o+ix.dim : o+ix.dim]
}

// list returns slot c's link list at level: element 0 is the count, then
// the slots. Level > 0 requires the node to have that level.
func (ix *Index) list(tab []*chunk, utab [][]uint32, c uint32, level int) []uint32 {
	ch := tab[c>>ix.shift]
	if level == 0 {
		o := int(c&ix.mask) * ix.stride0
		return ch.links[o : o+ix.stride0 : o+ix.stride0]
	}
	off := ch.upperOff[c&ix.mask] + uint32((level-1)*ix.strideU)
	a := utab[off>>arenaShift]
	o := int(off & (1<<arenaShift - 1))
	return a[o : o+ix.strideU : o+ix.strideU]
}

// isDeleted reports slot c's tombstone.
func (ix *Index) isDeleted(tab []*chunk, c uint32) bool {
	return atomic.LoadUint32(&tab[c>>ix.shift].flags[c&ix.mask])&flagDeleted != 0
}

// callerID returns slot c's caller id.
func (ix *Index) callerID(tab []*chunk, c uint32) uint64 {
	return tab[c>>ix.shift].ids[c&ix.mask]
}

// nodeLevel returns slot c's level.
func (ix *Index) nodeLevel(tab []*chunk, c uint32) int {
	return int(tab[c>>ix.shift].level[c&ix.mask])
}

// setList replaces the list l with slots (len(slots) ≤ capacity): slots
// first, count last, each stored atomically, so concurrent readers see
// valid nodes throughout (see the file comment). Callers hold the node's
// stripe lock.
func setList(l []uint32, slots []uint32) {
	for i, s := range slots {
		atomic.StoreUint32(&l[1+i], s)
	}
	atomic.StoreUint32(&l[0], uint32(len(slots)))
}

// appendList adds one slot to a list that has room (count < capacity).
func appendList(l []uint32, s uint32) {
	n := atomic.LoadUint32(&l[0])
	atomic.StoreUint32(&l[1+n], s)
	atomic.StoreUint32(&l[0], n+1)
}

// loadCount is a list's count clamped to its capacity, so a corrupt or
// racing count can never index past the list.
func loadCount(l []uint32) int {
	n := int(atomic.LoadUint32(&l[0]))
	if n > len(l)-1 {
		n = len(l) - 1
	}
	return n
}

// growTo makes sure slot c has a chunk, publishing a longer chunk table if
// not. Callers hold allocMu, which serialises growth.
func (ix *Index) growTo(c uint32) {
	tab := *ix.chunks.Load()
	for int(c>>ix.shift) >= len(tab) {
		ch := ix.newChunk()
		nt := make([]*chunk, len(tab)+1)
		copy(nt, tab)
		nt[len(tab)] = ch
		ob := *ix.bases.Load()
		nb := make([]chunkBase, len(ob)+1)
		copy(nb, ob)
		nb[len(ob)] = chunkBase{unsafe.Pointer(&ch.vecs[0]), unsafe.Pointer(&ch.links[0])}
		// Bases first: a reader loading chunks then bases (refresh) sees
		// a base table at least as long as its chunk table.
		ix.bases.Store(&nb)
		ix.chunks.Store(&nt)
		tab = nt
	}
}

// allocUpper returns an arena offset for a block of n uint32s, publishing a
// new arena chunk when the current one is full. Callers hold allocMu.
func (ix *Index) allocUpper(n int) uint32 {
	utab := *ix.arena.Load()
	const size = 1 << arenaShift
	if len(utab) == 0 || int(ix.arenaUsed&(size-1))+n > size || ix.arenaUsed>>arenaShift >= uint32(len(utab)) {
		nt := make([][]uint32, len(utab)+1)
		copy(nt, utab)
		nt[len(utab)] = make([]uint32, size)
		ix.arena.Store(&nt)
		ix.arenaUsed = uint32(len(utab)) << arenaShift
	}
	off := ix.arenaUsed
	ix.arenaUsed += uint32(n)
	return off
}

// vecAt returns the address of slot c's vector through the searcher's base
// table; c must be below s.limit.
func (ix *Index) vecAt(s *searcher, c uint32) unsafe.Pointer {
	return unsafe.Add(s.base[c>>ix.shift].vecs, uintptr(c&ix.mask)*ix.vbytes)
}

// list0 is slot c's level-0 list through the searcher's base table; c must
// be below s.limit.
func (ix *Index) list0(s *searcher, c uint32) []uint32 {
	p := unsafe.Add(s.base[c>>ix.shift].links, uintptr(c&ix.mask)*ix.lbytes)
	return unsafe.Slice((*uint32)(p), ix.stride0)
}
