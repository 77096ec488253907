package planner

import (
	"context"
	"math"
	"slices"
	"strconv"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
)

// DECLARE's option bits (PostgreSQL's CURSOR_OPT_*).
const (
	cursorOptBinary   = 0x0001
	cursorOptScroll   = 0x0002
	cursorOptNoScroll = 0x0004
	cursorOptHold     = 0x0020
)

// fetchAll is FETCH ALL's count (PostgreSQL's FETCH_ALL, LONG_MAX).
const fetchAll = math.MaxInt64

// PostgreSQL's duplicate_cursor and invalid_cursor_definition.
const (
	codeDuplicateCursor         = "42P03"
	codeInvalidCursorDefinition = "42P11"
)

// sqlCursor is a cursor of SQL DECLARE. Its position follows PostgreSQL's
// portal: pos 0 is before the first row, k on row k, and past the last
// row once atEnd.
//
// A SCROLL cursor keeps every row it has read, so it can move both ways;
// any other is forward-only and keeps none (PostgreSQL lets a cursor
// declared without SCROLL or NO SCROLL scroll when its plan can run
// backwards; here it never can). A WITH HOLD cursor reads its remaining
// rows at commit and then lives on in the session until closed.
type sqlCursor struct {
	name   string
	cols   []ResultColumn
	scroll bool
	hold   bool
	// serial orders cursors against savepoints; txnGen is the session's
	// transaction the cursor was declared in.
	serial uint64
	txnGen uint64

	// src yields the rows not read yet (nil once exhausted); x is the
	// DECLARE's execution context, whose deadline each FETCH renews.
	src Cursor
	x   *execCtx
	// buf holds rows base+1 .. base+len(buf).
	buf  [][]sql.Datum
	base int64
	// err is an error the DECLARE's read ahead met, reported by the
	// FETCH that reaches it, as PostgreSQL reports it.
	err error

	pos     int64
	atStart bool
	atEnd   bool
}

// row returns row k (1-based), reading from src as needed; ok is false
// past the last row.
func (c *sqlCursor) row(ctx context.Context, k int64) ([]sql.Datum, bool, error) {
	for c.base+int64(len(c.buf)) < k {
		if c.err != nil {
			err := c.err
			c.err = nil
			return nil, false, err
		}
		if c.src == nil {
			return nil, false, nil
		}
		r, err := c.src.Next(ctx)
		if err != nil {
			return nil, false, err
		}
		if r == nil {
			c.src.Close()
			c.src = nil
			return nil, false, nil
		}
		if !c.scroll && len(c.buf) > 0 {
			// A forward-only cursor never returns to a row it has passed.
			c.base += int64(len(c.buf))
			c.buf = c.buf[:0]
		}
		c.buf = append(c.buf, slices.Clone(r))
	}
	if k <= c.base {
		return nil, false, errScanForward()
	}
	return c.buf[k-c.base-1], true, nil
}

func errScanForward() error {
	return sql.Errorf(sql.CodeObjectNotInPrerequisiteState, "cursor can only scan forward").
		WithHint("Declare it with SCROLL option to enable backward scan.")
}

// runSelect is PostgreSQL's PortalRunSelect: up to count rows forward or
// backward (count 0 or fetchAll: all of them), passed to emit when it is
// not nil; it returns how many rows it went through.
func (c *sqlCursor) runSelect(ctx context.Context, forward bool, count int64, emit func([]sql.Datum)) (int64, error) {
	var n int64
	if forward {
		if c.atEnd || count <= 0 {
			return 0, nil
		}
		for count == fetchAll || n < count {
			r, ok, err := c.row(ctx, c.pos+1)
			if err != nil {
				return n, err
			}
			if !ok {
				c.atEnd = true
				break
			}
			c.pos++
			n++
			if emit != nil {
				emit(r)
			}
		}
		if n > 0 {
			c.atStart = false
		}
		return n, nil
	}
	if !c.scroll {
		return 0, errScanForward()
	}
	if c.atStart || count <= 0 {
		return 0, nil
	}
	// Going back from past the end starts at the last row.
	at := c.pos
	if c.atEnd {
		at = c.pos + 1
	}
	for (count == fetchAll || n < count) && at-1 >= 1 {
		at--
		r, _, err := c.row(ctx, at)
		if err != nil {
			return n, err
		}
		n++
		if emit != nil {
			emit(r)
		}
	}
	if n > 0 && c.atEnd {
		c.atEnd = false
	}
	if count == fetchAll || n < count {
		c.atStart, c.pos = true, 0
	} else {
		c.pos = at
	}
	return n, nil
}

