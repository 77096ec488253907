package planner

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// cte.go plans WITH queries. A reference to a CTE plans its query again
// (PostgreSQL inlines a CTE referenced once; planning per reference gives
// each reference its own operator tree, which the iterators need), so a
// reference behaves as a subquery in FROM. WITH RECURSIVE runs the
// non-recursive term, then the recursive term over the previous round's
// rows (the working table) until a round yields none.

// SQLSTATEs the sql package does not name.
const (
	codeDuplicateAlias   = "42712"
	codeInvalidRecursion = "42P19"
)

// cteScope lists the WITH queries one WITH clause defines.
type cteScope struct {
	parent *cteScope
	items  []*cteItem
	// future names the items of the same plain WITH clause defined after
	// these, which they cannot reference.
	future []string
}

// cteItem is one WITH query.
type cteItem struct {
	name     string
	loc      int32
	query    *pg_query.SelectStmt
	colNames []string
	// scope is what the item's own query sees: the items before it (all
	// of its WITH clause under RECURSIVE) and enclosing WITH clauses.
	scope *cteScope
	// selfRef marks a WITH RECURSIVE item that reads itself.
	selfRef bool
	// work is set while the recursive term is planned: references to
	// the item then read the working table.
	work     *workTable
	planning bool
	cols     []colInfo // output columns, known once planned
}

// find returns the visible WITH query named name, innermost first.
func (c *cteScope) find(name string) *cteItem {
	for s := c; s != nil; s = s.parent {
		for _, it := range s.items {
			if it.name == name {
				return it
			}
		}
	}
	return nil
}

// pushWith makes a WITH clause's queries visible to b until restore is
// called, after checking each query as PostgreSQL does when it is defined.
func (b *builder) pushWith(w *pg_query.WithClause) (restore func(), err error) {
	saved := b.ctes
	restore = func() { b.ctes = saved }
	sc := &cteScope{parent: saved}
	seen := map[string]bool{}
	for _, n := range w.Ctes {
		c := n.GetCommonTableExpr()
		if seen[c.Ctename] {
			return restore, sql.Errorf(codeDuplicateAlias, "WITH query name \"%s\" specified more than once", c.Ctename).WithPosition(b.pos(c.Location))
		}
		seen[c.Ctename] = true
		sel := c.Ctequery.GetSelectStmt()
		if sel == nil {
			return restore, sql.Errorf(sql.CodeFeatureNotSupported, "WITH clause containing a data-modifying statement is not supported yet").WithPosition(b.pos(c.Location))
		}
		if c.SearchClause != nil || c.CycleClause != nil {
			return restore, sql.Errorf(sql.CodeFeatureNotSupported, "SEARCH and CYCLE clauses are not supported yet").WithPosition(b.pos(c.Location))
		}
		it := &cteItem{name: c.Ctename, loc: c.Location, query: sel, colNames: stringsOf(c.Aliascolnames)}
		if w.Recursive {
			it.scope = sc
			it.selfRef = referencesName(c.Ctequery, c.Ctename)
		} else {
			it.scope = &cteScope{parent: saved, items: append([]*cteItem(nil), sc.items...)}
			for _, m := range w.Ctes[len(sc.items):] {
				it.scope.future = append(it.scope.future, m.GetCommonTableExpr().Ctename)
			}
		}
		sc.items = append(sc.items, it)
	}
	for _, it := range sc.items {
		if it.cols != nil {
			continue // planned already through an earlier item
		}
		if _, err := b.planCTE(it); err != nil {
			return restore, err
		}
	}
	b.ctes = sc
	return restore, nil
}

// referencesName reports whether an unqualified relation named name
// appears anywhere under n.
func referencesName(n *pg_query.Node, name string) bool {
	found := false
	walkMessages(n.ProtoReflect(), func(m protoreflect.Message) bool {
		if rv, ok := m.Interface().(*pg_query.RangeVar); ok && rv.Schemaname == "" && rv.Relname == name {
			found = true
		}
		return !found
	})
	return found
}

