package planner

import (
	"sort"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
)

// window.go holds window functions (f(...) OVER (...)). They are evaluated
// by a windowAggNode placed after GROUP BY/HAVING and before the select
// list's projection, ORDER BY, DISTINCT and LIMIT, as in PostgreSQL. The
// node materialises its input, computes every call for every row and
// appends the results to each row; windowRef reads them back.

// Frame option bits, as PostgreSQL's parser sets them (parsenodes.h).
const (
	frameNonDefault         = 0x00001
	frameRange              = 0x00002
	frameRows               = 0x00004
	frameGroups             = 0x00008
	frameStartUnboundedPrec = 0x00020
	frameEndUnboundedFoll   = 0x00100
	frameStartCurrentRow    = 0x00200
	frameEndCurrentRow      = 0x00400
	frameStartOffsetPrec    = 0x00800
	frameEndOffsetPrec      = 0x01000
	frameStartOffsetFoll    = 0x02000
	frameEndOffsetFoll      = 0x04000
	frameExclusion          = 0x08000 | 0x10000 | 0x20000
)

// codeWindowingError is SQLSTATE 42P20 (windowing_error).
const codeWindowingError = "42P20"

// windowOnlyFuncs are the functions that exist only as window functions.
var windowOnlyFuncs = map[string]bool{
	"row_number": true, "rank": true, "dense_rank": true, "percent_rank": true, "cume_dist": true,
	"ntile": true, "lag": true, "lead": true, "first_value": true, "last_value": true, "nth_value": true,
}

// winContext collects the window calls of one SELECT's target list and
// ORDER BY, and knows its WINDOW clause.
type winContext struct {
	named map[string]*pg_query.WindowDef
	calls []*winCall
	keys  []string
}

// winCall is one resolved window function call.
type winCall struct {
	name string
	agg  *sql.Aggregate // aggregate over a window; nil for the window-only functions
	args []sql.Expr
	// filter is an aggregate's FILTER (WHERE ...).
	filter    sql.Expr
	partition []sql.Expr
	order     []sql.Expr
	orderKeys []sortKey // over the order values
	frameOpts int32
	start     sql.Expr // frame offsets (ROWS n PRECEDING/FOLLOWING)
	end       sql.Expr
	typ       sql.Type
}

// windowRef reads a window call's result, appended to the row by the
// windowAggNode below the projection.
type windowRef struct {
	wc  *winContext
	k   int
	typ sql.Type
}

func (r *windowRef) Type() sql.Type { return r.typ }

// Eval implements sql.Expr.
func (r *windowRef) Eval(_ *sql.EvalContext, row []sql.Datum) (sql.Datum, error) {
	i := len(row) - len(r.wc.calls) + r.k
	if i < 0 || i >= len(row) {
		return nil, sql.Errorf(sql.CodeInternalError, "window function result missing from row")
	}
	return row[i], nil
}

// newWinContext reads a SELECT's WINDOW clause.
func (b *builder) newWinContext(clause []*pg_query.Node) (*winContext, error) {
	wc := &winContext{named: map[string]*pg_query.WindowDef{}}
	for _, n := range clause {
		wd := n.GetWindowDef()
		if wd == nil {
			continue
		}
		if _, dup := wc.named[wd.Name]; dup {
			return nil, sql.Errorf(codeWindowingError, "window \"%s\" is already defined", wd.Name).WithPosition(b.pos(wd.Location))
		}
		merged, err := b.mergeWindow(wc, wd)
		if err != nil {
			return nil, err
		}
		wc.named[wd.Name] = merged
	}
	return wc, nil
}

