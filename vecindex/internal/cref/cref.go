//go:build cgo

// Package cref is the C reference for vecindex's benchmarks: pgvector's
// float32 L2 loop compiled by gcc with -O3 -march=native (plus the
// reassociation flags pgvector's Makefile adds, -fassociative-math
// -fno-signed-zeros -fno-trapping-math, without which gcc cannot vectorise
// a float reduction at all). It exists only because cgo is not
// allowed in _test.go files; nothing outside the benchmarks imports it.
package cref

/*
#cgo CFLAGS: -O3 -march=native

// pgvector's VectorL2SquaredDistance, verbatim in its arithmetic, with the
// flags pgvector's Makefile adds (cgo only allows them as an attribute).
// noinline keeps it a real call per distance, like the Go kernels.
__attribute__((noinline, optimize("associative-math", "no-signed-zeros", "no-trapping-math"))) static float
l2_squared(int dim, const float *ax, const float *bx)
{
	float distance = 0.0;

	for (int i = 0; i < dim; i++)
	{
		float diff = ax[i] - bx[i];

		distance += diff * diff;
	}
	return distance;
}

// l2_squared_loop computes the distance reps times in one cgo call so the
// call overhead (tens of ns) is amortised. The empty asm with a memory
// clobber stops gcc from hoisting the loop-invariant distance out.
static float
l2_squared_loop(int dim, const float *ax, const float *bx, long reps)
{
	float sum = 0;

	for (long r = 0; r < reps; r++)
	{
		sum += l2_squared(dim, ax, bx);
		__asm__ volatile("" ::: "memory");
	}
	return sum;
}
*/
import "C"

import "unsafe"

// Available reports whether the C reference was compiled in (it needs cgo).
const Available = true

// L2SquaredLoop returns the sum of reps evaluations of the squared L2
// distance between a and b[:len(a)], computed in C. It returns 0 for empty
// input or reps < 1 and never reads past either slice.
func L2SquaredLoop(a, b []float32, reps int) float32 {
	n := min(len(a), len(b))
	if n == 0 || reps < 1 {
		return 0
	}
	return float32(C.l2_squared_loop(C.int(n), (*C.float)(unsafe.Pointer(&a[0])),
		(*C.float)(unsafe.Pointer(&b[0])), C.long(reps)))
}
