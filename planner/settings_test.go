package planner

import (
	"context"
	"strings"
	"testing"

	"github.com/quartzdb/quartzdb/sql"
)

// settingsSession opens a session with startup parameters, collecting the
// notices it raises.
func settingsSession(t *testing.T, startup map[string]string) (*Session, *[]string) {
	t.Helper()
	ctx := context.Background()
	var notices []string
	s, err := testEngine(t).NewSession(ctx, SessionOptions{User: "admin", Database: DefaultDatabase, StartupParams: startup,
		Notice: func(e *sql.Error) { notices = append(notices, e.Severity+" "+e.Message) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, &notices
}

// runMsg is run, with the first error's message instead of its SQLSTATE.
func runMsg(t *testing.T, s *Session, query string) string {
	t.Helper()
	ctx := context.Background()
	stmts, err := sql.Parse(query)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Prepare(ctx, stmts[0], query, nil)
	if err == nil {
		var cur Cursor
		if cur, err = s.Bind(ctx, p, nil); err == nil {
			_, err = cur.Next(ctx)
			cur.Close()
		}
	}
	if err == nil {
		_ = s.EndImplicit(ctx)
		return ""
	}
	s.Fail(err)
	_ = s.EndImplicit(ctx)
	e := sql.Wrap(err)
	out := e.Code + " " + e.Message
	if e.Detail != "" {
		out += " | " + e.Detail
	}
	if e.Hint != "" {
		out += " | " + e.Hint
	}
	return out
}

func TestSetShowNormalises(t *testing.T) {
	s, _ := settingsSession(t, nil)
	for _, c := range []struct{ set, show, want string }{
		{"SET TIME ZONE 'Europe/Paris'", "SHOW TIME ZONE", "Europe/Paris"},
		{"SET TimeZone = 'europe/paris'", "SHOW TimeZone", "Europe/Paris"},
		{"SET TimeZone = 'utc'", "SHOW TimeZone", "UTC"},
		{"SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE", "SHOW TimeZone", "<+00>-00"},
		{"SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE", "SHOW TimeZone", "<+05:30>-05:30"},
		{"SET TIME ZONE INTERVAL '-08:00' HOUR TO MINUTE", "SHOW TimeZone", "<-08>+08"},
		{"SET TIME ZONE 5", "SHOW TimeZone", "<+05>-05"},
		{"SET TIME ZONE -3.5", "SHOW TimeZone", "<-03:30>+03:30"},
		{"SET TIME ZONE LOCAL", "SHOW TimeZone", "UTC"},
		{"SET TimeZone = 'UTC+3'", "SHOW TimeZone", "UTC+3"},
		{"SET search_path TO myschema, public", "SHOW search_path", "myschema, public"},
		{`SET search_path = 'a b', "C", "$user"`, "SHOW search_path", `"a b", "C", "$user"`},
		{"SET search_path TO ''", "SHOW search_path", `""`},
		{"SET application_name = 'héllo'", "SHOW application_name", "h??llo"},
		{"SET client_encoding = 'unicode'", "SHOW client_encoding", "UTF8"},
		{"SET client_min_messages TO 'ERROR'", "SHOW client_min_messages", "error"},
		{"SET extra_float_digits = '2.6'", "SHOW extra_float_digits", "3"},
		{"SET DateStyle = 'ISO, DMY'", "SHOW DateStyle", "ISO, DMY"},
		{"SET DateStyle = 'ISO'", "SHOW DateStyle", "ISO, DMY"},
		{"SET DateStyle TO ISO, YMD", "SHOW datestyle", "ISO, YMD"},
		{"SET DateStyle = 'european'", "SHOW DateStyle", "ISO, DMY"},
		{"SET statement_timeout = 5000", "SHOW statement_timeout", "5s"},
		{"SET statement_timeout = '1.5s'", "SHOW statement_timeout", "1500ms"},
		{"SET statement_timeout = '48h'", "SHOW statement_timeout", "2d"},
		{"SET lock_timeout = '100ms'", "SHOW lock_timeout", "100ms"},
		{"SET idle_in_transaction_session_timeout = 60000", "SHOW idle_in_transaction_session_timeout", "1min"},
		{"SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE READ ONLY", "SHOW default_transaction_isolation", "serializable"},
		{"SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "SHOW transaction_read_only", "on"},
		{"SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ READ WRITE", "SHOW TRANSACTION ISOLATION LEVEL", "repeatable read"},
		{"SET myapp.foo TO 42", "SHOW myapp.foo", "42"},
		{"RESET myapp.foo", "SHOW myapp.foo", ""},
		{"SET hnsw.ef_search = 100", "SHOW hnsw.ef_search", "100"},
		{"SET quartz.report_usage = true", "SHOW quartz.report_usage", "on"},
	} {
		if got := run(t, s, c.set); got != "SET" && got != "RESET" {
			t.Fatalf("%s: %s", c.set, got)
		}
		if got := run(t, s, c.show); got != c.want+"\nSHOW" {
			t.Errorf("%s; %s = %q, want %q", c.set, c.show, got, c.want)
		}
	}
	run(t, s, "SET statement_timeout = 0; SET default_transaction_read_only = off")
}

func TestSetErrorsAsPostgres(t *testing.T) {
	s, _ := settingsSession(t, nil)
	for _, c := range []struct{ q, want string }{
		{"SET TimeZone = 'Mars/Olympus'", `22023 invalid value for parameter "TimeZone": "Mars/Olympus"`},
		{"SET TIME ZONE INTERVAL '1 day'", `22023 invalid value for parameter "TimeZone": "INTERVAL '1 day'" | Cannot specify days in time zone interval.`},
		{"SET client_encoding = 'nonsense'", `22023 invalid value for parameter "client_encoding": "nonsense"`},
		{"SET client_encoding = 'LATIN1'", `0A000 invalid value for parameter "client_encoding": "LATIN1" | Conversion between LATIN1 and UTF8 is not supported.`},
		{"SET client_min_messages = loud", `22023 invalid value for parameter "client_min_messages": "loud" | Available values: debug5, debug4, debug3, debug2, debug1, log, notice, warning, error.`},
		{"SET extra_float_digits = 4", `22023 4 is outside the valid range for parameter "extra_float_digits" (-15 .. 3)`},
		{"SET extra_float_digits = 'x'", `22023 invalid value for parameter "extra_float_digits": "x"`},
		{"SELECT set_config('Extra_Float_Digits', '99', false)", `22023 99 is outside the valid range for parameter "Extra_Float_Digits" (-15 .. 3)`},
		{"SET DateStyle = 'bogus'", `22023 invalid value for parameter "DateStyle": "bogus" | Unrecognized key word: "bogus".`},
		{"SET DateStyle = 'ISO,DMY,MDY'", `22023 invalid value for parameter "DateStyle": "ISO,DMY,MDY" | Conflicting "datestyle" specifications.`},
		{"SET IntervalStyle = iso_8601x", `22023 invalid value for parameter "intervalstyle": "iso_8601x" | Available values: postgres, postgres_verbose, sql_standard, iso_8601.`},
		{"SET statement_timeout = '5 parsecs'", `22023 invalid value for parameter "statement_timeout": "5 parsecs" | Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".`},
		{"SET statement_timeout = 'abc'", `22023 invalid value for parameter "statement_timeout": "abc"`},
		{"SET statement_timeout = -1", `22023 -1 ms is outside the valid range for parameter "statement_timeout" (0 .. 2147483647)`},
		{"SET statement_timeout = '3000000000'", `22023 invalid value for parameter "statement_timeout": "3000000000" | Value exceeds integer range.`},
		{"SET standard_conforming_strings = maybe", `22023 parameter "standard_conforming_strings" requires a Boolean value`},
		{"SET default_transaction_isolation = 'sometimes'", `22023 invalid value for parameter "default_transaction_isolation": "sometimes" | Available values: serializable, repeatable read, read committed, read uncommitted.`},
		{"SET no_such_setting = 1", `42704 unrecognized configuration parameter "no_such_setting"`},
		{"SHOW no_such_setting", `42704 unrecognized configuration parameter "no_such_setting"`},
		{"RESET no_such_setting", `42704 unrecognized configuration parameter "no_such_setting"`},
		{"SHOW myapp.unset", `42704 unrecognized configuration parameter "myapp.unset"`},
		{`SET "my app.x" = 1`, `42602 invalid configuration parameter name "my app.x" | Custom parameter names must be two or more simple identifiers separated by dots.`},
		{"SET hnsw.nosuch = 1", `42602 invalid configuration parameter name "hnsw.nosuch" | "hnsw" is a reserved prefix.`},
		{"SET server_version = '16'", `55P02 parameter "server_version" cannot be changed`},
		{"RESET server_version", `55P02 parameter "server_version" cannot be changed`},
		{"SET application_name = a, b", `42601 SET application_name takes only one argument`},
	} {
		if got := runMsg(t, s, c.q); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.q, got, c.want)
		}
	}
}

func TestSetTransactional(t *testing.T) {
	s, notices := settingsSession(t, map[string]string{"application_name": "psql", "TimeZone": "UTC"})
	check := func(q, want string) {
		t.Helper()
		if got := run(t, s, q); got != want {
			t.Errorf("%s = %q, want %q", q, got, want)
		}
	}
	check("SET LOCAL TimeZone = 'Asia/Tokyo'", "SET")
	if len(*notices) != 1 || (*notices)[0] != "WARNING SET LOCAL can only be used in transaction blocks" {
		t.Errorf("notices = %q", *notices)
	}
	check("SHOW TimeZone", "UTC\nSHOW")
	s.TakeChangedParameters()

	// SET LOCAL ends at COMMIT, and ParameterStatus reports both changes.
	check("BEGIN", "BEGIN")
	check("SET LOCAL TimeZone = 'Asia/Tokyo'", "SET")
	check("SHOW TimeZone", "Asia/Tokyo\nSHOW")
	if got := s.TakeChangedParameters(); len(got) != 1 || got[0] != [2]string{"TimeZone", "Asia/Tokyo"} {
		t.Errorf("changed after SET LOCAL = %v", got)
	}
	check("COMMIT", "COMMIT")
	check("SHOW TimeZone", "UTC\nSHOW")
	if got := s.TakeChangedParameters(); len(got) != 1 || got[0] != [2]string{"TimeZone", "UTC"} {
		t.Errorf("changed after COMMIT = %v", got)
	}

	// A SET inside a rolled-back block is undone, in a failed block too.
	check("BEGIN; SET application_name = 'in txn'; ROLLBACK", "BEGIN\nSET\nROLLBACK")
	check("SHOW application_name", "psql\nSHOW")
	check("BEGIN; SET search_path = nowhere", "BEGIN\nSET")
	check("SELECT 1/0", "ERROR 22012")
	check("ROLLBACK", "ROLLBACK")
	check("SHOW search_path", "\"$user\", public\nSHOW")

	// COMMIT keeps the session value, set before or after a SET LOCAL.
	check("BEGIN; SET application_name = 'session'; SET LOCAL application_name = 'local'; SHOW application_name; COMMIT", "BEGIN\nSET\nSET\nlocal\nSHOW\nCOMMIT")
	check("SHOW application_name", "session\nSHOW")
	check("BEGIN; SET LOCAL application_name = 'local'; SET application_name = 'session2'; COMMIT", "BEGIN\nSET\nSET\nCOMMIT")
	check("SHOW application_name", "session2\nSHOW")
	check("BEGIN; SET myapp.x = 'y'; ROLLBACK", "BEGIN\nSET\nROLLBACK")
	check("SHOW myapp.x", "ERROR 42704")

	// RESET and DEFAULT go back to the startup value, not the built-in one.
	check("RESET application_name", "RESET")
	check("SHOW application_name", "psql\nSHOW")
	check("SET application_name = 'x'; SET extra_float_digits = 2; SET DateStyle = 'ISO, DMY'; SET myapp.z = 'q'", "SET\nSET\nSET\nSET")
	check("RESET ALL", "RESET")
	check("SHOW application_name; SHOW extra_float_digits; SHOW DateStyle; SHOW myapp.z", "psql\nSHOW\n1\nSHOW\nISO, MDY\nSHOW\n\nSHOW")
	check("SET extra_float_digits = 3; SET extra_float_digits TO DEFAULT; SHOW extra_float_digits", "SET\nSET\n1\nSHOW")
}

func TestTransactionIsolationSettings(t *testing.T) {
	s, notices := settingsSession(t, nil)
	check := func(q, want string) {
		t.Helper()
		if got := run(t, s, q); got != want {
			t.Errorf("%s = %q, want %q", q, got, want)
		}
	}
	check("SHOW TRANSACTION ISOLATION LEVEL", "read committed\nSHOW")
	check("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "SET")
	if len(*notices) != 1 || !strings.Contains((*notices)[0], "SET TRANSACTION can only be used in transaction blocks") {
		t.Errorf("notices = %q", *notices)
	}
	check("BEGIN; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; SHOW TRANSACTION ISOLATION LEVEL; SHOW default_transaction_isolation; COMMIT",
		"BEGIN\nSET\nserializable\nSHOW\nread committed\nSHOW\nCOMMIT")
	check("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1", "BEGIN\n1\nSELECT 1")
	check("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "ERROR 25001")
	check("ROLLBACK", "ROLLBACK")
	check("BEGIN; SET TRANSACTION READ ONLY; SHOW transaction_read_only; ROLLBACK; SHOW transaction_read_only",
		"BEGIN\nSET\non\nSHOW\nROLLBACK\noff\nSHOW")
	check("BEGIN; SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE; ROLLBACK; SHOW default_transaction_isolation",
		"BEGIN\nSET\nROLLBACK\nread committed\nSHOW")
}

func TestDiscardAndListen(t *testing.T) {
	s, _ := settingsSession(t, map[string]string{"application_name": "psql"})
	check := func(q, want string) {
		t.Helper()
		if got := run(t, s, q); got != want {
			t.Errorf("%s = %q, want %q", q, got, want)
		}
	}
	check("SET application_name = 'before'; SET TimeZone = 'Asia/Tokyo'", "SET\nSET")
	s.TakeChangedParameters()
	check("DISCARD ALL", "DISCARD ALL")
	check("SHOW application_name; SHOW TimeZone", "psql\nSHOW\nUTC\nSHOW")
	changed := map[string]string{}
	for _, kv := range s.TakeChangedParameters() {
		changed[kv[0]] = kv[1]
	}
	if changed["application_name"] != "psql" || changed["TimeZone"] != "UTC" {
		t.Errorf("ParameterStatus after DISCARD ALL = %v", changed)
	}
	if got := runMsg(t, s, "BEGIN"); got != "" {
		t.Fatal(got)
	}
	if got := runMsg(t, s, "DISCARD ALL"); got != "25001 DISCARD ALL cannot run inside a transaction block" {
		t.Errorf("DISCARD ALL in a block: %s", got)
	}
	check("ROLLBACK", "ROLLBACK")
	check("DISCARD PLANS; DISCARD SEQUENCES; DISCARD TEMP; DISCARD TEMPORARY", "DISCARD PLANS\nDISCARD SEQUENCES\nDISCARD TEMP\nDISCARD TEMP")
	check(`LISTEN chan; LISTEN "Chan 2"; NOTIFY other; NOTIFY other, 'payload'; UNLISTEN chan; UNLISTEN *`,
		"LISTEN\nLISTEN\nNOTIFY\nNOTIFY\nUNLISTEN\nUNLISTEN")
	check("SELECT pg_notify('other', 'x')", "\nSELECT 1")
	check("NOTIFY other, '"+strings.Repeat("x", 8000)+"'", "ERROR 22023")
}

func TestShowAll(t *testing.T) {
	s, _ := settingsSession(t, nil)
	out := run(t, s, "SHOW ALL")
	if !strings.Contains(out, "\nTimeZone|UTC|Sets the time zone for displaying and interpreting time stamps.\n") ||
		!strings.Contains(out, "\nhnsw.ef_search|40|") || !strings.HasSuffix(out, "\nSHOW") {
		t.Errorf("SHOW ALL = %s", out)
	}
}
