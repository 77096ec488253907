package planner

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
)

// funcScanNode is a function in FROM: a set-returning function (srf.go)
// or a scalar function, which yields one row. WITH ORDINALITY appends the
// row number as a bigint.
type funcScanNode struct {
	srf        *srfFunc
	scalar     sql.Expr
	ordinality bool
	cols       []colInfo
}

func (n *funcScanNode) columns() []colInfo { return n.cols }

func (n *funcScanNode) open(x *execCtx) (rowIter, error) {
	if n.scalar != nil {
		v, err := n.scalar.Eval(x.ec, nil)
		if err != nil {
			return nil, err
		}
		row := []sql.Datum{v}
		if n.ordinality {
			row = append(row, int64(1))
		}
		return &sliceIter{rows: [][]sql.Datum{row}}, nil
	}
	it, err := n.srf.open(x, nil)
	if err != nil {
		return nil, err
	}
	return &funcScanIter{it: it, ordinality: n.ordinality}, nil
}

type funcScanIter struct {
	it         srfIter
	ordinality bool
	n          int64
}

func (f *funcScanIter) next(x *execCtx) ([]sql.Datum, error) {
	v, ok, err := f.it.nextVal(x)
	if err != nil || !ok {
		return nil, err
	}
	f.n++
	if f.ordinality {
		return []sql.Datum{v, f.n}, nil
	}
	return []sql.Datum{v}, nil
}
func (f *funcScanIter) close() {}

// planRangeFunction plans a function in FROM. Its arguments may read the
// FROM items to its left (a function in FROM is implicitly LATERAL).
func (b *builder) planRangeFunction(rf *pg_query.RangeFunction) (node, *scope, error) {
	if rf.IsRowsfrom || len(rf.Functions) != 1 || len(rf.Coldeflist) > 0 {
		return nil, nil, sql.Errorf(sql.CodeFeatureNotSupported, "this form of function in FROM is not supported yet")
	}
	items := rf.Functions[0].GetList().GetItems()
	fc := items[0].GetFuncCall()
	if fc == nil {
		return nil, nil, sql.Errorf(sql.CodeFeatureNotSupported, "this form of function in FROM is not supported yet")
	}
	names := stringsOf(fc.Funcname)
	name := strings.ToLower(names[len(names)-1])
	if srf, ok := catalogSRFs[name]; ok && len(fc.Args) == 0 && !rf.Ordinality {
		return planCatalogSRF(name, srf, rf)
	}

	fb, cell, outer := b.fromFunctionBuilder()
	n := &funcScanNode{ordinality: rf.Ordinality}
	var t sql.Type
	if isSRF(names) {
		f, err := fb.buildSRF(fc, &scope{})
		if err != nil {
			return nil, nil, err
		}
		n.srf, t = f, f.typ
	} else {
		e, err := fb.expr(items[0], &scope{})
		if err != nil {
			return nil, nil, err
		}
		n.scalar, t = e, e.Type()
	}
	for i, o := range fb.outer[:len(b.outer)] {
		if o.used {
			b.outer[i].used = true
		}
	}
	alias, colName := name, name
	if rf.Alias != nil {
		alias = rf.Alias.Aliasname
		colName = alias
	}
	var colNames []string
	if rf.Alias != nil {
		colNames = stringsOf(rf.Alias.Colnames)
	}
	width := 1
	if rf.Ordinality {
		width = 2
	}
	if len(colNames) > width {
		return nil, nil, sql.Errorf(sql.CodeSyntaxError, "too many column aliases specified for function %s", name)
	}
	if len(colNames) > 0 {
		colName = colNames[0]
	}
	n.cols = []colInfo{{table: alias, name: colName, typ: t}}
	if rf.Ordinality {
		ordName := "ordinality"
		if len(colNames) > 1 {
			ordName = colNames[1]
		}
		n.cols = append(n.cols, colInfo{table: alias, name: ordName, typ: sql.TypeInt8})
	}
	sc := &scope{cols: n.cols}
	if outer != nil && outer.used {
		return &lateralNode{in: n, cols: n.cols, cell: cell}, sc, nil
	}
	return n, sc, nil
}

// planCatalogSRF reads a set-returning catalog function without arguments
// (pg_get_keywords()) in FROM, under its alias and column aliases.
func planCatalogSRF(name string, srf *catalogSRF, rf *pg_query.RangeFunction) (node, *scope, error) {
	alias := name
	var colNames []string
	if rf.Alias != nil {
		alias = rf.Alias.Aliasname
		colNames = stringsOf(rf.Alias.Colnames)
	}
	if len(colNames) > len(srf.cols) {
		return nil, nil, sql.Errorf(sql.CodeSyntaxError, "too many column aliases specified for function %s", name)
	}
	cols := make([]colInfo, len(srf.cols))
	for i, c := range srf.cols {
		cols[i] = colInfo{table: alias, name: c.name, typ: c.typ}
		if i < len(colNames) {
			cols[i].name = colNames[i]
		}
	}
	vt := &virtualTable{cols: cols, rows: func(x *execCtx) ([][]sql.Datum, error) { return srf.rows(x, nil) }}
	return &virtualNode{vt: vt, cols: cols}, &scope{cols: cols}, nil
}

// fromFunctionBuilder is the builder of a function call in FROM: no
// aggregates, set-returning or window functions of the query around it,
// and, under LATERAL, the items to its left readable through cell (outer
// records whether they were read).
func (b *builder) fromFunctionBuilder() (fb builder, cell *rowCell, outer *outerScope) {
	fb = *b
	fb.agg, fb.srfs, fb.srfBan, fb.srfNested, fb.win = nil, nil, "", false, nil
	fb.exprKind = "functions in FROM"
	if b.lateral != nil {
		cell = &rowCell{}
		outer = &outerScope{sc: b.lateral, cell: cell}
		fb.outer = append(append([]*outerScope(nil), b.outer...), outer)
	}
	return fb, cell, outer
}
