package planner

import (
	"context"
	"fmt"
	"strconv"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
	"google.golang.org/protobuf/proto"
)

// plan is a statement ready to run: its shape, and how to run it.
type plan struct {
	columns []ResultColumn
	params  *sql.ParamTypes
	// txnControl marks BEGIN/COMMIT/ROLLBACK and friends, which run even
	// in an aborted transaction (COMMIT/ROLLBACK) and manage it
	// themselves.
	txnControl bool
	// allowedInAborted marks statements that run in a failed transaction.
	allowedInAborted bool
	// usesCatalog marks plans that resolved catalog names and must be
	// re-planned when the catalog changes.
	usesCatalog bool
	// noSnapshot marks SET and SHOW, which do not count as the first
	// query of a transaction (SET TRANSACTION may still follow them).
	noSnapshot bool
	run        func(x *execCtx) (Cursor, error)
}

// Prepare plans one statement of query. paramOIDs are the types the
// client declared for $1..$n (0 = infer).
func (s *Session) Prepare(ctx context.Context, stmt sql.Statement, query string, paramOIDs []uint32) (*Prepared, error) {
	p := &Prepared{SQL: stmt.SQL, stmt: stmt, query: query, argOIDs: paramOIDs}
	if stmt.AST == nil {
		p.Empty = true
		return p, nil
	}
	if s.aborted && !isTxnExit(stmt.AST) {
		return nil, errAborted()
	}
	if err := s.planPrepared(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

func errAborted() error {
	return sql.Errorf(sql.CodeInFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block")
}

// isTxnExit reports COMMIT, ROLLBACK (and their spellings), which are
// accepted in a failed transaction.
func isTxnExit(n *pg_query.Node) bool {
	ts := n.GetTransactionStmt()
	if ts == nil {
		return false
	}
	switch ts.Kind {
	case pg_query.TransactionStmtKind_TRANS_STMT_COMMIT, pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK,
		pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK_TO, pg_query.TransactionStmtKind_TRANS_STMT_PREPARE,
		pg_query.TransactionStmtKind_TRANS_STMT_COMMIT_PREPARED, pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK_PREPARED:
		return true
	}
	return false
}

// planPrepared (re)plans p inside the current transaction, or a short
// read-only one when none is open.
func (s *Session) planPrepared(ctx context.Context, p *Prepared) error {
	txn := s.txn
	if txn == nil {
		txn = s.eng.store.Begin(storage.ReadCommitted)
		defer txn.Rollback()
	}
	if err := txn.StartStatement(); err != nil {
		return err
	}
	version := s.eng.store.CatalogVersion()
	params := &sql.ParamTypes{}
	for i, oid := range p.argOIDs {
		if oid != 0 {
			if _, ok := sql.LookupType(oid); !ok {
				return sql.Errorf(sql.CodeUndefinedObject, "type with OID %d does not exist", oid)
			}
			params.Set(i, sql.Type{OID: oid, Typmod: -1})
		}
	}
	b := &builder{ctx: ctx, s: s, txn: txn, query: p.query, params: params}
	pl, err := b.planStatement(p.stmt.AST)
	if err != nil {
		return err
	}
	pl.params = params
	p.plan = pl
	p.catalogV = version
	p.Columns = pl.columns
	p.ParamTypes = make([]sql.Type, len(params.Types))
	for i, t := range params.Types {
		if t.OID == sql.OIDUnknown {
			// PostgreSQL reports an unresolved parameter as text.
			t = sql.TypeText
			params.Types[i] = t
		}
		p.ParamTypes[i] = t
	}
	return nil
}

// Bind readies p to run with the given parameter values.
func (s *Session) Bind(ctx context.Context, p *Prepared, params []sql.Datum) (Cursor, error) {
	if p.Empty {
		return &listCursor{tag: ""}, nil
	}
	s.query = p.SQL
	if s.aborted && !p.plan.txnControl {
		return nil, errAborted()
	}
	if len(params) != len(p.ParamTypes) {
		return nil, sql.Errorf(sql.CodeProtocolViolation, "bind message supplies %d parameters, but prepared statement requires %d", len(params), len(p.ParamTypes))
	}
	if p.plan.usesCatalog && (p.catalogV != s.eng.store.CatalogVersion() || (s.txn != nil && s.txn.HasDDL())) {
		old := p.Columns
		// Re-plan with the parameter types the client already bound with.
		saved := p.argOIDs
		p.argOIDs = make([]uint32, len(p.ParamTypes))
		for i, t := range p.ParamTypes {
			p.argOIDs[i] = t.OID
		}
		err := s.planPrepared(ctx, p)
		p.argOIDs = saved
		if err != nil {
			return nil, err
		}
		if !sameColumns(old, p.Columns) {
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "cached plan must not change result type")
		}
	}
	if !p.plan.txnControl {
		s.ensureTxn()
		if err := s.txn.StartStatement(); err != nil {
			return nil, err
		}
		if !p.plan.noSnapshot {
			s.snapshotTaken = true
		}
	}
	now := time.Now()
	x := &execCtx{ctx: ctx, s: s, txn: s.txn}
	if v, _ := s.settings.get("statement_timeout"); v != "0" {
		if d, err := parseDurationSetting(v); err == nil && d > 0 {
			x.deadline = now.Add(d)
		}
	}
	if ceiling := s.opts.MaxStatementTimeout; ceiling > 0 && (x.deadline.IsZero() || x.deadline.After(now.Add(ceiling))) {
		x.deadline = now.Add(ceiling)
	}
	x.ec = &sql.EvalContext{Ctx: ctx, Params: params, Format: s.format, TxnTime: s.txnTime, StmtTime: now, Session: &execSessionFuncs{x: x},
		Distances: &s.usage.Distances}
	if s.txn == nil {
		x.ec.TxnTime = now
	}
	var cur Cursor
	err := withDeadline(x, ctx, func() error {
		var err error
		cur, err = p.plan.run(x)
		return err
	})
	if err != nil {
		return nil, err
	}
	return cur, nil
}

// withDeadline runs fn with x's context bounded by statement_timeout.
func withDeadline(x *execCtx, ctx context.Context, fn func() error) error {
	if !x.deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, x.deadline)
		defer cancel()
	}
	x.ctx, x.ec.Ctx = ctx, ctx
	if err := fn(); err != nil {
		// A context error becomes 57014 with the reason PostgreSQL gives.
		return sql.Wrap(err)
	}
	return nil
}