// rewind is PostgreSQL's DoPortalRewind.
func (c *sqlCursor) rewind() error {
	if c.atStart && !c.atEnd {
		return nil
	}
	if !c.scroll {
		return errScanForward()
	}
	c.pos, c.atStart, c.atEnd = 0, true, false
	return nil
}

// fetch is PostgreSQL's DoPortalRunFetch for FETCH (emit set) and MOVE
// (emit nil); it returns the count for the command tag.
func (c *sqlCursor) fetch(ctx context.Context, dir pg_query.FetchDirection, count int64, emit func([]sql.Datum)) (int64, error) {
	switch dir {
	case pg_query.FetchDirection_FETCH_FORWARD:
		if count < 0 {
			dir, count = pg_query.FetchDirection_FETCH_BACKWARD, -count
		}
	case pg_query.FetchDirection_FETCH_BACKWARD:
		if count < 0 {
			dir, count = pg_query.FetchDirection_FETCH_FORWARD, -count
		}
	case pg_query.FetchDirection_FETCH_ABSOLUTE:
		switch {
		case count > 0:
			if count-1 <= c.pos/2 {
				if err := c.rewind(); err != nil {
					return 0, err
				}
				if count > 1 {
					if _, err := c.runSelect(ctx, true, count-1, nil); err != nil {
						return 0, err
					}
				}
			} else {
				pos := c.pos
				if c.atEnd {
					pos++
				}
				if count <= pos {
					if _, err := c.runSelect(ctx, false, pos-count+1, nil); err != nil {
						return 0, err
					}
				} else if count > pos+1 {
					if _, err := c.runSelect(ctx, true, count-pos-1, nil); err != nil {
						return 0, err
					}
				}
			}
			return c.runSelect(ctx, true, 1, emit)
		case count < 0:
			if _, err := c.runSelect(ctx, true, fetchAll, nil); err != nil {
				return 0, err
			}
			if count < -1 {
				if _, err := c.runSelect(ctx, false, -count-1, nil); err != nil {
					return 0, err
				}
			}
			return c.runSelect(ctx, false, 1, emit)
		default:
			if err := c.rewind(); err != nil {
				return 0, err
			}
			return 0, nil
		}
	case pg_query.FetchDirection_FETCH_RELATIVE:
		switch {
		case count > 0:
			if count > 1 {
				if _, err := c.runSelect(ctx, true, count-1, nil); err != nil {
					return 0, err
				}
			}
			return c.runSelect(ctx, true, 1, emit)
		case count < 0:
			if count < -1 {
				if _, err := c.runSelect(ctx, false, -count-1, nil); err != nil {
					return 0, err
				}
			}
			return c.runSelect(ctx, false, 1, emit)
		}
		dir = pg_query.FetchDirection_FETCH_FORWARD
	}
	forward := dir == pg_query.FetchDirection_FETCH_FORWARD
	if count == 0 {
		onRow := !c.atStart && !c.atEnd
		if emit == nil {
			if onRow {
				return 1, nil
			}
			return 0, nil
		}
		if onRow {
			// Back up one so the current row is fetched again.
			if _, err := c.runSelect(ctx, false, 1, nil); err != nil {
				return 0, err
			}
			count, forward = 1, true
		}
	}
	if !forward && count == fetchAll && emit == nil {
		n := c.pos
		if n > 0 && !c.atEnd {
			n--
		}
		if err := c.rewind(); err != nil {
			return 0, err
		}
		return n, nil
	}
	return c.runSelect(ctx, forward, count, emit)
}

