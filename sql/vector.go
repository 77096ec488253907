package sql

import (
	"math"
	"sync/atomic"
)

// pgvector's types. pgvector creates them in CREATE EXTENSION, so real
// PostgreSQL gives them whatever OID is free; QuartzDB builds them in and
// pins the OIDs so drivers (pgvector-go looks them up with to_regtype) and
// stored catalogs see stable numbers. They lie above 10000, where clients
// stop assuming a type is one of PostgreSQL's own (asyncpg refuses an
// unknown type below it), and below 16384, where QuartzDB's object IDs
// begin, in a range a PostgreSQL 15 cluster leaves unused.
const (
	OIDVector       uint32 = 16300
	OIDVectorArray  uint32 = 16301
	OIDHalfVec      uint32 = 16302
	OIDHalfVecArray uint32 = 16303
)

// VectorMaxDim is pgvector's VECTOR_MAX_DIM (and HALFVEC_MAX_DIM): the most
// dimensions a vector or halfvec value or typmod may have.
const VectorMaxDim = 16000

// Vector is a pgvector vector: float4 elements, never NaN or infinite, at
// least one and at most VectorMaxDim of them.
type Vector []float32

// HalfVec is a pgvector halfvec: IEEE 754 binary16 bit patterns, never
// NaN or infinite, at least one and at most VectorMaxDim of them.
type HalfVec []uint16

// TypeVector and TypeHalfVec are vector and halfvec without a dimension.
var (
	TypeVector  = Type{OIDVector, -1}
	TypeHalfVec = Type{OIDHalfVec, -1}
)

// VectorKernels are the distance loops behind the vector operators. The
// defaults are plain sequential loops that reproduce pgvector's float
// (float32) accumulation in index order; the planner may install faster
// ones (vecindex's SIMD kernels) with SetVectorKernels, which must agree
// with the defaults within float tolerance. Every function receives slices
// of equal length.
type VectorKernels struct {
	// L2Squared returns Σ (a[i]-b[i])², accumulated in float32.
	L2Squared func(a, b []float32) float32
	// InnerProduct returns Σ a[i]*b[i], accumulated in float32.
	InnerProduct func(a, b []float32) float32
	// L1 returns Σ |a[i]-b[i]|, accumulated in float32.
	L1 func(a, b []float32) float32
	// Cosine returns pgvector's cosine distance: 1 - dot/sqrt(|a|²·|b|²)
	// with the three sums accumulated in float32, the division in float64
	// and the similarity clamped to [-1, 1]; NaN when a norm is zero.
	Cosine func(a, b []float32) float64
	// L2SquaredHalf, InnerProductHalf, L1Half and CosineHalf are the same
	// for halfvec elements (binary16 bits), each converted to float32.
	L2SquaredHalf    func(a, b []uint16) float32
	InnerProductHalf func(a, b []uint16) float32
	L1Half           func(a, b []uint16) float32
	CosineHalf       func(a, b []uint16) float64
}

// vectorKernels holds the installed *VectorKernels; an atomic pointer so
// the planner may swap kernels while queries run.
var vectorKernels atomic.Pointer[VectorKernels]

func init() {
	k := DefaultVectorKernels()
	vectorKernels.Store(&k)
}

// DefaultVectorKernels returns the portable kernels written in Go.
func DefaultVectorKernels() VectorKernels {
	return VectorKernels{
		L2Squared: l2SquaredGo, InnerProduct: innerProductGo, L1: l1Go, Cosine: cosineGo,
		L2SquaredHalf: l2SquaredHalfGo, InnerProductHalf: innerProductHalfGo, L1Half: l1HalfGo, CosineHalf: cosineHalfGo,
	}
}

