package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/sql"
)

// flushThreshold is how many result bytes are buffered before they are
// written out, so a large result streams instead of piling up in memory.
const flushThreshold = 64 << 10

// prepStmt is a prepared statement of the extended protocol.
type prepStmt struct {
	name string
	p    *planner.Prepared
}

// portal is a bound statement; it may be executed in pieces (max rows).
type portal struct {
	name    string
	stmt    *prepStmt
	cursor  planner.Cursor // nil for an empty statement
	formats []int16        // result format codes as sent in Bind (0, 1 or N)
	gen     uint64         // the transaction generation it belongs to
	// suspended is set once an Execute stopped at max rows; done once
	// the cursor is exhausted (tag is then its CommandComplete tag).
	suspended bool
	done      bool
	tag       string
}

func (p *portal) close() {
	if p.cursor != nil {
		p.cursor.Close()
	}
}

// loop reads and dispatches messages until Terminate, a fatal error, or the
// client going away. This is the session's state machine: the state is
// "normal" or "skipping until Sync" after an extended-protocol error.
func (c *conn) loop() error {
	c.stmts = make(map[string]*prepStmt)
	c.portals = make(map[string]*portal)
	defer c.dropAllPortals()
	for {
		if c.srv.draining.Load() {
			c.interruptRead()
		}
		if err := c.setIdle(true); err != nil {
			return err
		}
		msg, err := c.be.Receive()
		_ = c.setIdle(false)
		if err != nil {
			return c.receiveError(err)
		}
		if _, isTerm := msg.(*pgproto3.Terminate); isTerm {
			return nil
		}
		if c.ignoreTillSync {
			if _, isSync := msg.(*pgproto3.Sync); !isSync {
				continue
			}
		}
		c.beginMessage(msg, time.Now())
		err = c.dispatch(msg)
		c.endMessage()
		if err != nil {
			return err
		}
		if c.ctx.Err() != nil {
			_ = c.be.Flush()
			return nil
		}
	}
}

// dispatch handles one message, turning a panic into XX000 for it.
func (c *conn) dispatch(msg pgproto3.FrontendMessage) (err error) {
	extended := true
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("panic while handling message", "panic", r, "stack", string(debug.Stack()))
			perr := sql.Errorf(sql.CodeInternalError, "internal error: %v", r)
			err = c.statementError(perr, extended)
		}
	}()
	switch m := msg.(type) {
	case *pgproto3.Query:
		extended = false
		c.curText = m.String
		if err := c.statementAllowed(m.String); err != nil {
			if f, isFatal := err.(*fatal); isFatal {
				return f
			}
			c.finishStatement("", m.String, err, true)
			c.sendError(sql.Wrap(err))
			c.sendReady()
			return c.be.Flush()
		}
		if err := c.simpleQuery(m.String); err != nil {
			return err
		}
		return c.be.Flush()
	case *pgproto3.Parse:
		return c.extendedStep(c.parse(m))
	case *pgproto3.Bind:
		return c.extendedStep(c.bind(m))
	case *pgproto3.Describe:
		return c.extendedStep(c.describe(m))
	case *pgproto3.Execute:
		text := c.portalText(m.Portal)
		c.curText = text
		if err := c.statementAllowed(text); err != nil {
			if f, isFatal := err.(*fatal); isFatal {
				return f
			}
			c.finishStatement("", text, err, true)
			return c.extendedStep(err)
		}
		return c.extendedStep(c.execute(m))
	case *pgproto3.Close:
		return c.extendedStep(c.closeMsg(m))
	case *pgproto3.Sync:
		c.sync()
		return c.be.Flush()
	case *pgproto3.Flush:
		return c.be.Flush()
	case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
		// PostgreSQL ignores stray COPY messages outside COPY (a client
		// that aborted a COPY may still send some).
		return nil
	case *pgproto3.FunctionCall:
		extended = false
		c.sendError(sql.Errorf(sql.CodeFeatureNotSupported, "fastpath function calls are not supported"))
		c.sendReady()
		return c.be.Flush()
	default:
		return newFatal(sql.CodeProtocolViolation, "invalid frontend message type %d", messageType(msg))
	}
}

