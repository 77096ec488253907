package vecindex

import "math"

// Float16ToFloat32 widens IEEE binary16 bits to float32 exactly (every half
// is representable), as pgvector's HalfToFloat4: subnormals are normalised,
// infinities kept, NaNs quieted with their payload.
func Float16ToFloat32(h uint16) float32 {
	// Normal numbers take the short path, small enough to inline into the
	// portable half kernels; zero, subnormals, Inf and NaN take the rest.
	if exp := h & 0x7c00; exp != 0 && exp != 0x7c00 {
		return math.Float32frombits(uint32(h&0x8000)<<16 | (uint32(h&0x7fff)+(127-15)<<10)<<13)
	}
	return float16Special(h)
}

// float16Special widens zero, subnormal, infinite and NaN halves.
func float16Special(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h & 0x3ff)
	if exp == 0x1f {
		if man == 0 {
			return math.Float32frombits(sign | 0x7f800000)
		}
		return math.Float32frombits(sign | 0x7fc00000 | man<<13)
	}
	if man == 0 {
		return math.Float32frombits(sign)
	}
	// Subnormal: shift the leading 1 into the implicit bit.
	e := uint32(127 - 14)
	for man&0x400 == 0 {
		man <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (man&0x3ff)<<13)
}

// Float32ToFloat16 narrows a float32 to IEEE binary16 bits, rounding to
// nearest even; values beyond the half range become ±Inf and NaN stays NaN.
// It is pgvector's Float4ToHalfUnchecked (software branch, which matches
// F16C's VCVTPS2PH with rounding mode 0); range errors are the caller's.
func Float32ToFloat16(f float32) uint16 {
	bin := math.Float32bits(f)
	exponent := int32(bin&0x7f800000) >> 23
	mantissa := int32(bin & 0x007fffff)
	result := uint16((bin & 0x80000000) >> 16)

	switch {
	case math.IsInf(float64(f), 0):
		result |= 0x7c00
	case f != f: // NaN
		result |= 0x7e00
		result |= uint16(mantissa >> 13)
	case exponent > 98:
		exponent -= 127
		s := mantissa & 0x00000fff
		if exponent < -14 {
			// Subnormal: make the implicit bit explicit and shift it down,
			// keeping every shifted-out bit in the sticky s.
			diff := -exponent - 14
			mantissa >>= diff
			mantissa += 1 << (23 - diff)
			s |= mantissa & 0x00000fff
		}
		m := mantissa >> 13
		// Round half to even from the guard and round bits plus sticky.
		gr := (mantissa >> 12) % 4
		if gr == 3 || (gr == 1 && s != 0) {
			m++
		}
		if m == 1024 {
			m = 0
			exponent++
		}
		if exponent > 15 {
			result |= 0x7c00
		} else {
			if exponent >= -14 {
				result |= uint16((exponent + 15) << 10)
			}
			result |= uint16(m)
		}
	}
	return result
}
