package sql

import (
	"context"
	"time"
)

// Expr is a typed, resolved expression ready to evaluate against a row. The
// planner builds Exprs from the parse tree (names resolved to column
// positions); operator and function resolution, implicit casts and
// evaluation live here.
type Expr interface {
	// Type is the SQL type of the value Eval returns.
	Type() Type
	// Eval computes the value for one input row; NULL is nil.
	Eval(ec *EvalContext, row []Datum) (Datum, error)
}

// EvalContext carries what evaluation needs besides the row.
type EvalContext struct {
	Ctx context.Context
	// Params holds the bound values of $1..$n (index 0 is $1).
	Params []Datum
	// Format holds the session settings that affect text conversion.
	Format *FormatOptions
	// TxnTime is the start time of the current transaction: now() and
	// current_timestamp return it, as in PostgreSQL.
	TxnTime time.Time
	// StmtTime is the start time of the current statement
	// (statement_timestamp()).
	StmtTime time.Time
	// Funcs lets the planner serve functions that need session or catalog
	// state (nextval, current_database, ...); nil when there are none.
	Session SessionFuncs
	// Distances, when set, counts the vector distances evaluated (the
	// statement is metered for them).
	Distances *int64
}

// CountDistances adds n vector distance computations to the statement's
// count; ec may be nil (constant folding counts nothing).
func (ec *EvalContext) CountDistances(n int64) {
	if ec != nil && ec.Distances != nil {
		*ec.Distances += n
	}
}

// SessionFuncs is implemented by the planner for the built-in functions that
// need more than their arguments.
type SessionFuncs interface {
	// CallSessionFunc evaluates a session-dependent function by name;
	// ok is false when the name is not one of them.
	CallSessionFunc(ec *EvalContext, name string, args []Datum) (result Datum, ok bool, err error)
}

// Const is a constant value.
type Const struct {
	Typ   Type
	Value Datum
}

// Type implements Expr.
func (c *Const) Type() Type { return c.Typ }

// Eval implements Expr.
func (c *Const) Eval(*EvalContext, []Datum) (Datum, error) { return c.Value, nil }

// ColRef reads column Index of the input row.
type ColRef struct {
	Index int
	Typ   Type
	// Name is for EXPLAIN and error messages.
	Name string
}

// Type implements Expr.
func (c *ColRef) Type() Type { return c.Typ }

// Eval implements Expr.
func (c *ColRef) Eval(_ *EvalContext, row []Datum) (Datum, error) { return row[c.Index], nil }

// Param reads the bound value of $Index+1. Its type lives in the statement's
// shared parameter type list, because resolution may learn it late (from
// the other operand of a comparison, the target column of an INSERT, ...).
type Param struct {
	Index int
	Types *ParamTypes
}

// ParamTypes is the statement-wide list of $n types; TypeUnknown marks a
// parameter whose type is not known yet.
type ParamTypes struct {
	Types []Type
}

// Get returns the type of $i+1, growing the list as needed.
func (p *ParamTypes) Get(i int) Type {
	p.grow(i)
	return p.Types[i]
}

// Set fixes the type of $i+1.
func (p *ParamTypes) Set(i int, t Type) {
	p.grow(i)
	p.Types[i] = t
}

func (p *ParamTypes) grow(i int) {
	for len(p.Types) <= i {
		p.Types = append(p.Types, TypeUnknown)
	}
}

// Type implements Expr.
func (p *Param) Type() Type { return p.Types.Get(p.Index) }

// Eval implements Expr.
func (p *Param) Eval(ec *EvalContext, _ []Datum) (Datum, error) {
	if p.Index >= len(ec.Params) {
		return nil, Errorf(CodeUndefinedParameter, "there is no parameter $%d", p.Index+1)
	}
	return ec.Params[p.Index], nil
}
