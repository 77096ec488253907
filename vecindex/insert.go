package vecindex

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// insert.go: adding a node (hnswlib's addPoint and
// mutuallyConnectNewElement).
//
// An insert (1) takes a slot, a level and, for level > 0, an upper block
// under allocMu, (2) writes the vector while the slot is still unreachable,
// (3) descends greedily from the entry point to its level, (4) at each of
// its levels top-down runs a beam search with ef_construction, chooses M
// neighbours by the heuristic and writes its own list, (5) then, level 0
// first, links itself into each chosen neighbour's list, re-pruning that
// list with the same heuristic when it is full, and (6) if its level is
// above the top level, becomes the entry point. Until (5) no search can
// reach the node, so none ever walks into a list not yet written. Locking: one stripe lock at a time (own list, then each neighbour
// in turn), so inserts cannot deadlock; an insert that raises the top level
// holds epMu throughout, as hnswlib holds its global lock, so two such
// inserts do not race to become the entry point.

// Insert adds vec under the caller's id (a row key). The vector is copied
// (and normalised for cosine). Errors: wrong dimension, NaN or infinite
// elements, a zero vector for cosine, an id that is present and not
// deleted. Re-inserting a deleted id is allowed: the tombstone stays until
// Purge and the id maps to the new node.
func (ix *Index) Insert(id uint64, vec []float32) error {
	ix.writeMu.RLock()
	defer ix.writeMu.RUnlock()
	ix.structMu.RLock()
	defer ix.structMu.RUnlock()
	s := ix.getSearcher()
	defer ix.putSearcher(s)
	v, err := ix.prepare(vec, s.qbuf)
	if err != nil {
		return err
	}
	slot, level, err := ix.alloc(id)
	if err != nil {
		return err
	}
	ix.refresh(s)
	copy(ix.vec(s.tab, slot), v)
	ix.link(s, slot, level)
	ix.live.Add(1)
	return nil
}

// alloc reserves a slot for id: a freed slot if any (lowest-numbered last
// freed), else the next new one, growing the chunk table as needed. It sets
// the slot's id, level and upper block; the node is not yet reachable.
func (ix *Index) alloc(id uint64) (uint32, int, error) {
	ix.allocMu.Lock()
	defer ix.allocMu.Unlock()
	tab := *ix.chunks.Load()
	if old, ok := ix.idmap[id]; ok && !ix.isDeleted(tab, old) {
		return 0, 0, fmt.Errorf("%w: %d", ErrDuplicate, id)
	}
	var slot uint32
	if n := len(ix.free); n > 0 {
		slot = ix.free[n-1]
		ix.free = ix.free[:n-1]
	} else {
		if ix.next == 1<<32-1 {
			return 0, 0, ErrFull
		}
		slot = ix.next
		ix.next++
		ix.growTo(slot)
		tab = *ix.chunks.Load()
	}
	level := ix.randomLevel()
	ch := tab[slot>>ix.shift]
	i := slot & ix.mask
	ch.ids[i] = id
	ch.level[i] = uint8(level)
	atomic.StoreUint32(&ch.flags[i], 0)
	atomic.StoreUint32(&ch.links[int(i)*ix.stride0], 0)
	if level > 0 {
		if int(ch.ucap[i]) < level {
			ch.upperOff[i] = ix.allocUpper(level * ix.strideU)
			ch.ucap[i] = uint8(level)
		}
		utab := *ix.arena.Load()
		for l := 1; l <= level; l++ {
			atomic.StoreUint32(&ix.list(tab, utab, slot, l)[0], 0)
		}
	}
	ix.idmap[id] = slot
	return slot, level, nil
}

// link connects slot c (vector written, level assigned) into the graph.
func (ix *Index) link(s *searcher, c uint32, level int) {
	epv := ix.ep.Load()
	if epv == epEmpty || int(epv>>32) < level {
		ix.epMu.Lock()
		defer ix.epMu.Unlock()
		epv = ix.ep.Load()
	}
	if epv == epEmpty {
		ix.ep.Store(packEP(level, c))
		return
	}
	top, ep := unpackEP(epv)
	if ep >= s.limit {
		ix.refresh(s)
	}
	q := ix.vec(s.tab, c)
	epd := ix.dist(q, ix.vec(s.tab, ep))
	ep, epd = ix.greedy(s, q, ep, epd, top, level)
	// c's own lists are written top-down as the searches go, but c is
	// linked into its neighbours' lists (what makes it reachable) only
	// once all of them are written, level 0 first: a construction search
	// that reaches c at any level must find its lists there and below,
	// or it descends into an empty level-0 list and links the new node
	// to nothing near (hnswlib avoids this by holding c's lock for the
	// whole insert, which searches then wait on).
	upto := min(level, top)
	for len(s.levelNbrs) <= upto {
		s.levelNbrs = append(s.levelNbrs, nil)
	}
	for l := upto; l >= 0; l-- {
		s.levelNbrs[l] = s.levelNbrs[l][:0]
		if l == 0 {
			ix.searchBase(s, q, ep, epd, ix.cfg.EfConstruction)
		} else {
			ix.searchLayer(s, q, ep, epd, ix.cfg.EfConstruction, l, mode{}, 0)
		}
		cands := s.beam.drainAscending(s.items)
		// A concurrent insert may already have linked c at this level
		// (it can enter level l at c from above); never link c to itself.
		w := 0
		for _, it := range cands {
			if it.id != c {
				cands[w] = it
				w++
			}
		}
		cands = cands[:w]
		s.items = cands
		if len(cands) == 0 {
			continue
		}
		nbrs := append(s.levelNbrs[l], ix.selectNeighbors(s, cands, ix.m)...)
		s.levelNbrs[l] = nbrs
		ix.writeOwnList(s, c, nbrs, l)
		ep, epd = nbrs[0].id, nbrs[0].d
	}
	for l := 0; l <= upto; l++ {
		ix.linkBack(s, c, s.levelNbrs[l], l)
	}
	if level > top {
		ix.ep.Store(packEP(level, c))
	}
}

