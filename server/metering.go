package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/quartzdb/quartzdb/billing"
	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/sql"
)

// metering.go measures every statement a connection runs: what it read,
// wrote and computed (from the session), the protocol bytes it took and
// gave, and its time. A tenant's statement is recorded with the meter
// before its result is flushed to the client, so an acknowledged
// statement's usage is never lost; every statement, the admin's too, moves
// the Prometheus counters.

// UsageMeter records statements' usage (billing.Meter).
type UsageMeter interface {
	// Record keeps u durably and returns its billing units.
	Record(u billing.Usage) int64
	// Admit is asked before each statement: an error refuses it, as
	// billing.Meter does while its ledger is not keeping up.
	Admit() error
}

// meterAdmit refuses a tenant's statement while its usage could not be
// kept. The refusal wraps billing.ErrBehind, and is itself not metered.
func (s *Server) meterAdmit() *sql.Error {
	meter := s.cfg.Meter
	if meter == nil {
		return nil
	}
	if err := meter.Admit(); err != nil {
		return sql.Errorf(sql.CodeInsufficientResources, "usage metering is behind: new statements are refused until it catches up").
			WithHint("Try again in a few seconds.").WithCause(err)
	}
	return nil
}

// stmtMeter is the running statement's measurements.
type stmtMeter struct {
	started  bool
	start    time.Time     // its first message's arrival
	busy     time.Duration // time spent handling its messages so far
	bytesIn  int64
	bytesOut int64
}

// beginMessage notes a message's arrival: a statement's message (Query,
// Parse, Bind, Execute) opens a statement if none is open, and its bytes
// count for the open statement.
func (c *conn) beginMessage(msg pgproto3.FrontendMessage, now time.Time) {
	c.handling = now
	m := &c.meter
	if !m.started {
		switch msg.(type) {
		case *pgproto3.Query, *pgproto3.Parse, *pgproto3.Bind, *pgproto3.Execute:
			*m = stmtMeter{started: true, start: now}
		default:
			return
		}
	}
	m.bytesIn += messageBytes(msg)
}

// endMessage adds the handling time of the message to the open statement.
func (c *conn) endMessage() {
	if c.meter.started {
		c.meter.busy += time.Since(c.handling)
	}
}

// nextStatement opens the meter of a simple query's next statement.
func (c *conn) nextStatement() {
	now := time.Now()
	c.handling = now
	c.meter = stmtMeter{started: true, start: now}
}

// messageBytes is the wire size of the messages that carry a statement's
// input (the others are a few bytes each).
func messageBytes(msg pgproto3.FrontendMessage) int64 {
	switch m := msg.(type) {
	case *pgproto3.Query:
		return int64(6 + len(m.String))
	case *pgproto3.Parse:
		return int64(12 + len(m.Name) + len(m.Query) + 4*len(m.ParameterOIDs))
	case *pgproto3.Bind:
		n := 15 + len(m.DestinationPortal) + len(m.PreparedStatement) + 2*len(m.ParameterFormatCodes) + 2*len(m.ResultFormatCodes)
		for _, p := range m.Parameters {
			n += 4 + len(p)
		}
		return int64(n)
	case *pgproto3.CopyData:
		return int64(5 + len(m.Data))
	}
	return 5
}

// finishStatement ends the running statement: tag is its CommandComplete
// tag on success; on failure err is its error and text names its kind.
// refused says it was turned away before running (rate limit, billing
// suspension). It meters a tenant's statement, reports its units when
// the session asked (quartz.report_usage), and counts it for /metrics. It
// runs before the statement's CommandComplete or error is sent, so
// before the result reaches the client.
func (c *conn) finishStatement(tag, text string, err error, refused bool) {
	m := c.meter
	c.meter = stmtMeter{}
	now := time.Now()
	if !m.started {
		m.start = now
	}
	busy := m.busy + now.Sub(c.handling)
	var use planner.StatementUsage
	if c.sess != nil {
		use = c.sess.TakeUsage()
	}
	kind := statementKind(tag, text)
	outcome, state := "ok", ""
	if err != nil {
		state = sql.Wrap(err).Code
		outcome = "error"
		if refused {
			outcome = "rate_limited"
		}
	}
	tenant := ""
	if !c.id.admin() {
		tenant = c.id.key.Tenant
	}
	if mt := c.srv.cfg.Metrics; mt != nil {
		word, _, _ := strings.Cut(kind, " ") // CREATE INDEX counts as CREATE
		mt.Statement(word, outcome, now.Sub(m.start), tenant)
		mt.Rows(use.RowsRead, use.RowsWritten)
		if refused {
			mt.RateLimited()
		}
	}
	meter := c.srv.cfg.Meter
	if meter == nil || tenant == "" || errors.Is(err, billing.ErrBehind) {
		return
	}
	units := meter.Record(billing.Usage{
		Tenant: tenant, KeyID: c.id.key.ID, Database: c.database, Kind: kind,
		RowsRead: use.RowsRead, RowsWritten: use.RowsWritten, Distances: use.Distances,
		BytesIn: m.bytesIn, BytesOut: m.bytesOut + int64(len(tag)) + 6,
		CPU: busy, Wall: now.Sub(m.start), At: now,
		SQLState: state, RateLimited: refused,
	})
	if c.sess != nil && c.sess.ReportUsage() {
		n := sql.Errorf("00000", "statement used %d billing units", units).
			WithDetail("rows read %d, rows written %d, distance computations %d, bytes in %d, bytes out %d",
				use.RowsRead, use.RowsWritten, use.Distances, m.bytesIn, m.bytesOut)
		n.Severity = "NOTICE"
		c.sendNotice(n)
	}
}

// statementKind names a statement for metering and metrics: its
// CommandComplete tag without the counts ("INSERT 0 5" is INSERT,
// "CREATE INDEX" stays), or, when it failed, the first word of its text.
func statementKind(tag, text string) string {
	if tag != "" {
		for {
			i := strings.LastIndexByte(tag, ' ')
			if i < 0 || !isDigits(tag[i+1:]) {
				return tag
			}
			tag = tag[:i]
		}
	}
	text = strings.TrimLeftFunc(text, func(r rune) bool { return unicode.IsSpace(r) || r == '(' })
	end := strings.IndexFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(text)
	}
	if end == 0 {
		return "OTHER"
	}
	return strings.ToUpper(text[:end])
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// LedgerUsage serves quartz.usage and GET /api/v1/usage from the billing
// ledger. It drains the journal first, so a session sees its own
// statements up to the one before.
type LedgerUsage struct{ Meter *billing.Meter }

var _ planner.UsageSource = LedgerUsage{}

// UsageWindows implements planner.UsageSource.
func (l LedgerUsage) UsageWindows(ctx context.Context, tenant string) ([]planner.UsageWindow, error) {
	if err := l.Meter.Flush(ctx); err != nil {
		return nil, fmt.Errorf("read usage: %w", err)
	}
	ws, err := l.Meter.Usage(ctx, tenant, time.Time{}, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("read usage: %w", err)
	}
	out := make([]planner.UsageWindow, len(ws))
	for i, w := range ws {
		out[i] = planner.UsageWindow{
			Tenant: w.Tenant, Minute: w.Start, Statements: w.Statements, Failed: w.Failed, Units: w.Units,
			RowsRead: w.RowsRead, RowsWritten: w.RowsWritten, Distances: w.Distances,
			BytesIn: w.BytesIn, BytesOut: w.BytesOut, Sent: w.Sent,
		}
	}
	return out, nil
}
