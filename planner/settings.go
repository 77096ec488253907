package planner

import (
	"fmt"
	"math"
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
	// readOnly parameters cannot be SET (55P02).
	readOnly bool
	// check normalises and validates a new value.
	check func(v string) (string, *valueError)
	// hook marks checks that PostgreSQL runs as a check hook: their errors
	// name the parameter by its canonical spelling, whereas value parsing
	// errors name it as the client wrote it.
	hook bool
	// listQuote marks list parameters (search_path) whose SET elements
	// are identifiers, quoted when they need it.
	listQuote bool
	// noResetAll parameters keep their value through RESET ALL.
	noResetAll bool
	desc       string
}

var settingsTable = map[string]*setting{}

func defineSetting(s *setting) { settingsTable[strings.ToLower(s.name)] = s }

// reservedPrefixes are the custom-parameter prefixes of modules that are
// always loaded here (pgvector's hnsw, QuartzDB's own), so a misspelt
// hnsw.* name is an error rather than a silent placeholder.
var reservedPrefixes = []string{"hnsw", "quartz"}

const timeUnitsHint = `Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".`

func init() {
	for _, s := range []*setting{
		{name: "server_version", def: ServerVersion, report: true, readOnly: true, desc: "Shows the server version."},
		{name: "server_version_num", def: "150000", readOnly: true, desc: "Shows the server version as an integer."},
		{name: "server_encoding", def: "UTF8", report: true, readOnly: true, desc: "Shows the server (database) character set encoding."},
		{name: "client_encoding", def: "UTF8", report: true, check: checkEncoding, hook: true, desc: "Sets the client's character set encoding."},
		{name: "DateStyle", def: "ISO, MDY", report: true, hook: true, desc: "Sets the display format for date and time values."},
		{name: "IntervalStyle", def: "postgres", report: true, check: checkIntervalStyle, desc: "Sets the display format for interval values."},
		{name: "integer_datetimes", def: "on", report: true, readOnly: true, desc: "Shows whether datetimes are integer based."},
		{name: "standard_conforming_strings", def: "on", report: true, check: checkStandardStrings, desc: "Causes '...' strings to treat backslashes literally."},
		{name: "TimeZone", def: "UTC", report: true, check: checkTimeZone, hook: true, desc: "Sets the time zone for displaying and interpreting time stamps."},
		{name: "application_name", def: "", report: true, check: checkApplicationName, hook: true, desc: "Sets the application name to be reported in statistics and logs."},
		{name: "is_superuser", def: "on", report: true, readOnly: true, desc: "Shows whether the current user is a superuser."},
		{name: "session_authorization", def: "admin", report: true, readOnly: true, desc: "Sets the session user name."},
		{name: "default_transaction_read_only", def: "off", report: true, check: checkBool, desc: "Sets the default read-only status of new transactions."},
		{name: "in_hot_standby", def: "off", report: true, readOnly: true, desc: "Shows whether hot standby is currently active."},
		{name: "search_path", def: `"$user", public`, listQuote: true, hook: true, desc: "Sets the schema search order for names that are not schema-qualified."},
		{name: "client_min_messages", def: "notice", check: enumCheck([]string{"debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error"}, "info", "debug"), desc: "Sets the message levels that are sent to the client."},
		{name: "extra_float_digits", def: "1", check: checkIntRange(-15, 3), desc: "Sets the number of digits displayed for floating-point values."},
		{name: "statement_timeout", def: "0", check: checkDuration, desc: "Sets the maximum allowed duration of any statement."},
		{name: "lock_timeout", def: "0", check: checkDuration, desc: "Sets the maximum allowed duration of any wait for a lock."},
		{name: "idle_in_transaction_session_timeout", def: "0", check: checkDuration, desc: "Sets the maximum allowed idle time between queries, when in a transaction."},
		{name: "idle_session_timeout", def: "0", check: checkDuration, desc: "Sets the maximum allowed idle time between queries, when not in a transaction."},
		{name: "transaction_isolation", def: "read committed", check: checkIsolation, noResetAll: true, desc: "Sets the current transaction's isolation level."},
		{name: "default_transaction_isolation", def: "read committed", check: checkIsolation, desc: "Sets the transaction isolation level of each new transaction."},
		{name: "transaction_read_only", def: "off", check: checkBool, noResetAll: true, desc: "Sets the current transaction's read-only status."},
		{name: "default_transaction_deferrable", def: "off", check: checkBool, desc: "Sets the default deferrable status of new transactions."},
		{name: "transaction_deferrable", def: "off", check: checkBool, noResetAll: true, desc: "Whether to defer a read-only serializable transaction until it can be executed with no possible serialization failures."},
		{name: "max_identifier_length", def: "63", readOnly: true, desc: "Shows the maximum identifier length."},
		{name: "bytea_output", def: "hex", check: checkByteaOutput, desc: "Sets the output format for bytea."},
		{name: "lc_messages", def: "C", desc: "Sets the language in which messages are displayed."},
		{name: "lc_monetary", def: "C", desc: "Sets the locale for formatting monetary amounts."},
		{name: "lc_numeric", def: "C", desc: "Sets the locale for formatting numbers."},
		{name: "lc_time", def: "C", desc: "Sets the locale for formatting date and time values."},
		{name: "lc_collate", def: "C", readOnly: true, desc: "Shows the collation order locale."},
		{name: "lc_ctype", def: "C", readOnly: true, desc: "Shows the character classification and case conversion locale."},
		{name: "max_connections", def: "100", readOnly: true, desc: "Sets the maximum number of concurrent connections."},
		{name: "block_size", def: "8192", readOnly: true, desc: "Shows the size of a disk block."},
		{name: "enable_seqscan", def: "on", check: checkBool, desc: "Enables the planner's use of sequential-scan plans."},
		{name: "synchronous_commit", def: "on", check: enumCheck([]string{"local", "remote_write", "remote_apply", "on", "off"}, "true", "false", "yes", "no", "1", "0"), desc: "Sets the current transaction's synchronization level."},
		{name: "row_security", def: "on", check: checkBool, desc: "Enable row security."},
		{name: "default_tablespace", def: "", desc: "Sets the default tablespace to create tables and indexes in."},
		{name: "check_function_bodies", def: "on", check: checkBool, desc: "Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE."},
		{name: "xmloption", def: "content", check: enumCheck([]string{"content", "document"}), desc: "Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments."},
		{name: "join_collapse_limit", def: "8", check: checkIntRange(1, 2147483647), desc: "Sets the FROM-list size beyond which JOIN constructs are not flattened."},
		{name: "work_mem", def: "4MB", desc: "Sets the maximum memory to be used for query workspaces."},
		{name: "jit", def: "off", check: checkBool, desc: "Allow JIT compilation."},
		// pgvector's, which it defines when loaded (always, here).
		{name: "hnsw.ef_search", def: "40", check: checkIntRange(1, 1000), desc: "Sets the size of the dynamic candidate list for search"},
		{name: "hnsw.iterative_scan", def: "off", check: enumCheck([]string{"off", "relaxed_order", "strict_order"}), desc: "Sets the mode for iterative scans"},
		{name: "hnsw.max_scan_tuples", def: "20000", check: checkIntRange(1, 2147483647), desc: "Sets the max number of tuples to visit for iterative scans"},
		// QuartzDB's: each statement ends with a NOTICE of its billing units.
		{name: "quartz.report_usage", def: "off", check: checkBool, desc: "Reports each statement's billing units as a NOTICE."},
	} {
		defineSetting(s)
	}
	settingsTable["datestyle"].check = nil // DateStyle depends on the current value: see sessionSettings.validate
}

