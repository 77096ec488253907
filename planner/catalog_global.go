package planner

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/quartzdb/quartzdb/sql"
)

// catalog_global.go serves the pg_catalog relations about what is not a
// table: roles, databases, settings, functions, types, collations and the
// session itself. The role a session sees is its own user, as the
// bootstrap superuser (OID 10) that owns every object here, next to
// PostgreSQL's predefined pg_* roles; another tenant's users, databases
// and sessions never appear.

var (
	typeFloat4   = sql.TypeFloat4
	typeInt8     = sql.TypeInt8
	typeTSTZ     = sql.TypeTimestampTZ
	typeRegproc  = sql.Type{OID: sql.OIDRegproc, Typmod: -1}
	typeTextArr  = sql.Type{OID: sql.OIDTextArray, Typmod: -1}
	typeNameArr  = sql.Type{OID: sql.OIDNameArray, Typmod: -1}
	typeCharArr  = sql.Type{OID: 1002, Typmod: -1}
	typeOidVec   = sql.Type{OID: sql.OIDOidVector, Typmod: -1}
	typeInterval = sql.TypeInterval
)

// predefinedRoles are PostgreSQL 15's built-in roles, which exist in every
// cluster; pg_monitor is a member of three of them.
var predefinedRoles = []struct {
	oid  int64
	name string
}{
	{3373, "pg_monitor"}, {3374, "pg_read_all_settings"}, {3375, "pg_read_all_stats"}, {3377, "pg_stat_scan_tables"},
	{4200, "pg_signal_backend"}, {4544, "pg_checkpoint"}, {4569, "pg_read_server_files"}, {4570, "pg_write_server_files"},
	{4571, "pg_execute_server_program"}, {6171, "pg_database_owner"}, {6181, "pg_read_all_data"}, {6182, "pg_write_all_data"},
}

// roleRow is one role's attributes, in pg_authid's terms.
type roleRow struct {
	oid                                                       int64
	name                                                      string
	super, inherit, createRole, createDB, login, repl, bypass bool
}

// sessionRoles lists the roles a session can see: its own user first. The
// admin is a superuser like PostgreSQL's bootstrap user; a tenant's user
// may log in and owns its database's objects, nothing more.
func sessionRoles(x *execCtx) []roleRow {
	admin := x.s.opts.Tenant == ""
	rows := []roleRow{{oid: oidBootstrapSuperuser, name: x.s.opts.User, super: admin, inherit: true,
		createRole: admin, createDB: admin, login: true, repl: admin, bypass: admin}}
	for _, r := range predefinedRoles {
		rows = append(rows, roleRow{oid: r.oid, name: r.name, inherit: true})
	}
	return rows
}

// roleByName finds a visible role; PostgreSQL's 42704 otherwise.
func roleByName(x *execCtx, name string) (roleRow, error) {
	for _, r := range sessionRoles(x) {
		if r.name == name {
			return r, nil
		}
	}
	return roleRow{}, sql.Errorf(sql.CodeUndefinedObject, "role \"%s\" does not exist", name)
}

