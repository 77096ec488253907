//go:build !cgo

package cref

// Available reports whether the C reference was compiled in (it needs cgo).
const Available = false

// L2SquaredLoop is a stub without cgo; the benchmarks skip the C reference
// when Available is false.
func L2SquaredLoop(a, b []float32, reps int) float32 { return 0 }
