package planner

import (
	"context"
	"math"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// builder turns parse-tree expressions into typed sql.Exprs against a
// scope. One builder serves one statement.
type builder struct {
	ctx    context.Context
	s      *Session
	txn    *storage.Txn
	query  string
	params *sql.ParamTypes
	// agg is set while building the target list, HAVING and ORDER BY of
	// a grouped query: column references must then be grouping keys and
	// aggregate calls become references into the aggregated row.
	agg *aggContext
	// outer lists the scopes of enclosing queries, innermost last, for
	// correlated subqueries.
	outer []*outerScope
	// lateral is the scope of the FROM items left of the one being
	// planned, which a LATERAL subquery may read.
	lateral *scope
	// srfs collects set-returning calls while a select list is built;
	// nil where they are not allowed. srfBan names the construct (CASE,
	// COALESCE) that refuses them inside a select list, srfNested marks
	// an SRF's own arguments, and exprKind names the clause being built
	// for the error elsewhere.
	srfs      *srfContext
	srfBan    string
	srfNested bool
	exprKind  string
	// ctes are the WITH queries visible to the statement being planned.
	ctes *cteScope
	// win collects the window calls of the select list being built; nil
	// where window functions are not allowed. winNested marks a window
	// call's own arguments.
	win       *winContext
	winNested bool
}

// outerScope is an enclosing query's scope and the cell through which a
// correlated subquery reads that query's current row.
type outerScope struct {
	sc   *scope
	cell *rowCell
	used bool
}

// rowCell holds the current row of an outer query while a correlated
// subquery runs.
type rowCell struct{ row []sql.Datum }

// outerColRef reads a column of the enclosing query's current row.
type outerColRef struct {
	cell  *rowCell
	index int
	typ   sql.Type
}

func (o *outerColRef) Type() sql.Type { return o.typ }

// RowIndependent tells the sql package that an outer reference is fixed
// while the inner query runs (it does not read the inner row), so e.g. an
// index scan may evaluate it once.
func (o *outerColRef) RowIndependent() bool { return true }
func (o *outerColRef) Eval(*sql.EvalContext, []sql.Datum) (sql.Datum, error) {
	if o.cell.row == nil || o.index >= len(o.cell.row) {
		return nil, nil
	}
	return o.cell.row[o.index], nil
}

// pos converts a node location to the ErrorResponse Position.
func (b *builder) pos(loc int32) int { return sql.CharPosition(b.query, loc) }

// errAt attaches a position to an error coming from the sql package.
func (b *builder) errAt(err error, loc int32) error {
	if err == nil {
		return nil
	}
	se := sql.Wrap(err)
	if se.Code == sql.CodeInternalError || !positionedCode(se) {
		return err
	}
	if se.Position == 0 && loc >= 0 {
		// Copy: the sql package may return shared error values.
		cp := *se
		cp.Position = b.pos(loc)
		return &cp
	}
	return se
}

// literalErrAt positions an error raised by a type's input function while
// reading a string literal: PostgreSQL runs those during parse analysis,
// under a callback that points the caret at the literal, whatever the
// SQLSTATE (pgvector's "NaN not allowed in vector" included).
func (b *builder) literalErrAt(err error, loc int32) error {
	se := sql.Wrap(err)
	if se.Code == sql.CodeInternalError || se.Position != 0 || loc < 0 || typmodError(se) {
		return b.errAt(err, loc)
	}
	cp := *se
	cp.Position = b.pos(loc)
	return &cp
}

// typmodError reports whether e comes from applying a type modifier
// (varchar(3), numeric(3,1), vector(3)). PostgreSQL reads a literal with
// typmod -1 and coerces it to the modifier afterwards, outside the parse
// callback, so these errors carry no caret; QuartzDB's input functions do
// both at once, hence the distinction by error.
func typmodError(e *sql.Error) bool {
	switch e.Code {
	case sql.CodeStringDataRightTruncation:
		return true
	case sql.CodeNumericValueOutOfRange:
		return e.Message == "numeric field overflow"
	case sql.CodeDataException:
		return strings.HasPrefix(e.Message, "expected ") && strings.Contains(e.Message, " dimensions, not ")
	}
	return false
}

// positionedCode reports whether PostgreSQL reports a caret for this
// error: analysis errors (class 42) and the input functions of literals
// do; errors raised while evaluating (overflow, division by zero) do not.
func positionedCode(e *sql.Error) bool {
	switch {
	case strings.HasPrefix(e.Code, "42"):
		return true
	case e.Code == sql.CodeInvalidTextRepresentation, e.Code == sql.CodeInvalidDatetimeFormat,
		e.Code == sql.CodeDatetimeFieldOverflow, e.Code == "22023":
		return true
	case e.Code == sql.CodeNumericValueOutOfRange && strings.HasPrefix(e.Message, "value \""):
		return true
	}
	return false
}

func (b *builder) exprs(nodes []*pg_query.Node, sc *scope) ([]sql.Expr, error) {
	out := make([]sql.Expr, 0, len(nodes))
	for _, n := range nodes {
		e, err := b.expr(n, sc)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// expr builds one expression.
func (b *builder) expr(n *pg_query.Node, sc *scope) (sql.Expr, error) {
	if b.agg != nil {
		if e, ok, err := b.agg.match(b, n); ok || err != nil {
			return e, err
		}
	}
	switch v := n.Node.(type) {
	case *pg_query.Node_AConst:
		return b.constant(v.AConst)
	case *pg_query.Node_ColumnRef:
		return b.columnRef(v.ColumnRef, sc)
	case *pg_query.Node_ParamRef:
		idx := int(v.ParamRef.Number) - 1
		if idx < 0 || idx >= 65535 {
			return nil, sql.Errorf(sql.CodeUndefinedParameter, "there is no parameter $%d", v.ParamRef.Number).WithPosition(b.pos(v.ParamRef.Location))
		}
		b.params.Get(idx)
		return &sql.Param{Index: idx, Types: b.params}, nil
	case *pg_query.Node_TypeCast:
		return b.typeCast(v.TypeCast, sc)
	case *pg_query.Node_AExpr:
		return b.aExpr(v.AExpr, sc)
	case *pg_query.Node_BoolExpr:
		args, err := b.exprs(v.BoolExpr.Args, sc)
		if err != nil {
			return nil, err
		}
		switch v.BoolExpr.Boolop {
		case pg_query.BoolExprType_AND_EXPR:
			return b.boolArgs("AND", args, v.BoolExpr.Location, func() sql.Expr { return sql.NewAnd(args...) })
		case pg_query.BoolExprType_OR_EXPR:
			return b.boolArgs("OR", args, v.BoolExpr.Location, func() sql.Expr { return sql.NewOr(args...) })
		default:
			e, err := sql.NewNot(args[0])
			return e, b.errAt(err, v.BoolExpr.Location)
		}
	case *pg_query.Node_NullTest:
		arg, err := b.expr(v.NullTest.Arg, sc)
		if err != nil {
			return nil, err
		}
		return sql.NewIsNull(arg, v.NullTest.Nulltesttype == pg_query.NullTestType_IS_NOT_NULL), nil
	case *pg_query.Node_BooleanTest:
		arg, err := b.expr(v.BooleanTest.Arg, sc)
		if err != nil {
			return nil, err
		}
		kinds := map[pg_query.BoolTestType]string{
			pg_query.BoolTestType_IS_TRUE: "IS TRUE", pg_query.BoolTestType_IS_NOT_TRUE: "IS NOT TRUE",
			pg_query.BoolTestType_IS_FALSE: "IS FALSE", pg_query.BoolTestType_IS_NOT_FALSE: "IS NOT FALSE",
			pg_query.BoolTestType_IS_UNKNOWN: "IS UNKNOWN", pg_query.BoolTestType_IS_NOT_UNKNOWN: "IS NOT UNKNOWN",
		}
		e, err := sql.NewBoolTest(arg, kinds[v.BooleanTest.Booltesttype])
		return e, b.errAt(err, v.BooleanTest.Location)
	case *pg_query.Node_CaseExpr:
		return b.caseExpr(v.CaseExpr, sc)
	case *pg_query.Node_CoalesceExpr:
		cb := b.banSRF("COALESCE")
		args, err := cb.exprs(v.CoalesceExpr.Args, sc)
		if err != nil {
			return nil, err
		}
		e, err := sql.NewCoalesce(args)
		return e, b.errAt(err, v.CoalesceExpr.Location)
	case *pg_query.Node_MinMaxExpr:
		args, err := b.exprs(v.MinMaxExpr.Args, sc)
		if err != nil {
			return nil, err
		}
		var e sql.Expr
		if v.MinMaxExpr.Op == pg_query.MinMaxOp_IS_GREATEST {
			e, err = sql.NewGreatest(args)
		} else {
			e, err = sql.NewLeast(args)
		}
		return e, b.errAt(err, v.MinMaxExpr.Location)
	case *pg_query.Node_AArrayExpr:
		elems, err := b.exprs(v.AArrayExpr.Elements, sc)
		if err != nil {
			return nil, err
		}
		if len(elems) == 0 {
			return nil, sql.Errorf(sql.CodeIndeterminateDatatype, "cannot determine type of empty array").
				WithHint("Explicitly cast to the desired type, for example ARRAY[]::integer[].").WithPosition(b.pos(v.AArrayExpr.Location))
		}
		e, err := sql.NewArrayExpr(elems)
		return e, b.errAt(err, v.AArrayExpr.Location)
	case *pg_query.Node_AIndirection:
		return b.indirection(v.AIndirection, sc)
	case *pg_query.Node_FuncCall:
		return b.funcCall(v.FuncCall, sc)
	case *pg_query.Node_SqlvalueFunction:
		return b.sqlValueFunc(v.SqlvalueFunction)
	case *pg_query.Node_CollateClause:
		return b.expr(v.CollateClause.Arg, sc)
	case *pg_query.Node_SubLink:
		return b.subLink(v.SubLink, sc)
	case *pg_query.Node_RowExpr:
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "row expressions are not supported yet").WithPosition(b.pos(v.RowExpr.Location))
	case *pg_query.Node_SetToDefault:
		return nil, sql.Errorf(sql.CodeSyntaxError, "DEFAULT is not allowed in this context").WithPosition(b.pos(v.SetToDefault.Location))
	case *pg_query.Node_GroupingFunc:
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "GROUPING is not supported yet").WithPosition(b.pos(v.GroupingFunc.Location))
	}
	return nil, sql.Errorf(sql.CodeFeatureNotSupported, "expression %s is not supported yet", nodeName(n))
}

func (b *builder) boolArgs(op string, args []sql.Expr, loc int32, mk func() sql.Expr) (sql.Expr, error) {
	for i, a := range args {
		t := a.Type()
		if t.OID == sql.OIDBool {
			continue
		}
		if t.OID == sql.OIDUnknown {
			c, err := sql.NewCast(a, sql.TypeBool, false)
			if err != nil {
				return nil, b.errAt(err, loc)
			}
			args[i] = c
			continue
		}
		return nil, sql.Errorf(sql.CodeDatatypeMismatch, "argument of %s must be type boolean, not type %s", op, sql.FormatType(t)).WithPosition(b.pos(loc))
	}
	return mk(), nil
}

// nodeName names a node's type for "not supported" errors.
func nodeName(n *pg_query.Node) string {
	if n == nil || n.Node == nil {
		return "<nil>"
	}
	name := string(n.ProtoReflect().WhichOneof(n.ProtoReflect().Descriptor().Oneofs().Get(0)).Name())
	return name
}

func (b *builder) constant(c *pg_query.A_Const) (sql.Expr, error) {
	if c.Isnull {
		return &sql.Const{Typ: sql.TypeUnknown, Value: nil}, nil
	}
	switch v := c.Val.(type) {
	case *pg_query.A_Const_Ival:
		return &sql.Const{Typ: sql.TypeInt4, Value: int64(v.Ival.Ival)}, nil
	case *pg_query.A_Const_Fval:
		return numericLiteral(v.Fval.Fval)
	case *pg_query.A_Const_Sval:
		return &sql.Const{Typ: sql.TypeUnknown, Value: v.Sval.Sval}, nil
	case *pg_query.A_Const_Boolval:
		return &sql.Const{Typ: sql.TypeBool, Value: v.Boolval.Boolval}, nil
	case *pg_query.A_Const_Bsval:
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "bit string literals are not supported yet").WithPosition(b.pos(c.Location))
	}
	return &sql.Const{Typ: sql.TypeUnknown, Value: nil}, nil
}