// valueError is a rejected value, reported in PostgreSQL's wording by
// sessionSettings.validate.
type valueError struct {
	code string // SQLSTATE; 22023 when empty
	// notBool and rangeNum select PostgreSQL's other two messages:
	// "requires a Boolean value" and "N is outside the valid range".
	notBool  bool
	rangeNum string
	lo, hi   int64
	detail   string
	hint     string
}

func invalid() *valueError { return &valueError{} }

// enumCheck accepts values case-insensitively; hidden ones are accepted
// but not listed in the hint, as in PostgreSQL.
func enumCheck(values []string, hidden ...string) func(string) (string, *valueError) {
	hint := "Available values: " + strings.Join(values, ", ") + "."
	return func(v string) (string, *valueError) {
		lv := strings.ToLower(strings.TrimSpace(v))
		for _, ok := range append(values, hidden...) {
			if lv == ok {
				return ok, nil
			}
		}
		return "", &valueError{hint: hint}
	}
}

func checkBool(v string) (string, *valueError) {
	s := strings.ToLower(strings.TrimSpace(v))
	if s == "" {
		return "", &valueError{notBool: true}
	}
	// PostgreSQL's parse_bool accepts any unique prefix of the words.
	for _, w := range []string{"true", "yes"} {
		if strings.HasPrefix(w, s) {
			return "on", nil
		}
	}
	for _, w := range []string{"false", "no"} {
		if strings.HasPrefix(w, s) {
			return "off", nil
		}
	}
	switch s {
	case "on", "1":
		return "on", nil
	case "off", "of", "0":
		return "off", nil
	}
	return "", &valueError{notBool: true}
}

