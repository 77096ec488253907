package sql

import (
	"context"
	"fmt"
	"strings"
)

// volatility is PostgreSQL's provolatile: only immutable nodes whose inputs
// are all constants may be folded at plan time.
type volatility uint8

const (
	volImmutable volatility = iota // same inputs, same result, forever
	volStable                      // fixed within a statement (now(), TimeZone-dependent casts)
	volVolatile                    // may change on every call (random(), nextval())
)

// evalFn computes a function or operator from its evaluated arguments.
type evalFn func(ec *EvalContext, args []Datum) (Datum, error)

// evNode is implemented by every node this package builds, so that constant
// folding can see through them.
type evNode interface {
	Expr
	// volatility is the node's own volatility, not counting its children.
	volatility() volatility
	// mapChildren replaces each child with f(child), in place.
	mapChildren(f func(Expr) (Expr, error)) error
}

// evMapList replaces each expression of list with f(expression), in place,
// stopping at the first error: the mapChildren of nodes with a list of
// arguments.
func evMapList(f func(Expr) (Expr, error), list []Expr) error {
	for i, e := range list {
		c, err := f(e)
		if err != nil {
			return err
		}
		list[i] = c
	}
	return nil
}

// evMapEach replaces each *p with f(*p), in order, stopping at the first
// error: the mapChildren of nodes with named children. A nil child is an
// absent optional one (LIKE without ESCAPE) and is left alone.
func evMapEach(f func(Expr) (Expr, error), ps ...*Expr) error {
	for _, p := range ps {
		if *p == nil {
			continue
		}
		c, err := f(*p)
		if err != nil {
			return err
		}
		*p = c
	}
	return nil
}

// Volatile reports whether e may give a different result on a different
// row, parameter binding, statement or call: i.e. whether it cannot be
// evaluated once at plan time.
func Volatile(e Expr) bool { return !evFoldable(e) }

func evFoldable(e Expr) bool {
	switch n := e.(type) {
	case *Const:
		return true
	case evNode:
		if n.volatility() != volImmutable {
			return false
		}
		ok := true
		_ = n.mapChildren(func(c Expr) (Expr, error) {
			if ok && !evFoldable(c) {
				ok = false
			}
			return c, nil
		})
		return ok
	default:
		// ColRef, Param and the planner's own nodes (subqueries, ...).
		return false
	}
}

// FoldConstants evaluates, once, every subtree of e made only of constants
// and immutable operators and functions, and returns the simplified tree.
// Errors raised while folding (1/0) are returned, as PostgreSQL raises them
// at plan time too.
func FoldConstants(e Expr) (Expr, error) {
	if e == nil {
		return nil, nil
	}
	if _, ok := e.(*Const); ok {
		return e, nil
	}
	n, ok := e.(evNode)
	if !ok {
		return e, nil
	}
	if evFoldable(e) {
		ec := &EvalContext{Ctx: context.Background(), Format: DefaultFormatOptions()}
		v, err := e.Eval(ec, nil)
		if err != nil {
			return nil, err
		}
		return &Const{Typ: e.Type(), Value: v}, nil
	}
	if err := n.mapChildren(FoldConstants); err != nil {
		return nil, err
	}
	return e, nil
}

// evFormat returns the session's format options, or the defaults when the
// caller supplied none.
func evFormat(ec *EvalContext) *FormatOptions {
	if ec != nil && ec.Format != nil {
		return ec.Format
	}
	return DefaultFormatOptions()
}

// evTypeName is the type's name as PostgreSQL's format_type prints it in
// error messages ("integer", "character varying").
func evTypeName(t Type) string {
	if ti, ok := LookupType(t.OID); ok {
		return ti.SQLName
	}
	return fmt.Sprintf("type %d", t.OID)
}

// evIsUnknown reports whether e has no type yet: an untyped literal, an
// untyped NULL, or a parameter whose type has not been inferred.
func evIsUnknown(e Expr) bool { return e.Type().OID == OIDUnknown }

// evSameType is type identity ignoring the modifier, which is what operator
// and function resolution compare.
func evSameType(a, b Type) bool { return a.OID == b.OID }

