package sql

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/cockroachdb/apd/v3"
)

// The operator catalog: like pg_operator, one overload per argument-type
// signature, resolved by evResolve.
var (
	evOpsOnce sync.Once
	evBinOps  map[string][]*overload
	evUnOps   map[string][]*overload
)

func evOps() (bin, un map[string][]*overload) {
	evOpsOnce.Do(func() {
		evBinOps = map[string][]*overload{}
		evUnOps = map[string][]*overload{}
		evRegisterArith()
		evRegisterCompare()
		evRegisterStringOps()
		evRegisterJSONOps()
	})
	return evBinOps, evUnOps
}

func evBin(name string, l, r, ret uint32, fn func(ec *EvalContext, a, b Datum) (Datum, error)) *overload {
	o := &overload{args: []uint32{l, r}, ret: ret, fn: func(ec *EvalContext, args []Datum) (Datum, error) { return fn(ec, args[0], args[1]) }}
	evBinOps[name] = append(evBinOps[name], o)
	return o
}

func evUn(name string, t, ret uint32, fn func(ec *EvalContext, a Datum) (Datum, error)) *overload {
	o := &overload{args: []uint32{t}, ret: ret, fn: func(ec *EvalContext, args []Datum) (Datum, error) { return fn(ec, args[0]) }}
	evUnOps[name] = append(evUnOps[name], o)
	return o
}

var evIntOIDs = []uint32{OIDInt2, OIDInt4, OIDInt8}

func evIntRank(o uint32) int {
	switch o {
	case OIDInt2:
		return 0
	case OIDInt4:
		return 1
	}
	return 2
}

