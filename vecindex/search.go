package vecindex

import (
	"fmt"
	"math"
	"sync/atomic"
	"unsafe"
)

// search.go: greedy descent through the upper levels and the beam search of
// one level (Malkov & Yashunin's SEARCH-LAYER, as hnswlib's
// searchBaseLayerST), shared by queries and inserts.
//
// Invariants of searchLayer: cand holds the frontier (nodes whose lists are
// not yet expanded) ordered closest first; beam holds at most ef admitted
// nodes, farthest on top, and bound is beam's top distance (or +Inf while
// beam is empty); every node pushed to cand has been marked visited, so
// each node's distance is computed at most once per search. A node joins
// cand when the beam is not full or it is closer than bound; the search
// stops when the closest frontier node is farther than bound and the beam
// is full, or the frontier is empty.

// SearchOptions tunes one search.
type SearchOptions struct {
	// Ef is the beam width (hnsw.ef_search); values below k are raised to
	// k. Zero means 40, pgvector's default.
	Ef int
	// Filter, if not nil, admits a caller id to the results. Rejected
	// nodes are still traversed, so the graph stays connected around them.
	Filter func(id uint64) bool
	// Iterative selects pgvector 0.8's hnsw.iterative_scan = relaxed_order
	// behaviour: the beam admits only nodes passing Filter (and not
	// deleted), and the search keeps expanding past the usual stopping point
	// until ef such nodes are found and no closer frontier remains, or
	// MaxVisit distances have been computed. Without it (iterative_scan =
	// off) the beam holds every live node, so the search visits about as
	// much as an unfiltered one and returns the k best passing nodes it saw,
	// possibly fewer than k. Results are sorted by distance either way
	// (stricter than relaxed_order requires).
	Iterative bool
	// MaxVisit bounds the distance computations of an iterative search
	// (hnsw.max_scan_tuples); zero means DefaultMaxVisit.
	MaxVisit int
	// Distances, if not nil, has the search's distance computations
	// added to it (what a statement is metered for).
	Distances *int64
}

// Search returns up to k nearest live vectors to query, closest first,
// skipping ids for which filter (if not nil) returns false. ef is the beam
// width (hnsw.ef_search). A query of the wrong dimension, with NaN or
// infinite elements, or all zeros for a cosine index returns nil.
func (ix *Index) Search(query []float32, k, ef int, filter func(id uint64) bool) []Result {
	res, err := ix.SearchWith(nil, query, k, SearchOptions{Ef: ef, Filter: filter})
	if err != nil {
		return nil
	}
	return res
}

// SearchAppend is Search appending to dst, so a caller reusing dst
// allocates nothing per search.
func (ix *Index) SearchAppend(dst []Result, query []float32, k, ef int, filter func(id uint64) bool) ([]Result, error) {
	return ix.SearchWith(dst, query, k, SearchOptions{Ef: ef, Filter: filter})
}

// SearchWith appends up to k nearest live vectors to query to dst, closest
// first, with the given options. It waits on no insert: it holds structMu
// shared (only Purge takes it exclusively) and reads link lists without
// locks. Errors: wrong dimension, NaN/Inf element; a zero query against a
// cosine index returns no results (pgvector returns none either).
func (ix *Index) SearchWith(dst []Result, query []float32, k int, opt SearchOptions) ([]Result, error) {
	if len(query) != ix.dim {
		return dst, fmt.Errorf("%w: got %d, index has %d", ErrDimension, len(query), ix.dim)
	}
	if k <= 0 {
		return dst, nil
	}
	ef := opt.Ef
	if ef <= 0 {
		ef = 40
	}
	ef = max(ef, k)
	ix.structMu.RLock()
	defer ix.structMu.RUnlock()
	epv := ix.ep.Load()
	if epv == epEmpty {
		return dst, nil
	}
	s := ix.getSearcher()
	defer ix.putSearcher(s)
	q, err := ix.prepare(query, s.qbuf)
	if err != nil {
		if ix.cfg.Metric == MetricCosine && !hasNonFinite(query) {
			return dst, nil // a zero query: no cosine distance to anything
		}
		return dst, err
	}
	top, ep := unpackEP(epv)
	if ep >= s.limit {
		ix.refresh(s)
	}
	s.dists = 1
	epd := ix.dist(q, ix.vec(s.tab, ep))
	ep, epd = ix.greedy(s, q, ep, epd, top, 0)

	m := mode{filter: opt.Filter, iterative: opt.Iterative, maxVisit: opt.MaxVisit}
	m.checked = opt.Filter != nil || ix.deleted.Load() > 0
	if m.iterative && m.maxVisit <= 0 {
		m.maxVisit = DefaultMaxVisit
	}
	if m.checked {
		ix.searchLayer(s, q, ep, epd, ef, 0, m, k)
	} else {
		ix.searchBase(s, q, ep, epd, ef)
	}

	// Results: res when filtering without iterating, else the beam.
	h := &s.beam
	if m.filter != nil && !m.iterative {
		h = &s.res
	}
	for h.len() > k {
		h.pop()
	}
	ix.searches.Add(1)
	ix.distances.Add(s.dists)
	if opt.Distances != nil {
		*opt.Distances += s.dists
	}
	s.items = h.drainAscending(s.items)
	for _, it := range s.items {
		dst = append(dst, Result{ID: ix.callerID(s.tab, it.id), Distance: ix.report(it.d)})
	}
	return dst, nil
}

