package planner

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/quartzdb/quartzdb/sql"
)

// ServerVersion is what clients see as server_version; psql and drivers
// choose their catalog queries by it, so it must be a real PostgreSQL
// version.
const ServerVersion = "15.0"

// VersionString is what version() returns.
const VersionString = "PostgreSQL 15.0 (QuartzDB 0.1) on x86_64-pc-linux-gnu, compiled by Go, 64-bit"

// setting describes one run-time parameter (a GUC).
type setting struct {
	name string // canonical spelling, as SHOW ALL prints it
	def  string
	// report marks the parameters sent as ParameterStatus.
	report bool
	// readOnly parameters cannot be SET (55P02/ 25P02-like errors).
	readOnly bool
	// check normalises and validates a new value.
	check func(v string) (string, error)
}

var settingsTable = map[string]*setting{}

func defineSetting(s *setting) { settingsTable[strings.ToLower(s.name)] = s }

func init() {
	for _, s := range []*setting{
		{name: "server_version", def: ServerVersion, report: true, readOnly: true},
		{name: "server_version_num", def: "150000", readOnly: true},
		{name: "server_encoding", def: "UTF8", report: true, readOnly: true},
		{name: "client_encoding", def: "UTF8", report: true, check: checkEncoding},
		{name: "DateStyle", def: "ISO, MDY", report: true, check: checkDateStyle},
		{name: "IntervalStyle", def: "postgres", report: true, check: oneOf("postgres", "postgres_verbose", "sql_standard", "iso_8601")},
		{name: "integer_datetimes", def: "on", report: true, readOnly: true},
		{name: "standard_conforming_strings", def: "on", report: true, check: checkBool},
		{name: "TimeZone", def: "UTC", report: true, check: checkTimeZone},
		{name: "application_name", def: "", report: true},
		{name: "is_superuser", def: "on", report: true, readOnly: true},
		{name: "session_authorization", def: "admin", report: true, readOnly: true},
		{name: "default_transaction_read_only", def: "off", report: true, check: checkBool},
		{name: "in_hot_standby", def: "off", report: true, readOnly: true},
		{name: "search_path", def: `"$user", public`},
		{name: "client_min_messages", def: "notice", check: oneOf("debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error")},
		{name: "extra_float_digits", def: "1", check: checkIntRange(-15, 3)},
		{name: "statement_timeout", def: "0", check: checkDuration},
		{name: "lock_timeout", def: "0", check: checkDuration},
		{name: "idle_in_transaction_session_timeout", def: "0", check: checkDuration},
		{name: "transaction_isolation", def: "read committed", check: checkIsolation},
		{name: "default_transaction_isolation", def: "read committed", check: checkIsolation},
		{name: "transaction_read_only", def: "off", check: checkBool},
		{name: "max_identifier_length", def: "63", readOnly: true},
		{name: "bytea_output", def: "hex", check: oneOf("hex")},
		{name: "lc_messages", def: "C"},
		{name: "lc_monetary", def: "C"},
		{name: "lc_numeric", def: "C"},
		{name: "lc_time", def: "C"},
		{name: "lc_collate", def: "C", readOnly: true},
		{name: "lc_ctype", def: "C", readOnly: true},
		{name: "max_connections", def: "100", readOnly: true},
		{name: "block_size", def: "8192", readOnly: true},
		{name: "enable_seqscan", def: "on", check: checkBool},
		{name: "synchronous_commit", def: "on", check: checkBool},
		{name: "row_security", def: "on", check: checkBool},
		{name: "default_tablespace", def: ""},
		{name: "check_function_bodies", def: "on", check: checkBool},
		{name: "xmloption", def: "content"},
		{name: "join_collapse_limit", def: "8"},
		{name: "work_mem", def: "4MB"},
		// pgvector's, which it defines when loaded (always, here).
		{name: "hnsw.ef_search", def: "40", check: checkIntRange(1, 1000)},
		{name: "hnsw.iterative_scan", def: "off", check: oneOf("off", "relaxed_order", "strict_order")},
		{name: "hnsw.max_scan_tuples", def: "20000", check: checkIntRange(1, 2147483647)},
		// QuartzDB's: each statement ends with a NOTICE of its billing units.
		{name: "quartz.report_usage", def: "off", check: checkBool},
	} {
		defineSetting(s)
	}
}

