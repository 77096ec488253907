package sql

import (
	"fmt"
	"strings"
	"sync"
)

// The function catalog, like pg_proc: overloads by name, resolved with the
// same rules as operators.
var (
	evFuncsOnce sync.Once
	evFuncs     map[string][]*overload
)

func evFuncTable() map[string][]*overload {
	evFuncsOnce.Do(func() {
		evFuncs = map[string][]*overload{}
		evRegisterStringFuncs()
		evRegisterMathFuncs()
		evRegisterTimeFuncs()
		evRegisterJSONFuncs()
		evRegisterArrayFuncs()
		evRegisterCatalogFuncs()
		evRegisterFormatFuncs()
	})
	return evFuncs
}

// evFn registers one overload of a function.
func evFn(name string, args []uint32, ret uint32, fn evalFn) *overload {
	o := &overload{args: args, ret: ret, fn: fn}
	evFuncs[name] = append(evFuncs[name], o)
	return o
}

// evSessionFuncTypes are the built-ins served by the session through
// ec.Session.CallSessionFunc, with their result types.
var evSessionFuncTypes = map[string]Type{
	"nextval": TypeInt8, "currval": TypeInt8, "setval": TypeInt8, "lastval": TypeInt8,
	"current_database": TypeName, "current_schema": TypeName, "current_user": TypeName,
	"session_user": TypeName, "user": TypeName, "current_role": TypeName,
	"version": TypeText, "pg_backend_pid": TypeInt4, "current_setting": TypeText, "set_config": TypeText,
}

// IsSessionFunc reports whether name is served by the session (see
// NewSessionFunc) and returns its result type.
func IsSessionFunc(name string) (Type, bool) {
	t, ok := evSessionFuncTypes[name]
	return t, ok
}