func sameColumns(a, b []ResultColumn) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Type != b[i].Type || a[i].Name != b[i].Name {
			return false
		}
	}
	return true
}

// planStatement dispatches on the statement kind.
func (b *builder) planStatement(n *pg_query.Node) (*plan, error) {
	switch v := n.Node.(type) {
	case *pg_query.Node_SelectStmt:
		return b.planSelectStatement(v.SelectStmt)
	case *pg_query.Node_InsertStmt:
		if w := v.InsertStmt.WithClause; w != nil {
			restore, err := b.pushWith(w)
			defer restore()
			if err != nil {
				return nil, err
			}
			stmt := proto.Clone(v.InsertStmt).(*pg_query.InsertStmt)
			stmt.WithClause = nil
			return b.planInsert(stmt)
		}
		return b.planInsert(v.InsertStmt)
	case *pg_query.Node_UpdateStmt:
		if w := v.UpdateStmt.WithClause; w != nil {
			restore, err := b.pushWith(w)
			defer restore()
			if err != nil {
				return nil, err
			}
			stmt := proto.Clone(v.UpdateStmt).(*pg_query.UpdateStmt)
			stmt.WithClause = nil
			return b.planUpdate(stmt)
		}
		return b.planUpdate(v.UpdateStmt)
	case *pg_query.Node_DeleteStmt:
		if w := v.DeleteStmt.WithClause; w != nil {
			restore, err := b.pushWith(w)
			defer restore()
			if err != nil {
				return nil, err
			}
			stmt := proto.Clone(v.DeleteStmt).(*pg_query.DeleteStmt)
			stmt.WithClause = nil
			return b.planDelete(stmt)
		}
		return b.planDelete(v.DeleteStmt)
	case *pg_query.Node_PrepareStmt:
		return b.planPrepareSQL(v.PrepareStmt)
	case *pg_query.Node_ExecuteStmt:
		return b.planExecuteSQL(v.ExecuteStmt)
	case *pg_query.Node_DeallocateStmt:
		return b.planDeallocateSQL(v.DeallocateStmt)
	case *pg_query.Node_CreateExtensionStmt:
		return b.planCreateExtension(v.CreateExtensionStmt)
	case *pg_query.Node_CopyStmt:
		return b.planCopy(v.CopyStmt)
	case *pg_query.Node_TransactionStmt:
		return b.planTransaction(v.TransactionStmt)
	case *pg_query.Node_DeclareCursorStmt:
		return b.planDeclareCursor(v.DeclareCursorStmt)
	case *pg_query.Node_FetchStmt:
		return b.planFetch(v.FetchStmt)
	case *pg_query.Node_ClosePortalStmt:
		return b.planClosePortal(v.ClosePortalStmt)
	case *pg_query.Node_VariableSetStmt:
		return b.planSet(v.VariableSetStmt)
	case *pg_query.Node_VariableShowStmt:
		return b.planShow(v.VariableShowStmt)
	case *pg_query.Node_CreateStmt:
		return b.planCreateTable(v.CreateStmt)
	case *pg_query.Node_DropStmt:
		if v.DropStmt.RemoveType == pg_query.ObjectType_OBJECT_INDEX {
			return b.planDropIndex(v.DropStmt)
		}
		return b.planDrop(v.DropStmt)
	case *pg_query.Node_IndexStmt:
		return b.planCreateIndex(v.IndexStmt)
	case *pg_query.Node_ReindexStmt:
		return b.planReindex(v.ReindexStmt)
	case *pg_query.Node_TruncateStmt:
		return b.planTruncate(v.TruncateStmt)
	case *pg_query.Node_AlterTableStmt:
		return b.planAlterTable(v.AlterTableStmt)
	case *pg_query.Node_RenameStmt:
		return b.planRename(v.RenameStmt)
	case *pg_query.Node_CreatedbStmt:
		return b.planCreateDatabase(v.CreatedbStmt)
	case *pg_query.Node_DropdbStmt:
		return b.planDropDatabase(v.DropdbStmt)
	case *pg_query.Node_CreateSchemaStmt:
		return b.planCreateSchema(v.CreateSchemaStmt)
	case *pg_query.Node_DiscardStmt:
		return b.planDiscard(v.DiscardStmt)
	case *pg_query.Node_ListenStmt, *pg_query.Node_UnlistenStmt, *pg_query.Node_NotifyStmt:
		return b.planListen(n)
	case *pg_query.Node_ExplainStmt:
		return b.planExplain(v.ExplainStmt)
	}
	return nil, sql.Errorf(sql.CodeFeatureNotSupported, "statement %s is not supported yet", nodeName(n))
}

