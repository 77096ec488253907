package vecindex

import "math"

//go:generate sh -c "cd internal/asmgen && go run . -out ../../kernels_amd64.s -stubs ../../stubs_amd64.go -pkg vecindex"

// kernelSet is one implementation of every distance kernel. The
// float32-in/float32-out signatures match the assembly so a set is just a
// table of function values.
type kernelSet struct {
	name   string
	l2     func(a, b []float32) float32
	ip     func(a, b []float32) float32
	l1     func(a, b []float32) float32
	cos    func(a, b []float32) (dot, na, nb float32)
	l2Half func(a, b []uint16) float32
	ipHalf func(a, b []uint16) float32
	l1Half func(a, b []uint16) float32
	cosHal func(a, b []uint16) (dot, na, nb float32)
}

// goKernels is the portable set, available everywhere.
var goKernels = kernelSet{
	name:   "go",
	l2:     l2Go,
	ip:     ipGo,
	l1:     l1Go,
	cos:    cosGo,
	l2Half: l2HalfGo,
	ipHalf: ipHalfGo,
	l1Half: l1HalfGo,
	cosHal: cosHalfGo,
}

// active is the set chosen at init: the widest one the CPU supports.
var active = func() *kernelSet {
	sets := availableKernels()
	return sets[len(sets)-1]
}()

// KernelName reports which kernel set is in use: "avx512", "avx2" or "go".
func KernelName() string { return active.name }

// L2Squared returns the squared Euclidean distance Σ(aᵢ-bᵢ)², accumulated
// in float32 as pgvector's l2_distance does before its sqrt.
func L2Squared(a, b []float32) float32 {
	a, b = common(a, b)
	return active.l2(a, b)
}

// InnerProduct returns Σaᵢbᵢ accumulated in float32 (pgvector's <#> is its
// negation).
func InnerProduct(a, b []float32) float32 {
	a, b = common(a, b)
	return active.ip(a, b)
}

// L1Distance returns the taxicab distance Σ|aᵢ-bᵢ| accumulated in float32.
func L1Distance(a, b []float32) float32 {
	a, b = common(a, b)
	return active.l1(a, b)
}

// CosineDistance returns 1 - dot/sqrt(|a|²·|b|²) with pgvector's exact
// arithmetic: float32 sums, float64 division and sqrt, similarity clamped
// to [-1, 1]. It is NaN when either vector has norm 0.
func CosineDistance(a, b []float32) float64 {
	a, b = common(a, b)
	return cosineFinish(active.cos(a, b))
}

// L2SquaredHalf is L2Squared over IEEE half-precision bits (halfvec);
// elements are widened to float32 and summed in float32 as pgvector does.
func L2SquaredHalf(a, b []uint16) float32 {
	a, b = commonHalf(a, b)
	return active.l2Half(a, b)
}

// InnerProductHalf is InnerProduct over IEEE half-precision bits.
func InnerProductHalf(a, b []uint16) float32 {
	a, b = commonHalf(a, b)
	return active.ipHalf(a, b)
}

// L1DistanceHalf is L1Distance over IEEE half-precision bits.
func L1DistanceHalf(a, b []uint16) float32 {
	a, b = commonHalf(a, b)
	return active.l1Half(a, b)
}

// CosineDistanceHalf is CosineDistance over IEEE half-precision bits.
func CosineDistanceHalf(a, b []uint16) float64 {
	a, b = commonHalf(a, b)
	return cosineFinish(active.cosHal(a, b))
}

// cosineFinish is pgvector's cosine_distance after the loop, in the same
// order and types: (double) similarity / sqrt((double) norma * (double)
// normb), clamp, 1 - similarity. A zero norm gives 0/0 = NaN, and NaN
// passes the clamp untouched.
func cosineFinish(dot, na, nb float32) float64 {
	similarity := float64(dot) / math.Sqrt(float64(na)*float64(nb))
	if similarity > 1 {
		similarity = 1
	} else if similarity < -1 {
		similarity = -1
	}
	return 1 - similarity
}

// common trims both slices to the shorter length so no kernel (assembly
// included) can read past either one when a caller skipped the check.
func common(a, b []float32) ([]float32, []float32) {
	if len(a) != len(b) {
		n := min(len(a), len(b))
		a, b = a[:n], b[:n]
	}
	return a, b
}

func commonHalf(a, b []uint16) ([]uint16, []uint16) {
	if len(a) != len(b) {
		n := min(len(a), len(b))
		a, b = a[:n], b[:n]
	}
	return a, b
}