// checkStandardStrings accepts only on: the SQL parser always reads
// strings the standard way, so off would silently change nothing.
func checkStandardStrings(v string) (string, *valueError) {
	b, err := checkBool(v)
	if err != nil {
		return "", err
	}
	if b != "on" {
		return "", &valueError{code: sql.CodeFeatureNotSupported, detail: "QuartzDB supports only standard_conforming_strings = on."}
	}
	return b, nil
}

func checkByteaOutput(v string) (string, *valueError) {
	norm, err := enumCheck([]string{"escape", "hex"})(v)
	if err != nil {
		return "", err
	}
	if norm != "hex" {
		return "", &valueError{code: sql.CodeFeatureNotSupported, detail: "QuartzDB supports only bytea_output = hex."}
	}
	return norm, nil
}

func checkIntervalStyle(v string) (string, *valueError) {
	norm, err := enumCheck([]string{"postgres", "postgres_verbose", "sql_standard", "iso_8601"})(v)
	if err != nil {
		return "", err
	}
	if norm != "postgres" && norm != "iso_8601" {
		return "", &valueError{code: sql.CodeFeatureNotSupported, detail: "QuartzDB supports IntervalStyle postgres and iso_8601."}
	}
	return norm, nil
}

// checkApplicationName replaces every byte outside printable ASCII with
// '?', as PostgreSQL 15 does.
func checkApplicationName(v string) (string, *valueError) {
	b := []byte(v)
	for i, c := range b {
		if c < 32 || c > 126 {
			b[i] = '?'
		}
	}
	return string(b), nil
}

// encodingNames are PostgreSQL's client encodings; only UTF8 is served.
var encodingNames = []string{"BIG5", "EUC_CN", "EUC_JIS_2004", "EUC_JP", "EUC_KR", "EUC_TW", "GB18030", "GBK",
	"ISO_8859_5", "ISO_8859_6", "ISO_8859_7", "ISO_8859_8", "JOHAB", "KOI8R", "KOI8U", "LATIN1", "LATIN2",
	"LATIN3", "LATIN4", "LATIN5", "LATIN6", "LATIN7", "LATIN8", "LATIN9", "LATIN10", "MULE_INTERNAL", "SJIS",
	"SHIFT_JIS_2004", "SQL_ASCII", "UHC", "WIN866", "WIN874", "WIN1250", "WIN1251", "WIN1252", "WIN1253",
	"WIN1254", "WIN1255", "WIN1256", "WIN1257", "WIN1258"}

