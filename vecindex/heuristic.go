package vecindex

import (
	"cmp"
	"slices"
)

// heuristic.go: hnswlib's getNeighborsByHeuristic2 (Malkov & Yashunin,
// algorithm 4 without extension or kept pruned connections).
//
// Given candidates in ascending distance to a base point, keep a candidate
// only if it is closer to the base than to every candidate already kept.
// This spreads a node's links over directions instead of spending them all
// on one tight cluster, which is what keeps the graph navigable. As in
// hnswlib, fewer than m candidates are all kept unexamined.

// selectNeighbors returns at most m of cands (ascending by d, the distance
// to the base) chosen by the heuristic, in ascending order, in s.sel.
func (ix *Index) selectNeighbors(s *searcher, cands []item, m int) []item {
	out := s.sel[:0]
	if len(cands) < m {
		out = append(out, cands...)
		s.sel = out
		return out
	}
	for _, c := range cands {
		if len(out) >= m {
			break
		}
		vc := ix.vec(s.tab, c.id)
		good := true
		for _, o := range out {
			if ix.dist(ix.vec(s.tab, o.id), vc) < c.d {
				good = false
				break
			}
		}
		if good {
			out = append(out, c)
		}
	}
	s.sel = out
	return out
}

// sortItems sorts ascending by distance: insertion sort for the short
// lists of a re-prune, pdqsort for a repair's larger candidate sets.
func sortItems(a []item) {
	if len(a) > 48 {
		slices.SortFunc(a, func(x, y item) int { return cmp.Compare(x.d, y.d) })
		return
	}
	for i := 1; i < len(a); i++ {
		x := a[i]
		j := i
		for j > 0 && a[j-1].d > x.d {
			a[j] = a[j-1]
			j--
		}
		a[j] = x
	}
}
