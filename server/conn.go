package server

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/sql"
)

// Startup packet codes (the first int32 of the body).
const (
	codeSSLRequest    = 80877103
	codeGSSENCRequest = 80877104
	codeCancelRequest = 80877102
	// maxStartupPacketLen is PostgreSQL's MAX_STARTUP_PACKET_LENGTH.
	maxStartupPacketLen = 10000
)

// conn is one client connection. Its goroutine owns everything but the
// fields under mu, which the cancel path and Shutdown touch.
type conn struct {
	srv *Server
	nc  net.Conn
	be  *pgproto3.Backend
	log *slog.Logger

	ctx    context.Context // ends when the server gives up on the connection
	cancel context.CancelFunc

	pid    uint32
	secret []byte

	sess engineSession
	fo   *sql.FormatOptions
	// id is who authenticated (see auth.go); nil before.
	id       *identity
	database string

	// meter measures the running statement; handling is when the
	// message being handled arrived (metering.go).
	meter    stmtMeter
	handling time.Time
	// curText is the text of the statement running, for naming a
	// failed statement's kind.
	curText string

	// Extended-protocol state (see proto.go).
	stmts          map[string]*prepStmt
	portals        map[string]*portal
	ignoreTillSync bool

	mu         sync.Mutex
	stmtCancel context.CancelFunc // cancels the running statement, nil when idle

	// idleMu guards idle, which is set while the connection's goroutine
	// waits for the client's next message: only then may the notifier
	// goroutine write (LISTEN/NOTIFY, notify.go).
	idleMu sync.Mutex
	idle   bool
}

// fatal is an error after which the connection is closed; it is sent to the
// client as a FATAL ErrorResponse when err is non-nil.
type fatal struct{ err *sql.Error }

func (f *fatal) Error() string { return "fatal: " + f.err.Error() }

// withHint adds a HINT to the FATAL message.
func (f *fatal) withHint(hint string) *fatal {
	f.err.Hint = hint
	return f
}

func newFatal(code, format string, args ...any) *fatal {
	e := sql.Errorf(code, format, args...)
	e.Severity = "FATAL"
	return &fatal{err: e}
}

func (c *conn) secretMatches(secret []byte) bool {
	return len(c.secret) > 0 && subtle.ConstantTimeCompare(c.secret, secret) == 1
}

// cancelStatement cancels the running statement, if any (CancelRequest).
func (c *conn) cancelStatement() {
	c.mu.Lock()
	if c.stmtCancel != nil {
		c.stmtCancel()
	}
	c.mu.Unlock()
}

// interruptRead wakes a goroutine blocked reading the next message, so a
// graceful shutdown can close idle connections.
func (c *conn) interruptRead() {
	_ = c.nc.SetReadDeadline(time.Now())
}

// stmtContext returns the context for one message's work; CancelRequest
// cancels it.
func (c *conn) stmtContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(c.ctx)
	c.mu.Lock()
	c.stmtCancel = cancel
	c.mu.Unlock()
	return ctx, func() {
		c.mu.Lock()
		c.stmtCancel = nil
		c.mu.Unlock()
		cancel()
	}
}

// serve runs the connection to its end.
func (c *conn) serve() {
	defer c.srv.removeConn(c)
	defer c.cancel()
	defer func() {
		if r := recover(); r != nil {
			// A panic outside statement handling (which recovers on its
			// own) still must not take the server down.
			c.log.Error("connection panic", "panic", r)
		}
		if c.sess != nil {
			c.sess.Close()
		}
		if c.id != nil && c.id.release != nil {
			c.id.release()
		}
		_ = c.nc.Close()
	}()
	_ = c.nc.SetDeadline(time.Now().Add(authTimeout))
	ok, err := c.startup()
	if err != nil {
		c.sendFatal(err)
		return
	}
	if !ok {
		return
	}
	_ = c.nc.SetDeadline(time.Time{})
	if c.srv.draining.Load() {
		c.interruptRead()
	}
	c.log = c.log.With("pid", c.pid)
	go c.notifier()
	if err := c.loop(); err != nil {
		c.sendFatal(err)
	}
}

// sendFatal reports err to the client when it deserves a message, and logs.
func (c *conn) sendFatal(err error) {
	var f *fatal
	if errors.As(err, &f) {
		if c.be == nil {
			c.be = pgproto3.NewBackend(c.nc, c.nc)
		}
		c.be.Send(errorResponse(f.err))
		_ = c.be.Flush()
		c.log.Info("connection closed", "code", f.err.Code, "reason", f.err.Message)
		return
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
		c.log.Debug("connection closed", "err", err)
	}
}

