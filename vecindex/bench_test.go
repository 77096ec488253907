package vecindex

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/quartzdb/quartzdb/vecindex/internal/cref"
)

// sink keeps results alive so the compiler cannot drop benchmarked calls.
var sink float32

// benchVectors returns two fixed pseudo-random n-dimensional vectors shaped
// like Fashion-MNIST pixels (0..255 scaled to 0..1).
func benchVectors(n int) (a, b []float32) {
	rng := rand.New(rand.NewPCG(784, 60000))
	a, b = make([]float32, n), make([]float32, n)
	for i := range a {
		a[i] = float32(rng.IntN(256)) / 255
		b[i] = float32(rng.IntN(256)) / 255
	}
	return a, b
}

// BenchmarkL2Squared784 times one 784-d squared L2 distance per op for each
// kernel set this CPU runs and for pgvector's C loop built by gcc -O3
// -march=native, in the same run, and prints one summary line per set with
// its ratio to C (the goal is ≤ 1.2×). The C side loops b.N times inside a
// single cgo call, so its ns/op is per distance without cgo overhead.
func BenchmarkL2Squared784(b *testing.B) {
	x, y := benchVectors(784)
	var cNs float64
	b.Run("C-O3-march=native", func(b *testing.B) {
		if !cref.Available {
			b.Skip("C reference needs cgo")
		}
		b.ResetTimer()
		sink += cref.L2SquaredLoop(x, y, b.N)
		cNs = perOp(b)
	})
	for _, ks := range availableKernels() {
		var ns float64
		b.Run(ks.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink += ks.l2(x, y)
			}
			ns = perOp(b)
			if cNs > 0 {
				b.ReportMetric(ns/cNs, "x-of-C")
			}
		})
		if cNs > 0 && ns > 0 {
			// Printed rather than b.Logf: a parent benchmark's log is
			// dropped unless -v, and this line is the point of `make bench`.
			goal := ""
			if ks == active {
				goal = " (active set; goal <= 1.2x)"
			}
			fmt.Printf("l2 784d %s: %.1f ns/op, C -O3 -march=native: %.1f ns/op, ratio %.2fx%s\n",
				ks.name, ns, cNs, ns/cNs, goal)
		}
	}
}

// BenchmarkKernels784 times every kernel of every available set on 784-d
// vectors, float32 and half.
func BenchmarkKernels784(b *testing.B) {
	x, y := benchVectors(784)
	hx, hy := toHalf(x), toHalf(y)
	var dsink float64
	for _, ks := range availableKernels() {
		kernels := []struct {
			name string
			fn   func()
		}{
			{"l2", func() { sink += ks.l2(x, y) }},
			{"ip", func() { sink += ks.ip(x, y) }},
			{"l1", func() { sink += ks.l1(x, y) }},
			{"cosine", func() { dsink += cosineFinish(ks.cos(x, y)) }},
			{"l2-half", func() { sink += ks.l2Half(hx, hy) }},
			{"ip-half", func() { sink += ks.ipHalf(hx, hy) }},
			{"l1-half", func() { sink += ks.l1Half(hx, hy) }},
			{"cosine-half", func() { dsink += cosineFinish(ks.cosHal(hx, hy)) }},
		}
		for _, k := range kernels {
			b.Run(ks.name+"/"+k.name, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					k.fn()
				}
			})
		}
	}
	sink += float32(dsink)
}

// perOp is the final ns per op of a (sub-)benchmark run.
func perOp(b *testing.B) float64 {
	if b.N == 0 {
		return 0
	}
	return float64(b.Elapsed().Nanoseconds()) / float64(b.N)
}

// TestCReference checks that the benchmark's C loop computes the same
// distance as the kernels, so the comparison is like for like.
func TestCReference(t *testing.T) {
	if !cref.Available {
		t.Skip("C reference needs cgo")
	}
	x, y := benchVectors(784)
	want := reference(x, y).l2
	if got := cref.L2SquaredLoop(x, y, 3) / 3; !near(got, want, len(x), want) {
		t.Fatalf("C l2 = %g, want %g", got, want)
	}
	if got := cref.L2SquaredLoop(x, y[:0], 5); got != 0 {
		t.Fatalf("C l2 over empty = %g, want 0", got)
	}
}
