package planner

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/quartzdb/quartzdb/sql"
)

// explain.go prints a SELECT's plan as PostgreSQL's EXPLAIN (COSTS OFF)
// does: one node per line, children under "->", details indented below
// their node. QuartzDB has no cost model, so costs are never printed.

// planExplain handles EXPLAIN [(options)] SELECT ...
func (b *builder) planExplain(es *pg_query.ExplainStmt) (*plan, error) {
	for _, o := range es.Options {
		d := o.GetDefElem()
		switch name := strings.ToLower(d.GetDefname()); name {
		case "costs", "verbose", "summary", "timing", "buffers", "settings", "wal":
		case "format":
			if f := strings.ToLower(defElemText(d)); f != "text" {
				return nil, sql.Errorf(sql.CodeFeatureNotSupported, "EXPLAIN (FORMAT %s) is not supported yet", strings.ToUpper(f))
			}
		case "analyze":
			if defElemText(d) != "false" && defElemText(d) != "off" {
				return nil, sql.Errorf(sql.CodeFeatureNotSupported, "EXPLAIN ANALYZE is not supported yet")
			}
		default:
			return nil, sql.Errorf(sql.CodeSyntaxError, "unrecognized EXPLAIN option \"%s\"", name)
		}
	}
	sel := es.Query.GetSelectStmt()
	if sel == nil {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "EXPLAIN of %s is not supported yet", nodeName(es.Query))
	}
	n, err := b.planQuery(sel)
	if err != nil {
		return nil, err
	}
	var lines []string
	explainNode(n, 0, &lines)
	cols := []ResultColumn{{Name: "QUERY PLAN", Type: sql.TypeText}}
	return &plan{columns: cols, usesCatalog: true, run: func(x *execCtx) (Cursor, error) {
		rows := make([][]sql.Datum, len(lines))
		for i, l := range lines {
			rows[i] = []sql.Datum{l}
		}
		return &listCursor{cols: cols, rows: rows, tag: "EXPLAIN"}, nil
	}}, nil
}