// readStartupPacket reads one length-prefixed startup packet straight from
// the socket (no read-ahead: the connection may switch to TLS after it).
func (c *conn) readStartupPacket(rd io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(rd, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			// A connection opened and closed without a word: a probe.
			return nil, io.EOF
		}
		return nil, newFatal(sql.CodeProtocolViolation, "incomplete startup packet")
	}
	n := int(int32(binary.BigEndian.Uint32(hdr[:])))
	if n < 8 || n > maxStartupPacketLen {
		return nil, newFatal(sql.CodeProtocolViolation, "invalid length of startup packet")
	}
	body := make([]byte, n-4)
	if _, err := io.ReadFull(rd, body); err != nil {
		return nil, newFatal(sql.CodeProtocolViolation, "incomplete startup packet")
	}
	return body, nil
}

// startup runs the handshake up to the first ReadyForQuery. ok is false when
// the connection ends quietly (a cancel request, a probe).
func (c *conn) startup() (ok bool, err error) {
	rd := io.Reader(c.nc)
	tlsDone, gssDone := false, false
	for {
		body, err := c.readStartupPacket(rd)
		if err != nil {
			return false, err
		}
		code := binary.BigEndian.Uint32(body)
		switch {
		case code == codeSSLRequest:
			if tlsDone || len(body) != 4 {
				return false, newFatal(sql.CodeProtocolViolation, "unsupported frontend protocol 1234.5679: server supports 3.0 to 3.0")
			}
			tlsDone = true
			if c.srv.tlsConfig == nil {
				if _, err := c.nc.Write([]byte{'N'}); err != nil {
					return false, err
				}
				continue
			}
			if _, err := c.nc.Write([]byte{'S'}); err != nil {
				return false, err
			}
			tc := tls.Server(c.nc, c.srv.tlsConfig)
			if err := tc.HandshakeContext(c.ctx); err != nil {
				return false, fmt.Errorf("tls handshake: %w", err)
			}
			c.nc = tc
			rd = tc
		case code == codeGSSENCRequest:
			if gssDone || len(body) != 4 {
				return false, newFatal(sql.CodeProtocolViolation, "unsupported frontend protocol 1234.5680: server supports 3.0 to 3.0")
			}
			gssDone = true
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return false, err
			}
		case code == codeCancelRequest:
			var cr pgproto3.CancelRequest
			if err := cr.Decode(body); err != nil {
				return false, nil
			}
			c.srv.cancel(cr.ProcessID, cr.SecretKey)
			return false, nil
		case code>>16 == 3:
			return true, c.startupV3(body)
		default:
			return false, newFatal(sql.CodeFeatureNotSupported,
				"unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", code>>16, code&0xffff)
		}
	}
}

// startupV3 handles a protocol 3.x StartupMessage: authentication, the
// session, ParameterStatus, BackendKeyData and the first ReadyForQuery.
func (c *conn) startupV3(body []byte) error {
	minor := binary.BigEndian.Uint32(body) & 0xffff
	// pgproto3 only decodes 3.0 and 3.2; parse the parameters ourselves so
	// any 3.x works and we can negotiate down like PostgreSQL 15.
	params, err := parseStartupParams(body[4:])
	if err != nil {
		return newFatal(sql.CodeProtocolViolation, "invalid startup packet layout: expected terminator as last byte")
	}
	c.be = pgproto3.NewBackend(c.nc, c.nc)
	c.be.SetMaxBodyLen(c.srv.cfg.MaxMessageSize)

	var unrecognized []string
	for k := range params {
		if strings.HasPrefix(k, "_pq_.") {
			unrecognized = append(unrecognized, k)
			delete(params, k)
		}
	}
	if minor > 0 || len(unrecognized) > 0 {
		c.be.Send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0, UnrecognizedOptions: unrecognized})
	}
	user := params["user"]
	if user == "" {
		return newFatal(sql.CodeInvalidAuthorization, "no PostgreSQL user name specified in startup packet")
	}
	db := params["database"]
	if db == "" {
		db = user
	}
	id, err := c.authenticate(user)
	if err != nil {
		return err
	}
	c.id = id
	c.database = db
	c.be.Send(&pgproto3.AuthenticationOk{})

	delete(params, "user")
	delete(params, "database")
	opts := planner.SessionOptions{User: user, Database: db, StartupParams: params, Notice: c.sendNotice}
	if id.admin() && c.srv.cfg.Auth != nil {
		opts.Admin = keyAdmin{store: c.srv.cfg.Auth, created: c.srv.cfg.TenantCreated}
	}
	if !id.admin() {
		opts.Tenant = id.key.Tenant
		opts.MaxStatementTimeout = id.limits.StatementTimeout
	}
	opts.Usage = c.srv.cfg.Usage
	sess, err := c.srv.newSession(c.ctx, opts)
	if err != nil {
		se := sql.Wrap(err)
		fe := *se
		fe.Severity = "FATAL"
		return &fatal{err: &fe}
	}
	if err := c.checkDatabase(id, db, true); err != nil {
		sess.Close()
		return err
	}
	c.sess = sess
	c.fo = sess.FormatOptions()
	for _, kv := range sess.ParameterStatus() {
		c.be.Send(&pgproto3.ParameterStatus{Name: kv[0], Value: kv[1]})
	}
	if err := c.srv.assignKey(c); err != nil {
		return newFatal(sql.CodeInternalError, "%v", err)
	}
	c.be.Send(&pgproto3.BackendKeyData{ProcessID: c.pid, SecretKey: c.secret})
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: sess.TxStatus()})
	c.log.Debug("session started", "user", user, "database", db)
	return c.be.Flush()
}