// statementError reports err for the current message: the transaction is
// failed and, in the extended protocol, messages are skipped until Sync.
func (c *conn) statementError(err error, extended bool) error {
	if err == nil {
		return nil
	}
	var f *fatal
	if errors.As(err, &f) {
		return err
	}
	se := sql.Wrap(err)
	if c.meter.started {
		c.finishStatement("", c.curText, se, false)
	}
	c.sendError(se)
	if c.sess != nil {
		c.sess.Fail(se)
	}
	if extended {
		c.ignoreTillSync = true
		// PostgreSQL flushes every error at once; a client in COPY IN
		// waits for it before it sends Sync.
		return c.be.Flush()
	}
	c.sendReady()
	return c.be.Flush()
}

// extendedStep finishes one extended-protocol message.
func (c *conn) extendedStep(err error) error {
	return c.statementError(err, true)
}

func (c *conn) sendError(e *sql.Error) {
	if c.ctx.Err() != nil {
		// The server cancelled the statement because it is shutting down.
		e = &sql.Error{Severity: "FATAL", Code: sql.CodeAdminShutdown, Message: "terminating connection due to administrator command"}
	}
	c.be.Send(errorResponse(e))
	if e.Code == sql.CodeInternalError {
		c.log.Warn("internal error", "err", e.Error())
	}
}

func (c *conn) sendReady() {
	if c.ctx.Err() != nil {
		return // the connection is closing (see sendError)
	}
	c.checkPortals()
	c.sendNotifications()
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: c.sess.TxStatus()})
}

// sendChangedParameters reports settings the last statement changed.
func (c *conn) sendChangedParameters() {
	for _, kv := range c.sess.TakeChangedParameters() {
		c.be.Send(&pgproto3.ParameterStatus{Name: kv[0], Value: kv[1]})
	}
	c.fo = c.sess.FormatOptions()
}

// checkPortals drops every portal of a transaction that has ended, which is
// PostgreSQL's portal lifetime.
func (c *conn) checkPortals() {
	gen := c.sess.TxnGeneration()
	for name, p := range c.portals {
		if p.gen != gen {
			p.close()
			delete(c.portals, name)
		}
	}
}

func (c *conn) dropPortal(name string) {
	if p, ok := c.portals[name]; ok {
		p.close()
		delete(c.portals, name)
	}
}

func (c *conn) dropAllPortals() {
	for name := range c.portals {
		c.dropPortal(name)
	}
}

// simpleQuery runs every statement of a Query message in order, stopping at
// the first error, and ends with one ReadyForQuery. It returns only a
// *fatal error (the connection was lost during COPY FROM STDIN).
func (c *conn) simpleQuery(query string) error {
	c.dropPortal("")
	ctx, done := c.stmtContext()
	defer done()
	err := c.runSimple(ctx, query)
	var f *fatal
	if errors.As(err, &f) {
		return err
	}
	if err != nil {
		se := sql.Wrap(err)
		if c.meter.started {
			c.finishStatement("", c.curText, se, false)
		}
		c.sendError(se)
		c.sess.Fail(se)
	}
	c.meter = stmtMeter{} // an empty query is no statement
	c.sendChangedParameters()
	c.sendReady()
	return nil
}

