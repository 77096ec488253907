package knn

import (
	"math/rand/v2"
	"testing"
)

func l2(a, b []float32) float32 {
	var s float32
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

// TestExactAgreesWithOne checks the blocked, parallel search against the
// plain one, the cache round trip and recall.
func TestExactAgreesWithOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func(n int) [][]float32 {
		out := make([][]float32, n)
		for i := range out {
			out[i] = []float32{float32(rng.IntN(50)), float32(rng.IntN(50)), float32(rng.IntN(50))}
		}
		return out
	}
	base, queries := gen(5000), gen(37)
	const k = 7
	gt := Exact(base, queries, k, l2)
	for q := range queries {
		one := One(base, queries[q], k, l2)
		for i := range one {
			if one[i] != gt[q*k+i] {
				t.Fatalf("query %d: Exact %v, One %v", q, gt[q*k:(q+1)*k], one)
			}
		}
	}
	t.Setenv("TMPDIR", t.TempDir())
	for range 2 { // computed, then read back
		cached, err := Cached("test", base, queries, k, l2)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]uint64, len(cached))
		for i, id := range cached {
			got[i] = uint64(id)
		}
		if r := Recall(got, gt, k); r != 1 {
			t.Fatalf("recall of the cached truth against the computed one: %v", r)
		}
	}
	half := make([]uint64, len(gt))
	for i := range half {
		half[i] = uint64(gt[i])
		if i%k >= k/2+1 {
			half[i] = 1 << 40 // not an id
		}
	}
	if r, want := Recall(half, gt, k), float64(k/2+1)/k; r != want {
		t.Errorf("recall = %v, want %v", r, want)
	}
}