// checkEncoding accepts UTF8 in its spellings; another real encoding is
// PostgreSQL's "conversion not supported" (0A000), since QuartzDB sends
// and reads UTF-8 only; anything else is not an encoding (22023).
func checkEncoding(v string) (string, *valueError) {
	// PostgreSQL's pg_char_to_encoding compares names on their letters
	// and digits only, so 'utf-8', "UTF_8" and even asyncpg's quoted
	// 'utf-8' all name UTF8.
	key := strings.ToUpper(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, v))
	switch key {
	case "UTF8", "UNICODE":
		return "UTF8", nil
	}
	for _, e := range encodingNames {
		if key == strings.ReplaceAll(e, "_", "") {
			return "", &valueError{code: sql.CodeFeatureNotSupported, detail: fmt.Sprintf("Conversion between %s and UTF8 is not supported.", e)}
		}
	}
	return "", invalid()
}

// checkDateStyle normalises DateStyle as PostgreSQL does: a style and a
// field order, either keeping its current value when not given.
func checkDateStyle(v, cur string) (string, *valueError) {
	style, order := "ISO", "MDY"
	if i := strings.Index(cur, ", "); i >= 0 {
		style, order = cur[:i], cur[i+2:]
	}
	haveStyle, haveOrder := false, false
	conflict := false
	for _, p := range strings.Split(v, ",") {
		w := strings.ToUpper(strings.TrimSpace(p))
		newStyle, newOrder := "", ""
		switch w {
		case "ISO":
			newStyle = "ISO"
		case "SQL", "POSTGRES", "GERMAN":
			return "", &valueError{code: sql.CodeFeatureNotSupported, detail: "QuartzDB supports only the ISO date style."}
		case "YMD":
			newOrder = "YMD"
		case "DMY", "EURO", "EUROPEAN":
			newOrder = "DMY"
		case "MDY", "US", "NONEURO", "NONEUROPEAN":
			newOrder = "MDY"
		case "DEFAULT":
			newStyle, newOrder = "ISO", "MDY"
		default:
			return "", &valueError{detail: fmt.Sprintf("Unrecognized key word: \"%s\".", strings.TrimSpace(p))}
		}
		if newStyle != "" {
			if haveStyle && newStyle != style {
				conflict = true
			}
			style, haveStyle = newStyle, true
		}
		if newOrder != "" {
			if haveOrder && newOrder != order {
				conflict = true
			}
			order, haveOrder = newOrder, true
		}
	}
	if conflict {
		return "", &valueError{detail: `Conflicting "datestyle" specifications.`}
	}
	return style + ", " + order, nil
}

// checkTimeZone accepts what PostgreSQL's TimeZone does and returns the
// name SHOW prints: zone names in their canonical case, POSIX specs as
// written, and SET TIME ZONE's numeric and interval forms as the
// "<+05:30>-05:30" zones PostgreSQL makes of them.
func checkTimeZone(v string) (string, *valueError) {
	s := strings.TrimSpace(v)
	if len(s) > 8 && strings.EqualFold(s[:8], "interval") {
		return intervalTimeZone(strings.TrimSpace(s[8:]))
	}
	if hours, err := strconv.ParseFloat(s, 64); err == nil && s != "" && !strings.ContainsAny(s, ":") && (s[0] != '+' || strings.Contains(s, ".")) {
		// A bare number (SET TIME ZONE 5) is hours east of UTC.
		return offsetZoneName(int(math.Round(hours * 3600))), nil
	}
	switch strings.ToUpper(s) {
	case "UTC", "GMT", "UCT", "ZULU", "UNIVERSAL", "GREENWICH":
		return canonicalZone(s), nil
	}
	if _, err := loadLocation(s); err != nil {
		return "", invalid()
	}
	return canonicalZone(s), nil
}

// canonicalZone spells the UTC aliases and IANA names in the case their
// zone files have, as PostgreSQL shows them.
func canonicalZone(s string) string {
	switch u := strings.ToUpper(s); u {
	case "UTC", "GMT", "UCT":
		return u
	case "ZULU", "UNIVERSAL", "GREENWICH":
		return u[:1] + strings.ToLower(u[1:])
	}
	if _, err := time.LoadLocation(s); err == nil {
		return s
	}
	if name, ok := zoneByFold(s); ok {
		return name
	}
	return s
}