// materialize reads the rest of a WITH HOLD cursor's rows while its
// transaction is still open, so it can outlive it.
func (c *sqlCursor) materialize(ctx context.Context) error {
	if c.err != nil {
		return c.err
	}
	for c.src != nil {
		r, err := c.src.Next(ctx)
		if err != nil {
			return err
		}
		if r == nil {
			c.src.Close()
			c.src = nil
			break
		}
		c.buf = append(c.buf, slices.Clone(r))
	}
	c.x = nil
	return nil
}

func (c *sqlCursor) close() {
	if c.src != nil {
		c.src.Close()
		c.src = nil
	}
	c.buf = nil
}

// planDeclareCursor plans DECLARE name [BINARY] [NO SCROLL|SCROLL] CURSOR
// [WITH HOLD|WITHOUT HOLD] FOR query. The query runs at once (so its
// scans read the snapshot of the DECLARE); FETCH reads its rows.
func (b *builder) planDeclareCursor(dc *pg_query.DeclareCursorStmt) (*plan, error) {
	if dc.Options&cursorOptBinary != 0 {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "DECLARE BINARY CURSOR is not supported yet")
	}
	if dc.Options&cursorOptScroll != 0 && dc.Options&cursorOptNoScroll != 0 {
		return nil, sql.Errorf(codeInvalidCursorDefinition, "cannot specify both SCROLL and NO SCROLL")
	}
	if dc.Query.GetSelectStmt() == nil {
		return nil, sql.Errorf(codeInvalidCursorDefinition, "DECLARE CURSOR must be a SELECT")
	}
	inner, err := b.planStatement(dc.Query)
	if err != nil {
		return nil, err
	}
	name := dc.Portalname
	hold := dc.Options&cursorOptHold != 0
	scroll := dc.Options&cursorOptScroll != 0
	return &plan{usesCatalog: inner.usesCatalog, run: func(x *execCtx) (Cursor, error) {
		s := x.s
		if !hold && !s.explicit {
			return nil, sql.Errorf(sql.CodeNoActiveSQLTransaction, "DECLARE CURSOR can only be used in transaction blocks")
		}
		if _, ok := s.cursors[name]; ok {
			return nil, sql.Errorf(codeDuplicateCursor, "cursor \"%s\" already exists", name)
		}
		src, err := inner.run(x)
		if err != nil {
			return nil, err
		}
		s.cursorSerial++
		c := &sqlCursor{name: name, cols: src.Columns(), scroll: scroll, hold: hold,
			serial: s.cursorSerial, txnGen: s.txnGen, src: src, x: x, atStart: true}
		// Reading the first row opens the plan's scans now, under the
		// DECLARE's snapshot, as PostgreSQL's cursor sees the data as of
		// its DECLARE; an error waits for the FETCH that reaches it.
		if _, _, err := c.row(x.ctx, 1); err != nil {
			c.err = err
			if c.src != nil {
				c.src.Close()
				c.src = nil
			}
		}
		if s.cursors == nil {
			s.cursors = map[string]*sqlCursor{}
		}
		s.cursors[name] = c
		return &listCursor{tag: "DECLARE CURSOR"}, nil
	}}, nil
}