// numericLiteral types a non-int4 numeric literal as PostgreSQL does: an
// integer that fits int8 is bigint, anything else numeric.
func numericLiteral(text string) (sql.Expr, error) {
	if !strings.ContainsAny(text, ".eE") {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			if n >= math.MinInt32 && n <= math.MaxInt32 {
				return &sql.Const{Typ: sql.TypeInt4, Value: n}, nil
			}
			return &sql.Const{Typ: sql.TypeInt8, Value: n}, nil
		}
	}
	d, err := sql.ParseText(sql.TypeNumeric, text, nil)
	if err != nil {
		return nil, err
	}
	return &sql.Const{Typ: sql.TypeNumeric, Value: d}, nil
}

func stringsOf(nodes []*pg_query.Node) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		if s := n.GetString_(); s != nil {
			out = append(out, s.Sval)
		}
	}
	return out
}

func (b *builder) columnRef(cr *pg_query.ColumnRef, sc *scope) (sql.Expr, error) {
	var qual, name string
	fields := cr.Fields
	if len(fields) > 0 {
		if _, star := fields[len(fields)-1].Node.(*pg_query.Node_AStar); star {
			return nil, sql.Errorf(sql.CodeSyntaxError, "row expansion via \"*\" is not supported here").WithPosition(b.pos(cr.Location))
		}
	}
	names := stringsOf(fields)
	switch len(names) {
	case 1:
		name = names[0]
	case 2:
		qual, name = names[0], names[1]
	case 3:
		qual, name = names[1], names[2]
	default:
		return nil, sql.Errorf(sql.CodeSyntaxError, "improper qualified name (too many dotted names): %s", strings.Join(names, ".")).WithPosition(b.pos(cr.Location))
	}
	idx, lerr := sc.lookup(qual, name)
	if lerr == nil {
		c := sc.cols[idx]
		return &sql.ColRef{Index: idx, Typ: c.typ, Name: c.name}, nil
	}
	if lerr.Code == sql.CodeAmbiguousColumn {
		return nil, lerr.WithPosition(b.pos(cr.Location))
	}
	for i := len(b.outer) - 1; i >= 0; i-- {
		o := b.outer[i]
		if oi, oerr := o.sc.lookup(qual, name); oerr == nil {
			o.used = true
			return &outerColRef{cell: o.cell, index: oi, typ: o.sc.cols[oi].typ}, nil
		}
	}
	if qual == "" && len(names) == 1 {
		// A bare name that is a table of the scope means the whole row;
		// not supported, so report the column as missing like PostgreSQL.
	}
	if lerr.Code == sql.CodeUndefinedColumn {
		if hint := sc.suggest(qual, name); hint != "" {
			lerr.Hint = hint
		}
	}
	return nil, lerr.WithPosition(b.pos(cr.Location))
}