// countRefs counts the unqualified references to name under n, and how
// many of them sit inside an expression subquery.
func countRefs(n *pg_query.Node, name string) (total int, inSubLink bool) {
	var walk func(m protoreflect.Message, sub bool)
	walk = func(m protoreflect.Message, sub bool) {
		if rv, ok := m.Interface().(*pg_query.RangeVar); ok && rv.Schemaname == "" && rv.Relname == name {
			total++
			if sub {
				inSubLink = true
			}
		}
		if _, ok := m.Interface().(*pg_query.SubLink); ok {
			sub = true
		}
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			if fd.Message() == nil || fd.IsMap() {
				return true
			}
			if fd.IsList() {
				l := v.List()
				for i := 0; i < l.Len(); i++ {
					walk(l.Get(i).Message(), sub)
				}
				return true
			}
			walk(v.Message(), sub)
			return true
		})
	}
	walk(n.ProtoReflect(), false)
	return total, inSubLink
}

// walkMessages visits every message under m depth-first; visit returns
// false to stop.
func walkMessages(m protoreflect.Message, visit func(protoreflect.Message) bool) bool {
	if !visit(m) {
		return false
	}
	ok := true
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Message() == nil || fd.IsMap() {
			return true
		}
		if fd.IsList() {
			l := v.List()
			for i := 0; i < l.Len() && ok; i++ {
				ok = walkMessages(l.Get(i).Message(), visit)
			}
			return ok
		}
		ok = walkMessages(v.Message(), visit)
		return ok
	})
	return ok
}

// planCTE plans a WITH query's body in the scope of its definition.
func (b *builder) planCTE(it *cteItem) (node, error) {
	if it.planning {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "mutual recursion between WITH items is not implemented").WithPosition(b.pos(it.loc))
	}
	it.planning = true
	defer func() { it.planning = false }()
	sub := *b
	sub.agg, sub.lateral, sub.srfs, sub.srfBan, sub.srfNested, sub.exprKind = nil, nil, nil, "", false, ""
	sub.ctes = it.scope
	var n node
	var err error
	if it.selfRef {
		n, err = sub.planRecursive(it)
	} else {
		n, err = sub.planQuery(it.query)
	}
	if err != nil {
		return nil, err
	}
	if it.cols == nil {
		cols, err := it.outputColumns(n.columns())
		if err != nil {
			return nil, b.errAt(err, it.loc)
		}
		it.cols = cols
	}
	return n, nil
}

// outputColumns names a WITH query's visible columns, applying its column
// aliases.
func (it *cteItem) outputColumns(in []colInfo) ([]colInfo, error) {
	var cols []colInfo
	for _, c := range in {
		if !c.hidden {
			cols = append(cols, colInfo{name: c.name, typ: c.typ})
		}
	}
	if len(it.colNames) > len(cols) {
		return nil, sql.Errorf(sql.CodeInvalidColumnReference, "WITH query \"%s\" has %d columns available but %d columns specified", it.name, len(cols), len(it.colNames))
	}
	for i, name := range it.colNames {
		cols[i].name = name
	}
	return cols, nil
}

// planCTERef plans a FROM reference to a WITH query.
func (b *builder) planCTERef(it *cteItem, rv *pg_query.RangeVar) (node, *scope, error) {
	var n node
	if it.work != nil {
		n = &workTableNode{work: it.work, cols: it.work.cols}
	} else {
		var err error
		if n, err = b.planCTE(it); err != nil {
			return nil, nil, err
		}
	}
	alias := it.name
	if rv.Alias != nil {
		alias = rv.Alias.Aliasname
	}
	vis := visibleCols(n.columns())
	cols := make([]colInfo, len(n.columns()))
	for i, c := range n.columns() {
		cols[i] = colInfo{table: alias, name: c.name, typ: c.typ, hidden: c.hidden}
	}
	for j, i := range vis {
		if j < len(it.cols) {
			cols[i].name = it.cols[j].name
		}
	}
	sc := &scope{cols: cols}
	if rv.Alias != nil && len(rv.Alias.Colnames) > 0 {
		renameColumns(sc, stringsOf(rv.Alias.Colnames))
	}
	return &renameNode{in: n, cols: sc.cols}, sc, nil
}