func evRegisterArith() {
	for _, l := range evIntOIDs {
		for _, r := range evIntOIDs {
			res := l
			if evIntRank(r) > evIntRank(l) {
				res = r
			}
			for _, op := range []string{"+", "-", "*", "/", "%"} {
				if op == "%" && l != r {
					continue // PostgreSQL has int2mod/int4mod/int8mod only
				}
				op, res := op, res
				evBin(op, l, r, res, func(_ *EvalContext, a, b Datum) (Datum, error) {
					return evIntArith(op, res, a.(int64), b.(int64))
				})
			}
		}
		l := l
		for _, op := range []string{"&", "|", "#"} {
			op := op
			evBin(op, l, l, l, func(_ *EvalContext, a, b Datum) (Datum, error) { return evIntArith(op, l, a.(int64), b.(int64)) })
		}
		for _, op := range []string{"<<", ">>"} {
			op := op
			evBin(op, l, OIDInt4, l, func(_ *EvalContext, a, b Datum) (Datum, error) { return evIntArith(op, l, a.(int64), b.(int64)) })
		}
		evUn("-", l, l, func(_ *EvalContext, a Datum) (Datum, error) { return evIntArith("-", l, 0, a.(int64)) })
		evUn("+", l, l, func(_ *EvalContext, a Datum) (Datum, error) { return a, nil })
		evUn("@", l, l, func(_ *EvalContext, a Datum) (Datum, error) {
			v := a.(int64)
			if v < 0 {
				return evIntArith("-", l, 0, v)
			}
			return v, nil
		})
		evUn("~", l, l, func(_ *EvalContext, a Datum) (Datum, error) { return ^a.(int64), nil })
	}
	floats := []uint32{OIDFloat4, OIDFloat8}
	for _, l := range floats {
		for _, r := range floats {
			is4 := l == OIDFloat4 && r == OIDFloat4
			res := OIDFloat8
			if is4 {
				res = OIDFloat4
			}
			for _, op := range []string{"+", "-", "*", "/"} {
				op := op
				evBin(op, l, r, res, func(_ *EvalContext, a, b Datum) (Datum, error) {
					return evFloatArith(op, is4, a.(float64), b.(float64))
				})
			}
		}
		l := l
		evUn("-", l, l, func(_ *EvalContext, a Datum) (Datum, error) { return -a.(float64), nil })
		evUn("+", l, l, func(_ *EvalContext, a Datum) (Datum, error) { return a, nil })
		evUn("@", l, l, func(_ *EvalContext, a Datum) (Datum, error) { return math.Abs(a.(float64)), nil })
	}
	evBin("^", OIDFloat8, OIDFloat8, OIDFloat8, func(_ *EvalContext, a, b Datum) (Datum, error) { return evFloatPow(a.(float64), b.(float64)) })
	evUn("|/", OIDFloat8, OIDFloat8, func(_ *EvalContext, a Datum) (Datum, error) { return evSqrtFloat(a.(float64)) })
	evUn("||/", OIDFloat8, OIDFloat8, func(_ *EvalContext, a Datum) (Datum, error) { return math.Cbrt(a.(float64)), nil })
	for _, op := range []string{"+", "-", "*", "/", "%", "^"} {
		op := op
		evBin(op, OIDNumeric, OIDNumeric, OIDNumeric, func(_ *EvalContext, a, b Datum) (Datum, error) {
			return evNumArith(op, a.(*apd.Decimal), b.(*apd.Decimal))
		})
	}
	evUn("-", OIDNumeric, OIDNumeric, func(_ *EvalContext, a Datum) (Datum, error) {
		d := a.(*apd.Decimal)
		r := new(apd.Decimal).Neg(d)
		if r.Form == apd.Finite && r.IsZero() {
			r.Negative = false
		}
		if d.Form == apd.NaN {
			return d, nil
		}
		return r, nil
	})
	evUn("+", OIDNumeric, OIDNumeric, func(_ *EvalContext, a Datum) (Datum, error) { return a, nil })
	evUn("@", OIDNumeric, OIDNumeric, func(_ *EvalContext, a Datum) (Datum, error) { return new(apd.Decimal).Abs(a.(*apd.Decimal)), nil })

	// Dates and times.
	evBin("+", OIDDate, OIDInt4, OIDDate, func(_ *EvalContext, a, b Datum) (Datum, error) { return evDateAddDays(a.(Date), b.(int64)) })
	evBin("+", OIDInt4, OIDDate, OIDDate, func(_ *EvalContext, a, b Datum) (Datum, error) { return evDateAddDays(b.(Date), a.(int64)) })
	evBin("-", OIDDate, OIDInt4, OIDDate, func(_ *EvalContext, a, b Datum) (Datum, error) { return evDateAddDays(a.(Date), -b.(int64)) })
	evBin("-", OIDDate, OIDDate, OIDInt4, func(_ *EvalContext, a, b Datum) (Datum, error) {
		x, y := a.(Date), b.(Date)
		if evDateInf(x) || evDateInf(y) {
			return nil, Errorf(CodeDatetimeFieldOverflow, "cannot subtract infinite dates")
		}
		return int64(x) - int64(y), nil
	})
	evBin("+", OIDDate, OIDInterval, OIDTimestamp, func(_ *EvalContext, a, b Datum) (Datum, error) {
		r, err := evAddInterval(evDateToTS(a.(Date)), b.(Interval), 1)
		return Timestamp(r), err
	})
	evBin("+", OIDInterval, OIDDate, OIDTimestamp, func(_ *EvalContext, a, b Datum) (Datum, error) {
		r, err := evAddInterval(evDateToTS(b.(Date)), a.(Interval), 1)
		return Timestamp(r), err
	})
	evBin("-", OIDDate, OIDInterval, OIDTimestamp, func(_ *EvalContext, a, b Datum) (Datum, error) {
		r, err := evAddInterval(evDateToTS(a.(Date)), b.(Interval), -1)
		return Timestamp(r), err
	})
	evBin("+", OIDDate, OIDTime, OIDTimestamp, func(_ *EvalContext, a, b Datum) (Datum, error) {
		return Timestamp(evDateToTS(a.(Date)) + int64(b.(Time))), nil
	})
	evBin("+", OIDTimestamp, OIDInterval, OIDTimestamp, func(_ *EvalContext, a, b Datum) (Datum, error) {
		r, err := evAddInterval(int64(a.(Timestamp)), b.(Interval), 1)
		return Timestamp(r), err
	})
	evBin("+", OIDInterval, OIDTimestamp, OIDTimestamp, func(_ *EvalContext, a, b Datum) (Datum, error) {
		r, err := evAddInterval(int64(b.(Timestamp)), a.(Interval), 1)
		return Timestamp(r), err
	})
	evBin("-", OIDTimestamp, OIDInterval, OIDTimestamp, func(_ *EvalContext, a, b Datum) (Datum, error) {
		r, err := evAddInterval(int64(a.(Timestamp)), b.(Interval), -1)
		return Timestamp(r), err
	})
	evBin("+", OIDTimestampTZ, OIDInterval, OIDTimestampTZ, func(ec *EvalContext, a, b Datum) (Datum, error) {
		r, err := evAddIntervalTZ(ec, int64(a.(TimestampTZ)), b.(Interval), 1)
		return TimestampTZ(r), err
	}).vol = volStable
	evBin("+", OIDInterval, OIDTimestampTZ, OIDTimestampTZ, func(ec *EvalContext, a, b Datum) (Datum, error) {
		r, err := evAddIntervalTZ(ec, int64(b.(TimestampTZ)), a.(Interval), 1)
		return TimestampTZ(r), err
	}).vol = volStable
	evBin("-", OIDTimestampTZ, OIDInterval, OIDTimestampTZ, func(ec *EvalContext, a, b Datum) (Datum, error) {
		r, err := evAddIntervalTZ(ec, int64(a.(TimestampTZ)), b.(Interval), -1)
		return TimestampTZ(r), err
	}).vol = volStable
	evBin("-", OIDTimestamp, OIDTimestamp, OIDInterval, func(_ *EvalContext, a, b Datum) (Datum, error) {
		return evSubTimestamps(int64(a.(Timestamp)), int64(b.(Timestamp)))
	})
	evBin("-", OIDTimestampTZ, OIDTimestampTZ, OIDInterval, func(_ *EvalContext, a, b Datum) (Datum, error) {
		return evSubTimestamps(int64(a.(TimestampTZ)), int64(b.(TimestampTZ)))
	})
	evBin("-", OIDTime, OIDTime, OIDInterval, func(_ *EvalContext, a, b Datum) (Datum, error) {
		return Interval{Micros: int64(a.(Time)) - int64(b.(Time))}, nil
	})
	evBin("+", OIDTime, OIDInterval, OIDTime, func(_ *EvalContext, a, b Datum) (Datum, error) {
		return Time(((int64(a.(Time))+b.(Interval).Micros)%usecsPerDay + usecsPerDay) % usecsPerDay), nil
	})
	evBin("-", OIDTime, OIDInterval, OIDTime, func(_ *EvalContext, a, b Datum) (Datum, error) {
		return Time(((int64(a.(Time))-b.(Interval).Micros)%usecsPerDay + usecsPerDay) % usecsPerDay), nil
	})
	for _, op := range []string{"+", "-"} {
		op := op
		evBin(op, OIDInterval, OIDInterval, OIDInterval, func(_ *EvalContext, a, b Datum) (Datum, error) {
			return evIntervalArith(op, a.(Interval), b.(Interval))
		})
	}
	evBin("*", OIDInterval, OIDFloat8, OIDInterval, func(_ *EvalContext, a, b Datum) (Datum, error) { return evIntervalMul(a.(Interval), b.(float64)) })
	evBin("*", OIDFloat8, OIDInterval, OIDInterval, func(_ *EvalContext, a, b Datum) (Datum, error) { return evIntervalMul(b.(Interval), a.(float64)) })
	evBin("/", OIDInterval, OIDFloat8, OIDInterval, func(_ *EvalContext, a, b Datum) (Datum, error) {
		f := b.(float64)
		if f == 0 {
			return nil, evDivZero()
		}
		return evIntervalMul(a.(Interval), 1/f)
	})
	evUn("-", OIDInterval, OIDInterval, func(_ *EvalContext, a Datum) (Datum, error) {
		iv := a.(Interval)
		return Interval{Months: -iv.Months, Days: -iv.Days, Micros: -iv.Micros}, nil
	})
	evUn("+", OIDInterval, OIDInterval, func(_ *EvalContext, a Datum) (Datum, error) { return a, nil })
}

