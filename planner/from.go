package planner

import (
	"context"
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// planFrom plans the FROM list; several items are cross-joined.
func (b *builder) planFrom(items []*pg_query.Node) (node, *scope, error) {
	var n node
	var sc *scope
	for _, it := range items {
		lb := *b
		lb.lateral = sc // a LATERAL item may read the items before it
		in, isc, err := lb.planFromItem(it)
		if err != nil {
			return nil, nil, err
		}
		if n == nil {
			n, sc = in, isc
			continue
		}
		sc = sc.concat(isc)
		n = joinOf(n, in, joinInner, nil, sc.cols)
	}
	return n, sc, nil
}

// joinOf joins left and right, as a lateral join when right is a LATERAL
// subquery that reads left's row.
func joinOf(left, right node, kind joinKind, on sql.Expr, cols []colInfo) node {
	if lat, ok := right.(*lateralNode); ok {
		return &lateralJoinNode{left: left, right: lat, kind: kind, on: on, cols: cols}
	}
	return &joinNode{left: left, right: right, kind: kind, on: on, cols: cols}
}

func (b *builder) planFromItem(it *pg_query.Node) (node, *scope, error) {
	switch v := it.Node.(type) {
	case *pg_query.Node_RangeVar:
		if v.RangeVar.Schemaname == "" && v.RangeVar.Catalogname == "" {
			if it := b.ctes.find(v.RangeVar.Relname); it != nil {
				return b.planCTERef(it, v.RangeVar)
			}
		}
		if vt := lookupVirtual(v.RangeVar); vt != nil {
			alias := v.RangeVar.Relname
			if v.RangeVar.Alias != nil {
				alias = v.RangeVar.Alias.Aliasname
			}
			cols := make([]colInfo, len(vt.cols))
			for i, c := range vt.cols {
				c.table = alias
				cols[i] = c
			}
			return &virtualNode{vt: vt, cols: cols}, &scope{cols: cols}, nil
		}
		t, err := b.lookupTable(v.RangeVar)
		if err != nil {
			if sql.CodeOf(err) == sql.CodeInvalidSchemaName {
				// A query's FROM names a relation: PostgreSQL reports the
				// relation missing, whether or not its schema exists.
				rv := v.RangeVar
				return nil, nil, sql.Errorf(sql.CodeUndefinedTable, "relation \"%s.%s\" does not exist", rv.Schemaname, rv.Relname).WithPosition(b.pos(rv.Location))
			}
			return nil, nil, err
		}
		alias := t.Name
		if v.RangeVar.Alias != nil {
			alias = v.RangeVar.Alias.Aliasname
		}
		sc := tableScope(t, alias)
		if v.RangeVar.Alias != nil && len(v.RangeVar.Alias.Colnames) > 0 {
			renameColumns(sc, stringsOf(v.RangeVar.Alias.Colnames))
		}
		return &scanNode{table: t, cols: sc.cols}, sc, nil
	case *pg_query.Node_JoinExpr:
		return b.planJoin(v.JoinExpr)
	case *pg_query.Node_RangeSubselect:
		rs := v.RangeSubselect
		sub := *b
		sub.agg = nil
		sub.lateral = nil
		var cell *rowCell
		if rs.Lateral && b.lateral != nil {
			cell = &rowCell{}
			sub.outer = append(append([]*outerScope(nil), b.outer...), &outerScope{sc: b.lateral, cell: cell})
		}
		n, err := sub.planQuery(rs.Subquery.GetSelectStmt())
		if err != nil {
			return nil, nil, err
		}
		alias := ""
		if rs.Alias != nil {
			alias = rs.Alias.Aliasname
		}
		cols := make([]colInfo, len(n.columns()))
		for i, c := range n.columns() {
			cols[i] = colInfo{table: alias, name: c.name, typ: c.typ, hidden: c.hidden}
		}
		sc := &scope{cols: cols}
		if rs.Alias != nil && len(rs.Alias.Colnames) > 0 {
			renameColumns(sc, stringsOf(rs.Alias.Colnames))
		}
		if cell != nil {
			return &lateralNode{in: n, cols: sc.cols, cell: cell}, sc, nil
		}
		return &renameNode{in: n, cols: sc.cols}, sc, nil
	case *pg_query.Node_RangeFunction:
		if n, sc, ok, err := b.planExpandArrayRange(v.RangeFunction); ok {
			return n, sc, err
		}
		return b.planRangeFunction(v.RangeFunction)
	}
	return nil, nil, sql.Errorf(sql.CodeFeatureNotSupported, "FROM item %s is not supported yet", nodeName(it))
}

func renameColumns(sc *scope, names []string) {
	j := 0
	for i := range sc.cols {
		if sc.cols[i].hidden {
			continue
		}
		if j < len(names) {
			sc.cols[i].name = names[j]
		}
		j++
	}
}

// renameNode re-labels its input's columns (subquery aliases).
type renameNode struct {
	in   node
	cols []colInfo
}

func (n *renameNode) columns() []colInfo               { return n.cols }
func (n *renameNode) open(x *execCtx) (rowIter, error) { return n.in.open(x) }

// tableScope lists a table's columns for expressions.
func tableScope(t *storage.TableDesc, alias string) *scope {
	cols := make([]colInfo, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = colInfo{table: alias, name: c.Name, typ: c.Type, tableOID: t.ID, attNum: int16(i + 1)}
	}
	if t.HasHiddenRowID() {
		// Storage returns the hidden row id as a trailing value; keep it
		// so UPDATE and DELETE can address the row.
		cols = append(cols, colInfo{table: alias, name: "ctid", typ: sql.TypeInt8, tableOID: t.ID, attNum: -1, hidden: true})
	}
	return &scope{cols: cols}
}

// lookupTable resolves a table name through the search path (public).
func (b *builder) lookupTable(rv *pg_query.RangeVar) (*storage.TableDesc, error) {
	if rv.Catalogname != "" && rv.Catalogname != b.s.db.Name {
		// A session sees one database: naming another (another tenant's)
		// is refused as PostgreSQL refuses it, before any lookup.
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "cross-database references are not implemented: \"%s.%s.%s\"",
			rv.Catalogname, rv.Schemaname, rv.Relname).WithPosition(b.pos(rv.Location))
	}
	t, err := b.s.findTable(b.ctx, b.txn, rv.Schemaname, rv.Relname)
	if err != nil {
		return nil, err
	}
	if t == nil {
		name := rv.Relname
		if rv.Schemaname != "" {
			name = rv.Schemaname + "." + rv.Relname
		}
		e := sql.Errorf(sql.CodeUndefinedTable, "relation \"%s\" does not exist", name).WithPosition(b.pos(rv.Location))
		if rv.Schemaname == "" && b.futureCTE(rv.Relname) {
			e = e.WithDetail("There is a WITH item named \"%s\", but it cannot be referenced from this part of the query.", rv.Relname).
				WithHint("Use WITH RECURSIVE, or re-order the WITH items to remove forward references.")
		}
		return nil, e
	}
	return t, nil
}

