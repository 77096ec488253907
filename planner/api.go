package planner

import (
	"context"
	"time"

	"github.com/quartzdb/quartzdb/sql"
)

// This file is the contract between the wire server and the SQL engine.
// The server owns the protocol (messages, portals by name, formats); the
// Session owns everything SQL (transactions, plans, settings).

// ResultColumn describes one column of a statement's result, as a
// RowDescription field needs it.
type ResultColumn struct {
	Name string
	Type sql.Type
	// TableOID and AttNum name the source column when the result column is
	// a plain column reference; zero otherwise.
	TableOID uint32
	AttNum   int16
}

// Prepared is a planned statement with its parameter and result shape.
// It is immutable once returned; Bind may transparently re-plan it when the
// catalog changed since.
type Prepared struct {
	// SQL is the statement's text.
	SQL string
	// ParamTypes has one entry per $n; never unknown (an unresolved
	// parameter is text, as PostgreSQL's ParameterDescription shows).
	ParamTypes []sql.Type
	// Columns is nil when the statement returns no rows (NoData).
	Columns []ResultColumn
	// Empty is true for a statement with no content (EmptyQueryResponse).
	Empty bool

	stmt     sql.Statement
	query    string
	argOIDs  []uint32
	plan     *plan
	catalogV uint64
}

// Cursor runs one bound statement. Rows come out one at a time so a portal
// can stop after max rows (PortalSuspended) and resume.
type Cursor interface {
	// Columns is the result shape (nil when no rows are returned).
	Columns() []ResultColumn
	// Next returns the next row, or nil at the end. The slice is only
	// valid until the next call.
	Next(ctx context.Context) ([]sql.Datum, error)
	// Tag is the CommandComplete tag once Next returned nil ("SELECT 3",
	// "INSERT 0 1", "BEGIN", ...).
	Tag() string
	// Close releases the cursor; safe to call more than once.
	Close()
}

// SessionOptions are fixed when a connection starts.
type SessionOptions struct {
	// User and Database come from the startup message.
	User     string
	Database string
	// StartupParams are the other startup-message parameters
	// (application_name, client_encoding, DateStyle, options, ...).
	StartupParams map[string]string
	// Notice receives NOTICE/WARNING messages raised while a statement
	// runs; it is called on the goroutine running the statement.
	Notice func(*sql.Error)
	// Admin serves the quartz.* administration functions; set for the
	// admin's sessions only (nil: 42501 for those functions).
	Admin Admin
	// Tenant is set for sessions of a tenant's API key: they may not
	// create or drop databases (tenants get theirs with the tenant).
	Tenant string
	// MaxStatementTimeout, when positive, caps statement_timeout (the
	// key's tier ceiling): a session may set a lower one, never a higher
	// one or none.
	MaxStatementTimeout time.Duration
	// Usage serves quartz.usage (metered usage per minute): a tenant's
	// session sees its own, the admin's every tenant's. Nil: the view is
	// empty.
	Usage UsageSource
}

// UsageSource reads the usage ledger for quartz.usage.
type UsageSource interface {
	// UsageWindows returns tenant's per-minute usage ("" = every
	// tenant), oldest first per tenant.
	UsageWindows(ctx context.Context, tenant string) ([]UsageWindow, error)
}

// UsageWindow is one row of quartz.usage: a tenant's usage in one minute.
type UsageWindow struct {
	Tenant                           string
	Minute                           time.Time
	Statements, Failed, Units        int64
	RowsRead, RowsWritten, Distances int64
	BytesIn, BytesOut                int64
	Sent                             bool
}

// ReportUsage reports whether the session asked for a NOTICE of each
// statement's billing units (SET quartz.report_usage = on).
func (s *Session) ReportUsage() bool {
	v, _ := s.settings.get("quartz.report_usage")
	return v == "on"
}
