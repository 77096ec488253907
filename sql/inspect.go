package sql

// This file lets the planner look inside built expressions (to find
// primary-key equalities) and make assignment casts for INSERT/UPDATE
// targets.

// Conjuncts flattens the top-level ANDs of a predicate.
func Conjuncts(e Expr) []Expr {
	if b, ok := e.(*boolExpr); ok && b.and {
		var out []Expr
		for _, a := range b.args {
			out = append(out, Conjuncts(a)...)
		}
		return out
	}
	return []Expr{e}
}

// EqualityOperands returns the two sides of an "=" comparison.
func EqualityOperands(e Expr) (l, r Expr, ok bool) {
	op, l, r, ok := BinaryOperands(e)
	if !ok || op != "=" {
		return nil, nil, false
	}
	return l, r, true
}

// BinaryOperands returns the operator name and the two sides of a binary
// operator expression (the planner looks for "embedding <-> $1").
func BinaryOperands(e Expr) (op string, l, r Expr, ok bool) {
	c, isCall := e.(*callExpr)
	if !isCall || !c.op || len(c.args) != 2 {
		return "", nil, nil, false
	}
	return c.name, c.args[0], c.args[1], true
}

// ReferencesColumns reports whether e may read the current row. Nodes
// this package does not know (the planner's own) count as reading it,
// unless they say otherwise with a RowIndependent() bool method.
func ReferencesColumns(e Expr) bool {
	cols, known := ColumnsRead(e)
	return !known || len(cols) > 0
}

// ColumnsRead returns the positions in the current row that e reads
// (repeats possible). known is false when e holds a node this package
// cannot look into (the planner's own, unless it says it is
// RowIndependent), which may read any column.
func ColumnsRead(e Expr) (cols []int, known bool) {
	known = true
	var walk func(Expr)
	walk = func(e Expr) {
		if ri, ok := e.(interface{ RowIndependent() bool }); ok && ri.RowIndependent() {
			return
		}
		switch v := e.(type) {
		case *ColRef:
			cols = append(cols, v.Index)
		case *Const, *Param:
		case evNode:
			_ = v.mapChildren(func(c Expr) (Expr, error) {
				walk(c)
				return c, nil
			})
		default:
			known = false
		}
	}
	walk(e)
	return cols, known
}

// assignCastExpr converts a value to a target column's type with
// assignment rules: varchar(n) overflow is an error, not a truncation.
type assignCastExpr struct {
	arg Expr
	to  Type
}

// NewAssignCast converts e to t as an INSERT or UPDATE target does; a
// string literal is read directly as a value of t.
func NewAssignCast(e Expr, t Type) (Expr, error) {
	if !CanCastAssignment(e.Type(), t) && e.Type().OID != OIDUnknown && e.Type().OID != t.OID {
		return nil, cannotCast(e.Type(), t)
	}
	a := &assignCastExpr{arg: e, to: t}
	if _, isConst := e.(*Const); isConst {
		return FoldConstants(a)
	}
	return a, nil
}

func (c *assignCastExpr) Type() Type             { return c.to }
func (c *assignCastExpr) volatility() volatility { return volImmutable }
func (c *assignCastExpr) mapChildren(f func(Expr) (Expr, error)) error {
	a, err := f(c.arg)
	c.arg = a
	return err
}

// Eval implements Expr.
func (c *assignCastExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	v, err := c.arg.Eval(ec, row)
	if err != nil || v == nil {
		return nil, err
	}
	from := c.arg.Type()
	if s, ok := v.(string); ok && from.OID == OIDUnknown {
		return ParseText(c.to, s, evFormat(ec))
	}
	return CastAssign(v, from, c.to, evFormat(ec))
}

func (c *assignCastExpr) String() string { return "assign(" + FormatType(c.to) + ")" }
