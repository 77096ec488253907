package vecindex

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// refSums is the plain sequential reference, in float64 so that it is more
// accurate than any float32 variant under test; abs* are Σ|term|, the scale
// float32 rounding errors are proportional to.
type refSums struct {
	l2, ip, l1, dot, na, nb float64
	absIP                   float64
}

func reference(a, b []float32) refSums {
	var r refSums
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		d := x - y
		r.l2 += d * d
		r.ip += x * y
		r.absIP += math.Abs(x * y)
		r.l1 += math.Abs(d)
		r.na += x * x
		r.nb += y * y
	}
	r.dot = r.ip
	return r
}

// tolerance is the allowed absolute error for a float32 sum of n terms
// whose absolute values add up to scale: 1e-6 per term of relative error,
// tighter than the 1e-5·n the brief allows and still well above the
// float32 bound (about n·6e-8).
func tolerance(n int, scale float64) float64 {
	return 1e-6*float64(n+1)*scale + 1e-30
}

func near(got float32, want float64, n int, scale float64) bool {
	return math.Abs(float64(got)-want) <= tolerance(n, scale)
}

// checkVariants asserts that every available kernel set agrees with the
// reference on a and b (same length).
func checkVariants(t *testing.T, a, b []float32) {
	t.Helper()
	n := len(a)
	r := reference(a, b)
	for _, ks := range availableKernels() {
		if got := ks.l2(a, b); !near(got, r.l2, n, r.l2) {
			t.Errorf("%s l2 n=%d: got %g want %g", ks.name, n, got, r.l2)
		}
		if got := ks.ip(a, b); !near(got, r.ip, n, r.absIP) {
			t.Errorf("%s ip n=%d: got %g want %g", ks.name, n, got, r.ip)
		}
		if got := ks.l1(a, b); !near(got, r.l1, n, r.l1) {
			t.Errorf("%s l1 n=%d: got %g want %g", ks.name, n, got, r.l1)
		}
		dot, na, nb := ks.cos(a, b)
		if !near(dot, r.dot, n, r.absIP) || !near(na, r.na, n, r.na) || !near(nb, r.nb, n, r.nb) {
			t.Errorf("%s cos n=%d: got (%g,%g,%g) want (%g,%g,%g)", ks.name, n, dot, na, nb, r.dot, r.na, r.nb)
		}
		got, want := cosineFinish(dot, na, nb), cosineFinish(float32(r.dot), float32(r.na), float32(r.nb))
		if math.IsNaN(got) != math.IsNaN(want) || math.Abs(got-want) > 4e-6*float64(n+1) {
			t.Errorf("%s cosine distance n=%d: got %g want %g", ks.name, n, got, want)
		}
	}
}

func checkVariantsHalf(t *testing.T, a, b []uint16) {
	t.Helper()
	fa, fb := make([]float32, len(a)), make([]float32, len(b))
	for i := range a {
		fa[i], fb[i] = Float16ToFloat32(a[i]), Float16ToFloat32(b[i])
	}
	n := len(a)
	r := reference(fa, fb)
	for _, ks := range availableKernels() {
		if got := ks.l2Half(a, b); !near(got, r.l2, n, r.l2) {
			t.Errorf("%s l2Half n=%d: got %g want %g", ks.name, n, got, r.l2)
		}
		if got := ks.ipHalf(a, b); !near(got, r.ip, n, r.absIP) {
			t.Errorf("%s ipHalf n=%d: got %g want %g", ks.name, n, got, r.ip)
		}
		if got := ks.l1Half(a, b); !near(got, r.l1, n, r.l1) {
			t.Errorf("%s l1Half n=%d: got %g want %g", ks.name, n, got, r.l1)
		}
		dot, na, nb := ks.cosHal(a, b)
		if !near(dot, r.dot, n, r.absIP) || !near(na, r.na, n, r.na) || !near(nb, r.nb, n, r.nb) {
			t.Errorf("%s cosHalf n=%d: got (%g,%g,%g) want (%g,%g,%g)", ks.name, n, dot, na, nb, r.dot, r.na, r.nb)
		}
	}
}

func TestKernelSelection(t *testing.T) {
	sets := availableKernels()
	if sets[0].name != "go" {
		t.Fatalf("first set is %q, want the portable go set", sets[0].name)
	}
	if KernelName() != sets[len(sets)-1].name {
		t.Fatalf("KernelName() = %q, want the widest available %q", KernelName(), sets[len(sets)-1].name)
	}
	names := ""
	for _, s := range sets {
		names += " " + s.name
	}
	t.Logf("available:%s; active: %s", names, KernelName())
}