func oneOf(values ...string) func(string) (string, error) {
	return func(v string) (string, error) {
		lv := strings.ToLower(strings.TrimSpace(v))
		for _, ok := range values {
			if lv == ok {
				return ok, nil
			}
		}
		return "", fmt.Errorf("invalid value %q", v)
	}
}

func checkBool(v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "yes", "1", "t", "y":
		return "on", nil
	case "off", "false", "no", "0", "f", "n":
		return "off", nil
	}
	return "", fmt.Errorf("requires a Boolean value")
}

func checkEncoding(v string) (string, error) {
	switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), "-", "")) {
	case "UTF8", "UNICODE":
		return "UTF8", nil
	}
	return "", fmt.Errorf("only UTF8 is supported")
}

func checkDateStyle(v string) (string, error) {
	// Only ISO output is produced; accept the spellings clients send and
	// keep the order part they asked for.
	parts := strings.Split(v, ",")
	style, order := "ISO", "MDY"
	for _, p := range parts {
		switch strings.ToUpper(strings.TrimSpace(p)) {
		case "ISO":
			style = "ISO"
		case "MDY", "US", "NONEURO", "NONEUROPEAN":
			order = "MDY"
		case "DMY", "EURO", "EUROPEAN":
			order = "DMY"
		case "YMD":
			order = "YMD"
		case "":
		default:
			return "", fmt.Errorf("only ISO date style is supported")
		}
	}
	return style + ", " + order, nil
}

func checkTimeZone(v string) (string, error) {
	if _, err := loadLocation(v); err != nil {
		return "", err
	}
	return strings.TrimSpace(v), nil
}

// loadLocation understands the TimeZone spellings PostgreSQL accepts that
// clients send: IANA names, UTC/GMT/Z, and fixed offsets like '+02:00' or
// the POSIX-style 'UTC+3' (whose sign is inverted, as in PostgreSQL).
func loadLocation(v string) (*time.Location, error) {
	name := strings.TrimSpace(v)
	switch strings.ToUpper(name) {
	case "UTC", "GMT", "Z", "ZULU", "UCT", "ETC/UTC":
		return time.UTC, nil
	case "LOCAL", "DEFAULT":
		return time.UTC, nil
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc, nil
	}
	if off, ok := parseOffset(name); ok {
		return time.FixedZone(name, off), nil
	}
	return nil, fmt.Errorf("time zone %q not recognized", v)
}

// parseOffset reads '+05:30', '-8', 'UTC+3' (POSIX: three hours WEST).
func parseOffset(s string) (int, bool) {
	posix := false
	for _, p := range []string{"UTC", "GMT"} {
		if strings.HasPrefix(strings.ToUpper(s), p) && len(s) > 3 {
			s, posix = s[3:], true
		}
	}
	if s == "" {
		return 0, false
	}
	sign := 1
	switch s[0] {
	case '+':
		s = s[1:]
	case '-':
		sign, s = -1, s[1:]
	default:
		if posix {
			return 0, false
		}
	}
	h, m := s, "0"
	if i := strings.IndexByte(s, ':'); i >= 0 {
		h, m = s[:i], s[i+1:]
	}
	hi, err1 := strconv.Atoi(h)
	mi, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hi > 15 || mi > 59 {
		return 0, false
	}
	off := sign * (hi*3600 + mi*60)
	if posix {
		off = -off
	}
	return off, true
}

func checkIntRange(lo, hi int) func(string) (string, error) {
	return func(v string) (string, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return "", fmt.Errorf("requires an integer value")
		}
		if n < lo || n > hi {
			return "", &outOfRangeError{n: n, lo: lo, hi: hi}
		}
		return strconv.Itoa(n), nil
	}
}

// outOfRangeError is an integer setting outside its bounds, which
// PostgreSQL reports in its own wording.
type outOfRangeError struct{ n, lo, hi int }

func (e *outOfRangeError) Error() string {
	return fmt.Sprintf("%d is outside the valid range (%d .. %d)", e.n, e.lo, e.hi)
}