// zoneByFold finds an IANA zone name case-insensitively by title-casing
// each part ("europe/paris" -> "Europe/Paris").
func zoneByFold(s string) (string, bool) {
	parts := strings.Split(s, "/")
	for i, p := range parts {
		words := strings.Split(strings.ToLower(p), "_")
		for j, w := range words {
			if w != "" {
				words[j] = strings.ToUpper(w[:1]) + w[1:]
			}
		}
		parts[i] = strings.Join(words, "_")
	}
	name := strings.Join(parts, "/")
	if _, err := time.LoadLocation(name); err == nil && strings.Contains(name, "/") {
		return name, true
	}
	return "", false
}

// intervalTimeZone reads SET TIME ZONE INTERVAL '...' [HOUR TO MINUTE],
// which flattens to "INTERVAL '+05:30'".
func intervalTimeZone(lit string) (string, *valueError) {
	lit = strings.TrimSpace(lit)
	if i := strings.LastIndexByte(lit, '\''); strings.HasPrefix(lit, "'") && i > 0 {
		lit = lit[1:i]
	}
	bad := func(detail string) (string, *valueError) { return "", &valueError{detail: detail} }
	lower := strings.ToLower(lit)
	if strings.Contains(lower, "mon") || strings.Contains(lower, "year") {
		return bad("Cannot specify months in time zone interval.")
	}
	if strings.Contains(lower, "day") {
		return bad("Cannot specify days in time zone interval.")
	}
	s, sign := strings.TrimSpace(lit), 1
	if s != "" && (s[0] == '+' || s[0] == '-') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	fields := strings.Split(s, ":")
	if len(fields) > 3 || s == "" {
		return "", invalid()
	}
	secs := 0
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return "", invalid()
		}
		secs += n * []int{3600, 60, 1}[i]
	}
	return offsetZoneName(sign * secs), nil
}

// offsetZoneName is PostgreSQL's name for a fixed zone east of UTC by
// eastSecs: "<+05:30>-05:30" (the part after '>' is POSIX, sign inverted).
func offsetZoneName(eastSecs int) string {
	abs := eastSecs
	if abs < 0 {
		abs = -abs
	}
	off := fmt.Sprintf("%02d", abs/3600)
	if rem := abs % 3600; rem != 0 {
		off += fmt.Sprintf(":%02d", rem/60)
		if rem%60 != 0 {
			off += fmt.Sprintf(":%02d", rem%60)
		}
	}
	if eastSecs < 0 {
		return "<-" + off + ">+" + off
	}
	return "<+" + off + ">-" + off
}

// loadLocation understands the TimeZone spellings PostgreSQL accepts that
// clients send: IANA names (any case), the UTC aliases, the zones
// PostgreSQL names "<+05>-05", and POSIX offsets such as '+02:00' or
// 'UTC+3', whose sign is inverted (hours WEST of UTC), as in PostgreSQL.
func loadLocation(v string) (*time.Location, error) {
	name := strings.TrimSpace(v)
	switch strings.ToUpper(name) {
	case "UTC", "GMT", "UCT", "ZULU", "UNIVERSAL", "GREENWICH", "ETC/UTC":
		return time.UTC, nil
	case "":
		return nil, fmt.Errorf("empty time zone")
	}
	if strings.HasPrefix(name, "<") {
		if i := strings.IndexByte(name, '>'); i > 0 {
			if off, ok := parseOffset(name[i+1:], true); ok {
				return time.FixedZone(name, off), nil
			}
		}
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc, nil
	}
	if z, ok := zoneByFold(name); ok {
		return time.LoadLocation(z)
	}
	if off, ok := parseOffset(name, false); ok {
		return time.FixedZone(name, off), nil
	}
	return nil, fmt.Errorf("time zone %q not recognized", v)
}

