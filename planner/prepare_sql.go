package planner

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
)

// prepare_sql.go serves SQL-level PREPARE, EXECUTE and DEALLOCATE. These
// statements share PostgreSQL's namespace with the protocol's named
// statements there, but clients do not mix the two, so they are kept
// apart here. A prepared statement is checked when PREPARE runs and
// planned again at each EXECUTE (in that transaction, so it sees the
// current catalog); it survives ROLLBACK, as in PostgreSQL.

// sqlPrepared is one PREPARE'd statement.
type sqlPrepared struct {
	stmt  *pg_query.Node
	query string // the PREPARE text, which the statement's locations index
	types []sql.Type
}

// sqlPrepared returns the session's prepared statements, creating the map
// when create is set (nil otherwise when there is none).
func (s *Session) sqlPrepared(create bool) map[string]*sqlPrepared {
	if s.prepared == nil && create {
		s.prepared = map[string]*sqlPrepared{}
	}
	return s.prepared
}

// DeallocateAll drops every statement prepared with SQL PREPARE, as
// DEALLOCATE ALL (and DISCARD ALL) do.
func (s *Session) DeallocateAll() {
	s.prepared = nil
}

func (b *builder) planPrepareSQL(ps *pg_query.PrepareStmt) (*plan, error) {
	params := &sql.ParamTypes{}
	for i, n := range ps.Argtypes {
		tn := n.GetTypeName()
		if tn == nil {
			return nil, sql.Errorf(sql.CodeSyntaxError, "invalid parameter type in PREPARE")
		}
		t, err := sql.TypeFromAST(tn)
		if err != nil {
			return nil, b.errAt(err, tn.Location)
		}
		params.Set(i, t)
	}
	switch ps.Query.Node.(type) {
	case *pg_query.Node_SelectStmt, *pg_query.Node_InsertStmt, *pg_query.Node_UpdateStmt, *pg_query.Node_DeleteStmt:
	default:
		return nil, sql.Errorf(sql.CodeSyntaxError, "syntax error at or near \"%s\"", nodeName(ps.Query))
	}
	ib := &builder{ctx: b.ctx, s: b.s, txn: b.txn, query: b.query, params: params}
	if _, err := ib.planStatement(ps.Query); err != nil {
		return nil, err
	}
	types := make([]sql.Type, len(params.Types))
	for i, t := range params.Types {
		if t.OID == sql.OIDUnknown {
			return nil, sql.Errorf(sql.CodeIndeterminateDatatype, "could not determine data type of parameter $%d", i+1)
		}
		types[i] = t
	}
	sp := &sqlPrepared{stmt: ps.Query, query: b.query, types: types}
	name := ps.Name
	return b.utility("PREPARE", func(x *execCtx) error {
		m := x.s.sqlPrepared(true)
		if _, dup := m[name]; dup {
			return sql.Errorf(codeDuplicatePreparedStatement, "prepared statement \"%s\" already exists", name)
		}
		m[name] = sp
		return nil
	}), nil
}

// codeDuplicatePreparedStatement is SQLSTATE 42P05.
const codeDuplicatePreparedStatement = "42P05"

func (b *builder) planExecuteSQL(es *pg_query.ExecuteStmt) (*plan, error) {
	sp := b.s.sqlPrepared(false)[es.Name]
	if sp == nil {
		return nil, sql.Errorf(sql.CodeInvalidSQLStatementName, "prepared statement \"%s\" does not exist", es.Name)
	}
	if len(es.Params) != len(sp.types) {
		return nil, sql.Errorf(sql.CodeSyntaxError, "wrong number of parameters for prepared statement \"%s\"", es.Name).
			WithDetail("Expected %d parameters but got %d.", len(sp.types), len(es.Params))
	}
	args := make([]sql.Expr, len(es.Params))
	for i, n := range es.Params {
		e, err := b.expr(n, &scope{})
		if err != nil {
			return nil, err
		}
		c, err := assignCast(e, sp.types[i])
		if err != nil {
			if se := sql.Wrap(err); se.Code == sql.CodeDatatypeMismatch || se.Code == "42846" {
				return nil, sql.Errorf(sql.CodeDatatypeMismatch, "parameter $%d of type %s cannot be coerced to the expected type %s",
					i+1, sql.FormatType(e.Type()), sql.FormatType(sp.types[i])).
					WithHint("You will need to rewrite or cast the expression.").WithPosition(b.pos(exprLocation(n)))
			}
			return nil, b.errAt(err, exprLocation(n))
		}
		if args[i], err = sql.FoldConstants(c); err != nil {
			return nil, b.errAt(err, exprLocation(n))
		}
	}
	params := &sql.ParamTypes{Types: append([]sql.Type(nil), sp.types...)}
	ib := &builder{ctx: b.ctx, s: b.s, txn: b.txn, query: sp.query, params: params}
	inner, err := ib.planStatement(sp.stmt)
	if err != nil {
		return nil, err
	}
	return &plan{columns: inner.columns, usesCatalog: true, run: func(x *execCtx) (Cursor, error) {
		vals, err := evalRow(x, args, nil)
		if err != nil {
			return nil, err
		}
		ix := *x
		ec := *x.ec
		ec.Params = vals
		ec.Session = &execSessionFuncs{x: &ix}
		ix.ec = &ec
		return inner.run(&ix)
	}}, nil
}

func (b *builder) planDeallocateSQL(ds *pg_query.DeallocateStmt) (*plan, error) {
	if ds.Isall || ds.Name == "" {
		return b.utility("DEALLOCATE ALL", func(x *execCtx) error {
			x.s.DeallocateAll()
			return nil
		}), nil
	}
	name := ds.Name
	return b.utility("DEALLOCATE", func(x *execCtx) error {
		m := x.s.sqlPrepared(false)
		if _, ok := m[name]; !ok {
			return sql.Errorf(sql.CodeInvalidSQLStatementName, "prepared statement \"%s\" does not exist", name)
		}
		delete(m, name)
		return nil
	}), nil
}