func (c *conn) runSimple(ctx context.Context, query string) error {
	stmts, err := sql.Parse(query)
	if err != nil {
		return err
	}
	if len(stmts) == 0 {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return c.sess.EndImplicit(ctx)
	}
	for i, st := range stmts {
		c.curText = st.SQL
		// The statement rate counts statements, not messages; the first
		// was counted when the message arrived.
		if i > 0 {
			c.nextStatement()
			if err := c.statementAllowed(st.SQL); err != nil {
				if _, isFatal := err.(*fatal); !isFatal {
					c.finishStatement("", st.SQL, err, true)
				}
				return err
			}
		}
		p, err := c.sess.Prepare(ctx, st, query, nil)
		if err != nil {
			return err
		}
		cur, err := c.sess.Bind(ctx, p, nil)
		if err != nil {
			return err
		}
		err = c.runToEnd(ctx, cur, st.SQL)
		cur.Close()
		if err != nil {
			return err
		}
		c.sendChangedParameters()
		c.checkPortals()
	}
	return c.sess.EndImplicit(ctx)
}

// runToEnd sends RowDescription, every row as text, and CommandComplete;
// for COPY it runs the copy sub-protocol instead (copy.go).
func (c *conn) runToEnd(ctx context.Context, cur planner.Cursor, text string) error {
	if copying, err := c.runCopy(ctx, cur); copying {
		if err != nil {
			return err
		}
		c.finishStatement(cur.Tag(), text, nil, false)
		c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(cur.Tag())})
		return nil
	}
	cols := cur.Columns()
	if cols != nil {
		c.be.Send(rowDescription(cols, nil))
	}
	if _, err := c.sendRows(ctx, cur, cols, nil, 0); !errors.Is(err, errEndOfRows) {
		return err
	}
	c.finishStatement(cur.Tag(), text, nil, false)
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(cur.Tag())})
	return nil
}

// sendRows sends up to max rows (0 = all) as DataRows and returns how many
// it sent; the error is errEndOfRows when the cursor ran out, nil when max
// rows were sent first.
func (c *conn) sendRows(ctx context.Context, cur planner.Cursor, cols []planner.ResultColumn, formats []int16, max int) (sent int, err error) {
	buffered := 0
	var total int64 // bytes sent, against the key's cap
	for max <= 0 || sent < max {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		row, err := cur.Next(ctx)
		if err != nil {
			return sent, err
		}
		if row == nil {
			return sent, errEndOfRows
		}
		vals := make([][]byte, len(row))
		for i, d := range row {
			if d == nil {
				continue
			}
			var t sql.Type
			if i < len(cols) {
				t = cols[i].Type
			}
			if formatFor(formats, i) == 1 {
				b, err := sql.AppendBinary(nil, t, d)
				if err != nil {
					return sent, err
				}
				vals[i] = b
			} else {
				vals[i] = sql.AppendText(nil, t, d, c.fo)
			}
			if vals[i] == nil {
				// A nil value is sent as NULL; an empty one is ''.
				vals[i] = []byte{}
			}
			buffered += len(vals[i])
		}
		rowBytes := 8 + 4*len(vals)
		for _, v := range vals {
			rowBytes += len(v)
		}
		if total += int64(rowBytes); c.overResultCap(total) {
			return sent, c.resultCapError()
		}
		c.be.Send(&pgproto3.DataRow{Values: vals})
		c.meter.bytesOut += int64(rowBytes)
		sent++
		buffered += 8 + 4*len(vals)
		if buffered >= flushThreshold {
			if err := c.be.Flush(); err != nil {
				return sent, err
			}
			buffered = 0
		}
	}
	return sent, nil
}

// errEndOfRows is sendRows' signal that the cursor is exhausted.
var errEndOfRows = errors.New("end of rows")

// formatFor picks the format code of column i from a 0/1/N list.
func formatFor(formats []int16, i int) int16 {
	switch len(formats) {
	case 0:
		return 0
	case 1:
		return formats[0]
	default:
		if i < len(formats) {
			return formats[i]
		}
		return 0
	}
}