// SetVectorKernels installs k; nil fields keep the portable default.
func SetVectorKernels(k VectorKernels) {
	d := DefaultVectorKernels()
	if k.L2Squared == nil {
		k.L2Squared = d.L2Squared
	}
	if k.InnerProduct == nil {
		k.InnerProduct = d.InnerProduct
	}
	if k.L1 == nil {
		k.L1 = d.L1
	}
	if k.Cosine == nil {
		k.Cosine = d.Cosine
	}
	if k.L2SquaredHalf == nil {
		k.L2SquaredHalf = d.L2SquaredHalf
	}
	if k.InnerProductHalf == nil {
		k.InnerProductHalf = d.InnerProductHalf
	}
	if k.L1Half == nil {
		k.L1Half = d.L1Half
	}
	if k.CosineHalf == nil {
		k.CosineHalf = d.CosineHalf
	}
	vectorKernels.Store(&k)
}

func kernels() *VectorKernels { return vectorKernels.Load() }

// The float32(...) conversions below forbid the compiler from fusing a
// multiply and add into an FMA (the Go spec rounds at explicit
// conversions), so every platform produces the same digits.

func l2SquaredGo(a, b []float32) float32 {
	b = b[:len(a)]
	var s float32
	for i := range a {
		d := a[i] - b[i]
		s += float32(d * d)
	}
	return s
}

func innerProductGo(a, b []float32) float32 {
	b = b[:len(a)]
	var s float32
	for i := range a {
		s += float32(a[i] * b[i])
	}
	return s
}

func l1Go(a, b []float32) float32 {
	b = b[:len(a)]
	var s float32
	for i := range a {
		d := a[i] - b[i]
		if d < 0 {
			d = -d
		}
		s += d
	}
	return s
}

func cosineGo(a, b []float32) float64 {
	b = b[:len(a)]
	var dot, na, nb float32
	for i := range a {
		dot += float32(a[i] * b[i])
		na += float32(a[i] * a[i])
		nb += float32(b[i] * b[i])
	}
	return cosineFromSums(dot, na, nb)
}

// cosineFromSums is the tail of pgvector's cosine_distance.
func cosineFromSums(dot, na, nb float32) float64 {
	sim := float64(dot) / math.Sqrt(float64(na)*float64(nb))
	// Keep in range (NaN passes through both tests).
	if sim > 1 {
		sim = 1
	} else if sim < -1 {
		sim = -1
	}
	return 1 - sim
}

func l2SquaredHalfGo(a, b []uint16) float32 {
	b = b[:len(a)]
	var s float32
	for i := range a {
		d := halfToFloat32(a[i]) - halfToFloat32(b[i])
		s += float32(d * d)
	}
	return s
}

func innerProductHalfGo(a, b []uint16) float32 {
	b = b[:len(a)]
	var s float32
	for i := range a {
		s += float32(halfToFloat32(a[i]) * halfToFloat32(b[i]))
	}
	return s
}

func l1HalfGo(a, b []uint16) float32 {
	b = b[:len(a)]
	var s float32
	for i := range a {
		d := halfToFloat32(a[i]) - halfToFloat32(b[i])
		if d < 0 {
			d = -d
		}
		s += d
	}
	return s
}

func cosineHalfGo(a, b []uint16) float64 {
	b = b[:len(a)]
	var dot, na, nb float32
	for i := range a {
		x, y := halfToFloat32(a[i]), halfToFloat32(b[i])
		dot += float32(x * y)
		na += float32(x * x)
		nb += float32(y * y)
	}
	return cosineFromSums(dot, na, nb)
}

// VectorDistance computes a distance operator ("<->", "<#>", "<=>" or
// "<+>") between two vectors or two halfvecs as the operator does in SQL,
// for the planner's kNN search. Mismatched dimensions raise pgvector's
// 22000 error.
func VectorDistance(op string, a, b Datum) (float64, error) {
	k := kernels()
	switch x := a.(type) {
	case Vector:
		if y, ok := b.(Vector); ok {
			return distanceBy("vector", op, x, y, k.L2Squared, k.InnerProduct, k.L1, k.Cosine)
		}
	case HalfVec:
		if y, ok := b.(HalfVec); ok {
			return distanceBy("halfvec", op, x, y, k.L2SquaredHalf, k.InnerProductHalf, k.L1Half, k.CosineHalf)
		}
	}
	return 0, Errorf(CodeInternalError, "vector distance on %T and %T", a, b)
}

