package planner

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// execCtx is what running operators share for one execution of a
// statement.
type execCtx struct {
	// deadline is the statement_timeout deadline; zero when there is none.
	deadline time.Time
	ctx      context.Context
	ec       *sql.EvalContext
	s        *Session
	txn      *storage.Txn
}

// node is a physical operator: it describes its output columns and opens
// an iterator over its rows.
type node interface {
	columns() []colInfo
	open(x *execCtx) (rowIter, error)
}

// rowIter yields rows; nil marks the end. A returned row may be reused by
// the next call, so a consumer that keeps rows copies them.
type rowIter interface {
	next(x *execCtx) ([]sql.Datum, error)
	close()
}

func checkCancel(x *execCtx) error {
	if err := x.ctx.Err(); err != nil {
		return sql.Wrap(err)
	}
	return nil
}

// ---- one row (SELECT without FROM) ----

type oneRowNode struct{}

func (oneRowNode) columns() []colInfo { return nil }
func (oneRowNode) open(*execCtx) (rowIter, error) {
	return &sliceIter{rows: [][]sql.Datum{{}}}, nil
}

// sliceIter yields materialised rows.
type sliceIter struct {
	rows [][]sql.Datum
	i    int
}

func (it *sliceIter) next(*execCtx) ([]sql.Datum, error) {
	if it.i >= len(it.rows) {
		return nil, nil
	}
	it.i++
	return it.rows[it.i-1], nil
}
func (it *sliceIter) close() {}

// ---- VALUES ----

type valuesNode struct {
	cols []colInfo
	rows [][]sql.Expr
}

