package planner

import (
	"context"
	"fmt"
	"strings"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// admin.go serves the quartz.* administration functions and views. The
// planner does not know how keys are kept (the auth package does, and the
// planner may not import it): the server hands the admin's sessions an
// Admin over the auth store, and tenants' sessions none, so for them every
// quartz.* administration call is 42501.

// Admin is what the quartz.* administration functions call.
type Admin interface {
	// CreateTenant records a tenant in txn; the planner creates its
	// database in the same transaction.
	CreateTenant(ctx context.Context, txn *storage.Txn, name string) error
	// DropTenant deletes a tenant and its keys (its database is dropped
	// by the planner first).
	DropTenant(ctx context.Context, name string) error
	// CreateAPIKey makes a key of tier for tenant and returns its text,
	// the only time it exists.
	CreateAPIKey(ctx context.Context, tenant, tier string) (string, error)
	// RevokeAPIKey revokes a key by id.
	RevokeAPIKey(ctx context.Context, keyID string) error
	// APIKeys lists every key, without secrets.
	APIKeys(ctx context.Context) ([]APIKeyInfo, error)
}

// APIKeyInfo is one row of quartz.api_keys.
type APIKeyInfo struct {
	ID, Tenant, Tier string
	Created          time.Time
	RevokedAt        *time.Time
}

// quartzFuncs are the quartz.* functions with their result types.
var quartzFuncs = map[string]sql.Type{
	"quartz.create_tenant":  sql.TypeText,
	"quartz.drop_tenant":    sql.TypeText,
	"quartz.create_api_key": sql.TypeText,
	"quartz.revoke_api_key": sql.TypeText,
}

// quartzFuncArgs is each function's argument count.
var quartzFuncArgs = map[string]int{
	"quartz.create_tenant": 1, "quartz.drop_tenant": 1, "quartz.create_api_key": 2, "quartz.revoke_api_key": 1,
}

// callQuartzFunc runs a quartz.* function for the admin.
func (s *Session) callQuartzFunc(x *execCtx, name string, args []sql.Datum) (sql.Datum, error) {
	if s.opts.Admin == nil {
		return nil, sql.Errorf(sql.CodeInsufficientPrivilege, "permission denied for function %s", strings.TrimPrefix(name, "quartz."))
	}
	text := func(i int) string { return args[i].(string) }
	// These commit in the auth store on their own, so a ROLLBACK could
	// not undo them: like CREATE DATABASE, they refuse a transaction block.
	if name != "quartz.create_tenant" && s.explicit {
		return nil, sql.Errorf(sql.CodeActiveSQLTransaction, "%s cannot run inside a transaction block", name)
	}
	switch name {
	case "quartz.create_tenant":
		if _, err := x.txn.CreateDatabase(x.ctx, text(0)); err != nil {
			return nil, err
		}
		if err := s.opts.Admin.CreateTenant(x.ctx, x.txn, text(0)); err != nil {
			return nil, err
		}
		return text(0), nil
	case "quartz.drop_tenant":
		if text(0) == s.db.Name {
			return nil, sql.Errorf(sql.CodeObjectInUse, "cannot drop the currently open database")
		}
		if db, err := x.txn.LookupDatabase(x.ctx, text(0)); err != nil {
			return nil, err
		} else if db != nil {
			if err := x.txn.DropDatabase(x.ctx, text(0)); err != nil {
				return nil, err
			}
		}
		if err := s.opts.Admin.DropTenant(x.ctx, text(0)); err != nil {
			return nil, err
		}
		return text(0), nil
	case "quartz.create_api_key":
		return s.opts.Admin.CreateAPIKey(x.ctx, text(0), text(1))
	case "quartz.revoke_api_key":
		if err := s.opts.Admin.RevokeAPIKey(x.ctx, text(0)); err != nil {
			return nil, err
		}
		return text(0), nil
	}
	return nil, fmt.Errorf("quartz function %s has no implementation", name)
}

// quartzFuncCall builds a call of a quartz.* function; its arguments are
// text.
func (b *builder) quartzFuncCall(name string, fc *pg_query.FuncCall, sc *scope) (sql.Expr, error) {
	t, ok := quartzFuncs[name]
	if !ok || len(fc.Args) != quartzFuncArgs[name] {
		return nil, sql.Errorf(sql.CodeUndefinedFunction, "function %s does not exist", name).WithPosition(b.pos(fc.Location))
	}
	args, err := b.exprs(fc.Args, sc)
	if err != nil {
		return nil, err
	}
	for i, a := range args {
		if args[i], err = castTo(a, sql.TypeText); err != nil {
			return nil, b.errAt(err, fc.Location)
		}
	}
	return sql.NewSessionFunc(name, args, t), nil
}

// quartzViews are the quartz.* relations.
var quartzViews = map[string]*virtualTable{}

func init() {
	quartzViews["usage"] = usageView()
	cols := []colInfo{
		col("key_id", typeText), col("tenant", typeText), col("tier", typeText),
		col("created", sql.Type{OID: sql.OIDTimestampTZ, Typmod: -1}), col("revoked", typeBool),
		col("revoked_at", sql.Type{OID: sql.OIDTimestampTZ, Typmod: -1}),
	}
	for i := range cols {
		cols[i].table = "api_keys"
	}
	quartzViews["api_keys"] = &virtualTable{cols: cols, rows: func(x *execCtx) ([][]sql.Datum, error) {
		if x.s.opts.Admin == nil {
			return nil, sql.Errorf(sql.CodeInsufficientPrivilege, "permission denied for view api_keys")
		}
		keys, err := x.s.opts.Admin.APIKeys(x.ctx)
		if err != nil {
			return nil, err
		}
		rows := make([][]sql.Datum, len(keys))
		for i, k := range keys {
			var revokedAt sql.Datum
			if k.RevokedAt != nil {
				revokedAt = sql.TimestampTZFromTime(*k.RevokedAt)
			}
			rows[i] = []sql.Datum{k.ID, k.Tenant, k.Tier, sql.TimestampTZFromTime(k.Created), k.RevokedAt != nil, revokedAt}
		}
		return rows, nil
	}}
}

// usageView is quartz.usage: metered usage per tenant and minute, a
// tenant's own for its sessions, every tenant's for the admin.
func usageView() *virtualTable {
	count := func(name string) colInfo { return col(name, sql.TypeInt8) }
	cols := []colInfo{
		col("tenant", typeText), col("minute", sql.Type{OID: sql.OIDTimestampTZ, Typmod: -1}),
		count("statements"), count("failed"), count("units"), count("rows_read"), count("rows_written"),
		count("distance_computations"), count("bytes_in"), count("bytes_out"), col("sent", typeBool),
	}
	for i := range cols {
		cols[i].table = "usage"
	}
	return &virtualTable{cols: cols, rows: func(x *execCtx) ([][]sql.Datum, error) {
		src := x.s.opts.Usage
		if src == nil {
			return nil, nil
		}
		tenant := x.s.opts.Tenant
		if tenant == "" && x.s.opts.Admin == nil {
			return nil, nil // neither a tenant nor the admin: no usage of its own
		}
		ws, err := src.UsageWindows(x.ctx, tenant)
		if err != nil {
			return nil, err
		}
		rows := make([][]sql.Datum, len(ws))
		for i, w := range ws {
			rows[i] = []sql.Datum{w.Tenant, sql.TimestampTZFromTime(w.Minute), w.Statements, w.Failed, w.Units,
				w.RowsRead, w.RowsWritten, w.Distances, w.BytesIn, w.BytesOut, w.Sent}
		}
		return rows, nil
	}}
}

// ReadsOnlyUsage reports whether stmt is a plain SELECT from quartz.usage
// and nothing else: what a tenant suspended for billing may still run.
func ReadsOnlyUsage(stmt sql.Statement) bool {
	sel := stmt.AST.GetSelectStmt()
	if sel == nil || sel.WithClause != nil || len(sel.FromClause) != 1 || sel.Op != pg_query.SetOperation_SETOP_NONE {
		return false
	}
	rv := sel.FromClause[0].GetRangeVar()
	if rv == nil || rv.Schemaname != "quartz" || rv.Relname != "usage" {
		return false
	}
	// One SELECT in the text: no subquery reaches another relation.
	return strings.Count(strings.ToLower(stmt.SQL), "select") == 1
}