// NewFunc resolves a call of the scalar built-in function name (lower
// case, schema stripped) and inserts the implicit casts PostgreSQL would.
// Unknown names or argument types raise 42883 with PostgreSQL's wording.
func NewFunc(name string, args []Expr) (Expr, error) {
	name = strings.TrimPrefix(name, "pg_catalog.")
	if t, ok := evSessionFuncTypes[name]; ok {
		conv := make([]Expr, len(args))
		for i, a := range args {
			c, err := evCoerce(a, evSessionArgType(a), false)
			if err != nil {
				return nil, err
			}
			conv[i] = c
		}
		return NewSessionFunc(name, conv, t), nil
	}
	cands := evFuncTable()[name]
	if len(cands) == 0 && IsAggregate(name) {
		return nil, Errorf(CodeGroupingError, "aggregate function %s called in a scalar context", name)
	}
	e, amb, err := evBuildCall(name, false, cands, args)
	if err != nil {
		return nil, err
	}
	if e == nil {
		if amb {
			return nil, Errorf(CodeAmbiguousFunction, "function %s(%s) is not unique", name, evArgList(args)).
				WithHint("Could not choose a best candidate function. You might need to add explicit type casts.")
		}
		return nil, Errorf(CodeUndefinedFunction, "function %s(%s) does not exist", name, evArgList(args)).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	return e, nil
}

// evSessionArgType gives untyped session-function arguments a type
// (text); typed ones keep theirs.
func evSessionArgType(a Expr) Type {
	if evIsUnknown(a) {
		return TypeText
	}
	return a.Type()
}

// --- arrays ---

// arrayExpr is ARRAY[e1, e2, ...].
type arrayExpr struct {
	elems []Expr
	typ   Type
	elem  uint32
}

func (n *arrayExpr) Type() Type             { return n.typ }
func (n *arrayExpr) volatility() volatility { return volImmutable }
func (n *arrayExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapList(f, n.elems)
}

// Eval implements Expr.
func (n *arrayExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	out := &Array{ElemOID: n.elem, Elems: make([]Datum, len(n.elems))}
	for i, e := range n.elems {
		v, err := e.Eval(ec, row)
		if err != nil {
			return nil, err
		}
		out.Elems[i] = v
	}
	return out, nil
}

func (n *arrayExpr) String() string { return fmt.Sprintf("ARRAY%v", n.elems) }

// NewArrayExpr builds ARRAY[elems...] over the elements' common type; an
// empty ARRAY[] is text[] (the planner casts it when the context knows better).
func NewArrayExpr(elems []Expr) (Expr, error) {
	conv, t, err := evCoerceAll("ARRAY", elems)
	if err != nil {
		return nil, err
	}
	if len(elems) == 0 {
		t = TypeText
	}
	at, ok := ArrayOf(t.OID)
	if !ok {
		return nil, Errorf(CodeUndefinedObject, "could not find array type for data type %s", evTypeName(t))
	}
	return &arrayExpr{elems: conv, typ: Type{OID: at, Typmod: -1}, elem: t.OID}, nil
}

// subscriptExpr is arr[i] (1-based; outside the bounds is NULL).
type subscriptExpr struct {
	arr, idx Expr
	typ      Type
}

func (n *subscriptExpr) Type() Type             { return n.typ }
func (n *subscriptExpr) volatility() volatility { return volImmutable }
func (n *subscriptExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapEach(f, &n.arr, &n.idx)
}

// Eval implements Expr.
func (n *subscriptExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	a, err := n.arr.Eval(ec, row)
	if err != nil || a == nil {
		return nil, err
	}
	i, err := n.idx.Eval(ec, row)
	if err != nil || i == nil {
		return nil, err
	}
	arr, ok := a.(*Array)
	if !ok {
		return nil, Errorf(CodeInternalError, "subscript of a non-array")
	}
	k := i.(int64)
	if k < 1 || k > int64(len(arr.Elems)) {
		return nil, nil
	}
	return arr.Elems[k-1], nil
}

func (n *subscriptExpr) String() string { return fmt.Sprintf("%v[%v]", n.arr, n.idx) }

// NewSubscript builds arr[idx]; idx is coerced to integer.
func NewSubscript(arr Expr, idx Expr) (Expr, error) {
	elem, ok := ElemOf(arr.Type().OID)
	if !ok {
		return nil, Errorf(CodeDatatypeMismatch, "cannot subscript type %s because it does not support subscripting", evTypeName(arr.Type()))
	}
	it := idx.Type()
	if it.OID != OIDInt4 {
		if it.OID != OIDUnknown && it.OID != OIDInt2 && !CanCastAssignment(it, TypeInt4) {
			return nil, Errorf(CodeDatatypeMismatch, "array subscript must have type integer")
		}
		var err error
		if idx, err = evCoerce(idx, TypeInt4, true); err != nil {
			return nil, err
		}
	}
	return &subscriptExpr{arr: arr, idx: idx, typ: Type{OID: elem, Typmod: -1}}, nil
}

func evArrayCat(a, b Datum) (Datum, error) {
	if a == nil {
		return b, nil
	}
	if b == nil {
		return a, nil
	}
	x, y := a.(*Array), b.(*Array)
	out := &Array{ElemOID: x.ElemOID, Elems: make([]Datum, 0, len(x.Elems)+len(y.Elems))}
	out.Elems = append(append(out.Elems, x.Elems...), y.Elems...)
	return out, nil
}

func evArrayAppend(a, e Datum, elem uint32) (Datum, error) {
	var out *Array
	if a == nil {
		out = &Array{ElemOID: elem}
	} else {
		x := a.(*Array)
		out = &Array{ElemOID: x.ElemOID, Elems: append(append(make([]Datum, 0, len(x.Elems)+1), x.Elems...), e)}
		return out, nil
	}
	out.Elems = []Datum{e}
	return out, nil
}

func evArrayPrepend(e, a Datum, elem uint32) (Datum, error) {
	if a == nil {
		return &Array{ElemOID: elem, Elems: []Datum{e}}, nil
	}
	x := a.(*Array)
	out := &Array{ElemOID: x.ElemOID, Elems: make([]Datum, 0, len(x.Elems)+1)}
	out.Elems = append(append(out.Elems, e), x.Elems...)
	return out, nil
}

func evRegisterArrayFuncs() {
	dimOK := func(args []Datum) (*Array, bool) {
		a := args[0].(*Array)
		return a, args[1].(int64) == 1 && len(a.Elems) > 0
	}
	evFn("array_length", []uint32{OIDAnyArray, OIDInt4}, OIDInt4, func(_ *EvalContext, args []Datum) (Datum, error) {
		a, ok := dimOK(args)
		if !ok {
			return nil, nil
		}
		return int64(len(a.Elems)), nil
	})
	evFn("array_upper", []uint32{OIDAnyArray, OIDInt4}, OIDInt4, func(_ *EvalContext, args []Datum) (Datum, error) {
		a, ok := dimOK(args)
		if !ok {
			return nil, nil
		}
		return int64(len(a.Elems)), nil
	})
	evFn("array_lower", []uint32{OIDAnyArray, OIDInt4}, OIDInt4, func(_ *EvalContext, args []Datum) (Datum, error) {
		if _, ok := dimOK(args); !ok {
			return nil, nil
		}
		return int64(1), nil
	})
	evFn("array_ndims", []uint32{OIDAnyArray}, OIDInt4, func(_ *EvalContext, args []Datum) (Datum, error) {
		if len(args[0].(*Array).Elems) == 0 {
			return nil, nil
		}
		return int64(1), nil
	})
	evFn("cardinality", []uint32{OIDAnyArray}, OIDInt4, func(_ *EvalContext, args []Datum) (Datum, error) {
		return int64(len(args[0].(*Array).Elems)), nil
	})
	o := evFn("array_append", []uint32{OIDAnyArray, OIDAnyElement}, OIDAnyArray, nil)
	o.nonStrict = true
	o.bind = func(types []Type) evalFn {
		elem := types[1].OID
		return func(_ *EvalContext, args []Datum) (Datum, error) { return evArrayAppend(args[0], args[1], elem) }
	}
	o = evFn("array_prepend", []uint32{OIDAnyElement, OIDAnyArray}, OIDAnyArray, nil)
	o.nonStrict = true
	o.bind = func(types []Type) evalFn {
		elem := types[0].OID
		return func(_ *EvalContext, args []Datum) (Datum, error) { return evArrayPrepend(args[0], args[1], elem) }
	}
	o = evFn("array_cat", []uint32{OIDAnyArray, OIDAnyArray}, OIDAnyArray, func(_ *EvalContext, args []Datum) (Datum, error) {
		return evArrayCat(args[0], args[1])
	})
	o.nonStrict = true
	posFn := func(types []Type) evalFn {
		et := Type{OID: types[1].OID, Typmod: -1}
		return func(_ *EvalContext, args []Datum) (Datum, error) {
			if args[0] == nil {
				return nil, nil
			}
			start := int64(1)
			if len(args) > 2 {
				if args[2] == nil {
					return nil, Errorf(CodeNullValueNotAllowed, "initial position must not be null")
				}
				start = args[2].(int64)
			}
			for i, e := range args[0].(*Array).Elems {
				if int64(i+1) < start {
					continue
				}
				if (e == nil && args[1] == nil) || (e != nil && args[1] != nil && Compare(et, e, args[1]) == 0) {
					return int64(i + 1), nil
				}
			}
			return nil, nil
		}
	}
	o = evFn("array_position", []uint32{OIDAnyArray, OIDAnyElement}, OIDInt4, nil)
	o.nonStrict, o.bind = true, posFn
	o = evFn("array_position", []uint32{OIDAnyArray, OIDAnyElement, OIDInt4}, OIDInt4, nil)
	o.nonStrict, o.bind = true, posFn
	o = evFn("array_remove", []uint32{OIDAnyArray, OIDAnyElement}, OIDAnyArray, nil)
	o.nonStrict = true
	o.bind = func(types []Type) evalFn {
		et := Type{OID: types[1].OID, Typmod: -1}
		return func(_ *EvalContext, args []Datum) (Datum, error) {
			if args[0] == nil {
				return nil, nil
			}
			a := args[0].(*Array)
			out := &Array{ElemOID: a.ElemOID, Elems: []Datum{}}
			for _, e := range a.Elems {
				if (e == nil && args[1] == nil) || (e != nil && args[1] != nil && Compare(et, e, args[1]) == 0) {
					continue
				}
				out.Elems = append(out.Elems, e)
			}
			return out, nil
		}
	}
	a2s := func(types []Type) evalFn {
		et := Type{OID: 0, Typmod: -1}
		if e, ok := ElemOf(types[0].OID); ok {
			et.OID = e
		}
		return func(ec *EvalContext, args []Datum) (Datum, error) {
			if args[0] == nil || args[1] == nil {
				return nil, nil
			}
			var nullStr *string
			if len(args) > 2 && args[2] != nil {
				s := args[2].(string)
				nullStr = &s
			}
			var b strings.Builder
			first := true
			for _, e := range args[0].(*Array).Elems {
				if e == nil && nullStr == nil {
					continue
				}
				if !first {
					b.WriteString(args[1].(string))
				}
				first = false
				if e == nil {
					b.WriteString(*nullStr)
				} else {
					b.WriteString(evText(ec, et, e))
				}
			}
			return b.String(), nil
		}
	}
	o = evFn("array_to_string", []uint32{OIDAnyArray, OIDText}, OIDText, nil)
	o.bind = a2s
	o = evFn("array_to_string", []uint32{OIDAnyArray, OIDText, OIDText}, OIDText, nil)
	o.nonStrict, o.bind = true, a2s
	s2a := func(ec *EvalContext, args []Datum) (Datum, error) {
		if args[0] == nil {
			return nil, nil
		}
		s := args[0].(string)
		out := &Array{ElemOID: OIDText, Elems: []Datum{}}
		if s == "" {
			return out, nil
		}
		var parts []string
		switch {
		case args[1] == nil:
			for _, r := range s {
				parts = append(parts, string(r))
			}
		case args[1].(string) == "":
			parts = []string{s}
		default:
			parts = strings.Split(s, args[1].(string))
		}
		for _, p := range parts {
			if len(args) > 2 && args[2] != nil && p == args[2].(string) {
				out.Elems = append(out.Elems, nil)
			} else {
				out.Elems = append(out.Elems, p)
			}
		}
		return out, nil
	}
	evFn("string_to_array", []uint32{OIDText, OIDText}, OIDTextArray, s2a).nonStrict = true
	evFn("string_to_array", []uint32{OIDText, OIDText, OIDText}, OIDTextArray, s2a).nonStrict = true
}
