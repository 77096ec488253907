package planner

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
)

// srf.go holds the set-returning functions (unnest, generate_series,
// generate_subscripts), shared by FROM (funcScanNode) and the select list
// (srfProjectNode). In the select list they follow PostgreSQL 10+: every
// SRF of a target list advances in lockstep, the shorter ones yield NULL
// once exhausted, and an input row yields as many rows as its longest SRF
// (none when all are empty).

// srfNames are the set-returning functions the planner runs.
var srfNames = map[string]bool{"unnest": true, "generate_series": true, "generate_subscripts": true}

// isSRF reports whether a function call names a set-returning function.
func isSRF(names []string) bool {
	if len(names) > 2 || (len(names) == 2 && names[0] != "pg_catalog") {
		return false
	}
	return srfNames[strings.ToLower(names[len(names)-1])]
}

// srfIter yields one value per call; ok is false at the end.
type srfIter interface {
	nextVal(x *execCtx) (v sql.Datum, ok bool, err error)
}

// srfFunc is one resolved set-returning call.
type srfFunc struct {
	name string
	args []sql.Expr
	typ  sql.Type
	// start runs the function over its evaluated arguments (strict: a
	// NULL argument yields no rows and start is not called).
	start func(x *execCtx, vals []sql.Datum) (srfIter, error)
}

// open evaluates the arguments against row and starts the function.
func (f *srfFunc) open(x *execCtx, row []sql.Datum) (srfIter, error) {
	vals := make([]sql.Datum, len(f.args))
	for i, a := range f.args {
		v, err := a.Eval(x.ec, row)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return emptySRF{}, nil
		}
		vals[i] = v
	}
	return f.start(x, vals)
}

type emptySRF struct{}

func (emptySRF) nextVal(*execCtx) (sql.Datum, bool, error) { return nil, false, nil }

// sliceSRF yields precomputed values.
type sliceSRF struct {
	vals []sql.Datum
	i    int
}

func (s *sliceSRF) nextVal(*execCtx) (sql.Datum, bool, error) {
	if s.i >= len(s.vals) {
		return nil, false, nil
	}
	s.i++
	return s.vals[s.i-1], true, nil
}

// intSeriesSRF is generate_series over integers, run in int64.
type intSeriesSRF struct {
	cur, stop, step int64
	done            bool
	n               int
}

func (s *intSeriesSRF) nextVal(x *execCtx) (sql.Datum, bool, error) {
	if s.done || (s.step > 0 && s.cur > s.stop) || (s.step < 0 && s.cur < s.stop) {
		return nil, false, nil
	}
	if s.n++; s.n%4096 == 0 {
		if err := checkCancel(x); err != nil {
			return nil, false, err
		}
	}
	v := s.cur
	next := s.cur + s.step
	if (s.step > 0 && next < s.cur) || (s.step < 0 && next > s.cur) {
		s.done = true // overflow: the series ends here
	}
	s.cur = next
	return v, true, nil
}

// exprSeriesSRF is generate_series over numeric and timestamps: add and
// cmp are "$0 + $1" and "$0 compared with $1" built at plan time.
type exprSeriesSRF struct {
	cur, stop, step sql.Datum
	typ             sql.Type
	up              bool
	add             sql.Expr
	n               int
}

func (s *exprSeriesSRF) nextVal(x *execCtx) (sql.Datum, bool, error) {
	if s.cur == nil {
		return nil, false, nil
	}
	c := sql.Compare(s.typ, s.cur, s.stop)
	if (s.up && c > 0) || (!s.up && c < 0) {
		return nil, false, nil
	}
	if s.n++; s.n%4096 == 0 {
		if err := checkCancel(x); err != nil {
			return nil, false, err
		}
	}
	v := s.cur
	next, err := s.add.Eval(x.ec, []sql.Datum{s.cur, s.step})
	if err != nil {
		return nil, false, err
	}
	s.cur = next
	return v, true, nil
}

