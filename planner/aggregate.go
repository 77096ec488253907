package planner

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"sort"
)

// aggContext collects the grouping keys and aggregate calls of a grouped
// query while its target list, HAVING and ORDER BY are built. The
// aggregated row is: grouping keys, then one value per aggregate call.
type aggContext struct {
	input      *scope
	groupKeys  []string // astKey of each grouping expression
	groupExprs []sql.Expr
	groupCols  []int // for a plain column key: its input index (else -1)
	aggs       []*aggCall
}

type aggCall struct {
	key      string
	agg      *sql.Aggregate
	args     []sql.Expr
	filter   sql.Expr
	distinct bool
	// order is the aggregate's own ORDER BY (array_agg(x ORDER BY y)):
	// its inputs are collected and fed to the aggregate sorted.
	order   []sql.Expr
	orderBy []sortKey
}

// match is consulted before building any expression of a grouped query.
func (ac *aggContext) match(b *builder, n *pg_query.Node) (sql.Expr, bool, error) {
	key := astKey(n)
	for i, k := range ac.groupKeys {
		if k == key {
			return &sql.ColRef{Index: i, Typ: ac.groupExprs[i].Type()}, true, nil
		}
	}
	switch v := n.Node.(type) {
	case *pg_query.Node_FuncCall:
		names := stringsOf(v.FuncCall.Funcname)
		name := names[len(names)-1]
		if !sql.IsAggregate(name) || v.FuncCall.Over != nil {
			return nil, false, nil
		}
		for i, a := range ac.aggs {
			if a.key == key {
				return &sql.ColRef{Index: len(ac.groupExprs) + i, Typ: a.agg.ResultType}, true, nil
			}
		}
		inner := *b
		inner.agg = nil
		args, err := inner.exprs(v.FuncCall.Args, ac.input)
		if err != nil {
			return nil, true, err
		}
		agg, err := sql.NewAggregate(name, args, v.FuncCall.AggStar, v.FuncCall.AggDistinct)
		if err != nil {
			return nil, true, b.errAt(err, v.FuncCall.Location)
		}
		call := &aggCall{key: key, agg: agg, args: args, distinct: v.FuncCall.AggDistinct}
		for _, o := range v.FuncCall.AggOrder {
			sb := o.GetSortBy()
			e, err := inner.expr(sb.Node, ac.input)
			if err != nil {
				return nil, true, err
			}
			// The sort key sits after the arguments in each buffered input.
			call.orderBy = append(call.orderBy, makeSortKey(sb, len(args)+len(call.order), e.Type()))
			call.order = append(call.order, e)
		}
		if v.FuncCall.AggFilter != nil {
			if call.filter, err = inner.expr(v.FuncCall.AggFilter, ac.input); err != nil {
				return nil, true, err
			}
		}
		ac.aggs = append(ac.aggs, call)
		return &sql.ColRef{Index: len(ac.groupExprs) + len(ac.aggs) - 1, Typ: agg.ResultType}, true, nil
	case *pg_query.Node_ColumnRef:
		// A column that is not a grouping key: find it to name it in
		// the error, as PostgreSQL does.
		inner := *b
		inner.agg = nil
		e, err := inner.columnRef(v.ColumnRef, ac.input)
		if err != nil {
			return nil, true, err
		}
		if cr, ok := e.(*sql.ColRef); ok {
			for i, gc := range ac.groupCols {
				if gc == cr.Index {
					return &sql.ColRef{Index: i, Typ: ac.groupExprs[i].Type()}, true, nil
				}
			}
			c := ac.input.cols[cr.Index]
			return nil, true, sql.Errorf(sql.CodeGroupingError, "column \"%s.%s\" must appear in the GROUP BY clause or be used in an aggregate function", c.table, c.name).WithPosition(b.pos(v.ColumnRef.Location))
		}
		return e, true, nil // an outer reference is a constant here
	}
	return nil, false, nil
}

// aggNode groups its input and computes aggregates per group. Without
// grouping keys it yields exactly one row, even for empty input.
type aggNode struct {
	in   node
	ac   *aggContext
	cols []colInfo
}

func (n *aggNode) columns() []colInfo { return n.cols }

