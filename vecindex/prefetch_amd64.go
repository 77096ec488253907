package vecindex

// prefetch asks the CPU to start loading the vector at p (hnswlib's
// _mm_prefetch): searchLayer issues it for every unvisited neighbour before
// computing any of their distances, so the misses overlap instead of each
// stalling a distance computation. Go has no prefetch intrinsic, hence the
// two-instruction assembly function.
//
//go:noescape
func prefetch(p *float32)