func init() {
	authidCols := func() []colInfo {
		return []colInfo{
			col("oid", typeOid), col("rolname", typeName), col("rolsuper", typeBool), col("rolinherit", typeBool),
			col("rolcreaterole", typeBool), col("rolcreatedb", typeBool), col("rolcanlogin", typeBool),
			col("rolreplication", typeBool), col("rolbypassrls", typeBool), col("rolconnlimit", typeInt4),
			col("rolpassword", typeText), col("rolvaliduntil", typeTSTZ),
		}
	}
	// pg_authid never shows a password hash: rolpassword is NULL, as it
	// is for a role without a password.
	defineVirtual("pg_authid", authidCols(), func(x *execCtx) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, r := range sessionRoles(x) {
			rows = append(rows, []sql.Datum{r.oid, r.name, r.super, r.inherit, r.createRole, r.createDB, r.login, r.repl, r.bypass, int64(-1), nil, nil})
		}
		return rows, nil
	})
	defineVirtual("pg_roles", []colInfo{
		col("rolname", typeName), col("rolsuper", typeBool), col("rolinherit", typeBool), col("rolcreaterole", typeBool),
		col("rolcreatedb", typeBool), col("rolcanlogin", typeBool), col("rolreplication", typeBool), col("rolconnlimit", typeInt4),
		col("rolpassword", typeText), col("rolvaliduntil", typeTSTZ), col("rolbypassrls", typeBool), col("rolconfig", typeTextArr),
		col("oid", typeOid),
	}, func(x *execCtx) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, r := range sessionRoles(x) {
			rows = append(rows, []sql.Datum{r.name, r.super, r.inherit, r.createRole, r.createDB, r.login, r.repl, int64(-1), "********", nil, r.bypass, nil, r.oid})
		}
		return rows, nil
	})
	defineVirtual("pg_user", []colInfo{
		col("usename", typeName), col("usesysid", typeOid), col("usecreatedb", typeBool), col("usesuper", typeBool),
		col("userepl", typeBool), col("usebypassrls", typeBool), col("passwd", typeText), col("valuntil", typeTSTZ),
		col("useconfig", typeTextArr),
	}, func(x *execCtx) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, r := range sessionRoles(x) {
			if r.login {
				rows = append(rows, []sql.Datum{r.name, r.oid, r.createDB, r.super, r.repl, r.bypass, "********", nil, nil})
			}
		}
		return rows, nil
	})
	defineVirtual("pg_auth_members", []colInfo{
		col("roleid", typeOid), col("member", typeOid), col("grantor", typeOid), col("admin_option", typeBool),
	}, func(x *execCtx) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, role := range []int64{3374, 3375, 3377} {
			rows = append(rows, []sql.Datum{role, int64(3373), int64(oidBootstrapSuperuser), false})
		}
		return rows, nil
	})

	defineVirtual("pg_tablespace", []colInfo{
		col("oid", typeOid), col("spcname", typeName), col("spcowner", typeOid), col("spcacl", typeTextArr), col("spcoptions", typeTextArr),
	}, staticRows([][]sql.Datum{
		{int64(1663), "pg_default", int64(oidBootstrapSuperuser), nil, nil},
		{int64(1664), "pg_global", int64(oidBootstrapSuperuser), nil, nil},
	}))
	defineVirtual("pg_language", []colInfo{
		col("oid", typeOid), col("lanname", typeName), col("lanowner", typeOid), col("lanispl", typeBool), col("lanpltrusted", typeBool),
		col("lanplcallfoid", typeOid), col("laninline", typeOid), col("lanvalidator", typeOid), col("lanacl", typeTextArr),
	}, staticRows([][]sql.Datum{
		{int64(12), "internal", int64(10), false, false, int64(0), int64(0), int64(2246), nil},
		{int64(13), "c", int64(10), false, false, int64(0), int64(0), int64(2247), nil},
		{int64(14), "sql", int64(10), false, true, int64(0), int64(0), int64(2248), nil},
		{int64(13563), "plpgsql", int64(10), true, true, int64(13560), int64(13561), int64(13562), nil},
	}))
	defineVirtual("pg_collation", []colInfo{
		col("oid", typeOid), col("collname", typeName), col("collnamespace", typeOid), col("collowner", typeOid),
		col("collprovider", typeChar), col("collisdeterministic", typeBool), col("collencoding", typeInt4),
		col("collcollate", typeText), col("collctype", typeText), col("colliculocale", typeText), col("collversion", typeText),
	}, staticRows([][]sql.Datum{
		{int64(100), "default", int64(11), int64(10), "d", true, int64(-1), nil, nil, nil, nil},
		{int64(950), "C", int64(11), int64(10), "c", true, int64(-1), "C", "C", nil, nil},
		{int64(951), "POSIX", int64(11), int64(10), "c", true, int64(-1), "POSIX", "POSIX", nil, nil},
		{int64(12340), "ucs_basic", int64(11), int64(10), "c", true, int64(6), "C", "C", nil, nil},
	}))
	defineVirtual("pg_enum", []colInfo{
		col("oid", typeOid), col("enumtypid", typeOid), col("enumsortorder", typeFloat4), col("enumlabel", typeName),
	}, staticRows(nil))
	// pg_range holds PostgreSQL 15's built-in range types. QuartzDB has no
	// range types (pg_type lacks int4range and the others), so these rows
	// join to nothing there; they are kept for clients that read the
	// table as a fixed map of built-in OIDs.
	defineVirtual("pg_range", []colInfo{
		col("rngtypid", typeOid), col("rngsubtype", typeOid), col("rngmultitypid", typeOid), col("rngcollation", typeOid),
		col("rngsubopc", typeOid), col("rngcanonical", typeRegproc), col("rngsubdiff", typeRegproc),
	}, staticRows([][]sql.Datum{
		{int64(3904), int64(23), int64(4451), int64(0), int64(1978), int64(3914), int64(3922)},
		{int64(3906), int64(1700), int64(4532), int64(0), int64(3125), int64(0), int64(3924)},
		{int64(3908), int64(1114), int64(4533), int64(0), int64(3128), int64(0), int64(3929)},
		{int64(3910), int64(1184), int64(4534), int64(0), int64(3127), int64(0), int64(3930)},
		{int64(3912), int64(1082), int64(4535), int64(0), int64(3122), int64(3915), int64(3925)},
		{int64(3926), int64(20), int64(4536), int64(0), int64(3124), int64(3928), int64(3923)},
	}))
	defineVirtual("pg_available_extensions", []colInfo{
		col("name", typeName), col("default_version", typeText), col("installed_version", typeText), col("comment", typeText),
	}, func(x *execCtx) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, e := range availableExtensions {
			inst, err := installedVersion(x, e.name)
			if err != nil {
				return nil, err
			}
			rows = append(rows, []sql.Datum{e.name, e.version, inst, e.comment})
		}
		return rows, nil
	})
	defineVirtual("pg_available_extension_versions", []colInfo{
		col("name", typeName), col("version", typeText), col("installed", typeBool), col("superuser", typeBool),
		col("trusted", typeBool), col("relocatable", typeBool), col("schema", typeName), col("requires", typeNameArr),
		col("comment", typeText),
	}, func(x *execCtx) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, e := range availableExtensions {
			inst, err := installedVersion(x, e.name)
			if err != nil {
				return nil, err
			}
			var schema sql.Datum
			if !e.relocatable {
				schema = "pg_catalog"
			}
			rows = append(rows, []sql.Datum{e.name, e.version, inst != nil, true, e.trusted, e.relocatable, schema, nil, e.comment})
		}
		return rows, nil
	})
	defineVirtual("pg_stat_activity", []colInfo{
		col("datid", typeOid), col("datname", typeName), col("pid", typeInt4), col("leader_pid", typeInt4),
		col("usesysid", typeOid), col("usename", typeName), col("application_name", typeText), col("client_addr", typeText),
		col("client_hostname", typeText), col("client_port", typeInt4), col("backend_start", typeTSTZ),
		col("xact_start", typeTSTZ), col("query_start", typeTSTZ), col("state_change", typeTSTZ),
		col("wait_event_type", typeText), col("wait_event", typeText), col("state", typeText), col("backend_xid", typeInt8),
		col("backend_xmin", typeInt8), col("query_id", typeInt8), col("query", typeText), col("backend_type", typeText),
	}, statActivityRows)
	defineVirtual("pg_settings", []colInfo{
		col("name", typeText), col("setting", typeText), col("unit", typeText), col("category", typeText),
		col("short_desc", typeText), col("extra_desc", typeText), col("context", typeText), col("vartype", typeText),
		col("source", typeText), col("min_val", typeText), col("max_val", typeText), col("enumvals", typeTextArr),
		col("boot_val", typeText), col("reset_val", typeText), col("sourcefile", typeText), col("sourceline", typeInt4),
		col("pending_restart", typeBool),
	}, settingsRows)
	defineVirtual("pg_timezone_names", []colInfo{
		col("name", typeText), col("abbrev", typeText), col("utc_offset", typeInterval), col("is_dst", typeBool),
	}, staticRows([][]sql.Datum{{"UTC", "UTC", sql.Interval{}, false}}))
}