// utility is a plan with no result rows that runs fn and reports tag.
func (b *builder) utility(tag string, fn func(x *execCtx) error) *plan {
	return &plan{run: func(x *execCtx) (Cursor, error) {
		if fn != nil {
			if err := fn(x); err != nil {
				return nil, err
			}
		}
		return &listCursor{tag: tag}, nil
	}}
}

func (b *builder) planSelectStatement(sel *pg_query.SelectStmt) (*plan, error) {
	if sel.IntoClause != nil {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "SELECT INTO is not supported yet")
	}
	n, err := b.planQuery(sel)
	if err != nil {
		return nil, err
	}
	cols := resultColumns(n.columns())
	return &plan{columns: cols, usesCatalog: true, run: func(x *execCtx) (Cursor, error) {
		it, err := n.open(x)
		if err != nil {
			return nil, err
		}
		return &iterCursor{cols: cols, it: it, x: x, verb: "SELECT"}, nil
	}}, nil
}

func resultColumns(cols []colInfo) []ResultColumn {
	var out []ResultColumn
	for _, c := range cols {
		if c.hidden {
			continue
		}
		out = append(out, ResultColumn{Name: c.name, Type: c.typ, TableOID: c.tableOID, AttNum: c.attNum})
	}
	if out == nil {
		out = []ResultColumn{}
	}
	return out
}

// ---- cursors ----

// iterCursor streams rows from an operator tree.
type iterCursor struct {
	cols   []ResultColumn
	it     rowIter
	x      *execCtx
	verb   string
	count  int64
	done   bool
	closed bool
}

