// Command asmgen generates vecindex's amd64 distance kernels with avo.
//
// It lives in its own module (see go.mod beside it) so that avo is a
// dependency of the generator only, never of QuartzDB itself. Run it from
// vecindex with `go generate` (see the go:generate line in kernels.go).
//
// Every kernel has the same shape: a main loop over `unroll` vectors with
// one accumulator per vector (to hide the FMA latency), then a one-vector
// loop, then a scalar tail, then a horizontal reduction of the accumulators
// plus the tail. Tails are scalar rather than masked so the AVX2 and AVX-512
// sets stay structurally identical and easy to audit.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// op names one distance kernel.
type op int

const (
	opL2 op = iota
	opIP
	opL1
	opCos
)

func (o op) name() string {
	return [...]string{"l2", "ip", "l1", "cos"}[o]
}

// isa describes one vector width.
type isa struct {
	name  string // suffix of the Go function names
	lanes int    // float32 lanes per vector
	vec   func() VecVirtual
}

var (
	avx2   = isa{name: "AVX2", lanes: 8, vec: YMM}
	avx512 = isa{name: "AVX512", lanes: 16, vec: ZMM}
)

func main() {
	ConstraintExpr("amd64")

	for _, is := range []isa{avx2, avx512} {
		for _, half := range []bool{false, true} {
			for _, o := range []op{opL2, opIP, opL1, opCos} {
				kernel(is, o, half)
			}
		}
	}
	cpuid()
	f16c()
	Generate()
}

// kernel emits one function: <op><Half?><ISA>(a, b []T) float32, or for
// cosine (dot, na, nb float32), the three sums pgvector accumulates.
func kernel(is isa, o op, half bool) {
	elem, esize, kind := "float32", 4, ""
	if half {
		elem, esize, kind = "uint16", 2, "Half"
	}
	name := fmt.Sprintf("%s%s%s", o.name(), kind, is.name)
	ret := "float32"
	if o == opCos {
		ret = "(dot, na, nb float32)"
	}
	TEXT(name, NOSPLIT, fmt.Sprintf("func(a, b []%s) %s", elem, ret))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s is the %s %s kernel over %s; len(b) must be >= len(a).", name, is.name, o.name(), elem))

	pa := Mem{Base: Load(Param("a").Base(), GP64())}
	pb := Mem{Base: Load(Param("b").Base(), GP64())}
	n := Load(Param("a").Len(), GP64())

	// Cosine fuses three reductions (dot, |a|², |b|²) like pgvector, so it
	// needs three accumulators per unrolled vector; unroll less to stay
	// within the 16 VEX-encodable registers.
	nacc, unroll := 1, 4
	if o == opCos {
		nacc, unroll = 3, 2
	}
	acc := make([][]VecVirtual, nacc)
	for k := range acc {
		acc[k] = make([]VecVirtual, unroll)
		for u := range acc[k] {
			acc[k][u] = is.vec()
			if is.lanes == 16 {
				VPXORD(acc[k][u], acc[k][u], acc[k][u]) // VXORPS zmm needs AVX512DQ
			} else {
				VXORPS(acc[k][u], acc[k][u], acc[k][u])
			}
		}
	}

	var mask VecVirtual
	if o == opL1 {
		// |x| clears the sign bit.
		r := GP32()
		MOVL(U32(0x7fffffff), r)
		mx := XMM()
		VMOVD(r, mx)
		mask = is.vec()
		VBROADCASTSS(mx, mask)
	}

	// load brings one vector of elements at byte offset off into a register.
	load := func(m Mem, off int) VecVirtual {
		v := is.vec()
		if half {
			VCVTPH2PS(m.Offset(off), v)
		} else {
			VMOVUPS(m.Offset(off), v)
		}
		return v
	}
	// step accumulates one vector at byte offset off into accumulator slot u.
	step := func(off, u int) {
		va := load(pa, off)
		switch o {
		case opL2:
			if half {
				VSUBPS(load(pb, off), va, va)
			} else {
				VSUBPS(pb.Offset(off), va, va)
			}
			VFMADD231PS(va, va, acc[0][u])
		case opIP:
			if half {
				VFMADD231PS(load(pb, off), va, acc[0][u])
			} else {
				VFMADD231PS(pb.Offset(off), va, acc[0][u])
			}
		case opL1:
			if half {
				VSUBPS(load(pb, off), va, va)
			} else {
				VSUBPS(pb.Offset(off), va, va)
			}
			if is.lanes == 16 {
				VPANDD(mask, va, va) // VANDPS on zmm needs AVX512DQ
			} else {
				VANDPS(mask, va, va)
			}
			VADDPS(va, acc[0][u], acc[0][u])
		case opCos:
			vb := load(pb, off)
			VFMADD231PS(vb, va, acc[0][u])
			VFMADD231PS(va, va, acc[1][u])
			VFMADD231PS(vb, vb, acc[2][u])
		}
	}

	block := is.lanes * unroll
	Label(name + "_block")
	CMPQ(n, U32(block))
	JL(LabelRef(name + "_single"))
	for u := 0; u < unroll; u++ {
		step(u*is.lanes*esize, u)
	}
	ADDQ(U32(block*esize), pa.Base)
	ADDQ(U32(block*esize), pb.Base)
	SUBQ(U32(block), n)
	JMP(LabelRef(name + "_block"))

	Label(name + "_single")
	CMPQ(n, U32(is.lanes))
	JL(LabelRef(name + "_tail"))
	step(0, 0)
	ADDQ(U32(is.lanes*esize), pa.Base)
	ADDQ(U32(is.lanes*esize), pb.Base)
	SUBQ(U32(is.lanes), n)
	JMP(LabelRef(name + "_single"))

	// Scalar tail, accumulated separately and added after the reduction.
	Label(name + "_tail")
	tails := make([]VecVirtual, nacc)
	for k := range tails {
		tails[k] = XMM()
		VXORPS(tails[k], tails[k], tails[k])
	}
	Label(name + "_tailloop")
	CMPQ(n, U32(0))
	JE(LabelRef(name + "_reduce"))
	scalar := func(m Mem) VecVirtual {
		x := XMM()
		if half {
			r := GP32()
			MOVWLZX(m, r)
			VMOVD(r, x)
			VCVTPH2PS(x, x)
		} else {
			VMOVSS(m, x)
		}
		return x
	}
	xa, xb := scalar(pa), scalar(pb)
	switch o {
	case opL2:
		VSUBSS(xb, xa, xa)
		VFMADD231SS(xa, xa, tails[0])
	case opIP:
		VFMADD231SS(xb, xa, tails[0])
	case opL1:
		// max(a-b, b-a) = |a-b| without needing the mask in a VEX register.
		d := XMM()
		VSUBSS(xb, xa, d)
		VSUBSS(xa, xb, xb)
		VMAXSS(xb, d, d)
		VADDSS(d, tails[0], tails[0])
	case opCos:
		VFMADD231SS(xb, xa, tails[0])
		VFMADD231SS(xa, xa, tails[1])
		VFMADD231SS(xb, xb, tails[2])
	}
	ADDQ(U32(esize), pa.Base)
	ADDQ(U32(esize), pb.Base)
	DECQ(n)
	JMP(LabelRef(name + "_tailloop"))

	Label(name + "_reduce")
	results := make([]VecVirtual, nacc)
	for k := range acc {
		for u := 1; u < unroll; u++ {
			VADDPS(acc[k][u], acc[k][0], acc[k][0])
		}
		y := acc[k][0]
		if is.lanes == 16 {
			hi := YMM()
			VEXTRACTF64X4(U8(1), acc[k][0], hi)
			y = YMM()
			VADDPS(hi, acc[k][0].AsY(), y)
		}
		x := XMM()
		VEXTRACTF128(U8(1), y, x)
		VADDPS(x, y.AsX(), x)
		VHADDPS(x, x, x)
		VHADDPS(x, x, x)
		VADDSS(tails[k], x, x)
		results[k] = x
	}
	for k, x := range results {
		Store(x, ReturnIndex(k))
	}
	VZEROUPPER()
	RET()
}