func evSqrtFloat(f float64) (Datum, error) {
	if f < 0 {
		return nil, Errorf("2201F", "cannot take square root of a negative number")
	}
	return math.Sqrt(f), nil
}

func evDateInf(d Date) bool { return d == math.MinInt32 || d == math.MaxInt32 }

func evDateAddDays(d Date, n int64) (Datum, error) {
	if evDateInf(d) {
		return d, nil
	}
	r := int64(d) + n
	if r < -2451545 || r > int64(dateEndJulian-postgresEpochJDate) {
		return nil, Errorf(CodeDatetimeFieldOverflow, "date out of range")
	}
	return Date(r), nil
}

// evDateToTS converts a date to a timestamp at midnight.
func evDateToTS(d Date) int64 {
	switch d {
	case math.MinInt32:
		return math.MinInt64
	case math.MaxInt32:
		return math.MaxInt64
	}
	return int64(d) * usecsPerDay
}

// NewBinaryOp resolves a binary operator (spelled as pg_query's A_Expr
// names it) over l and r, inserting the implicit casts PostgreSQL would.
func NewBinaryOp(op string, l, r Expr) (Expr, error) {
	bin, _ := evOps()
	if op == "!=" {
		op = "<>"
	}
	switch op {
	case "~~", "!~~", "~~*", "!~~*":
		return NewLike(l, r, nil, strings.Contains(op, "*"), strings.HasPrefix(op, "!"))
	}
	cands := bin[op]
	args := []Expr{l, r}
	if len(cands) == 0 {
		return nil, evNoOperator(op, args)
	}
	e, amb, err := evBuildCall(op, true, cands, args)
	if err != nil {
		return nil, err
	}
	if e == nil {
		if amb {
			return nil, evAmbiguousOperator(op, args)
		}
		return nil, evNoOperator(op, args)
	}
	return e, nil
}

