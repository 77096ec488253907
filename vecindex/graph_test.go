package vecindex

import (
	"testing"
	"unsafe"
)

// TestVectorSlabs grows an index's chunk table past slabMin so chunk
// vector arrays come from huge-page slabs, and checks that every chunk's
// array has the right length and capacity (so no write can spill into a
// neighbour), is zeroed, does not overlap any other, and that the base
// table agrees with the chunk table.
func TestVectorSlabs(t *testing.T) {
	for _, dim := range []int{3, 64, 784} {
		ix, err := New(Config{Dim: dim})
		if err != nil {
			t.Fatal(err)
		}
		per := (1 << ix.shift) * dim
		chunks := 3*slabMin/(per*4) + 2
		ix.allocMu.Lock()
		ix.growTo(uint32(chunks<<ix.shift) - 1)
		ix.allocMu.Unlock()
		tab, base := *ix.chunks.Load(), *ix.bases.Load()
		if len(tab) != chunks || len(base) != chunks {
			t.Fatalf("dim %d: %d chunks, %d bases, want %d", dim, len(tab), len(base), chunks)
		}
		type span struct{ lo, hi uintptr }
		var spans []span
		for i, ch := range tab {
			if len(ch.vecs) != per || cap(ch.vecs) != per {
				t.Fatalf("dim %d chunk %d: len %d cap %d, want %d", dim, i, len(ch.vecs), cap(ch.vecs), per)
			}
			if base[i].vecs != unsafe.Pointer(&ch.vecs[0]) || base[i].links != unsafe.Pointer(&ch.links[0]) {
				t.Fatalf("dim %d chunk %d: base table disagrees with chunk", dim, i)
			}
			for _, x := range ch.vecs {
				if x != 0 {
					t.Fatalf("dim %d chunk %d: not zeroed", dim, i)
				}
			}
			lo := uintptr(unsafe.Pointer(&ch.vecs[0]))
			s := span{lo, lo + uintptr(per*4)}
			for _, o := range spans {
				if s.lo < o.hi && o.lo < s.hi {
					t.Fatalf("dim %d chunk %d overlaps another", dim, i)
				}
			}
			spans = append(spans, s)
		}
		// Vectors written through one chunk read back through vecAt.
		s := ix.getSearcher()
		for c := uint32(0); c < uint32(chunks<<ix.shift); c += 1<<ix.shift - 1 {
			v := ix.vec(s.tab, c)
			v[0], v[dim-1] = float32(c), -float32(c)
		}
		for c := uint32(0); c < uint32(chunks<<ix.shift); c += 1<<ix.shift - 1 {
			p := unsafe.Slice((*float32)(ix.vecAt(s, c)), dim)
			if p[0] != float32(c) || p[dim-1] != -float32(c) {
				t.Fatalf("dim %d slot %d: vecAt reads %v..%v", dim, c, p[0], p[dim-1])
			}
		}
		ix.putSearcher(s)
	}
}

// TestMaxHeapReplaceTop checks replaceTop keeps the k smallest of a stream,
// as the beam of a search does, against a sort of the whole stream.
func TestMaxHeapReplaceTop(t *testing.T) {
	for _, k := range []int{1, 2, 5, 16} {
		vs := randVecs(1, 500, uint64(k))[0]
		var h maxHeap
		for i, d := range vs {
			x := item{d, uint32(i)}
			switch {
			case h.len() < k:
				h.push(x)
			case d < h.top().d:
				h.replaceTop(x)
			}
		}
		got := h.drainAscending(nil)
		want := append([]float32(nil), vs...)
		sortFloats(want)
		if len(got) != k {
			t.Fatalf("k %d: kept %d", k, len(got))
		}
		for i, it := range got {
			if it.d != want[i] || vs[it.id] != it.d {
				t.Fatalf("k %d: position %d holds %v (id %d), want %v", k, i, it.d, it.id, want[i])
			}
		}
	}
}

func sortFloats(a []float32) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j-1] > a[j]; j-- {
			a[j-1], a[j] = a[j], a[j-1]
		}
	}
}