func hasNonFinite(v []float32) bool {
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return true
		}
	}
	return false
}

// mode is how searchLayer treats tombstones and the filter.
type mode struct {
	checked   bool // tombstones or filter present: admission needs checks
	filter    func(uint64) bool
	iterative bool
	maxVisit  int
}

// greedy walks from ep down to level stop+1, at each level moving to the
// closest neighbour until no neighbour is closer, and returns the node
// where it ends and its distance.
func (ix *Index) greedy(s *searcher, q []float32, ep uint32, epd float32, top, stop int) (uint32, float32) {
	for level := top; level > stop; level-- {
		for changed := true; changed; {
			changed = false
			l := ix.links(s, ep, level)
			n := loadCount(l)
			for j := 1; j <= n; j++ {
				c := atomic.LoadUint32(&l[j])
				if c >= s.limit {
					ix.refresh(s)
					if c >= s.limit {
						continue
					}
				}
				s.dists++
				if d := ix.dist(q, ix.vec(s.tab, c)); d < epd {
					ep, epd, changed = c, d, true
				}
			}
		}
	}
	return ep, epd
}

// links is list() through the searcher's snapshots, refreshing them when
// the node's upper block is in an arena chunk newer than the snapshot.
func (ix *Index) links(s *searcher, c uint32, level int) []uint32 {
	if level == 0 {
		ch := s.tab[c>>ix.shift]
		o := int(c&ix.mask) * ix.stride0
		return ch.links[o : o+ix.stride0 : o+ix.stride0]
	}
	off := s.tab[c>>ix.shift].upperOff[c&ix.mask] + uint32((level-1)*ix.strideU)
	if int(off>>arenaShift) >= len(s.utab) {
		ix.refresh(s)
	}
	return ix.list(s.tab, s.utab, c, level)
}

// searchLayer runs the beam search of one level from ep, leaving the
// admitted nodes in s.beam (and, filtering without iterating, the k best
// passing nodes in s.res). See the file comment for the invariants and
// SearchOptions for the modes. Inserts call it with the zero mode.
func (ix *Index) searchLayer(s *searcher, q []float32, ep uint32, epd float32, ef, level int, m mode, k int) {
	s.cand.reset()
	s.beam.reset()
	s.res.reset()
	s.vis.next(int(s.limit))
	s.vis.marks[ep] = s.vis.epoch
	bound := float32(inf32)
	s.cand.push(item{epd, ep})
	if !m.checked || ix.admit(s, ep, m) {
		s.beam.push(item{epd, ep})
		bound = epd
	}
	if m.checked && m.filter != nil && !m.iterative && ix.passes(s, ep, m) {
		s.res.push(item{epd, ep})
	}
	visits := 1
	for s.cand.len() > 0 {
		cur := s.cand.top()
		if cur.d > bound && s.beam.len() >= ef {
			break
		}
		if m.iterative && visits >= m.maxVisit {
			break
		}
		s.cand.pop()
		// Two passes as hnswlib: collect and mark the unvisited
		// neighbours, prefetching their vectors, then measure them.
		l := ix.links(s, cur.id, level)
		n := loadCount(l)
		fresh := s.fresh[:0]
		for j := 1; j <= n; j++ {
			c := atomic.LoadUint32(&l[j])
			if c >= s.limit {
				ix.refresh(s)
				if c >= s.limit {
					continue
				}
			}
			if s.vis.marks[c] == s.vis.epoch {
				continue
			}
			s.vis.marks[c] = s.vis.epoch
			fresh = append(fresh, c)
			prefetch(&ix.vec(s.tab, c)[0])
		}
		s.fresh = fresh
		s.dists += int64(len(fresh))
		for _, c := range fresh {
			d := ix.dist(q, ix.vec(s.tab, c))
			visits++
			if !m.checked {
				if s.beam.len() < ef || d < bound {
					s.cand.push(item{d, c})
					s.beam.push(item{d, c})
					if s.beam.len() > ef {
						s.beam.pop()
					}
					bound = s.beam.top().d
				}
				continue
			}
			if s.beam.len() < ef || d < bound {
				s.cand.push(item{d, c})
				if ix.admit(s, c, m) {
					s.beam.push(item{d, c})
					if s.beam.len() > ef {
						s.beam.pop()
					}
					bound = s.beam.top().d
				}
			}
			if m.filter != nil && !m.iterative && (s.res.len() < k || d < s.res.top().d) && ix.passes(s, c, m) {
				s.res.push(item{d, c})
				if s.res.len() > k {
					s.res.pop()
				}
			}
		}
	}
}