// buildSRF resolves a set-returning call: argument types, result type and
// how to run it. The arguments are built in sc by b.
func (b *builder) buildSRF(fc *pg_query.FuncCall, sc *scope) (*srfFunc, error) {
	names := stringsOf(fc.Funcname)
	name := strings.ToLower(names[len(names)-1])
	if fc.AggStar || fc.AggDistinct || len(fc.AggOrder) > 0 || fc.AggFilter != nil {
		return nil, sql.Errorf(sql.CodeWrongObjectType, "%s is not an aggregate function", name).WithPosition(b.pos(fc.Location))
	}
	ab := *b
	ab.srfs = nil
	ab.srfNested = true
	args, err := ab.exprs(fc.Args, sc)
	if err != nil {
		return nil, err
	}
	noFunc := func() error {
		return sql.Errorf(sql.CodeUndefinedFunction, "function %s(%s) does not exist", name, argTypeList(args)).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.").
			WithPosition(b.pos(fc.Location))
	}
	f := &srfFunc{name: name, args: args}
	switch name {
	case "unnest":
		if len(args) != 1 {
			return nil, noFunc()
		}
		elem, ok := sql.ElemOf(args[0].Type().OID)
		if !ok {
			return nil, noFunc()
		}
		f.typ = sql.Type{OID: elem, Typmod: -1}
		f.start = func(_ *execCtx, vals []sql.Datum) (srfIter, error) {
			arr, _ := vals[0].(*sql.Array)
			if arr == nil {
				return emptySRF{}, nil
			}
			return &sliceSRF{vals: arr.Elems}, nil
		}
	case "generate_subscripts":
		if len(args) != 2 && len(args) != 3 {
			return nil, noFunc()
		}
		if _, ok := sql.ElemOf(args[0].Type().OID); !ok {
			return nil, noFunc()
		}
		if f.args[1], err = castTo(args[1], sql.TypeInt4); err != nil {
			return nil, noFunc()
		}
		if len(args) == 3 {
			if f.args[2], err = castTo(args[2], sql.TypeBool); err != nil {
				return nil, noFunc()
			}
		}
		// int2vector and oidvector subscripts start at 0.
		lower := int64(1)
		if t := args[0].Type().OID; t == sql.OIDInt2Vector || t == sql.OIDOidVector {
			lower = 0
		}
		f.typ = sql.TypeInt4
		f.start = func(_ *execCtx, vals []sql.Datum) (srfIter, error) {
			arr, _ := vals[0].(*sql.Array)
			if arr == nil || vals[1].(int64) != 1 || len(arr.Elems) == 0 {
				return emptySRF{}, nil
			}
			out := make([]sql.Datum, len(arr.Elems))
			rev := len(vals) == 3 && vals[2] == true
			for i := range out {
				if rev {
					out[i] = lower + int64(len(out)-1-i)
				} else {
					out[i] = lower + int64(i)
				}
			}
			return &sliceSRF{vals: out}, nil
		}
	case "generate_series":
		if len(args) != 2 && len(args) != 3 {
			return nil, noFunc()
		}
		if err := b.resolveSeries(f, noFunc); err != nil {
			return nil, err
		}
	default:
		return nil, noFunc()
	}
	return f, nil
}

// resolveSeries picks the generate_series variant its arguments call for:
// integer (int4 when every argument is, else int8), numeric, or timestamp
// [with time zone] stepping by an interval.
func (b *builder) resolveSeries(f *srfFunc, noFunc func() error) error {
	args := f.args
	kind := sql.OIDInt4
	for _, a := range args[:2] {
		switch a.Type().OID {
		case sql.OIDInt2, sql.OIDInt4, sql.OIDUnknown:
		case sql.OIDInt8:
			if kind == sql.OIDInt4 {
				kind = sql.OIDInt8
			}
		case sql.OIDNumeric, sql.OIDFloat4, sql.OIDFloat8:
			kind = sql.OIDNumeric
		case sql.OIDTimestamp:
			kind = sql.OIDTimestamp
		case sql.OIDTimestampTZ, sql.OIDDate:
			kind = sql.OIDTimestampTZ
		default:
			return noFunc()
		}
	}
	if len(args) == 3 && kind != sql.OIDTimestamp && kind != sql.OIDTimestampTZ {
		switch args[2].Type().OID {
		case sql.OIDInt2, sql.OIDInt4, sql.OIDUnknown:
		case sql.OIDInt8:
			if kind == sql.OIDInt4 {
				kind = sql.OIDInt8
			}
		case sql.OIDNumeric:
			kind = sql.OIDNumeric
		default:
			return noFunc()
		}
	}
	var err error
	switch kind {
	case sql.OIDInt4, sql.OIDInt8:
		f.typ = sql.Type{OID: kind, Typmod: -1}
		for i := range args {
			if args[i], err = castTo(args[i], f.typ); err != nil {
				return noFunc()
			}
		}
		f.start = func(_ *execCtx, vals []sql.Datum) (srfIter, error) {
			step := int64(1)
			if len(vals) == 3 {
				step = vals[2].(int64)
			}
			if step == 0 {
				return nil, sql.Errorf(sql.CodeInvalidParameterValue, "step size cannot equal zero")
			}
			return &intSeriesSRF{cur: vals[0].(int64), stop: vals[1].(int64), step: step}, nil
		}
		return nil
	case sql.OIDNumeric:
		f.typ = sql.TypeNumeric
	default:
		f.typ = sql.Type{OID: kind, Typmod: -1}
		if len(args) != 3 {
			return noFunc()
		}
	}
	stepType := f.typ
	if kind != sql.OIDNumeric {
		stepType = sql.TypeInterval
	}
	for i := range args {
		t := f.typ
		if i == 2 {
			t = stepType
		}
		if args[i], err = castTo(args[i], t); err != nil {
			return noFunc()
		}
	}
	add, err := sql.NewBinaryOp("+", &sql.ColRef{Index: 0, Typ: f.typ}, &sql.ColRef{Index: 1, Typ: stepType})
	if err != nil {
		return err
	}
	typ := f.typ
	f.start = func(x *execCtx, vals []sql.Datum) (srfIter, error) {
		var step sql.Datum
		if len(vals) == 3 {
			step = vals[2]
		} else {
			one, err := sql.ParseText(sql.TypeNumeric, "1", nil)
			if err != nil {
				return nil, err
			}
			step = one
		}
		next, err := add.Eval(x.ec, []sql.Datum{vals[0], step})
		if err != nil {
			return nil, err
		}
		c := sql.Compare(typ, next, vals[0])
		if c == 0 {
			return nil, sql.Errorf(sql.CodeInvalidParameterValue, "step size cannot equal zero")
		}
		return &exprSeriesSRF{cur: vals[0], stop: vals[1], step: step, typ: typ, up: c > 0, add: add}, nil
	}
	return nil
}

