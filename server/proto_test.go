package server

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// client is a raw protocol client for tests.
type client struct {
	t   *testing.T
	nc  net.Conn
	fe  *pgproto3.Frontend
	pid uint32
	key []byte
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	t.Cleanup(func() { _ = nc.Close() })
	return &client{t: t, nc: nc, fe: pgproto3.NewFrontend(nc, nc)}
}

// connect opens a session as admin (cleartext auth server) on database db.
func connect(t *testing.T, addr, db string) *client {
	t.Helper()
	c := dial(t, addr)
	c.fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "admin", "database": db}})
	c.flush()
	if _, ok := c.recv().(*pgproto3.AuthenticationCleartextPassword); !ok {
		t.Fatalf("expected cleartext password request")
	}
	c.fe.Send(&pgproto3.PasswordMessage{Password: "secret"})
	c.flush()
	for {
		switch m := c.recv().(type) {
		case *pgproto3.BackendKeyData:
			c.pid, c.key = m.ProcessID, append([]byte(nil), m.SecretKey...)
		case *pgproto3.ReadyForQuery:
			return c
		case *pgproto3.ErrorResponse:
			t.Fatalf("connect: %s %s", m.Code, m.Message)
		}
	}
}

func (c *client) flush() {
	c.t.Helper()
	if err := c.fe.Flush(); err != nil {
		c.t.Fatalf("flush: %v", err)
	}
}

func (c *client) recv() pgproto3.BackendMessage {
	c.t.Helper()
	m, err := c.fe.Receive()
	if err != nil {
		c.t.Fatalf("receive: %v", err)
	}
	return m
}

// summary renders a backend message compactly for comparisons.
func summary(m pgproto3.BackendMessage) string {
	switch m := m.(type) {
	case *pgproto3.RowDescription:
		var names []string
		for _, f := range m.Fields {
			names = append(names, fmt.Sprintf("%s:%d:%d", f.Name, f.DataTypeOID, f.Format))
		}
		return "RowDescription(" + strings.Join(names, ",") + ")"
	case *pgproto3.DataRow:
		var vals []string
		for _, v := range m.Values {
			if v == nil {
				vals = append(vals, "NULL")
			} else {
				vals = append(vals, fmt.Sprintf("%q", v))
			}
		}
		return "DataRow(" + strings.Join(vals, ",") + ")"
	case *pgproto3.CommandComplete:
		return "CommandComplete(" + string(m.CommandTag) + ")"
	case *pgproto3.ReadyForQuery:
		return "ReadyForQuery(" + string(m.TxStatus) + ")"
	case *pgproto3.ErrorResponse:
		return "Error(" + m.Severity + " " + m.Code + " " + m.Message + ")"
	case *pgproto3.NoticeResponse:
		return "Notice(" + m.Severity + " " + m.Code + " " + m.Message + ")"
	case *pgproto3.ParameterStatus:
		return "ParameterStatus(" + m.Name + "=" + m.Value + ")"
	case *pgproto3.ParameterDescription:
		return fmt.Sprintf("ParameterDescription(%v)", m.ParameterOIDs)
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", m), "*pgproto3.")
}

// untilReady collects message summaries up to and including ReadyForQuery.
func (c *client) untilReady() []string {
	c.t.Helper()
	var out []string
	for {
		m := c.recv()
		out = append(out, summary(m))
		if _, ok := m.(*pgproto3.ReadyForQuery); ok {
			return out
		}
	}
}

// untilClosed collects summaries until the server closes the connection.
func (c *client) untilClosed() []string {
	c.t.Helper()
	var out []string
	for {
		m, err := c.fe.Receive()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "EOF") {
				c.t.Fatalf("expected EOF, got %v", err)
			}
			return out
		}
		out = append(out, summary(m))
	}
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func passwordServer(t *testing.T) (*Server, string) {
	return newFakeServer(t, Config{AuthMethod: "password"})
}