type aggGroup struct {
	key    []sql.Datum
	states []sql.AggState
	seen   []map[string]bool // per DISTINCT aggregate
	// inputs buffers, per aggregate with an ORDER BY, each input's
	// arguments followed by its sort keys.
	inputs [][][]sql.Datum
}

func (n *aggNode) open(x *execCtx) (rowIter, error) {
	it, err := n.in.open(x)
	if err != nil {
		return nil, err
	}
	defer it.close()
	groups := map[string]*aggGroup{}
	var order []*aggGroup
	newGroup := func(key []sql.Datum) *aggGroup {
		g := &aggGroup{key: key, states: make([]sql.AggState, len(n.ac.aggs)), seen: make([]map[string]bool, len(n.ac.aggs)),
			inputs: make([][][]sql.Datum, len(n.ac.aggs))}
		for i, a := range n.ac.aggs {
			g.states[i] = a.agg.NewState()
			if a.distinct {
				g.seen[i] = map[string]bool{}
			}
		}
		return g
	}
	keyTypes := make([]sql.Type, len(n.ac.groupExprs))
	for i, e := range n.ac.groupExprs {
		keyTypes[i] = e.Type()
	}
	var buf []byte
	args := []sql.Datum{}
	count := 0
	for {
		row, err := it.next(x)
		if err != nil {
			return nil, err
		}
		if row == nil {
			break
		}
		if count++; count%1024 == 0 {
			if err := checkCancel(x); err != nil {
				return nil, err
			}
		}
		key := make([]sql.Datum, len(n.ac.groupExprs))
		buf = buf[:0]
		for i, e := range n.ac.groupExprs {
			if key[i], err = e.Eval(x.ec, row); err != nil {
				return nil, err
			}
			buf = appendGroupKey(buf, keyTypes[i], key[i])
		}
		g := groups[string(buf)]
		if g == nil {
			g = newGroup(key)
			groups[string(buf)] = g
			order = append(order, g)
		}
		for i, a := range n.ac.aggs {
			if a.filter != nil {
				ok, err := evalBool(x, a.filter, row)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
			}
			args = args[:0]
			for _, ae := range a.args {
				v, err := ae.Eval(x.ec, row)
				if err != nil {
					return nil, err
				}
				args = append(args, v)
			}
			if a.order != nil {
				in := append([]sql.Datum(nil), args...)
				for _, oe := range a.order {
					v, err := oe.Eval(x.ec, row)
					if err != nil {
						return nil, err
					}
					in = append(in, v)
				}
				g.inputs[i] = append(g.inputs[i], in)
				continue
			}
			if err := g.step(x, i, a, args); err != nil {
				return nil, err
			}
		}
	}
	// Aggregates with an ORDER BY see their inputs sorted (stably, so
	// ties keep their arrival order).
	for _, g := range order {
		for i, a := range n.ac.aggs {
			if a.order == nil {
				continue
			}
			ins := g.inputs[i]
			sort.SliceStable(ins, func(p, q int) bool { return compareRows(ins[p], ins[q], a.orderBy) < 0 })
			for _, in := range ins {
				if err := g.step(x, i, a, in[:len(a.args)]); err != nil {
					return nil, err
				}
			}
			g.inputs[i] = nil
		}
	}
	if len(n.ac.groupExprs) == 0 && len(order) == 0 {
		order = append(order, newGroup(nil))
	}
	out := make([][]sql.Datum, 0, len(order))
	for _, g := range order {
		row := make([]sql.Datum, 0, len(g.key)+len(g.states))
		row = append(row, g.key...)
		for _, st := range g.states {
			v, err := st.Final()
			if err != nil {
				return nil, err
			}
			row = append(row, v)
		}
		out = append(out, row)
	}
	return &sliceIter{rows: out}, nil
}

// step feeds one input to aggregate i of the group, skipping a repeated
// input of a DISTINCT aggregate.
func (g *aggGroup) step(x *execCtx, i int, a *aggCall, args []sql.Datum) error {
	if a.distinct {
		var kb []byte
		for j, v := range args {
			kb = appendGroupKey(kb, a.args[j].Type(), v)
		}
		if g.seen[i][string(kb)] {
			return nil
		}
		g.seen[i][string(kb)] = true
	}
	return g.states[i].Step(x.ec, args)
}
