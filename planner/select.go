package planner

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// planQuery plans any SELECT (plain, VALUES or set operation). The
// returned node's columns are the query's output columns.
func (b *builder) planQuery(sel *pg_query.SelectStmt) (node, error) {
	// A nested query collects its own set-returning calls.
	savedSRFs, savedBan, savedNested := b.srfs, b.srfBan, b.srfNested
	savedWin, savedWinNested := b.win, b.winNested
	b.srfs, b.srfBan, b.srfNested = nil, "", false
	b.win, b.winNested = nil, false
	defer func() {
		b.srfs, b.srfBan, b.srfNested = savedSRFs, savedBan, savedNested
		b.win, b.winNested = savedWin, savedWinNested
	}()
	if sel.WithClause != nil {
		restore, err := b.pushWith(sel.WithClause)
		if err != nil {
			return nil, err
		}
		defer restore()
	}
	if sel.LockingClause != nil {
		// FOR UPDATE/SHARE: rows are read under the statement snapshot;
		// writers lock at write time, so the clause needs no action for
		// correctness of the subsequent UPDATE (it re-checks the row).
	}
	var n node
	var err error
	switch {
	case sel.Op != pg_query.SetOperation_SETOP_NONE && sel.Op != pg_query.SetOperation_SET_OPERATION_UNDEFINED:
		n, err = b.planSetOp(sel)
	case len(sel.ValuesLists) > 0:
		n, err = b.planValues(sel.ValuesLists, nil)
	default:
		return b.planSimpleSelect(sel)
	}
	if err != nil {
		return nil, err
	}
	// ORDER BY / LIMIT over a set operation or VALUES refer to output
	// columns only.
	sc := &scope{cols: n.columns()}
	if len(sel.SortClause) > 0 {
		keys := make([]sortKey, 0, len(sel.SortClause))
		for _, s := range sel.SortClause {
			sb := s.GetSortBy()
			idx, err := b.outputColumnRef(sb.Node, sc)
			if err != nil {
				return nil, err
			}
			if idx < 0 {
				e, err := b.expr(sb.Node, sc)
				if err != nil {
					return nil, err
				}
				cr, ok := e.(*sql.ColRef)
				if !ok {
					return nil, sql.Errorf(sql.CodeFeatureNotSupported, "invalid UNION/INTERSECT/EXCEPT ORDER BY clause").
						WithDetail("Only result column names can be used, not expressions or functions.")
				}
				idx = cr.Index
			}
			keys = append(keys, makeSortKey(sb, idx, sc.cols[idx].typ))
		}
		n = &sortNode{in: n, keys: keys}
	}
	return b.planLimit(n, sel)
}

func makeSortKey(sb *pg_query.SortBy, idx int, t sql.Type) sortKey {
	k := sortKey{index: idx, typ: t, desc: sb.SortbyDir == pg_query.SortByDir_SORTBY_DESC}
	switch sb.SortbyNulls {
	case pg_query.SortByNulls_SORTBY_NULLS_FIRST:
		k.nullsFirst = true
	case pg_query.SortByNulls_SORTBY_NULLS_LAST:
		k.nullsFirst = false
	default:
		k.nullsFirst = k.desc // PostgreSQL: NULLs sort as larger than any value
	}
	return k
}

// outputColumnRef resolves an ORDER BY item that names an output column
// (by alias) or gives its ordinal; -1 when it is neither.
func (b *builder) outputColumnRef(n *pg_query.Node, out *scope) (int, error) {
	if c := n.GetAConst(); c != nil {
		if iv, ok := c.Val.(*pg_query.A_Const_Ival); ok {
			pos := int(iv.Ival.Ival)
			visible := out.visible()
			if pos < 1 || pos > len(visible) {
				return -1, sql.Errorf(sql.CodeInvalidColumnReference, "ORDER BY position %d is not in select list", pos).WithPosition(b.pos(c.Location))
			}
			return visible[pos-1], nil
		}
	}
	if cr := n.GetColumnRef(); cr != nil && len(cr.Fields) == 1 {
		if s := cr.Fields[0].GetString_(); s != nil {
			found := -1
			for i, c := range out.cols {
				if !c.hidden && c.name == s.Sval {
					if found >= 0 {
						return -1, sql.Errorf(sql.CodeAmbiguousColumn, "ORDER BY \"%s\" is ambiguous", s.Sval).WithPosition(b.pos(cr.Location))
					}
					found = i
				}
			}
			return found, nil
		}
	}
	return -1, nil
}