// NewUnaryOp resolves a prefix operator: - + ~ @ |/ ||/.
func NewUnaryOp(op string, e Expr) (Expr, error) {
	_, un := evOps()
	args := []Expr{e}
	out, amb, err := evBuildCall(op, true, un[op], args)
	if err != nil {
		return nil, err
	}
	if out == nil {
		if amb {
			return nil, evAmbiguousOperator(op, args)
		}
		return nil, evNoOperator(op, args)
	}
	return out, nil
}

// errExpr raises a fixed error when evaluated. It lets constructors whose
// signature has no error (NewAnd, NewOr, NewIsNull) report misuse: as it is
// immutable, FoldConstants raises the error at plan time.
type errExpr struct {
	typ Type
	err error
}

func (e *errExpr) Type() Type                                 { return e.typ }
func (e *errExpr) Eval(*EvalContext, []Datum) (Datum, error)  { return nil, e.err }
func (e *errExpr) volatility() volatility                     { return volImmutable }
func (e *errExpr) mapChildren(func(Expr) (Expr, error)) error { return nil }
func (e *errExpr) String() string                             { return fmt.Sprintf("error(%v)", e.err) }

// CoerceToBool checks that e is a boolean (coercing an untyped literal or
// parameter to one) for a construct such as "WHERE", "AND", "CASE/WHEN";
// otherwise 42804 `argument of WHERE must be type boolean, not type integer`.
func CoerceToBool(e Expr, construct string) (Expr, error) {
	t := e.Type()
	if t.OID == OIDBool {
		return e, nil
	}
	if t.OID == OIDUnknown {
		return evCoerce(e, TypeBool, false)
	}
	return nil, Errorf(CodeDatatypeMismatch, "argument of %s must be type boolean, not type %s", construct, evTypeName(t))
}

// boolExpr is AND / OR over any number of arguments, with SQL's
// three-valued logic.
type boolExpr struct {
	and  bool
	args []Expr
}

func (b *boolExpr) Type() Type             { return TypeBool }
func (b *boolExpr) volatility() volatility { return volImmutable }
func (b *boolExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapList(f, b.args)
}

