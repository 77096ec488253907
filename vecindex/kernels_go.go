package vecindex

// Portable kernels. A float32 sum is bound by the add latency (about 4
// cycles), so the loops keep independent accumulators: 8 for the
// single-sum kernels, 2×3 for cosine, 4 for the half kernels (whose
// conversions already overlap). Remainders go into the first accumulator;
// accumulators are combined pairwise at the end. Below one unrolled block
// this is a plain sequential sum, as in pgvector.
//
// Each kernel reslices b to len(a), and the float32 loops take
// full-slice expressions of the block length, so the compiler can prove
// the indexes in range and drop the bounds checks.

func l2Go(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		x, y := a[i:i+8:i+8], b[i:i+8:i+8]
		s0 += sq(x[0] - y[0])
		s1 += sq(x[1] - y[1])
		s2 += sq(x[2] - y[2])
		s3 += sq(x[3] - y[3])
		s4 += sq(x[4] - y[4])
		s5 += sq(x[5] - y[5])
		s6 += sq(x[6] - y[6])
		s7 += sq(x[7] - y[7])
	}
	for ; i < len(a); i++ {
		s0 += sq(a[i] - b[i])
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

func ipGo(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		x, y := a[i:i+8:i+8], b[i:i+8:i+8]
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
		s4 += x[4] * y[4]
		s5 += x[5] * y[5]
		s6 += x[6] * y[6]
		s7 += x[7] * y[7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

func l1Go(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		x, y := a[i:i+8:i+8], b[i:i+8:i+8]
		s0 += abs32(x[0] - y[0])
		s1 += abs32(x[1] - y[1])
		s2 += abs32(x[2] - y[2])
		s3 += abs32(x[3] - y[3])
		s4 += abs32(x[4] - y[4])
		s5 += abs32(x[5] - y[5])
		s6 += abs32(x[6] - y[6])
		s7 += abs32(x[7] - y[7])
	}
	for ; i < len(a); i++ {
		s0 += abs32(a[i] - b[i])
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

func cosGo(a, b []float32) (dot, na, nb float32) {
	b = b[:len(a)]
	var d0, d1, a0, a1, b0, b1 float32
	i := 0
	for ; i+2 <= len(a); i += 2 {
		x0, y0 := a[i], b[i]
		x1, y1 := a[i+1], b[i+1]
		d0 += x0 * y0
		d1 += x1 * y1
		a0 += x0 * x0
		a1 += x1 * x1
		b0 += y0 * y0
		b1 += y1 * y1
	}
	for ; i < len(a); i++ {
		x, y := a[i], b[i]
		d0 += x * y
		a0 += x * x
		b0 += y * y
	}
	return d0 + d1, a0 + a1, b0 + b1
}

func l2HalfGo(a, b []uint16) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := Float16ToFloat32(a[i]) - Float16ToFloat32(b[i])
		d1 := Float16ToFloat32(a[i+1]) - Float16ToFloat32(b[i+1])
		d2 := Float16ToFloat32(a[i+2]) - Float16ToFloat32(b[i+2])
		d3 := Float16ToFloat32(a[i+3]) - Float16ToFloat32(b[i+3])
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := Float16ToFloat32(a[i]) - Float16ToFloat32(b[i])
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

func ipHalfGo(a, b []uint16) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += Float16ToFloat32(a[i]) * Float16ToFloat32(b[i])
		s1 += Float16ToFloat32(a[i+1]) * Float16ToFloat32(b[i+1])
		s2 += Float16ToFloat32(a[i+2]) * Float16ToFloat32(b[i+2])
		s3 += Float16ToFloat32(a[i+3]) * Float16ToFloat32(b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += Float16ToFloat32(a[i]) * Float16ToFloat32(b[i])
	}
	return (s0 + s1) + (s2 + s3)
}

func l1HalfGo(a, b []uint16) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += abs32(Float16ToFloat32(a[i]) - Float16ToFloat32(b[i]))
		s1 += abs32(Float16ToFloat32(a[i+1]) - Float16ToFloat32(b[i+1]))
		s2 += abs32(Float16ToFloat32(a[i+2]) - Float16ToFloat32(b[i+2]))
		s3 += abs32(Float16ToFloat32(a[i+3]) - Float16ToFloat32(b[i+3]))
	}
	for ; i < len(a); i++ {
		s0 += abs32(Float16ToFloat32(a[i]) - Float16ToFloat32(b[i]))
	}
	return (s0 + s1) + (s2 + s3)
}

func cosHalfGo(a, b []uint16) (dot, na, nb float32) {
	b = b[:len(a)]
	var d0, d1, a0, a1, b0, b1 float32
	i := 0
	for ; i+2 <= len(a); i += 2 {
		x0, y0 := Float16ToFloat32(a[i]), Float16ToFloat32(b[i])
		x1, y1 := Float16ToFloat32(a[i+1]), Float16ToFloat32(b[i+1])
		d0 += x0 * y0
		d1 += x1 * y1
		a0 += x0 * x0
		a1 += x1 * x1
		b0 += y0 * y0
		b1 += y1 * y1
	}
	for ; i < len(a); i++ {
		x, y := Float16ToFloat32(a[i]), Float16ToFloat32(b[i])
		d0 += x * y
		a0 += x * x
		b0 += y * y
	}
	return d0 + d1, a0 + a1, b0 + b1
}

// sq is x², kept as a function so the unrolled lines stay one expression.
func sq(x float32) float32 { return x * x }

// abs32 clears the sign bit; math.Abs would round-trip through float64.
func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