func (b *builder) planLimit(n node, sel *pg_query.SelectStmt) (node, error) {
	if sel.LimitCount == nil && sel.LimitOffset == nil {
		return n, nil
	}
	empty := &scope{}
	conv := func(x *pg_query.Node) (sql.Expr, error) {
		if x == nil {
			return nil, nil
		}
		if c := x.GetAConst(); c != nil && c.Isnull {
			return nil, nil
		}
		e, err := b.expr(x, empty)
		if err != nil {
			return nil, err
		}
		if p, ok := e.(*sql.Param); ok && p.Type().OID == sql.OIDUnknown {
			p.Types.Set(p.Index, sql.TypeInt8)
			return p, nil
		}
		if e.Type().OID == sql.OIDInt8 {
			return e, nil
		}
		c, err := sql.NewCast(e, sql.TypeInt8, false)
		if err != nil {
			return nil, b.errAt(err, 0)
		}
		return sql.FoldConstants(c)
	}
	lim, err := conv(sel.LimitCount)
	if err != nil {
		return nil, err
	}
	off, err := conv(sel.LimitOffset)
	if err != nil {
		return nil, err
	}
	if sn, ok := n.(*sortNode); ok && lim != nil {
		sn.limit, sn.offset = lim, off
		useVectorIndex(sn)
	}
	return &limitNode{in: n, limit: lim, offset: off}, nil
}

func (b *builder) planSetOp(sel *pg_query.SelectStmt) (node, error) {
	left, err := b.planQuery(sel.Larg)
	if err != nil {
		return nil, err
	}
	right, err := b.planQuery(sel.Rarg)
	if err != nil {
		return nil, err
	}
	opName := map[pg_query.SetOperation]string{pg_query.SetOperation_SETOP_UNION: "UNION", pg_query.SetOperation_SETOP_INTERSECT: "INTERSECT", pg_query.SetOperation_SETOP_EXCEPT: "EXCEPT"}[sel.Op]
	lc, rc := visibleCols(left.columns()), visibleCols(right.columns())
	if len(lc) != len(rc) {
		return nil, sql.Errorf(sql.CodeSyntaxError, "each %s query must have the same number of columns", opName)
	}
	n := &setOpNode{left: left, right: right, all: sel.All}
	switch sel.Op {
	case pg_query.SetOperation_SETOP_UNION:
		n.op = setUnion
	case pg_query.SetOperation_SETOP_INTERSECT:
		n.op = setIntersect
	default:
		n.op = setExcept
	}
	for i := range lc {
		lt, rt := left.columns()[lc[i]].typ, right.columns()[rc[i]].typ
		t, err := sql.CommonTypeIn(opName, []sql.Type{lt, rt})
		if err != nil {
			return nil, err
		}
		le, err := castTo(&sql.ColRef{Index: lc[i], Typ: lt}, t)
		if err != nil {
			return nil, err
		}
		re, err := castTo(&sql.ColRef{Index: rc[i], Typ: rt}, t)
		if err != nil {
			return nil, err
		}
		n.leftCasts = append(n.leftCasts, le)
		n.rightCasts = append(n.rightCasts, re)
		n.cols = append(n.cols, colInfo{name: left.columns()[lc[i]].name, typ: t})
	}
	return n, nil
}

func visibleCols(cols []colInfo) []int {
	var out []int
	for i, c := range cols {
		if !c.hidden {
			out = append(out, i)
		}
	}
	return out
}

// castTo converts e to t unless it already has that type.
func castTo(e sql.Expr, t sql.Type) (sql.Expr, error) {
	if e.Type() == t {
		return e, nil
	}
	if p, ok := e.(*sql.Param); ok && p.Type().OID == sql.OIDUnknown {
		p.Types.Set(p.Index, t)
		return p, nil
	}
	return sql.NewCast(e, t, false)
}