// isVirtualSchema reports the schemas whose relations are all virtual.
func isVirtualSchema(name string) bool {
	return name == "pg_catalog" || name == "information_schema"
}

// findTable looks a table up by optional schema and name; nil when absent.
func (s *Session) findTable(ctx context.Context, txn *storage.Txn, schema, name string) (*storage.TableDesc, error) {
	schemas := []string{schema}
	if schema == "" {
		schemas = s.searchPath()
	}
	for _, sn := range schemas {
		sd, err := txn.LookupSchema(ctx, s.db.ID, sn)
		if err != nil {
			return nil, fmt.Errorf("look up schema %q: %w", sn, err)
		}
		if sd == nil {
			if schema != "" && isVirtualSchema(schema) {
				// pg_catalog and information_schema exist (virtually) but
				// hold no stored tables.
				return nil, nil
			}
			if schema != "" {
				return nil, sql.Errorf(sql.CodeInvalidSchemaName, "schema \"%s\" does not exist", schema)
			}
			continue
		}
		t, err := txn.LookupTable(ctx, s.db.ID, sd.ID, name)
		if err != nil {
			return nil, fmt.Errorf("look up table %q: %w", name, err)
		}
		if t != nil {
			return t, nil
		}
	}
	return nil, nil
}

func (b *builder) planJoin(j *pg_query.JoinExpr) (node, *scope, error) {
	left, lsc, err := b.planFromItem(j.Larg)
	if err != nil {
		return nil, nil, err
	}
	rb := *b
	rb.lateral = lsc
	right, rsc, err := rb.planFromItem(j.Rarg)
	if err != nil {
		return nil, nil, err
	}
	kind := joinInner
	switch j.Jointype {
	case pg_query.JoinType_JOIN_LEFT:
		kind = joinLeft
	case pg_query.JoinType_JOIN_RIGHT:
		kind = joinRight
	case pg_query.JoinType_JOIN_FULL:
		kind = joinFull
	}
	sc := lsc.concat(rsc)
	var on sql.Expr
	using := stringsOf(j.UsingClause)
	if j.IsNatural {
		for _, lc := range lsc.cols {
			if lc.hidden {
				continue
			}
			for _, rc := range rsc.cols {
				if !rc.hidden && rc.name == lc.name {
					using = append(using, lc.name)
				}
			}
		}
	}
	if len(using) > 0 {
		var conds []sql.Expr
		for _, name := range using {
			li, lerr := lsc.lookup("", name)
			ri, rerr := rsc.lookup("", name)
			if lerr != nil || rerr != nil {
				return nil, nil, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" specified in USING clause does not exist in %s table", name, map[bool]string{true: "left", false: "right"}[lerr != nil])
			}
			eq, err := sql.NewBinaryOp("=", &sql.ColRef{Index: li, Typ: lsc.cols[li].typ}, &sql.ColRef{Index: len(lsc.cols) + ri, Typ: rsc.cols[ri].typ})
			if err != nil {
				return nil, nil, err
			}
			conds = append(conds, eq)
			// The merged column is the left one (the right one for a
			// RIGHT join); hide the other so the name stays unambiguous.
			if kind == joinRight {
				sc.cols[li].hidden = true
			} else {
				sc.cols[len(lsc.cols)+ri].hidden = true
			}
		}
		on = sql.NewAnd(conds...)
	} else if j.Quals != nil {
		if on, err = b.predicate(j.Quals, sc, "JOIN/ON"); err != nil {
			return nil, nil, err
		}
	}
	if j.Alias != nil {
		for i := range sc.cols {
			sc.cols[i].table = j.Alias.Aliasname
		}
	}
	if _, lateral := right.(*lateralNode); lateral && (kind == joinRight || kind == joinFull) {
		return nil, nil, sql.Errorf(sql.CodeInvalidColumnReference, "invalid reference to FROM-clause entry for table \"%s\"", lsc.cols[0].table).
			WithDetail("The combining JOIN type must be INNER or LEFT for a LATERAL reference.")
	}
	return joinOf(left, right, kind, on, sc.cols), sc, nil
}
