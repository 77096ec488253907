package storage

import (
	"bytes"
	"sort"
)

// wval is one buffered write of a transaction: a value or a tombstone.
type wval struct {
	val []byte
	del bool
}

type wentry struct {
	key string
	wval
}

// keyRange is the half-open key interval [lo, hi); an empty hi means no
// upper bound.
type keyRange struct {
	lo, hi string
}

func (r keyRange) contains(k string) bool {
	return k >= r.lo && (r.hi == "" || k < r.hi)
}

func (r keyRange) overlaps(o keyRange) bool {
	return (r.hi == "" || o.lo < r.hi) && (o.hi == "" || r.lo < o.hi)
}

// writeSet buffers a transaction's uncommitted writes. Point writes live in
// a map; a sorted copy is rebuilt lazily when a scan needs it. An iterator
// keeps the sorted slice it started with, so a statement scanning a table it
// is also writing never sees its own new rows (no Halloween problem).
type writeSet struct {
	m      map[string]wval
	ranges []keyRange // range deletions, applied before the point writes
	sorted []wentry
	dirty  bool
}

func newWriteSet() *writeSet { return &writeSet{m: make(map[string]wval)} }

func (w *writeSet) put(k string, v []byte) {
	w.m[k] = wval{val: v}
	w.dirty = true
}

func (w *writeSet) del(k string) {
	w.m[k] = wval{del: true}
	w.dirty = true
}

// deleteRange records a range deletion. Earlier point writes inside it are
// dropped, so "range delete first, then point writes" stays the right order.
func (w *writeSet) deleteRange(r keyRange) {
	for k := range w.m {
		if r.contains(k) {
			delete(w.m, k)
		}
	}
	w.ranges = append(w.ranges, r)
	w.dirty = true
}

// get returns the buffered state of k: found is false when the transaction
// has not written it (the snapshot decides).
func (w *writeSet) get(k string) (v wval, found bool) {
	if v, ok := w.m[k]; ok {
		return v, true
	}
	for _, r := range w.ranges {
		if r.contains(k) {
			return wval{del: true}, true
		}
	}
	return wval{}, false
}

func (w *writeSet) empty() bool { return len(w.m) == 0 && len(w.ranges) == 0 }

func (w *writeSet) sortedEntries() []wentry {
	if w.dirty || w.sorted == nil {
		s := make([]wentry, 0, len(w.m))
		for k, v := range w.m {
			s = append(s, wentry{key: k, wval: v})
		}
		sort.Slice(s, func(i, j int) bool { return s[i].key < s[j].key })
		w.sorted = s
		w.dirty = false
	}
	return w.sorted
}

// mutations lists the writes for KV.Apply: range deletions first.
func (w *writeSet) mutations() []KVMutation {
	muts := make([]KVMutation, 0, len(w.ranges)+len(w.m))
	for _, r := range w.ranges {
		end := []byte(r.hi)
		if r.hi == "" {
			end = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
		}
		muts = append(muts, KVMutation{Key: []byte(r.lo), EndKey: end})
	}
	for _, e := range w.sortedEntries() {
		muts = append(muts, KVMutation{Key: []byte(e.key), Value: e.val, Delete: e.del})
	}
	return muts
}

// mergeIter overlays a transaction's buffered writes on a snapshot iterator:
// buffered values win on equal keys, tombstones and range deletions hide.
// Key and Value are valid until the next call to Next, as Pebble's are.
type mergeIter struct {
	writes []wentry // sorted, already restricted to the bounds
	ranges []keyRange
	snap   KVIter

	wi        int
	snapValid bool
	snapKey   []byte
	started   bool
	// snapLent is set while key and val are the snapshot iterator's own
	// buffers, which stay valid only until it moves: the next call to Next
	// advances it first. Lending them saves a copy of every row a scan
	// reads (a 784-d vector row is 3 KiB).
	snapLent bool

	key, val []byte
	err      error
}

func newMergeIter(ws *writeSet, snap KVIter, lo, hi []byte) *mergeIter {
	all := ws.sortedEntries()
	start := sort.Search(len(all), func(i int) bool { return all[i].key >= string(lo) })
	end := len(all)
	if hi != nil {
		end = sort.Search(len(all), func(i int) bool { return all[i].key >= string(hi) })
	}
	if end < start {
		end = start
	}
	return &mergeIter{
		writes: all[start:end],
		ranges: append([]keyRange(nil), ws.ranges...),
		snap:   snap,
	}
}

func (m *mergeIter) advanceSnap() {
	m.snapValid = m.snap.Next()
	if m.snapValid {
		m.snapKey = m.snap.Key()
	} else if err := m.snap.Err(); err != nil {
		m.err = err
	}
}

func (m *mergeIter) deleted(k []byte) bool {
	for _, r := range m.ranges {
		if r.contains(string(k)) {
			return true
		}
	}
	return false
}

// Next implements KVIter.
func (m *mergeIter) Next() bool {
	if m.err != nil {
		return false
	}
	if !m.started {
		m.started = true
		m.advanceSnap()
	}
	if m.snapLent {
		m.snapLent = false
		m.advanceSnap()
	}
	for {
		if m.err != nil {
			return false
		}
		hasW := m.wi < len(m.writes)
		if !hasW && !m.snapValid {
			return false
		}
		var c int
		switch {
		case !hasW:
			c = 1
		case !m.snapValid:
			c = -1
		default:
			c = bytes.Compare([]byte(m.writes[m.wi].key), m.snapKey)
		}
		if c <= 0 {
			w := m.writes[m.wi]
			m.wi++
			if c == 0 {
				m.advanceSnap()
			}
			if w.del {
				continue
			}
			m.key, m.val = []byte(w.key), w.val
			return true
		}
		if m.deleted(m.snapKey) {
			m.advanceSnap()
			continue
		}
		m.key, m.val = m.snapKey, m.snap.Value()
		m.snapLent = true
		return true
	}
}

// Key implements KVIter.
func (m *mergeIter) Key() []byte { return m.key }

// Value implements KVIter.
func (m *mergeIter) Value() []byte { return m.val }

// Err implements KVIter.
func (m *mergeIter) Err() error { return m.err }

// Close implements KVIter.
func (m *mergeIter) Close() error { return m.snap.Close() }