// planValues plans a VALUES list; targetTypes (for INSERT) fixes the
// column types, otherwise they are resolved like a UNION.
func (b *builder) planValues(lists []*pg_query.Node, targetTypes []sql.Type) (node, error) {
	var rows [][]sql.Expr
	var locs [][]int32
	width := -1
	for _, l := range lists {
		items := l.GetList().GetItems()
		if width >= 0 && len(items) != width {
			return nil, sql.Errorf(sql.CodeSyntaxError, "VALUES lists must all be the same length").WithPosition(b.pos(nodeLocation(items)))
		}
		width = len(items)
		row := make([]sql.Expr, len(items))
		loc := make([]int32, len(items))
		for i, it := range items {
			loc[i] = exprLocation(it)
			if _, isDefault := it.Node.(*pg_query.Node_SetToDefault); isDefault && targetTypes != nil {
				row[i] = defaultMarker{}
				continue
			}
			e, err := b.expr(it, &scope{})
			if err != nil {
				return nil, err
			}
			row[i] = e
		}
		rows = append(rows, row)
		locs = append(locs, loc)
	}
	cols := make([]colInfo, width)
	for c := 0; c < width; c++ {
		var t sql.Type
		if targetTypes != nil && c < len(targetTypes) {
			t = targetTypes[c]
		} else {
			types := make([]sql.Type, len(rows))
			for r := range rows {
				types[r] = rows[r][c].Type()
			}
			var err error
			if t, err = sql.CommonTypeIn("VALUES", types); err != nil {
				return nil, err
			}
		}
		cols[c] = colInfo{name: "column" + itoa(c+1), typ: t}
		for r := range rows {
			if _, isDefault := rows[r][c].(defaultMarker); isDefault {
				continue
			}
			var err error
			lit, isConst := rows[r][c].(*sql.Const)
			fromLiteral := isConst && lit.Typ.OID == sql.OIDUnknown
			if targetTypes != nil {
				rows[r][c], err = assignCast(rows[r][c], t)
			} else {
				rows[r][c], err = castTo(rows[r][c], t)
			}
			if err != nil && fromLiteral {
				return nil, b.literalErrAt(err, locs[r][c])
			}
			if err != nil {
				return nil, b.errAt(err, locs[r][c])
			}
		}
	}
	return &valuesNode{cols: cols, rows: rows}, nil
}

// defaultMarker stands for DEFAULT in an INSERT's VALUES list; the insert
// replaces it with the column's default.
type defaultMarker struct{}

func (defaultMarker) Type() sql.Type { return sql.TypeUnknown }
func (defaultMarker) Eval(*sql.EvalContext, []sql.Datum) (sql.Datum, error) {
	return defaultMarker{}, nil
}