func (b *builder) typeCast(tc *pg_query.TypeCast, sc *scope) (sql.Expr, error) {
	to, err := sql.TypeFromAST(tc.TypeName)
	if err != nil {
		return nil, b.errAt(err, tc.TypeName.Location)
	}
	if arr, ok := tc.Arg.Node.(*pg_query.Node_AArrayExpr); ok && len(arr.AArrayExpr.Elements) == 0 {
		if _, isArr := sql.ElemOf(to.OID); isArr {
			return &sql.Const{Typ: to, Value: &sql.Array{ElemOID: mustElem(to.OID)}}, nil
		}
	}
	arg, err := b.expr(tc.Arg, sc)
	if err != nil {
		return nil, err
	}
	if p, ok := arg.(*sql.Param); ok && p.Type().OID == sql.OIDUnknown {
		switch to.OID {
		case sql.OIDRegclass, sql.OIDRegtype, sql.OIDRegproc, sql.OIDRegnamespace:
			// $1::regclass: PostgreSQL types the parameter regclass and
			// reads its text with the catalog at Bind. Here the reg*
			// input needs the session, so the parameter is text and the
			// cast below (regclassin ...) reads it when the plan runs.
			p.Types.Set(p.Index, sql.TypeText)
		default:
			// $1::int fixes the parameter's type, as PostgreSQL infers it.
			p.Types.Set(p.Index, to)
			if to.Typmod < 0 {
				return p, nil
			}
		}
	}
	e, err := sql.NewCast(arg, to, true)
	if err != nil {
		if c := tc.Arg.GetAConst(); c != nil && c.GetSval() != nil {
			// PostgreSQL points at the literal it could not read.
			return nil, b.literalErrAt(err, c.Location)
		}
		return nil, b.errAt(err, tc.Location)
	}
	return e, nil
}

