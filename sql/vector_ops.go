package sql

import (
	"math"

	"github.com/cockroachdb/apd/v3"
)

// pgvector's operators, functions, aggregates and casts (sql/vector.sql of
// pgvector 0.8), registered into the built-in catalogs at start-up.

func init() {
	registerVectorCasts()
	registerVectorOps()
	registerVectorFuncs()
	registerVectorAggs()
}

// registerVectorCasts adds pgvector's CREATE CAST rows to pg_cast; the
// conversions themselves are castVector.
func registerVectorCasts() {
	for _, arr := range []uint32{OIDInt4Array, OIDFloat4Array, OIDFloat8Array, OIDNumericArray} {
		pgCast[castPair{arr, OIDVector}] = 'a'
		pgCast[castPair{arr, OIDHalfVec}] = 'a'
	}
	pgCast[castPair{OIDVector, OIDFloat4Array}] = 'i'
	pgCast[castPair{OIDVector, OIDHalfVec}] = 'i'
	pgCast[castPair{OIDHalfVec, OIDVector}] = 'a'
	pgCast[castPair{OIDHalfVec, OIDFloat4Array}] = 'a'
}

func badVectorArgs(a, b Datum) error {
	return Errorf(CodeInternalError, "vector operator on %T and %T", a, b)
}

func vectorPair(a, b Datum) (Vector, Vector, error) {
	x, ok1 := a.(Vector)
	y, ok2 := b.(Vector)
	if !ok1 || !ok2 {
		return nil, nil, badVectorArgs(a, b)
	}
	return x, y, nil
}

func halfPair(a, b Datum) (HalfVec, HalfVec, error) {
	x, ok1 := a.(HalfVec)
	y, ok2 := b.(HalfVec)
	if !ok1 || !ok2 {
		return nil, nil, badVectorArgs(a, b)
	}
	return x, y, nil
}

// vectorArith is vector_add, vector_sub and vector_mul: float arithmetic,
// then the overflow (and for *, underflow) checks pgvector makes.
func vectorArith(op byte, a, b Vector) (Vector, error) {
	if len(a) != len(b) {
		return nil, vectorDimsMismatch("vector", len(a), len(b))
	}
	out := make(Vector, len(a))
	for i := range a {
		switch op {
		case '+':
			out[i] = a[i] + b[i]
		case '-':
			out[i] = a[i] - b[i]
		default:
			out[i] = a[i] * b[i]
		}
	}
	for i, r := range out {
		if math.IsInf(float64(r), 0) {
			return nil, floatOverflow()
		}
		if op == '*' && r == 0 && !(a[i] == 0 || b[i] == 0) {
			return nil, floatUnderflow()
		}
	}
	return out, nil
}