// typeLen is pg_type.typlen for the RowDescription size field.
func typeLen(oid uint32) int16 {
	switch oid {
	case sql.OIDBool, sql.OIDChar:
		return 1
	case sql.OIDInt2:
		return 2
	case sql.OIDInt4, sql.OIDFloat4, sql.OIDOid, sql.OIDDate, sql.OIDRegclass, sql.OIDRegtype,
		sql.OIDRegproc, sql.OIDRegnamespace:
		return 4
	case sql.OIDInt8, sql.OIDFloat8, sql.OIDTime, sql.OIDTimestamp, sql.OIDTimestampTZ:
		return 8
	case sql.OIDInterval, sql.OIDUUID:
		return 16
	case sql.OIDName:
		return 64
	}
	return -1
}

// rowDescription describes cols with the given format codes (nil = text).
func rowDescription(cols []planner.ResultColumn, formats []int16) *pgproto3.RowDescription {
	fields := make([]pgproto3.FieldDescription, len(cols))
	for i, col := range cols {
		fields[i] = pgproto3.FieldDescription{
			Name:                 []byte(col.Name),
			TableOID:             col.TableOID,
			TableAttributeNumber: uint16(col.AttNum),
			DataTypeOID:          col.Type.OID,
			DataTypeSize:         typeLen(col.Type.OID),
			TypeModifier:         col.Type.Typmod,
			Format:               formatFor(formats, i),
		}
	}
	return &pgproto3.RowDescription{Fields: fields}
}

// parse handles Parse. A Parse of the unnamed statement replaces it even when
// it fails.
func (c *conn) parse(m *pgproto3.Parse) error {
	c.curText = m.Query
	name := m.Name
	if name == "" {
		delete(c.stmts, "")
	} else if _, exists := c.stmts[name]; exists {
		return sql.Errorf("42P05", "prepared statement %q already exists", name)
	}
	ctx, done := c.stmtContext()
	defer done()
	stmts, err := sql.Parse(m.Query)
	if err != nil {
		return err
	}
	var p *planner.Prepared
	switch len(stmts) {
	case 0:
		types := make([]sql.Type, len(m.ParameterOIDs))
		for i, oid := range m.ParameterOIDs {
			types[i] = sql.Type{OID: oid, Typmod: -1}
		}
		p = &planner.Prepared{SQL: m.Query, ParamTypes: types, Empty: true}
	case 1:
		oids := append([]uint32(nil), m.ParameterOIDs...)
		p, err = c.sess.Prepare(ctx, stmts[0], m.Query, oids)
		if err != nil {
			return err
		}
	default:
		return sql.Errorf(sql.CodeSyntaxError, "cannot insert multiple commands into a prepared statement")
	}
	c.stmts[name] = &prepStmt{name: name, p: p}
	c.be.Send(&pgproto3.ParseComplete{})
	return nil
}

