package planner

import (
	"strconv"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// targetRows plans the rows an UPDATE or DELETE touches: the target table
// (first in the row) joined with FROM/USING items and filtered by WHERE.
// It returns the node, the scope, and the WHERE predicate (re-checked on
// the latest row version under READ COMMITTED).
func (b *builder) targetRows(rv *pg_query.RangeVar, from []*pg_query.Node, where *pg_query.Node) (*storage.TableDesc, node, *scope, sql.Expr, error) {
	t, err := b.lookupTable(rv)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	alias := t.Name
	if rv.Alias != nil {
		alias = rv.Alias.Aliasname
	}
	sc := tableScope(t, alias)
	var n node = &scanNode{table: t, cols: sc.cols}
	if len(from) > 0 {
		fn, fsc, err := b.planFrom(from)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		sc = sc.concat(fsc)
		n = &joinNode{left: n, right: fn, kind: joinInner, cols: sc.cols}
	}
	var pred sql.Expr
	if where != nil {
		if pred, err = b.predicate(where, sc, "WHERE"); err != nil {
			return nil, nil, nil, nil, err
		}
		n = b.pushFilter(n, pred)
	}
	return t, n, sc, pred, nil
}

// lockLatest locks a candidate row and returns the version to modify: the
// latest committed one, re-checked against the WHERE predicate when it
// changed since the snapshot (READ COMMITTED), or nil to skip the row.
// Under REPEATABLE READ and SERIALIZABLE storage reports the change as a
// serialization failure instead.
func lockLatest(x *execCtx, t *storage.TableDesc, candidate []sql.Datum, pred sql.Expr) ([]sql.Datum, []sql.Datum, error) {
	width := storedWidth(t)
	latest, changed, err := x.txn.LockRow(x.ctx, t, candidate[:width])
	if err != nil {
		return nil, nil, err
	}
	if latest == nil {
		return nil, nil, nil
	}
	combined := candidate
	if changed {
		combined = append(append([]sql.Datum(nil), latest...), candidate[width:]...)
		if pred != nil {
			ok, err := evalBool(x, pred, combined)
			if err != nil || !ok {
				return nil, nil, err
			}
		}
	}
	return latest, combined, nil
}

// storedWidth is the length of rows storage returns for t: its columns,
// plus the hidden row id of a table without a primary key.
func storedWidth(t *storage.TableDesc) int {
	if t.HasHiddenRowID() {
		return len(t.Columns) + 1
	}
	return len(t.Columns)
}

func rowKey(t *storage.TableDesc, row []sql.Datum) string {
	var buf []byte
	if t.HasHiddenRowID() {
		return string(appendGroupKey(buf, sql.TypeInt8, row[len(t.Columns)]))
	}
	for _, id := range t.PrimaryKey {
		p := t.ColumnIndex(id)
		buf = appendGroupKey(buf, t.Columns[p].Type, row[p])
	}
	return string(buf)
}

func (b *builder) planUpdate(up *pg_query.UpdateStmt) (*plan, error) {
	if up.WithClause != nil {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "WITH queries are not supported yet")
	}
	t, n, sc, pred, err := b.targetRows(up.Relation, up.FromClause, up.WhereClause)
	if err != nil {
		return nil, err
	}
	sets, err := b.setClauses(up.TargetList, t, sc)
	if err != nil {
		return nil, err
	}
	retExprs, retCols, err := b.returning(up.ReturningList, sc)
	if err != nil {
		return nil, err
	}
	return &plan{columns: retCols, usesCatalog: true, run: func(x *execCtx) (Cursor, error) {
		if x.s.txnReadOnly {
			return nil, sql.Errorf(sql.CodeReadOnlySQLTransaction, "cannot execute UPDATE in a read-only transaction")
		}
		it, err := n.open(x)
		if err != nil {
			return nil, err
		}
		// Read every target first so rows written by this statement are
		// never visited again.
		candidates, err := drain(x, it)
		if err != nil {
			return nil, err
		}
		done := map[string]bool{}
		var count int64
		var out [][]sql.Datum
		for _, cand := range candidates {
			key := rowKey(t, cand)
			if done[key] {
				continue
			}
			latest, combined, err := lockLatest(x, t, cand, pred)
			if err != nil {
				return nil, err
			}
			if latest == nil {
				continue
			}
			done[key] = true
			newRow := append([]sql.Datum(nil), latest...)
			for _, s := range sets {
				if newRow[s.pos], err = s.expr.Eval(x.ec, combined); err != nil {
					return nil, err
				}
			}
			if err := checkRow(x, t, newRow); err != nil {
				return nil, err
			}
			if err := x.updateRow(t, latest, newRow); err != nil {
				return nil, err
			}
			done[rowKey(t, newRow)] = true
			count++
			if retExprs != nil {
				r, err := evalRow(x, retExprs, append(append([]sql.Datum(nil), newRow...), combined[storedWidth(t):]...))
				if err != nil {
					return nil, err
				}
				out = append(out, r)
			}
		}
		return &listCursor{cols: retCols, rows: out, tag: "UPDATE " + strconv.FormatInt(count, 10)}, nil
	}}, nil
}

func (b *builder) planDelete(del *pg_query.DeleteStmt) (*plan, error) {
	if del.WithClause != nil {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "WITH queries are not supported yet")
	}
	t, n, sc, pred, err := b.targetRows(del.Relation, del.UsingClause, del.WhereClause)
	if err != nil {
		return nil, err
	}
	retExprs, retCols, err := b.returning(del.ReturningList, sc)
	if err != nil {
		return nil, err
	}
	return &plan{columns: retCols, usesCatalog: true, run: func(x *execCtx) (Cursor, error) {
		if x.s.txnReadOnly {
			return nil, sql.Errorf(sql.CodeReadOnlySQLTransaction, "cannot execute DELETE in a read-only transaction")
		}
		it, err := n.open(x)
		if err != nil {
			return nil, err
		}
		candidates, err := drain(x, it)
		if err != nil {
			return nil, err
		}
		done := map[string]bool{}
		var count int64
		var out [][]sql.Datum
		for _, cand := range candidates {
			key := rowKey(t, cand)
			if done[key] {
				continue
			}
			latest, combined, err := lockLatest(x, t, cand, pred)
			if err != nil {
				return nil, err
			}
			if latest == nil {
				continue
			}
			done[key] = true
			if err := x.deleteRow(t, latest); err != nil {
				return nil, err
			}
			count++
			if retExprs != nil {
				r, err := evalRow(x, retExprs, combined)
				if err != nil {
					return nil, err
				}
				out = append(out, r)
			}
		}
		return &listCursor{cols: retCols, rows: out, tag: "DELETE " + strconv.FormatInt(count, 10)}, nil
	}}, nil
}
