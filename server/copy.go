package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/sql"
)

// This file is the wire side of COPY: the CopyIn/CopyOut sub-protocols and
// the text, csv and binary COPY formats, following PostgreSQL 15's
// copyfromparse.c and copyto.c so that the same bytes go in and come out.

// copySignature starts every binary COPY stream.
var copySignature = []byte("PGCOPY\n\377\r\n\x00")

// maxCopyPending bounds the input buffered for one unfinished row.
const maxCopyPending = 1 << 30

// codeCharacterNotInRepertoire is the SQLSTATE of invalid UTF-8 input.
const codeCharacterNotInRepertoire = "22021"

// runCopy runs cur's COPY sub-protocol when cur is a COPY FROM STDIN or
// COPY TO STDOUT cursor; copying is false (and nothing is sent) for any
// other cursor. On success the caller sends CommandComplete with
// cur.Tag(). A *fatal error means the connection is lost.
func (c *conn) runCopy(ctx context.Context, cur planner.Cursor) (copying bool, err error) {
	if src, ok := cur.(planner.CopyInSource); ok {
		return true, c.copyIn(ctx, src.CopyIn())
	}
	if src, ok := cur.(planner.CopyOutSource); ok {
		return true, c.copyOut(ctx, cur, src.CopyOutOptions())
	}
	return false, nil
}

// isCopyCursor reports whether cur belongs to a COPY statement, which like
// any utility statement describes as NoData.
func isCopyCursor(cur planner.Cursor) bool {
	switch cur.(type) {
	case planner.CopyInSource, planner.CopyOutSource:
		return true
	}
	return false
}

// copyFormatCodes returns the overall and per-column format codes of a
// CopyInResponse or CopyOutResponse.
func copyFormatCodes(o planner.CopyOptions, ncols int) (byte, []uint16) {
	var f uint16
	if o.Format == "binary" {
		f = 1
	}
	codes := make([]uint16, ncols)
	for i := range codes {
		codes[i] = f
	}
	return byte(f), codes
}

