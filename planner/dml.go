package planner

import (
	"fmt"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// assignCast converts a value expression to a column's type with
// assignment rules (varchar(n) too long is an error, numeric rounds).
func assignCast(e sql.Expr, t sql.Type) (sql.Expr, error) {
	if e.Type() == t {
		return e, nil
	}
	if p, ok := e.(*sql.Param); ok && p.Type().OID == sql.OIDUnknown {
		p.Types.Set(p.Index, sql.Type{OID: t.OID, Typmod: -1})
		if t.Typmod < 0 {
			return p, nil
		}
	}
	if e.Type().OID == t.OID && t.Typmod < 0 {
		return e, nil
	}
	if !sql.CanCastAssignment(e.Type(), t) && e.Type().OID != sql.OIDUnknown {
		return nil, sql.Errorf(sql.CodeDatatypeMismatch, "column is of type %s but expression is of type %s", sql.FormatType(t), sql.FormatType(e.Type())).
			WithHint("You will need to rewrite or cast the expression.")
	}
	return sql.NewAssignCast(e, t)
}

// columnDefaults prepares each column's default as an expression: a
// sequence draw for serial and identity columns, the parsed DEFAULT
// expression otherwise, NULL when there is none.
func (b *builder) columnDefaults(t *storage.TableDesc) ([]sql.Expr, error) {
	out := make([]sql.Expr, len(t.Columns))
	for i, c := range t.Columns {
		switch {
		case c.SequenceKey != "":
			out[i] = &seqNextExpr{key: c.SequenceKey, typ: c.Type}
		case c.Default != "":
			e, err := b.parseDefault(c.Default, c.Type)
			if err != nil {
				return nil, fmt.Errorf("default of column %s: %w", c.Name, err)
			}
			out[i] = e
		default:
			out[i] = &sql.Const{Typ: c.Type, Value: nil}
		}
	}
	return out, nil
}

// parseDefault builds a stored DEFAULT expression.
func (b *builder) parseDefault(text string, t sql.Type) (sql.Expr, error) {
	stmts, err := sql.Parse("SELECT " + text)
	if err != nil || len(stmts) != 1 {
		return nil, fmt.Errorf("parse default %q: %w", text, err)
	}
	sel := stmts[0].AST.GetSelectStmt()
	inner := &builder{ctx: b.ctx, s: b.s, txn: b.txn, query: "SELECT " + text, params: &sql.ParamTypes{}}
	e, err := inner.expr(sel.TargetList[0].GetResTarget().Val, &scope{})
	if err != nil {
		return nil, err
	}
	return assignCast(e, t)
}

// seqNextExpr draws the next value of a column's sequence.
type seqNextExpr struct {
	key string
	typ sql.Type
}

func (e *seqNextExpr) Type() sql.Type { return e.typ }
func (e *seqNextExpr) Eval(ec *sql.EvalContext, _ []sql.Datum) (sql.Datum, error) {
	f, ok := ec.Session.(*execSessionFuncs)
	if !ok {
		return nil, sql.Errorf(sql.CodeInternalError, "sequence used outside a statement")
	}
	v, err := f.x.s.eng.store.NextVal(ec.Ctx, e.key)
	if err != nil {
		return nil, fmt.Errorf("draw from sequence: %w", err)
	}
	return v, nil
}

// checkRow enforces NOT NULL on a row about to be written.
func checkRow(x *execCtx, t *storage.TableDesc, row []sql.Datum) error {
	for i, c := range t.Columns {
		if c.NotNull && row[i] == nil {
			return sql.Errorf(sql.CodeNotNullViolation, "null value in column \"%s\" of relation \"%s\" violates not-null constraint", c.Name, t.Name).
				WithDetail("Failing row contains %s.", formatRow(x, t, row))
		}
	}
	return nil
}

// formatRow prints a row as PostgreSQL's "Failing row contains (...)".
func formatRow(x *execCtx, t *storage.TableDesc, row []sql.Datum) string {
	parts := make([]string, 0, len(row))
	for i, v := range row {
		if v == nil {
			parts = append(parts, "null")
			continue
		}
		parts = append(parts, string(sql.AppendText(nil, t.Columns[i].Type, v, x.s.format)))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (b *builder) checkWritable() error {
	if b.s.txnReadOnly {
		return sql.Errorf(sql.CodeReadOnlySQLTransaction, "cannot execute %s in a read-only transaction", "this statement")
	}
	return nil
}

// returning builds a RETURNING list over sc.
func (b *builder) returning(list []*pg_query.Node, sc *scope) ([]sql.Expr, []ResultColumn, error) {
	if len(list) == 0 {
		return nil, nil, nil
	}
	sel := &pg_query.SelectStmt{TargetList: list}
	var exprs []sql.Expr
	var cols []colInfo
	for _, t := range sel.TargetList {
		rt := t.GetResTarget()
		if cr := rt.Val.GetColumnRef(); cr != nil {
			if _, star := cr.Fields[len(cr.Fields)-1].Node.(*pg_query.Node_AStar); star {
				idxs := sc.visible()
				if len(cr.Fields) > 1 {
					idxs = sc.tableColumns(stringsOf(cr.Fields)[0])
				}
				for _, i := range idxs {
					c := sc.cols[i]
					exprs = append(exprs, &sql.ColRef{Index: i, Typ: c.typ})
					cols = append(cols, colInfo{name: c.name, typ: c.typ, tableOID: c.tableOID, attNum: c.attNum})
				}
				continue
			}
		}
		e, err := b.expr(rt.Val, sc)
		if err != nil {
			return nil, nil, err
		}
		if e.Type().OID == sql.OIDUnknown {
			if e, err = sql.NewCast(e, sql.TypeText, false); err != nil {
				return nil, nil, err
			}
		}
		name := rt.Name
		if name == "" {
			name = figureColname(rt.Val)
		}
		ci := colInfo{name: name, typ: e.Type()}
		if cr, ok := e.(*sql.ColRef); ok {
			ci.tableOID, ci.attNum = sc.cols[cr.Index].tableOID, sc.cols[cr.Index].attNum
		}
		exprs = append(exprs, e)
		cols = append(cols, ci)
	}
	return exprs, resultColumns(cols), nil
}

func evalRow(x *execCtx, exprs []sql.Expr, row []sql.Datum) ([]sql.Datum, error) {
	out := make([]sql.Datum, len(exprs))
	for i, e := range exprs {
		v, err := e.Eval(x.ec, row)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// ---- INSERT ----

func (b *builder) planInsert(ins *pg_query.InsertStmt) (*plan, error) {
	if ins.WithClause != nil {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "WITH queries are not supported yet")
	}
	t, err := b.lookupTable(ins.Relation)
	if err != nil {
		return nil, err
	}
	alias := t.Name
	if ins.Relation.Alias != nil {
		alias = ins.Relation.Alias.Aliasname
	}
	// Target columns.
	var targets []int
	if len(ins.Cols) == 0 {
		for i := range t.Columns {
			targets = append(targets, i)
		}
	} else {
		seen := map[int]bool{}
		for _, c := range ins.Cols {
			rt := c.GetResTarget()
			if len(rt.Indirection) > 0 {
				return nil, sql.Errorf(sql.CodeFeatureNotSupported, "INSERT into subfields or array elements is not supported yet")
			}
			pos := t.ColumnByName(rt.Name)
			if pos < 0 {
				return nil, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", rt.Name, t.Name).WithPosition(b.pos(rt.Location))
			}
			if seen[pos] {
				return nil, sql.Errorf(sql.CodeDuplicateColumn, "column \"%s\" specified more than once", rt.Name).WithPosition(b.pos(rt.Location))
			}
			seen[pos] = true
			targets = append(targets, pos)
		}
	}
	targetTypes := make([]sql.Type, len(targets))
	for i, pos := range targets {
		targetTypes[i] = t.Columns[pos].Type
	}

	// Source rows.
	var src node
	sel := ins.SelectStmt.GetSelectStmt()
	switch {
	case sel == nil:
		src = &valuesNode{rows: [][]sql.Expr{{}}}
		targets, targetTypes = nil, nil
	case len(sel.ValuesLists) > 0 && sel.Op == pg_query.SetOperation_SETOP_NONE && len(sel.SortClause) == 0 && sel.LimitCount == nil:
		vn, err := b.planValues(sel.ValuesLists, targetTypes)
		if err != nil {
			return nil, err
		}
		if w := len(vn.columns()); w > len(targets) {
			return nil, sql.Errorf(sql.CodeSyntaxError, "INSERT has more expressions than target columns")
		} else if w < len(targets) && len(ins.Cols) > 0 {
			return nil, sql.Errorf(sql.CodeSyntaxError, "INSERT has more target columns than expressions")
		} else if w < len(targets) {
			targets, targetTypes = targets[:w], targetTypes[:w]
		}
		src = vn
	default:
		q, err := b.planQuery(sel)
		if err != nil {
			return nil, err
		}
		qcols := visibleCols(q.columns())
		if len(qcols) > len(targets) {
			return nil, sql.Errorf(sql.CodeSyntaxError, "INSERT has more expressions than target columns")
		}
		if len(qcols) < len(targets) {
			if len(ins.Cols) > 0 {
				return nil, sql.Errorf(sql.CodeSyntaxError, "INSERT has more target columns than expressions")
			}
			targets, targetTypes = targets[:len(qcols)], targetTypes[:len(qcols)]
		}
		casts := make([]sql.Expr, len(qcols))
		for i, c := range qcols {
			if casts[i], err = assignCast(&sql.ColRef{Index: c, Typ: q.columns()[c].typ}, targetTypes[i]); err != nil {
				return nil, b.errAt(err, -1)
			}
		}
		cols := make([]colInfo, len(casts))
		for i := range casts {
			cols[i] = colInfo{name: t.Columns[targets[i]].Name, typ: targetTypes[i]}
		}
		src = &projectNode{in: q, exprs: casts, cols: cols}
	}

	for _, pos := range targets {
		c := t.Columns[pos]
		if c.Identity == 'a' && ins.Override != pg_query.OverridingKind_OVERRIDING_SYSTEM_VALUE {
			// Only DEFAULT may go into a GENERATED ALWAYS column.
			allDefault := sel != nil && len(sel.ValuesLists) > 0
			if allDefault {
				idx := indexOf(targets, pos)
				for _, l := range sel.ValuesLists {
					if _, d := l.GetList().GetItems()[idx].Node.(*pg_query.Node_SetToDefault); !d {
						allDefault = false
					}
				}
			}
			if !allDefault {
				return nil, sql.Errorf("428C9", "cannot insert a non-DEFAULT value into column \"%s\"", c.Name).
					WithDetail("Column \"%s\" is an identity column defined as GENERATED ALWAYS.", c.Name).
					WithHint("Use OVERRIDING SYSTEM VALUE to override.")
			}
		}
	}

	defaults, err := b.columnDefaults(t)
	if err != nil {
		return nil, err
	}
	tsc := tableScope(t, alias)
	retExprs, retCols, err := b.returning(ins.ReturningList, tsc)
	if err != nil {
		return nil, err
	}
	oc, err := b.planOnConflict(ins.OnConflictClause, t, alias)
	if err != nil {
		return nil, err
	}
	return &plan{columns: retCols, usesCatalog: true, run: func(x *execCtx) (Cursor, error) {
		if err := b.checkWritableAt(x); err != nil {
			return nil, err
		}
		it, err := src.open(x)
		if err != nil {
			return nil, err
		}
		defer it.close()
		var n int64
		var out [][]sql.Datum
		for {
			in, err := it.next(x)
			if err != nil {
				return nil, err
			}
			if in == nil {
				break
			}
			row := make([]sql.Datum, len(t.Columns))
			provided := make([]bool, len(t.Columns))
			for i, pos := range targets {
				if _, d := in[i].(defaultMarker); d {
					continue
				}
				row[pos], provided[pos] = in[i], true
			}
			for i := range t.Columns {
				if !provided[i] {
					if row[i], err = defaults[i].Eval(x.ec, nil); err != nil {
						return nil, err
					}
				}
			}
			if err := checkRow(x, t, row); err != nil {
				return nil, err
			}
			written, err := oc.insert(x, t, row)
			if err != nil {
				return nil, err
			}
			if written == nil {
				continue
			}
			n++
			if retExprs != nil {
				r, err := evalRow(x, retExprs, written)
				if err != nil {
					return nil, err
				}
				out = append(out, r)
			}
		}
		return &listCursor{cols: retCols, rows: out, tag: "INSERT 0 " + strconv.FormatInt(n, 10)}, nil
	}}, nil
}

func (b *builder) checkWritableAt(x *execCtx) error {
	if x.s.txnReadOnly {
		return sql.Errorf(sql.CodeReadOnlySQLTransaction, "cannot execute INSERT in a read-only transaction")
	}
	return nil
}

func indexOf(s []int, v int) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// onConflict implements INSERT ... ON CONFLICT.
type onConflict struct {
	action  pg_query.OnConflictAction
	arbiter *storage.IndexDesc // nil: any unique index (DO NOTHING only)
	sets    []setClause
	where   sql.Expr
}

type setClause struct {
	pos  int
	expr sql.Expr
}

func (b *builder) planOnConflict(occ *pg_query.OnConflictClause, t *storage.TableDesc, alias string) (*onConflict, error) {
	oc := &onConflict{}
	if occ == nil {
		return oc, nil
	}
	oc.action = occ.Action
	if occ.Infer != nil {
		if occ.Infer.Conname != "" {
			for i := range t.Indexes {
				if t.Indexes[i].Name == occ.Infer.Conname {
					oc.arbiter = &t.Indexes[i]
				}
			}
			if oc.arbiter == nil {
				return nil, sql.Errorf(sql.CodeUndefinedObject, "constraint \"%s\" for table \"%s\" does not exist", occ.Infer.Conname, t.Name)
			}
		} else {
			var ids []uint32
			for _, e := range occ.Infer.IndexElems {
				name := e.GetIndexElem().GetName()
				pos := t.ColumnByName(name)
				if pos < 0 {
					return nil, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" does not exist", name)
				}
				ids = append(ids, t.Columns[pos].ID)
			}
			for i := range t.Indexes {
				if t.Indexes[i].Unique && sameIDSet(t.Indexes[i].ColumnIDs, ids) {
					oc.arbiter = &t.Indexes[i]
				}
			}
			if oc.arbiter == nil {
				return nil, sql.Errorf(sql.CodeInvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification")
			}
		}
	} else if occ.Action == pg_query.OnConflictAction_ONCONFLICT_UPDATE {
		return nil, sql.Errorf(sql.CodeSyntaxError, "ON CONFLICT DO UPDATE requires inference specification or constraint name").
			WithHint("For example, ON CONFLICT (column_name).")
	}
	if occ.Action == pg_query.OnConflictAction_ONCONFLICT_UPDATE {
		// The SET expressions see the existing row, then EXCLUDED.
		sc := tableScope(t, alias).concat(tableScope(t, "excluded"))
		sets, err := b.setClauses(occ.TargetList, t, sc)
		if err != nil {
			return nil, err
		}
		oc.sets = sets
		if occ.WhereClause != nil {
			if oc.where, err = b.predicate(occ.WhereClause, sc, "WHERE"); err != nil {
				return nil, err
			}
		}
	}
	return oc, nil
}

func sameIDSet(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[uint32]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

// insert writes row, applying the ON CONFLICT action; it returns the row
// written (nil when nothing was).
func (oc *onConflict) insert(x *execCtx, t *storage.TableDesc, row []sql.Datum) ([]sql.Datum, error) {
	if oc.action == pg_query.OnConflictAction_ONCONFLICT_NONE || oc.action == pg_query.OnConflictAction_ON_CONFLICT_ACTION_UNDEFINED {
		if err := x.insertRow(t, row); err != nil {
			return nil, err
		}
		return row, nil
	}
	for attempt := 0; attempt < 8; attempt++ {
		existing, err := oc.findConflict(x, t, row)
		if err != nil {
			return nil, err
		}
		if existing == nil {
			err := x.insertRow(t, row)
			if sql.CodeOf(err) == sql.CodeUniqueViolation {
				continue // a concurrent insert won the race: look again
			}
			if err != nil {
				return nil, err
			}
			return row, nil
		}
		if oc.action == pg_query.OnConflictAction_ONCONFLICT_NOTHING {
			return nil, nil
		}
		latest, _, err := x.txn.LockRow(x.ctx, t, existing)
		if err != nil {
			return nil, err
		}
		if latest == nil {
			continue
		}
		combined := append(append([]sql.Datum(nil), latest...), row...)
		if oc.where != nil {
			ok, err := evalBool(x, oc.where, combined)
			if err != nil || !ok {
				return nil, err
			}
		}
		newRow := append([]sql.Datum(nil), latest...)
		for _, s := range oc.sets {
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
		return newRow, nil
	}
	return nil, sql.Errorf(sql.CodeSerializationFailure, "could not serialize access due to concurrent update")
}

// findConflict returns an existing row that conflicts with row on the
// arbiter index (or any unique index when there is no arbiter).
func (oc *onConflict) findConflict(x *execCtx, t *storage.TableDesc, row []sql.Datum) ([]sql.Datum, error) {
	for i := range t.Indexes {
		idx := &t.Indexes[i]
		if !idx.Unique || oc.arbiter != nil && idx.ID != oc.arbiter.ID {
			continue
		}
		vals := make([]sql.Datum, len(idx.ColumnIDs))
		hasNull := false
		for j, id := range idx.ColumnIDs {
			vals[j] = row[t.ColumnIndex(id)]
			if vals[j] == nil {
				hasNull = true
			}
		}
		if hasNull {
			continue
		}
		var existing []sql.Datum
		var err error
		if idx.Primary {
			existing, err = x.txn.GetRowByPK(x.ctx, t, vals)
		} else {
			existing, err = x.txn.LookupUnique(x.ctx, t, idx, vals)
		}
		if err != nil {
			return nil, err
		}
		if existing != nil {
			return existing, nil
		}
	}
	return nil, nil
}

// setClauses builds UPDATE SET / DO UPDATE SET assignments.
func (b *builder) setClauses(list []*pg_query.Node, t *storage.TableDesc, sc *scope) ([]setClause, error) {
	var out []setClause
	for _, n := range list {
		rt := n.GetResTarget()
		if _, multi := rt.Val.Node.(*pg_query.Node_MultiAssignRef); multi {
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "multiple-column assignment is not supported yet").WithPosition(b.pos(rt.Location))
		}
		if len(rt.Indirection) > 0 {
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "assignment to subfields or array elements is not supported yet").WithPosition(b.pos(rt.Location))
		}
		pos := t.ColumnByName(rt.Name)
		if pos < 0 {
			return nil, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", rt.Name, t.Name).WithPosition(b.pos(rt.Location))
		}
		c := t.Columns[pos]
		var e sql.Expr
		var err error
		if _, d := rt.Val.Node.(*pg_query.Node_SetToDefault); d {
			defs, err := b.columnDefaults(t)
			if err != nil {
				return nil, err
			}
			e = defs[pos]
		} else {
			if c.Identity == 'a' {
				return nil, sql.Errorf("428C9", "column \"%s\" can only be updated to DEFAULT", c.Name).
					WithDetail("Column \"%s\" is an identity column defined as GENERATED ALWAYS.", c.Name)
			}
			if e, err = b.expr(rt.Val, sc); err != nil {
				return nil, err
			}
		}
		if e, err = assignCast(e, c.Type); err != nil {
			return nil, b.errAt(err, rt.Location)
		}
		out = append(out, setClause{pos: pos, expr: e})
	}
	return out, nil
}
