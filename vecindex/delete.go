package vecindex

import (
	"context"
	"fmt"
	"sync/atomic"
)

// delete.go: tombstones, neighbour repair and slot reuse.
//
// Delete only sets a node's tombstone: searches stop returning it at once
// but still route through it, so the graph stays as navigable as before.
// Purge (pgvector's vacuum of an HNSW index) then
//
//  1. with inserts and deletes excluded but searches running, rewrites
//     every live node's list that points at a tombstone: the candidates
//     are its live neighbours plus the live neighbours of its deleted
//     neighbours, chosen by the same heuristic as an insert (hnswlib's
//     repair of a full list). Lists are replaced the usual way (slots, then
//     count, under the stripe lock), which searches tolerate;
//  2. moves the entry point to a live node of the highest level if it was
//     deleted;
//  3. with searches excluded too (structMu held exclusively, briefly),
//     clears the tombstoned slots and puts them on the free list, so no
//     search can hold a slot while it is reused. Inserts take freed slots
//     first.
//
// After Purge no list holds a freed slot: every list that held a tombstone
// was rewritten from live nodes only, and tombstones' own lists are
// cleared. An upper block stays with its slot (ucap) and is reused when the
// next node there has no more levels; otherwise it is abandoned.

// Delete tombstones id. It reports whether id was present and live.
func (ix *Index) Delete(id uint64) bool {
	ix.writeMu.RLock()
	defer ix.writeMu.RUnlock()
	ix.allocMu.Lock()
	defer ix.allocMu.Unlock()
	slot, ok := ix.idmap[id]
	if !ok {
		return false
	}
	tab := *ix.chunks.Load()
	f := &tab[slot>>ix.shift].flags[slot&ix.mask]
	if atomic.LoadUint32(f)&flagDeleted != 0 {
		return false
	}
	atomic.StoreUint32(f, flagDeleted)
	ix.deleted.Add(1)
	ix.live.Add(-1)
	return true
}

// Contains reports whether id is present and live.
func (ix *Index) Contains(id uint64) bool {
	ix.allocMu.Lock()
	defer ix.allocMu.Unlock()
	slot, ok := ix.idmap[id]
	return ok && !ix.isDeleted(*ix.chunks.Load(), slot)
}

// AppendVector appends the vector stored for id to dst and reports
// whether id is present and live. For cosine the stored vector is the
// normalised one. It lets a caller that needs a node's exact vector skip
// reading it back from elsewhere.
func (ix *Index) AppendVector(dst []float32, id uint64) ([]float32, bool) {
	// structMu keeps Purge from freeing (and a later insert from reusing)
	// the slot while it is copied.
	ix.structMu.RLock()
	defer ix.structMu.RUnlock()
	ix.allocMu.Lock()
	slot, ok := ix.idmap[id]
	ix.allocMu.Unlock()
	tab := *ix.chunks.Load()
	if !ok || ix.isDeleted(tab, slot) {
		return dst, false
	}
	return append(dst, ix.vec(tab, slot)...), true
}

// Purge repairs the neighbours of all tombstones and frees their slots for
// reuse, returning how many it freed. Searches continue meanwhile except
// during the final freeing step; inserts and deletes wait. If ctx ends
// first it returns ctx's error with nothing freed (repairs made so far are
// kept; they are valid lists).
func (ix *Index) Purge(ctx context.Context) (int, error) {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	if ix.deleted.Load() == 0 {
		return 0, nil
	}
	ix.structMu.RLock()
	s := ix.getSearcher()
	n := ix.next
	unused := make([]bool, n)
	for _, f := range ix.free {
		unused[f] = true
	}
	var dead []uint32
	for c := uint32(0); c < n; c++ {
		if !unused[c] && ix.isDeleted(s.tab, c) {
			dead = append(dead, c)
		}
	}
	for c := uint32(0); c < n; c++ {
		if c%1024 == 0 {
			if err := ctx.Err(); err != nil {
				ix.putSearcher(s)
				ix.structMu.RUnlock()
				return 0, fmt.Errorf("vecindex: purge: %w", err)
			}
		}
		if unused[c] || ix.isDeleted(s.tab, c) {
			continue
		}
		for l := ix.nodeLevel(s.tab, c); l >= 0; l-- {
			ix.repair(s, c, l)
		}
	}
	// New entry point if the old one is deleted: a live node of the
	// highest level.
	newEP := ix.ep.Load()
	if newEP != epEmpty {
		if _, ep := unpackEP(newEP); ix.isDeleted(s.tab, ep) {
			newEP = epEmpty
			best := -1
			for c := uint32(0); c < n; c++ {
				if !unused[c] && !ix.isDeleted(s.tab, c) {
					if l := ix.nodeLevel(s.tab, c); l > best {
						best, newEP = l, packEP(l, c)
					}
				}
			}
		}
	}
	ix.putSearcher(s)
	ix.structMu.RUnlock()

	ix.structMu.Lock()
	defer ix.structMu.Unlock()
	ix.allocMu.Lock()
	defer ix.allocMu.Unlock()
	ix.ep.Store(newEP)
	tab := *ix.chunks.Load()
	utab := *ix.arena.Load()
	for i := len(dead) - 1; i >= 0; i-- {
		c := dead[i]
		ch := tab[c>>ix.shift]
		j := c & ix.mask
		for l := int(ch.level[j]); l >= 0; l-- {
			atomic.StoreUint32(&ix.list(tab, utab, c, l)[0], 0)
		}
		atomic.StoreUint32(&ch.flags[j], 0)
		if cur, ok := ix.idmap[ch.ids[j]]; ok && cur == c {
			delete(ix.idmap, ch.ids[j])
		}
		ix.free = append(ix.free, c)
	}
	ix.deleted.Add(-int64(len(dead)))
	return len(dead), nil
}

// repair rewrites c's list at level l if it points at a tombstone.
func (ix *Index) repair(s *searcher, c uint32, l int) {
	ll := ix.links(s, c, l)
	n := loadCount(ll)
	hasDead := false
	for j := 1; j <= n; j++ {
		if ix.isDeleted(s.tab, atomic.LoadUint32(&ll[j])) {
			hasDead = true
			break
		}
	}
	if !hasDead {
		return
	}
	mmax := ix.m
	if l == 0 {
		mmax = ix.m0
	}
	vc := ix.vec(s.tab, c)
	s.vis.next(int(s.limit))
	s.vis.marks[c] = s.vis.epoch
	p := s.prune[:0]
	add := func(x uint32) {
		if s.vis.marks[x] == s.vis.epoch || ix.isDeleted(s.tab, x) {
			return
		}
		s.vis.marks[x] = s.vis.epoch
		p = append(p, item{ix.dist(ix.vec(s.tab, x), vc), x})
	}
	for j := 1; j <= n; j++ {
		x := atomic.LoadUint32(&ll[j])
		if !ix.isDeleted(s.tab, x) {
			add(x)
			continue
		}
		dl := ix.links(s, x, l)
		dn := loadCount(dl)
		for i := 1; i <= dn; i++ {
			add(atomic.LoadUint32(&dl[i]))
		}
	}
	sortItems(p)
	s.prune = p
	kept := ix.selectNeighbors(s, p, mmax)
	s.slots = s.slots[:0]
	for _, k := range kept {
		s.slots = append(s.slots, k.id)
	}
	lk := ix.lock(c)
	lk.Lock()
	setList(ix.links(s, c, l), s.slots)
	lk.Unlock()
}