func (c *iterCursor) Columns() []ResultColumn { return c.cols }
func (c *iterCursor) Next(ctx context.Context) ([]sql.Datum, error) {
	if c.done {
		return nil, nil
	}
	var row []sql.Datum
	err := withDeadline(c.x, ctx, func() error {
		var err error
		row, err = c.it.next(c.x)
		return err
	})
	if err != nil {
		c.Close()
		return nil, err
	}
	if row == nil {
		c.done = true
		c.Close()
		return nil, nil
	}
	c.count++
	if len(row) > len(c.cols) {
		row = row[:len(c.cols)]
	}
	return row, nil
}
func (c *iterCursor) Tag() string { return c.verb + " " + strconv.FormatInt(c.count, 10) }
func (c *iterCursor) Close() {
	if !c.closed {
		c.closed = true
		c.it.close()
	}
}

// listCursor returns precomputed rows (RETURNING, SHOW) and a fixed tag.
type listCursor struct {
	cols []ResultColumn
	rows [][]sql.Datum
	i    int
	tag  string
}

func (c *listCursor) Columns() []ResultColumn { return c.cols }
func (c *listCursor) Next(context.Context) ([]sql.Datum, error) {
	if c.i >= len(c.rows) {
		return nil, nil
	}
	c.i++
	return c.rows[c.i-1], nil
}
func (c *listCursor) Tag() string { return c.tag }
func (c *listCursor) Close()      {}

// ---- session-dependent functions ----

// execSessionFuncs answers the functions that need the session, and
// carries the execution context for subqueries.
type execSessionFuncs struct{ x *execCtx }

func (f *execSessionFuncs) CallSessionFunc(ec *sql.EvalContext, name string, args []sql.Datum) (sql.Datum, bool, error) {
	s := f.x.s
	for _, a := range args {
		if a == nil && name != "set_config" && name != "current_setting" {
			return nil, true, nil
		}
	}
	switch name {
	case "current_database":
		return s.db.Name, true, nil
	case "current_schema":
		for _, sp := range s.searchPath() {
			if sd, _ := f.x.txn.LookupSchema(f.x.ctx, s.db.ID, sp); sd != nil {
				return sp, true, nil
			}
		}
		return nil, true, nil
	case "current_user", "session_user":
		return s.opts.User, true, nil
	case "version":
		return VersionString, true, nil
	case "pg_backend_pid":
		return int64(s.pid), true, nil
	case "txid_current":
		return int64(s.txnGen + 1), true, nil
	case "current_setting":
		if args[0] == nil {
			return nil, true, nil
		}
		v, ok := s.showValue(args[0].(string))
		if !ok {
			if len(args) > 1 && args[1] == true {
				return nil, true, nil
			}
			return nil, true, sql.Errorf(sql.CodeUndefinedObject, "unrecognized configuration parameter \"%s\"", args[0])
		}
		return v, true, nil
	case "set_config":
		if args[0] == nil {
			return nil, true, sql.Errorf(sql.CodeNullValueNotAllowed, "SET requires parameter name")
		}
		val := ""
		if args[1] != nil {
			val = args[1].(string)
		}
		if err := s.setConfig(args[0].(string), val, len(args) > 2 && args[2] == true); err != nil {
			return nil, true, err
		}
		v, _ := s.showValue(args[0].(string))
		return v, true, nil
	case "nextval", "currval", "setval", "lastval":
		return s.sequenceFunc(f.x, name, args)
	}
	if _, ok := quartzFuncs[name]; ok {
		v, err := s.callQuartzFunc(f.x, name, args)
		return v, true, err
	}
	return callCatalogFunc(f.x, name, args)
}

// sequenceFunc serves nextval/currval/setval on the sequences behind
// serial and identity columns, named <table>_<column>_seq.
func (s *Session) sequenceFunc(x *execCtx, name string, args []sql.Datum) (sql.Datum, bool, error) {
	if name == "lastval" {
		return nil, true, sql.Errorf(sql.CodeObjectNotInPrerequisiteState, "lastval is not yet defined in this session")
	}
	seqName := args[0].(string)
	key, err := s.sequenceKeyByName(x, seqName)
	if err != nil {
		return nil, true, err
	}
	switch name {
	case "nextval":
		v, err := s.eng.store.NextVal(x.ctx, key)
		if err != nil {
			return nil, true, fmt.Errorf("nextval(%s): %w", seqName, err)
		}
		return v, true, nil
	case "setval":
		v := args[1].(int64)
		if err := s.eng.store.SetVal(x.ctx, key, v, true); err != nil {
			return nil, true, fmt.Errorf("setval(%s): %w", seqName, err)
		}
		return v, true, nil
	}
	return nil, true, sql.Errorf(sql.CodeFeatureNotSupported, "currval is not supported yet")
}