func TestKernelsExact(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name       string
		a, b       []float32
		l2, ip, l1 float32
		cos        float64
	}{
		{"empty", nil, nil, 0, 0, 0, nan},
		{"pgvector l2", []float32{1, 2, 3}, []float32{4, 5, 6}, 27, 32, 9, 1 - 32/math.Sqrt(14*77)},
		{"inner product", []float32{1, 2}, []float32{3, 4}, 8, 11, 4, 1 - 11/math.Sqrt(5*25)},
		{"zero vector", []float32{0, 0}, []float32{1, 2}, 5, 0, 3, nan},
		{"both zero", []float32{0, 0, 0}, []float32{0, 0, 0}, 0, 0, 0, nan},
		{"same direction", []float32{1, 1}, []float32{2, 2}, 2, 4, 2, 0},
		{"opposite", []float32{1, 1}, []float32{-1, -1}, 8, -2, 4, 2},
		{"orthogonal", []float32{1, 0}, []float32{0, 1}, 2, 0, 2, 1},
		// 17 ones vs 17 zeros exercises a full 16-lane vector plus a tail.
		{"17 dims", fill(17, 1), fill(17, 0), 17, 0, 17, nan},
		{"70 dims", fill(70, 2), fill(70, 1), 70, 140, 70, 0},
	}
	for _, tc := range tests {
		for _, ks := range availableKernels() {
			t.Run(tc.name+"/"+ks.name, func(t *testing.T) {
				if got := ks.l2(tc.a, tc.b); got != tc.l2 {
					t.Errorf("l2 = %v, want %v", got, tc.l2)
				}
				if got := ks.ip(tc.a, tc.b); got != tc.ip {
					t.Errorf("ip = %v, want %v", got, tc.ip)
				}
				if got := ks.l1(tc.a, tc.b); got != tc.l1 {
					t.Errorf("l1 = %v, want %v", got, tc.l1)
				}
				got := cosineFinish(ks.cos(tc.a, tc.b))
				if math.IsNaN(tc.cos) != math.IsNaN(got) || (!math.IsNaN(got) && math.Abs(got-tc.cos) > 1e-15) {
					t.Errorf("cosine = %v, want %v", got, tc.cos)
				}
				ha, hb := toHalf(tc.a), toHalf(tc.b)
				if got := ks.l2Half(ha, hb); got != tc.l2 {
					t.Errorf("l2Half = %v, want %v", got, tc.l2)
				}
				if got := ks.ipHalf(ha, hb); got != tc.ip {
					t.Errorf("ipHalf = %v, want %v", got, tc.ip)
				}
				if got := ks.l1Half(ha, hb); got != tc.l1 {
					t.Errorf("l1Half = %v, want %v", got, tc.l1)
				}
				got = cosineFinish(ks.cosHal(ha, hb))
				if math.IsNaN(tc.cos) != math.IsNaN(got) || (!math.IsNaN(got) && math.Abs(got-tc.cos) > 1e-15) {
					t.Errorf("cosineHalf = %v, want %v", got, tc.cos)
				}
			})
		}
	}
}

// TestExported checks the exported entry points (active set) including the
// mismatched-length guard.
func TestExported(t *testing.T) {
	a, b := []float32{1, 2, 3}, []float32{4, 5, 6}
	ha, hb := toHalf(a), toHalf(b)
	if got := L2Squared(a, b); got != 27 {
		t.Errorf("L2Squared = %v", got)
	}
	if got := InnerProduct([]float32{1, 2}, []float32{3, 4}); got != 11 {
		t.Errorf("InnerProduct = %v", got)
	}
	if got := L1Distance(a, b); got != 9 {
		t.Errorf("L1Distance = %v", got)
	}
	if got := CosineDistance([]float32{0, 0}, []float32{3, 4}); !math.IsNaN(got) {
		t.Errorf("CosineDistance(zero) = %v, want NaN", got)
	}
	if got := CosineDistance([]float32{1, 2}, []float32{2, 4}); got != 0 {
		t.Errorf("CosineDistance(parallel) = %v, want 0 (clamped)", got)
	}
	if got := L2SquaredHalf(ha, hb); got != 27 {
		t.Errorf("L2SquaredHalf = %v", got)
	}
	if got := InnerProductHalf(ha, hb); got != 32 {
		t.Errorf("InnerProductHalf = %v", got)
	}
	if got := L1DistanceHalf(ha, hb); got != 9 {
		t.Errorf("L1DistanceHalf = %v", got)
	}
	if got := CosineDistanceHalf(toHalf([]float32{0, 0}), hb[:2]); !math.IsNaN(got) {
		t.Errorf("CosineDistanceHalf(zero) = %v, want NaN", got)
	}
	// Different lengths: the common prefix, never a read past the end.
	if got := L2Squared(a, b[:2]); got != 18 {
		t.Errorf("L2Squared(short b) = %v, want 18", got)
	}
	if got := InnerProductHalf(ha[:1], hb); got != 4 {
		t.Errorf("InnerProductHalf(short a) = %v, want 4", got)
	}
}

