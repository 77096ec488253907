package sql

import "math"

// IEEE 754 binary16 helpers for halfvec, matching pgvector's halfutils.h
// (F16C conversions: round to nearest, ties to even).

const (
	halfInf     uint16 = 0x7c00
	halfExpMask uint16 = 0x7c00
	halfManMask uint16 = 0x03ff
)

// halfToFloat32 is HalfToFloat4; every binary16 value is exact in float32.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h & halfManMask)
	switch exp {
	case 0:
		if man == 0 {
			return math.Float32frombits(sign)
		}
		f := float32(man) / (1 << 24) // subnormal: man × 2^-24, exact
		if sign != 0 {
			f = -f
		}
		return f
	case 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	}
	return math.Float32frombits(sign | (exp+112)<<23 | man<<13)
}

// float32ToHalf is Float4ToHalfUnchecked: too large values become
// infinity, NaN stays NaN.
func float32ToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int((b >> 23) & 0xff)
	man := b & 0x7fffff
	if exp == 0xff {
		if man != 0 {
			return sign | 0x7e00
		}
		return sign | halfInf
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | halfInf
	}
	if e >= 1 {
		h := uint32(e)<<10 | man>>13
		rem := man & 0x1fff
		if rem > 0x1000 || (rem == 0x1000 && h&1 == 1) {
			h++ // a carry into the exponent is the right rounding, up to infinity
		}
		if h >= uint32(halfInf) {
			return sign | halfInf
		}
		return sign | uint16(h)
	}
	// Subnormal result: the value in units of 2^-24.
	shift := uint(126 - exp)
	if shift > 24 {
		return sign
	}
	full := man | 0x800000
	h := full >> shift
	rem := full & (1<<shift - 1)
	half := uint32(1) << (shift - 1)
	if rem > half || (rem == half && h&1 == 1) {
		h++
	}
	return sign | uint16(h)
}

func halfIsInf(h uint16) bool  { return h&0x7fff == halfInf }
func halfIsNaN(h uint16) bool  { return h&halfExpMask == halfExpMask && h&halfManMask != 0 }
func halfIsZero(h uint16) bool { return h&0x7fff == 0 }

// float32ToHalfChecked is Float4ToHalf: a finite float that overflows
// binary16 is 22003 `"70000" is out of range for type halfvec`.
func float32ToHalfChecked(f float32) (uint16, error) {
	h := float32ToHalf(f)
	if halfIsInf(h) && !math.IsInf(float64(f), 0) {
		s := appendFloat(nil, float64(f), true, 1)
		return 0, Errorf(CodeNumericValueOutOfRange, "\"%s\" is out of range for type halfvec", s)
	}
	return h, nil
}

// checkHalfElem is halfvec's CheckElement.
func checkHalfElem(h uint16) *Error {
	if halfIsNaN(h) {
		return Errorf(CodeDataException, "NaN not allowed in halfvec")
	}
	if halfIsInf(h) {
		return Errorf(CodeDataException, "infinite value not allowed in halfvec")
	}
	return nil
}

// halfVecFromVector is vector_to_halfvec.
func halfVecFromVector(v Vector, typmod int32) (HalfVec, error) {
	if err := checkVectorDim("halfvec", len(v)); err != nil {
		return nil, err
	}
	if err := checkExpectedDim(typmod, len(v)); err != nil {
		return nil, err
	}
	out := make(HalfVec, len(v))
	for i, f := range v {
		h, err := float32ToHalfChecked(f)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

// vectorFromHalfVec is halfvec_to_vector.
func vectorFromHalfVec(h HalfVec, typmod int32) (Vector, error) {
	if err := checkVectorDim("vector", len(h)); err != nil {
		return nil, err
	}
	if err := checkExpectedDim(typmod, len(h)); err != nil {
		return nil, err
	}
	out := make(Vector, len(h))
	for i, x := range h {
		out[i] = halfToFloat32(x)
	}
	return out, nil
}

// halfVecArith is halfvec_add/sub/mul without FLT16_SUPPORT (x86-64
// builds): float arithmetic, then rounded to half; overflow is checked on
// the result and, for *, underflow to zero of non-zero factors.
func halfVecArith(op byte, a, b HalfVec) (HalfVec, error) {
	if len(a) != len(b) {
		return nil, vectorDimsMismatch("halfvec", len(a), len(b))
	}
	out := make(HalfVec, len(a))
	for i := range a {
		x, y := halfToFloat32(a[i]), halfToFloat32(b[i])
		var r float32
		switch op {
		case '+':
			r = x + y
		case '-':
			r = x - y
		default:
			r = x * y
		}
		out[i] = float32ToHalf(r)
	}
	for i := range out {
		if halfIsInf(out[i]) {
			return nil, floatOverflow()
		}
		if op == '*' && halfIsZero(out[i]) && !(halfIsZero(a[i]) || halfIsZero(b[i])) {
			return nil, floatUnderflow()
		}
	}
	return out, nil
}

// halfVecNorm is halfvec_l2_norm: accumulated in double.
func halfVecNorm(a HalfVec) float64 {
	var n float64
	for _, h := range a {
		x := float64(halfToFloat32(h))
		n += x * x
	}
	return math.Sqrt(n)
}

// halfVecNormalize is halfvec_l2_normalize: a zero vector stays zero.
func halfVecNormalize(a HalfVec) (HalfVec, error) {
	norm := halfVecNorm(a)
	out := make(HalfVec, len(a))
	if norm > 0 {
		for i, h := range a {
			out[i] = float32ToHalf(float32(float64(halfToFloat32(h)) / norm))
		}
		for _, h := range out {
			if halfIsInf(h) {
				return nil, floatOverflow()
			}
		}
	}
	return out, nil
}

// HalfToFloat32 converts a halfvec element (binary16 bits) to float32,
// exactly.
func HalfToFloat32(h uint16) float32 { return halfToFloat32(h) }

// Float32ToHalf rounds f to binary16 bits (nearest, ties to even) as
// pgvector's Float4ToHalfUnchecked does; overflow gives infinity.
func Float32ToHalf(f float32) uint16 { return float32ToHalf(f) }