func registerVectorOps() {
	for _, op := range []string{"<->", "<#>", "<=>", "<+>"} {
		op := op
		dist := func(ec *EvalContext, a, b Datum) (Datum, error) {
			ec.CountDistances(1)
			return VectorDistance(op, a, b)
		}
		RegisterBinaryOperator(op, OIDVector, OIDVector, OIDFloat8, dist)
		RegisterBinaryOperator(op, OIDHalfVec, OIDHalfVec, OIDFloat8, dist)
	}
	for _, op := range []byte{'+', '-', '*'} {
		op := op
		RegisterBinaryOperator(string(op), OIDVector, OIDVector, OIDVector, func(_ *EvalContext, a, b Datum) (Datum, error) {
			x, y, err := vectorPair(a, b)
			if err != nil {
				return nil, err
			}
			return vectorArith(op, x, y)
		})
		RegisterBinaryOperator(string(op), OIDHalfVec, OIDHalfVec, OIDHalfVec, func(_ *EvalContext, a, b Datum) (Datum, error) {
			x, y, err := halfPair(a, b)
			if err != nil {
				return nil, err
			}
			return halfVecArith(op, x, y)
		})
	}
	RegisterBinaryOperator("||", OIDVector, OIDVector, OIDVector, func(_ *EvalContext, a, b Datum) (Datum, error) {
		x, y, err := vectorPair(a, b)
		if err != nil {
			return nil, err
		}
		if err := checkVectorDim("vector", len(x)+len(y)); err != nil {
			return nil, err
		}
		return append(append(make(Vector, 0, len(x)+len(y)), x...), y...), nil
	})
	RegisterBinaryOperator("||", OIDHalfVec, OIDHalfVec, OIDHalfVec, func(_ *EvalContext, a, b Datum) (Datum, error) {
		x, y, err := halfPair(a, b)
		if err != nil {
			return nil, err
		}
		if err := checkVectorDim("halfvec", len(x)+len(y)); err != nil {
			return nil, err
		}
		return append(append(make(HalfVec, 0, len(x)+len(y)), x...), y...), nil
	})
	for _, op := range evCmpOps {
		op := op
		RegisterBinaryOperator(op, OIDVector, OIDVector, OIDBool, func(_ *EvalContext, a, b Datum) (Datum, error) {
			x, y, err := vectorPair(a, b)
			if err != nil {
				return nil, err
			}
			return evCmpResult(op, compareVector(x, y)), nil
		})
		RegisterBinaryOperator(op, OIDHalfVec, OIDHalfVec, OIDBool, func(_ *EvalContext, a, b Datum) (Datum, error) {
			x, y, err := halfPair(a, b)
			if err != nil {
				return nil, err
			}
			return evCmpResult(op, compareHalfVec(x, y)), nil
		})
	}
}

// vectorNorm is vector_norm: accumulated in double.
func vectorNorm(a Vector) float64 {
	var n float64
	for _, f := range a {
		n += float64(f) * float64(f)
	}
	return math.Sqrt(n)
}

// vectorNormalize is l2_normalize(vector): a zero vector stays zero.
func vectorNormalize(a Vector) (Vector, error) {
	norm := vectorNorm(a)
	out := make(Vector, len(a))
	if norm > 0 {
		for i, f := range a {
			out[i] = float32(float64(f) / norm)
		}
		for _, f := range out {
			if math.IsInf(float64(f), 0) {
				return nil, floatOverflow()
			}
		}
	}
	return out, nil
}

// subvectorRange is subvector's bounds logic (1-based start, count
// elements, clipped to the vector); it returns the 0-based half-open range.
func subvectorRange(name string, dim int, start, count int64) (int, int, error) {
	if count < 1 {
		return 0, 0, Errorf(CodeDataException, "%s must have at least 1 dimension", name)
	}
	var end int64
	if start > int64(dim)-count {
		end = int64(dim) + 1
	} else {
		end = start + count
	}
	if start < 1 {
		start = 1
	} else if start > int64(dim) {
		return 0, 0, Errorf(CodeDataException, "%s must have at least 1 dimension", name)
	}
	if err := checkVectorDim(name, int(end-start)); err != nil {
		return 0, 0, err
	}
	return int(start - 1), int(end - 1), nil
}