// cpuid emits cpuidECX1, which reports CPUID leaf 1's ECX. x/sys/cpu at the
// version QuartzDB pins has no F16C flag (ECX bit 29).
func cpuid() {
	TEXT("cpuidECX1", NOSPLIT, "func() uint32")
	Doc("cpuidECX1 returns ECX of CPUID leaf 1 (feature flags).")
	MOVL(U32(1), EAX)
	XORL(ECX, ECX)
	CPUID()
	Store(ECX, ReturnIndex(0))
	RET()
}

// f16c emits single-value F16C conversions, used by the tests as the
// hardware oracle for the Go conversions (pgvector uses the same
// instructions when built with F16C).
func f16c() {
	TEXT("f16cToFloat32", NOSPLIT, "func(h uint16) float32")
	Doc("f16cToFloat32 converts IEEE half bits to float32 with VCVTPH2PS.")
	r := Load(Param("h"), GP32())
	x := XMM()
	VMOVD(r, x)
	VCVTPH2PS(x, x)
	Store(x, ReturnIndex(0))
	RET()

	TEXT("f16cFromFloat32", NOSPLIT, "func(f float32) uint16")
	Doc("f16cFromFloat32 converts float32 to IEEE half bits with VCVTPS2PH, rounding to nearest even.")
	y := Load(Param("f"), XMM())
	VCVTPS2PH(U8(0), y, y)
	o := GP32()
	VMOVD(y, o)
	Store(o.As16(), ReturnIndex(0))
	RET()
}
