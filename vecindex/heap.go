package vecindex

// heap.go: typed binary heaps over (distance, internal id) pairs.
//
// container/heap goes through an interface (a dynamic call per Less and
// Swap) and boxes pushed values; these heaps are plain slices with the
// sift loops written out, so a push or pop is a handful of compares and
// moves and, once a heap's backing array has grown to its working size, no
// allocation. Invariant: a[0] is the minimum (minHeap) or maximum (maxHeap)
// of a, and each parent orders before its children.

// item is one graph node seen by a search: its distance to the query in the
// index's internal ordering (smaller is closer) and its dense slot id.
type item struct {
	d  float32
	id uint32
}

// minHeap pops the closest item first: the candidate queue of a search.
type minHeap struct{ a []item }

func (h *minHeap) reset()    { h.a = h.a[:0] }
func (h *minHeap) len() int  { return len(h.a) }
func (h *minHeap) top() item { return h.a[0] }
func (h *minHeap) push(x item) {
	a := append(h.a, x)
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p].d <= x.d {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = x
	h.a = a
}

func (h *minHeap) pop() item {
	a := h.a
	top := a[0]
	n := len(a) - 1
	x := a[n]
	a = a[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && a[r].d < a[l].d {
			l = r
		}
		if x.d <= a[l].d {
			break
		}
		a[i] = a[l]
		i = l
	}
	if n > 0 {
		a[i] = x
	}
	h.a = a
	return top
}

// maxHeap pops the farthest item first: the bounded result set (beam) of a
// search, whose top is the distance a newcomer must beat.
type maxHeap struct{ a []item }

func (h *maxHeap) reset()    { h.a = h.a[:0] }
func (h *maxHeap) len() int  { return len(h.a) }
func (h *maxHeap) top() item { return h.a[0] }
func (h *maxHeap) push(x item) {
	a := append(h.a, x)
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p].d >= x.d {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = x
	h.a = a
}

func (h *maxHeap) pop() item {
	a := h.a
	top := a[0]
	n := len(a) - 1
	x := a[n]
	a = a[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && a[r].d > a[l].d {
			l = r
		}
		if x.d >= a[l].d {
			break
		}
		a[i] = a[l]
		i = l
	}
	if n > 0 {
		a[i] = x
	}
	h.a = a
	return top
}

// replaceTop replaces the maximum with x (which may be larger) and
// restores the order: a pop then push in one sift-down.
func (h *maxHeap) replaceTop(x item) {
	a := h.a
	n := len(a)
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && a[r].d > a[l].d {
			l = r
		}
		if x.d >= a[l].d {
			break
		}
		a[i] = a[l]
		i = l
	}
	a[i] = x
}

// drainAscending empties h into dst[:0] in ascending distance order (the
// farthest pops first, so it fills from the back) and returns it.
func (h *maxHeap) drainAscending(dst []item) []item {
	n := len(h.a)
	if cap(dst) < n {
		dst = make([]item, n)
	}
	dst = dst[:n]
	for i := n - 1; i >= 0; i-- {
		dst[i] = h.pop()
	}
	return dst
}