// parseOffset reads a POSIX offset ('+05:30', '-8', 'UTC+3', 'GMT-2'):
// the number is hours WEST of UTC, so the result (seconds east) has the
// opposite sign. bare allows a number with no sign and no zone letters.
func parseOffset(s string, bare bool) (int, bool) {
	letters := 0
	for letters < len(s) && (s[letters] >= 'A' && s[letters] <= 'Z' || s[letters] >= 'a' && s[letters] <= 'z') {
		letters++
	}
	if letters > 0 && letters < 3 {
		return 0, false
	}
	s = s[letters:]
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
		if letters == 0 && !bare {
			return 0, false
		}
	}
	fields := strings.Split(s, ":")
	if len(fields) > 3 {
		return 0, false
	}
	secs := 0
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || (i == 0 && n > 24) || (i > 0 && n > 59) {
			return 0, false
		}
		secs += n * []int{3600, 60, 1}[i]
	}
	return -sign * secs, true
}

func checkIntRange(lo, hi int64) func(string) (string, *valueError) {
	return func(v string) (string, *valueError) {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "", invalid()
		}
		f = math.RoundToEven(f)
		if f > math.MaxInt32 || f < math.MinInt32 {
			return "", &valueError{hint: "Value exceeds integer range."}
		}
		n := int64(f)
		if n < lo || n > hi {
			return "", &valueError{rangeNum: strconv.FormatInt(n, 10), lo: lo, hi: hi}
		}
		return strconv.FormatInt(n, 10), nil
	}
}

// timeUnits are PostgreSQL's time units for millisecond parameters, in
// the order SHOW tries them (largest first).
var timeUnits = []struct {
	name string
	ms   float64
}{{"d", 86400000}, {"h", 3600000}, {"min", 60000}, {"s", 1000}, {"ms", 1}, {"us", 0.001}}

// checkDuration reads a millisecond parameter ('5s', '100ms', 5000) and
// returns it as SHOW prints it: in the largest unit that divides it.
func checkDuration(v string) (string, *valueError) {
	s := strings.TrimSpace(v)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || (i == 0 && (s[i] == '-' || s[i] == '+'))) {
		i++
	}
	n, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return "", invalid()
	}
	unit := strings.TrimSpace(s[i:])
	ms := n
	if unit != "" {
		found := false
		for _, u := range timeUnits {
			if u.name == unit {
				ms, found = n*u.ms, true
			}
		}
		if !found {
			return "", &valueError{hint: timeUnitsHint}
		}
	}
	ms = math.RoundToEven(ms)
	if ms > math.MaxInt32 || ms < math.MinInt32 {
		return "", &valueError{hint: "Value exceeds integer range."}
	}
	if ms < 0 {
		return "", &valueError{rangeNum: fmt.Sprintf("%d ms", int64(ms)), lo: 0, hi: math.MaxInt32}
	}
	return showMillis(int64(ms)), nil
}

func showMillis(ms int64) string {
	if ms == 0 {
		return "0"
	}
	for _, u := range timeUnits[:5] {
		if ms%int64(u.ms) == 0 {
			return fmt.Sprintf("%d%s", ms/int64(u.ms), u.name)
		}
	}
	return fmt.Sprintf("%dms", ms)
}

// parseDurationSetting reads a stored millisecond parameter.
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
	unit := strings.TrimSpace(s[i:])
	if unit == "" {
		unit = "ms"
	}
	for _, u := range timeUnits {
		if u.name == unit {
			return time.Duration(n * u.ms * float64(time.Millisecond)), nil
		}
	}
	return 0, fmt.Errorf("invalid unit in time setting: %q", v)
}

func checkIsolation(v string) (string, *valueError) {
	switch strings.ToLower(strings.Join(strings.Fields(v), " ")) {
	case "read committed":
		return "read committed", nil
	case "read uncommitted":
		// Shown as given; it runs as read committed, as in PostgreSQL.
		return "read uncommitted", nil
	case "repeatable read":
		return "repeatable read", nil
	case "serializable":
		return "serializable", nil
	}
	return "", &valueError{hint: "Available values: serializable, repeatable read, read committed, read uncommitted."}
}

// savedSetting is a parameter's value before the transaction changed it
// (restored at rollback) and its session value (kept at commit, when SET
// LOCAL values end).
type savedSetting struct {
	orig, session     string
	hadOrig, hasValue bool
}

