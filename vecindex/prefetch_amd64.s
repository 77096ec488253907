#include "textflag.h"

// func prefetch(p *float32)
// Hints the first two cache lines at p into all cache levels; the hardware
// streamer picks up the rest of a vector once its start is in flight.
TEXT ·prefetch(SB), NOSPLIT, $0-8
	MOVQ p+0(FP), AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	RET