// staticRows serves a relation whose rows never change.
func staticRows(rows [][]sql.Datum) func(*execCtx) ([][]sql.Datum, error) {
	return func(*execCtx) ([][]sql.Datum, error) { return rows, nil }
}

// availableExtensions are the extensions CREATE EXTENSION accepts.
var availableExtensions = []struct {
	name, version, comment string
	trusted, relocatable   bool
}{
	{name: "plpgsql", version: "1.0", comment: "PL/pgSQL procedural language", trusted: true},
	{name: "vector", version: "0.8.0", comment: "vector data type and ivfflat and hnsw access methods", relocatable: true},
}

// installedVersion is the version of extension name installed in the
// session's database, or nil; plpgsql is always there.
func installedVersion(x *execCtx, name string) (sql.Datum, error) {
	if name == "plpgsql" {
		return "1.0", nil
	}
	e, err := x.txn.LookupExtension(x.ctx, x.s.db.ID, name)
	if err != nil {
		return nil, fmt.Errorf("look up extension %s: %w", name, err)
	}
	if e == nil {
		return nil, nil
	}
	return e.Version, nil
}

// statActivityRows shows the session's own backend: other sessions, the
// same tenant's included, are not tracked by the engine, and another
// tenant's must never show.
func statActivityRows(x *execCtx) ([][]sql.Datum, error) {
	app, _ := x.s.settings.get("application_name")
	stmt := sql.TimestampTZFromTime(x.ec.StmtTime)
	var xact sql.Datum = stmt
	if !x.ec.TxnTime.IsZero() {
		xact = sql.TimestampTZFromTime(x.ec.TxnTime)
	}
	return [][]sql.Datum{{
		int64(x.s.db.ID), x.s.db.Name, int64(x.s.pid), nil,
		int64(oidBootstrapSuperuser), x.s.opts.User, app, nil,
		nil, nil, sql.TimestampTZFromTime(x.s.started),
		xact, stmt, stmt,
		nil, nil, "active", nil,
		nil, nil, x.s.query, "client backend",
	}}, nil
}