// sessionSettings holds one session's parameter values. Custom
// placeholders ("myapp.x") live in values too, under their lower-case name.
type sessionSettings struct {
	values map[string]string // by lower-case name
	// resetVals are the values at connection start (startup packet),
	// which RESET, SET ... TO DEFAULT and DISCARD ALL return to.
	resetVals map[string]string
	// startup is true until the first SQL command: values set then are
	// the session's reset values.
	startup bool
	changed []string // reportable names changed since last taken
	// txn holds, per parameter a transaction block changed, what commit
	// and rollback restore; txnGen is the session's transaction
	// generation it belongs to.
	txn    map[string]savedSetting
	txnGen uint64
}

func newSessionSettings() *sessionSettings {
	s := &sessionSettings{values: map[string]string{}, resetVals: map[string]string{}, startup: true}
	for k, d := range settingsTable {
		s.values[k] = d.def
	}
	return s
}

func (ss *sessionSettings) get(name string) (string, bool) {
	v, ok := ss.values[strings.ToLower(name)]
	return v, ok
}

// resetValue is what RESET returns a parameter to.
func (ss *sessionSettings) resetValue(key string) string {
	if v, ok := ss.resetVals[key]; ok {
		return v
	}
	if d, ok := settingsTable[key]; ok {
		return d.def
	}
	return ""
}

// validate checks a SET of name to value and returns the parameter's key
// and normalised value, or PostgreSQL's error.
func (ss *sessionSettings) validate(name, value string) (string, string, error) {
	key := strings.ToLower(name)
	def, ok := settingsTable[key]
	if !ok {
		return key, value, checkCustomName(name)
	}
	if def.readOnly {
		return "", "", sql.Errorf("55P02", "parameter \"%s\" cannot be changed", name)
	}
	var verr *valueError
	norm := value
	switch {
	case key == "datestyle":
		norm, verr = checkDateStyle(value, ss.values[key])
	case def.check != nil:
		norm, verr = def.check(value)
	}
	if verr == nil {
		return key, norm, nil
	}
	shown := name
	if def.hook {
		shown = def.name
	}
	code := verr.code
	if code == "" {
		code = sql.CodeInvalidParameterValue
	}
	var e *sql.Error
	switch {
	case verr.notBool:
		e = sql.Errorf(code, "parameter \"%s\" requires a Boolean value", shown)
	case verr.rangeNum != "":
		e = sql.Errorf(code, "%s is outside the valid range for parameter \"%s\" (%d .. %d)", verr.rangeNum, shown, verr.lo, verr.hi)
	default:
		e = sql.Errorf(code, "invalid value for parameter \"%s\": \"%s\"", shown, value)
	}
	if verr.detail != "" {
		e = e.WithDetail("%s", verr.detail)
	}
	if verr.hint != "" {
		e = e.WithHint("%s", verr.hint)
	}
	return "", "", e
}

// checkCustomName accepts placeholder names like "myapp.foo": two or more
// simple identifiers separated by dots, outside the reserved prefixes.
func checkCustomName(name string) error {
	if !strings.Contains(name, ".") {
		return sql.Errorf(sql.CodeUndefinedObject, "unrecognized configuration parameter \"%s\"", name)
	}
	for _, part := range strings.Split(name, ".") {
		ok := part != ""
		for i, r := range part {
			ok = ok && (r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 ||
				i > 0 && (r >= '0' && r <= '9' || r == '$'))
		}
		if !ok {
			return sql.Errorf(sql.CodeInvalidName, "invalid configuration parameter name \"%s\"", name).
				WithDetail("Custom parameter names must be two or more simple identifiers separated by dots.")
		}
	}
	prefix := strings.ToLower(name[:strings.IndexByte(name, '.')])
	for _, p := range reservedPrefixes {
		if prefix == p {
			return sql.Errorf(sql.CodeInvalidName, "invalid configuration parameter name \"%s\"", name).
				WithDetail("\"%s\" is a reserved prefix.", p)
		}
	}
	return nil
}

