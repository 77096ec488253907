package server

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/sql"
)

// fakeSession is a scripted engine for protocol tests: it recognises a few
// statement texts, so the tests exercise the wire layer alone.
//
//	SELECT * FROM rows_N        N rows of one int8 column "n" (1..N)
//	SELECT $1::int8, ...        echoes its parameters (int8 each)
//	SELECT sleep()              blocks until its context ends
//	SELECT boom()               panics
//	SELECT fail()               22012 division by zero
//	BEGIN / COMMIT / ROLLBACK   explicit transactions
//	SET application_name = x    reports a changed parameter
type fakeSession struct {
	txn     byte // 'I', 'T', 'E'
	gen     uint64
	changed [][2]string
	notice  func(*sql.Error)
}

func newFakeServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	if cfg.AdminPassword == "" {
		cfg.AdminPassword = "secret"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 2 * time.Second
	}
	srv, err := newServer(cfg)
	if err != nil {
		t.Fatalf("newServer: %v", err)
	}
	srv.newSession = func(_ context.Context, opts planner.SessionOptions) (engineSession, error) {
		if opts.Database != "quartz" {
			return nil, sql.Errorf(sql.CodeInvalidCatalogName, "database %q does not exist", opts.Database)
		}
		return &fakeSession{txn: 'I', notice: opts.Notice}, nil
	}
	return srv, serveForTest(t, srv)
}

func (f *fakeSession) Prepare(_ context.Context, stmt sql.Statement, _ string, oids []uint32) (*planner.Prepared, error) {
	q := strings.ToLower(stmt.SQL)
	p := &planner.Prepared{SQL: stmt.SQL}
	if f.txn == 'E' && q != "rollback" {
		return nil, sql.Errorf(sql.CodeInFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block")
	}
	switch {
	case strings.HasPrefix(q, "select * from rows_"):
		p.Columns = []planner.ResultColumn{{Name: "n", Type: sql.TypeInt8}}
	case strings.Contains(q, "$"):
		n := strings.Count(q, "$")
		for i := 0; i < n; i++ {
			t := sql.TypeInt8
			if i < len(oids) && oids[i] != 0 {
				t = sql.Type{OID: oids[i], Typmod: -1}
			}
			p.ParamTypes = append(p.ParamTypes, t)
			p.Columns = append(p.Columns, planner.ResultColumn{Name: "int8", Type: t})
		}
	case q == "select sleep()", q == "select boom()", q == "select fail()":
		p.Columns = []planner.ResultColumn{{Name: "x", Type: sql.TypeInt8}}
	case q == "begin", q == "commit", q == "rollback", strings.HasPrefix(q, "set "):
	default:
		return nil, sql.Errorf(sql.CodeUndefinedTable, "relation %q does not exist", q)
	}
	return p, nil
}

func (f *fakeSession) Bind(_ context.Context, p *planner.Prepared, params []sql.Datum) (planner.Cursor, error) {
	return &fakeCursor{f: f, q: strings.ToLower(p.SQL), cols: p.Columns, params: params}, nil
}

func (f *fakeSession) EndImplicit(context.Context) error {
	if f.txn == 'I' {
		f.gen++
	}
	return nil
}

func (f *fakeSession) Fail(error) {
	if f.txn == 'T' {
		f.txn = 'E'
	} else if f.txn == 'I' {
		f.gen++
	}
}

func (f *fakeSession) TxStatus() byte                    { return f.txn }
func (f *fakeSession) TxnGeneration() uint64             { return f.gen }
func (f *fakeSession) FormatOptions() *sql.FormatOptions { return sql.DefaultFormatOptions() }
func (f *fakeSession) ParameterStatus() [][2]string {
	return [][2]string{{"server_version", "15.0"}, {"client_encoding", "UTF8"}}
}
func (f *fakeSession) Close()                        {}
func (f *fakeSession) NotifySignal() <-chan struct{} { return nil }
func (f *fakeSession) TakeNotifications() []planner.Notification {
	return nil
}
func (f *fakeSession) TakeChangedParameters() [][2]string { c := f.changed; f.changed = nil; return c }
func (f *fakeSession) TakeUsage() planner.StatementUsage  { return planner.StatementUsage{} }
func (f *fakeSession) ReportUsage() bool                  { return false }

// sleepStarted receives a value when SELECT sleep() starts running, so a
// test can act while a statement is known to be in progress.
var sleepStarted = make(chan struct{}, 1)

type fakeCursor struct {
	f      *fakeSession
	q      string
	cols   []planner.ResultColumn
	params []sql.Datum
	i      int64
	tag    string
}

func (c *fakeCursor) Columns() []planner.ResultColumn { return c.cols }
func (c *fakeCursor) Tag() string                     { return c.tag }
func (c *fakeCursor) Close()                          {}

func (c *fakeCursor) Next(ctx context.Context) ([]sql.Datum, error) {
	q := c.q
	switch {
	case strings.HasPrefix(q, "select * from rows_"):
		n, _ := strconv.ParseInt(strings.TrimPrefix(q, "select * from rows_"), 10, 64)
		if c.i >= n {
			c.tag = "SELECT " + strconv.FormatInt(c.i, 10)
			return nil, nil
		}
		c.i++
		return []sql.Datum{c.i}, nil
	case strings.Contains(q, "$"):
		if c.i > 0 {
			c.tag = "SELECT 1"
			return nil, nil
		}
		c.i++
		return c.params, nil
	case q == "select sleep()":
		select {
		case sleepStarted <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return nil, ctx.Err()
	case q == "select boom()":
		panic("boom")
	case q == "select fail()":
		return nil, sql.Errorf(sql.CodeDivisionByZero, "division by zero")
	case q == "begin":
		if c.f.txn == 'T' {
			c.f.notice(&sql.Error{Severity: "WARNING", Code: sql.CodeActiveSQLTransaction, Message: "there is already a transaction in progress"})
		}
		c.f.txn = 'T'
		c.tag = "BEGIN"
	case q == "commit", q == "rollback":
		if c.f.txn == 'E' {
			c.tag = "ROLLBACK"
		} else {
			c.tag = strings.ToUpper(q)
		}
		c.f.txn = 'I'
		c.f.gen++
	case strings.HasPrefix(q, "set application_name"):
		v := strings.Trim(strings.TrimSpace(q[strings.Index(q, "=")+1:]), "'")
		c.f.changed = append(c.f.changed, [2]string{"application_name", v})
		c.tag = "SET"
	}
	return nil, nil
}