func registerVectorFuncs() {
	dist := func(op string) func(*EvalContext, []Datum) (Datum, error) {
		return func(ec *EvalContext, args []Datum) (Datum, error) {
			ec.CountDistances(1)
			return VectorDistance(op, args[0], args[1])
		}
	}
	for _, t := range []uint32{OIDVector, OIDHalfVec} {
		RegisterFunction("l2_distance", []uint32{t, t}, OIDFloat8, dist("<->"))
		RegisterFunction("cosine_distance", []uint32{t, t}, OIDFloat8, dist("<=>"))
		RegisterFunction("l1_distance", []uint32{t, t}, OIDFloat8, dist("<+>"))
		RegisterFunction("inner_product", []uint32{t, t}, OIDFloat8, func(ec *EvalContext, args []Datum) (Datum, error) {
			ec.CountDistances(1)
			d, err := VectorDistance("<#>", args[0], args[1])
			if err != nil {
				return nil, err
			}
			return -d, nil
		})
		RegisterFunction("vector_dims", []uint32{t}, OIDInt4, func(_ *EvalContext, args []Datum) (Datum, error) {
			switch v := args[0].(type) {
			case Vector:
				return int64(len(v)), nil
			case HalfVec:
				return int64(len(v)), nil
			}
			return nil, badVectorArgs(args[0], nil)
		})
	}
	RegisterFunction("vector_l2_squared_distance", []uint32{OIDVector, OIDVector}, OIDFloat8, func(_ *EvalContext, args []Datum) (Datum, error) {
		x, y, err := vectorPair(args[0], args[1])
		if err != nil {
			return nil, err
		}
		if len(x) != len(y) {
			return nil, vectorDimsMismatch("vector", len(x), len(y))
		}
		return float64(kernels().L2Squared(x, y)), nil
	})
	RegisterFunction("vector_negative_inner_product", []uint32{OIDVector, OIDVector}, OIDFloat8, dist("<#>"))
	// vector_cmp and halfvec_cmp are the btree support functions, callable
	// from SQL in pgvector (its regression tests call them).
	RegisterFunction("vector_cmp", []uint32{OIDVector, OIDVector}, OIDInt4, func(_ *EvalContext, args []Datum) (Datum, error) {
		x, y, err := vectorPair(args[0], args[1])
		if err != nil {
			return nil, err
		}
		return int64(compareVector(x, y)), nil
	})
	RegisterFunction("halfvec_cmp", []uint32{OIDHalfVec, OIDHalfVec}, OIDInt4, func(_ *EvalContext, args []Datum) (Datum, error) {
		x, y, err := halfPair(args[0], args[1])
		if err != nil {
			return nil, err
		}
		return int64(compareHalfVec(x, y)), nil
	})
	RegisterFunction("vector_norm", []uint32{OIDVector}, OIDFloat8, func(_ *EvalContext, args []Datum) (Datum, error) {
		v, ok := args[0].(Vector)
		if !ok {
			return nil, badVectorArgs(args[0], nil)
		}
		return vectorNorm(v), nil
	})
	RegisterFunction("l2_norm", []uint32{OIDHalfVec}, OIDFloat8, func(_ *EvalContext, args []Datum) (Datum, error) {
		v, ok := args[0].(HalfVec)
		if !ok {
			return nil, badVectorArgs(args[0], nil)
		}
		return halfVecNorm(v), nil
	})
	RegisterFunction("l2_normalize", []uint32{OIDVector}, OIDVector, func(_ *EvalContext, args []Datum) (Datum, error) {
		v, ok := args[0].(Vector)
		if !ok {
			return nil, badVectorArgs(args[0], nil)
		}
		return vectorNormalize(v)
	})
	RegisterFunction("l2_normalize", []uint32{OIDHalfVec}, OIDHalfVec, func(_ *EvalContext, args []Datum) (Datum, error) {
		v, ok := args[0].(HalfVec)
		if !ok {
			return nil, badVectorArgs(args[0], nil)
		}
		return halfVecNormalize(v)
	})
	RegisterFunction("subvector", []uint32{OIDVector, OIDInt4, OIDInt4}, OIDVector, func(_ *EvalContext, args []Datum) (Datum, error) {
		v, ok1 := args[0].(Vector)
		s, ok2 := args[1].(int64)
		c, ok3 := args[2].(int64)
		if !ok1 || !ok2 || !ok3 {
			return nil, badVectorArgs(args[0], args[1])
		}
		lo, hi, err := subvectorRange("vector", len(v), s, c)
		if err != nil {
			return nil, err
		}
		return append(Vector(nil), v[lo:hi]...), nil
	})
	RegisterFunction("subvector", []uint32{OIDHalfVec, OIDInt4, OIDInt4}, OIDHalfVec, func(_ *EvalContext, args []Datum) (Datum, error) {
		v, ok1 := args[0].(HalfVec)
		s, ok2 := args[1].(int64)
		c, ok3 := args[2].(int64)
		if !ok1 || !ok2 || !ok3 {
			return nil, badVectorArgs(args[0], args[1])
		}
		lo, hi, err := subvectorRange("halfvec", len(v), s, c)
		if err != nil {
			return nil, err
		}
		return append(HalfVec(nil), v[lo:hi]...), nil
	})
}