func (n *valuesNode) columns() []colInfo { return n.cols }
func (n *valuesNode) open(x *execCtx) (rowIter, error) {
	out := make([][]sql.Datum, 0, len(n.rows))
	for _, r := range n.rows {
		row, err := evalRow(x, r, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return &sliceIter{rows: out}, nil
}

// ---- table scan and primary-key lookup ----

type scanNode struct {
	table *storage.TableDesc
	cols  []colInfo
	// pk, when set, turns the scan into a point lookup by primary key.
	pk []sql.Expr
	// eq, when set, reads only the rows an index's equality finds.
	eq *indexEq
}

// indexEq is an equality scan of a btree index: one value per column.
type indexEq struct {
	index *storage.IndexDesc
	vals  []sql.Expr
	conds []sql.Expr // the WHERE conjuncts the values came from, for EXPLAIN
}

func (n *scanNode) columns() []colInfo { return n.cols }
func (n *scanNode) open(x *execCtx) (rowIter, error) {
	if n.pk != nil {
		key := make([]sql.Datum, len(n.pk))
		for i, e := range n.pk {
			v, err := e.Eval(x.ec, nil)
			if err != nil {
				return nil, err
			}
			if v == nil {
				return &sliceIter{}, nil
			}
			key[i] = v
		}
		row, err := x.txn.GetRowByPK(x.ctx, n.table, key)
		if err != nil {
			return nil, fmt.Errorf("read %s by primary key: %w", n.table.Name, err)
		}
		if row == nil {
			return &sliceIter{}, nil
		}
		x.s.usage.RowsRead++
		return &sliceIter{rows: [][]sql.Datum{row}}, nil
	}
	if n.eq != nil {
		vals := make([]sql.Datum, len(n.eq.vals))
		for i, e := range n.eq.vals {
			v, err := e.Eval(x.ec, nil)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		it, err := x.txn.ScanIndexEq(x.ctx, n.table, n.eq.index, vals)
		if err != nil {
			return nil, fmt.Errorf("scan %s through %s: %w", n.table.Name, n.eq.index.Name, err)
		}
		return &scanIter{it: it}, nil
	}
	it, err := x.txn.ScanTable(x.ctx, n.table)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", n.table.Name, err)
	}
	return &scanIter{it: it}, nil
}

type scanIter struct {
	it storage.RowIterator
	n  int
}

func (s *scanIter) next(x *execCtx) ([]sql.Datum, error) {
	s.n++
	if s.n%1024 == 0 {
		if err := checkCancel(x); err != nil {
			return nil, err
		}
	}
	row, err := s.it.Next(x.ctx)
	if row != nil {
		x.s.usage.RowsRead++
	}
	return row, err
}
func (s *scanIter) close() { s.it.Close() }

// ---- filter ----

type filterNode struct {
	in   node
	pred sql.Expr
}

func (n *filterNode) columns() []colInfo { return n.in.columns() }
func (n *filterNode) open(x *execCtx) (rowIter, error) {
	it, err := n.in.open(x)
	if err != nil {
		return nil, err
	}
	return &filterIter{in: it, pred: n.pred}, nil
}

type filterIter struct {
	in   rowIter
	pred sql.Expr
}

func (f *filterIter) next(x *execCtx) ([]sql.Datum, error) {
	for {
		row, err := f.in.next(x)
		if err != nil || row == nil {
			return nil, err
		}
		ok, err := evalBool(x, f.pred, row)
		if err != nil {
			return nil, err
		}
		if ok {
			return row, nil
		}
	}
}
func (f *filterIter) close() { f.in.close() }

func evalBool(x *execCtx, e sql.Expr, row []sql.Datum) (bool, error) {
	v, err := e.Eval(x.ec, row)
	if err != nil {
		return false, err
	}
	b, _ := v.(bool)
	return b, nil
}

// ---- projection ----

type projectNode struct {
	in    node
	exprs []sql.Expr
	cols  []colInfo
}

func (n *projectNode) columns() []colInfo { return n.cols }
func (n *projectNode) open(x *execCtx) (rowIter, error) {
	it, err := n.in.open(x)
	if err != nil {
		return nil, err
	}
	return &projectIter{in: it, exprs: n.exprs, out: make([]sql.Datum, len(n.exprs))}, nil
}

type projectIter struct {
	in    rowIter
	exprs []sql.Expr
	out   []sql.Datum
}

func (p *projectIter) next(x *execCtx) ([]sql.Datum, error) {
	row, err := p.in.next(x)
	if err != nil || row == nil {
		return nil, err
	}
	out := make([]sql.Datum, len(p.exprs))
	for i, e := range p.exprs {
		if out[i], err = e.Eval(x.ec, row); err != nil {
			return nil, err
		}
	}
	return out, nil
}
func (p *projectIter) close() { p.in.close() }

// ---- nested-loop join ----

type joinKind int

const (
	joinInner joinKind = iota
	joinLeft
	joinRight
	joinFull
)

type joinNode struct {
	left, right node
	kind        joinKind
	on          sql.Expr // nil: cross join
	cols        []colInfo
}

func (n *joinNode) columns() []colInfo { return n.cols }
func (n *joinNode) open(x *execCtx) (rowIter, error) {
	rit, err := n.right.open(x)
	if err != nil {
		return nil, err
	}
	rights, err := drain(x, rit)
	if err != nil {
		return nil, err
	}
	lit, err := n.left.open(x)
	if err != nil {
		return nil, err
	}
	return &joinIter{n: n, left: lit, rights: rights, matched: make([]bool, len(rights)),
		nl: len(n.left.columns()), nr: len(n.right.columns())}, nil
}

type joinIter struct {
	n        *joinNode
	left     rowIter
	rights   [][]sql.Datum
	matched  []bool
	cur      []sql.Datum
	ri       int
	curMatch bool
	nl, nr   int
	tail     int // position while emitting unmatched right rows
	leftDone bool
}

func (j *joinIter) next(x *execCtx) ([]sql.Datum, error) {
	for !j.leftDone {
		if j.cur == nil {
			row, err := j.left.next(x)
			if err != nil {
				return nil, err
			}
			if row == nil {
				j.leftDone = true
				break
			}
			j.cur = append([]sql.Datum(nil), row...)
			j.ri, j.curMatch = 0, false
		}
		for j.ri < len(j.rights) {
			r := j.rights[j.ri]
			ri := j.ri
			j.ri++
			combined := make([]sql.Datum, 0, j.nl+j.nr)
			combined = append(append(combined, j.cur...), r...)
			if j.n.on != nil {
				ok, err := evalBool(x, j.n.on, combined)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
			}
			j.curMatch = true
			j.matched[ri] = true
			return combined, nil
		}
		cur := j.cur
		j.cur = nil
		if !j.curMatch && (j.n.kind == joinLeft || j.n.kind == joinFull) {
			combined := make([]sql.Datum, j.nl+j.nr)
			copy(combined, cur)
			return combined, nil
		}
	}
	if j.n.kind == joinRight || j.n.kind == joinFull {
		for j.tail < len(j.rights) {
			i := j.tail
			j.tail++
			if !j.matched[i] {
				combined := make([]sql.Datum, j.nl+j.nr)
				copy(combined[j.nl:], j.rights[i])
				return combined, nil
			}
		}
	}
	return nil, nil
}
func (j *joinIter) close() { j.left.close() }

// drain reads every row of an iterator (copying them) and closes it.
func drain(x *execCtx, it rowIter) ([][]sql.Datum, error) {
	defer it.close()
	var out [][]sql.Datum
	for {
		row, err := it.next(x)
		if err != nil {
			return nil, err
		}
		if row == nil {
			return out, nil
		}
		out = append(out, append([]sql.Datum(nil), row...))
		if len(out)%1024 == 0 {
			if err := checkCancel(x); err != nil {
				return nil, err
			}
		}
	}
}

// ---- sort ----

type sortKey struct {
	index      int
	typ        sql.Type
	desc       bool
	nullsFirst bool
}

type sortNode struct {
	in   node
	keys []sortKey
	// limit and offset, when set by a LIMIT above the sort, bound how
	// many rows the sort keeps: a top-k heap instead of sorting all rows
	// (ORDER BY embedding <-> $1 LIMIT 10 keeps 10 rows, not the table).
	limit, offset sql.Expr
	// indexOrdered is set when an index scan below already yields rows in
	// this order (hnsw), so the sort passes them through and the LIMIT
	// above stops the scan early.
	indexOrdered bool
}

func (n *sortNode) columns() []colInfo { return n.in.columns() }
func (n *sortNode) open(x *execCtx) (rowIter, error) {
	if n.indexOrdered {
		return n.in.open(x)
	}
	k, bounded, err := n.bound(x)
	if err != nil {
		return nil, err
	}
	it, err := n.in.open(x)
	if err != nil {
		return nil, err
	}
	if bounded {
		rows, err := topK(x, it, n.keys, k)
		if err != nil {
			return nil, err
		}
		return &sliceIter{rows: rows}, nil
	}
	rows, err := drain(x, it)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(rows, func(a, b int) bool { return compareRows(rows[a], rows[b], n.keys) < 0 })
	return &sliceIter{rows: rows}, nil
}

// bound evaluates LIMIT + OFFSET; bounded is false without a limit.
func (n *sortNode) bound(x *execCtx) (int64, bool, error) {
	if n.limit == nil {
		return 0, false, nil
	}
	lv, err := n.limit.Eval(x.ec, nil)
	if err != nil || lv == nil {
		return 0, false, err
	}
	k := lv.(int64)
	if n.offset != nil {
		ov, err := n.offset.Eval(x.ec, nil)
		if err != nil {
			return 0, false, err
		}
		if ov != nil {
			k += ov.(int64)
		}
	}
	if k < 0 || k > 1<<20 {
		return 0, false, nil // the limit node reports negatives; huge k sorts
	}
	return k, true, nil
}

// topK keeps the k first rows in sort order, with ties in arrival order
// as a stable sort would leave them, holding at most k rows at a time.
func topK(x *execCtx, it rowIter, keys []sortKey, k int64) ([][]sql.Datum, error) {
	defer it.close()
	h := &rowHeap{keys: keys}
	var seq int64
	for {
		row, err := it.next(x)
		if err != nil {
			return nil, err
		}
		if row == nil {
			break
		}
		if seq++; seq%1024 == 0 {
			if err := checkCancel(x); err != nil {
				return nil, err
			}
		}
		if k == 0 {
			continue
		}
		if int64(len(h.rows)) < k {
			heap.Push(h, heapRow{row: append([]sql.Datum(nil), row...), seq: seq})
			continue
		}
		// Replace the current worst only when the new row sorts before it.
		if compareRows(row, h.rows[0].row, keys) < 0 {
			h.rows[0] = heapRow{row: append([]sql.Datum(nil), row...), seq: seq}
			heap.Fix(h, 0)
		}
	}
	out := make([]heapRow, len(h.rows))
	copy(out, h.rows)
	sort.Slice(out, func(a, b int) bool { return h.before(out[a], out[b]) })
	rows := make([][]sql.Datum, len(out))
	for i, r := range out {
		rows[i] = r.row
	}
	return rows, nil
}

type heapRow struct {
	row []sql.Datum
	seq int64
}

// rowHeap is a max-heap: the row that sorts last is on top.
type rowHeap struct {
	rows []heapRow
	keys []sortKey
}

func (h *rowHeap) before(a, b heapRow) bool {
	if c := compareRows(a.row, b.row, h.keys); c != 0 {
		return c < 0
	}
	return a.seq < b.seq
}
func (h *rowHeap) Len() int           { return len(h.rows) }
func (h *rowHeap) Less(i, j int) bool { return h.before(h.rows[j], h.rows[i]) }
func (h *rowHeap) Swap(i, j int)      { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *rowHeap) Push(v any)         { h.rows = append(h.rows, v.(heapRow)) }
func (h *rowHeap) Pop() any {
	v := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return v
}

func compareRows(a, b []sql.Datum, keys []sortKey) int {
	for _, k := range keys {
		va, vb := a[k.index], b[k.index]
		var c int
		switch {
		case va == nil && vb == nil:
			c = 0
		case va == nil:
			c = 1
			if k.nullsFirst {
				c = -1
			}
			if k.desc {
				c = -c
			}
		case vb == nil:
			c = -1
			if k.nullsFirst {
				c = 1
			}
			if k.desc {
				c = -c
			}
		default:
			c = sql.Compare(k.typ, va, vb)
		}
		if c != 0 {
			if k.desc {
				return -c
			}
			return c
		}
	}
	return 0
}

// ---- limit / offset ----

type limitNode struct {
	in            node
	limit, offset sql.Expr
}

func (n *limitNode) columns() []colInfo { return n.in.columns() }
func (n *limitNode) open(x *execCtx) (rowIter, error) {
	limit, offset := int64(-1), int64(0)
	if n.limit != nil {
		v, err := n.limit.Eval(x.ec, nil)
		if err != nil {
			return nil, err
		}
		if v != nil {
			limit = v.(int64)
			if limit < 0 {
				return nil, sql.Errorf("2201W", "LIMIT must not be negative")
			}
		}
	}
	if n.offset != nil {
		v, err := n.offset.Eval(x.ec, nil)
		if err != nil {
			return nil, err
		}
		if v != nil {
			offset = v.(int64)
			if offset < 0 {
				return nil, sql.Errorf("2201X", "OFFSET must not be negative")
			}
		}
	}
	it, err := n.in.open(x)
	if err != nil {
		return nil, err
	}
	return &limitIter{in: it, limit: limit, offset: offset}, nil
}

type limitIter struct {
	in            rowIter
	limit, offset int64
	seen          int64
}

func (l *limitIter) next(x *execCtx) ([]sql.Datum, error) {
	for l.offset > 0 {
		row, err := l.in.next(x)
		if err != nil || row == nil {
			return nil, err
		}
		l.offset--
	}
	if l.limit >= 0 && l.seen >= l.limit {
		return nil, nil
	}
	row, err := l.in.next(x)
	if err != nil || row == nil {
		return nil, err
	}
	l.seen++
	return row, nil
}
func (l *limitIter) close() { l.in.close() }

// ---- distinct ----

type distinctNode struct {
	in node
	// keyCols are the columns compared; for plain DISTINCT all output
	// columns, for DISTINCT ON the ON expressions' columns.
	keyCols []int
	types   []sql.Type
}

func (n *distinctNode) columns() []colInfo { return n.in.columns() }
func (n *distinctNode) open(x *execCtx) (rowIter, error) {
	it, err := n.in.open(x)
	if err != nil {
		return nil, err
	}
	return &distinctIter{in: it, n: n, seen: map[string]bool{}}, nil
}

type distinctIter struct {
	in   rowIter
	n    *distinctNode
	seen map[string]bool
	buf  []byte
}

func (d *distinctIter) next(x *execCtx) ([]sql.Datum, error) {
	for {
		row, err := d.in.next(x)
		if err != nil || row == nil {
			return nil, err
		}
		d.buf = d.buf[:0]
		for i, c := range d.n.keyCols {
			d.buf = appendGroupKey(d.buf, d.n.types[i], row[c])
		}
		if d.seen[string(d.buf)] {
			continue
		}
		d.seen[string(d.buf)] = true
		return row, nil
	}
}
func (d *distinctIter) close() { d.in.close() }

// appendGroupKey appends a byte form of v under which values that compare
// equal (1.0 and 1.00, -0 and 0) are equal and NULLs group together.
func appendGroupKey(buf []byte, t sql.Type, v sql.Datum) []byte {
	switch d := v.(type) {
	case nil:
		return append(buf, 0)
	case float64:
		if d == 0 {
			d = 0
		}
		if math.IsNaN(d) {
			return append(buf, "\x01NaN\x00"...)
		}
		return append(append(buf, 1), fmt.Sprintf("%v\x00", d)...)
	case *apd.Decimal:
		var r apd.Decimal
		r.Reduce(d)
		return append(append(buf, 1), r.String()+"\x00"...)
	case string:
		if t.OID == sql.OIDBpchar {
			d = strings.TrimRight(d, " ")
		}
		return append(append(append(buf, 1), fmt.Sprint(len(d))+":"...), d...)
	case []byte:
		return append(append(append(buf, 1), fmt.Sprint(len(d))+":"...), d...)
	case *sql.Array:
		buf = append(buf, 2)
		et := sql.Type{OID: d.ElemOID, Typmod: -1}
		for _, e := range d.Elems {
			buf = appendGroupKey(buf, et, e)
		}
		return append(buf, 3)
	default:
		return append(append(buf, 1), fmt.Sprintf("%v\x00", d)...)
	}
}

// ---- set operations ----

type setOpKind int

const (
	setUnion setOpKind = iota
	setIntersect
	setExcept
)

type setOpNode struct {
	left, right node
	op          setOpKind
	all         bool
	cols        []colInfo
	// casts convert each side's columns to the common types.
	leftCasts, rightCasts []sql.Expr
}

func (n *setOpNode) columns() []colInfo { return n.cols }
func (n *setOpNode) open(x *execCtx) (rowIter, error) {
	read := func(nd node, casts []sql.Expr) ([][]sql.Datum, error) {
		it, err := nd.open(x)
		if err != nil {
			return nil, err
		}
		rows, err := drain(x, it)
		if err != nil {
			return nil, err
		}
		for i, r := range rows {
			out := make([]sql.Datum, len(casts))
			for c, e := range casts {
				if out[c], err = e.Eval(x.ec, r); err != nil {
					return nil, err
				}
			}
			rows[i] = out
		}
		return rows, nil
	}
	lrows, err := read(n.left, n.leftCasts)
	if err != nil {
		return nil, err
	}
	rrows, err := read(n.right, n.rightCasts)
	if err != nil {
		return nil, err
	}
	types := make([]sql.Type, len(n.cols))
	for i, c := range n.cols {
		types[i] = c.typ
	}
	key := func(r []sql.Datum) string {
		var b []byte
		for i, v := range r {
			b = appendGroupKey(b, types[i], v)
		}
		return string(b)
	}
	var out [][]sql.Datum
	switch n.op {
	case setUnion:
		if n.all {
			out = append(lrows, rrows...)
		} else {
			seen := map[string]bool{}
			for _, r := range append(lrows, rrows...) {
				k := key(r)
				if !seen[k] {
					seen[k] = true
					out = append(out, r)
				}
			}
		}
	case setIntersect, setExcept:
		counts := map[string]int{}
		for _, r := range rrows {
			counts[key(r)]++
		}
		emitted := map[string]bool{}
		for _, r := range lrows {
			k := key(r)
			in := counts[k] > 0
			if n.op == setIntersect {
				if !in {
					continue
				}
				if n.all {
					counts[k]--
				} else if emitted[k] {
					continue
				}
			} else {
				if in {
					if n.all {
						counts[k]--
					}
					continue
				}
				if !n.all && emitted[k] {
					continue
				}
			}
			emitted[k] = true
			out = append(out, r)
		}
	}
	return &sliceIter{rows: out}, nil
}
