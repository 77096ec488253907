package sql

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// pgBinDir is where Debian installs PostgreSQL 15's server binaries.
const pgBinDir = "/usr/lib/postgresql/15/bin"

// startPostgres starts a throwaway PostgreSQL 15 cluster on a free
// loopback port and returns a connection to it; the cluster is removed
// when the test ends. The test is skipped when the binaries are absent.
// (A shared harness in testdata will replace this later.)
func startPostgres(t *testing.T) *pgx.Conn {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pgBinDir, "initdb")); err != nil {
		t.Skip("PostgreSQL 15 binaries not installed at " + pgBinDir)
	}
	dir, err := os.MkdirTemp("", "quartz-pgoracle-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// initdb refuses to run as root: run the server as the postgres user.
	var wrap []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root and no postgres user to run the server as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		wrap = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(args ...string) {
		cmdArgs := append(append([]string{}, wrap...), args...)
		cmd := exec.Command(cmdArgs[0], cmdArgs[1:]...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	data := filepath.Join(dir, "data")
	run(filepath.Join(pgBinDir, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C")
	run(filepath.Join(pgBinDir, "pg_ctl"), "-D", data, "-w", "-l", filepath.Join(dir, "log"),
		"-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", port, dir), "start")
	t.Cleanup(func() {
		cmdArgs := append(append([]string{}, wrap...), filepath.Join(pgBinDir, "pg_ctl"), "-D", data, "-m", "immediate", "stop")
		_ = exec.Command(cmdArgs[0], cmdArgs[1:]...).Run()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// oracleCase is one value to print both ways: typ is a SQL type name as a
// CAST target, setup an optional SET statement run before it.
type oracleCase struct {
	setup string
	typ   string
	in    string
}

func oracleCases() []oracleCase {
	var cs []oracleCase
	add := func(setup, typ string, ins ...string) {
		for _, in := range ins {
			cs = append(cs, oracleCase{setup, typ, in})
		}
	}
	add("", "boolean", "t", "true", "yes", "off", "0", " TRUE ", "x", "of")
	add("", "smallint", "1", "-32768", "32768", " 42 ", "abc")
	add("", "integer", "0", "-2147483648", "2147483647", "99999999999", "+7", "abc", "1.5", "")
	add("", "bigint", "9223372036854775807", "-9223372036854775808", "9223372036854775808")
	add("", "oid", "4294967295", "-1", "12")
	add("", "double precision", "1e6", "1234567", "1e-5", "100000", "1e15", "1e16", "0.00015", "0.0001",
		"-0", "0", "NaN", "Infinity", "-inf", "3.141592653589793", "1e308", "1e400", "2.5e-310", "1e-400",
		"123456789012345678", "0.1", "-1.5", "abc", "1e", " 12 ")
	add("", "real", "1e6", "123456789", "1.1", "3.4e38", "1e39", "0.1", "1e-5", "100000", "1234567", "-0", "NaN")
	add("SET extra_float_digits = 0", "double precision", "0.1", "3.141592653589793", "1e15", "1e16", "123456789012345678", "1e-5")
	add("SET extra_float_digits = 0", "real", "1.1", "123456789", "0.1")
	add("SET extra_float_digits = 3", "double precision", "0.1", "1e15")
	add("SET extra_float_digits = -3", "double precision", "3.141592653589793")
	add("", "numeric", "1.50", "0", "-0.000", "1e3", "1.5e-3", "1.50e1", "NaN", "Infinity", "-Infinity",
		"123456789012345678901234567890.123456789", " 7 ", "abc", "1e", ".5", "5.")
	add("", "numeric(5,2)", "1.005", "-1.004", "999.995", "12345", "0.001")
	add("", "numeric(3)", "12.5", "-999.4", "1000")
	add("", "numeric(3,-1)", "1234", "15")
	add("", "text", "hello", "", "a b", "héllo")
	add("", "character varying(3)", "abc", "ab", "abcd", "abc   ")
	add("", "character(4)", "ab", "abcd", "abcde", "ab    ")
	add("", `"char"`, "abc", "z")
	add("", "name", "some_name")
	add("", "bytea", `\x0102ff`, `\xDEADbeef`, `abc\\def`, `\001x`, `\x0g`, `\xa`, `\`)
	add("", "uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "{A0EEBC99-9C0B4EF8-BB6D6BB9-BD380A11}",
		"a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11", "x", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1")
	add("", "date", "2024-01-02", "infinity", "-infinity", "epoch", "0001-01-01 BC", "4713-01-01 BC", "1999-12-31",
		"2024-02-30", "2024-13-01", "x", "2024-01-02 03:04:05", "1/2/2024", "5874897-12-31", "0099-01-01", "2024-1-2")
	add("", "timestamp without time zone", "2024-01-02 03:04:05", "2024-01-02T03:04:05.123456", "2024-01-02 03:04:05.5",
		"2024-01-02", "infinity", "-infinity", "epoch", "2024-01-02 03:04:05+02", "0044-03-15 12:00:00 BC",
		"2024-01-02 24:00:00", "2024-01-02 25:00:00", "2024-01-02 03:04:05.1234567", "1999-12-31 23:59:59.9999995", "x")
	add("", "timestamp(2) without time zone", "2024-01-02 03:04:05.125", "2024-01-02 03:04:05.999")
	add("SET TimeZone = 'UTC'", "timestamp with time zone", "2024-01-02 03:04:05.123456+02", "2024-01-02 03:04:05",
		"2024-01-02T03:04:05Z", "2024-01-02 03:04:05-05:30", "infinity", "2024-06-01 12:00:00 America/New_York", "2024-01-02 03:04:05+0530")
	add("SET TimeZone = 'Asia/Kolkata'", "timestamp with time zone", "2024-01-02 03:04:05.123456+02", "2024-01-02 03:04:05", "1900-01-01 00:00:00+00")
	add("SET TimeZone = 'America/New_York'", "timestamp with time zone", "2024-03-10 02:30:00", "2024-07-01 12:00:00", "2024-11-03 01:30:00")
	add("SET TimeZone = 'UTC'", "time without time zone", "03:04:05", "23:59:59.999999", "24:00:00", "03:04", "12:00:00.5", "25:00:00", "x")
	add("", "interval", "1 day 02:03:04", "3 mons", "1 year 2 months", "-1 days", "P1DT2H", "@ 1 hour ago",
		"1 year 2 mons 3 days 04:05:06.5", "0", "00:00:00", "-1 days +02:00:00", "1.5 days", "1.5 months", "-01:02:03",
		"100 hours", "1 week", "2 weeks 3 days", "10", "P1Y2M3DT4H5M6.5S", "PT1.5S", "1 day -1 hours", "x", "1 fortnight",
		"1 mon -1 days", "-1 year -2 mons +3 days", "1 millisecond", "90 minutes", "1:2")
	add("", "json", `{"b": 1, "a": [1, 2.50, "x"]}`, `  [1,2]  `, `"\u00e9"`, `{"a":}`, `[1,2`, `nul`, `{"a" 1}`, `01`)
	add("", "jsonb", `{"b": 1, "a": [1, 2.50, "x"]}`, `{"aa":1,"b":2,"a":3}`, `{"a":1,"a":2}`, `1e2`, `-0.0`, `"tab\there"`,
		`"\u00e9\n"`, `[]`, `{}`, `null`, `true`, `"\u0001"`, `{"a": {"c": 1, "b": [true, false, null]}}`, `{"a":}`, `[1,2`, `1.0E-2`)
	add("", "integer[]", "{1,2,NULL}", "{}", "{ 1 , 2 }", "{1,abc}", "1,2", "{1,2")
	add("", "text[]", `{"a b","",NULL,"NULL",x}`, `{a,"b\"c","d\\e"}`, `{"{}",","}`, `{ a b , c }`, `{null}`)
	add("", "numeric[]", "{1.50,NaN,-3}")
	add("", "boolean[]", "{t,f,NULL}")
	add("", "character varying(2)[]", "{ab,cd}", "{abc}")
	add("", "date[]", "{2024-01-02,infinity}")
	add("SET TimeZone = 'UTC'", "timestamp with time zone[]", `{"2024-01-02 03:04:05+02"}`)
	add("", "jsonb[]", `{"{\"a\": 1}","[1, 2]"}`)
	add("", "uuid[]", "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}")
	add("", "bytea[]", `{"\\x0102"}`)
	add("", "interval[]", `{"1 day","-1 days +02:00:00"}`)
	add("", "regtype", "integer", "text[]", "character varying", "int8", "double precision", "nosuchtype")
	// Edge cases found while building the list above.
	add("", "interval", "-00:00:01", "-0.5 seconds", "1 day -0.5 seconds", "-1 year", "13 months", "-13 months",
		"1 year -1 mons", "1e3 seconds", "2147483647 days", "@ 3 days 4 hours ago", "1 h 2 m 3 s", "1:02:03.25", "-1:02",
		"P1W", "P0D", "PT0S", "1 decade", "1 century", "0.5 years", "1.5 weeks", "1.999999999 seconds")
	add("", "date", "2024-02-29", "2023-02-29", "1 BC", "0000-01-01", "2000-01-01 AD", "12/31/99", "today x")
	add("", "timestamp without time zone", "294276-12-31 23:59:59.999999", "294277-01-01 00:00:00", "2024-01-02 03:04:60",
		"2024-01-02  03:04:05", "2024-01-02 3:4:5", "2024-01-02T03:04", "2024-01-02 03:04:05 BC")
	add("SET TimeZone = 'UTC'", "timestamp with time zone", "2024-01-02 03:04:05+15", "2024-01-02 03:04:05+16", "2024-01-02 03:04:05 Nowhere/Land",
		"2024-01-02 03:04:05 BC", "0001-01-01 00:00:00+00")
	add("", "double precision", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308", "-1e-5", "0.000123456789", "1e14", "123456789012345.6", "1e-4")
	add("", "real", "1.17549435e-38", "16777216", "16777217", "0.001", "1e-45", "1e-46")
	add("", "numeric", "-0", "0.000000", "1e-20", "12e2", "-12.340E-1", "+5", "1e1000", "1_000", "0x10", "inf",
		"1e1001", "1e-1001", "1e199999", "1e-20000", "0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001")
	add("", "numeric(2,2)", "0.994", "0.996", "-0.5")
	add("", "jsonb", `{"a":1.50}`, `1e-7`, `-1E+2`, `[1, [2, [3]]]`, `{"b":{"z":1,"y":2},"a":null}`, `"\\"`, `"\/"`, `"\u0000"`, `"\ud83d\ude00"`, `tru`, `{"a":1,}`, `[1 2]`, ``)
	add("", "json", `{"a":1,"a":2}`, `"\u0000"`, `{"a":1}  x`)
	add("", "text[]", `{"\\"}`, `{a\,b}`, `{"a"b}`, `{a"b"}`, `{}x`, `{,}`, `{a,}`, `{"quote\"d"}`, `{NULLX}`, `{"a" , "b"}`)
	add("", "integer[]", "[1:2]={1,2}", "{1,,2}")
	add("", "bytea", `\x`, `\\`, `a\000b`, `\x 01 02`, `\x01 0`)
	add("", "uuid", "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
	add("", "boolean", "tr", "n", "o", "on ", "1 ", "2")
	add("", "smallint", "-", "+", "1 2", "0x1F", "1e2")
	add("", "interval", "1-2", "1 2:03:04", "+1 day", "1 day ago", "P1Y-2M", "PT-1H", "", "1 year 1 year", "-1-2",
		"3 days 1 hour ago", "1.5", "-1.5", ".5 seconds", "1 day 1", "P1.5Y", "P2W3D", "PT36H", "P0.5M")
	add("", "interval year", "1 year 3 mons 2 days", "-1 year -11 mons")
	add("", "interval hour to minute", "1 day 02:03:04.5", "-02:03:59")
	add("", "interval minute to second(1)", "02:03:04.56", "-00:00:00.05")
	add("", "interval(0)", "1.5 seconds", "-2.5 seconds", "1 day 00:00:00.4")
	add("", "interval day", "3 days 04:00:00")
	add("", "date", "20240102", "Jan 2 2024", "2024-01-02 PST", "  2024-01-02  ", "2024.01.02")
	add("SET TimeZone = 'UTC'", "timestamp with time zone", "2024-01-02 03:04:05 PST", "2024-01-02 03:04:05 EST", "2024-01-02 03:04:05 +02:00",
		"2024-01-02 03:04:05.5 Europe/Paris", "2024-01-02 03:04:05z", "2024-01-02t03:04:05", "2024-01-02 03:04:05-00:30")
	return cs
}

// TestTextOutputMatchesPostgres checks ParseText followed by AppendText
// against PostgreSQL 15's own `SELECT 'x'::type`, byte for byte, and that
// inputs PostgreSQL rejects are rejected with the same SQLSTATE and
// message.
func TestTextOutputMatchesPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	conn := startPostgres(t)
	ctx := context.Background()
	for _, c := range oracleCases() {
		name := c.setup + "|" + c.typ + "|" + c.in
		fo := DefaultFormatOptions()
		if _, err := conn.Exec(ctx, "RESET ALL", pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "SET TimeZone = 'UTC'", pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatal(err)
		}
		if c.setup != "" {
			if _, err := conn.Exec(ctx, c.setup, pgx.QueryExecModeSimpleProtocol); err != nil {
				t.Fatal(err)
			}
			applySetting(t, fo, c.setup)
		}
		query := "SELECT " + quoteLiteral(c.in) + "::" + c.typ
		want, wantErr := pgText(ctx, conn, query)

		typ, err := typeOfCast(query)
		if err != nil {
			t.Errorf("%s: TypeFromAST: %v", name, err)
			continue
		}
		d, err := Cast(c.in, TypeUnknown, typ, fo)
		if wantErr != nil {
			if err == nil {
				t.Errorf("%s: PostgreSQL fails with %v, we accept it as %q", name, wantErr, AppendText(nil, typ, d, fo))
				continue
			}
			se := Wrap(err)
			if se.Code != wantErr.Code || se.Message != wantErr.Message {
				t.Errorf("%s: error\n got %s %s\nwant %s %s", name, se.Code, se.Message, wantErr.Code, wantErr.Message)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: PostgreSQL prints %q, we fail: %v", name, want, err)
			continue
		}
		if got := string(AppendText(nil, typ, d, fo)); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

// pgError is the part of a server error the comparison looks at.
type pgError struct{ Code, Message string }

func (e *pgError) Error() string { return e.Code + " " + e.Message }

// pgText runs query with the simple protocol, so the value comes back in
// PostgreSQL's own text form.
func pgText(ctx context.Context, conn *pgx.Conn, query string) (string, *pgError) {
	rows, err := conn.Query(ctx, query, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return "", toPgError(err)
	}
	defer rows.Close()
	var out string
	for rows.Next() {
		out = string(rows.RawValues()[0])
	}
	if err := rows.Err(); err != nil {
		return "", toPgError(err)
	}
	return out, nil
}

func toPgError(err error) *pgError {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return &pgError{pe.Code, pe.Message}
	}
	return &pgError{"?????", err.Error()}
}

func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// typeOfCast parses "SELECT 'x'::type" and resolves the cast's type name.
func typeOfCast(query string) (Type, error) {
	tree, err := pg_query.Parse(query)
	if err != nil {
		return Type{}, err
	}
	tc := tree.Stmts[0].Stmt.GetSelectStmt().GetTargetList()[0].GetResTarget().GetVal().GetTypeCast()
	if tc == nil {
		return Type{}, fmt.Errorf("no cast in %q", query)
	}
	return TypeFromAST(tc.TypeName)
}

// applySetting mirrors a SET statement of the oracle cases in fo.
func applySetting(t *testing.T, fo *FormatOptions, setup string) {
	t.Helper()
	name, val, ok := strings.Cut(strings.TrimPrefix(setup, "SET "), " = ")
	if !ok {
		t.Fatalf("bad setup %q", setup)
	}
	val = strings.Trim(val, "'")
	switch name {
	case "TimeZone":
		loc, err := time.LoadLocation(val)
		if err != nil {
			t.Skipf("time zone data missing: %v", err)
		}
		fo.Location, fo.TimeZoneName = loc, val
	case "extra_float_digits":
		n, err := strconv.Atoi(val)
		if err != nil {
			t.Fatal(err)
		}
		fo.ExtraFloatDigits = n
	default:
		t.Fatalf("unknown setting %q", name)
	}
}