// explainNode appends n's lines (and its children's) at depth.
func explainNode(n node, depth int, out *[]string) {
	head := func(label string) {
		if depth == 0 {
			*out = append(*out, label)
		} else {
			*out = append(*out, strings.Repeat(" ", 6*depth-4)+"->  "+label)
		}
	}
	detail := func(format string, args ...any) {
		pad := 2
		if depth > 0 {
			pad = 6*depth + 2
		}
		*out = append(*out, strings.Repeat(" ", pad)+fmt.Sprintf(format, args...))
	}
	switch v := n.(type) {
	case *limitNode:
		head("Limit")
		explainNode(v.in, depth+1, out)
	case *sortNode:
		if v.indexOrdered {
			explainNode(v.in, depth, out)
			return
		}
		head("Sort")
		keys := make([]string, len(v.keys))
		for i, k := range v.keys {
			keys[i] = exprText(colExprAt(v.in, k.index))
			if k.desc {
				keys[i] += " DESC"
			}
		}
		detail("Sort Key: %s", strings.Join(keys, ", "))
		explainNode(v.in, depth+1, out)
	case *projectNode:
		explainNode(v.in, depth, out)
	case *windowAggNode:
		head("WindowAgg")
		explainNode(v.in, depth+1, out)
	case *renameNode:
		explainNode(v.in, depth, out)
	case *filterNode:
		switch in := v.in.(type) {
		case *scanNode:
			explainScan(in, v.pred, head, detail)
		case *hnswScanNode:
			explainHNSW(in, v.pred, head, detail)
		default:
			head("Result")
			detail("Filter: %s", exprText(v.pred, v.in.columns()))
			explainNode(v.in, depth+1, out)
		}
	case *scanNode:
		explainScan(v, nil, head, detail)
	case *hnswScanNode:
		explainHNSW(v, nil, head, detail)
	case *aggNode:
		head("Aggregate")
		explainNode(v.in, depth+1, out)
	case *distinctNode:
		head("Unique")
		explainNode(v.in, depth+1, out)
	case *lateralJoinNode:
		if v.kind == joinLeft {
			head("Nested Loop Left Join")
		} else {
			head("Nested Loop")
		}
		explainNode(v.left, depth+1, out)
		explainNode(v.right, depth+1, out)
	case *lateralNode:
		explainNode(v.in, depth, out)
	case *joinNode:
		head("Nested Loop")
		explainNode(v.left, depth+1, out)
		explainNode(v.right, depth+1, out)
	case *valuesNode:
		head("Values Scan on \"*VALUES*\"")
	case *oneRowNode:
		head("Result")
	case *funcScanNode:
		head("Function Scan")
	case *virtualNode:
		head("Seq Scan")
	default:
		head(strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", n), "*planner."), "Node"))
	}
}

func explainScan(s *scanNode, pred sql.Expr, head func(string), detail func(string, ...any)) {
	var conds []sql.Expr
	switch {
	case s.pk != nil:
		head(fmt.Sprintf("Index Scan using %s on %s", s.table.PrimaryIndex().Name, s.table.Name))
		_, conds = columnEqualities(s, s.table.PrimaryKey, pred)
	case s.eq != nil:
		head(fmt.Sprintf("Index Scan using %s on %s", s.eq.index.Name, s.table.Name))
		conds = s.eq.conds
	default:
		head("Seq Scan on " + s.table.Name)
	}
	if len(conds) > 0 {
		detail("Index Cond: %s", andText(conds, s.cols))
	}
	if pred == nil {
		return
	}
	// The filter shows what the index condition does not already say.
	var rest []sql.Expr
	for _, c := range sql.Conjuncts(pred) {
		inCond := false
		for _, ic := range conds {
			inCond = inCond || ic == c
		}
		if !inCond {
			rest = append(rest, c)
		}
	}
	if len(rest) > 0 {
		detail("Filter: %s", andText(rest, s.cols))
	}
}

func explainHNSW(s *hnswScanNode, pred sql.Expr, head func(string), detail func(string, ...any)) {
	head(fmt.Sprintf("Index Scan using %s on %s", s.index.Name, s.table.Name))
	detail("Order By: %s", s.orderText)
	if pred != nil {
		detail("Filter: %s", exprText(pred, s.cols))
	}
}

// andText renders conjuncts joined by AND, as one condition.
func andText(conds []sql.Expr, cols []colInfo) string {
	if len(conds) == 1 {
		return exprText(conds[0], cols)
	}
	texts := make([]string, len(conds))
	for i, c := range conds {
		texts[i] = exprText(c, cols)
	}
	return "(" + strings.Join(texts, " AND ") + ")"
}

// colExprAt returns the expression computing output column i of n and
// the columns it reads: the projection's when n is one, else a reference
// to n's own column.
func colExprAt(n node, i int) (sql.Expr, []colInfo) {
	if p, ok := n.(*projectNode); ok && i < len(p.exprs) {
		return p.exprs[i], p.in.columns()
	}
	cols := n.columns()
	return &sql.ColRef{Index: i, Typ: cols[i].typ, Name: cols[i].name}, cols
}

// exprText renders e roughly as PostgreSQL's ruleutils would: column
// names, literals with their type, binary operators in parentheses.
func exprText(e sql.Expr, cols []colInfo) string {
	switch v := e.(type) {
	case *sql.ColRef:
		if v.Index < len(cols) {
			return cols[v.Index].name
		}
		return v.Name
	case *sql.Const:
		if v.Value == nil {
			return "NULL"
		}
		text := string(sql.AppendText(nil, v.Typ, v.Value, nil))
		switch v.Typ.OID {
		case sql.OIDInt4, sql.OIDInt8, sql.OIDInt2, sql.OIDNumeric:
			return text
		case sql.OIDBool:
			if text == "t" {
				return "true"
			}
			return "false"
		}
		return "'" + strings.ReplaceAll(text, "'", "''") + "'::" + sql.FormatType(v.Typ)
	case *sql.Param:
		return fmt.Sprintf("$%d", v.Index+1)
	}
	if parts := sql.Conjuncts(e); len(parts) > 1 {
		texts := make([]string, len(parts))
		for i, p := range parts {
			texts[i] = exprText(p, cols)
		}
		return "(" + strings.Join(texts, " AND ") + ")"
	}
	if op, l, r, ok := sql.BinaryOperands(e); ok {
		return "(" + exprText(l, cols) + " " + op + " " + exprText(r, cols) + ")"
	}
	return fmt.Sprint(e)
}