// settingInfo is pg_settings' description of a parameter (PostgreSQL
// 15's, for those it has).
type settingInfo struct {
	unit, category, shortDesc, extraDesc, context, vartype, minVal, maxVal, enumvals, bootVal string
}

// settingInfos is filled from pgSettingsData; the parameters that
// PostgreSQL hides from pg_settings (is_superuser, session_authorization)
// have no entry and are not listed.
var settingInfos = map[string]settingInfo{}

func init() {
	for _, line := range strings.Split(strings.TrimSpace(pgSettingsData), "\n") {
		f := strings.Split(line, "\t")
		dash := func(s string) string {
			if s == "-" {
				return ""
			}
			return s
		}
		settingInfos[strings.ToLower(f[0])] = settingInfo{unit: dash(f[1]), category: f[2], shortDesc: f[3], extraDesc: dash(f[4]),
			context: f[5], vartype: f[6], minVal: dash(f[7]), maxVal: dash(f[8]), enumvals: dash(f[9]), bootVal: dash(f[10])}
	}
	for name, info := range map[string]settingInfo{
		"hnsw.ef_search":       {category: "Customized Options", shortDesc: "Sets the size of the dynamic candidate list for search", extraDesc: "Valid range is 1..1000.", context: "user", vartype: "integer", minVal: "1", maxVal: "1000", bootVal: "40"},
		"hnsw.iterative_scan":  {category: "Customized Options", shortDesc: "Sets the mode for iterative scans", context: "user", vartype: "enum", enumvals: "{off,relaxed_order,strict_order}", bootVal: "off"},
		"hnsw.max_scan_tuples": {category: "Customized Options", shortDesc: "Sets the max number of tuples to visit for iterative scans", context: "user", vartype: "integer", minVal: "1", maxVal: "2147483647", bootVal: "20000"},
		"quartz.report_usage":  {category: "Customized Options", shortDesc: "Reports each statement's billing units in a NOTICE.", context: "user", vartype: "bool", bootVal: "off"},
	} {
		settingInfos[name] = info
	}
}

// settingsRows lists the session's parameters with their current values,
// in name order as PostgreSQL does.
func settingsRows(x *execCtx) ([][]sql.Datum, error) {
	var keys []string
	for k := range settingsTable {
		if _, ok := settingInfos[k]; ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		return strings.ToLower(settingsTable[keys[i]].name) < strings.ToLower(settingsTable[keys[j]].name)
	})
	var rows [][]sql.Datum
	for _, k := range keys {
		def, info := settingsTable[k], settingInfos[k]
		cur, _ := x.s.showValue(def.name)
		source := "default"
		if cur != def.def {
			source = "session"
		}
		boot := info.bootVal
		if def.readOnly || strings.Contains(k, ".") {
			boot = settingInBaseUnit(def.def, info.unit)
		}
		var enumvals sql.Datum
		if info.enumvals != "" {
			enumvals = &sql.Array{ElemOID: sql.OIDText, Elems: splitEnumVals(info.enumvals)}
		}
		rows = append(rows, []sql.Datum{
			def.name, settingInBaseUnit(cur, info.unit), nullIfEmpty(info.unit), info.category,
			info.shortDesc, nullIfEmpty(info.extraDesc), info.context, info.vartype,
			source, nullIfEmpty(info.minVal), nullIfEmpty(info.maxVal), enumvals,
			boot, settingInBaseUnit(def.def, info.unit), nil, nil,
			false,
		})
	}
	return rows, nil
}