// bind handles Bind: decode parameters by the statement's types and open a
// cursor. The unnamed portal is replaced by every Bind.
func (c *conn) bind(m *pgproto3.Bind) error {
	c.checkPortals()
	ps, ok := c.stmts[m.PreparedStatement]
	if !ok {
		if m.PreparedStatement == "" {
			return sql.Errorf(sql.CodeInvalidSQLStatementName, "unnamed prepared statement does not exist")
		}
		return sql.Errorf(sql.CodeInvalidSQLStatementName, "prepared statement %q does not exist", m.PreparedStatement)
	}
	c.curText = ps.p.SQL
	if m.DestinationPortal == "" {
		c.dropPortal("")
	} else if _, exists := c.portals[m.DestinationPortal]; exists {
		return sql.Errorf("42P03", "cursor %q already exists", m.DestinationPortal)
	}
	p := ps.p
	nParams := len(m.Parameters)
	if nf := len(m.ParameterFormatCodes); nf > 1 && nf != nParams {
		return sql.Errorf(sql.CodeProtocolViolation, "bind message has %d parameter formats but %d parameters", nf, nParams)
	}
	if nParams != len(p.ParamTypes) {
		return sql.Errorf(sql.CodeProtocolViolation, "bind message supplies %d parameters, but prepared statement %q requires %d",
			nParams, m.PreparedStatement, len(p.ParamTypes))
	}
	for _, f := range m.ResultFormatCodes {
		if f != 0 && f != 1 {
			return sql.Errorf(sql.CodeInvalidParameterValue, "unsupported format code: %d", f)
		}
	}
	params := make([]sql.Datum, nParams)
	for i, raw := range m.Parameters {
		if raw == nil {
			continue
		}
		t := p.ParamTypes[i]
		switch f := formatFor(m.ParameterFormatCodes, i); f {
		case 0:
			d, err := sql.ParseText(t, string(raw), c.fo)
			if err != nil {
				return err
			}
			params[i] = d
		case 1:
			// raw points into the read buffer, which the next message
			// overwrites; a datum may keep its bytes (bytea), so copy
			// unless the type's decoder makes values of its own.
			if !sql.BinaryCopies(t) {
				raw = bytes.Clone(raw)
			}
			d, err := sql.ParseBinary(t, raw)
			if err != nil {
				var se *sql.Error
				if errors.As(err, &se) && se.Code != sql.CodeInvalidBinaryRepresentation {
					return err
				}
				return sql.Errorf(sql.CodeInvalidBinaryRepresentation, "incorrect binary data format in bind parameter %d", i+1)
			}
			params[i] = d
		default:
			return sql.Errorf(sql.CodeInvalidParameterValue, "unsupported format code: %d", f)
		}
	}
	formats := append([]int16(nil), m.ResultFormatCodes...)
	pt := &portal{name: m.DestinationPortal, stmt: ps, formats: formats}
	if !p.Empty {
		ctx, done := c.stmtContext()
		cur, err := c.sess.Bind(ctx, p, params)
		done()
		if err != nil {
			return err
		}
		pt.cursor = cur
		if cols := cur.Columns(); len(formats) > 1 && len(formats) != len(cols) {
			cur.Close()
			return sql.Errorf(sql.CodeProtocolViolation, "bind message has %d result formats but query has %d columns", len(formats), len(cols))
		}
	}
	pt.gen = c.sess.TxnGeneration()
	c.portals[m.DestinationPortal] = pt
	c.be.Send(&pgproto3.BindComplete{})
	return nil
}

// lookupPortal finds a live portal or returns 34000.
func (c *conn) lookupPortal(name string) (*portal, error) {
	c.checkPortals()
	p, ok := c.portals[name]
	if !ok {
		return nil, sql.Errorf(sql.CodeInvalidCursorName, "portal %q does not exist", name)
	}
	return p, nil
}

// describe handles Describe of a statement ('S') or a portal ('P').
func (c *conn) describe(m *pgproto3.Describe) error {
	switch m.ObjectType {
	case 'S':
		ps, ok := c.stmts[m.Name]
		if !ok {
			if m.Name == "" {
				return sql.Errorf(sql.CodeInvalidSQLStatementName, "unnamed prepared statement does not exist")
			}
			return sql.Errorf(sql.CodeInvalidSQLStatementName, "prepared statement %q does not exist", m.Name)
		}
		oids := make([]uint32, len(ps.p.ParamTypes))
		for i, t := range ps.p.ParamTypes {
			oids[i] = t.OID
		}
		c.be.Send(&pgproto3.ParameterDescription{ParameterOIDs: oids})
		if ps.p.Columns == nil || ps.p.Empty {
			c.be.Send(&pgproto3.NoData{})
		} else {
			c.be.Send(rowDescription(ps.p.Columns, nil))
		}
		return nil
	case 'P':
		p, err := c.lookupPortal(m.Name)
		if err != nil {
			// A DECLAREd cursor is a portal too (psycopg 3 describes
			// its named cursors).
			if cs, ok := c.sess.(interface {
				CursorColumns(string) ([]planner.ResultColumn, bool)
			}); ok {
				if cols, ok := cs.CursorColumns(m.Name); ok {
					c.be.Send(rowDescription(cols, nil))
					return nil
				}
			}
			return err
		}
		var cols []planner.ResultColumn
		if p.cursor != nil && !isCopyCursor(p.cursor) {
			cols = p.cursor.Columns()
		}
		if cols == nil {
			c.be.Send(&pgproto3.NoData{})
		} else {
			c.be.Send(rowDescription(cols, p.formats))
		}
		return nil
	default:
		return sql.Errorf(sql.CodeProtocolViolation, "invalid DESCRIBE message subtype %d", m.ObjectType)
	}
}