// set validates and stores a session-level value outside any transaction
// block (the startup packet, and callers that are not SQL).
func (ss *sessionSettings) set(name, value string) error {
	return ss.setScoped(name, value, false, false, 0)
}

// setScoped validates and stores a value. Inside a transaction block
// (inTxn, generation gen) the change is undone at rollback, and a local
// one also at commit.
func (ss *sessionSettings) setScoped(name, value string, local, inTxn bool, gen uint64) error {
	key, norm, err := ss.validate(name, value)
	if err != nil {
		return err
	}
	ss.store(key, norm, true, local, inTxn, gen)
	return nil
}

// reset returns one parameter to its reset value.
func (ss *sessionSettings) reset(name string, local, inTxn bool, gen uint64) error {
	key := strings.ToLower(name)
	def, ok := settingsTable[key]
	if !ok {
		if _, placeholder := ss.values[key]; !placeholder {
			return checkCustomName(name)
		}
		ss.store(key, "", true, local, inTxn, gen)
		return nil
	}
	if def.readOnly {
		return sql.Errorf("55P02", "parameter \"%s\" cannot be changed", name)
	}
	ss.store(key, ss.resetValue(key), true, local, inTxn, gen)
	return nil
}

// resetAll is RESET ALL: every changeable parameter but the transaction's
// own returns to its reset value.
func (ss *sessionSettings) resetAll(inTxn bool, gen uint64) {
	for k, v := range ss.values {
		d, builtin := settingsTable[k]
		if builtin && (d.readOnly || d.noResetAll) {
			continue
		}
		if r := ss.resetValue(k); r != v {
			ss.store(k, r, true, false, inTxn, gen)
		}
	}
}

func (ss *sessionSettings) store(key, value string, exists, local, inTxn bool, gen uint64) {
	if ss.startup {
		ss.resetVals[key] = value
	}
	if inTxn {
		if ss.txn == nil {
			ss.txn = map[string]savedSetting{}
		}
		sv, ok := ss.txn[key]
		if !ok {
			cur, had := ss.values[key]
			sv = savedSetting{orig: cur, hadOrig: had, session: cur, hasValue: had}
		}
		if !local {
			sv.session, sv.hasValue = value, exists
		}
		ss.txn[key] = sv
		ss.txnGen = gen
	}
	ss.assign(key, value, exists)
}

// assign changes the live value, noting reportable changes for
// ParameterStatus.
func (ss *sessionSettings) assign(key, value string, exists bool) {
	old, had := ss.values[key]
	if !exists {
		delete(ss.values, key)
		return
	}
	if d, ok := settingsTable[key]; ok && d.report && (!had || old != value) {
		ss.changed = append(ss.changed, key)
	}
	ss.values[key] = value
}

// endTxn settles the parameters a transaction block changed: commit
// keeps session values and ends SET LOCAL ones; rollback restores all.
func (ss *sessionSettings) endTxn(commit bool) {
	for key, sv := range ss.txn {
		if commit {
			ss.assign(key, sv.session, sv.hasValue)
		} else {
			ss.assign(key, sv.orig, sv.hadOrig)
		}
	}
	ss.txn = nil
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
	return strings.ToLower(name)
}

// parseSearchPath splits a search_path value into schema names:
// double-quoted elements keep their case and embedded "" quotes,
// unquoted ones are lower-cased, as PostgreSQL's SplitIdentifierString.
func parseSearchPath(v string) []string {
	var out []string
	s := strings.TrimSpace(v)
	for s != "" {
		var name string
		if s[0] == '"' {
			var b strings.Builder
			i := 1
			for i < len(s) {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					break
				}
				b.WriteByte(s[i])
				i++
			}
			name, s = b.String(), s[min(i+1, len(s)):]
		} else {
			i := strings.IndexByte(s, ',')
			if i < 0 {
				i = len(s)
			}
			name, s = strings.ToLower(strings.TrimSpace(s[:i])), s[i:]
		}
		out = append(out, name)
		s = strings.TrimSpace(s)
		s = strings.TrimPrefix(s, ",")
		s = strings.TrimSpace(s)
	}
	return out
}
