package planner

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
)

type subqueryKind int

const (
	subExists subqueryKind = iota
	subScalar
	subAny
	subAll
	subArray
)

// subqueryExpr evaluates a subquery inside an expression. A correlated
// subquery reads the outer row through cell and runs once per outer row;
// an uncorrelated one runs once per execution and is cached.
type subqueryExpr struct {
	kind       subqueryKind
	plan       node
	cell       *rowCell
	correlated bool
	typ        sql.Type
	// lhs and cmp implement x op ANY/ALL (subquery): cmp compares the row
	// [lhs value, subquery value].
	lhs sql.Expr
	cmp sql.Expr

	cacheFor *sql.EvalContext
	cache    [][]sql.Datum
}

func (e *subqueryExpr) Type() sql.Type { return e.typ }

func (e *subqueryExpr) rows(ec *sql.EvalContext, row []sql.Datum) ([][]sql.Datum, error) {
	if !e.correlated && e.cacheFor == ec {
		return e.cache, nil
	}
	x, _ := ec.Session.(*execSessionFuncs)
	if x == nil {
		return nil, sql.Errorf(sql.CodeInternalError, "subquery evaluated outside a statement")
	}
	saved := e.cell.row
	e.cell.row = row
	defer func() { e.cell.row = saved }()
	it, err := e.plan.open(x.x)
	if err != nil {
		return nil, err
	}
	var rows [][]sql.Datum
	if e.kind == subExists {
		defer it.close()
		r, err := it.next(x.x)
		if err != nil {
			return nil, err
		}
		if r != nil {
			rows = append(rows, r)
		}
	} else if rows, err = drain(x.x, it); err != nil {
		return nil, err
	}
	if !e.correlated {
		e.cacheFor, e.cache = ec, rows
	}
	return rows, nil
}

func (e *subqueryExpr) Eval(ec *sql.EvalContext, row []sql.Datum) (sql.Datum, error) {
	rows, err := e.rows(ec, row)
	if err != nil {
		return nil, err
	}
	switch e.kind {
	case subExists:
		return len(rows) > 0, nil
	case subScalar:
		if len(rows) == 0 {
			return nil, nil
		}
		if len(rows) > 1 {
			return nil, sql.Errorf(sql.CodeCardinalityViolation, "more than one row returned by a subquery used as an expression")
		}
		return rows[0][0], nil
	case subArray:
		arr := &sql.Array{ElemOID: e.plan.columns()[0].typ.OID}
		for _, r := range rows {
			arr.Elems = append(arr.Elems, r[0])
		}
		return arr, nil
	}
	l, err := e.lhs.Eval(ec, row)
	if err != nil {
		return nil, err
	}
	sawNull := false
	pair := make([]sql.Datum, 2)
	for _, r := range rows {
		pair[0], pair[1] = l, r[0]
		v, err := e.cmp.Eval(ec, pair)
		if err != nil {
			return nil, err
		}
		switch v {
		case nil:
			sawNull = true
		case true:
			if e.kind == subAny {
				return true, nil
			}
		case false:
			if e.kind == subAll {
				return false, nil
			}
		}
	}
	if sawNull {
		return nil, nil
	}
	return e.kind == subAll, nil
}

func (b *builder) subLink(sl *pg_query.SubLink, sc *scope) (sql.Expr, error) {
	sel := sl.Subselect.GetSelectStmt()
	cell := &rowCell{}
	sub := *b
	sub.agg = nil
	os := &outerScope{sc: sc, cell: cell}
	sub.outer = append(append([]*outerScope(nil), b.outer...), os)
	plan, err := sub.planQuery(sel)
	if err != nil {
		return nil, err
	}
	// A reference into any outer scope, ours or further out, makes the
	// subquery correlated.
	correlated := os.used
	for i, o := range sub.outer[:len(b.outer)] {
		if o.used {
			correlated = true
			b.outer[i].used = true
		}
	}
	cols := visibleCols(plan.columns())
	e := &subqueryExpr{plan: plan, cell: cell, correlated: correlated}
	switch sl.SubLinkType {
	case pg_query.SubLinkType_EXISTS_SUBLINK:
		e.kind, e.typ = subExists, sql.TypeBool
		return e, nil
	case pg_query.SubLinkType_EXPR_SUBLINK, pg_query.SubLinkType_ARRAY_SUBLINK:
		if len(cols) != 1 {
			return nil, sql.Errorf(sql.CodeSyntaxError, "subquery must return only one column").WithPosition(b.pos(sl.Location))
		}
		t := plan.columns()[cols[0]].typ
		if sl.SubLinkType == pg_query.SubLinkType_ARRAY_SUBLINK {
			arr, ok := sql.ArrayOf(t.OID)
			if !ok {
				return nil, sql.Errorf(sql.CodeUndefinedObject, "could not find array type for data type %s", sql.FormatType(t))
			}
			e.kind, e.typ = subArray, sql.Type{OID: arr, Typmod: -1}
		} else {
			e.kind, e.typ = subScalar, t
		}
		return e, nil
	case pg_query.SubLinkType_ANY_SUBLINK, pg_query.SubLinkType_ALL_SUBLINK:
		if len(cols) != 1 {
			return nil, sql.Errorf(sql.CodeSyntaxError, "subquery has too many columns").WithPosition(b.pos(sl.Location))
		}
		lhs, err := b.expr(sl.Testexpr, sc)
		if err != nil {
			return nil, err
		}
		op := opName(sl.OperName)
		if op == "" {
			op = "="
		}
		cmp, err := sql.NewBinaryOp(op, &sql.ColRef{Index: 0, Typ: lhs.Type()}, &sql.ColRef{Index: 1, Typ: plan.columns()[cols[0]].typ})
		if err != nil {
			return nil, b.errAt(err, sl.Location)
		}
		e.kind, e.typ, e.lhs, e.cmp = subAny, sql.TypeBool, lhs, cmp
		if sl.SubLinkType == pg_query.SubLinkType_ALL_SUBLINK {
			e.kind = subAll
		}
		return e, nil
	}
	return nil, sql.Errorf(sql.CodeFeatureNotSupported, "subquery kind %s is not supported yet", sl.SubLinkType.String()).WithPosition(b.pos(sl.Location))
}
