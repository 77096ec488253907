package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/quartzdb/quartzdb/server"
	"github.com/quartzdb/quartzdb/testdata"
)

// copyConnect opens a pgx connection with the session time zone at UTC, so
// that timestamptz text is the same on QuartzDB and PostgreSQL.
func copyConnect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("parse dsn: %v", err)
	}
	cfg.RuntimeParams["timezone"] = "UTC"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// copyExec runs statements through the simple protocol and fails the test
// on an error.
func copyExec(t *testing.T, conn *pgx.Conn, stmts string) {
	t.Helper()
	if _, err := conn.PgConn().Exec(context.Background(), stmts).ReadAll(); err != nil {
		t.Fatalf("%s: %v", stmts, err)
	}
}

// copyDump renders the result of query as text, one line per row, NULL as
// <NULL>.
func copyDump(t *testing.T, conn *pgx.Conn, query string) string {
	t.Helper()
	res, err := conn.PgConn().Exec(context.Background(), query).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	var sb strings.Builder
	for _, r := range res {
		for _, row := range r.Rows {
			for i, v := range row {
				if i > 0 {
					sb.WriteByte('|')
				}
				if v == nil {
					sb.WriteString("<NULL>")
				} else {
					fmt.Fprintf(&sb, "%q", v)
				}
			}
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// copyOutcome is what a client sees of one COPY: its tag or its error.
func copyOutcome(tag pgconn.CommandTag, err error) string {
	if err == nil {
		return tag.String()
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		s := fmt.Sprintf("ERROR %s: %s", pe.Code, pe.Message)
		if pe.Hint != "" {
			s += " HINT: " + pe.Hint
		}
		return s
	}
	return "client error: " + err.Error()
}

// failingReader yields data and then a client-side error, which pgconn
// turns into CopyFail.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// oneByteReader reads one byte at a time, so pgconn sends every byte in a
// CopyData message of its own.
type oneByteReader struct{ r io.Reader }

func (o *oneByteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

// copyLoadTable is the table every COPY FROM case loads.
const copyLoadTable = `CREATE TABLE cl (a int4, b text, c numeric, d bool, e timestamptz)`

// copyFromCases are COPY FROM STDIN inputs whose tag or error and resulting
// table must be what PostgreSQL 15 produces.
var copyFromCases = []struct {
	name  string
	stmt  string
	input string
	fail  bool // the reader fails after input (CopyFail)
}{
	{name: "text basic", stmt: "COPY cl FROM STDIN",
		input: "1\tfoo\t1.50\tt\t2024-01-02 03:04:05+00\n2\t\\N\t\\N\t\\N\t\\N\n3\t\t-0.001\tfalse\t2000-02-29 12:00:00-05\n"},
	{name: "text escapes", stmt: "COPY cl (a, b) FROM STDIN",
		input: "1\ta\\tb\\nc\\\\d\\101\\x41\\x4g\\q\\b\\f\\r\\v\n2\tend\\\n3\tsplit\\\nline\n4\t\\N\\N\n"},
	{name: "text no final newline", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\n2\ty"},
	{name: "text end marker", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\n\\.\n2\tignored\n"},
	{name: "text end marker mid line", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\n2\t\\.\n3\tz\n"},
	{name: "text end marker at eof", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\n\\."},
	{name: "text crlf", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\r\n2\ty\r\n\\.\r\n"},
	{name: "text cr", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\r2\ty\r"},
	{name: "text crlf then lf", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\r\n2\ty\n"},
	{name: "text lf then cr", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\n2\ty\r\n"},
	{name: "text delimiter and null", stmt: "COPY cl (a, b, d) FROM STDIN (DELIMITER '|', NULL 'nil')",
		input: "1|a\\|b|nil\n2|nil|true\n3|\\N|f\n"},
	{name: "text header", stmt: "COPY cl (a, b) FROM STDIN (HEADER)", input: "a\tb\n1\tx\n"},
	{name: "text extra column", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\t3\n"},
	{name: "text missing column", stmt: "COPY cl (a, b) FROM STDIN", input: "1\n"},
	{name: "text bad int", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\nabc\ty\n"},
	{name: "text bad int before missing", stmt: "COPY cl (a, b) FROM STDIN", input: "abc\n"},
	{name: "text empty line", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\n\n"},
	{name: "text bad utf8 escape", stmt: "COPY cl (a, b) FROM STDIN", input: "1\t\\xe9\n"},
	{name: "text end marker corrupt", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\n\\.x\n"},
	{name: "csv basic", stmt: "COPY cl FROM STDIN (FORMAT csv)",
		input: "1,plain,1.5,t,2024-01-02 03:04:05+00\n2,\"a,b\",,,\n3,\"\",2,f,\n4,\"say \"\"hi\"\"\",3,true,\n5,\"two\nlines\",4,false,\n"},
	{name: "csv header", stmt: "COPY cl (a, b) FROM STDIN (FORMAT csv, HEADER true)",
		input: "a,b\n1,x\n2,\n"},
	{name: "csv null string", stmt: "COPY cl (a, b) FROM STDIN (FORMAT csv, NULL 'NULL')",
		input: "1,NULL\n2,\"NULL\"\n3,\n"},
	{name: "csv quote and escape", stmt: `COPY cl (a, b) FROM STDIN (FORMAT csv, QUOTE '''', ESCAPE '\')`,
		input: "1,'it\\'s'\n2,'back\\\\slash'\n3,'a\"b'\n"},
	{name: "csv delimiter", stmt: "COPY cl (a, b) FROM STDIN (FORMAT csv, DELIMITER ';')", input: "1;\"x;y\"\n2;a,b\n"},
	{name: "csv backslash data", stmt: "COPY cl (a, b) FROM STDIN (FORMAT csv)", input: "1,\\.\n2,a\\b\n\\.\n3,z\n"},
	{name: "csv crlf", stmt: "COPY cl (a, b) FROM STDIN (FORMAT csv)", input: "1,\"x\r\ny\"\r\n2,z\r\n"},
	{name: "csv unterminated", stmt: "COPY cl (a, b) FROM STDIN (FORMAT csv)", input: "1,\"abc\n"},
	{name: "csv unquoted cr", stmt: "COPY cl (a, b) FROM STDIN (FORMAT csv)", input: "1,a\n2,b\rc\n"},
	{name: "csv extra column", stmt: "COPY cl (a, b) FROM STDIN (FORMAT csv)", input: "1,x,y\n"},
	{name: "binary bad signature", stmt: "COPY cl (a) FROM STDIN (FORMAT binary)", input: "PGCOPY\nxxxxxxxxxxxx"},
	{name: "binary empty", stmt: "COPY cl (a) FROM STDIN (FORMAT binary)", input: ""},
	{name: "binary rows and trailer", stmt: "COPY cl (a, b) FROM STDIN (FORMAT binary)",
		input: "PGCOPY\n\377\r\n\x00" + "\x00\x00\x00\x00" + "\x00\x00\x00\x00" +
			"\x00\x02" + "\x00\x00\x00\x04\x00\x00\x00\x07" + "\x00\x00\x00\x02hi" +
			"\x00\x02" + "\x00\x00\x00\x04\x00\x00\x00\x08" + "\xff\xff\xff\xff" +
			"\xff\xff"},
	{name: "binary data after trailer", stmt: "COPY cl (a) FROM STDIN (FORMAT binary)",
		input: "PGCOPY\n\377\r\n\x00" + "\x00\x00\x00\x00" + "\x00\x00\x00\x00" + "\xff\xff" + "\x00"},
	{name: "binary field count", stmt: "COPY cl (a) FROM STDIN (FORMAT binary)",
		input: "PGCOPY\n\377\r\n\x00" + "\x00\x00\x00\x00" + "\x00\x00\x00\x00" + "\x00\x02"},
	{name: "binary truncated field", stmt: "COPY cl (a) FROM STDIN (FORMAT binary)",
		input: "PGCOPY\n\377\r\n\x00" + "\x00\x00\x00\x00" + "\x00\x00\x00\x00" + "\x00\x01\x00\x00\x00\x04\x00"},
	{name: "binary wrong int size", stmt: "COPY cl (a) FROM STDIN (FORMAT binary)",
		input: "PGCOPY\n\377\r\n\x00" + "\x00\x00\x00\x00" + "\x00\x00\x00\x00" + "\x00\x01\x00\x00\x00\x02\x00\x01"},
	{name: "copy fail", stmt: "COPY cl (a, b) FROM STDIN", input: "1\tx\n", fail: true},
}

// copyOutSetup is the data every COPY TO case reads.
const copyOutSetup = `CREATE TABLE co (a int4 PRIMARY KEY, b text, c numeric, d float8, e bool, f timestamptz, g int8);
INSERT INTO co VALUES
 (1, 'plain', 1.50, 1.5, true, '2024-01-02 03:04:05+00', 9223372036854775807),
 (2, NULL, NULL, NULL, NULL, NULL, NULL),
 (3, '', 0, 0.1, false, '1999-12-31 23:59:59.123456+00', -1),
 (4, E'tab\there', -123.456, -2.5e-10, true, '2000-02-29 12:00:00+05', 0),
 (5, E'new\nline and \r cr', 1e20, 1e100, false, '1970-01-01 00:00:00+00', 42),
 (6, E'back\\slash, comma "quote"', 0.000001, 123456789.125, true, '2038-01-19 03:14:08+00', -9223372036854775808),
 (7, '\.', 7, 7, true, '2024-06-30 23:59:59+00', 7),
 (8, E'ctl\x01\x7f|pipe é ü', 8, 8, false, '2024-07-01 00:00:00+00', 8),
 (9, 'nil', 9, 9, true, '2024-07-01 00:00:00+00', 9)`

// copyToStmts are COPY TO STDOUT statements whose bytes must equal
// PostgreSQL 15's.
var copyToStmts = []string{
	"COPY (SELECT * FROM co ORDER BY a) TO STDOUT",
	"COPY co TO STDOUT",
	"COPY (SELECT * FROM co ORDER BY a) TO STDOUT (FORMAT csv)",
	"COPY (SELECT * FROM co ORDER BY a) TO STDOUT (FORMAT csv, HEADER)",
	"COPY (SELECT a, b FROM co ORDER BY a) TO STDOUT (HEADER, DELIMITER '|', NULL 'nil')",
	"COPY (SELECT a, b FROM co ORDER BY a) TO STDOUT (FORMAT csv, NULL 'nil')",
	"COPY (SELECT b FROM co ORDER BY a) TO STDOUT (FORMAT csv)",
	"COPY (SELECT a, b FROM co ORDER BY a) TO STDOUT (FORMAT csv, QUOTE '''', ESCAPE '\\')",
	"COPY (SELECT a, b FROM co ORDER BY a) TO STDOUT (DELIMITER ',')",
	"COPY co (a, b) TO STDOUT",
	"COPY (SELECT * FROM co ORDER BY a) TO STDOUT (FORMAT binary)",
	"COPY (SELECT * FROM co WHERE a < 0) TO STDOUT (FORMAT binary)",
	"COPY (SELECT * FROM co WHERE a < 0) TO STDOUT (FORMAT csv, HEADER)",
}

// TestCopyMatchesPostgres runs the same COPY FROM inputs and COPY TO
// statements against QuartzDB and a real PostgreSQL 15 and compares what
// the client sees: tags, errors, loaded rows and output bytes.
func TestCopyMatchesPostgres(t *testing.T) {
	pg := testdata.StartPostgres(t)
	addr, password := server.StartTestServer(t)
	ours := copyConnect(t, dsn(addr, password))
	theirs := copyConnect(t, pg.DSN("postgres"))
	ctx := context.Background()

	t.Run("from", func(t *testing.T) {
		for _, tc := range copyFromCases {
			t.Run(tc.name, func(t *testing.T) {
				run := func(conn *pgx.Conn, split bool) string {
					copyExec(t, conn, "DROP TABLE IF EXISTS cl")
					copyExec(t, conn, copyLoadTable)
					var r io.Reader = strings.NewReader(tc.input)
					if tc.fail {
						r = &failingReader{data: []byte(tc.input), err: errors.New("client gave up")}
					}
					if split {
						// One CopyData message per byte.
						r = &oneByteReader{r: r}
					}
					tag, err := conn.PgConn().CopyFrom(ctx, r, tc.stmt)
					out := copyOutcome(tag, err) + "\n"
					// The connection must be usable after any outcome.
					return out + copyDump(t, conn, "SELECT a, b, c, d, e FROM cl ORDER BY a, b")
				}
				want := run(theirs, false)
				for _, split := range []bool{false, true} {
					if got := run(ours, split); got != want {
						t.Errorf("%s (split %v)\ninput %q\nQuartzDB:\n%s\nPostgreSQL:\n%s", tc.stmt, split, tc.input, got, want)
					}
				}
			})
		}
	})

	t.Run("to", func(t *testing.T) {
		for _, conn := range []*pgx.Conn{ours, theirs} {
			copyExec(t, conn, "DROP TABLE IF EXISTS co")
			copyExec(t, conn, copyOutSetup)
		}
		for _, stmt := range copyToStmts {
			t.Run(stmt, func(t *testing.T) {
				run := func(conn *pgx.Conn) (string, []byte) {
					var buf bytes.Buffer
					tag, err := conn.PgConn().CopyTo(ctx, &buf, stmt)
					return copyOutcome(tag, err), buf.Bytes()
				}
				gotTag, got := run(ours)
				wantTag, want := run(theirs)
				if gotTag != wantTag || !bytes.Equal(got, want) {
					t.Errorf("QuartzDB %s:\n%q\nPostgreSQL %s:\n%q", gotTag, got, wantTag, want)
				}
			})
		}
	})

	t.Run("extended protocol", func(t *testing.T) {
		got := copyExtendedSession(t, dsn(addr, password))
		want := copyExtendedSession(t, pg.DSN("postgres"))
		if got != want {
			t.Errorf("QuartzDB:\n%s\nPostgreSQL:\n%s", got, want)
		}
	})
}

// copyExtendedSession drives COPY through Parse/Bind/Describe/Execute on a
// hijacked connection, as libpq does (it sends Sync after Execute and again
// after CopyDone), and returns a summary of every server message.
func copyExtendedSession(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	pc, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	if _, err := pc.Exec(ctx, "DROP TABLE IF EXISTS cx; CREATE TABLE cx (a int4, b text)").ReadAll(); err != nil {
		t.Fatalf("setup: %v", err)
	}
	hc, err := pc.Hijack()
	if err != nil {
		t.Fatalf("hijack: %v", err)
	}
	defer hc.Conn.Close()
	_ = hc.Conn.SetDeadline(time.Now().Add(30 * time.Second))
	fe := hc.Frontend
	var sb strings.Builder
	send := func(msgs ...pgproto3.FrontendMessage) {
		for _, m := range msgs {
			fe.Send(m)
		}
		if err := fe.Flush(); err != nil {
			t.Fatalf("flush: %v", err)
		}
	}
	// until reads messages up to one of the given kinds.
	until := func(stop func(pgproto3.BackendMessage) bool) {
		for {
			m, err := fe.Receive()
			if err != nil {
				t.Fatalf("receive: %v (so far:\n%s)", err, sb.String())
			}
			switch m := m.(type) {
			case *pgproto3.CopyInResponse:
				fmt.Fprintf(&sb, "CopyInResponse %d %v\n", m.OverallFormat, m.ColumnFormatCodes)
			case *pgproto3.CopyOutResponse:
				fmt.Fprintf(&sb, "CopyOutResponse %d %v\n", m.OverallFormat, m.ColumnFormatCodes)
			case *pgproto3.CopyData:
				fmt.Fprintf(&sb, "CopyData %q\n", m.Data)
			case *pgproto3.CommandComplete:
				fmt.Fprintf(&sb, "CommandComplete %s\n", m.CommandTag)
			case *pgproto3.ErrorResponse:
				fmt.Fprintf(&sb, "ErrorResponse %s %s\n", m.Code, m.Message)
			case *pgproto3.ReadyForQuery:
				fmt.Fprintf(&sb, "ReadyForQuery %c\n", m.TxStatus)
			case *pgproto3.ParameterStatus, *pgproto3.NoticeResponse:
				continue
			default:
				fmt.Fprintf(&sb, "%T\n", m)
			}
			if stop(m) {
				return
			}
		}
	}
	isType := func(kind string) func(pgproto3.BackendMessage) bool {
		return func(m pgproto3.BackendMessage) bool { return fmt.Sprintf("%T", m) == kind }
	}
	extended := func(query string) {
		send(&pgproto3.Parse{Query: query}, &pgproto3.Bind{}, &pgproto3.Describe{ObjectType: 'P'},
			&pgproto3.Execute{}, &pgproto3.Sync{})
	}
	// A successful load: the Sync sent with Execute is ignored while copying.
	extended("COPY cx FROM STDIN")
	until(isType("*pgproto3.CopyInResponse"))
	send(&pgproto3.CopyData{Data: []byte("1\tone\n2\t")}, &pgproto3.Flush{},
		&pgproto3.CopyData{Data: []byte("two\n")}, &pgproto3.CopyDone{}, &pgproto3.Sync{})
	until(isType("*pgproto3.ReadyForQuery"))
	// A bad row: the error comes at once, then everything up to Sync is
	// skipped.
	extended("COPY cx FROM STDIN (FORMAT csv)")
	until(isType("*pgproto3.CopyInResponse"))
	send(&pgproto3.CopyData{Data: []byte("3,three\nx,y\n")})
	until(isType("*pgproto3.ErrorResponse"))
	send(&pgproto3.CopyData{Data: []byte("4,four\n")}, &pgproto3.CopyDone{}, &pgproto3.Sync{})
	until(isType("*pgproto3.ReadyForQuery"))
	// CopyFail.
	extended("COPY cx FROM STDIN")
	until(isType("*pgproto3.CopyInResponse"))
	send(&pgproto3.CopyData{Data: []byte("5\tfive\n")}, &pgproto3.CopyFail{Message: "changed my mind"}, &pgproto3.Sync{})
	until(isType("*pgproto3.ReadyForQuery"))
	// COPY TO in the extended protocol, then stray copy messages, which
	// are ignored outside COPY.
	extended("COPY (SELECT * FROM cx ORDER BY a) TO STDOUT (FORMAT csv)")
	until(isType("*pgproto3.ReadyForQuery"))
	send(&pgproto3.CopyData{Data: []byte("junk")}, &pgproto3.CopyDone{}, &pgproto3.Query{String: "SELECT count(*) FROM cx"})
	until(isType("*pgproto3.ReadyForQuery"))
	send(&pgproto3.Terminate{})
	return sb.String()
}

// TestCopyFromBinaryPgx loads a few thousand rows with pgx's CopyFrom
// (binary format, no trailer) and reads them back.
func TestCopyFromBinaryPgx(t *testing.T) {
	addr, password := server.StartTestServer(t)
	conn := copyConnect(t, dsn(addr, password))
	ctx := context.Background()
	copyExec(t, conn, `CREATE TABLE cb (i4 int4, i8 int8, tx text, f8 float8, bo bool, ts timestamptz, nu numeric)`)
	const n = 3000
	base := time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC)
	row := func(i int) []any {
		if i%7 == 3 {
			return []any{int32(i), nil, nil, nil, nil, nil, nil}
		}
		return []any{
			int32(i), int64(i) * 1_000_000_007, fmt.Sprintf("row %d\ttab \"q\" é", i), float64(i) / 8,
			i%2 == 0, base.Add(time.Duration(i) * time.Hour),
			pgtype.Numeric{Int: big.NewInt(int64(i)*100 + 1), Exp: -2, Valid: true},
		}
	}
	count, err := conn.CopyFrom(ctx, pgx.Identifier{"cb"}, []string{"i4", "i8", "tx", "f8", "bo", "ts", "nu"},
		pgx.CopyFromSlice(n, func(i int) ([]any, error) { return row(i), nil }))
	if err != nil {
		t.Fatalf("CopyFrom: %v", err)
	}
	if count != n {
		t.Fatalf("CopyFrom count %d, want %d", count, n)
	}
	var total, nulls int
	if err := conn.QueryRow(ctx, "SELECT count(*), count(*) - count(i8) FROM cb").Scan(&total, &nulls); err != nil {
		t.Fatalf("count: %v", err)
	}
	wantNulls := 0
	for i := 0; i < n; i++ {
		if i%7 == 3 {
			wantNulls++
		}
	}
	if total != n || nulls != wantNulls {
		t.Fatalf("count %d (nulls %d), want %d (%d)", total, nulls, n, wantNulls)
	}
	for _, i := range []int{0, 1, 3, 10, 1234, n - 1} {
		var (
			i4 int32
			i8 *int64
			tx *string
			f8 *float64
			bo *bool
			ts *time.Time
			nu *string
		)
		err := conn.QueryRow(ctx, "SELECT i4, i8, tx, f8, bo, ts, nu::text FROM cb WHERE i4 = $1", i).
			Scan(&i4, &i8, &tx, &f8, &bo, &ts, &nu)
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		want := row(i)
		if want[1] == nil {
			if i8 != nil || tx != nil || f8 != nil || bo != nil || ts != nil || nu != nil {
				t.Errorf("row %d: want NULLs, got %v %v %v %v %v %v", i, i8, tx, f8, bo, ts, nu)
			}
			continue
		}
		wantNu := fmt.Sprintf("%d.%02d", (int64(i)*100+1)/100, (int64(i)*100+1)%100)
		if i8 == nil || *i8 != want[1].(int64) || tx == nil || *tx != want[2].(string) || f8 == nil || *f8 != want[3].(float64) ||
			bo == nil || *bo != want[4].(bool) || ts == nil || !ts.Equal(want[5].(time.Time)) || nu == nil || *nu != wantNu {
			t.Errorf("row %d: got %v %v %v %v %v %v %v", i, i4, deref(i8), deref(tx), deref(f8), deref(bo), deref(ts), deref(nu))
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestCopyErrorsKeepConnection checks that a failed COPY (bad data in the
// middle of a large stream, or CopyFail) loads nothing and leaves the
// connection and an explicit transaction in the states PostgreSQL does.
func TestCopyErrorsKeepConnection(t *testing.T) {
	addr, password := server.StartTestServer(t)
	conn := copyConnect(t, dsn(addr, password))
	ctx := context.Background()
	copyExec(t, conn, "CREATE TABLE ce (a int4, b text)")
	var in strings.Builder
	for i := 0; i < 20000; i++ {
		if i == 10000 {
			in.WriteString("oops\tbad\n")
			continue
		}
		fmt.Fprintf(&in, "%d\tvalue %d\n", i, i)
	}
	tests := []struct {
		name    string
		r       io.Reader
		code    string
		message string
	}{
		{"bad row", strings.NewReader(in.String()), "22P02", `invalid input syntax for type integer: "oops"`},
		{"extra column", strings.NewReader("1\tx\ty\n"), "22P04", "extra data after last expected column"},
		{"missing column", strings.NewReader("1\n"), "22P04", `missing data for column "b"`},
		{"copy fail", &failingReader{data: []byte("1\tx\n"), err: errors.New("disk on fire")}, "57014", "COPY from stdin failed: disk on fire"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := conn.PgConn().CopyFrom(ctx, tc.r, "COPY ce FROM STDIN")
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != tc.code || pe.Message != tc.message {
				t.Fatalf("error %v, want %s %s", err, tc.code, tc.message)
			}
			if got := copyDump(t, conn, "SELECT count(*) FROM ce"); got != "\"0\"\n" {
				t.Fatalf("rows after failed COPY: %s", got)
			}
		})
	}
	// In an explicit transaction the failure aborts it, as for any error.
	copyExec(t, conn, "BEGIN")
	_, err := conn.PgConn().CopyFrom(ctx, strings.NewReader("x\n"), "COPY ce FROM STDIN")
	if err == nil {
		t.Fatal("bad COPY in a transaction succeeded")
	}
	_, err = conn.PgConn().Exec(ctx, "SELECT 1").ReadAll()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "25P02" {
		t.Fatalf("after failed COPY in a transaction: %v, want 25P02", err)
	}
	copyExec(t, conn, "ROLLBACK")
	tag, err := conn.PgConn().CopyFrom(ctx, strings.NewReader("1\tok\n"), "COPY ce FROM STDIN")
	if err != nil || tag.String() != "COPY 1" {
		t.Fatalf("COPY after errors: %v %v", tag, err)
	}
}

// TestCopyPsql runs psql's \copy with inline data, and COPY ... FROM STDIN
// inside a script, through the real psql binary.
func TestCopyPsql(t *testing.T) {
	psql, err := exec.LookPath(testdata.PsqlPath)
	if err != nil {
		t.Skipf("psql is not installed at %s", testdata.PsqlPath)
	}
	addr, password := server.StartTestServer(t)
	script := `CREATE TABLE pc (a int, b text);
\copy pc from stdin
1	one
2	\N
3	tab\there
\.
COPY pc FROM STDIN (FORMAT csv);
4,"four, with comma"
\.
\pset format unaligned
SELECT a, coalesce(b, '<null>') AS b FROM pc ORDER BY a;
\copy (SELECT * FROM pc ORDER BY a) to stdout with (format csv)
COPY pc FROM STDIN;
5	x	extra
\.
SELECT count(*) FROM pc;
`
	cmd := exec.Command(psql, "-X", "-q", "-v", "ON_ERROR_STOP=0", dsn(addr, password))
	cmd.Env = testdata.PsqlEnv()
	cmd.Stdin = strings.NewReader(script)
	outb, _ := cmd.CombinedOutput()
	out := string(outb)
	for _, want := range []string{
		"a|b\n1|one\n2|<null>\n3|tab\there\n4|four, with comma\n(4 rows)\n",
		"1,one\n2,\n3,tab\there\n4,\"four, with comma\"\n",
		"ERROR:  extra data after last expected column",
		"count\n4\n(1 row)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("psql output lacks %q:\n%s", want, out)
		}
	}
}