// maxLinks is the capacity of a list at level l.
func (ix *Index) maxLinks(l int) int {
	if l == 0 {
		return ix.m0
	}
	return ix.m
}

// writeOwnList writes c's list at level l: nbrs (ascending), merged with
// any links concurrent inserts already added to it, re-pruned by the
// heuristic when over capacity.
func (ix *Index) writeOwnList(s *searcher, c uint32, nbrs []item, l int) {
	mmax := ix.maxLinks(l)
	lk := ix.lock(c)
	lk.Lock()
	defer lk.Unlock()
	// A concurrent insert that found c may already have added itself to
	// c's list here: keep those links, or that node can lose its only way
	// in. Over capacity, the heuristic chooses among them all, as for a
	// neighbour's full list.
	cl := ix.links(s, c, l)
	merged := append(s.prune[:0], nbrs...)
	vc := ix.vec(s.tab, c)
	for j, n := 1, loadCount(cl); j <= n; j++ {
		x := atomic.LoadUint32(&cl[j])
		if !containsItem(merged, x) {
			merged = append(merged, item{ix.dist(ix.vec(s.tab, x), vc), x})
		}
	}
	s.prune = merged
	if len(merged) > len(nbrs) {
		sortItems(merged)
		if len(merged) > mmax {
			merged = ix.selectNeighbors(s, merged, mmax)
		}
	}
	s.slots = s.slots[:0]
	for _, nb := range merged {
		s.slots = append(s.slots, nb.id)
	}
	setList(cl, s.slots)
}

// linkBack adds c to the list at level l of each of nbrs (c's chosen
// neighbours there), re-pruning a full one by the heuristic over its old
// neighbours plus c, all measured from the neighbour.
func (ix *Index) linkBack(s *searcher, c uint32, nbrs []item, l int) {
	mmax := ix.maxLinks(l)
	for _, nb := range nbrs {
		lk := ix.lock(nb.id)
		lk.Lock()
		ll := ix.links(s, nb.id, l)
		n := loadCount(ll)
		present := false
		for j := 1; j <= n; j++ {
			if atomic.LoadUint32(&ll[j]) == c {
				present = true
				break
			}
		}
		switch {
		case present:
		case n < mmax:
			appendList(ll, c)
		default:
			vn := ix.vec(s.tab, nb.id)
			p := append(s.prune[:0], item{nb.d, c})
			for j := 1; j <= n; j++ {
				x := atomic.LoadUint32(&ll[j])
				p = append(p, item{ix.dist(ix.vec(s.tab, x), vn), x})
			}
			sortItems(p)
			s.prune = p
			kept := ix.selectNeighbors(s, p, mmax)
			s.slots = s.slots[:0]
			for _, k := range kept {
				s.slots = append(s.slots, k.id)
			}
			setList(ll, s.slots)
		}
		lk.Unlock()
	}
}

// InsertBatch inserts vecs[i] under ids[i] with runtime.GOMAXPROCS(0)
// goroutines (the parallel build). Order of insertion is not defined. It
// stops at the first error or when ctx is done, returning that error;
// vectors inserted before then stay in the index.
func (ix *Index) InsertBatch(ctx context.Context, ids []uint64, vecs [][]float32) error {
	if len(ids) != len(vecs) {
		return fmt.Errorf("vecindex: InsertBatch: %d ids for %d vectors", len(ids), len(vecs))
	}
	var (
		next    atomic.Int64
		errOnce sync.Once
		first   error
		stop    atomic.Bool
		wg      sync.WaitGroup
	)
	fail := func(err error) {
		errOnce.Do(func() { first = err })
		stop.Store(true)
	}
	workers := min(runtime.GOMAXPROCS(0), max(len(ids), 1))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(ids) {
					return
				}
				if i%256 == 0 {
					if err := ctx.Err(); err != nil {
						fail(fmt.Errorf("vecindex: InsertBatch: %w", err))
						return
					}
				}
				if err := ix.Insert(ids[i], vecs[i]); err != nil {
					fail(fmt.Errorf("vecindex: InsertBatch: vector %d: %w", i, err))
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// containsItem reports whether items holds slot id.
func containsItem(items []item, id uint32) bool {
	for _, it := range items {
		if it.id == id {
			return true
		}
	}
	return false
}
