package vecindex

import "unsafe"

// prefetch asks the CPU to start loading the vector at p (hnswlib's
// _mm_prefetch): the searches issue it for every unvisited neighbour before
// computing any of their distances, so the misses overlap instead of each
// stalling a distance computation. Go has no prefetch intrinsic, hence the
// two-instruction assembly function.
//
//go:noescape
func prefetch(p *float32)

// prefetchLines hints the n 64-byte cache lines starting at p into all
// cache levels: a whole vector, fetched while the previous one's distance
// is computed.
//
//go:noescape
func prefetchLines(p unsafe.Pointer, n int)