func nodeLocation(items []*pg_query.Node) int32 {
	if len(items) == 0 {
		return -1
	}
	if c := items[0].GetAConst(); c != nil {
		return c.Location
	}
	return -1
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// planSimpleSelect plans SELECT ... FROM ... WHERE ... GROUP BY ...
// HAVING ... ORDER BY ... LIMIT.
func (b *builder) planSimpleSelect(sel *pg_query.SelectStmt) (node, error) {
	var in node = oneRowNode{}
	sc := &scope{}
	if len(sel.FromClause) > 0 {
		var err error
		if in, sc, err = b.planFrom(sel.FromClause); err != nil {
			return nil, err
		}
	}
	if sel.WhereClause != nil {
		if containsAggregate(sel.WhereClause) {
			return nil, sql.Errorf(sql.CodeGroupingError, "aggregate functions are not allowed in WHERE").WithPosition(b.pos(firstAggLocation(sel.WhereClause)))
		}
		pred, err := b.predicate(sel.WhereClause, sc, "WHERE")
		if err != nil {
			return nil, err
		}
		in = b.pushFilter(in, pred)
	}

	grouped := len(sel.GroupClause) > 0 || sel.HavingClause != nil
	for _, t := range sel.TargetList {
		if containsAggregate(t.GetResTarget().GetVal()) {
			grouped = true
		}
	}
	for _, s := range sel.SortClause {
		if containsAggregate(s.GetSortBy().GetNode()) {
			grouped = true
		}
	}
	inputScope := sc
	aggChecked := make([]*pg_query.Node, 0, len(sel.TargetList)+len(sel.SortClause))
	for _, t := range sel.TargetList {
		aggChecked = append(aggChecked, t.GetResTarget().GetVal())
	}
	for _, s := range sel.SortClause {
		aggChecked = append(aggChecked, s.GetSortBy().GetNode())
	}
	if err := b.checkNoWindowIn(aggChecked, false); err != nil {
		return nil, err
	}
	if err := b.checkNoWindowIn(sel.GroupClause, true); err != nil {
		return nil, err
	}
	var ac *aggContext
	if grouped {
		ac = &aggContext{input: sc}
		for _, g := range sel.GroupClause {
			gn := g
			// GROUP BY may name an output column by position or alias.
			if c := g.GetAConst(); c != nil {
				if iv, ok := c.Val.(*pg_query.A_Const_Ival); ok {
					pos := int(iv.Ival.Ival)
					if pos < 1 || pos > len(sel.TargetList) {
						return nil, sql.Errorf(sql.CodeInvalidColumnReference, "GROUP BY position %d is not in select list", pos).WithPosition(b.pos(c.Location))
					}
					gn = sel.TargetList[pos-1].GetResTarget().Val
				}
			} else if cr := g.GetColumnRef(); cr != nil && len(cr.Fields) == 1 {
				name := cr.Fields[0].GetString_().GetSval()
				if _, err := sc.lookup("", name); err != nil && err.Code == sql.CodeUndefinedColumn {
					for _, t := range sel.TargetList {
						if rt := t.GetResTarget(); rt.Name == name {
							gn = rt.Val
						}
					}
				}
			}
			e, err := b.expr(gn, sc)
			if err != nil {
				return nil, err
			}
			col := -1
			if cr, ok := e.(*sql.ColRef); ok {
				col = cr.Index
			}
			ac.groupKeys = append(ac.groupKeys, astKey(gn))
			ac.groupExprs = append(ac.groupExprs, e)
			ac.groupCols = append(ac.groupCols, col)
		}
		b.agg = ac
		defer func() { b.agg = nil }()
	}

	// Target list (and ORDER BY below): the only place for set-returning
	// functions.
	srfs := &srfContext{grouped: ac != nil, cell: &srfCell{}}
	b.srfs = srfs
	defer func() { b.srfs = nil }()
	// ... and, with ORDER BY, for window functions.
	wc, err := b.newWinContext(sel.WindowClause)
	if err != nil {
		return nil, err
	}
	b.win = wc
	defer func() { b.win = nil }()
	var exprs []sql.Expr
	var cols []colInfo
	for _, t := range sel.TargetList {
		rt := t.GetResTarget()
		if cr := rt.Val.GetColumnRef(); cr != nil {
			if _, star := cr.Fields[len(cr.Fields)-1].Node.(*pg_query.Node_AStar); star {
				if ac != nil {
					// SELECT * with GROUP BY: each column must be a key.
				}
				var idxs []int
				if len(cr.Fields) == 1 {
					idxs = inputScope.visible()
					if len(sel.FromClause) == 0 {
						return nil, sql.Errorf(sql.CodeSyntaxError, "SELECT * with no tables specified is not valid").WithPosition(b.pos(cr.Location))
					}
				} else {
					q := stringsOf(cr.Fields[:len(cr.Fields)-1])
					qual := q[len(q)-1]
					if !inputScope.hasTable(qual) {
						return nil, sql.Errorf(sql.CodeUndefinedTable, "missing FROM-clause entry for table \"%s\"", qual).WithPosition(b.pos(cr.Location))
					}
					idxs = inputScope.tableColumns(qual)
				}
				for _, i := range idxs {
					c := inputScope.cols[i]
					var e sql.Expr = &sql.ColRef{Index: i, Typ: c.typ, Name: c.name}
					if ac != nil {
						ref := &pg_query.Node{Node: &pg_query.Node_ColumnRef{ColumnRef: &pg_query.ColumnRef{Fields: []*pg_query.Node{
							{Node: &pg_query.Node_String_{String_: &pg_query.String{Sval: c.table}}},
							{Node: &pg_query.Node_String_{String_: &pg_query.String{Sval: c.name}}}}, Location: cr.Location}}}
						var err error
						if e, err = b.expr(ref, inputScope); err != nil {
							return nil, err
						}
					}
					exprs = append(exprs, e)
					cols = append(cols, colInfo{name: c.name, typ: c.typ, tableOID: c.tableOID, attNum: c.attNum})
				}
				continue
			}
		}
		e, err := b.expr(rt.Val, inputScope)
		if err != nil {
			return nil, err
		}
		if e.Type().OID == sql.OIDUnknown {
			if e, err = sql.NewCast(e, sql.TypeText, false); err != nil {
				return nil, err
			}
		}
		if e, err = sql.FoldConstants(e); err != nil {
			return nil, b.errAt(err, rt.Location)
		}
		ci := colInfo{name: rt.Name, typ: e.Type()}
		if ci.name == "" {
			ci.name = figureColname(rt.Val)
		}
		if cr, ok := e.(*sql.ColRef); ok && ac == nil {
			src := inputScope.cols[cr.Index]
			ci.tableOID, ci.attNum = src.tableOID, src.attNum
		}
		exprs = append(exprs, e)
		cols = append(cols, ci)
	}
	nVisible := len(exprs)

	var having sql.Expr
	if sel.HavingClause != nil {
		var err error
		b.srfs = nil
		if having, err = b.predicate(sel.HavingClause, inputScope, "HAVING"); err != nil {
			return nil, err
		}
		b.srfs = srfs
	}

	// ORDER BY: output columns by alias/ordinal, else expressions over the
	// input, computed as hidden extra output columns.
	var keys []sortKey
	outScope := &scope{cols: cols}
	for _, s := range sel.SortClause {
		sb := s.GetSortBy()
		if sb.SortbyDir == pg_query.SortByDir_SORTBY_USING {
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "ORDER BY USING is not supported yet")
		}
		idx, err := b.outputColumnRef(sb.Node, outScope)
		if err != nil {
			return nil, err
		}
		if idx < 0 {
			e, err := b.expr(sb.Node, inputScope)
			if err != nil {
				return nil, err
			}
			if e.Type().OID == sql.OIDUnknown {
				if e, err = sql.NewCast(e, sql.TypeText, false); err != nil {
					return nil, err
				}
			}
			idx = -1
			key := astKey(sb.Node)
			for i, t := range sel.TargetList {
				if astKey(t.GetResTarget().Val) == key {
					idx = i
				}
			}
			if idx < 0 {
				if plainDistinct(sel) {
					return nil, sql.Errorf(sql.CodeInvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list").WithPosition(b.pos(sortLocation(sb)))
				}
				exprs = append(exprs, e)
				cols = append(cols, colInfo{name: "?sort?", typ: e.Type(), hidden: true})
				idx = len(exprs) - 1
			}
		}
		keys = append(keys, makeSortKey(sb, idx, cols[idx].typ))
	}

	var n node = in
	if ac != nil {
		aggCols := make([]colInfo, 0, len(ac.groupExprs)+len(ac.aggs))
		for _, g := range ac.groupExprs {
			aggCols = append(aggCols, colInfo{name: "?group?", typ: g.Type()})
		}
		for _, a := range ac.aggs {
			aggCols = append(aggCols, colInfo{name: "?agg?", typ: a.agg.ResultType})
		}
		n = &aggNode{in: n, ac: ac, cols: aggCols}
		if having != nil {
			n = &filterNode{in: n, pred: having}
		}
	}
	if len(wc.calls) > 0 {
		n = &windowAggNode{in: n, wc: wc, calls: wc.calls}
	}
	b.srfs, b.win = nil, nil
	if len(srfs.calls) > 0 {
		n = &srfProjectNode{in: n, exprs: exprs, cols: cols, srfs: srfs}
	} else {
		n = &projectNode{in: n, exprs: exprs, cols: cols}
	}

	if sel.DistinctClause != nil {
		dn := &distinctNode{in: n}
		onExprs := sel.DistinctClause
		if len(onExprs) == 1 && onExprs[0].Node == nil {
			onExprs = nil // plain DISTINCT
		}
		if onExprs == nil {
			for i := 0; i < nVisible; i++ {
				dn.keyCols = append(dn.keyCols, i)
				dn.types = append(dn.types, cols[i].typ)
			}
		} else {
			for _, on := range onExprs {
				idx, err := b.outputColumnRef(on, outScope)
				if err != nil {
					return nil, err
				}
				if idx < 0 {
					key := astKey(on)
					for i, t := range sel.TargetList {
						if astKey(t.GetResTarget().Val) == key {
							idx = i
						}
					}
				}
				if idx < 0 {
					return nil, sql.Errorf(sql.CodeFeatureNotSupported, "DISTINCT ON expressions must appear in the select list")
				}
				dn.keyCols = append(dn.keyCols, idx)
				dn.types = append(dn.types, cols[idx].typ)
			}
		}
		if len(keys) > 0 {
			n = &sortNode{in: n, keys: keys}
			keys = nil
		}
		dn.in = n
		n = dn
	}
	if len(keys) > 0 {
		n = &sortNode{in: n, keys: keys}
	}
	if n, err = b.planLimit(n, sel); err != nil {
		return nil, err
	}
	if len(exprs) > nVisible {
		trim := make([]sql.Expr, nVisible)
		for i := range trim {
			trim[i] = &sql.ColRef{Index: i, Typ: cols[i].typ}
		}
		n = &projectNode{in: n, exprs: trim, cols: cols[:nVisible]}
	}
	return n, nil
}

// plainDistinct reports SELECT DISTINCT (not DISTINCT ON), which the
// parser marks with a single empty node.
func plainDistinct(sel *pg_query.SelectStmt) bool {
	return len(sel.DistinctClause) == 1 && sel.DistinctClause[0].Node == nil
}

func sortLocation(sb *pg_query.SortBy) int32 {
	if cr := sb.Node.GetColumnRef(); cr != nil {
		return cr.Location
	}
	return sb.Location
}

// predicate builds a boolean condition (WHERE, HAVING, ON).
func (b *builder) predicate(n *pg_query.Node, sc *scope, clause string) (sql.Expr, error) {
	pb := *b
	pb.srfs, pb.win, pb.exprKind = nil, nil, clause
	if clause == "JOIN/ON" {
		pb.exprKind = "JOIN conditions"
	}
	e, err := pb.expr(n, sc)
	if err != nil {
		return nil, err
	}
	switch e.Type().OID {
	case sql.OIDBool:
	case sql.OIDUnknown:
		if e, err = sql.NewCast(e, sql.TypeBool, false); err != nil {
			return nil, err
		}
	default:
		return nil, sql.Errorf(sql.CodeDatatypeMismatch, "argument of %s must be type boolean, not type %s", clause, sql.FormatType(e.Type())).WithPosition(b.pos(exprLocation(n)))
	}
	return sql.FoldConstants(e)
}

func exprLocation(n *pg_query.Node) int32 {
	switch v := n.Node.(type) {
	case *pg_query.Node_ColumnRef:
		return v.ColumnRef.Location
	case *pg_query.Node_AConst:
		return v.AConst.Location
	case *pg_query.Node_AExpr:
		return v.AExpr.Location
	case *pg_query.Node_FuncCall:
		return v.FuncCall.Location
	case *pg_query.Node_TypeCast:
		return v.TypeCast.Location
	}
	return -1
}

// pushFilter applies a WHERE condition; over a plain table scan, equality
// on every primary-key column turns the scan into a point lookup, and
// equality on every column of a btree index into an index scan. The filter
// stays above either and re-checks every row.
func (b *builder) pushFilter(in node, pred sql.Expr) node {
	if scan, ok := in.(*scanNode); ok && scan.pk == nil && scan.eq == nil {
		if len(scan.table.PrimaryKey) > 0 {
			scan.pk, _ = columnEqualities(scan, scan.table.PrimaryKey, pred)
		}
		if scan.pk == nil {
			for i := range scan.table.Indexes {
				ix := &scan.table.Indexes[i]
				if ix.Primary || ix.IsVector() {
					continue
				}
				if vals, conds := columnEqualities(scan, ix.ColumnIDs, pred); vals != nil {
					scan.eq = &indexEq{index: ix, vals: vals, conds: conds}
					break
				}
			}
		}
	}
	return &filterNode{in: in, pred: pred}
}

// columnEqualities finds a "col = expr" conjunct (expr free of the row's
// columns) for every column in cols, with expr of the column's type (an
// integer of a narrower type is widened), and returns the exprs and the
// conjuncts they came from; nil when some column has none.
func columnEqualities(scan *scanNode, cols []uint32, pred sql.Expr) ([]sql.Expr, []sql.Expr) {
	conj := sql.Conjuncts(pred)
	out := make([]sql.Expr, len(cols))
	used := make([]sql.Expr, len(cols))
	for i, colID := range cols {
		pos := scan.table.ColumnIndex(colID)
		for _, c := range conj {
			l, r, ok := sql.EqualityOperands(c)
			if !ok {
				continue
			}
			if cr, isCol := r.(*sql.ColRef); isCol && cr.Index == pos {
				l, r = r, l
			}
			cr, isCol := l.(*sql.ColRef)
			if !isCol || cr.Index != pos || sql.ReferencesColumns(r) {
				continue
			}
			if v := keyOperand(r, cr.Typ); v != nil {
				out[i], used[i] = v, c
				break
			}
		}
		if out[i] == nil {
			return nil, nil
		}
	}
	return out, used
}

// keyOperand returns e as a value of the key column type t, or nil when
// its key encoding could differ: the same type, or a narrower integer
// widened (an int4 literal compared with an int8 key).
func keyOperand(e sql.Expr, t sql.Type) sql.Expr {
	if e.Type() == t {
		return e
	}
	rank := map[uint32]int{sql.OIDInt2: 1, sql.OIDInt4: 2, sql.OIDInt8: 3}
	from, to := rank[e.Type().OID], rank[t.OID]
	if from == 0 || to == 0 || from > to {
		return nil
	}
	c, err := sql.NewCast(e, t, false)
	if err != nil {
		return nil
	}
	if folded, err := sql.FoldConstants(c); err == nil {
		return folded
	}
	return c
}

// figureColname names an output column the way PostgreSQL's
// FigureColname does.
func figureColname(n *pg_query.Node) string {
	name, _ := figureColnameStrength(n)
	if name == "" {
		return "?column?"
	}
	return name
}

func figureColnameStrength(n *pg_query.Node) (string, int) {
	switch v := n.Node.(type) {
	case *pg_query.Node_ColumnRef:
		names := stringsOf(v.ColumnRef.Fields)
		if len(names) > 0 {
			if _, star := v.ColumnRef.Fields[len(v.ColumnRef.Fields)-1].Node.(*pg_query.Node_AStar); !star {
				return names[len(names)-1], 2
			}
		}
	case *pg_query.Node_AIndirection:
		name, s := figureColnameStrength(v.AIndirection.Arg)
		for _, in := range v.AIndirection.Indirection {
			if str := in.GetString_(); str != nil {
				name, s = str.Sval, 2
			}
		}
		return name, s
	case *pg_query.Node_FuncCall:
		names := stringsOf(v.FuncCall.Funcname)
		return names[len(names)-1], 2
	case *pg_query.Node_AExpr:
		if v.AExpr.Kind == pg_query.A_Expr_Kind_AEXPR_NULLIF {
			return "nullif", 2
		}
	case *pg_query.Node_TypeCast:
		name, s := figureColnameStrength(v.TypeCast.Arg)
		if s <= 1 {
			tn := stringsOf(v.TypeCast.TypeName.Names)
			if len(tn) > 0 {
				return tn[len(tn)-1], 1
			}
		}
		return name, s
	case *pg_query.Node_CollateClause:
		return figureColnameStrength(v.CollateClause.Arg)
	case *pg_query.Node_SubLink:
		switch v.SubLink.SubLinkType {
		case pg_query.SubLinkType_EXISTS_SUBLINK:
			return "exists", 2
		case pg_query.SubLinkType_ARRAY_SUBLINK:
			return "array", 2
		case pg_query.SubLinkType_EXPR_SUBLINK:
			if s := v.SubLink.Subselect.GetSelectStmt(); s != nil && len(s.TargetList) == 1 {
				rt := s.TargetList[0].GetResTarget()
				if rt.Name != "" {
					return rt.Name, 2
				}
				return figureColnameStrength(rt.Val)
			}
		}
	case *pg_query.Node_CaseExpr:
		name, s := "", 0
		if v.CaseExpr.Defresult != nil {
			name, s = figureColnameStrength(v.CaseExpr.Defresult)
		}
		if s <= 1 {
			return "case", 1
		}
		return name, s
	case *pg_query.Node_AArrayExpr:
		return "array", 2
	case *pg_query.Node_RowExpr:
		return "row", 2
	case *pg_query.Node_CoalesceExpr:
		return "coalesce", 2
	case *pg_query.Node_MinMaxExpr:
		if v.MinMaxExpr.Op == pg_query.MinMaxOp_IS_GREATEST {
			return "greatest", 2
		}
		return "least", 2
	case *pg_query.Node_SqlvalueFunction:
		return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(v.SqlvalueFunction.Op.String(), "SVFOP_"), "_N")), 2
	case *pg_query.Node_BooleanTest, *pg_query.Node_NullTest, *pg_query.Node_BoolExpr:
	}
	return "", 0
}