// mergeWindow resolves a window definition that names another ("OVER (w
// ORDER BY x)"): it inherits w's PARTITION BY and ORDER BY, with
// PostgreSQL's rules against overriding them.
func (b *builder) mergeWindow(wc *winContext, wd *pg_query.WindowDef) (*pg_query.WindowDef, error) {
	if wd.Refname == "" {
		return wd, nil
	}
	base, ok := wc.named[wd.Refname]
	if !ok {
		return nil, sql.Errorf(sql.CodeUndefinedObject, "window \"%s\" does not exist", wd.Refname).WithPosition(b.pos(wd.Location))
	}
	if len(wd.PartitionClause) > 0 {
		return nil, sql.Errorf(codeWindowingError, "cannot override PARTITION BY clause of window \"%s\"", wd.Refname).WithPosition(b.pos(wd.Location))
	}
	if len(wd.OrderClause) > 0 && len(base.OrderClause) > 0 {
		return nil, sql.Errorf(codeWindowingError, "cannot override ORDER BY clause of window \"%s\"", wd.Refname).WithPosition(b.pos(wd.Location))
	}
	if base.FrameOptions&frameNonDefault != 0 {
		return nil, sql.Errorf(codeWindowingError, "cannot copy window \"%s\" because it has a frame clause", wd.Refname).
			WithHint("Omit the parentheses in this OVER clause.").WithPosition(b.pos(wd.Location))
	}
	m := &pg_query.WindowDef{Name: wd.Name, PartitionClause: base.PartitionClause, OrderClause: wd.OrderClause,
		FrameOptions: wd.FrameOptions, StartOffset: wd.StartOffset, EndOffset: wd.EndOffset, Location: wd.Location}
	if len(m.OrderClause) == 0 {
		m.OrderClause = base.OrderClause
	}
	return m, nil
}

// windowCall builds f(...) OVER (...): the call is registered with the
// SELECT's winContext and read back through a windowRef.
func (b *builder) windowCall(fc *pg_query.FuncCall, name string, sc *scope) (sql.Expr, error) {
	if b.win == nil {
		msg := "window functions are not allowed here"
		switch {
		case b.winNested:
			msg = "window function calls cannot be nested"
		case b.exprKind != "":
			msg = "window functions are not allowed in " + b.exprKind
		}
		return nil, sql.Errorf(codeWindowingError, "%s", msg).WithPosition(b.pos(fc.Location))
	}
	wc := b.win
	key := astKey(&pg_query.Node{Node: &pg_query.Node_FuncCall{FuncCall: fc}})
	for k, have := range wc.keys {
		if have == key {
			return &windowRef{wc: wc, k: k, typ: wc.calls[k].typ}, nil
		}
	}
	isAgg := sql.IsAggregate(name)
	if !windowOnlyFuncs[name] && !isAgg {
		return nil, sql.Errorf(sql.CodeWrongObjectType, "OVER specified, but %s is not a window function nor an aggregate function", name).WithPosition(b.pos(fc.Location))
	}
	if fc.AggDistinct {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "DISTINCT is not implemented for window functions").WithPosition(b.pos(fc.Location))
	}
	if len(fc.AggOrder) > 0 {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "aggregate ORDER BY is not implemented for window functions").WithPosition(b.pos(fc.Location))
	}
	if fc.AggFilter != nil && !isAgg {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "FILTER is not implemented for non-aggregate window functions").WithPosition(b.pos(fc.Location))
	}
	wd := fc.Over
	if wd.Name != "" {
		named, ok := wc.named[wd.Name]
		if !ok {
			return nil, sql.Errorf(sql.CodeUndefinedObject, "window \"%s\" does not exist", wd.Name).WithPosition(b.pos(wd.Location))
		}
		wd = named
	} else {
		var err error
		if wd, err = b.mergeWindow(wc, wd); err != nil {
			return nil, err
		}
	}

	// Arguments see the row below the window node (the aggregated row of
	// a grouped query); a window call inside them is nested.
	ab := *b
	ab.win, ab.winNested, ab.srfs, ab.exprKind = nil, true, nil, "window function arguments"
	args, err := ab.exprs(fc.Args, sc)
	if err != nil {
		return nil, err
	}
	call := &winCall{name: name, frameOpts: wd.FrameOptions}
	if isAgg {
		agg, err := sql.NewAggregate(name, args, fc.AggStar, false)
		if err != nil {
			return nil, b.errAt(err, fc.Location)
		}
		call.agg, call.args, call.typ = agg, agg.Args, agg.ResultType
		if fc.AggFilter != nil {
			fb := ab
			fb.exprKind = "FILTER"
			if call.filter, err = fb.predicate(fc.AggFilter, sc, "FILTER"); err != nil {
				return nil, err
			}
		}
	} else {
		if fc.AggStar {
			return nil, sql.Errorf(sql.CodeWrongObjectType, "%s(*) specified, but %s is not an aggregate function", name, name).WithPosition(b.pos(fc.Location))
		}
		if call.args, call.typ, err = windowFuncSignature(name, args); err != nil {
			return nil, b.errAt(err, fc.Location)
		}
	}

	// PARTITION BY and ORDER BY: expressions over the same row.
	db := *b
	db.win, db.winNested, db.srfs, db.exprKind = nil, false, nil, "window definitions"
	for _, p := range wd.PartitionClause {
		e, err := db.expr(p, sc)
		if err != nil {
			return nil, err
		}
		if e, err = unknownAsText(e); err != nil {
			return nil, err
		}
		call.partition = append(call.partition, e)
	}
	for _, o := range wd.OrderClause {
		sb := o.GetSortBy()
		if sb.SortbyDir == pg_query.SortByDir_SORTBY_USING {
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "ORDER BY USING is not supported yet")
		}
		e, err := db.expr(sb.Node, sc)
		if err != nil {
			return nil, err
		}
		if e, err = unknownAsText(e); err != nil {
			return nil, err
		}
		call.orderKeys = append(call.orderKeys, makeSortKey(sb, len(call.order), e.Type()))
		call.order = append(call.order, e)
	}
	if err := b.windowFrame(call, wd); err != nil {
		return nil, err
	}
	wc.calls = append(wc.calls, call)
	wc.keys = append(wc.keys, key)
	return &windowRef{wc: wc, k: len(wc.calls) - 1, typ: call.typ}, nil
}

