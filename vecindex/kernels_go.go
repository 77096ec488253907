package vecindex

// Portable kernels, unrolled by 4 with independent accumulators so the
// compiler can overlap the floating-point latencies. Remainders go into the
// first accumulator; the four are combined pairwise at the end. Below 4
// elements this is a plain sequential sum, as in pgvector.
//
// Each kernel reslices b to len(a) once so the compiler drops the bounds
// checks inside the loops.

func l2Go(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := a[i] - b[i]
		d1 := a[i+1] - b[i+1]
		d2 := a[i+2] - b[i+2]
		d3 := a[i+3] - b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

func ipGo(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func l1Go(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += abs32(a[i] - b[i])
		s1 += abs32(a[i+1] - b[i+1])
		s2 += abs32(a[i+2] - b[i+2])
		s3 += abs32(a[i+3] - b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += abs32(a[i] - b[i])
	}
	return (s0 + s1) + (s2 + s3)
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

// abs32 clears the sign bit; math.Abs would round-trip through float64.
func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