// planFetch plans FETCH and MOVE. The result columns are the cursor's as
// it is when the statement is planned (so a Describe of a FETCH shows
// them); a cursor missing then is reported when the FETCH runs.
func (b *builder) planFetch(fs *pg_query.FetchStmt) (*plan, error) {
	name := fs.Portalname
	var cols []ResultColumn
	if c, ok := b.s.cursors[name]; ok && !fs.Ismove {
		cols = c.cols
	}
	return &plan{columns: cols, run: func(x *execCtx) (Cursor, error) {
		c, ok := x.s.cursors[name]
		if !ok {
			return nil, sql.Errorf(sql.CodeInvalidCursorName, "cursor \"%s\" does not exist", name)
		}
		if c.x != nil {
			c.x.deadline = x.deadline
		}
		if fs.Ismove {
			n, err := c.fetch(x.ctx, fs.Direction, fs.HowMany, nil)
			if err != nil {
				return nil, err
			}
			return &listCursor{tag: "MOVE " + strconv.FormatInt(n, 10)}, nil
		}
		var rows [][]sql.Datum
		n, err := c.fetch(x.ctx, fs.Direction, fs.HowMany, func(r []sql.Datum) {
			rows = append(rows, r)
		})
		if err != nil {
			return nil, err
		}
		return &listCursor{cols: c.cols, rows: rows, tag: "FETCH " + strconv.FormatInt(n, 10)}, nil
	}}, nil
}

// planClosePortal plans CLOSE name and CLOSE ALL.
func (b *builder) planClosePortal(cp *pg_query.ClosePortalStmt) (*plan, error) {
	name := cp.Portalname
	if name == "" {
		return b.utility("CLOSE CURSOR ALL", func(x *execCtx) error {
			x.s.closeCursors(func(*sqlCursor) bool { return true })
			return nil
		}), nil
	}
	return b.utility("CLOSE CURSOR", func(x *execCtx) error {
		c, ok := x.s.cursors[name]
		if !ok {
			return sql.Errorf(sql.CodeInvalidCursorName, "cursor \"%s\" does not exist", name)
		}
		c.close()
		delete(x.s.cursors, name)
		return nil
	}), nil
}

// closeCursors closes and forgets the cursors drop selects.
func (s *Session) closeCursors(drop func(*sqlCursor) bool) {
	for name, c := range s.cursors {
		if drop(c) {
			c.close()
			delete(s.cursors, name)
		}
	}
}

// closeCursorsAfter closes the cursors declared after the savepoint with
// cursor serial serial (ROLLBACK TO).
func (s *Session) closeCursorsAfter(serial uint64) {
	s.closeCursors(func(c *sqlCursor) bool { return c.serial > serial })
}

// holdCursorsAtCommit materializes the WITH HOLD cursors the committing
// transaction declared and closes its other cursors.
func (s *Session) holdCursorsAtCommit(ctx context.Context) error {
	if len(s.cursors) == 0 {
		return nil
	}
	// The reads run under the committing statement's statement_timeout
	// (ctx carries it), not the DECLARE's or the last FETCH's, which may
	// have passed while the transaction stayed open.
	deadline, _ := ctx.Deadline()
	for _, c := range s.cursors {
		if c.hold && c.txnGen == s.txnGen {
			if c.x != nil {
				c.x.deadline = deadline
			}
			if err := c.materialize(ctx); err != nil {
				return err
			}
		}
	}
	s.closeCursors(func(c *sqlCursor) bool { return !c.hold })
	return nil
}

// dropCursorsAtRollback closes the cursors of a transaction that rolls
// back, WITH HOLD ones it declared included; held cursors of earlier
// transactions stay.
func (s *Session) dropCursorsAtRollback() {
	if len(s.cursors) == 0 {
		return
	}
	s.closeCursors(func(c *sqlCursor) bool { return !c.hold || c.txnGen == s.txnGen })
}

// CursorColumns returns the result columns of the SQL cursor name, for a
// protocol-level Describe of a portal of that name: in PostgreSQL a
// DECLAREd cursor is a portal too, and psycopg 3 describes its named
// cursors that way. ok is false when no such cursor is open.
func (s *Session) CursorColumns(name string) (cols []ResultColumn, ok bool) {
	c, ok := s.cursors[name]
	if !ok {
		return nil, false
	}
	return c.cols, true
}
