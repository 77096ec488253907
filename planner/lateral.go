package planner

import "github.com/quartzdb/quartzdb/sql"

// lateral.go runs LATERAL subqueries: for each row of the FROM items to
// their left, the subquery runs again with that row in its outer cell
// (the way correlated subqueries read their enclosing row), so
// `CROSS JOIN LATERAL (SELECT ... ORDER BY embedding <-> q.embedding
// LIMIT 5)` runs one index scan per left row.

// lateralNode is a LATERAL subquery in FROM; it is only opened by a
// lateralJoinNode, which fills cell first.
type lateralNode struct {
	in   node
	cols []colInfo
	cell *rowCell
}

func (n *lateralNode) columns() []colInfo { return n.cols }
func (n *lateralNode) open(x *execCtx) (rowIter, error) {
	return n.in.open(x)
}

// lateralJoinNode is a nested loop that re-opens its right side per left
// row. Only INNER and LEFT joins may be lateral.
type lateralJoinNode struct {
	left  node
	right *lateralNode
	kind  joinKind
	on    sql.Expr
	cols  []colInfo
}

func (n *lateralJoinNode) columns() []colInfo { return n.cols }
func (n *lateralJoinNode) open(x *execCtx) (rowIter, error) {
	lit, err := n.left.open(x)
	if err != nil {
		return nil, err
	}
	return &lateralJoinIter{n: n, left: lit, nr: len(n.right.columns())}, nil
}

type lateralJoinIter struct {
	n       *lateralJoinNode
	left    rowIter
	right   rowIter
	cur     []sql.Datum
	matched bool
	nr      int
}

func (j *lateralJoinIter) next(x *execCtx) ([]sql.Datum, error) {
	for {
		if j.right == nil {
			row, err := j.left.next(x)
			if err != nil || row == nil {
				return nil, err
			}
			j.cur = append([]sql.Datum(nil), row...)
			j.matched = false
			saved := j.n.right.cell.row
			j.n.right.cell.row = j.cur
			j.right, err = j.n.right.open(x)
			j.n.right.cell.row = saved
			if err != nil {
				return nil, err
			}
		}
		j.n.right.cell.row = j.cur
		rrow, err := j.right.next(x)
		if err != nil {
			return nil, err
		}
		if rrow == nil {
			j.right.close()
			j.right = nil
			if j.n.kind == joinLeft && !j.matched {
				return append(append([]sql.Datum(nil), j.cur...), make([]sql.Datum, j.nr)...), nil
			}
			continue
		}
		out := append(append(make([]sql.Datum, 0, len(j.cur)+len(rrow)), j.cur...), rrow...)
		if j.n.on != nil {
			v, err := j.n.on.Eval(x.ec, out)
			if err != nil {
				return nil, err
			}
			if v != true {
				continue
			}
		}
		j.matched = true
		return out, nil
	}
}

func (j *lateralJoinIter) close() {
	if j.right != nil {
		j.right.close()
	}
	j.left.close()
}
