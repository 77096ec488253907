package vecindex

// visited.go: the per-search "already seen" set.
//
// A search touches a few thousand of possibly millions of nodes, so clearing
// a bitmap per search would cost more than the search. Instead each slot
// holds the epoch of the last search that saw it: a new search bumps the
// epoch, which makes every slot "unseen" at once, and only on wrap-around
// (every 65,535 searches) is the array zeroed. Invariant: marks[c] == epoch
// iff slot c was seen by the current search; epoch is never 0, so a freshly
// grown (zeroed) tail is unseen. A visited set belongs to one searcher at a
// time, so it needs no synchronisation.
type visited struct {
	marks []uint16
	epoch uint16
}

// next starts a new search over slots [0, n).
func (v *visited) next(n int) {
	if len(v.marks) < n {
		v.grow(n)
	}
	v.epoch++
	if v.epoch == 0 {
		clear(v.marks)
		v.epoch = 1
	}
}

// grow extends marks to at least n slots, keeping the current epoch's marks.
func (v *visited) grow(n int) {
	m := make([]uint16, n, n+n/4)
	copy(m, v.marks)
	v.marks = m
}