func nullIfEmpty(s string) sql.Datum {
	if s == "" {
		return nil
	}
	return s
}

func splitEnumVals(s string) []sql.Datum {
	var out []sql.Datum
	for _, v := range strings.Split(strings.Trim(s, "{}"), ",") {
		out = append(out, strings.Trim(v, `"`))
	}
	return out
}

// settingInBaseUnit shows a value as pg_settings.setting does: a number
// in the parameter's unit ('5s' of a millisecond setting is 5000).
func settingInBaseUnit(v, unit string) string {
	switch unit {
	case "ms":
		d, err := parseDurationSetting(v)
		if err != nil {
			return v
		}
		return strconv.FormatInt(d.Milliseconds(), 10)
	case "kB":
		s := strings.TrimSpace(v)
		mult := int64(1)
		for suffix, m := range map[string]int64{"kB": 1, "MB": 1024, "GB": 1024 * 1024, "TB": 1024 * 1024 * 1024} {
			if strings.HasSuffix(s, suffix) {
				s, mult = strings.TrimSpace(strings.TrimSuffix(s, suffix)), m
				break
			}
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return v
		}
		return strconv.FormatInt(n*mult, 10)
	}
	return v
}

// pgSettingsData is PostgreSQL 15's pg_settings description of the parameters
// QuartzDB has: name, unit, category, short_desc, extra_desc, context,
// vartype, min_val, max_val, enumvals, boot_val, tab-separated, "-" for
// NULL.
const pgSettingsData = `
DateStyle	-	Client Connection Defaults / Locale and Formatting	Sets the display format for date and time values.	Also controls interpretation of ambiguous date inputs.	user	string	-	-	-	ISO, MDY
IntervalStyle	-	Client Connection Defaults / Locale and Formatting	Sets the display format for interval values.	-	user	enum	-	-	{postgres,postgres_verbose,sql_standard,iso_8601}	postgres
TimeZone	-	Client Connection Defaults / Locale and Formatting	Sets the time zone for displaying and interpreting time stamps.	-	user	string	-	-	-	GMT
application_name	-	Reporting and Logging / What to Log	Sets the application name to be reported in statistics and logs.	-	user	string	-	-	-	
block_size	-	Preset Options	Shows the size of a disk block.	-	internal	integer	8192	8192	-	8192
bytea_output	-	Client Connection Defaults / Statement Behavior	Sets the output format for bytea.	-	user	enum	-	-	{escape,hex}	hex
check_function_bodies	-	Client Connection Defaults / Statement Behavior	Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE.	-	user	bool	-	-	-	on
client_encoding	-	Client Connection Defaults / Locale and Formatting	Sets the client's character set encoding.	-	user	string	-	-	-	SQL_ASCII
client_min_messages	-	Client Connection Defaults / Statement Behavior	Sets the message levels that are sent to the client.	Each level includes all the levels that follow it. The later the level, the fewer messages are sent.	user	enum	-	-	{debug5,debug4,debug3,debug2,debug1,log,notice,warning,error}	notice
default_tablespace	-	Client Connection Defaults / Statement Behavior	Sets the default tablespace to create tables and indexes in.	An empty string selects the database's default tablespace.	user	string	-	-	-	
default_transaction_isolation	-	Client Connection Defaults / Statement Behavior	Sets the transaction isolation level of each new transaction.	-	user	enum	-	-	{serializable,"repeatable read","read committed","read uncommitted"}	read committed
default_transaction_read_only	-	Client Connection Defaults / Statement Behavior	Sets the default read-only status of new transactions.	-	user	bool	-	-	-	off
enable_seqscan	-	Query Tuning / Planner Method Configuration	Enables the planner's use of sequential-scan plans.	-	user	bool	-	-	-	on
extra_float_digits	-	Client Connection Defaults / Locale and Formatting	Sets the number of digits displayed for floating-point values.	This affects real, double precision, and geometric data types. A zero or negative parameter value is added to the standard number of digits (FLT_DIG or DBL_DIG as appropriate). Any value greater than zero selects precise output mode.	user	integer	-15	3	-	1
idle_in_transaction_session_timeout	ms	Client Connection Defaults / Statement Behavior	Sets the maximum allowed idle time between queries, when in a transaction.	A value of 0 turns off the timeout.	user	integer	0	2147483647	-	0
in_hot_standby	-	Preset Options	Shows whether hot standby is currently active.	-	internal	bool	-	-	-	off
integer_datetimes	-	Preset Options	Shows whether datetimes are integer based.	-	internal	bool	-	-	-	on
join_collapse_limit	-	Query Tuning / Other Planner Options	Sets the FROM-list size beyond which JOIN constructs are not flattened.	The planner will flatten explicit JOIN constructs into lists of FROM items whenever a list of no more than this many items would result.	user	integer	1	2147483647	-	8
lc_collate	-	Preset Options	Shows the collation order locale.	-	internal	string	-	-	-	C
lc_ctype	-	Preset Options	Shows the character classification and case conversion locale.	-	internal	string	-	-	-	C
lc_messages	-	Client Connection Defaults / Locale and Formatting	Sets the language in which messages are displayed.	-	superuser	string	-	-	-	
lc_monetary	-	Client Connection Defaults / Locale and Formatting	Sets the locale for formatting monetary amounts.	-	user	string	-	-	-	C
lc_numeric	-	Client Connection Defaults / Locale and Formatting	Sets the locale for formatting numbers.	-	user	string	-	-	-	C
lc_time	-	Client Connection Defaults / Locale and Formatting	Sets the locale for formatting date and time values.	-	user	string	-	-	-	C
lock_timeout	ms	Client Connection Defaults / Statement Behavior	Sets the maximum allowed duration of any wait for a lock.	A value of 0 turns off the timeout.	user	integer	0	2147483647	-	0
max_connections	-	Connections and Authentication / Connection Settings	Sets the maximum number of concurrent connections.	-	postmaster	integer	1	262143	-	100
max_identifier_length	-	Preset Options	Shows the maximum identifier length.	-	internal	integer	63	63	-	63
row_security	-	Client Connection Defaults / Statement Behavior	Enable row security.	When enabled, row security will be applied to all users.	user	bool	-	-	-	on
search_path	-	Client Connection Defaults / Statement Behavior	Sets the schema search order for names that are not schema-qualified.	-	user	string	-	-	-	"$user", public
server_encoding	-	Preset Options	Shows the server (database) character set encoding.	-	internal	string	-	-	-	SQL_ASCII
server_version	-	Preset Options	Shows the server version.	-	internal	string	-	-	-	15.18 (Debian 15.18-0+deb12u1)
server_version_num	-	Preset Options	Shows the server version as an integer.	-	internal	integer	150018	150018	-	150018
standard_conforming_strings	-	Version and Platform Compatibility / Previous PostgreSQL Versions	Causes '...' strings to treat backslashes literally.	-	user	bool	-	-	-	on
statement_timeout	ms	Client Connection Defaults / Statement Behavior	Sets the maximum allowed duration of any statement.	A value of 0 turns off the timeout.	user	integer	0	2147483647	-	0
synchronous_commit	-	Write-Ahead Log / Settings	Sets the current transaction's synchronization level.	-	user	enum	-	-	{local,remote_write,remote_apply,on,off}	on
transaction_isolation	-	Client Connection Defaults / Statement Behavior	Sets the current transaction's isolation level.	-	user	enum	-	-	{serializable,"repeatable read","read committed","read uncommitted"}	read committed
transaction_read_only	-	Client Connection Defaults / Statement Behavior	Sets the current transaction's read-only status.	-	user	bool	-	-	-	off
work_mem	kB	Resource Usage / Memory	Sets the maximum memory to be used for query workspaces.	This much memory can be used by each internal sort operation and hash table before switching to temporary disk files.	user	integer	64	2147483647	-	4096
xmloption	-	Client Connection Defaults / Statement Behavior	Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments.	-	user	enum	-	-	{content,document}	content
`