func TestSimpleQuery(t *testing.T) {
	_, addr := passwordServer(t)
	c := connect(t, addr, "quartz")
	tests := []struct {
		query string
		want  []string
	}{
		{"SELECT * FROM rows_2", []string{"RowDescription(n:20:0)", `DataRow("1")`, `DataRow("2")`, "CommandComplete(SELECT 2)", "ReadyForQuery(I)"}},
		{"", []string{"EmptyQueryResponse", "ReadyForQuery(I)"}},
		{"-- ping", []string{"EmptyQueryResponse", "ReadyForQuery(I)"}},
		{"SELECT * FROM rows_1; SELECT * FROM rows_0", []string{"RowDescription(n:20:0)", `DataRow("1")`, "CommandComplete(SELECT 1)",
			"RowDescription(n:20:0)", "CommandComplete(SELECT 0)", "ReadyForQuery(I)"}},
		{"SELECT * FROM rows_1; SELECT nope; SELECT * FROM rows_1", []string{"RowDescription(n:20:0)", `DataRow("1")`, "CommandComplete(SELECT 1)",
			`Error(ERROR 42P01 relation "select nope" does not exist)`, "ReadyForQuery(I)"}},
		{"SELEC 1", []string{`Error(ERROR 42601 syntax error at or near "SELEC")`, "ReadyForQuery(I)"}},
		{"BEGIN; SELECT fail()", []string{"CommandComplete(BEGIN)", "RowDescription(x:20:0)", "Error(ERROR 22012 division by zero)", "ReadyForQuery(E)"}},
		{"SELECT * FROM rows_1", []string{"Error(ERROR 25P02 current transaction is aborted, commands ignored until end of transaction block)", "ReadyForQuery(E)"}},
		{"ROLLBACK", []string{"CommandComplete(ROLLBACK)", "ReadyForQuery(I)"}},
		{"BEGIN; BEGIN", []string{"CommandComplete(BEGIN)", "Notice(WARNING 25001 there is already a transaction in progress)", "CommandComplete(BEGIN)", "ReadyForQuery(T)"}},
		{"COMMIT", []string{"CommandComplete(COMMIT)", "ReadyForQuery(I)"}},
		{"SET application_name = 'x'", []string{"CommandComplete(SET)", "ParameterStatus(application_name=x)", "ReadyForQuery(I)"}},
		{"SELECT boom()", []string{"RowDescription(x:20:0)", "Error(ERROR XX000 internal error: boom)", "ReadyForQuery(I)"}},
		{"SELECT * FROM rows_1", []string{"RowDescription(n:20:0)", `DataRow("1")`, "CommandComplete(SELECT 1)", "ReadyForQuery(I)"}},
	}
	for _, tt := range tests {
		c.fe.Send(&pgproto3.Query{String: tt.query})
		c.flush()
		equal(t, tt.query, c.untilReady(), tt.want)
	}
}