// distanceBy is VectorDistance for one element type, given its kernels.
func distanceBy[E float32 | uint16, V ~[]E](name, op string, x, y V,
	l2, ip, l1 func(a, b []E) float32, cosine func(a, b []E) float64) (float64, error) {
	if len(x) != len(y) {
		return 0, vectorDimsMismatch(name, len(x), len(y))
	}
	switch op {
	case "<->":
		return math.Sqrt(float64(l2(x, y))), nil
	case "<#>":
		return float64(-ip(x, y)), nil
	case "<=>":
		return cosine(x, y), nil
	case "<+>":
		return float64(l1(x, y)), nil
	}
	return 0, Errorf(CodeUndefinedFunction, "operator does not exist: %s %s %s", name, op, name)
}

// --- pgvector's checks, with its SQLSTATEs and wording ---

// vectorDimsMismatch is CheckDims: "different vector dimensions 2 and 1".
func vectorDimsMismatch(name string, a, b int) *Error {
	return Errorf(CodeDataException, "different %s dimensions %d and %d", name, a, b)
}

// checkVectorDim is CheckDim.
func checkVectorDim(name string, dim int) *Error {
	if dim < 1 {
		return Errorf(CodeDataException, "%s must have at least 1 dimension", name)
	}
	if dim > VectorMaxDim {
		return Errorf(CodeProgramLimitExceeded, "%s cannot have more than %d dimensions", name, VectorMaxDim)
	}
	return nil
}

// checkExpectedDim is CheckExpectedDim: typmod -1 accepts any dimension.
func checkExpectedDim(typmod int32, dim int) *Error {
	if typmod >= 0 && int(typmod) != dim {
		return Errorf(CodeDataException, "expected %d dimensions, not %d", typmod, dim)
	}
	return nil
}

// checkVectorElem is CheckElement for vector.
func checkVectorElem(name string, f float64) *Error {
	if math.IsNaN(f) {
		return Errorf(CodeDataException, "NaN not allowed in %s", name)
	}
	if math.IsInf(f, 0) {
		return Errorf(CodeDataException, "infinite value not allowed in %s", name)
	}
	return nil
}

func floatOverflow() *Error {
	return Errorf(CodeNumericValueOutOfRange, "value out of range: overflow")
}

func floatUnderflow() *Error {
	return Errorf(CodeNumericValueOutOfRange, "value out of range: underflow")
}

// vectorTypmod is vector_typmod_in / halfvec_typmod_in.
func vectorTypmod(name string, mods []int64) (int32, *Error) {
	if len(mods) != 1 {
		return -1, Errorf(CodeInvalidParameterValue, "invalid type modifier")
	}
	if mods[0] < 1 {
		return -1, Errorf(CodeInvalidParameterValue, "dimensions for type %s must be at least 1", name)
	}
	if mods[0] > VectorMaxDim {
		return -1, Errorf(CodeInvalidParameterValue, "dimensions for type %s cannot exceed %d", name, VectorMaxDim)
	}
	return int32(mods[0]), nil
}

// compareVector is vector_cmp_internal: element by element, then the
// shorter vector first.
func compareVector(a, b Vector) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] < b[i] {
			return -1
		}
		if a[i] > b[i] {
			return 1
		}
	}
	return cmpInt(int64(len(a)), int64(len(b)))
}

// compareHalfVec is halfvec_cmp_internal.
func compareHalfVec(a, b HalfVec) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		x, y := halfToFloat32(a[i]), halfToFloat32(b[i])
		if x < y {
			return -1
		}
		if x > y {
			return 1
		}
	}
	return cmpInt(int64(len(a)), int64(len(b)))
}