// copyIn runs COPY FROM STDIN: it reads CopyData until CopyDone and hands
// each decoded row to ci.AddRow. Like PostgreSQL, an error is reported at
// once; CopyData/CopyDone/CopyFail the client still sends afterwards are
// dropped by the main loop (and, in the extended protocol, everything up to
// Sync).
func (c *conn) copyIn(ctx context.Context, ci *planner.CopyIn) error {
	r, err := newCopyReader(ci.Columns, ci.Options, c.fo)
	if err != nil {
		return err
	}
	r.table = ci.Table()
	overall, codes := copyFormatCodes(ci.Options, len(ci.Columns))
	c.be.Send(&pgproto3.CopyInResponse{OverallFormat: overall, ColumnFormatCodes: codes})
	if err := c.be.Flush(); err != nil {
		return &fatal{err: sql.Errorf(sql.CodeConnectionException, "could not send data to client: %v", err)}
	}
	emit := func(row []sql.Datum) error { return ci.AddRow(ctx, row) }
	for {
		msg, err := c.be.Receive()
		if err != nil {
			return c.copyReceiveError(err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		switch m := msg.(type) {
		case *pgproto3.CopyData:
			if err := r.feed(m.Data, emit); err != nil {
				return err
			}
		case *pgproto3.CopyDone:
			return r.finish(emit)
		case *pgproto3.CopyFail:
			return sql.Errorf(sql.CodeQueryCanceled, "COPY from stdin failed: %s", m.Message)
		case *pgproto3.Flush, *pgproto3.Sync:
			// PostgreSQL ignores these while copying, for the sake of
			// clients (libpq among them) that send them without noticing
			// that the statement was a COPY.
		default:
			return sql.Errorf(sql.CodeProtocolViolation, "unexpected message type 0x%02X during COPY from stdin", messageType(msg))
		}
	}
}

// copyReceiveError turns a failed read in the middle of COPY FROM STDIN
// into an error that closes the connection.
func (c *conn) copyReceiveError(err error) error {
	err = c.receiveError(err)
	var f *fatal
	if errors.As(err, &f) {
		return err
	}
	return newFatal(sql.CodeProtocolViolation, "unexpected EOF on client connection with an open transaction")
}

// copyOut runs COPY TO STDOUT: one CopyData per row, then CopyDone.
func (c *conn) copyOut(ctx context.Context, cur planner.Cursor, o planner.CopyOptions) error {
	cols := cur.Columns()
	w, err := newCopyWriter(cols, o, c.fo)
	if err != nil {
		return err
	}
	overall, codes := copyFormatCodes(o, len(cols))
	c.be.Send(&pgproto3.CopyOutResponse{OverallFormat: overall, ColumnFormatCodes: codes})
	buffered := 0
	var total int64
	send := func(b []byte) error {
		// A key's result-size cap applies to COPY TO as to SELECT.
		if total += int64(len(b)); c.overResultCap(total) {
			return c.resultCapError()
		}
		// pgproto3 encodes the message at Send time, so b may be reused.
		c.be.Send(&pgproto3.CopyData{Data: b})
		buffered += len(b) + 5
		if buffered >= flushThreshold {
			buffered = 0
			return c.be.Flush()
		}
		return nil
	}
	if line := w.header(); line != nil {
		if err := send(line); err != nil {
			return err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		row, err := cur.Next(ctx)
		if err != nil {
			return err
		}
		if row == nil {
			break
		}
		line, err := w.row(row)
		if err != nil {
			return err
		}
		if err := send(line); err != nil {
			return err
		}
	}
	if tr := w.trailer(); tr != nil {
		c.be.Send(&pgproto3.CopyData{Data: tr})
	}
	c.be.Send(&pgproto3.CopyDone{})
	return nil
}

// copyWriter formats rows for COPY TO.
type copyWriter struct {
	cols   []planner.ResultColumn
	o      planner.CopyOptions
	fo     *sql.FormatOptions
	delim  byte
	quote  byte
	escape byte
	buf    []byte
	// pending holds the binary file header, sent with the first row as
	// PostgreSQL does.
	pending []byte
}

func newCopyWriter(cols []planner.ResultColumn, o planner.CopyOptions, fo *sql.FormatOptions) (*copyWriter, error) {
	w := &copyWriter{cols: cols, o: o, fo: fo}
	if err := w.checkOptions(); err != nil {
		return nil, err
	}
	if o.Format == "binary" {
		w.pending = append(append([]byte(nil), copySignature...), 0, 0, 0, 0, 0, 0, 0, 0)
	}
	return w, nil
}

// checkOptions validates the single-byte options and caches them.
func (w *copyWriter) checkOptions() error {
	var err error
	w.delim, w.quote, w.escape, err = singleByteOptions(w.o)
	return err
}

// singleByteOptions returns the delimiter, quote and escape bytes.
func singleByteOptions(o planner.CopyOptions) (delim, quote, escape byte, err error) {
	if o.Format == "binary" {
		return 0, 0, 0, nil
	}
	if len(o.Delimiter) != 1 {
		return 0, 0, 0, sql.Errorf(sql.CodeFeatureNotSupported, "COPY delimiter must be a single one-byte character")
	}
	delim = o.Delimiter[0]
	if o.Format == "csv" {
		if len(o.Quote) != 1 {
			return 0, 0, 0, sql.Errorf(sql.CodeFeatureNotSupported, "COPY quote must be a single one-byte character")
		}
		if len(o.Escape) != 1 {
			return 0, 0, 0, sql.Errorf(sql.CodeFeatureNotSupported, "COPY escape must be a single one-byte character")
		}
		quote, escape = o.Quote[0], o.Escape[0]
		if delim == quote {
			return 0, 0, 0, sql.Errorf(sql.CodeInvalidParameterValue, "COPY delimiter and quote must be different")
		}
	}
	if delim == '\r' || delim == '\n' {
		return 0, 0, 0, sql.Errorf(sql.CodeInvalidParameterValue, "COPY delimiter cannot be newline or carriage return")
	}
	return delim, quote, escape, nil
}

// header returns the HEADER line of a text or csv COPY TO, or nil.
func (w *copyWriter) header() []byte {
	if !w.o.Header || w.o.Format == "binary" {
		return nil
	}
	w.buf = w.buf[:0]
	for i, col := range w.cols {
		if i > 0 {
			w.buf = append(w.buf, w.delim)
		}
		if w.o.Format == "csv" {
			w.buf = w.appendCSV(w.buf, []byte(col.Name), false)
		} else {
			w.buf = w.appendText(w.buf, []byte(col.Name))
		}
	}
	return append(w.buf, '\n')
}

// row formats one row; the result is valid until the next call.
func (w *copyWriter) row(row []sql.Datum) ([]byte, error) {
	w.buf = append(w.buf[:0], w.pending...)
	w.pending = nil
	if w.o.Format == "binary" {
		w.buf = binary.BigEndian.AppendUint16(w.buf, uint16(len(row)))
		for i, d := range row {
			if d == nil {
				w.buf = binary.BigEndian.AppendUint32(w.buf, 0xFFFFFFFF)
				continue
			}
			at := len(w.buf)
			w.buf = append(w.buf, 0, 0, 0, 0)
			var err error
			w.buf, err = sql.AppendBinary(w.buf, w.colType(i), d)
			if err != nil {
				return nil, fmt.Errorf("copy out column %d: %w", i+1, err)
			}
			binary.BigEndian.PutUint32(w.buf[at:], uint32(len(w.buf)-at-4))
		}
		return w.buf, nil
	}
	var val []byte
	for i, d := range row {
		if i > 0 {
			w.buf = append(w.buf, w.delim)
		}
		if d == nil {
			w.buf = append(w.buf, w.o.Null...)
			continue
		}
		val = sql.AppendText(val[:0], w.colType(i), d, w.fo)
		if w.o.Format == "csv" {
			w.buf = w.appendCSV(w.buf, val, len(row) == 1)
		} else {
			w.buf = w.appendText(w.buf, val)
		}
	}
	return append(w.buf, '\n'), nil
}

// trailer returns the binary file trailer (with the header if no row was
// sent), or nil for text and csv.
func (w *copyWriter) trailer() []byte {
	if w.o.Format != "binary" {
		return nil
	}
	return append(w.pending, 0xFF, 0xFF)
}

func (w *copyWriter) colType(i int) sql.Type {
	if i < len(w.cols) {
		return w.cols[i].Type
	}
	return sql.TypeText
}

// appendText is CopyAttributeOutText: backslash, the delimiter and the
// control characters with a C escape are backslash-escaped.
func (w *copyWriter) appendText(dst, s []byte) []byte {
	for _, ch := range s {
		if ch < 0x20 {
			esc := byte(0)
			switch ch {
			case '\b':
				esc = 'b'
			case '\f':
				esc = 'f'
			case '\n':
				esc = 'n'
			case '\r':
				esc = 'r'
			case '\t':
				esc = 't'
			case '\v':
				esc = 'v'
			default:
				if ch == w.delim {
					esc = ch
				}
			}
			if esc != 0 {
				dst = append(dst, '\\', esc)
				continue
			}
			dst = append(dst, ch)
			continue
		}
		if ch == '\\' || ch == w.delim {
			dst = append(dst, '\\')
		}
		dst = append(dst, ch)
	}
	return dst
}

// appendCSV is CopyAttributeOutCSV: a value is quoted when it could be
// mistaken for NULL, the end marker, or contains a delimiter, quote or
// line break; inside quotes the quote and escape characters are escaped.
func (w *copyWriter) appendCSV(dst, s []byte, singleAttr bool) []byte {
	quote := string(s) == w.o.Null
	if !quote && singleAttr && string(s) == `\.` {
		quote = true
	}
	if !quote {
		for _, ch := range s {
			if ch == w.delim || ch == w.quote || ch == '\n' || ch == '\r' {
				quote = true
				break
			}
		}
	}
	if !quote {
		return append(dst, s...)
	}
	dst = append(dst, w.quote)
	for _, ch := range s {
		if ch == w.quote || ch == w.escape {
			dst = append(dst, w.escape)
		}
		dst = append(dst, ch)
	}
	return append(dst, w.quote)
}

// End-of-line styles of a text or csv COPY stream; the first line sets it
// and every later line must use the same one.
const (
	eolUnknown = iota
	eolNL
	eolCR
	eolCRNL
)

// copyReader decodes a COPY FROM stream that arrives in arbitrary pieces.
// Text and csv input is split into lines (CopyReadLineText), then into
// fields; binary input into tuples. Incomplete input stays in buf until
// more arrives.
type copyReader struct {
	cols   []planner.ResultColumn
	o      planner.CopyOptions
	fo     *sql.FormatOptions
	delim  byte
	quote  byte
	escape byte
	null   []byte

	buf []byte
	off int // start of unconsumed input in buf

	// Line scanning state, kept across feeds so a long line is scanned
	// once: pos is how far past off the current line has been scanned.
	pos        int
	inQuote    bool
	lastWasEsc bool
	eol        int
	headerDone bool
	// ended is set after the \. end marker (text, csv) or the -1 trailer
	// (binary).
	ended bool

	binHeaderDone bool

	field  []byte // reused decode buffer
	fields []copyField

	// table and line (1-based, the header included) place an error in
	// its CONTEXT line, as PostgreSQL's COPY does.
	table string
	line  int
}

// copyField is one field of a line: raw is its input text, null whether it
// is NULL.
type copyField struct {
	val  []byte
	null bool
}

func newCopyReader(cols []planner.ResultColumn, o planner.CopyOptions, fo *sql.FormatOptions) (*copyReader, error) {
	r := &copyReader{cols: cols, o: o, fo: fo, null: []byte(o.Null)}
	var err error
	r.delim, r.quote, r.escape, err = singleByteOptions(o)
	if err != nil {
		return nil, err
	}
	if !o.Header {
		r.headerDone = true
	}
	return r, nil
}

// feed adds one CopyData payload and emits every row completed by it.
func (r *copyReader) feed(data []byte, emit func([]sql.Datum) error) error {
	if r.ended && r.o.Format != "binary" {
		// PostgreSQL ignores everything after \. up to CopyDone.
		return nil
	}
	if r.off > 0 && r.off >= len(r.buf)/2 {
		n := copy(r.buf, r.buf[r.off:])
		r.buf = r.buf[:n]
		r.off = 0
	}
	if len(r.buf)-r.off+len(data) > maxCopyPending {
		// Like PostgreSQL's 1 GB string buffer limit: a row may not grow
		// without bound while we wait for its end.
		return sql.Errorf(sql.CodeProgramLimitExceeded, "out of memory").
			WithDetail("Cannot enlarge string buffer containing %d bytes by %d more bytes.", len(r.buf)-r.off, len(data))
	}
	r.buf = append(r.buf, data...)
	return r.drain(false, emit)
}

// finish handles CopyDone: the rest of the input is the last row.
func (r *copyReader) finish(emit func([]sql.Datum) error) error {
	return r.drain(true, emit)
}

func (r *copyReader) drain(eof bool, emit func([]sql.Datum) error) error {
	if r.o.Format == "binary" {
		return r.drainBinary(eof, emit)
	}
	for !r.ended {
		line, ok, err := r.nextLine(eof)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		r.line++
		if !r.headerDone {
			r.headerDone = true
			continue
		}
		if r.ended && len(line) == 0 {
			// The marker was alone on its line.
			return nil
		}
		row, col, err := r.decodeLine(line)
		if err != nil {
			return r.context(err, col, line)
		}
		if err := emit(row); err != nil {
			return r.context(err, -2, nil)
		}
	}
	return nil
}

// context adds PostgreSQL's CONTEXT line to an error of the current line:
// `COPY t, line 3, column c: "value"` for a bad field (col >= 0), `COPY t,
// line 3: "the line"` for a malformed line (col -1), `COPY t, line 3` for
// an error storing the row (col -2).
func (r *copyReader) context(err error, col int, line []byte) error {
	if r.table == "" {
		return err
	}
	se := sql.Wrap(err)
	if se.Where != "" {
		return err
	}
	e := *se
	switch {
	case col >= 0 && col < len(r.fields) && col < len(r.cols):
		e.Where = fmt.Sprintf("COPY %s, line %d, column %s: \"%s\"", r.table, r.line, r.cols[col].Name, r.fields[col].val)
	case col == -1:
		e.Where = fmt.Sprintf("COPY %s, line %d: \"%s\"", r.table, r.line, line)
	default:
		e.Where = fmt.Sprintf("COPY %s, line %d", r.table, r.line)
	}
	return &e
}

// nextLine returns the next complete line without its terminator. ok is
// false when more input is needed (or, at eof, when there is none left).
// It sets r.ended when the line ended at the \. marker. The line is valid
// until the next feed.
func (r *copyReader) nextLine(eof bool) (line []byte, ok bool, err error) {
	b := r.buf[r.off:]
	if len(b) == 0 && eof {
		return nil, false, nil
	}
	csv := r.o.Format == "csv"
	escape := r.escape
	if escape == r.quote {
		// The quote then simply toggles (PostgreSQL sets escapec to 0).
		escape = 0
	}
	i := r.pos
	// more reports whether the scan must stop to wait for input: the
	// byte at index j is needed but not there yet.
	more := func(j int) bool { return j >= len(b) && !eof }
	at := func(j int) byte {
		if j < len(b) {
			return b[j]
		}
		return 0 // as PostgreSQL's zero pad at the end of input
	}
	for {
		if i >= len(b) {
			if !eof {
				r.pos = i
				return nil, false, nil
			}
			// The last line has no terminator.
			return r.takeLine(b, len(b), len(b)), true, nil
		}
		ch := b[i]
		if csv {
			// Look ahead before changing the quote state, as PostgreSQL
			// does, in case \ or \r is also the quote or escape.
			if (ch == '\\' || ch == '\r') && more(i+1) {
				r.pos = i
				return nil, false, nil
			}
			if r.inQuote && ch == escape {
				r.lastWasEsc = !r.lastWasEsc
			}
			if ch == r.quote && !r.lastWasEsc {
				r.inQuote = !r.inQuote
			}
			if ch != escape {
				r.lastWasEsc = false
			}
		}
		if ch == '\r' && (!csv || !r.inQuote) {
			if r.eol == eolUnknown || r.eol == eolCRNL {
				if more(i + 1) {
					r.pos = i
					return nil, false, nil
				}
				if at(i+1) == '\n' {
					r.eol = eolCRNL
					return r.takeLine(b, i, i+2), true, nil
				}
				if r.eol == eolCRNL {
					return nil, false, r.literalCR()
				}
				r.eol = eolCR
				return r.takeLine(b, i, i+1), true, nil
			}
			if r.eol == eolNL {
				return nil, false, r.literalCR()
			}
			return r.takeLine(b, i, i+1), true, nil
		}
		if ch == '\n' && (!csv || !r.inQuote) {
			if r.eol == eolCR || r.eol == eolCRNL {
				return nil, false, r.literalNL()
			}
			r.eol = eolNL
			return r.takeLine(b, i, i+1), true, nil
		}
		if ch == '\\' && (!csv || i == 0) {
			if more(i + 1) {
				r.pos = i
				return nil, false, nil
			}
			if at(i+1) == '.' {
				line, state, err := r.endMarker(b, i, eof)
				switch {
				case err != nil:
					return nil, false, err
				case state == markerEnd:
					return line, true, nil
				case state == markerNeedMore:
					r.pos = i
					return nil, false, nil
				}
				// markerData: in csv, \. followed by more text is data.
			} else if !csv {
				// Anything after a backslash is data, even a newline.
				i++
			}
		}
		i++
	}
}

// Outcomes of endMarker.
const (
	markerEnd = iota
	markerNeedMore
	markerData
)

// endMarker handles \. at b[i] (CopyReadLineText): it returns the line
// before the marker and markerEnd when the marker ends the data,
// markerNeedMore when the bytes after it have not arrived yet, and
// markerData when (in csv only) the \. turns out to be data.
func (r *copyReader) endMarker(b []byte, i int, eof bool) ([]byte, int, error) {
	csv := r.o.Format == "csv"
	corrupt := func(msg string) ([]byte, int, error) {
		if csv {
			return nil, markerData, nil
		}
		return nil, 0, sql.Errorf(sql.CodeBadCopyFileFormat, "%s", msg)
	}
	j := i + 2
	need := 1
	if r.eol == eolCRNL {
		need = 2
	}
	if j+need > len(b) && !eof {
		return nil, markerNeedMore, nil
	}
	at := func(k int) byte {
		if k < len(b) {
			return b[k]
		}
		return 0 // as PostgreSQL's zero pad at the end of input
	}
	if r.eol == eolCRNL {
		c2 := at(j)
		j++
		if c2 == '\n' {
			if csv {
				return nil, markerData, nil
			}
			return nil, 0, sql.Errorf(sql.CodeBadCopyFileFormat, "end-of-copy marker does not match previous newline style")
		}
		if c2 != '\r' {
			return corrupt("end-of-copy marker corrupt")
		}
	}
	c2 := at(j)
	if c2 != '\r' && c2 != '\n' {
		return corrupt("end-of-copy marker corrupt")
	}
	if (r.eol == eolNL && c2 != '\n') || (r.eol == eolCRNL && c2 != '\n') || (r.eol == eolCR && c2 != '\r') {
		return nil, 0, sql.Errorf(sql.CodeBadCopyFileFormat, "end-of-copy marker does not match previous newline style")
	}
	r.ended = true
	// Everything after the marker is ignored, as PostgreSQL does.
	return r.takeLine(b, i, len(b)), markerEnd, nil
}

// takeLine returns b[:end] as the current line and consumes b[:next].
func (r *copyReader) takeLine(b []byte, end, next int) []byte {
	line := b[:end]
	r.off += next
	r.pos = 0
	r.inQuote, r.lastWasEsc = false, false
	return line
}

func (r *copyReader) literalCR() error {
	if r.o.Format == "csv" {
		return sql.Errorf(sql.CodeBadCopyFileFormat, "unquoted carriage return found in data").
			WithHint("Use quoted CSV field to represent carriage return.")
	}
	return sql.Errorf(sql.CodeBadCopyFileFormat, "literal carriage return found in data").
		WithHint("Use \"\\r\" to represent carriage return.")
}

func (r *copyReader) literalNL() error {
	if r.o.Format == "csv" {
		return sql.Errorf(sql.CodeBadCopyFileFormat, "unquoted newline found in data").
			WithHint("Use quoted CSV field to represent newline.")
	}
	return sql.Errorf(sql.CodeBadCopyFileFormat, "literal newline found in data").
		WithHint("Use \"\\n\" to represent newline.")
}

// decodeLine splits a line into fields and converts them to the columns'
// types, reporting errors in PostgreSQL's order: too many fields first,
// then column by column a conversion error or a missing field.
// col is the column a conversion error is in, -1 when the line itself is
// malformed.
func (r *copyReader) decodeLine(line []byte) (row []sql.Datum, col int, err error) {
	if !utf8.Valid(line) {
		return nil, -1, invalidUTF8(line)
	}
	if r.o.Format == "csv" {
		err = r.splitCSV(line)
	} else {
		r.splitText(line)
	}
	if err != nil {
		return nil, -1, err
	}
	if len(r.cols) > 0 && len(r.fields) > len(r.cols) {
		return nil, -1, sql.Errorf(sql.CodeBadCopyFileFormat, "extra data after last expected column")
	}
	row = make([]sql.Datum, len(r.cols))
	for i, c := range r.cols {
		if i >= len(r.fields) {
			return nil, -1, sql.Errorf(sql.CodeBadCopyFileFormat, "missing data for column \"%s\"", c.Name)
		}
		f := r.fields[i]
		if f.null {
			continue
		}
		if !utf8.Valid(f.val) {
			return nil, i, invalidUTF8(f.val)
		}
		d, err := sql.ParseText(c.Type, string(f.val), r.fo)
		if err != nil {
			return nil, i, err
		}
		row[i] = d
	}
	return row, 0, nil
}

// splitText is CopyReadAttributesText: fields end at an unescaped
// delimiter; a field whose raw text equals the NULL string is NULL.
func (r *copyReader) splitText(line []byte) {
	r.fields = r.fields[:0]
	r.field = r.field[:0]
	i := 0
	for {
		start := i
		valStart := len(r.field)
		foundDelim := false
		for i < len(line) {
			ch := line[i]
			i++
			if ch == r.delim {
				foundDelim = true
				break
			}
			if ch != '\\' {
				r.field = append(r.field, ch)
				continue
			}
			if i >= len(line) {
				break
			}
			ch = line[i]
			i++
			switch ch {
			case '0', '1', '2', '3', '4', '5', '6', '7':
				val := int(ch - '0')
				for n := 0; n < 2 && i < len(line) && line[i] >= '0' && line[i] <= '7'; n++ {
					val = val<<3 + int(line[i]-'0')
					i++
				}
				ch = byte(val & 0o377)
			case 'x':
				if i < len(line) && isHex(line[i]) {
					val := hexVal(line[i])
					i++
					if i < len(line) && isHex(line[i]) {
						val = val<<4 + hexVal(line[i])
						i++
					}
					ch = byte(val)
				}
			case 'b':
				ch = '\b'
			case 'f':
				ch = '\f'
			case 'n':
				ch = '\n'
			case 'r':
				ch = '\r'
			case 't':
				ch = '\t'
			case 'v':
				ch = '\v'
			}
			r.field = append(r.field, ch)
		}
		end := i
		if foundDelim {
			end--
		}
		raw := line[start:end]
		r.fields = append(r.fields, copyField{val: r.field[valStart:], null: bytes.Equal(raw, r.null)})
		if !foundDelim {
			break
		}
	}
	// r.field may have grown (moved) while later fields were appended.
	r.fixFieldSlices()
}

// fixFieldSlices re-points every field at the final r.field buffer:
// appends may have reallocated it after earlier fields were sliced.
func (r *copyReader) fixFieldSlices() {
	pos := 0
	for i := range r.fields {
		n := len(r.fields[i].val)
		r.fields[i].val = r.field[pos : pos+n]
		pos += n
	}
}

// splitCSV is CopyReadAttributesCSV: quoted sections may contain the
// delimiter and line breaks; inside quotes the escape character escapes a
// quote or itself. Only an unquoted field equal to the NULL string is NULL.
func (r *copyReader) splitCSV(line []byte) error {
	r.fields = r.fields[:0]
	r.field = r.field[:0]
	i := 0
	for {
		start := i
		valStart := len(r.field)
		foundDelim, sawQuote := false, false
		end := i
	field:
		for {
			// Not in quotes.
			for {
				end = i
				if i >= len(line) {
					break field
				}
				ch := line[i]
				i++
				if ch == r.delim {
					foundDelim = true
					break field
				}
				if ch == r.quote {
					sawQuote = true
					break
				}
				r.field = append(r.field, ch)
			}
			// In quotes.
			for {
				if i >= len(line) {
					return sql.Errorf(sql.CodeBadCopyFileFormat, "unterminated CSV quoted field")
				}
				ch := line[i]
				i++
				if ch == r.escape && i < len(line) && (line[i] == r.escape || line[i] == r.quote) {
					r.field = append(r.field, line[i])
					i++
					continue
				}
				if ch == r.quote {
					break
				}
				r.field = append(r.field, ch)
			}
		}
		raw := line[start:end]
		r.fields = append(r.fields, copyField{val: r.field[valStart:], null: !sawQuote && bytes.Equal(raw, r.null)})
		if !foundDelim {
			break
		}
	}
	r.fixFieldSlices()
	return nil
}

func isHex(ch byte) bool {
	return ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f' || ch >= 'A' && ch <= 'F'
}

func hexVal(ch byte) int {
	switch {
	case ch >= '0' && ch <= '9':
		return int(ch - '0')
	case ch >= 'a' && ch <= 'f':
		return int(ch-'a') + 10
	default:
		return int(ch-'A') + 10
	}
}

// invalidUTF8 reports the first invalid sequence in b as PostgreSQL's
// report_invalid_encoding does.
func invalidUTF8(b []byte) error {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r != utf8.RuneError || size > 1 {
			b = b[size:]
			continue
		}
		n := 1
		switch {
		case b[0]&0xE0 == 0xC0:
			n = 2
		case b[0]&0xF0 == 0xE0:
			n = 3
		case b[0]&0xF8 == 0xF0:
			n = 4
		}
		n = min(n, len(b))
		var sb bytes.Buffer
		for k := 0; k < n; k++ {
			if k > 0 {
				sb.WriteByte(' ')
			}
			fmt.Fprintf(&sb, "0x%02x", b[k])
		}
		return sql.Errorf(codeCharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": %s", sb.String())
	}
	return sql.Errorf(codeCharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\"")
}

// drainBinary decodes the binary format: the header once, then tuples of
// int16 field count and int32-length-prefixed fields, up to an optional -1
// trailer after which no data may follow.
func (r *copyReader) drainBinary(eof bool, emit func([]sql.Datum) error) error {
	badFormat := func(msg string) error { return sql.Errorf(sql.CodeBadCopyFileFormat, "%s", msg) }
	if !r.binHeaderDone {
		b := r.buf[r.off:]
		if len(b) < len(copySignature) {
			if eof {
				return badFormat("COPY file signature not recognized")
			}
			return nil
		}
		if !bytes.Equal(b[:len(copySignature)], copySignature) {
			return badFormat("COPY file signature not recognized")
		}
		if len(b) < 15 {
			if eof {
				return badFormat("invalid COPY file header (missing flags)")
			}
			return nil
		}
		flags := binary.BigEndian.Uint32(b[11:])
		if flags&(1<<16) != 0 {
			return badFormat("invalid COPY file header (WITH OIDS)")
		}
		if (flags&^(1<<16))>>16 != 0 {
			return badFormat("unrecognized critical flags in COPY file header")
		}
		if len(b) < 19 {
			if eof {
				return badFormat("invalid COPY file header (missing length)")
			}
			return nil
		}
		ext := int32(binary.BigEndian.Uint32(b[15:]))
		if ext < 0 {
			return badFormat("invalid COPY file header (missing length)")
		}
		if int64(len(b)) < 19+int64(ext) {
			if eof {
				return badFormat("invalid COPY file header (wrong length)")
			}
			return nil
		}
		r.off += 19 + int(ext)
		r.binHeaderDone = true
	}
	for {
		b := r.buf[r.off:]
		if r.ended {
			if len(b) > 0 {
				return badFormat("received copy data after EOF marker")
			}
			return nil
		}
		if len(b) < 2 {
			// At the end, a missing (or cut) field count is the end of
			// the data, as in PostgreSQL.
			return nil
		}
		n := int16(binary.BigEndian.Uint16(b))
		if n == -1 {
			r.off += 2
			r.ended = true
			continue
		}
		if int(n) != len(r.cols) {
			return badFormat(fmt.Sprintf("row field count is %d, expected %d", n, len(r.cols)))
		}
		p := 2
		row := make([]sql.Datum, n)
		for i := range row {
			if len(b) < p+4 {
				if eof {
					return badFormat("unexpected EOF in COPY data")
				}
				return nil
			}
			l := int32(binary.BigEndian.Uint32(b[p:]))
			p += 4
			if l == -1 {
				continue
			}
			if l < 0 {
				return sql.Errorf(sql.CodeBadCopyFileFormat, "invalid field size")
			}
			if int64(len(b)) < int64(p)+int64(l) {
				if eof {
					return badFormat("unexpected EOF in COPY data")
				}
				return nil
			}
			if err := shortBinaryField(r.cols[i].Type, int(l)); err != nil {
				return err
			}
			// buf is reused: copy the field unless its decoder makes a
			// value of its own (bytea keeps its bytes).
			field := b[p : p+int(l)]
			if !sql.BinaryCopies(r.cols[i].Type) {
				field = bytes.Clone(field)
			}
			d, err := sql.ParseBinary(r.cols[i].Type, field)
			if err != nil {
				return err
			}
			row[i] = d
			p += int(l)
		}
		r.off += p
		if err := emit(row); err != nil {
			return err
		}
	}
}

// shortBinaryField reports a binary field too short for its fixed-size
// type as PostgreSQL's receive functions do (they read past the end of
// the field); a field that is too long is ParseBinary's 22P03.
func shortBinaryField(t sql.Type, n int) error {
	size := int(typeLen(t.OID))
	if size <= 0 || t.OID == sql.OIDName || n >= size {
		return nil
	}
	if size == 1 {
		return sql.Errorf(sql.CodeProtocolViolation, "no data left in message")
	}
	return sql.Errorf(sql.CodeProtocolViolation, "insufficient data left in message")
}