func TestStartupFailures(t *testing.T) {
	_, addr := passwordServer(t)
	tests := []struct {
		name, user, password, db string
		want                     []string
	}{
		{"wrong password", "admin", "nope", "quartz", []string{`Error(FATAL 28P01 password authentication failed for user "admin")`}},
		{"wrong user", "bob", "secret", "quartz", []string{`Error(FATAL 28P01 password authentication failed for user "bob")`}},
		{"unknown database", "admin", "secret", "nodb", []string{"AuthenticationOk", `Error(FATAL 3D000 database "nodb" does not exist)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, addr)
			c.fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
				Parameters: map[string]string{"user": tt.user, "database": tt.db}})
			c.flush()
			if _, ok := c.recv().(*pgproto3.AuthenticationCleartextPassword); !ok {
				t.Fatal("expected password request")
			}
			c.fe.Send(&pgproto3.PasswordMessage{Password: tt.password})
			c.flush()
			equal(t, tt.name, c.untilClosed(), tt.want)
		})
	}
}

// rawStartup writes bytes as the first packet and returns what comes back.
func TestHandshakePackets(t *testing.T) {
	_, addr := passwordServer(t)
	packet := func(code uint32, extra ...byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(8+len(extra)))
		b = binary.BigEndian.AppendUint32(b, code)
		return append(b, extra...)
	}
	tests := []struct {
		name string
		send []byte
		want string
	}{
		{"ssl request without tls", packet(codeSSLRequest), "N"},
		{"gssenc request", packet(codeGSSENCRequest), "N"},
		{"protocol 2.0", packet(2 << 16), "E"},
		{"huge startup length", []byte{0x7f, 0, 0, 0, 0, 0, 0, 0}, "E"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, addr)
			if _, err := c.nc.Write(tt.send); err != nil {
				t.Fatal(err)
			}
			var b [1]byte
			if _, err := io.ReadFull(c.nc, b[:]); err != nil {
				t.Fatal(err)
			}
			if string(b[:]) != tt.want {
				t.Fatalf("got %q, want %q", b[:], tt.want)
			}
		})
	}
	// The 2.0 refusal carries PostgreSQL's wording.
	c := dial(t, addr)
	_, _ = c.nc.Write(packet(2 << 16))
	equal(t, "protocol 2.0", c.untilClosed(), []string{"Error(FATAL 0A000 unsupported frontend protocol 2.0: server supports 3.0 to 3.0)"})
}

func TestMalformedMessagesCloseConnection(t *testing.T) {
	_, addr := newFakeServer(t, Config{AuthMethod: "password", MaxMessageSize: 1 << 20})
	msg := func(typ byte, length int32, body ...byte) []byte {
		return append(binary.BigEndian.AppendUint32([]byte{typ}, uint32(length)), body...)
	}
	tests := []struct {
		name string
		send []byte
		want string
	}{
		{"unknown type", msg('x', 4), "Error(FATAL 08P01 invalid frontend message type 120)"},
		{"length below 4", msg('Q', 2), "Error(FATAL 08P01 invalid message length)"},
		{"oversized length", msg('Q', 1<<30), "Error(FATAL 08P01 invalid message length)"},
		{"bind body truncated", msg('B', 6, 'a', 0), "Error(FATAL 08P01 invalid message format)"},
		{"describe bad body", msg('D', 4), "Error(FATAL 08P01 invalid message format)"},
		{"message cut short", msg('Q', 100, 'S', 'E'), "Error(FATAL 08P01 unexpected EOF on client connection)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := connect(t, addr, "quartz")
			if _, err := c.nc.Write(tt.send); err != nil {
				t.Fatal(err)
			}
			if tt.name == "message cut short" {
				_ = c.nc.(*net.TCPConn).CloseWrite()
			}
			equal(t, tt.name, c.untilClosed(), []string{tt.want})
		})
	}
}

func TestExtendedErrorsSkipToSync(t *testing.T) {
	_, addr := passwordServer(t)
	c := connect(t, addr, "quartz")
	steps := []struct {
		name string
		send []pgproto3.FrontendMessage
		want []string
	}{
		{"error skips to sync", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Query: "SELECT nope"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Query{String: "SELECT * FROM rows_1"}, &pgproto3.Sync{}},
			[]string{`Error(ERROR 42P01 relation "select nope" does not exist)`, "ReadyForQuery(I)"}},
		{"failed parse replaced unnamed statement", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Query: "SELECT * FROM rows_1"}, &pgproto3.Sync{}, &pgproto3.Parse{Query: "SELECT nope"}, &pgproto3.Sync{},
			&pgproto3.Bind{}, &pgproto3.Sync{}},
			[]string{"ParseComplete", "ReadyForQuery(I)", `Error(ERROR 42P01 relation "select nope" does not exist)`, "ReadyForQuery(I)",
				"Error(ERROR 26000 unnamed prepared statement does not exist)", "ReadyForQuery(I)"}},
		{"named statements and portals", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Name: "s1", Query: "SELECT $1, $2"}, &pgproto3.Describe{ObjectType: 'S', Name: "s1"},
			&pgproto3.Bind{PreparedStatement: "s1", Parameters: [][]byte{[]byte("7")}}, &pgproto3.Sync{},
			&pgproto3.Parse{Name: "s1", Query: "SELECT * FROM rows_1"}, &pgproto3.Sync{},
			&pgproto3.Bind{PreparedStatement: "s2"}, &pgproto3.Sync{},
			&pgproto3.Execute{Portal: "p9"}, &pgproto3.Sync{},
			&pgproto3.Bind{DestinationPortal: "p1", PreparedStatement: "s1", Parameters: [][]byte{[]byte("7"), nil}},
			&pgproto3.Describe{ObjectType: 'P', Name: "p1"}, &pgproto3.Execute{Portal: "p1"},
			&pgproto3.Close{ObjectType: 'S', Name: "s1"}, &pgproto3.Describe{ObjectType: 'S', Name: "s1"}, &pgproto3.Sync{}},
			[]string{"ParseComplete", "ParameterDescription([20 20])", "RowDescription(int8:20:0,int8:20:0)",
				`Error(ERROR 08P01 bind message supplies 1 parameters, but prepared statement "s1" requires 2)`, "ReadyForQuery(I)",
				`Error(ERROR 42P05 prepared statement "s1" already exists)`, "ReadyForQuery(I)",
				`Error(ERROR 26000 prepared statement "s2" does not exist)`, "ReadyForQuery(I)",
				`Error(ERROR 34000 portal "p9" does not exist)`, "ReadyForQuery(I)",
				"BindComplete", "RowDescription(int8:20:0,int8:20:0)", `DataRow("7",NULL)`, "CommandComplete(SELECT 1)",
				"CloseComplete", `Error(ERROR 26000 prepared statement "s1" does not exist)`, "ReadyForQuery(I)"}},
		{"error in explicit transaction", []pgproto3.FrontendMessage{
			&pgproto3.Query{String: "BEGIN"},
			&pgproto3.Parse{Query: "SELECT fail()"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{},
			&pgproto3.Parse{Query: "ROLLBACK"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{}},
			[]string{"CommandComplete(BEGIN)", "ReadyForQuery(T)",
				"ParseComplete", "BindComplete", "Error(ERROR 22012 division by zero)", "ReadyForQuery(E)",
				"ParseComplete", "BindComplete", "CommandComplete(ROLLBACK)", "ReadyForQuery(I)"}},
		{"panic in extended protocol", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Query: "SELECT boom()"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{}},
			[]string{"ParseComplete", "BindComplete", "Error(ERROR XX000 internal error: boom)", "ReadyForQuery(I)"}},
		{"empty statement", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Query: ""}, &pgproto3.Bind{}, &pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, &pgproto3.Sync{}},
			[]string{"ParseComplete", "BindComplete", "NoData", "EmptyQueryResponse", "ReadyForQuery(I)"}},
	}
	for _, st := range steps {
		for _, m := range st.send {
			c.fe.Send(m)
		}
		c.flush()
		var got []string
		n := countSyncs(st.send)
		if st.name == "error skips to sync" {
			n-- // the Query is skipped too
		}
		for range n {
			got = append(got, c.untilReady()...)
		}
		equal(t, st.name, got, st.want)
	}
}

func countSyncs(msgs []pgproto3.FrontendMessage) int {
	n := 0
	for _, m := range msgs {
		switch m.(type) {
		case *pgproto3.Sync, *pgproto3.Query:
			n++
		}
	}
	return n
}

func TestPortalSuspended(t *testing.T) {
	_, addr := passwordServer(t)
	c := connect(t, addr, "quartz")
	c.fe.Send(&pgproto3.Query{String: "BEGIN"})
	c.fe.Send(&pgproto3.Parse{Query: "SELECT * FROM rows_5"})
	c.fe.Send(&pgproto3.Bind{DestinationPortal: "c", ResultFormatCodes: []int16{0}})
	c.fe.Send(&pgproto3.Execute{Portal: "c", MaxRows: 2})
	c.fe.Send(&pgproto3.Execute{Portal: "c", MaxRows: 2})
	c.fe.Send(&pgproto3.Sync{})
	// The portal outlives the Sync inside an explicit transaction.
	c.fe.Send(&pgproto3.Execute{Portal: "c", MaxRows: 2})
	c.fe.Send(&pgproto3.Execute{Portal: "c", MaxRows: 2})
	c.fe.Send(&pgproto3.Sync{})
	c.fe.Send(&pgproto3.Query{String: "COMMIT"})
	// ... but not the end of the transaction.
	c.fe.Send(&pgproto3.Execute{Portal: "c"})
	c.fe.Send(&pgproto3.Sync{})
	c.flush()
	var got []string
	for range 5 {
		got = append(got, c.untilReady()...)
	}
	equal(t, "suspended portal", got, []string{
		"CommandComplete(BEGIN)", "ReadyForQuery(T)",
		"ParseComplete", "BindComplete", `DataRow("1")`, `DataRow("2")`, "PortalSuspended", `DataRow("3")`, `DataRow("4")`, "PortalSuspended", "ReadyForQuery(T)",
		`DataRow("5")`, "CommandComplete(SELECT 1)", "CommandComplete(SELECT 0)", "ReadyForQuery(T)",
		"CommandComplete(COMMIT)", "ReadyForQuery(I)",
		`Error(ERROR 34000 portal "c" does not exist)`, "ReadyForQuery(I)",
	})
}

func TestCancelRequest(t *testing.T) {
	_, addr := passwordServer(t)
	c := connect(t, addr, "quartz")
	c.fe.Send(&pgproto3.Query{String: "SELECT sleep()"})
	c.flush()
	<-sleepStarted
	cancel := func(key []byte) {
		cc := dial(t, addr)
		cc.fe.Send(&pgproto3.CancelRequest{ProcessID: c.pid, SecretKey: key})
		cc.flush()
		// The server answers nothing and closes the connection.
		if _, err := cc.nc.Read(make([]byte, 1)); err == nil {
			t.Error("cancel connection: expected EOF")
		}
	}
	wrong := append([]byte(nil), c.key...)
	wrong[0] ^= 0xff
	cancel(wrong)
	// A wrong secret must not cancel: the statement is still running.
	_ = c.nc.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := c.fe.Receive(); err == nil {
		t.Fatal("statement answered after a cancel with the wrong secret")
	}
	// pgproto3's reader keeps no partial state after a timeout with no
	// bytes read, so the connection is still usable.
	_ = c.nc.SetReadDeadline(time.Now().Add(20 * time.Second))
	cancel(c.key)
	equal(t, "cancelled", c.untilReady(), []string{"RowDescription(x:20:0)", "Error(ERROR 57014 canceling statement due to user request)", "ReadyForQuery(I)"})
}

func TestSCRAMWithPgx(t *testing.T) {
	_, addr := newFakeServer(t, Config{})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, "postgres://admin:secret@"+addr+"/quartz?sslmode=disable")
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	if _, err := conn.Exec(ctx, "BEGIN", pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatalf("exec: %v", err)
	}
	_ = conn.Close(ctx)

	for _, dsn := range []string{
		"postgres://admin:wrong@" + addr + "/quartz?sslmode=disable",
		"postgres://bob:secret@" + addr + "/quartz?sslmode=disable",
	} {
		_, err = pgx.Connect(ctx, dsn)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "28P01" || !strings.HasPrefix(pe.Message, "password authentication failed for user") {
			t.Errorf("%s: got %v, want 28P01", dsn, err)
		}
	}
}

func TestGracefulShutdown(t *testing.T) {
	srv, addr := newFakeServer(t, Config{AuthMethod: "password", ShutdownTimeout: 300 * time.Millisecond})
	h := httptest.NewServer(srv.HTTPHandler())
	defer h.Close()
	get := func(path string) int {
		resp, err := http.Get(h.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if got := get("/readyz"); got != 200 {
		t.Errorf("readyz before shutdown: %d", got)
	}
	// Start-up work (loading the HNSW indexes) keeps it unready.
	loaded := srv.Loading()
	if got := get("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("readyz while loading: %d", got)
	}
	loaded()
	loaded()
	if got := get("/readyz"); got != 200 {
		t.Errorf("readyz after loading: %d", got)
	}
	idle := connect(t, addr, "quartz")
	busy := connect(t, addr, "quartz")
	busy.fe.Send(&pgproto3.Query{String: "SELECT sleep()"})
	busy.flush()
	<-sleepStarted
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	equal(t, "idle connection", idle.untilClosed(), []string{"Error(FATAL 57P01 terminating connection due to administrator command)"})
	got := busy.untilClosed()
	if len(got) == 0 || got[len(got)-1] != "Error(FATAL 57P01 terminating connection due to administrator command)" {
		t.Errorf("busy connection: %v", got)
	}
	if got := get("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("readyz after shutdown: %d", got)
	}
	if got := get("/healthz"); got != 200 {
		t.Errorf("healthz: %d", got)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("still accepting after shutdown")
	}
}