var inf32 = float32(math.Inf(1))

// admit reports whether slot c may join the beam: not a tombstone, and in
// iterative mode also passing the filter.
func (ix *Index) admit(s *searcher, c uint32, m mode) bool {
	if ix.isDeleted(s.tab, c) {
		return false
	}
	return !m.iterative || m.filter == nil || m.filter(ix.callerID(s.tab, c))
}

// passes reports whether slot c may be returned: live and passing the filter.
func (ix *Index) passes(s *searcher, c uint32, m mode) bool {
	return !ix.isDeleted(s.tab, c) && (m.filter == nil || m.filter(ix.callerID(s.tab, c)))
}

// searchBase is searchLayer at level 0 in the unchecked mode (no filter, no
// tombstones to skip: plain queries and every insert), the hot path of
// both. Same algorithm and invariants as searchLayer; it differs in
// reaching nodes through the base table (vecAt, list0), in replacing the
// beam's top in one sift, and in prefetching more than hnswlib: the first
// lines of every unvisited neighbour while marking them, the whole next
// vector while measuring the current one (a 784-dim vector is 49 lines, and
// the hardware streamer stops at page ends), and the list of the candidate
// expanded next. Measured on Fashion-MNIST each of these helps a few
// percent; the full-vector prefetch most at large ef.
func (ix *Index) searchBase(s *searcher, q []float32, ep uint32, epd float32, ef int) {
	s.cand.reset()
	s.beam.reset()
	s.res.reset()
	s.vis.next(int(s.limit))
	marks, epoch := s.vis.marks, s.vis.epoch
	marks[ep] = epoch
	s.cand.push(item{epd, ep})
	s.beam.push(item{epd, ep})
	bound := epd
	kfn, neg, dim, lines := ix.kfn, ix.neg, ix.dim, ix.vlines
	for len(s.cand.a) > 0 {
		cur := s.cand.a[0]
		if cur.d > bound && len(s.beam.a) >= ef {
			break
		}
		s.cand.pop()
		l := ix.list0(s, cur.id)
		n := loadCount(l)
		fresh := s.fresh[:0]
		for j := 1; j <= n; j++ {
			c := atomic.LoadUint32(&l[j])
			if c >= s.limit {
				ix.refresh(s)
				marks = s.vis.marks
				if c >= s.limit {
					continue
				}
			}
			if marks[c] == epoch {
				continue
			}
			marks[c] = epoch
			fresh = append(fresh, c)
			prefetch((*float32)(ix.vecAt(s, c)))
		}
		s.fresh = fresh
		s.dists += int64(len(fresh))
		for i, c := range fresh {
			if i+1 < len(fresh) {
				prefetchLines(ix.vecAt(s, fresh[i+1]), lines)
			}
			d := kfn(q, unsafe.Slice((*float32)(ix.vecAt(s, c)), dim))
			if neg {
				d = -d
			}
			if len(s.beam.a) < ef {
				s.cand.push(item{d, c})
				s.beam.push(item{d, c})
				bound = s.beam.a[0].d
			} else if d < bound {
				s.cand.push(item{d, c})
				s.beam.replaceTop(item{d, c})
				bound = s.beam.a[0].d
			}
		}
		if len(s.cand.a) > 0 {
			prefetch((*float32)(unsafe.Pointer(&ix.list0(s, s.cand.a[0].id)[0])))
		}
	}
}