// planRecursive plans "non-recursive UNION [ALL] recursive" for a WITH
// RECURSIVE query that reads itself.
func (b *builder) planRecursive(it *cteItem) (node, error) {
	sel := it.query
	formErr := func() error {
		return sql.Errorf(codeInvalidRecursion, "recursive query \"%s\" does not have the form non-recursive-term UNION [ALL] recursive-term", it.name).WithPosition(b.pos(it.loc))
	}
	if sel.Op != pg_query.SetOperation_SETOP_UNION {
		return nil, formErr()
	}
	if len(sel.SortClause) > 0 {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "ORDER BY in a recursive query is not implemented").WithPosition(b.pos(it.loc))
	}
	if sel.LimitCount != nil || sel.LimitOffset != nil {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "LIMIT in a recursive query is not implemented").WithPosition(b.pos(it.loc))
	}
	larg := &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: sel.Larg}}
	rarg := &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: sel.Rarg}}
	if referencesName(larg, it.name) {
		return nil, sql.Errorf(codeInvalidRecursion, "recursive reference to query \"%s\" must not appear within its non-recursive term", it.name).WithPosition(b.pos(refLocation(larg, it.name, 0)))
	}
	total, inSub := countRefs(rarg, it.name)
	if total > 1 {
		return nil, sql.Errorf(codeInvalidRecursion, "recursive reference to query \"%s\" must not appear more than once", it.name).WithPosition(b.pos(refLocation(rarg, it.name, 1)))
	}
	if inSub {
		return nil, sql.Errorf(codeInvalidRecursion, "recursive reference to query \"%s\" must not appear within a subquery", it.name).WithPosition(b.pos(refLocation(rarg, it.name, 0)))
	}
	left, err := b.planQuery(sel.Larg)
	if err != nil {
		return nil, err
	}
	cols, err := it.outputColumns(left.columns())
	if err != nil {
		return nil, b.errAt(err, it.loc)
	}
	it.cols = cols
	work := &workTable{cols: cols}
	it.work = work
	right, err := b.planQuery(sel.Rarg)
	it.work = nil
	if err != nil {
		return nil, err
	}
	lc, rc := visibleCols(left.columns()), visibleCols(right.columns())
	if len(lc) != len(rc) {
		return nil, sql.Errorf(sql.CodeSyntaxError, "each UNION query must have the same number of columns").WithPosition(b.pos(exprLocationOfSelect(sel.Rarg)))
	}
	n := &recursiveNode{left: left, right: right, all: sel.All, work: work, cols: cols}
	for i := range lc {
		lt, rt := left.columns()[lc[i]].typ, right.columns()[rc[i]].typ
		t, err := sql.CommonTypeIn("UNION", []sql.Type{lt, rt})
		if err != nil {
			return nil, b.errAt(err, exprLocationOfSelect(sel.Rarg))
		}
		if t != lt {
			return nil, sql.Errorf(sql.CodeDatatypeMismatch, "recursive query \"%s\" column %d has type %s in non-recursive term but type %s overall",
				it.name, i+1, sql.FormatType(lt), sql.FormatType(t)).
				WithHint("Cast the output of the non-recursive term to the correct type.").
				WithPosition(b.pos(exprLocationOfSelect(sel.Larg)))
		}
		le := sql.Expr(&sql.ColRef{Index: lc[i], Typ: lt})
		re, err := castTo(&sql.ColRef{Index: rc[i], Typ: rt}, lt)
		if err != nil {
			return nil, b.errAt(err, exprLocationOfSelect(sel.Rarg))
		}
		n.leftCasts = append(n.leftCasts, le)
		n.rightCasts = append(n.rightCasts, re)
	}
	return n, nil
}

// refLocation finds where name is referenced under n, for the caret;
// skip passes over that many earlier references.
func refLocation(n *pg_query.Node, name string, skip int) int32 {
	loc := int32(-1)
	walkMessages(n.ProtoReflect(), func(m protoreflect.Message) bool {
		if rv, ok := m.Interface().(*pg_query.RangeVar); ok && rv.Schemaname == "" && rv.Relname == name {
			if skip--; skip < 0 {
				loc = rv.Location
				return false
			}
		}
		return true
	})
	return loc
}