// containsAggregate reports whether an expression calls an aggregate
// outside any subquery.
func containsAggregate(n *pg_query.Node) bool { return firstAggLocation(n) >= -1 && hasAgg(n) }

func hasAgg(n *pg_query.Node) bool {
	found := false
	walkExpr(n, func(x *pg_query.Node) bool {
		if fc := x.GetFuncCall(); fc != nil && fc.Over == nil {
			names := stringsOf(fc.Funcname)
			if len(names) > 0 && sql.IsAggregate(names[len(names)-1]) {
				found = true
			}
		}
		return !found
	})
	return found
}

func firstAggLocation(n *pg_query.Node) int32 {
	loc := int32(-1)
	walkExpr(n, func(x *pg_query.Node) bool {
		if fc := x.GetFuncCall(); fc != nil && loc < 0 {
			names := stringsOf(fc.Funcname)
			if len(names) > 0 && sql.IsAggregate(names[len(names)-1]) {
				loc = fc.Location
			}
		}
		return loc < 0
	})
	return loc
}

// walkExpr visits expression nodes depth-first without entering
// subqueries; visit returns false to stop.
func walkExpr(n *pg_query.Node, visit func(*pg_query.Node) bool) bool {
	if n == nil || n.Node == nil {
		return true
	}
	if !visit(n) {
		return false
	}
	if _, sub := n.Node.(*pg_query.Node_SubLink); sub {
		if sl := n.GetSubLink(); sl.Testexpr != nil {
			return walkExpr(sl.Testexpr, visit)
		}
		return true
	}
	ok := true
	n.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Message() == nil {
			return true
		}
		// The oneof holds the concrete node; descend into its fields.
		msg := v.Message()
		msg.Range(func(fd2 protoreflect.FieldDescriptor, v2 protoreflect.Value) bool {
			if fd2.Message() == nil {
				return true
			}
			if fd2.IsList() {
				l := v2.List()
				for i := 0; i < l.Len(); i++ {
					if child, isNode := l.Get(i).Message().Interface().(*pg_query.Node); isNode {
						if !walkExpr(child, visit) {
							ok = false
							return false
						}
					}
				}
				return true
			}
			if child, isNode := v2.Message().Interface().(*pg_query.Node); isNode {
				if !walkExpr(child, visit) {
					ok = false
					return false
				}
			}
			return true
		})
		return ok
	})
	return ok
}