// argTypeList formats argument types for "function f(...) does not exist".
func argTypeList(args []sql.Expr) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = sql.FormatType(a.Type())
	}
	return strings.Join(parts, ", ")
}

// ---- set-returning functions in the select list ----

// srfContext collects the SRF calls of one target list (and ORDER BY).
type srfContext struct {
	calls []*srfFunc
	cell  *srfCell
	// grouped: the target list is built over aggregated rows, so an SRF
	// met while b.agg is nil sits inside an aggregate's arguments.
	grouped bool
}

// srfCell holds each SRF's current value while a row is projected.
type srfCell struct{ vals []sql.Datum }

// srfRef reads one SRF's current value.
type srfRef struct {
	cell *srfCell
	i    int
	typ  sql.Type
}

func (r *srfRef) Type() sql.Type { return r.typ }
func (r *srfRef) Eval(*sql.EvalContext, []sql.Datum) (sql.Datum, error) {
	return r.cell.vals[r.i], nil
}

// srfCall builds a set-returning call met while building an expression:
// allowed in a select list (outside CASE, COALESCE and aggregates),
// refused elsewhere with PostgreSQL's errors.
func (b *builder) srfCall(fc *pg_query.FuncCall, sc *scope) (sql.Expr, error) {
	hint := "You might be able to move the set-returning function into a LATERAL FROM item."
	switch {
	case b.srfNested:
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "set-returning functions nested in set-returning function arguments are not supported yet").WithPosition(b.pos(fc.Location))
	case b.srfBan != "":
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "set-returning functions are not allowed in %s", b.srfBan).WithHint("%s", hint).WithPosition(b.pos(fc.Location))
	case b.srfs != nil && b.srfs.grouped && b.agg == nil:
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "aggregate function calls cannot contain set-returning function calls").WithHint("%s", hint).WithPosition(b.pos(fc.Location))
	case b.srfs == nil:
		kind := b.exprKind
		if kind == "" {
			kind = "this context"
		}
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "set-returning functions are not allowed in %s", kind).WithPosition(b.pos(fc.Location))
	}
	f, err := b.buildSRF(fc, sc)
	if err != nil {
		return nil, err
	}
	ctx := b.srfs
	ctx.calls = append(ctx.calls, f)
	ctx.cell.vals = append(ctx.cell.vals, nil)
	return &srfRef{cell: ctx.cell, i: len(ctx.calls) - 1, typ: f.typ}, nil
}

// srfProjectNode is a projection whose expressions read SRF values
// (PostgreSQL's ProjectSet).
type srfProjectNode struct {
	in    node
	exprs []sql.Expr
	cols  []colInfo
	srfs  *srfContext
}

func (n *srfProjectNode) columns() []colInfo { return n.cols }
func (n *srfProjectNode) open(x *execCtx) (rowIter, error) {
	it, err := n.in.open(x)
	if err != nil {
		return nil, err
	}
	return &srfProjectIter{n: n, in: it, iters: make([]srfIter, len(n.srfs.calls)), done: make([]bool, len(n.srfs.calls))}, nil
}

type srfProjectIter struct {
	n     *srfProjectNode
	in    rowIter
	row   []sql.Datum
	have  bool // row holds an input row (which may have no columns)
	iters []srfIter
	done  []bool
}

func (p *srfProjectIter) next(x *execCtx) ([]sql.Datum, error) {
	cell := p.n.srfs.cell
	for {
		if !p.have {
			row, err := p.in.next(x)
			if err != nil || row == nil {
				return nil, err
			}
			p.row, p.have = append([]sql.Datum(nil), row...), true
			for i, f := range p.n.srfs.calls {
				if p.iters[i], err = f.open(x, p.row); err != nil {
					return nil, err
				}
				p.done[i] = false
			}
		}
		any := false
		for i, it := range p.iters {
			cell.vals[i] = nil
			if p.done[i] {
				continue
			}
			v, ok, err := it.nextVal(x)
			if err != nil {
				return nil, err
			}
			if !ok {
				p.done[i] = true
				continue
			}
			cell.vals[i] = v
			any = true
		}
		if !any {
			p.have = false
			continue
		}
		out := make([]sql.Datum, len(p.n.exprs))
		for i, e := range p.n.exprs {
			v, err := e.Eval(x.ec, p.row)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
}
func (p *srfProjectIter) close() { p.in.close() }