// TestKernelsProperty compares every variant with the reference for every
// length 0..300 and four misalignments of each operand.
func TestKernelsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 300; n++ {
		bufA, bufB := make([]float32, n+4), make([]float32, n+4)
		for i := range bufA {
			bufA[i] = float32(rng.NormFloat64() * 10)
			bufB[i] = float32(rng.NormFloat64() * 10)
		}
		for off := 0; off < 4; off++ {
			a, b := bufA[off:off+n], bufB[3-off:3-off+n]
			checkVariants(t, a, b)
			checkVariantsHalf(t, toHalf(a), toHalf(b))
		}
		if t.Failed() {
			t.Fatalf("stopping at n=%d", n)
		}
	}
}

// FuzzKernels checks that all variants agree with the reference on
// arbitrary data: the bytes become float32s (bounded, so sums stay finite)
// and raw half bits (Inf/NaN patterns made finite), with an arbitrary
// misalignment.
func FuzzKernels(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, uint8(0))
	f.Add(make([]byte, 4*37), uint8(3))
	seed := make([]byte, 4*300)
	for i := range seed {
		seed[i] = byte(i * 7)
	}
	f.Add(seed, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, shift uint8) {
		n := len(data) / 4
		if n > 1024 {
			n = 1024
		}
		off := int(shift % 4)
		fa, fb := make([]float32, n+off), make([]float32, n+off)
		ha, hb := make([]uint16, n+off), make([]uint16, n+off)
		for i := 0; i < n; i++ {
			x := binary.LittleEndian.Uint16(data[4*i:])
			y := binary.LittleEndian.Uint16(data[4*i+2:])
			fa[off+i] = float32(int16(x)) / 64
			fb[off+i] = float32(int16(y)) / 64
			ha[off+i], hb[off+i] = finiteHalf(x), finiteHalf(y)
		}
		checkVariants(t, fa[off:], fb[off:])
		checkVariantsHalf(t, ha[off:], hb[off:])
	})
}

// finiteHalf maps Inf/NaN bit patterns to the largest finite exponent.
func finiteHalf(h uint16) uint16 {
	if h&0x7c00 == 0x7c00 {
		h &^= 0x0400
	}
	return h
}

func fill(n int, v float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func toHalf(f []float32) []uint16 {
	h := make([]uint16, len(f))
	for i, x := range f {
		h[i] = Float32ToFloat16(x)
	}
	return h
}

func TestFloat16Conversions(t *testing.T) {
	tests := []struct {
		f float32
		h uint16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.5, 0x3800},
		{65504, 0x7bff},                             // largest finite half
		{65519.99, 0x7bff},                          // just below the rounding midpoint
		{65520, 0x7c00},                             // midpoint rounds to even: overflow to +Inf
		{-1e10, 0xfc00},                             // overflow to -Inf
		{float32(math.Inf(1)), 0x7c00},              // Inf stays Inf
		{0x1p-24, 0x0001},                           // smallest subnormal
		{0x1p-25, 0x0000},                           // exact midpoint to 0: even is 0
		{0x1.8p-25, 0x0001},                         // above the midpoint
		{0x1p-14, 0x0400},                           // smallest normal
		{0.1, 0x2e66},                               // inexact, rounds down
		{1 + 0x1p-11, 0x3c00},                       // tie between 1 and next: even (1)
		{1 + 3*0x1p-11, 0x3c02},                     // tie: even (up)
		{math.Float32frombits(0x7fc00000), 0x7e00},  // quiet NaN
		{math.Float32frombits(0xffc02000), 0xfe01},  // payload truncated, sign kept
		{math.Float32frombits(0x7f802000), 0x7e01},  // signalling NaN quieted
		{float32(math.SmallestNonzeroFloat32), 0x0}, // underflow
	}
	for _, tc := range tests {
		if got := Float32ToFloat16(tc.f); got != tc.h {
			t.Errorf("Float32ToFloat16(%g) = %#04x, want %#04x", tc.f, got, tc.h)
		}
	}
	// Widening is exact: every finite half round-trips, NaNs stay NaN.
	for h := 0; h < 1<<16; h++ {
		f := Float16ToFloat32(uint16(h))
		if f != f {
			if h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
				t.Fatalf("Float16ToFloat32(%#04x) = NaN for a non-NaN", h)
			}
			continue
		}
		if back := Float32ToFloat16(f); back != uint16(h) {
			t.Fatalf("half %#04x -> %g -> %#04x", h, f, back)
		}
	}
	for _, c := range []struct {
		h uint16
		f float32
	}{{0x0001, 0x1p-24}, {0x03ff, 0x3ffp-24}, {0x7bff, 65504}, {0xfc00, float32(math.Inf(-1))}, {0x3555, 0x1.554p-2}} {
		if got := Float16ToFloat32(c.h); got != c.f {
			t.Errorf("Float16ToFloat32(%#04x) = %g, want %g", c.h, got, c.f)
		}
	}
}

func ExampleL2Squared() {
	fmt.Println(L2Squared([]float32{1, 2, 3}, []float32{4, 5, 6}))
	fmt.Println(InnerProduct([]float32{1, 2}, []float32{3, 4}))
	fmt.Println(CosineDistance([]float32{0, 0}, []float32{1, 1}))
	// Output:
	// 27
	// 11
	// NaN
}