// parseStartupParams decodes the name/value pairs of a StartupMessage.
func parseStartupParams(b []byte) (map[string]string, error) {
	params := make(map[string]string)
	for {
		if len(b) == 0 {
			return nil, errors.New("missing terminator")
		}
		if b[0] == 0 {
			if len(b) != 1 {
				return nil, errors.New("data after terminator")
			}
			return params, nil
		}
		i := indexZero(b)
		if i < 0 {
			return nil, errors.New("unterminated name")
		}
		name := string(b[:i])
		b = b[i+1:]
		j := indexZero(b)
		if j < 0 {
			return nil, errors.New("unterminated value")
		}
		params[name] = string(b[:j])
		b = b[j+1:]
	}
}

func indexZero(b []byte) int {
	for i, x := range b {
		if x == 0 {
			return i
		}
	}
	return -1
}

// sendNotice forwards a NOTICE/WARNING raised by the running statement.
func (c *conn) sendNotice(e *sql.Error) {
	if e == nil || c.be == nil {
		return
	}
	n := *e
	if n.Severity == "" {
		n.Severity = "NOTICE"
	}
	er := errorResponse(&n)
	nr := pgproto3.NoticeResponse(*er)
	c.be.Send(&nr)
	// Flushed at once: a long statement's progress notices must reach
	// the client while it runs, not with its result.
	if err := c.be.Flush(); err != nil {
		c.log.Debug("send notice", "err", err)
	}
}

// errorResponse builds the wire form of e.
func errorResponse(e *sql.Error) *pgproto3.ErrorResponse {
	sev := e.Severity
	if sev == "" {
		sev = "ERROR"
	}
	code := e.Code
	if code == "" {
		code = sql.CodeInternalError
	}
	return &pgproto3.ErrorResponse{
		Severity:            sev,
		SeverityUnlocalized: sev,
		Code:                code,
		Message:             e.Message,
		Detail:              e.Detail,
		Hint:                e.Hint,
		Position:            int32(e.Position),
		Where:               e.Where,
		SchemaName:          e.SchemaName,
		TableName:           e.TableName,
		ColumnName:          e.ColumnName,
		ConstraintName:      e.ConstraintName,
	}
}

// receiveError classifies an error from Backend.Receive: protocol
// violations become FATAL 08P01, a vanished client ends quietly.
func (c *conn) receiveError(err error) error {
	var tooBig *pgproto3.ExceededMaxBodyLenErr
	var ne net.Error
	switch {
	case errors.As(err, &tooBig):
		return newFatal(sql.CodeProtocolViolation, "invalid message length")
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return newFatal(sql.CodeProtocolViolation, "unexpected EOF on client connection")
	case errors.As(err, &ne):
		if ne.Timeout() && c.srv.draining.Load() {
			return newFatal(sql.CodeAdminShutdown, "terminating connection due to administrator command")
		}
		return err
	case strings.HasPrefix(err.Error(), "unknown message type: "):
		t := strings.TrimPrefix(err.Error(), "unknown message type: ")
		r := 0
		if t != "" {
			r = int([]rune(t)[0])
		}
		return newFatal(sql.CodeProtocolViolation, "invalid frontend message type %d", r)
	case strings.HasPrefix(err.Error(), "invalid message length"):
		return newFatal(sql.CodeProtocolViolation, "invalid message length")
	default:
		return newFatal(sql.CodeProtocolViolation, "invalid message format")
	}
}

// messageType returns the protocol type byte of a frontend message, for
// error messages.
func messageType(m pgproto3.FrontendMessage) int {
	switch m.(type) {
	case *pgproto3.Bind:
		return 'B'
	case *pgproto3.Close:
		return 'C'
	case *pgproto3.Describe:
		return 'D'
	case *pgproto3.Execute:
		return 'E'
	case *pgproto3.FunctionCall:
		return 'F'
	case *pgproto3.Flush:
		return 'H'
	case *pgproto3.Parse:
		return 'P'
	case *pgproto3.Query:
		return 'Q'
	case *pgproto3.Sync:
		return 'S'
	case *pgproto3.Terminate:
		return 'X'
	case *pgproto3.CopyData:
		return 'd'
	case *pgproto3.CopyDone:
		return 'c'
	case *pgproto3.CopyFail:
		return 'f'
	}
	return 'p'
}