func unknownAsText(e sql.Expr) (sql.Expr, error) {
	if e.Type().OID == sql.OIDUnknown {
		return sql.NewCast(e, sql.TypeText, false)
	}
	return e, nil
}

// windowFrame checks the frame clause: ROWS and RANGE with UNBOUNDED and
// CURRENT ROW bounds, and ROWS with offsets, are supported.
func (b *builder) windowFrame(call *winCall, wd *pg_query.WindowDef) error {
	opts := wd.FrameOptions
	if opts&frameGroups != 0 {
		return sql.Errorf(sql.CodeFeatureNotSupported, "GROUPS frames are not supported yet").WithPosition(b.pos(wd.Location))
	}
	if opts&frameExclusion != 0 {
		return sql.Errorf(sql.CodeFeatureNotSupported, "frame exclusion is not supported yet").WithPosition(b.pos(wd.Location))
	}
	offsets := frameStartOffsetPrec | frameStartOffsetFoll | frameEndOffsetPrec | frameEndOffsetFoll
	if opts&frameRange != 0 && opts&int32(offsets) != 0 {
		return sql.Errorf(sql.CodeFeatureNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported yet").WithPosition(b.pos(wd.Location))
	}
	offset := func(n *pg_query.Node) (sql.Expr, error) {
		if n == nil {
			return nil, nil
		}
		ob := *b
		ob.win, ob.srfs, ob.agg, ob.exprKind = nil, nil, nil, "window frame"
		e, err := ob.expr(n, &scope{})
		if err != nil {
			if se := sql.Wrap(err); se.Code == sql.CodeUndefinedColumn {
				return nil, sql.Errorf(sql.CodeInvalidColumnReference, "argument of ROWS must not contain variables").WithPosition(b.pos(exprLocation(n)))
			}
			return nil, err
		}
		if sql.ReferencesColumns(e) {
			return nil, sql.Errorf(sql.CodeInvalidColumnReference, "argument of ROWS must not contain variables").WithPosition(b.pos(exprLocation(n)))
		}
		c, err := castTo(e, sql.TypeInt8)
		if err != nil {
			return nil, sql.Errorf(sql.CodeDatatypeMismatch, "argument of ROWS must be type bigint, not type %s", sql.FormatType(e.Type())).WithPosition(b.pos(exprLocation(n)))
		}
		return c, nil
	}
	var err error
	if call.start, err = offset(wd.StartOffset); err != nil {
		return err
	}
	call.end, err = offset(wd.EndOffset)
	return err
}

// windowFuncSignature resolves a window-only function's arguments and
// result type (PostgreSQL's pg_proc signatures).
func windowFuncSignature(name string, args []sql.Expr) ([]sql.Expr, sql.Type, error) {
	noFunc := func() error {
		return sql.Errorf(sql.CodeUndefinedFunction, "function %s(%s) does not exist", name, argTypeList(args)).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	int4Arg := func(i int) error {
		c, err := castTo(args[i], sql.TypeInt4)
		if err != nil || !implicitInt4(args[i].Type()) {
			return noFunc()
		}
		args[i] = c
		return nil
	}
	switch name {
	case "row_number", "rank", "dense_rank":
		if len(args) != 0 {
			return nil, sql.Type{}, noFunc()
		}
		return args, sql.TypeInt8, nil
	case "percent_rank", "cume_dist":
		if len(args) != 0 {
			return nil, sql.Type{}, noFunc()
		}
		return args, sql.TypeFloat8, nil
	case "ntile":
		if len(args) != 1 {
			return nil, sql.Type{}, noFunc()
		}
		if err := int4Arg(0); err != nil {
			return nil, sql.Type{}, err
		}
		return args, sql.TypeInt4, nil
	case "first_value", "last_value":
		if len(args) != 1 {
			return nil, sql.Type{}, noFunc()
		}
		a, err := unknownAsText(args[0])
		if err != nil {
			return nil, sql.Type{}, err
		}
		args[0] = a
		return args, a.Type(), nil
	case "nth_value":
		if len(args) != 2 {
			return nil, sql.Type{}, noFunc()
		}
		a, err := unknownAsText(args[0])
		if err != nil {
			return nil, sql.Type{}, err
		}
		args[0] = a
		if err := int4Arg(1); err != nil {
			return nil, sql.Type{}, err
		}
		return args, a.Type(), nil
	case "lag", "lead":
		if len(args) < 1 || len(args) > 3 {
			return nil, sql.Type{}, noFunc()
		}
		if len(args) >= 2 {
			if err := int4Arg(1); err != nil {
				return nil, sql.Type{}, err
			}
		}
		t := args[0].Type()
		if len(args) == 3 {
			// lag(anycompatible, integer, anycompatible)
			ct, err := sql.CommonTypeIn(name, []sql.Type{args[0].Type(), args[2].Type()})
			if err != nil {
				return nil, sql.Type{}, noFunc()
			}
			t = ct
		}
		if t.OID == sql.OIDUnknown {
			t = sql.TypeText
		}
		for _, i := range []int{0, 2} {
			if i < len(args) {
				c, err := castTo(args[i], t)
				if err != nil {
					return nil, sql.Type{}, noFunc()
				}
				args[i] = c
			}
		}
		return args, t, nil
	}
	return nil, sql.Type{}, noFunc()
}

// implicitInt4 reports whether a value of t converts to integer
// implicitly (an integer argument position).
func implicitInt4(t sql.Type) bool {
	switch t.OID {
	case sql.OIDInt2, sql.OIDInt4, sql.OIDUnknown:
		return true
	}
	return false
}

// checkNoWindowIn refuses window calls inside aggregate arguments and in
// GROUP BY, which PostgreSQL rejects during parse analysis.
func (b *builder) checkNoWindowIn(nodes []*pg_query.Node, groupBy bool) error {
	var bad *pg_query.FuncCall
	inAgg := func(root *pg_query.Node) {
		walkExpr(root, func(x *pg_query.Node) bool {
			if bad != nil {
				return false
			}
			fc := x.GetFuncCall()
			if fc == nil || fc.Over != nil {
				return true
			}
			names := stringsOf(fc.Funcname)
			if len(names) == 0 || !sql.IsAggregate(strings.ToLower(names[len(names)-1])) {
				return true
			}
			for _, a := range append(append([]*pg_query.Node{fc.AggFilter}, fc.Args...), fc.AggOrder...) {
				walkExpr(a, func(y *pg_query.Node) bool {
					if w := y.GetFuncCall(); w != nil && w.Over != nil && bad == nil {
						bad = w
					}
					return bad == nil
				})
			}
			return bad == nil
		})
	}
	for _, n := range nodes {
		if groupBy {
			walkExpr(n, func(x *pg_query.Node) bool {
				if fc := x.GetFuncCall(); fc != nil && fc.Over != nil && bad == nil {
					bad = fc
				}
				return bad == nil
			})
			if bad != nil {
				return sql.Errorf(codeWindowingError, "window functions are not allowed in GROUP BY").WithPosition(b.pos(bad.Location))
			}
			continue
		}
		inAgg(n)
		if bad != nil {
			return sql.Errorf(sql.CodeGroupingError, "aggregate function calls cannot contain window function calls").WithPosition(b.pos(bad.Location))
		}
	}
	return nil
}

// ---- execution ----

// windowAggNode appends the value of each window call to every input row.
// Rows come out in the order of the last call's window (partition keys,
// then its ORDER BY), as PostgreSQL's WindowAgg emits them.
type windowAggNode struct {
	in    node
	wc    *winContext
	calls []*winCall
	cols  []colInfo
}

func (n *windowAggNode) columns() []colInfo {
	if n.cols == nil {
		in := n.in.columns()
		n.cols = append(make([]colInfo, 0, len(in)+len(n.calls)), in...)
		for _, c := range n.calls {
			n.cols = append(n.cols, colInfo{name: c.name, typ: c.typ, hidden: true})
		}
	}
	return n.cols
}

func (n *windowAggNode) open(x *execCtx) (rowIter, error) {
	it, err := n.in.open(x)
	if err != nil {
		return nil, err
	}
	var rows [][]sql.Datum
	for {
		row, err := it.next(x)
		if err != nil {
			it.close()
			return nil, err
		}
		if row == nil {
			break
		}
		if len(rows)%1024 == 1023 {
			if err := checkCancel(x); err != nil {
				it.close()
				return nil, err
			}
		}
		rows = append(rows, append(make([]sql.Datum, 0, len(row)+len(n.calls)), row...))
	}
	it.close()
	width := 0
	if len(rows) > 0 {
		width = len(rows[0])
	}
	results := make([][]sql.Datum, len(n.calls))
	var order []int
	for k, c := range n.calls {
		var err error
		if results[k], order, err = c.evaluate(x, rows); err != nil {
			return nil, err
		}
	}
	out := make([][]sql.Datum, len(rows))
	for i, ri := range order {
		row := rows[ri][:width]
		for k := range n.calls {
			row = append(row, results[k][ri])
		}
		out[i] = row
	}
	if order == nil {
		for i, row := range rows {
			out[i] = row
		}
	}
	return &sliceIter{rows: out}, nil
}

// winRow is one input row's partition and order values.
type winRow struct {
	idx  int
	part []sql.Datum
	ord  []sql.Datum
}

// evaluate computes the call for every row; it returns the values by
// input row and the rows' window order.
func (c *winCall) evaluate(x *execCtx, rows [][]sql.Datum) ([]sql.Datum, []int, error) {
	wr := make([]winRow, len(rows))
	for i, row := range rows {
		wr[i].idx = i
		for _, e := range c.partition {
			v, err := e.Eval(x.ec, row)
			if err != nil {
				return nil, nil, err
			}
			wr[i].part = append(wr[i].part, v)
		}
		for _, e := range c.order {
			v, err := e.Eval(x.ec, row)
			if err != nil {
				return nil, nil, err
			}
			wr[i].ord = append(wr[i].ord, v)
		}
	}
	partKeys := make([]sortKey, len(c.partition))
	for i, e := range c.partition {
		partKeys[i] = sortKey{index: i, typ: e.Type()}
	}
	sort.SliceStable(wr, func(p, q int) bool {
		if d := compareRows(wr[p].part, wr[q].part, partKeys); d != 0 {
			return d < 0
		}
		return compareRows(wr[p].ord, wr[q].ord, c.orderKeys) < 0
	})
	var startOff, endOff int64
	for _, o := range []struct {
		e    sql.Expr
		dst  *int64
		what string
	}{{c.start, &startOff, "starting"}, {c.end, &endOff, "ending"}} {
		if o.e == nil {
			continue
		}
		v, err := o.e.Eval(x.ec, nil)
		if err != nil {
			return nil, nil, err
		}
		if v == nil {
			return nil, nil, sql.Errorf(sql.CodeNullValueNotAllowed, "frame %s offset must not be null", o.what)
		}
		if *o.dst = v.(int64); *o.dst < 0 {
			return nil, nil, sql.Errorf("22013", "frame %s offset must not be negative", o.what)
		}
	}
	out := make([]sql.Datum, len(rows))
	order := make([]int, len(wr))
	for i := range wr {
		order[i] = wr[i].idx
	}
	for lo := 0; lo < len(wr); {
		hi := lo + 1
		for hi < len(wr) && compareRows(wr[lo].part, wr[hi].part, partKeys) == 0 {
			hi++
		}
		p := &winPartition{call: c, x: x, rows: rows, members: order[lo:hi], wr: wr[lo:hi], startOff: startOff, endOff: endOff}
		if err := p.compute(out); err != nil {
			return nil, nil, err
		}
		if err := checkCancel(x); err != nil {
			return nil, nil, err
		}
		lo = hi
	}
	return out, order, nil
}

// winPartition is one partition of a call, its rows in window order.
type winPartition struct {
	call               *winCall
	x                  *execCtx
	rows               [][]sql.Datum
	members            []int // input row indexes in window order
	wr                 []winRow
	peerStart, peerEnd []int
	startOff, endOff   int64
}

func (p *winPartition) row(j int) []sql.Datum { return p.rows[p.members[j]] }

// peers computes, for each position, the bounds of its peer group (rows
// equal in the window's ORDER BY; all rows without one).
func (p *winPartition) peers() {
	m := len(p.members)
	p.peerStart, p.peerEnd = make([]int, m), make([]int, m)
	for lo := 0; lo < m; {
		hi := lo + 1
		for hi < m && compareRows(p.wr[lo].ord, p.wr[hi].ord, p.call.orderKeys) == 0 {
			hi++
		}
		for j := lo; j < hi; j++ {
			p.peerStart[j], p.peerEnd[j] = lo, hi
		}
		lo = hi
	}
}

// frame returns the frame of position j as [lo, hi).
func (p *winPartition) frame(j int) (int, int) {
	opts, m := p.call.frameOpts, len(p.members)
	var lo, hi int
	switch {
	case opts&frameStartUnboundedPrec != 0:
		lo = 0
	case opts&frameStartCurrentRow != 0:
		lo = j
		if opts&frameRange != 0 {
			lo = p.peerStart[j]
		}
	case opts&frameStartOffsetPrec != 0:
		lo = clampOff(int64(j) - p.startOff)
	case opts&frameStartOffsetFoll != 0:
		lo = clampOff(int64(j) + p.startOff)
	}
	switch {
	case opts&frameEndUnboundedFoll != 0:
		hi = m
	case opts&frameEndCurrentRow != 0:
		hi = j + 1
		if opts&frameRange != 0 {
			hi = p.peerEnd[j]
		}
	case opts&frameEndOffsetPrec != 0:
		hi = clampOff(int64(j) - p.endOff + 1)
	case opts&frameEndOffsetFoll != 0:
		hi = clampOff(int64(j) + p.endOff + 1)
	default:
		// "ROWS n PRECEDING" alone: the frame ends at the current row.
		hi = j + 1
		if opts&frameRange != 0 {
			hi = p.peerEnd[j]
		}
	}
	lo, hi = min(max(lo, 0), m), min(max(hi, 0), m)
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

func clampOff(v int64) int {
	const limit = 1 << 40
	return int(max(min(v, limit), -limit))
}

func (p *winPartition) arg(i, j int) (sql.Datum, error) {
	return p.call.args[i].Eval(p.x.ec, p.row(j))
}

// compute writes the call's value for each row of the partition.
func (p *winPartition) compute(out []sql.Datum) error {
	c, m := p.call, len(p.members)
	p.peers()
	set := func(j int, v sql.Datum) { out[p.members[j]] = v }
	if c.agg != nil {
		return p.aggregate(set)
	}
	switch c.name {
	case "row_number":
		for j := 0; j < m; j++ {
			set(j, int64(j+1))
		}
	case "rank":
		for j := 0; j < m; j++ {
			set(j, int64(p.peerStart[j]+1))
		}
	case "dense_rank":
		rank := int64(0)
		for j := 0; j < m; j++ {
			if p.peerStart[j] == j {
				rank++
			}
			set(j, rank)
		}
	case "percent_rank":
		for j := 0; j < m; j++ {
			v := 0.0
			if m > 1 {
				v = float64(p.peerStart[j]) / float64(m-1)
			}
			set(j, v)
		}
	case "cume_dist":
		for j := 0; j < m; j++ {
			set(j, float64(p.peerEnd[j])/float64(m))
		}
	case "ntile":
		v, err := p.arg(0, 0)
		if err != nil {
			return err
		}
		if v == nil {
			return nil
		}
		buckets := v.(int64)
		if buckets <= 0 {
			return sql.Errorf("22014", "argument of ntile must be greater than zero")
		}
		per, extra := int64(m)/buckets, int64(m)%buckets
		bucket, left := int64(1), per
		if extra > 0 {
			left++
		}
		for j := 0; j < m; j++ {
			if left == 0 {
				bucket++
				left = per
				if bucket <= extra {
					left++
				}
			}
			set(j, bucket)
			left--
		}
	case "lag", "lead":
		for j := 0; j < m; j++ {
			off := int64(1)
			if len(c.args) > 1 {
				v, err := p.arg(1, j)
				if err != nil {
					return err
				}
				if v == nil {
					continue
				}
				off = v.(int64)
			}
			if c.name == "lag" {
				off = -off
			}
			t := int64(j) + off
			var v sql.Datum
			var err error
			switch {
			case t >= 0 && t < int64(m):
				v, err = p.arg(0, int(t))
			case len(c.args) > 2:
				v, err = p.arg(2, j)
			}
			if err != nil {
				return err
			}
			set(j, v)
		}
	case "first_value", "last_value", "nth_value":
		for j := 0; j < m; j++ {
			lo, hi := p.frame(j)
			at := lo
			switch c.name {
			case "last_value":
				at = hi - 1
			case "nth_value":
				v, err := p.arg(1, j)
				if err != nil {
					return err
				}
				if v == nil {
					continue
				}
				nth := v.(int64)
				if nth <= 0 {
					return sql.Errorf("22016", "argument of nth_value must be greater than zero")
				}
				at = lo + int(nth) - 1
			}
			if at < lo || at >= hi {
				continue
			}
			v, err := p.arg(0, at)
			if err != nil {
				return err
			}
			set(j, v)
		}
	}
	return nil
}

// incrementalAggs are the aggregates whose state may keep taking rows
// after Final (Final does not hand out state that later steps change).
var incrementalAggs = map[string]bool{"count": true, "sum": true, "avg": true, "min": true, "max": true,
	"bool_and": true, "bool_or": true, "every": true}

// aggregate computes an aggregate over each row's frame. A frame that
// grows from the partition start (the default frame) is fed row by row
// into one state; other frames are aggregated afresh, reusing the value
// of the previous row when the frame is the same (peers).
func (p *winPartition) aggregate(set func(int, sql.Datum)) error {
	c, m := p.call, len(p.members)
	inputs := make([][]sql.Datum, m) // nil: filtered out
	for j := 0; j < m; j++ {
		row := p.row(j)
		if c.filter != nil {
			ok, err := evalBool(p.x, c.filter, row)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
		}
		args := make([]sql.Datum, len(c.args))
		for i, a := range c.args {
			v, err := a.Eval(p.x.ec, row)
			if err != nil {
				return err
			}
			args[i] = v
		}
		inputs[j] = args
	}
	incremental := incrementalAggs[c.agg.Name]
	var st sql.AggState
	fed, steps := 0, 0
	prevLo, prevHi := -1, -1
	var prev sql.Datum
	for j := 0; j < m; j++ {
		lo, hi := p.frame(j)
		if lo == prevLo && hi == prevHi {
			set(j, prev)
			continue
		}
		if !incremental || st == nil || lo != prevLo || hi < fed {
			st, fed = c.agg.NewState(), lo
		}
		for ; fed < hi; fed++ {
			if inputs[fed] == nil {
				continue
			}
			if err := st.Step(p.x.ec, inputs[fed]); err != nil {
				return err
			}
			// A frame whose start moves restarts the aggregate per
			// row, O(rows²) in a partition: stay cancellable inside.
			if steps++; steps&4095 == 0 {
				if err := checkCancel(p.x); err != nil {
					return err
				}
			}
		}
		v, err := st.Final()
		if err != nil {
			return err
		}
		if !incremental {
			st = nil
		}
		prevLo, prevHi, prev = lo, hi, v
		set(j, v)
	}
	return nil
}