func mustElem(arr uint32) uint32 {
	e, _ := sql.ElemOf(arr)
	return e
}

func opName(names []*pg_query.Node) string {
	s := stringsOf(names)
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

func (b *builder) aExpr(a *pg_query.A_Expr, sc *scope) (sql.Expr, error) {
	op := opName(a.Name)
	switch a.Kind {
	case pg_query.A_Expr_Kind_AEXPR_OP:
		if a.Lexpr == nil {
			r, err := b.expr(a.Rexpr, sc)
			if err != nil {
				return nil, err
			}
			e, err := sql.NewUnaryOp(op, r)
			return e, b.errAt(err, a.Location)
		}
		return b.binary(a, sc, func(l, r sql.Expr) (sql.Expr, error) { return sql.NewBinaryOp(op, l, r) })
	case pg_query.A_Expr_Kind_AEXPR_OP_ANY, pg_query.A_Expr_Kind_AEXPR_OP_ALL:
		return b.binary(a, sc, func(l, r sql.Expr) (sql.Expr, error) {
			return sql.NewScalarArrayOp(op, l, r, a.Kind == pg_query.A_Expr_Kind_AEXPR_OP_ANY)
		})
	case pg_query.A_Expr_Kind_AEXPR_IN:
		l, err := b.expr(a.Lexpr, sc)
		if err != nil {
			return nil, err
		}
		list, err := b.exprs(a.Rexpr.GetList().GetItems(), sc)
		if err != nil {
			return nil, err
		}
		e, err := sql.NewIn(l, list, op == "<>")
		return e, b.errAt(err, a.Location)
	case pg_query.A_Expr_Kind_AEXPR_LIKE, pg_query.A_Expr_Kind_AEXPR_ILIKE:
		l, err := b.expr(a.Lexpr, sc)
		if err != nil {
			return nil, err
		}
		patNode, escNode := a.Rexpr, (*pg_query.Node)(nil)
		if fc := a.Rexpr.GetFuncCall(); fc != nil && opName(fc.Funcname) == "like_escape" && len(fc.Args) == 2 {
			patNode, escNode = fc.Args[0], fc.Args[1]
		}
		pat, err := b.expr(patNode, sc)
		if err != nil {
			return nil, err
		}
		var esc sql.Expr
		if escNode != nil {
			if esc, err = b.expr(escNode, sc); err != nil {
				return nil, err
			}
		}
		negate := strings.HasPrefix(op, "!")
		e, err := sql.NewLike(l, pat, esc, a.Kind == pg_query.A_Expr_Kind_AEXPR_ILIKE, negate)
		return e, b.errAt(err, a.Location)
	case pg_query.A_Expr_Kind_AEXPR_SIMILAR:
		// The parser wraps the pattern in similar_to_escape() and names
		// the regex operator (~ or !~) to apply.
		return b.binary(a, sc, func(l, r sql.Expr) (sql.Expr, error) { return sql.NewBinaryOp(op, l, r) })
	case pg_query.A_Expr_Kind_AEXPR_BETWEEN, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN,
		pg_query.A_Expr_Kind_AEXPR_BETWEEN_SYM, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		return b.between(a, sc)
	case pg_query.A_Expr_Kind_AEXPR_DISTINCT, pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT:
		return b.binary(a, sc, func(l, r sql.Expr) (sql.Expr, error) {
			return sql.NewIsDistinctFrom(l, r, a.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT)
		})
	case pg_query.A_Expr_Kind_AEXPR_NULLIF:
		return b.binary(a, sc, sql.NewNullIf)
	}
	return nil, sql.Errorf(sql.CodeFeatureNotSupported, "operator kind %s is not supported yet", a.Kind.String()).WithPosition(b.pos(a.Location))
}

func (b *builder) between(a *pg_query.A_Expr, sc *scope) (sql.Expr, error) {
	bounds := a.Rexpr.GetList().GetItems()
	if len(bounds) != 2 {
		return nil, sql.Errorf(sql.CodeSyntaxError, "BETWEEN needs two bounds").WithPosition(b.pos(a.Location))
	}
	build := func(lo, hi *pg_query.Node) (sql.Expr, error) {
		l1, err := b.expr(a.Lexpr, sc)
		if err != nil {
			return nil, err
		}
		l2, err := b.expr(a.Lexpr, sc)
		if err != nil {
			return nil, err
		}
		loE, err := b.expr(lo, sc)
		if err != nil {
			return nil, err
		}
		hiE, err := b.expr(hi, sc)
		if err != nil {
			return nil, err
		}
		ge, err := sql.NewBinaryOp(">=", l1, loE)
		if err != nil {
			return nil, b.errAt(err, a.Location)
		}
		le, err := sql.NewBinaryOp("<=", l2, hiE)
		if err != nil {
			return nil, b.errAt(err, a.Location)
		}
		return sql.NewAnd(ge, le), nil
	}
	e, err := build(bounds[0], bounds[1])
	if err != nil {
		return nil, err
	}
	switch a.Kind {
	case pg_query.A_Expr_Kind_AEXPR_BETWEEN_SYM, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		e2, err := build(bounds[1], bounds[0])
		if err != nil {
			return nil, err
		}
		e = sql.NewOr(e, e2)
	}
	switch a.Kind {
	case pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		return sql.NewNot(e)
	}
	return e, nil
}

// banSRF returns a builder for the arguments of a construct that refuses
// set-returning functions (PostgreSQL evaluates them before CASE could
// skip them, so it rejects them there).
func (b *builder) banSRF(construct string) *builder {
	if b.srfs == nil {
		return b
	}
	cb := *b
	cb.srfBan = construct
	return &cb
}

func (b *builder) caseExpr(c *pg_query.CaseExpr, sc *scope) (sql.Expr, error) {
	b = b.banSRF("CASE")
	var operand sql.Expr
	var err error
	if c.Arg != nil {
		if operand, err = b.expr(c.Arg, sc); err != nil {
			return nil, err
		}
	}
	var whens, thens []sql.Expr
	for _, w := range c.Args {
		cw := w.GetCaseWhen()
		we, err := b.expr(cw.Expr, sc)
		if err != nil {
			return nil, err
		}
		te, err := b.expr(cw.Result, sc)
		if err != nil {
			return nil, err
		}
		whens, thens = append(whens, we), append(thens, te)
	}
	var els sql.Expr
	if c.Defresult != nil {
		if els, err = b.expr(c.Defresult, sc); err != nil {
			return nil, err
		}
	}
	e, err := sql.NewCase(operand, whens, thens, els)
	return e, b.errAt(err, c.Location)
}

func (b *builder) indirection(ind *pg_query.A_Indirection, sc *scope) (sql.Expr, error) {
	e, err := b.expr(ind.Arg, sc)
	if err != nil {
		return nil, err
	}
	for _, in := range ind.Indirection {
		if f := in.GetString_(); f != nil {
			if e, err = b.selectField(e, f.Sval, exprLocation(ind.Arg)); err != nil {
				return nil, err
			}
			continue
		}
		idx := in.GetAIndices()
		if idx == nil || idx.IsSlice {
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "this kind of indirection is not supported yet")
		}
		i, err := b.expr(idx.Uidx, sc)
		if err != nil {
			return nil, err
		}
		if e, err = sql.NewSubscript(e, i); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// sessionFuncs are the built-in functions answered by the session, with
// their result types.
var sessionFuncs = map[string]sql.Type{
	"nextval": sql.TypeInt8, "currval": sql.TypeInt8, "setval": sql.TypeInt8, "lastval": sql.TypeInt8,
	"current_database": sql.TypeName, "current_schema": sql.TypeName, "current_user": sql.TypeName,
	"session_user": sql.TypeName, "current_catalog": sql.TypeName, "version": sql.TypeText,
	"pg_backend_pid": sql.TypeInt4, "current_setting": sql.TypeText, "set_config": sql.TypeText,
	"txid_current": sql.TypeInt8, "pg_typeof": {OID: sql.OIDRegtype, Typmod: -1},
}

func (b *builder) funcCall(fc *pg_query.FuncCall, sc *scope) (sql.Expr, error) {
	names := stringsOf(fc.Funcname)
	name := strings.ToLower(names[len(names)-1])
	if len(names) == 2 && names[0] == "quartz" {
		return b.quartzFuncCall("quartz."+name, fc, sc)
	}
	if isExpandArray(names) {
		return b.expandArrayCall(fc, sc)
	}
	if len(names) > 1 && names[0] != "pg_catalog" {
		return nil, sql.Errorf(sql.CodeUndefinedFunction, "function %s does not exist", strings.Join(names, ".")).WithPosition(b.pos(fc.Location))
	}
	if fc.Over == nil && isSRF(names) {
		return b.srfCall(fc, sc)
	}
	if fc.Over != nil {
		return b.windowCall(fc, name, sc)
	}
	if windowOnlyFuncs[name] {
		return nil, sql.Errorf(sql.CodeWrongObjectType, "window function %s requires an OVER clause", name).WithPosition(b.pos(fc.Location))
	}
	if sql.IsAggregate(name) {
		return nil, sql.Errorf(sql.CodeGroupingError, "aggregate functions are not allowed here").WithPosition(b.pos(fc.Location))
	}
	args, err := b.exprs(fc.Args, sc)
	if err != nil {
		return nil, err
	}
	if name == "pg_typeof" && len(args) == 1 {
		return &sql.Const{Typ: sessionFuncs[name], Value: int64(args[0].Type().OID)}, nil
	}
	if f, ok := catalogFuncs[name]; ok {
		e, err := catalogFuncCall(name, f, args)
		return e, b.errAt(err, fc.Location)
	}
	if t, ok := sessionFuncs[name]; ok {
		if name == "setval" || name == "nextval" || name == "currval" {
			for i, a := range args {
				if a.Type().OID == sql.OIDUnknown {
					if args[i], err = sql.NewCast(a, sql.TypeText, false); err != nil {
						return nil, err
					}
				}
			}
		}
		return sql.NewSessionFunc(name, args, t), nil
	}
	e, err := sql.NewFunc(name, args)
	return e, b.errAt(err, fc.Location)
}

func (b *builder) sqlValueFunc(f *pg_query.SQLValueFunction) (sql.Expr, error) {
	switch f.Op {
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
		now, err := sql.NewFunc("now", nil)
		if err != nil {
			return nil, err
		}
		return sql.NewCast(now, sql.TypeDate, true)
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N:
		return sql.NewFunc("now", nil)
	case pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP, pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:
		now, err := sql.NewFunc("now", nil)
		if err != nil {
			return nil, err
		}
		return sql.NewCast(now, sql.TypeTimestamp, true)
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIME, pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIME_N,
		pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME, pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME_N:
		now, err := sql.NewFunc("now", nil)
		if err != nil {
			return nil, err
		}
		return sql.NewCast(now, sql.Type{OID: sql.OIDTime, Typmod: -1}, true)
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_USER, pg_query.SQLValueFunctionOp_SVFOP_CURRENT_ROLE, pg_query.SQLValueFunctionOp_SVFOP_USER:
		return sql.NewSessionFunc("current_user", nil, sql.TypeName), nil
	case pg_query.SQLValueFunctionOp_SVFOP_SESSION_USER:
		return sql.NewSessionFunc("session_user", nil, sql.TypeName), nil
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_CATALOG:
		return sql.NewSessionFunc("current_database", nil, sql.TypeName), nil
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_SCHEMA:
		return sql.NewSessionFunc("current_schema", nil, sql.TypeName), nil
	}
	return nil, sql.Errorf(sql.CodeFeatureNotSupported, "%s is not supported yet", f.Op.String()).WithPosition(b.pos(f.Location))
}

// astKey identifies an expression's parse tree regardless of where it
// appears in the text, so "GROUP BY a + 1" matches "SELECT a + 1".
func astKey(n *pg_query.Node) string {
	c := proto.Clone(n)
	stripLocations(c.ProtoReflect())
	out, _ := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	return string(out)
}

func stripLocations(m protoreflect.Message) {
	var clear []protoreflect.FieldDescriptor
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Name() == "location":
			clear = append(clear, fd)
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				stripLocations(l.Get(i).Message())
			}
		case fd.Message() != nil && !fd.IsMap():
			stripLocations(v.Message())
		}
		return true
	})
	for _, fd := range clear {
		m.Clear(fd)
	}
}

// binary builds both operands of a and combines them, placing a
// combination error at a's location.
func (b *builder) binary(a *pg_query.A_Expr, sc *scope, combine func(l, r sql.Expr) (sql.Expr, error)) (sql.Expr, error) {
	l, err := b.expr(a.Lexpr, sc)
	if err != nil {
		return nil, err
	}
	r, err := b.expr(a.Rexpr, sc)
	if err != nil {
		return nil, err
	}
	e, err := combine(l, r)
	return e, b.errAt(err, a.Location)
}