// exprLocationOfSelect is the location of a SELECT's first output
// expression, where PostgreSQL points for column type errors.
func exprLocationOfSelect(sel *pg_query.SelectStmt) int32 {
	for sel != nil && sel.Larg != nil {
		sel = sel.Larg
	}
	if sel != nil && len(sel.TargetList) > 0 {
		if rt := sel.TargetList[0].GetResTarget(); rt != nil {
			if l := exprLocation(rt.Val); l >= 0 {
				return l
			}
			return rt.Location
		}
	}
	return -1
}

// workTable is the rows of the previous round of a recursive query.
type workTable struct {
	cols []colInfo
	rows [][]sql.Datum
}

// workTableNode reads the working table.
type workTableNode struct {
	work *workTable
	cols []colInfo
}

func (n *workTableNode) columns() []colInfo { return n.cols }
func (n *workTableNode) open(*execCtx) (rowIter, error) {
	return &sliceIter{rows: n.work.rows}, nil
}

// recursiveNode runs a recursive WITH query to its fixpoint, lazily.
type recursiveNode struct {
	left, right           node
	all                   bool
	work                  *workTable
	cols                  []colInfo
	leftCasts, rightCasts []sql.Expr
}

func (n *recursiveNode) columns() []colInfo { return n.cols }
func (n *recursiveNode) open(x *execCtx) (rowIter, error) {
	types := make([]sql.Type, len(n.cols))
	for i, c := range n.cols {
		types[i] = c.typ
	}
	it := &recursiveIter{n: n, types: types}
	if !n.all {
		it.seen = map[string]bool{}
	}
	left, err := n.left.open(x)
	if err != nil {
		return nil, err
	}
	rows, err := drain(x, left)
	if err != nil {
		return nil, err
	}
	if it.round, err = it.keep(x, rows, n.leftCasts); err != nil {
		return nil, err
	}
	return it, nil
}

// recursiveIter returns a recursive query's rows a round at a time,
// running the recursive term for the next round only when the current
// one has been read, so that a LIMIT above it stops an unbounded
// recursion as in PostgreSQL.
type recursiveIter struct {
	n     *recursiveNode
	types []sql.Type
	seen  map[string]bool // UNION: rows produced so far
	round [][]sql.Datum   // the current round, next to return at i
	i     int
}

func (it *recursiveIter) next(x *execCtx) ([]sql.Datum, error) {
	for it.i >= len(it.round) {
		if len(it.round) == 0 {
			return nil, nil // fixpoint
		}
		if err := checkCancel(x); err != nil {
			return nil, err
		}
		if err := it.nextRound(x); err != nil {
			return nil, err
		}
	}
	it.i++
	return it.round[it.i-1], nil
}

// nextRound runs the recursive term over the current round.
func (it *recursiveIter) nextRound(x *execCtx) error {
	work := it.n.work
	saved := work.rows
	defer func() { work.rows = saved }()
	work.rows = it.round
	right, err := it.n.right.open(x)
	if err != nil {
		return err
	}
	rows, err := drain(x, right)
	if err != nil {
		return err
	}
	it.round, it.i = nil, 0
	it.round, err = it.keep(x, rows, it.n.rightCasts)
	return err
}

// keep projects a round's rows to the query's columns and, for UNION,
// drops those already produced.
func (it *recursiveIter) keep(x *execCtx, rows [][]sql.Datum, casts []sql.Expr) ([][]sql.Datum, error) {
	out := rows[:0]
	for _, r := range rows {
		row, err := evalRow(x, casts, r)
		if err != nil {
			return nil, err
		}
		if it.seen != nil {
			var key []byte
			for i, v := range row {
				key = appendGroupKey(key, it.types[i], v)
			}
			if it.seen[string(key)] {
				continue
			}
			it.seen[string(key)] = true
		}
		out = append(out, row)
	}
	return out, nil
}

func (it *recursiveIter) close() {}

// futureCTE reports whether name is a WITH query of a clause being
// defined that the current query may not see yet (a forward reference in
// a plain WITH), for PostgreSQL's detail and hint on the 42P01.
func (b *builder) futureCTE(name string) bool {
	for s := b.ctes; s != nil; s = s.parent {
		for _, n := range s.future {
			if n == name {
				return true
			}
		}
	}
	return false
}