// Eval implements Expr: AND is false if any argument is false, else NULL if
// any is NULL; OR dually.
func (b *boolExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	sawNull := false
	for _, a := range b.args {
		v, err := a.Eval(ec, row)
		if err != nil {
			return nil, err
		}
		if v == nil {
			sawNull = true
			continue
		}
		bv, ok := v.(bool)
		if !ok {
			return nil, Errorf(CodeDatatypeMismatch, "argument of AND/OR is not boolean")
		}
		if bv != b.and {
			return bv, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return b.and, nil
}

func (b *boolExpr) String() string {
	sep := " OR "
	if b.and {
		sep = " AND "
	}
	parts := make([]string, len(b.args))
	for i, a := range b.args {
		parts[i] = fmt.Sprint(a)
	}
	return "(" + strings.Join(parts, sep) + ")"
}

func evNewBool(and bool, args []Expr) Expr {
	name := "OR"
	if and {
		name = "AND"
	}
	out := &boolExpr{and: and}
	for _, a := range args {
		c, err := CoerceToBool(a, name)
		if err != nil {
			return &errExpr{typ: TypeBool, err: err}
		}
		// Flatten nested ANDs (ORs) as PostgreSQL does.
		if inner, ok := c.(*boolExpr); ok && inner.and == and {
			out.args = append(out.args, inner.args...)
			continue
		}
		out.args = append(out.args, c)
	}
	if len(out.args) == 1 {
		return out.args[0]
	}
	return out
}

// NewAnd builds a three-valued AND. A non-boolean argument yields an
// expression that raises 42804 (at plan time, through FoldConstants, or
// when evaluated); planners wanting the error early call CoerceToBool first.
func NewAnd(args ...Expr) Expr { return evNewBool(true, args) }

// NewOr builds a three-valued OR; see NewAnd for argument checking.
func NewOr(args ...Expr) Expr { return evNewBool(false, args) }

// notExpr is NOT with NULL staying NULL.
type notExpr struct{ arg Expr }

func (n *notExpr) Type() Type             { return TypeBool }
func (n *notExpr) volatility() volatility { return volImmutable }
func (n *notExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapEach(f, &n.arg)
}

// Eval implements Expr.
func (n *notExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	v, err := n.arg.Eval(ec, row)
	if err != nil || v == nil {
		return nil, err
	}
	b, ok := v.(bool)
	if !ok {
		return nil, Errorf(CodeDatatypeMismatch, "argument of NOT is not boolean")
	}
	return !b, nil
}

func (n *notExpr) String() string { return fmt.Sprintf("(NOT %v)", n.arg) }

// NewNot builds NOT e; e must be boolean (42804 otherwise).
func NewNot(e Expr) (Expr, error) {
	c, err := CoerceToBool(e, "NOT")
	if err != nil {
		return nil, err
	}
	return &notExpr{arg: c}, nil
}

// NewCast converts e to type to: explicit for CAST(x AS t) and x::t,
// implicit otherwise. Untyped literals are parsed at plan time.
// 42846 `cannot cast type integer to uuid` when no such cast exists.
func NewCast(e Expr, to Type, explicit bool) (Expr, error) {
	if out, ok, err := regCast(e, to); ok {
		return out, err
	}
	from := e.Type()
	if from.OID != OIDUnknown && from.OID != to.OID {
		ok := CanCastImplicitly(from, to) || (explicit && CanCastExplicitly(from, to)) || (!explicit && CanCastAssignment(from, to))
		if !ok {
			return nil, Errorf(CodeCannotCoerce, "cannot cast type %s to %s", evTypeName(from), evTypeName(to))
		}
	}
	if from.OID == to.OID && from.Typmod == to.Typmod {
		return e, nil
	}
	out, err := evCoerce(e, to, true)
	if err != nil {
		return nil, err
	}
	if c, ok := out.(*castExpr); ok {
		c.explicit = explicit
		if _, isConst := c.arg.(*Const); isConst && c.vol == volImmutable {
			return FoldConstants(c)
		}
	}
	return out, nil
}

// RegisterBinaryOperator adds a binary operator overload (for types defined
// elsewhere in this package, such as vector's <->). Call it from an init
// function: the catalog is not safe for concurrent modification.
func RegisterBinaryOperator(name string, left, right, result uint32, fn func(ec *EvalContext, a, b Datum) (Datum, error)) {
	evOps()
	evBin(name, left, right, result, fn)
}

// RegisterFunction adds a strict, immutable scalar function overload; call
// it from an init function, as RegisterBinaryOperator.
func RegisterFunction(name string, args []uint32, result uint32, fn func(ec *EvalContext, args []Datum) (Datum, error)) {
	evFuncTable()
	evFn(name, args, result, fn)
}