// evCoerce converts e to type to with an implicit (or, when explicit, an
// explicit) cast. Untyped literals are parsed into the target type here, at
// plan time, as PostgreSQL does; untyped parameters take the target type.
func evCoerce(e Expr, to Type, explicit bool) (Expr, error) {
	from := e.Type()
	if from.OID == to.OID && (to.Typmod < 0 || from.Typmod == to.Typmod) {
		return e, nil
	}
	if from.OID == OIDUnknown {
		switch n := e.(type) {
		case *Const:
			if n.Value == nil {
				return &Const{Typ: to, Value: nil}, nil
			}
			s, ok := n.Value.(string)
			if !ok {
				return nil, Errorf(CodeInternalError, "unknown literal holds %T", n.Value)
			}
			if evSessionDependentParse(to) {
				// Parsing depends on the session TimeZone/DateStyle, which
				// is only known at run time.
				return &castExpr{arg: e, from: from, to: to, vol: volStable}, nil
			}
			if explicit && to.Typmod >= 0 {
				// CAST('def' AS varchar(2)): read as the base type, then
				// apply the modifier with explicit-cast rules (truncation).
				base := Type{OID: to.OID, Typmod: -1}
				d, err := ParseText(base, s, DefaultFormatOptions())
				if err != nil {
					return nil, err
				}
				if d, err = Cast(d, base, to, DefaultFormatOptions()); err != nil {
					return nil, err
				}
				return &Const{Typ: to, Value: d}, nil
			}
			d, err := ParseText(to, s, DefaultFormatOptions())
			if err != nil {
				return nil, err
			}
			return &Const{Typ: to, Value: d}, nil
		case *Param:
			n.Types.Set(n.Index, to)
			if to.Typmod >= 0 {
				// The parameter itself keeps the base type; the typmod is
				// applied by a cast.
				n.Types.Set(n.Index, Type{OID: to.OID, Typmod: -1})
				return &castExpr{arg: e, from: Type{OID: to.OID, Typmod: -1}, to: to, vol: volImmutable}, nil
			}
			return e, nil
		}
		return &castExpr{arg: e, from: from, to: to, vol: volStable}, nil
	}
	if !explicit && from.OID != to.OID && !CanCastImplicitly(from, to) {
		return nil, Errorf(CodeDatatypeMismatch, "cannot cast type %s to %s", evTypeName(from), evTypeName(to))
	}
	vol := volImmutable
	if evCastIsStable(from, to) {
		vol = volStable
	}
	return &castExpr{arg: e, from: from, to: to, vol: vol, explicit: explicit}, nil
}

// evSessionDependentParse reports whether text input of t depends on
// session settings (TimeZone for timestamptz, DateStyle for dates).
func evSessionDependentParse(t Type) bool {
	switch t.Family() {
	case FamilyTimestampTZ, FamilyDate, FamilyTimestamp, FamilyArray, FamilyRecord:
		return true
	}
	return false
}

// evCastIsStable reports whether a cast depends on session settings (text
// forms of dates and times, timestamptz conversions), so it must not be
// folded at plan time.
func evCastIsStable(from, to Type) bool {
	ff, tf := from.Family(), to.Family()
	dt := func(f Family) bool {
		return f == FamilyDate || f == FamilyTimestamp || f == FamilyTimestampTZ || f == FamilyInterval || f == FamilyTime || f == FamilyArray || f == FamilyRecord
	}
	if ff == FamilyTimestampTZ || tf == FamilyTimestampTZ {
		return true
	}
	if (ff == FamilyString || ff == FamilyUnknown) && dt(tf) {
		return true
	}
	if tf == FamilyString && dt(ff) {
		return true
	}
	if ff == FamilyFloat && tf == FamilyString {
		return true // extra_float_digits
	}
	return false
}

// castExpr converts its argument's value from one type to another.
type castExpr struct {
	arg      Expr
	from, to Type
	vol      volatility
	explicit bool
}

func (c *castExpr) Type() Type             { return c.to }
func (c *castExpr) volatility() volatility { return c.vol }
func (c *castExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapEach(f, &c.arg)
}

