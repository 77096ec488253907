// Package knn is the ground truth of the nearest-neighbour benchmarks:
// exact k-nearest search (cached on disk, as 10,000 × 60,000 × 784 takes
// a while on two cores) and recall. vecindex's and the server's
// benchmarks share it; it imports nothing of QuartzDB (the distance is a
// parameter), so vecindex's own tests may use it without a cycle.
package knn

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// Dist is a distance; smaller is nearer.
type Dist func(a, b []float32) float32

// top keeps the k nearest (distance, id) pairs seen, nearest first; ties
// keep the lower id, as ids arrive in ascending order.
type top struct {
	k    int
	hits []hit
}

type hit struct {
	d  float32
	id uint32
}

func (t *top) add(d float32, id uint32) {
	if len(t.hits) == t.k && d >= t.hits[t.k-1].d {
		return
	}
	j := len(t.hits)
	for j > 0 && t.hits[j-1].d > d {
		j--
	}
	t.hits = append(t.hits, hit{})
	copy(t.hits[j+1:], t.hits[j:])
	t.hits[j] = hit{d, id}
	if len(t.hits) > t.k {
		t.hits = t.hits[:t.k]
	}
}

// One returns the ids of the k vectors of base nearest to q, nearest
// first, on the calling goroutine.
func One(base [][]float32, q []float32, k int, dist Dist) []uint32 {
	t := top{k: k}
	for i, v := range base {
		t.add(dist(q, v), uint32(i))
	}
	ids := make([]uint32, len(t.hits))
	for i, h := range t.hits {
		ids[i] = h.id
	}
	return ids
}

// Exact returns the k nearest base ids of every query, query after query
// (k per query), on every core. Each worker walks the base in blocks and
// runs all its queries against a block before the next, so the base
// streams from memory once per worker instead of once per query.
func Exact(base, queries [][]float32, k int, dist Dist) []uint32 {
	out := make([]uint32, len(queries)*k)
	workers := runtime.GOMAXPROCS(0)
	const block = 2048
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []int
			for q := w; q < len(queries); q += workers {
				mine = append(mine, q)
			}
			tops := make([]top, len(mine))
			for i := range tops {
				tops[i] = top{k: k, hits: make([]hit, 0, k+1)}
			}
			for lo := 0; lo < len(base); lo += block {
				hi := min(lo+block, len(base))
				for qi, q := range mine {
					for i := lo; i < hi; i++ {
						tops[qi].add(dist(queries[q], base[i]), uint32(i))
					}
				}
			}
			for qi, q := range mine {
				for i, h := range tops[qi].hits {
					out[q*k+i] = h.id
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// Cached is Exact, kept in a file under os.TempDir named by name, the
// sizes, k and a checksum of the data, so a changed dataset never reads a
// stale answer.
func Cached(name string, base, queries [][]float32, k int, dist Dist) ([]uint32, error) {
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	var buf [4]byte
	for _, set := range [][][]float32{base, queries} {
		for _, v := range set {
			for _, x := range v {
				binary.LittleEndian.PutUint32(buf[:], math.Float32bits(x))
				h.Write(buf[:])
			}
		}
	}
	dim := 0
	if len(base) > 0 {
		dim = len(base[0])
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("quartzdb-gt-%s-%dx%d-q%d-k%d-%08x.bin",
		name, len(base), dim, len(queries), k, h.Sum32()))
	want := len(queries) * k
	if b, err := os.ReadFile(path); err == nil && len(b) == want*4 {
		gt := make([]uint32, want)
		for i := range gt {
			gt[i] = binary.LittleEndian.Uint32(b[i*4:])
		}
		return gt, nil
	}
	gt := Exact(base, queries, k, dist)
	b := make([]byte, 0, want*4)
	for _, id := range gt {
		b = binary.LittleEndian.AppendUint32(b, id)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "quartzdb-gt-*")
	if err != nil {
		return nil, fmt.Errorf("ground truth cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("ground truth cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("ground truth cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("ground truth cache: %w", err)
	}
	return gt, nil
}

// Hits counts the ids of got that are among want.
func Hits[T ~int64 | ~uint64](got []T, want []uint32) int {
	n := 0
	for _, g := range got {
		for _, w := range want {
			if uint64(g) == uint64(w) {
				n++
				break
			}
		}
	}
	return n
}

// Recall is recall@k of got against truth, both k ids per query, query
// after query.
func Recall(got []uint64, truth []uint32, k int) float64 {
	hits := 0
	for q := 0; q < len(truth)/k; q++ {
		hits += Hits(got[q*k:(q+1)*k], truth[q*k:(q+1)*k])
	}
	return float64(hits) / float64(len(truth))
}
