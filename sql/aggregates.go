package sql

import (
	"strconv"
	"sync"

	"github.com/cockroachdb/apd/v3"
)

// Aggregate is a resolved aggregate call. The executor evaluates Args for
// each input row and feeds the values to a state from NewState, one state
// per group.
type Aggregate struct {
	// Name is the aggregate's name, for EXPLAIN and column names.
	Name string
	// Args are the argument expressions, already coerced to the types the
	// chosen aggregate takes; empty for count(*).
	Args []Expr
	// Star and Distinct record count(*) and agg(DISTINCT ...).
	Star, Distinct bool
	// ResultType is the type Final returns.
	ResultType Type

	mk func() AggState
}

// NewState returns a fresh accumulator for one group.
func (a *Aggregate) NewState() AggState {
	s := a.mk()
	if a.Distinct {
		return &distinctState{inner: s, types: evExprTypes(a.Args), seen: map[string]struct{}{}}
	}
	return s
}

// AggState accumulates one group's values.
type AggState interface {
	// Step adds one input row's argument values.
	Step(ec *EvalContext, args []Datum) error
	// Final returns the aggregate's value for the rows seen (NULL for an
	// empty group except count, which is 0).
	Final() (Datum, error)
}

func evExprTypes(es []Expr) []Type {
	ts := make([]Type, len(es))
	for i, e := range es {
		ts[i] = e.Type()
	}
	return ts
}

// aggDef is one aggregate signature; mk builds a state factory once the
// argument types are known.
type aggDef struct {
	o  *overload
	mk func(types []Type, ret Type) func() AggState
	// nonStrict aggregates see rows whose arguments are NULL (array_agg).
	nonStrict bool
}

var (
	evAggOnce sync.Once
	evAggs    map[string][]*aggDef
)

func evAggTable() map[string][]*aggDef {
	evAggOnce.Do(func() {
		evAggs = map[string][]*aggDef{}
		evRegisterAggs()
	})
	return evAggs
}

func evAgg(name string, args []uint32, ret uint32, mk func(types []Type, ret Type) func() AggState) *aggDef {
	d := &aggDef{o: &overload{args: args, ret: ret}, mk: mk}
	evAggs[name] = append(evAggs[name], d)
	return d
}

// IsAggregate reports whether name is a built-in aggregate function.
func IsAggregate(name string) bool {
	_, ok := evAggTable()[name]
	return ok
}