// checkDuration accepts milliseconds or a number with a unit ('5s', '1min').
func checkDuration(v string) (string, error) {
	if _, err := parseDurationSetting(v); err != nil {
		return "", err
	}
	return strings.TrimSpace(v), nil
}

func parseDurationSetting(v string) (time.Duration, error) {
	s := strings.TrimSpace(v)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	n, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, fmt.Errorf("invalid value for a time setting: %q", v)
	}
	unit := map[string]time.Duration{"": time.Millisecond, "us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "min": time.Minute, "h": time.Hour, "d": 24 * time.Hour}
	u, ok := unit[strings.TrimSpace(s[i:])]
	if !ok {
		return 0, fmt.Errorf("invalid unit in time setting: %q", v)
	}
	return time.Duration(n * float64(u)), nil
}

func checkIsolation(v string) (string, error) {
	switch strings.ToLower(strings.Join(strings.Fields(v), " ")) {
	case "read committed", "read uncommitted":
		return "read committed", nil
	case "repeatable read":
		return "repeatable read", nil
	case "serializable":
		return "serializable", nil
	}
	return "", fmt.Errorf("invalid transaction isolation level %q", v)
}

// sessionSettings holds one session's parameter values.
type sessionSettings struct {
	values  map[string]string // by lower-case name
	changed []string          // reportable names changed since last taken
	custom  map[string]string // placeholder settings like "hnsw.ef_search" or "myapp.x"
}

func newSessionSettings() *sessionSettings {
	s := &sessionSettings{values: map[string]string{}, custom: map[string]string{}}
	for k, d := range settingsTable {
		s.values[k] = d.def
	}
	return s
}

func (ss *sessionSettings) get(name string) (string, bool) {
	key := strings.ToLower(name)
	if v, ok := ss.values[key]; ok {
		return v, true
	}
	v, ok := ss.custom[key]
	return v, ok
}

// set validates and stores a value; it returns PostgreSQL's errors.
func (ss *sessionSettings) set(name, value string) error {
	key := strings.ToLower(name)
	def, ok := settingsTable[key]
	if !ok {
		if strings.Contains(key, ".") {
			ss.custom[key] = value
			return nil
		}
		return sql.Errorf(sql.CodeUndefinedObject, "unrecognized configuration parameter \"%s\"", name)
	}
	if def.readOnly {
		if key == "session_authorization" || key == "server_version" {
			return sql.Errorf("55P02", "parameter \"%s\" cannot be changed", name)
		}
		return sql.Errorf("55P02", "parameter \"%s\" cannot be changed", name)
	}
	if def.check != nil {
		norm, err := def.check(value)
		if r, ok := err.(*outOfRangeError); ok {
			return sql.Errorf(sql.CodeInvalidParameterValue, "%d is outside the valid range for parameter \"%s\" (%d .. %d)", r.n, def.name, r.lo, r.hi)
		}
		if err != nil {
			return sql.Errorf(sql.CodeInvalidParameterValue, "invalid value for parameter \"%s\": \"%s\"", def.name, value).WithDetail("%s", err.Error())
		}
		value = norm
	}
	if ss.values[key] != value && def.report {
		ss.changed = append(ss.changed, key)
	}
	ss.values[key] = value
	return nil
}

func (ss *sessionSettings) reset(name string) error {
	key := strings.ToLower(name)
	def, ok := settingsTable[key]
	if !ok {
		if _, custom := ss.custom[key]; custom {
			delete(ss.custom, key)
			return nil
		}
		return sql.Errorf(sql.CodeUndefinedObject, "unrecognized configuration parameter \"%s\"", name)
	}
	return ss.set(def.name, def.def)
}

// reportable lists every ParameterStatus parameter with its value, sorted
// for a stable handshake.
func (ss *sessionSettings) reportable() [][2]string {
	var out [][2]string
	for k, d := range settingsTable {
		if d.report {
			out = append(out, [2]string{d.name, ss.values[k]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// canonicalName returns the spelling SHOW uses for a parameter.
func canonicalName(name string) string {
	if d, ok := settingsTable[strings.ToLower(name)]; ok {
		return d.name
	}
	return name
}
