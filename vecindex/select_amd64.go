package vecindex

import "golang.org/x/sys/cpu"

// hasF16C reports CPUID.1:ECX.F16C[bit 29]. F16C uses the YMM state whose
// OS support cpu.X86.HasAVX already checks, so the bit alone suffices.
var hasF16C = cpuidECX1()&(1<<29) != 0

// avx2Kernels needs AVX2 and FMA for float32, plus F16C for halves.
var avx2Kernels = kernelSet{
	name:   "avx2",
	l2:     l2AVX2,
	ip:     ipAVX2,
	l1:     l1AVX2,
	cos:    cosAVX2,
	l2Half: l2HalfAVX2,
	ipHalf: ipHalfAVX2,
	l1Half: l1HalfAVX2,
	cosHal: cosHalfAVX2,
}

// avx512Kernels needs AVX-512F; its scalar tails also use FMA and F16C
// (present on every AVX-512 CPU, checked anyway).
var avx512Kernels = kernelSet{
	name:   "avx512",
	l2:     l2AVX512,
	ip:     ipAVX512,
	l1:     l1AVX512,
	cos:    cosAVX512,
	l2Half: l2HalfAVX512,
	ipHalf: ipHalfAVX512,
	l1Half: l1HalfAVX512,
	cosHal: cosHalfAVX512,
}

// availableKernels lists the sets this CPU can run, narrowest first; the
// last one is the one init makes active.
func availableKernels() []*kernelSet {
	sets := []*kernelSet{&goKernels}
	if !(cpu.X86.HasAVX2 && cpu.X86.HasFMA && hasF16C) {
		return sets
	}
	sets = append(sets, &avx2Kernels)
	if cpu.X86.HasAVX512F {
		sets = append(sets, &avx512Kernels)
	}
	return sets
}