// execute handles Execute, stopping after MaxRows with PortalSuspended.
func (c *conn) execute(m *pgproto3.Execute) error {
	p, err := c.lookupPortal(m.Portal)
	if err != nil {
		return err
	}
	if p.cursor == nil {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	if p.done {
		// A finished SELECT portal yields no more rows; anything else
		// has run and cannot run again (PostgreSQL's PORTAL_DONE).
		if strings.HasPrefix(p.tag, "SELECT") {
			c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte("SELECT 0")})
			return nil
		}
		return sql.Errorf(sql.CodeObjectNotInPrerequisiteState, "portal %q cannot be run", m.Portal)
	}
	ctx, done := c.stmtContext()
	defer done()
	max := int(m.MaxRows)
	if max < 0 {
		max = 0
	}
	var sent int
	if copying, cerr := c.runCopy(ctx, p.cursor); copying {
		// COPY runs to completion whatever MaxRows says.
		err = cerr
		if err == nil {
			err = errEndOfRows
		}
	} else {
		sent, err = c.sendRows(ctx, p.cursor, p.cursor.Columns(), p.formats, max)
	}
	switch {
	case err == nil:
		p.suspended = true
		c.be.Send(&pgproto3.PortalSuspended{})
		return nil
	case errors.Is(err, errEndOfRows):
	default:
		// A portal whose execution failed cannot be resumed.
		c.dropPortal(m.Portal)
		return err
	}
	p.done = true
	tag := p.cursor.Tag()
	p.tag = tag
	if p.suspended && strings.HasPrefix(tag, "SELECT ") {
		// Like PostgreSQL, the count is of the rows this Execute returned.
		tag = "SELECT " + strconv.Itoa(sent)
	}
	p.cursor.Close()
	c.finishStatement(tag, c.curText, nil, false)
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	c.sendChangedParameters()
	c.checkPortals()
	return nil
}

// portalText is the statement text of portal name ("" if there is none).
func (c *conn) portalText(name string) string {
	if p, ok := c.portals[name]; ok && p.stmt != nil && p.stmt.p != nil {
		return p.stmt.p.SQL
	}
	return ""
}

// closeMsg handles Close of a statement or portal; closing something that
// does not exist is not an error.
func (c *conn) closeMsg(m *pgproto3.Close) error {
	switch m.ObjectType {
	case 'S':
		delete(c.stmts, m.Name)
	case 'P':
		c.dropPortal(m.Name)
	default:
		return sql.Errorf(sql.CodeProtocolViolation, "invalid CLOSE message subtype %d", m.ObjectType)
	}
	c.be.Send(&pgproto3.CloseComplete{})
	return nil
}

// sync handles Sync: the implicit transaction ends and the client learns
// the transaction state.
func (c *conn) sync() {
	wasSkipping := c.ignoreTillSync
	c.ignoreTillSync = false
	if !wasSkipping {
		ctx, done := c.stmtContext()
		err := c.sess.EndImplicit(ctx)
		done()
		if err != nil {
			se := sql.Wrap(err)
			c.sendError(se)
			c.sess.Fail(se)
		}
		c.sendChangedParameters()
	}
	c.sendReady()
}

// String helps debugging.
func (p *portal) String() string { return fmt.Sprintf("portal(%q)", p.name) }
