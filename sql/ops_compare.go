package sql

import (
	"fmt"
	"strings"
)

// evCmpTypes are the types with their own btree comparison operators.
var evCmpTypes = []uint32{
	OIDBool, OIDNumeric, OIDText, OIDBpchar, OIDName, OIDChar, OIDBytea, OIDDate, OIDTime,
	OIDTimestamp, OIDTimestampTZ, OIDInterval, OIDUUID, OIDJSONB, OIDOid,
}

var evCmpOps = []string{"=", "<>", "<", "<=", ">", ">="}

// evCmpResult turns a three-way comparison into the operator's answer.
func evCmpResult(op string, c int) bool {
	switch op {
	case "=":
		return c == 0
	case "<>":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

func evRegisterCompare() {
	for _, op := range evCmpOps {
		op := op
		for _, t := range evCmpTypes {
			ct := Type{OID: t, Typmod: -1}
			evBin(op, t, t, OIDBool, func(_ *EvalContext, a, b Datum) (Datum, error) {
				return evCmpResult(op, Compare(ct, a, b)), nil
			})
		}
		// Integers compare across widths (int24eq, int84lt, ...).
		for _, l := range evIntOIDs {
			for _, r := range evIntOIDs {
				evBin(op, l, r, OIDBool, func(_ *EvalContext, a, b Datum) (Datum, error) {
					return evCmpResult(op, Compare(TypeInt8, a, b)), nil
				})
			}
		}
		for _, l := range []uint32{OIDFloat4, OIDFloat8} {
			for _, r := range []uint32{OIDFloat4, OIDFloat8} {
				evBin(op, l, r, OIDBool, func(_ *EvalContext, a, b Datum) (Datum, error) {
					return evCmpResult(op, Compare(TypeFloat8, a, b)), nil
				})
			}
		}
		// Arrays compare element by element (array_eq, array_lt, ...).
		evBin(op, OIDAnyArray, OIDAnyArray, OIDBool, nil).fn = func(_ *EvalContext, args []Datum) (Datum, error) {
			a, ok1 := args[0].(*Array)
			b, ok2 := args[1].(*Array)
			if !ok1 || !ok2 {
				return nil, Errorf(CodeInternalError, "array comparison on non-arrays")
			}
			t := Type{OID: OIDAnyArray, Typmod: -1}
			if at, ok := ArrayOf(a.ElemOID); ok {
				t.OID = at
			}
			return evCmpResult(op, Compare(t, a, b)), nil
		}
	}
}

// evOpFunc resolves binary operator op for values of types lt and rt and
// returns a strict function over already-evaluated values that applies
// the casts resolution chose.
func evOpFunc(op string, lt, rt Type) (func(ec *EvalContext, a, b Datum) (Datum, error), error) {
	l := &ColRef{Index: 0, Typ: lt, Name: "l"}
	r := &ColRef{Index: 1, Typ: rt, Name: "r"}
	e, err := NewBinaryOp(op, l, r)
	if err != nil {
		return nil, err
	}
	return func(ec *EvalContext, a, b Datum) (Datum, error) {
		return e.Eval(ec, []Datum{a, b})
	}, nil
}

// evUnifyPair coerces an untyped side to the other side's type, as
// PostgreSQL does for `x = 'lit'` and `$1 = col`.
func evUnifyPair(l, r Expr) (Expr, Expr, error) {
	var err error
	switch {
	case evIsUnknown(l) && !evIsUnknown(r):
		l, err = evCoerce(l, r.Type(), false)
	case evIsUnknown(r) && !evIsUnknown(l):
		r, err = evCoerce(r, l.Type(), false)
	case evIsUnknown(l) && evIsUnknown(r):
		if l, err = evCoerce(l, TypeText, false); err == nil {
			r, err = evCoerce(r, TypeText, false)
		}
	}
	return l, r, err
}

// inExpr is x IN (list): true if any element equals x; otherwise NULL if
// x or any element is NULL; otherwise false.
type inExpr struct {
	x      Expr
	list   []Expr
	eq     func(ec *EvalContext, a, b Datum) (Datum, error)
	negate bool
}

func (n *inExpr) Type() Type             { return TypeBool }
func (n *inExpr) volatility() volatility { return volImmutable }
func (n *inExpr) mapChildren(f func(Expr) (Expr, error)) error {
	if err := evMapEach(f, &n.x); err != nil {
		return err
	}
	return evMapList(f, n.list)
}

// Eval implements Expr.
func (n *inExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	x, err := n.x.Eval(ec, row)
	if err != nil {
		return nil, err
	}
	if x == nil {
		return nil, nil
	}
	sawNull := false
	for _, e := range n.list {
		v, err := e.Eval(ec, row)
		if err != nil {
			return nil, err
		}
		if v == nil {
			sawNull = true
			continue
		}
		r, err := n.eq(ec, x, v)
		if err != nil {
			return nil, err
		}
		if r == nil {
			sawNull = true
		} else if r.(bool) {
			return !n.negate, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return n.negate, nil
}

func (n *inExpr) String() string {
	parts := make([]string, len(n.list))
	for i, e := range n.list {
		parts[i] = fmt.Sprint(e)
	}
	not := ""
	if n.negate {
		not = "NOT "
	}
	return fmt.Sprintf("(%v %sIN (%s))", n.x, not, strings.Join(parts, ", "))
}

// NewIn builds x IN (list) / x NOT IN (list) with SQL's NULL semantics.
// When the values share a common type it is compared with that type's =;
// otherwise each element gets its own resolved = (PostgreSQL's OR form).
func NewIn(e Expr, list []Expr, negate bool) (Expr, error) {
	types := make([]Type, 0, len(list)+1)
	types = append(types, e.Type())
	for _, l := range list {
		types = append(types, l.Type())
	}
	if ct, err := CommonTypeIn("IN", types); err == nil {
		x, err := evCoerce(e, ct, false)
		if err != nil {
			return nil, err
		}
		conv := make([]Expr, len(list))
		for i, l := range list {
			if conv[i], err = evCoerce(l, ct, false); err != nil {
				return nil, err
			}
		}
		eq, err := evOpFunc("=", ct, ct)
		if err != nil {
			return nil, err
		}
		return &inExpr{x: x, list: conv, eq: eq, negate: negate}, nil
	}
	// Mixed types: x = a OR x = b ... (or, negated, x <> a AND ...).
	op := "="
	if negate {
		op = "<>"
	}
	terms := make([]Expr, len(list))
	for i, l := range list {
		t, err := NewBinaryOp(op, e, l)
		if err != nil {
			return nil, err
		}
		terms[i] = t
	}
	if negate {
		return NewAnd(terms...), nil
	}
	return NewOr(terms...), nil
}

// scalarArrayExpr is x op ANY(array) / x op ALL(array).
type scalarArrayExpr struct {
	op    string
	x     Expr
	arr   Expr
	fn    func(ec *EvalContext, a, b Datum) (Datum, error)
	useOr bool
}

func (n *scalarArrayExpr) Type() Type             { return TypeBool }
func (n *scalarArrayExpr) volatility() volatility { return volImmutable }
func (n *scalarArrayExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapEach(f, &n.x, &n.arr)
}

// Eval implements Expr. An empty array gives false (ANY) or true (ALL) even
// for a NULL x, as in PostgreSQL.
func (n *scalarArrayExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	x, err := n.x.Eval(ec, row)
	if err != nil {
		return nil, err
	}
	av, err := n.arr.Eval(ec, row)
	if err != nil || av == nil {
		return nil, err
	}
	arr, ok := av.(*Array)
	if !ok {
		return nil, Errorf(CodeInternalError, "ANY/ALL over a non-array")
	}
	if len(arr.Elems) == 0 {
		return !n.useOr, nil
	}
	if x == nil {
		return nil, nil
	}
	sawNull := false
	for _, el := range arr.Elems {
		if el == nil {
			sawNull = true
			continue
		}
		r, err := n.fn(ec, x, el)
		if err != nil {
			return nil, err
		}
		if r == nil {
			sawNull = true
			continue
		}
		if b := r.(bool); b == n.useOr {
			return b, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return !n.useOr, nil
}

func (n *scalarArrayExpr) String() string {
	q := "ALL"
	if n.useOr {
		q = "ANY"
	}
	return fmt.Sprintf("(%v %s %s(%v))", n.x, n.op, q, n.arr)
}

// NewScalarArrayOp builds `l op ANY(arr)` (useOr) or `l op ALL(arr)`.
func NewScalarArrayOp(op string, l Expr, arr Expr, useOr bool) (Expr, error) {
	if op == "!=" {
		op = "<>"
	}
	var err error
	at := arr.Type()
	if at.OID == OIDUnknown {
		lt := l.Type()
		if lt.OID == OIDUnknown {
			if l, err = evCoerce(l, TypeText, false); err != nil {
				return nil, err
			}
			lt = TypeText
		}
		a, ok := ArrayOf(lt.OID)
		if !ok {
			return nil, Errorf(CodeUndefinedFunction, "could not find array type for data type %s", evTypeName(lt))
		}
		if arr, err = evCoerce(arr, Type{OID: a, Typmod: -1}, false); err != nil {
			return nil, err
		}
		at = arr.Type()
	}
	elem, ok := ElemOf(at.OID)
	if !ok {
		return nil, Errorf(CodeWrongObjectType, "op ANY/ALL (array) requires array on right side")
	}
	et := Type{OID: elem, Typmod: -1}
	if evIsUnknown(l) {
		if l, err = evCoerce(l, et, false); err != nil {
			return nil, err
		}
	}
	fn, err := evOpFunc(op, l.Type(), et)
	if err != nil {
		if se, ok := err.(*Error); ok && se.Code == CodeUndefinedFunction {
			return nil, evNoOperator(op, []Expr{l, &ColRef{Typ: et}})
		}
		return nil, err
	}
	return &scalarArrayExpr{op: op, x: l, arr: arr, fn: fn, useOr: useOr}, nil
}

// isNullExpr is IS [NOT] NULL.
type isNullExpr struct {
	arg    Expr
	negate bool
}

func (n *isNullExpr) Type() Type             { return TypeBool }
func (n *isNullExpr) volatility() volatility { return volImmutable }
func (n *isNullExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapEach(f, &n.arg)
}

// Eval implements Expr; a row value is NULL only when all its fields are.
func (n *isNullExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	v, err := n.arg.Eval(ec, row)
	if err != nil {
		return nil, err
	}
	isNull := v == nil
	if r, ok := v.(*Record); ok {
		isNull = true
		for _, f := range r.Fields {
			if f != nil {
				isNull = false
			}
		}
		if n.negate {
			for _, f := range r.Fields {
				if f == nil {
					return false, nil
				}
			}
			return true, nil
		}
	}
	return isNull != n.negate, nil
}

func (n *isNullExpr) String() string {
	if n.negate {
		return fmt.Sprintf("(%v IS NOT NULL)", n.arg)
	}
	return fmt.Sprintf("(%v IS NULL)", n.arg)
}

// NewIsNull builds e IS NULL (or IS NOT NULL when negate).
func NewIsNull(e Expr, negate bool) Expr { return &isNullExpr{arg: e, negate: negate} }

// distinctExpr is IS [NOT] DISTINCT FROM: NULLs compare as equal values.
type distinctExpr struct {
	l, r   Expr
	eq     func(ec *EvalContext, a, b Datum) (Datum, error)
	negate bool
}

func (n *distinctExpr) Type() Type             { return TypeBool }
func (n *distinctExpr) volatility() volatility { return volImmutable }
func (n *distinctExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapEach(f, &n.l, &n.r)
}

// Eval implements Expr.
func (n *distinctExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	a, err := n.l.Eval(ec, row)
	if err != nil {
		return nil, err
	}
	b, err := n.r.Eval(ec, row)
	if err != nil {
		return nil, err
	}
	var distinct bool
	switch {
	case a == nil && b == nil:
		distinct = false
	case a == nil || b == nil:
		distinct = true
	default:
		r, err := n.eq(ec, a, b)
		if err != nil {
			return nil, err
		}
		distinct = r == nil || !r.(bool)
	}
	return distinct != n.negate, nil
}

func (n *distinctExpr) String() string {
	not := ""
	if n.negate {
		not = "NOT "
	}
	return fmt.Sprintf("(%v IS %sDISTINCT FROM %v)", n.l, not, n.r)
}

// NewIsDistinctFrom builds l IS DISTINCT FROM r (IS NOT DISTINCT FROM when
// negate), resolving = as PostgreSQL does.
func NewIsDistinctFrom(l, r Expr, negate bool) (Expr, error) {
	l, r, err := evUnifyPair(l, r)
	if err != nil {
		return nil, err
	}
	eqE, err := NewBinaryOp("=", l, r)
	if err != nil {
		return nil, err
	}
	call, ok := eqE.(*callExpr)
	if !ok || len(call.args) != 2 {
		return nil, Errorf(CodeInternalError, "unexpected = operator shape")
	}
	// Keep the casts resolution inserted by evaluating through them.
	lc, rc := call.args[0], call.args[1]
	fn := call.fn
	return &distinctExpr{l: lc, r: rc, negate: negate, eq: func(ec *EvalContext, a, b Datum) (Datum, error) {
		return fn(ec, []Datum{a, b})
	}}, nil
}

// boolTestExpr is IS [NOT] TRUE / FALSE / UNKNOWN: never NULL.
type boolTestExpr struct {
	arg  Expr
	kind string
}

func (n *boolTestExpr) Type() Type             { return TypeBool }
func (n *boolTestExpr) volatility() volatility { return volImmutable }
func (n *boolTestExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapEach(f, &n.arg)
}

// Eval implements Expr.
func (n *boolTestExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	v, err := n.arg.Eval(ec, row)
	if err != nil {
		return nil, err
	}
	b, isBool := v.(bool)
	switch n.kind {
	case "IS TRUE":
		return isBool && b, nil
	case "IS NOT TRUE":
		return !(isBool && b), nil
	case "IS FALSE":
		return isBool && !b, nil
	case "IS NOT FALSE":
		return !(isBool && !b), nil
	case "IS UNKNOWN":
		return v == nil, nil
	default: // IS NOT UNKNOWN
		return v != nil, nil
	}
}

func (n *boolTestExpr) String() string { return fmt.Sprintf("(%v %s)", n.arg, n.kind) }

// NewBoolTest builds e IS [NOT] TRUE|FALSE|UNKNOWN; kind may be spelled
// "IS NOT TRUE" or as pg_query's BoolTestType ("IS_NOT_TRUE").
func NewBoolTest(e Expr, kind string) (Expr, error) {
	k := strings.ToUpper(strings.ReplaceAll(kind, "_", " "))
	if !strings.HasPrefix(k, "IS ") {
		k = "IS " + k
	}
	switch k {
	case "IS TRUE", "IS NOT TRUE", "IS FALSE", "IS NOT FALSE", "IS UNKNOWN", "IS NOT UNKNOWN":
	default:
		return nil, Errorf(CodeSyntaxError, "unrecognized boolean test %q", kind)
	}
	c, err := CoerceToBool(e, k)
	if err != nil {
		return nil, err
	}
	return &boolTestExpr{arg: c, kind: k}, nil
}

// coalesceExpr returns its first non-NULL argument, evaluating no further.
type coalesceExpr struct {
	args []Expr
	typ  Type
}

func (n *coalesceExpr) Type() Type             { return n.typ }
func (n *coalesceExpr) volatility() volatility { return volImmutable }
func (n *coalesceExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapList(f, n.args)
}

// Eval implements Expr.
func (n *coalesceExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	for _, a := range n.args {
		v, err := a.Eval(ec, row)
		if err != nil || v != nil {
			return v, err
		}
	}
	return nil, nil
}

func (n *coalesceExpr) String() string { return fmt.Sprintf("COALESCE(%v)", n.args) }

// evCoerceAll resolves the common type of args for construct and coerces
// every argument to it.
func evCoerceAll(construct string, args []Expr) ([]Expr, Type, error) {
	types := make([]Type, len(args))
	for i, a := range args {
		types[i] = a.Type()
	}
	t, err := CommonTypeIn(construct, types)
	if err != nil {
		return nil, Type{}, err
	}
	out := make([]Expr, len(args))
	for i, a := range args {
		if out[i], err = evCoerce(a, t, false); err != nil {
			return nil, Type{}, err
		}
	}
	return out, t, nil
}

// NewCoalesce builds COALESCE(args...) with the arguments' common type.
func NewCoalesce(args []Expr) (Expr, error) {
	conv, t, err := evCoerceAll("COALESCE", args)
	if err != nil {
		return nil, err
	}
	return &coalesceExpr{args: conv, typ: t}, nil
}

// NewNullIf builds NULLIF(a, b): NULL when a = b, else a.
func NewNullIf(a, b Expr) (Expr, error) {
	a, b, err := evUnifyPair(a, b)
	if err != nil {
		return nil, err
	}
	eqE, err := NewBinaryOp("=", a, b)
	if err != nil {
		return nil, err
	}
	call, ok := eqE.(*callExpr)
	if !ok {
		return nil, Errorf(CodeInternalError, "unexpected = operator shape")
	}
	return &nullIfExpr{a: a, eq: call}, nil
}

// nullIfExpr returns a's own value (uncast); the comparison evaluates a
// again through the resolved = operator and its casts.
type nullIfExpr struct {
	a  Expr
	eq *callExpr
}

func (n *nullIfExpr) Type() Type             { return n.a.Type() }
func (n *nullIfExpr) volatility() volatility { return volImmutable }
func (n *nullIfExpr) mapChildren(f func(Expr) (Expr, error)) error {
	if err := evMapEach(f, &n.a); err != nil {
		return err
	}
	// The = call shares a as its first argument (possibly under a cast).
	return n.eq.mapChildren(f)
}

// Eval implements Expr.
func (n *nullIfExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	v, err := n.a.Eval(ec, row)
	if err != nil || v == nil {
		return v, err
	}
	r, err := n.eq.Eval(ec, row)
	if err != nil {
		return nil, err
	}
	if b, ok := r.(bool); ok && b {
		return nil, nil
	}
	return v, nil
}

func (n *nullIfExpr) String() string { return fmt.Sprintf("NULLIF(%v)", n.eq.args) }

// minMaxExpr is GREATEST/LEAST: NULLs are ignored, all-NULL gives NULL.
type minMaxExpr struct {
	args     []Expr
	typ      Type
	greatest bool
}

func (n *minMaxExpr) Type() Type             { return n.typ }
func (n *minMaxExpr) volatility() volatility { return volImmutable }
func (n *minMaxExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapList(f, n.args)
}

// Eval implements Expr.
func (n *minMaxExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	var best Datum
	for _, a := range n.args {
		v, err := a.Eval(ec, row)
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		if best == nil {
			best = v
			continue
		}
		c := Compare(n.typ, v, best)
		if (n.greatest && c > 0) || (!n.greatest && c < 0) {
			best = v
		}
	}
	return best, nil
}

func (n *minMaxExpr) String() string {
	if n.greatest {
		return fmt.Sprintf("GREATEST(%v)", n.args)
	}
	return fmt.Sprintf("LEAST(%v)", n.args)
}

// NewGreatest builds GREATEST(args...).
func NewGreatest(args []Expr) (Expr, error) {
	conv, t, err := evCoerceAll("GREATEST", args)
	if err != nil {
		return nil, err
	}
	return &minMaxExpr{args: conv, typ: t, greatest: true}, nil
}

// NewLeast builds LEAST(args...).
func NewLeast(args []Expr) (Expr, error) {
	conv, t, err := evCoerceAll("LEAST", args)
	if err != nil {
		return nil, err
	}
	return &minMaxExpr{args: conv, typ: t}, nil
}

// caseExpr is a searched CASE; the simple form is rewritten to it with the
// operand evaluated once per row.
type caseExpr struct {
	operand Expr // nil for searched CASE
	// eqs compare the operand (row slot 0 of a scratch row) with each WHEN.
	eqs   []func(ec *EvalContext, a, b Datum) (Datum, error)
	whens []Expr
	thens []Expr
	els   Expr
	typ   Type
}

func (n *caseExpr) Type() Type             { return n.typ }
func (n *caseExpr) volatility() volatility { return volImmutable }
func (n *caseExpr) mapChildren(f func(Expr) (Expr, error)) error {
	if err := evMapEach(f, &n.operand); err != nil {
		return err
	}
	for i := range n.whens {
		if err := evMapEach(f, &n.whens[i], &n.thens[i]); err != nil {
			return err
		}
	}
	return evMapEach(f, &n.els)
}

// Eval implements Expr: branches are evaluated lazily, so a THEN that would
// fail is harmless unless chosen.
func (n *caseExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	var op Datum
	if n.operand != nil {
		v, err := n.operand.Eval(ec, row)
		if err != nil {
			return nil, err
		}
		op = v
	}
	for i, w := range n.whens {
		v, err := w.Eval(ec, row)
		if err != nil {
			return nil, err
		}
		if n.operand != nil {
			if op == nil || v == nil {
				continue
			}
			if v, err = n.eqs[i](ec, op, v); err != nil {
				return nil, err
			}
		}
		if b, ok := v.(bool); ok && b {
			return n.thens[i].Eval(ec, row)
		}
	}
	return n.els.Eval(ec, row)
}

func (n *caseExpr) String() string { return fmt.Sprintf("CASE(%v)", n.whens) }

// NewCase builds CASE [operand] WHEN ... THEN ... [ELSE ...] END; the result
// type is the common type of the THEN and ELSE branches.
func NewCase(operand Expr, whens []Expr, thens []Expr, els Expr) (Expr, error) {
	if len(whens) != len(thens) || len(whens) == 0 {
		return nil, Errorf(CodeSyntaxError, "CASE needs matching WHEN and THEN clauses")
	}
	n := &caseExpr{operand: operand}
	n.whens = make([]Expr, len(whens))
	for i, w := range whens {
		if operand == nil {
			c, err := CoerceToBool(w, "CASE/WHEN")
			if err != nil {
				return nil, err
			}
			n.whens[i] = c
			continue
		}
		o, wc, err := evUnifyPair(operand, w)
		if err != nil {
			return nil, err
		}
		if o != operand && i == 0 {
			n.operand = o
		}
		fn, err := evOpFunc("=", n.operand.Type(), wc.Type())
		if err != nil {
			return nil, err
		}
		n.whens[i] = wc
		n.eqs = append(n.eqs, fn)
	}
	results := append(append([]Expr{}, thens...), els)
	if els == nil {
		results = results[:len(thens)]
	}
	conv, t, err := evCoerceAll("CASE", results)
	if err != nil {
		return nil, err
	}
	n.thens = conv[:len(thens)]
	if els != nil {
		n.els = conv[len(thens)]
	} else {
		n.els = &Const{Typ: t}
	}
	n.typ = t
	return n, nil
}
