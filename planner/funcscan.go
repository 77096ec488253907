package planner

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
)

// funcScanNode is a set-returning function in FROM: generate_series over
// integers, or unnest over an array.
type funcScanNode struct {
	name string
	args []sql.Expr
	cols []colInfo
}

func (n *funcScanNode) columns() []colInfo { return n.cols }

func (n *funcScanNode) open(x *execCtx) (rowIter, error) {
	vals := make([]sql.Datum, len(n.args))
	for i, a := range n.args {
		v, err := a.Eval(x.ec, nil)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	for _, v := range vals {
		if v == nil {
			return &sliceIter{}, nil
		}
	}
	switch n.name {
	case "unnest":
		arr := vals[0].(*sql.Array)
		rows := make([][]sql.Datum, len(arr.Elems))
		for i, e := range arr.Elems {
			rows[i] = []sql.Datum{e}
		}
		return &sliceIter{rows: rows}, nil
	default: // generate_series
		start, stop, step := vals[0].(int64), vals[1].(int64), int64(1)
		if len(vals) == 3 {
			step = vals[2].(int64)
		}
		if step == 0 {
			return nil, sql.Errorf(sql.CodeInvalidParameterValue, "step size cannot equal zero")
		}
		return &seriesIter{cur: start, stop: stop, step: step}, nil
	}
}

type seriesIter struct {
	cur, stop, step int64
	done            bool
	n               int
}

func (s *seriesIter) next(x *execCtx) ([]sql.Datum, error) {
	if s.done || (s.step > 0 && s.cur > s.stop) || (s.step < 0 && s.cur < s.stop) {
		return nil, nil
	}
	if s.n++; s.n%4096 == 0 {
		if err := checkCancel(x); err != nil {
			return nil, err
		}
	}
	v := s.cur
	next := s.cur + s.step
	if (s.step > 0 && next < s.cur) || (s.step < 0 && next > s.cur) {
		s.done = true // overflow: the series ends here
	}
	s.cur = next
	return []sql.Datum{v}, nil
}
func (s *seriesIter) close() {}

func (b *builder) planRangeFunction(rf *pg_query.RangeFunction) (node, *scope, error) {
	if rf.Lateral || rf.Ordinality || len(rf.Functions) != 1 {
		return nil, nil, sql.Errorf(sql.CodeFeatureNotSupported, "this form of function in FROM is not supported yet")
	}
	items := rf.Functions[0].GetList().GetItems()
	fc := items[0].GetFuncCall()
	if fc == nil {
		return nil, nil, sql.Errorf(sql.CodeFeatureNotSupported, "this form of function in FROM is not supported yet")
	}
	names := stringsOf(fc.Funcname)
	name := strings.ToLower(names[len(names)-1])
	args, err := b.exprs(fc.Args, &scope{})
	if err != nil {
		return nil, nil, err
	}
	n := &funcScanNode{name: name, args: args}
	var t sql.Type
	switch {
	case name == "generate_series" && (len(args) == 2 || len(args) == 3):
		t = sql.TypeInt4
		for _, a := range args {
			if a.Type().OID == sql.OIDInt8 {
				t = sql.TypeInt8
			}
		}
		for i := range args {
			if args[i], err = castTo(args[i], sql.TypeInt8); err != nil {
				return nil, nil, b.errAt(err, fc.Location)
			}
		}
	case name == "unnest" && len(args) == 1:
		elem, ok := sql.ElemOf(args[0].Type().OID)
		if !ok {
			return nil, nil, sql.Errorf(sql.CodeUndefinedFunction, "function unnest(%s) does not exist", sql.FormatType(args[0].Type())).WithPosition(b.pos(fc.Location))
		}
		t = sql.Type{OID: elem, Typmod: -1}
	default:
		return nil, nil, sql.Errorf(sql.CodeFeatureNotSupported, "function %s in FROM is not supported yet", name).WithPosition(b.pos(fc.Location))
	}
	alias, colName := name, name
	if rf.Alias != nil {
		alias = rf.Alias.Aliasname
		colName = alias
		if len(rf.Alias.Colnames) > 0 {
			colName = stringsOf(rf.Alias.Colnames)[0]
		}
	}
	n.cols = []colInfo{{table: alias, name: colName, typ: t}}
	var out node = n
	if t.OID == sql.OIDInt4 {
		// The series runs in int8; present it as int4 like PostgreSQL.
		cast, err := sql.NewCast(&sql.ColRef{Index: 0, Typ: sql.TypeInt8}, sql.TypeInt4, false)
		if err != nil {
			return nil, nil, err
		}
		inner := &funcScanNode{name: name, args: args, cols: []colInfo{{table: alias, name: colName, typ: sql.TypeInt8}}}
		out = &projectNode{in: inner, exprs: []sql.Expr{cast}, cols: n.cols}
	}
	return out, &scope{cols: n.cols}, nil
}