// Eval implements Expr.
func (c *castExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	v, err := c.arg.Eval(ec, row)
	if err != nil || v == nil {
		return nil, err
	}
	if c.from.OID == OIDUnknown {
		s, ok := v.(string)
		if !ok {
			// A parameter bound after inference already has its value.
			return v, nil
		}
		return ParseText(c.to, s, evFormat(ec))
	}
	return Cast(v, c.from, c.to, evFormat(ec))
}

func (c *castExpr) String() string {
	return fmt.Sprintf("(%v)::%s", c.arg, FormatType(c.to))
}

// callExpr is an operator or function call over evaluated arguments.
type callExpr struct {
	name string // for EXPLAIN: the operator or function name
	op   bool   // printed infix/prefix rather than as name(args)
	args []Expr
	typ  Type
	vol  volatility
	// strict functions return NULL without being called when any argument
	// is NULL (proisstrict).
	strict bool
	fn     evalFn
}

func (c *callExpr) Type() Type             { return c.typ }
func (c *callExpr) volatility() volatility { return c.vol }
func (c *callExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapList(f, c.args)
}

// Eval implements Expr. A datum of an unexpected Go type (a bug elsewhere)
// becomes an internal error rather than a crash of the server.
func (c *callExpr) Eval(ec *EvalContext, row []Datum) (res Datum, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, Errorf(CodeInternalError, "%s: %v", c.name, r)
		}
	}()
	var buf [4]Datum
	vals := buf[:0]
	if len(c.args) > len(buf) {
		vals = make([]Datum, 0, len(c.args))
	}
	for _, a := range c.args {
		v, err := a.Eval(ec, row)
		if err != nil {
			return nil, err
		}
		if v == nil && c.strict {
			return nil, nil
		}
		vals = append(vals, v)
	}
	return c.fn(ec, vals)
}

func (c *callExpr) String() string {
	if c.op {
		if len(c.args) == 1 {
			return fmt.Sprintf("(%s %v)", c.name, c.args[0])
		}
		if len(c.args) == 2 {
			return fmt.Sprintf("(%v %s %v)", c.args[0], c.name, c.args[1])
		}
	}
	parts := make([]string, len(c.args))
	for i, a := range c.args {
		parts[i] = fmt.Sprint(a)
	}
	return c.name + "(" + strings.Join(parts, ", ") + ")"
}

// sessionFuncExpr is a function served by the session (nextval,
// current_database, ...); it is never folded.
type sessionFuncExpr struct {
	name string
	args []Expr
	typ  Type
}

// NewSessionFunc builds a call to a session-dependent built-in that
// ec.Session evaluates at run time; result is its result type.
func NewSessionFunc(name string, args []Expr, result Type) Expr {
	return &sessionFuncExpr{name: name, args: args, typ: result}
}

func (s *sessionFuncExpr) Type() Type             { return s.typ }
func (s *sessionFuncExpr) volatility() volatility { return volVolatile }
func (s *sessionFuncExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapList(f, s.args)
}

// Eval implements Expr.
func (s *sessionFuncExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	vals := make([]Datum, len(s.args))
	for i, a := range s.args {
		v, err := a.Eval(ec, row)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	if ec == nil || ec.Session == nil {
		return nil, Errorf(CodeFeatureNotSupported, "function %s is not available here", s.name)
	}
	v, ok, err := ec.Session.CallSessionFunc(ec, s.name, vals)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, Errorf(CodeUndefinedFunction, "function %s does not exist", s.name)
	}
	return v, nil
}

func (s *sessionFuncExpr) String() string { return s.name + "(...)" }

// evText renders a value as PostgreSQL's text output would, for string
// concatenation and error messages.
func evText(ec *EvalContext, t Type, d Datum) string {
	if s, ok := d.(string); ok && (t.Family() == FamilyString || t.Family() == FamilyUnknown) {
		return s
	}
	return string(AppendText(nil, t, d, evFormat(ec)))
}

// evCheckCtx returns the cancellation error if the statement was canceled;
// long-running functions (repeat, aggregates) call it.
func evCheckCtx(ec *EvalContext) error {
	if ec == nil || ec.Ctx == nil {
		return nil
	}
	if err := ec.Ctx.Err(); err != nil {
		return Wrap(err)
	}
	return nil
}