// NewAggregate resolves an aggregate call: count(*) (star), count(x),
// count(DISTINCT x), sum, avg, min, max, bool_and, bool_or, every,
// string_agg, array_agg, json_agg, jsonb_agg, with PostgreSQL's result types.
func NewAggregate(name string, args []Expr, star, distinct bool) (*Aggregate, error) {
	defs := evAggTable()[name]
	if len(defs) == 0 {
		return nil, Errorf(CodeUndefinedFunction, "function %s(%s) does not exist", name, evArgList(args)).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	if star {
		if name != "count" {
			return nil, Errorf(CodeWrongObjectType, "%s(*) specified, but %s is not an aggregate function", name, name)
		}
		return &Aggregate{Name: name, Star: true, ResultType: TypeInt8, mk: func() AggState { return &countState{star: true} }}, nil
	}
	cands := make([]*overload, len(defs))
	for i, d := range defs {
		cands[i] = d.o
	}
	r, amb := evResolve(cands, evExprTypes(args))
	if r == nil {
		if amb {
			return nil, Errorf(CodeAmbiguousFunction, "function %s(%s) is not unique", name, evArgList(args)).
				WithHint("Could not choose a best candidate function. You might need to add explicit type casts.")
		}
		return nil, Errorf(CodeUndefinedFunction, "function %s(%s) does not exist", name, evArgList(args)).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	var def *aggDef
	for _, d := range defs {
		if d.o == r.o {
			def = d
		}
	}
	conv := make([]Expr, len(args))
	for i, a := range args {
		c, err := evCoerce(a, r.types[i], false)
		if err != nil {
			return nil, err
		}
		conv[i] = c
	}
	mk := def.mk(r.types, r.ret)
	agg := &Aggregate{Name: name, Args: conv, Distinct: distinct, ResultType: r.ret, mk: mk}
	if !def.nonStrict {
		inner := mk
		agg.mk = func() AggState { return &strictState{inner: inner()} }
	}
	return agg, nil
}

// strictState skips rows with a NULL argument, as PostgreSQL does for
// strict transition functions.
type strictState struct{ inner AggState }

func (s *strictState) Step(ec *EvalContext, args []Datum) error {
	for _, a := range args {
		if a == nil {
			return nil
		}
	}
	return s.inner.Step(ec, args)
}

func (s *strictState) Final() (Datum, error) { return s.inner.Final() }

// distinctState passes each distinct argument tuple on once.
type distinctState struct {
	inner AggState
	types []Type
	seen  map[string]struct{}
}

func (s *distinctState) Step(ec *EvalContext, args []Datum) error {
	var key []byte
	for i, a := range args {
		key = evDistinctKey(key, s.types[i], a)
		key = append(key, 0xff)
	}
	if _, dup := s.seen[string(key)]; dup {
		return nil
	}
	s.seen[string(key)] = struct{}{}
	return s.inner.Step(ec, args)
}

func (s *distinctState) Final() (Datum, error) { return s.inner.Final() }

// evDistinctKey encodes a value so that equal values (by =) get equal keys:
// numerics without trailing zeros, floats by value, the rest by text.
func evDistinctKey(dst []byte, t Type, d Datum) []byte {
	switch v := d.(type) {
	case nil:
		return append(dst, 'N')
	case *apd.Decimal:
		var r apd.Decimal
		r.Reduce(v)
		return append(append(dst, 'D'), r.String()...)
	case float64:
		if v == 0 {
			v = 0 // -0 = 0
		}
		return strconv.AppendFloat(append(dst, 'F'), v, 'g', -1, 64)
	case string:
		if t.OID == OIDBpchar {
			for len(v) > 0 && v[len(v)-1] == ' ' {
				v = v[:len(v)-1]
			}
		}
		return append(append(dst, 'S'), v...)
	}
	return AppendText(append(dst, 'T'), t, d, DefaultFormatOptions())
}

type countState struct {
	star bool
	n    int64
}

func (s *countState) Step(*EvalContext, []Datum) error { s.n++; return nil }
func (s *countState) Final() (Datum, error)            { return s.n, nil }

// funcState is an aggregate written as a step and a final closure.
type funcState struct {
	step  func(ec *EvalContext, args []Datum) error
	final func() (Datum, error)
}

func (s *funcState) Step(ec *EvalContext, args []Datum) error { return s.step(ec, args) }
func (s *funcState) Final() (Datum, error)                    { return s.final() }

// evTotalAgg builds the state factory of an aggregate that folds each
// value into a running total with add and at the end turns the total and
// the row count into its result with final; no rows give NULL.
func evTotalAgg[T any](add func(total T, v Datum) (T, error), final func(total T, n int64) (Datum, error)) func([]Type, Type) func() AggState {
	return func([]Type, Type) func() AggState {
		return func() AggState {
			var total T
			var n int64
			return &funcState{
				step: func(_ *EvalContext, a []Datum) error {
					t, err := add(total, a[0])
					if err != nil {
						return err
					}
					total = t
					n++
					return nil
				},
				final: func() (Datum, error) {
					if n == 0 {
						return nil, nil
					}
					return final(total, n)
				},
			}
		}
	}
}

// evTotal is the final function of sum: the total itself.
func evTotal[T any](total T, _ int64) (Datum, error) { return total, nil }

func evRegisterAggs() {
	evAgg("count", []uint32{OIDAny}, OIDInt8, func([]Type, Type) func() AggState {
		return func() AggState { return &countState{} }
	})
	// sum and avg keep a running total; sum returns it, avg divides it by
	// the row count.
	intAdd := func(sum int64, v Datum) (int64, error) {
		r, err := evIntArith("+", OIDInt8, sum, v.(int64))
		if err != nil {
			return 0, err
		}
		return r.(int64), nil
	}
	numAdd := func(toNum func(Datum) *apd.Decimal) func(*apd.Decimal, Datum) (*apd.Decimal, error) {
		return func(sum *apd.Decimal, d Datum) (*apd.Decimal, error) {
			v := toNum(d)
			if sum == nil {
				return new(apd.Decimal).Set(v), nil
			}
			r, err := evNumArith("+", sum, v)
			if err != nil {
				return nil, err
			}
			return r.(*apd.Decimal), nil
		}
	}
	floatAdd := func(is4 bool) func(float64, Datum) (float64, error) {
		return func(sum float64, v Datum) (float64, error) {
			r, err := evFloatArith("+", is4, sum, v.(float64))
			if err != nil {
				return 0, err
			}
			return r.(float64), nil
		}
	}
	intervalAdd := func(sum Interval, v Datum) (Interval, error) {
		r, err := evIntervalArith("+", sum, v.(Interval))
		if err != nil {
			return Interval{}, err
		}
		return r.(Interval), nil
	}
	intToNum := func(d Datum) *apd.Decimal { return evNumFromInt(d.(int64)) }
	numID := func(d Datum) *apd.Decimal { return d.(*apd.Decimal) }
	numAvg := func(sum *apd.Decimal, n int64) (Datum, error) {
		return evNumArith("/", sum, evNumFromInt(n))
	}
	for _, t := range []uint32{OIDInt2, OIDInt4} {
		evAgg("sum", []uint32{t}, OIDInt8, evTotalAgg(intAdd, evTotal[int64]))
	}
	evAgg("sum", []uint32{OIDInt8}, OIDNumeric, evTotalAgg(numAdd(intToNum), evTotal[*apd.Decimal]))
	evAgg("sum", []uint32{OIDNumeric}, OIDNumeric, evTotalAgg(numAdd(numID), evTotal[*apd.Decimal]))
	for _, t := range []uint32{OIDFloat4, OIDFloat8} {
		evAgg("sum", []uint32{t}, t, evTotalAgg(floatAdd(t == OIDFloat4), evTotal[float64]))
	}
	evAgg("sum", []uint32{OIDInterval}, OIDInterval, evTotalAgg(intervalAdd, evTotal[Interval]))
	for _, t := range evIntOIDs {
		evAgg("avg", []uint32{t}, OIDNumeric, evTotalAgg(numAdd(intToNum), numAvg))
	}
	evAgg("avg", []uint32{OIDNumeric}, OIDNumeric, evTotalAgg(numAdd(numID), numAvg))
	for _, t := range []uint32{OIDFloat4, OIDFloat8} {
		evAgg("avg", []uint32{t}, OIDFloat8, evTotalAgg(floatAdd(false), func(sum float64, n int64) (Datum, error) {
			return sum / float64(n), nil
		}))
	}
	evAgg("avg", []uint32{OIDInterval}, OIDInterval, evTotalAgg(intervalAdd, func(sum Interval, n int64) (Datum, error) {
		return evIntervalMul(sum, 1/float64(n))
	}))
	// min / max over every comparable type.
	minMax := func(greatest bool) func(types []Type, ret Type) func() AggState {
		return func(types []Type, _ Type) func() AggState {
			t := types[0]
			return func() AggState {
				var best Datum
				return &funcState{
					step: func(_ *EvalContext, a []Datum) error {
						if best == nil {
							best = a[0]
							return nil
						}
						// Ties take the newer value, as numeric_larger and
						// text_larger do (visible for 1.5 vs 1.50).
						c := Compare(t, a[0], best)
						if (greatest && c >= 0) || (!greatest && c <= 0) {
							best = a[0]
						}
						return nil
					},
					final: func() (Datum, error) { return best, nil },
				}
			}
		}
	}
	for _, t := range append(append([]uint32{OIDInt2, OIDInt4, OIDInt8, OIDFloat4, OIDFloat8}, evCmpTypes...), OIDAnyArray) {
		if t == OIDBool || t == OIDJSONB || t == OIDUUID {
			continue // PostgreSQL 15 has no min/max for these
		}
		evAgg("min", []uint32{t}, t, minMax(false))
		evAgg("max", []uint32{t}, t, minMax(true))
	}
	for _, name := range []string{"bool_and", "every", "bool_or"} {
		and := name != "bool_or"
		evAgg(name, []uint32{OIDBool}, OIDBool, func([]Type, Type) func() AggState {
			return func() AggState {
				var acc Datum
				return &funcState{
					step: func(_ *EvalContext, a []Datum) error {
						b := a[0].(bool)
						if acc == nil {
							acc = b
						} else if and {
							acc = acc.(bool) && b
						} else {
							acc = acc.(bool) || b
						}
						return nil
					},
					final: func() (Datum, error) { return acc, nil },
				}
			}
		})
	}
	strAgg := func(isBytes bool) func([]Type, Type) func() AggState {
		return func([]Type, Type) func() AggState {
			return func() AggState {
				var buf []byte
				seen := false
				return &funcState{
					step: func(ec *EvalContext, a []Datum) error {
						if a[0] == nil {
							return nil
						}
						if seen && a[1] != nil {
							buf = append(buf, evStr(a[1])...)
						}
						seen = true
						buf = append(buf, evStr(a[0])...)
						if len(buf) > evMaxAlloc {
							return Errorf(CodeProgramLimitExceeded, "out of memory").WithDetail("Cannot enlarge string buffer.")
						}
						return nil
					},
					final: func() (Datum, error) {
						if !seen {
							return nil, nil
						}
						if isBytes {
							return buf, nil
						}
						return string(buf), nil
					},
				}
			}
		}
	}
	evAgg("string_agg", []uint32{OIDText, OIDText}, OIDText, strAgg(false)).nonStrict = true
	evAgg("string_agg", []uint32{OIDBytea, OIDBytea}, OIDBytea, strAgg(true)).nonStrict = true
	evAgg("array_agg", []uint32{oidAnyNonArray}, OIDAnyArray, func(types []Type, _ Type) func() AggState {
		elem := types[0].OID
		return func() AggState {
			var out *Array
			return &funcState{
				step: func(ec *EvalContext, a []Datum) error {
					if out == nil {
						out = &Array{ElemOID: elem}
					}
					out.Elems = append(out.Elems, a[0])
					return evCheckCtxEvery(ec, len(out.Elems))
				},
				final: func() (Datum, error) {
					if out == nil {
						return nil, nil
					}
					return out, nil
				},
			}
		}
	}).nonStrict = true
	for _, name := range []string{"json_agg", "jsonb_agg"} {
		isB := name == "jsonb_agg"
		ret := OIDJSON
		if isB {
			ret = OIDJSONB
		}
		evAgg(name, []uint32{OIDAnyElement}, ret, func(types []Type, _ Type) func() AggState {
			t := types[0]
			if !isB {
				return func() AggState {
					var buf []byte
					return &funcState{
						step: func(ec *EvalContext, a []Datum) error {
							if buf == nil {
								buf = append(buf, '[')
							} else {
								buf = append(buf, ", "...)
							}
							v, err := evToJSONText(ec, t, a[0])
							buf = append(buf, v...)
							return err
						},
						final: func() (Datum, error) {
							if buf == nil {
								return nil, nil
							}
							return JSON(append(buf, ']')), nil
						},
					}
				}
			}
			return func() AggState {
				var out *jsonValue
				return &funcState{
					step: func(ec *EvalContext, a []Datum) error {
						if out == nil {
							out = &jsonValue{kind: jsonArray, arr: []*jsonValue{}}
						}
						v, err := evToJSONValue(ec, t, a[0])
						if err != nil {
							return err
						}
						if isB {
							normalizeJSONB(v)
						}
						out.arr = append(out.arr, v)
						return nil
					},
					final: func() (Datum, error) {
						if out == nil {
							return nil, nil
						}
						return evJSONOut(out), nil
					},
				}
			}
		}).nonStrict = true
	}
}

// evCheckCtxEvery checks for cancellation every 4096 rows, so huge groups
// stay cancelable without paying for a check per row.
func evCheckCtxEvery(ec *EvalContext, n int) error {
	if n&4095 != 0 {
		return nil
	}
	return evCheckCtx(ec)
}