// vectorAvgState is vector_accum's float8[] state: the count and a running
// float8 sum per dimension.
type vectorAvgState struct {
	half bool
	n    float64
	sums []float64
}

func (s *vectorAvgState) Step(_ *EvalContext, args []Datum) error {
	var xs []float64
	switch v := args[0].(type) {
	case Vector:
		xs = make([]float64, len(v))
		for i, f := range v {
			xs[i] = float64(f)
		}
	case HalfVec:
		xs = make([]float64, len(v))
		for i, h := range v {
			xs[i] = float64(halfToFloat32(h))
		}
	default:
		return badVectorArgs(args[0], nil)
	}
	if s.n == 0 {
		s.sums = xs
		s.n = 1
		return nil
	}
	if err := checkExpectedDim(int32(len(s.sums)), len(xs)); err != nil {
		return err
	}
	for i, x := range xs {
		v := s.sums[i] + x
		if math.IsInf(v, 0) {
			return floatOverflow()
		}
		s.sums[i] = v
	}
	s.n++
	return nil
}

// Final is vector_avg / halfvec_avg: each sum divided by the count and
// rounded to float4 (halfvec: then to binary16).
func (s *vectorAvgState) Final() (Datum, error) {
	if s.n == 0 {
		return nil, nil
	}
	name := "vector"
	if s.half {
		name = "halfvec"
	}
	if err := checkVectorDim(name, len(s.sums)); err != nil {
		return nil, err
	}
	if s.half {
		out := make(HalfVec, len(s.sums))
		for i, sum := range s.sums {
			h, err := float32ToHalfChecked(float32(sum / s.n))
			if err != nil {
				return nil, err
			}
			if err := checkHalfElem(h); err != nil {
				return nil, err
			}
			out[i] = h
		}
		return out, nil
	}
	out := make(Vector, len(s.sums))
	for i, sum := range s.sums {
		out[i] = float32(sum / s.n)
		if err := checkVectorElem("vector", float64(out[i])); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// vectorSumState is sum(vector)/sum(halfvec): pgvector's SFUNC is
// vector_add/halfvec_add with no initial value, so the first row is the
// state and each further row is added element-wise with its checks.
type vectorSumState struct{ acc Datum }

func (s *vectorSumState) Step(_ *EvalContext, args []Datum) error {
	if s.acc == nil {
		s.acc = args[0]
		return nil
	}
	var r Datum
	var err error
	switch acc := s.acc.(type) {
	case Vector:
		v, ok := args[0].(Vector)
		if !ok {
			return badVectorArgs(s.acc, args[0])
		}
		r, err = vectorArith('+', acc, v)
	case HalfVec:
		v, ok := args[0].(HalfVec)
		if !ok {
			return badVectorArgs(s.acc, args[0])
		}
		r, err = halfVecArith('+', acc, v)
	default:
		return badVectorArgs(s.acc, args[0])
	}
	if err != nil {
		return err
	}
	s.acc = r
	return nil
}

func (s *vectorSumState) Final() (Datum, error) { return s.acc, nil }

func registerVectorAggs() {
	evAggTable() // the aggregate catalog must exist before adding to it
	for _, t := range []uint32{OIDVector, OIDHalfVec} {
		half := t == OIDHalfVec
		evAgg("avg", []uint32{t}, t, func([]Type, Type) func() AggState {
			return func() AggState { return &vectorAvgState{half: half} }
		})
		evAgg("sum", []uint32{t}, t, func([]Type, Type) func() AggState {
			return func() AggState { return &vectorSumState{} }
		})
	}
}

// castVector converts to, from and between vector and halfvec as
// pgvector's cast functions do; typmods are the target's dimension.
func castVector(d Datum, from, to Type, fo *FormatOptions) (Datum, error) {
	switch v := d.(type) {
	case Vector:
		switch to.OID {
		case OIDVector:
			if err := checkExpectedDim(to.Typmod, len(v)); err != nil {
				return nil, err
			}
			return v, nil
		case OIDHalfVec:
			return halfVecFromVector(v, to.Typmod)
		case OIDFloat4Array:
			a := &Array{ElemOID: OIDFloat4, Elems: make([]Datum, len(v))}
			for i, f := range v {
				a.Elems[i] = float64(f)
			}
			return a, nil
		}
	case HalfVec:
		switch to.OID {
		case OIDHalfVec:
			if err := checkExpectedDim(to.Typmod, len(v)); err != nil {
				return nil, err
			}
			return v, nil
		case OIDVector:
			return vectorFromHalfVec(v, to.Typmod)
		case OIDFloat4Array:
			a := &Array{ElemOID: OIDFloat4, Elems: make([]Datum, len(v))}
			for i, h := range v {
				a.Elems[i] = float64(halfToFloat32(h))
			}
			return a, nil
		}
	case *Array:
		if v != nil && (to.OID == OIDVector || to.OID == OIDHalfVec) {
			return arrayToVector(v, from, to, fo)
		}
	}
	return nil, cannotCast(from, to)
}

// arrayToVector is array_to_vector / array_to_halfvec for integer[],
// real[], double precision[] and numeric[].
func arrayToVector(a *Array, from, to Type, fo *FormatOptions) (Datum, error) {
	name := "vector"
	if to.OID == OIDHalfVec {
		name = "halfvec"
	}
	for _, e := range a.Elems {
		if e == nil {
			return nil, Errorf(CodeNullValueNotAllowed, "array must not contain nulls")
		}
	}
	if err := checkVectorDim(name, len(a.Elems)); err != nil {
		return nil, err
	}
	if err := checkExpectedDim(to.Typmod, len(a.Elems)); err != nil {
		return nil, err
	}
	elem := a.ElemOID
	if e, ok := ElemOf(from.OID); ok {
		elem = e
	}
	fs := make([]float32, len(a.Elems))
	for i, e := range a.Elems {
		switch x := e.(type) {
		case int64:
			if elem != OIDInt4 {
				return nil, Errorf(CodeDataException, "unsupported array type")
			}
			fs[i] = float32(int32(x))
		case float64:
			fs[i] = float32(x) // float8 elements round like (float) in C
		case *apd.Decimal:
			f, err := Cast(x, TypeNumeric, TypeFloat4, fo) // numeric_float4
			if err != nil {
				return nil, err
			}
			ff, ok := f.(float64)
			if !ok {
				return nil, Errorf(CodeDataException, "unsupported array type")
			}
			fs[i] = float32(ff)
		default:
			return nil, Errorf(CodeDataException, "unsupported array type")
		}
		if name == "halfvec" {
			// Float4ToHalf runs inside the conversion loop in pgvector.
			if _, err := float32ToHalfChecked(fs[i]); err != nil {
				return nil, err
			}
		}
	}
	if name == "halfvec" {
		out := make(HalfVec, len(fs))
		for i, f := range fs {
			out[i] = float32ToHalf(f)
		}
		for _, h := range out {
			if err := checkHalfElem(h); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	for _, f := range fs {
		if err := checkVectorElem("vector", float64(f)); err != nil {
			return nil, err
		}
	}
	return Vector(fs), nil
}
