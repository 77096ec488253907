package vecindex

import (
	"math"
	"testing"
)

// TestFloat16MatchesF16C checks the Go conversions against the F16C
// instructions pgvector uses when built with them: every half, and a
// strided sweep over all float32 bit patterns plus their neighbours of the
// rounding boundaries.
func TestFloat16MatchesF16C(t *testing.T) {
	if !hasF16C {
		t.Skip("CPU without F16C")
	}
	for h := 0; h < 1<<16; h++ {
		want, got := f16cToFloat32(uint16(h)), Float16ToFloat32(uint16(h))
		if math.Float32bits(want) != math.Float32bits(got) {
			t.Fatalf("Float16ToFloat32(%#04x) = %#08x, F16C %#08x", h, math.Float32bits(got), math.Float32bits(want))
		}
	}
	check := func(bits uint32) {
		f := math.Float32frombits(bits)
		if got, want := Float32ToFloat16(f), f16cFromFloat32(f); got != want {
			t.Fatalf("Float32ToFloat16(%#08x) = %#04x, F16C %#04x", bits, got, want)
		}
	}
	step := uint32(1)
	if testing.Short() {
		step = 4099
	} else {
		step = 251
	}
	for bits := uint64(0); bits < 1<<32; bits += uint64(step) {
		check(uint32(bits))
	}
	// Around every half's rounding midpoints: the half's float32 value with
	// its 13 dropped mantissa bits at 0x0fff, 0x1000 and 0x1001.
	for h := uint32(0); h < 1<<15; h++ {
		base := math.Float32bits(Float16ToFloat32(uint16(h)))
		for _, d := range []uint32{0x0fff, 0x1000, 0x1001, 0x1fff} {
			check(base + d)
			check((base + d) | 0x80000000)
		}
	}
}
