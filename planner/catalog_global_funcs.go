package planner

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// catalog_global_funcs.go holds pg_proc (PostgreSQL 15's entries for the
// built-in functions QuartzDB has), pg_type's per-type columns, and the
// catalog functions about privileges, functions, types and the session.

// procRow is one pg_proc entry.
type procRow struct {
	oid                             int64
	name                            string
	lang                            int64
	kind, volatile, parallel        string
	strict, retset                  bool
	nargDefaults                    int64
	retType, variadic               int64
	argTypes                        []sql.Datum
	allArgTypes, argModes, argNames sql.Datum
	src                             sql.Datum
	cost, rows                      float64
	result, arguments, identityArgs string
}

var (
	builtinProcs []*procRow
	procsByOID   = map[int64]*procRow{}
	procsByName  = map[string][]*procRow{}
	processStart = time.Now()
	catalogSRFs  = map[string]*catalogSRF{}
)

// catalogSRF is a set-returning catalog function, read in FROM.
type catalogSRF struct {
	cols []colInfo
	rows func(x *execCtx, args []sql.Datum) ([][]sql.Datum, error)
}

func init() {
	arr := func(elem uint32, s string, conv func(string) sql.Datum) sql.Datum {
		if s == "-" {
			return nil
		}
		var out []sql.Datum
		for _, e := range strings.Split(strings.Trim(s, "{}"), ",") {
			out = append(out, conv(strings.Trim(e, `"`)))
		}
		return &sql.Array{ElemOID: elem, Elems: out}
	}
	num := func(s string) sql.Datum { n, _ := strconv.ParseInt(s, 10, 64); return n }
	str := func(s string) sql.Datum { return s }
	for _, line := range strings.Split(strings.TrimSpace(pgProcData), "\n") {
		f := strings.Split(line, "\t")
		p := &procRow{
			oid: num(f[0]).(int64), name: f[1], lang: num(f[2]).(int64), kind: f[3], strict: f[4] == "t", retset: f[5] == "t",
			volatile: f[6], parallel: f[7], nargDefaults: num(f[8]).(int64), retType: num(f[9]).(int64),
			allArgTypes: arr(sql.OIDOid, f[11], num), argModes: arr(sql.OIDChar, f[12], str), argNames: arr(sql.OIDText, f[13], str),
			variadic: num(f[14]).(int64), result: f[18], arguments: f[19], identityArgs: f[20],
		}
		if f[10] != "" {
			for _, a := range strings.Fields(f[10]) {
				p.argTypes = append(p.argTypes, num(a))
			}
		}
		if f[15] != "-" {
			p.src = f[15]
		}
		p.cost, _ = strconv.ParseFloat(f[16], 64)
		p.rows, _ = strconv.ParseFloat(f[17], 64)
		builtinProcs = append(builtinProcs, p)
		procsByOID[p.oid] = p
		procsByName[p.name] = append(procsByName[p.name], p)
	}

	defineVirtual("pg_proc", []colInfo{
		col("oid", typeOid), col("proname", typeName), col("pronamespace", typeOid), col("proowner", typeOid),
		col("prolang", typeOid), col("procost", typeFloat4), col("prorows", typeFloat4), col("provariadic", typeOid),
		col("prosupport", typeRegproc), col("prokind", typeChar), col("prosecdef", typeBool), col("proleakproof", typeBool),
		col("proisstrict", typeBool), col("proretset", typeBool), col("provolatile", typeChar), col("proparallel", typeChar),
		col("pronargs", typeInt2), col("pronargdefaults", typeInt2), col("prorettype", typeOid), col("proargtypes", typeOidVec),
		col("proallargtypes", typeOidArr), col("proargmodes", typeCharArr), col("proargnames", typeTextArr),
		col("proargdefaults", typeText), col("protrftypes", typeOidArr), col("prosrc", typeText), col("probin", typeText),
		col("prosqlbody", typeText), col("proconfig", typeTextArr), col("proacl", typeTextArr),
	}, func(x *execCtx) ([][]sql.Datum, error) {
		rows := make([][]sql.Datum, 0, len(builtinProcs))
		for _, p := range builtinProcs {
			rows = append(rows, []sql.Datum{
				p.oid, p.name, int64(oidPgCatalogNamespace), int64(oidBootstrapSuperuser),
				p.lang, p.cost, p.rows, p.variadic,
				int64(0), p.kind, false, false,
				p.strict, p.retset, p.volatile, p.parallel,
				int64(len(p.argTypes)), p.nargDefaults, p.retType, &sql.Array{ElemOID: sql.OIDOid, Elems: p.argTypes},
				p.allArgTypes, p.argModes, p.argNames,
				nil, nil, p.src, nil,
				nil, nil, nil,
			})
		}
		return rows, nil
	})

	catalogSRFs["pg_get_keywords"] = &catalogSRF{
		cols: []colInfo{col("word", typeText), col("catcode", typeChar), col("barelabel", typeBool), col("catdesc", typeText), col("baredesc", typeText)},
		rows: func(*execCtx, []sql.Datum) ([][]sql.Datum, error) {
			kws := sql.Keywords()
			rows := make([][]sql.Datum, len(kws))
			for i, k := range kws {
				rows[i] = []sql.Datum{k.Word, string(rune(k.Category)), k.BareLabel, k.CategoryDesc(), k.BareDesc()}
			}
			return rows, nil
		},
	}

	text, oid, i4, boolT := typeText, typeOid, typeInt4, typeBool
	constant := func(v sql.Datum) func(*execCtx, []sql.Datum) (sql.Datum, error) {
		return func(*execCtx, []sql.Datum) (sql.Datum, error) { return v, nil }
	}
	// Comments on shared objects (databases, roles) cannot be set here.
	defineCatalogFunc("shobj_description", text, constant(nil), []sql.Type{oid, typeName})
	defineCatalogFunc("pg_is_in_recovery", boolT, constant(false), []sql.Type{})
	// The server is reached over TCP through a proxy in front of the
	// engine; like a Unix-socket connection, it has no address to show.
	defineCatalogFunc("inet_server_addr", text, constant(nil), []sql.Type{})
	defineCatalogFunc("inet_server_port", i4, constant(nil), []sql.Type{})
	defineCatalogFunc("inet_client_addr", text, constant(nil), []sql.Type{})
	defineCatalogFunc("inet_client_port", i4, constant(nil), []sql.Type{})
	start := func(*execCtx, []sql.Datum) (sql.Datum, error) { return sql.TimestampTZFromTime(processStart), nil }
	defineCatalogFunc("pg_postmaster_start_time", typeTSTZ, start, []sql.Type{})
	defineCatalogFunc("pg_conf_load_time", typeTSTZ, start, []sql.Type{})
	defineCatalogFunc("pg_client_encoding", typeName, func(x *execCtx, _ []sql.Datum) (sql.Datum, error) {
		v, _ := x.s.settings.get("client_encoding")
		return v, nil
	}, []sql.Type{})
	defineCatalogFunc("current_schemas", typeNameArr, func(x *execCtx, a []sql.Datum) (sql.Datum, error) {
		var out []sql.Datum
		if a[0].(bool) {
			out = append(out, "pg_catalog")
		}
		for _, sp := range x.s.searchPath() {
			if sp == "pg_catalog" {
				continue
			}
			sd, err := x.txn.LookupSchema(x.ctx, x.s.db.ID, sp)
			if err != nil {
				return nil, fmt.Errorf("look up schema %q: %w", sp, err)
			}
			if sd != nil {
				out = append(out, sp)
			}
		}
		return &sql.Array{ElemOID: sql.OIDName, Elems: out}, nil
	}, []sql.Type{boolT})
	defineCatalogFunc("pg_type_is_visible", boolT, func(_ *execCtx, a []sql.Datum) (sql.Datum, error) {
		if _, ok := pgTypeExtra[uint32(a[0].(int64))]; ok {
			return true, nil
		}
		return nil, nil
	}, []sql.Type{oid})
	procText := func(get func(*procRow) sql.Datum) func(*execCtx, []sql.Datum) (sql.Datum, error) {
		return func(_ *execCtx, a []sql.Datum) (sql.Datum, error) {
			p, ok := procsByOID[a[0].(int64)]
			if !ok {
				return nil, nil
			}
			return get(p), nil
		}
	}
	defineCatalogFunc("pg_function_is_visible", boolT, procText(func(*procRow) sql.Datum { return true }), []sql.Type{oid})
	defineCatalogFunc("pg_get_function_result", text, procText(func(p *procRow) sql.Datum { return p.result }), []sql.Type{oid})
	defineCatalogFunc("pg_get_function_arguments", text, procText(func(p *procRow) sql.Datum { return p.arguments }), []sql.Type{oid})
	defineCatalogFunc("pg_get_function_identity_arguments", text, procText(func(p *procRow) sql.Datum { return p.identityArgs }), []sql.Type{oid})
	// Built-in functions have no SQL-standard body.
	defineCatalogFunc("pg_get_function_sqlbody", text, constant(nil), []sql.Type{oid})
	defineCatalogFunc("to_regproc", typeRegproc, func(x *execCtx, a []sql.Datum) (sql.Datum, error) {
		p, err := lookupProcName(x, a[0].(string))
		if err != nil || p == nil {
			return nil, nil
		}
		return p.oid, nil
	}, []sql.Type{text})

	definePrivilegeFuncs()
}

// lookupProcName resolves a possibly qualified function name to the one
// built-in function of that name, or nil when there is none or several
// (to_regproc's and ::regproc's rule).
func lookupProcName(x *execCtx, name string) (*procRow, error) {
	parts, err := parseQualifiedName(name)
	if err != nil {
		return nil, err
	}
	if len(parts) > 2 || len(parts) == 2 && parts[0] != "pg_catalog" {
		return nil, nil
	}
	ps := procsByName[parts[len(parts)-1]]
	if len(ps) != 1 {
		return nil, nil
	}
	return ps[0], nil
}

// builtinProcOID returns the pg_proc OID of the only built-in function
// called name, for ::regproc; ok is false when there is none or the name
// is overloaded (n says how many there are).
func builtinProcOID(name string) (oid int64, n int) {
	ps := procsByName[name]
	if len(ps) != 1 {
		return 0, len(ps)
	}
	return ps[0].oid, 1
}

func init() {
	// regproc names a function without its arguments: the input fails
	// for an unknown or overloaded name, as PostgreSQL's regprocin does.
	defineCatalogFunc("regprocin", sql.Type{OID: sql.OIDRegproc, Typmod: -1}, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		s := strings.TrimSpace(args[0].(string))
		if s == "-" {
			return int64(0), nil
		}
		if s != "" && s[0] >= '0' && s[0] <= '9' {
			return sql.ParseText(sql.TypeOid, s, nil)
		}
		parts, err := parseQualifiedName(s)
		if err != nil {
			return nil, err
		}
		if len(parts) == 2 && parts[0] != "pg_catalog" || len(parts) > 2 {
			return nil, sql.Errorf(sql.CodeUndefinedFunction, "function \"%s\" does not exist", s)
		}
		oid, n := builtinProcOID(parts[len(parts)-1])
		switch {
		case n == 0:
			return nil, sql.Errorf(sql.CodeUndefinedFunction, "function \"%s\" does not exist", s)
		case n > 1:
			return nil, sql.Errorf(sql.CodeAmbiguousFunction, "more than one function named \"%s\"", s)
		}
		return oid, nil
	}, []sql.Type{typeText})
	defineCatalogFunc("regprocout", typeText, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		oid := args[0].(int64)
		if oid == 0 {
			return "-", nil
		}
		if p, ok := procsByOID[oid]; ok {
			return p.name, nil
		}
		return strconv.FormatInt(oid, 10), nil
	}, []sql.Type{typeOid})
}

// parseQualifiedName splits a name like `public."My Table"` as
// PostgreSQL's textToQualifiedNameList does: unquoted parts fold to lower
// case, quoted ones keep theirs; 42602 for bad syntax.
func parseQualifiedName(s string) ([]string, error) {
	bad := sql.Errorf("42602", "invalid name syntax")
	var parts []string
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		var part strings.Builder
		if i < len(s) && s[i] == '"' {
			i++
			closed := false
			for i < len(s) {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						part.WriteByte('"')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				part.WriteByte(s[i])
				i++
			}
			if !closed || part.Len() == 0 {
				return nil, bad
			}
		} else {
			start := i
			for i < len(s) && s[i] != '.' && !isSpace(s[i]) && s[i] != '"' {
				i++
			}
			if i == start {
				return nil, bad
			}
			part.WriteString(strings.ToLower(s[start:i]))
		}
		parts = append(parts, part.String())
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			return parts, nil
		}
		if s[i] != '.' {
			return nil, bad
		}
		i++
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// privilegeKinds are the privileges each has_*_privilege accepts, by
// upper-case name; false marks one PostgreSQL accepts but never grants
// (RULE).
var privilegeKinds = map[string]map[string]bool{
	"table":    {"SELECT": true, "INSERT": true, "UPDATE": true, "DELETE": true, "TRUNCATE": true, "REFERENCES": true, "TRIGGER": true, "RULE": false},
	"column":   {"SELECT": true, "INSERT": true, "UPDATE": true, "REFERENCES": true},
	"schema":   {"CREATE": true, "USAGE": true},
	"database": {"CREATE": true, "CONNECT": true, "TEMPORARY": true, "TEMP": true},
	"function": {"EXECUTE": true},
	"sequence": {"USAGE": true, "SELECT": true, "UPDATE": true},
}

// parsePrivileges reads a list like 'SELECT, insert WITH GRANT OPTION'
// into upper-case privilege names; 22023 for an unknown one.
func parsePrivileges(kind, list string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(list, ",") {
		p = strings.ToUpper(strings.Join(strings.Fields(p), " "))
		p = strings.TrimSuffix(p, " WITH GRANT OPTION")
		grantable, ok := privilegeKinds[kind][p]
		if !ok {
			return nil, sql.Errorf(sql.CodeInvalidParameterValue, "unrecognized privilege type: \"%s\"", strings.TrimSpace(strings.Split(list, ",")[len(out)]))
		}
		if grantable {
			out = append(out, p)
		}
	}
	return out, nil
}

// grantee is the role a privilege question is about: the session's own
// user (owner of everything in its database) or another, which has only
// what PostgreSQL grants to PUBLIC.
type grantee struct{ owner, super bool }

func resolveGrantee(x *execCtx, arg sql.Datum) (grantee, error) {
	s := arg.(string)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n == oidBootstrapSuperuser {
			return grantee{owner: true, super: x.s.opts.Tenant == ""}, nil
		}
		return grantee{}, nil
	}
	if strings.EqualFold(s, "public") {
		return grantee{}, nil
	}
	r, err := roleByName(x, s)
	if err != nil {
		return grantee{}, err
	}
	return grantee{owner: r.oid == oidBootstrapSuperuser, super: r.super}, nil
}

// publicGrants are PostgreSQL's default grants to PUBLIC on the objects
// every role can use: catalog relations, the public and pg_catalog
// schemas, databases and functions.
func publicGrants(kind string, catalog bool, privs []string) bool {
	for _, p := range privs {
		switch {
		case kind == "table" && catalog && p == "SELECT",
			kind == "column" && catalog && p == "SELECT",
			kind == "schema" && p == "USAGE",
			kind == "database" && (p == "CONNECT" || p == "TEMPORARY" || p == "TEMP"),
			kind == "function":
			return true
		}
	}
	return false
}

// decide answers a privilege question about an object that exists.
func decide(g grantee, kind string, catalog bool, privs []string) bool {
	if len(privs) == 0 {
		return false // only RULE was asked for
	}
	if g.super || g.owner && !catalog {
		return true
	}
	return publicGrants(kind, catalog, privs)
}

// objRef is an object a privilege function was asked about: found (or
// not, for an OID, which answers NULL) and whether it is a built-in
// catalog object the session does not own.
type objRef struct {
	found, catalog bool
	table          *storage.TableDesc
	vt             *virtualTable
}

// isOIDArg tells an OID argument (an oid-typed value arrives as its
// digits) from a name.
func isOIDArg(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}

func resolveRelation(x *execCtx, arg string) (objRef, error) {
	if id, ok := isOIDArg(arg); ok {
		td, err := x.txn.TableByID(x.ctx, uint32(id))
		if err != nil {
			return objRef{}, fmt.Errorf("look up relation %d: %w", id, err)
		}
		// Another database's (another tenant's) table is as absent as
		// one that never existed: NULL, not false.
		if td == nil || td.DBID != x.s.db.ID {
			return objRef{}, nil
		}
		return objRef{found: true, table: td}, nil
	}
	parts, err := parseQualifiedName(arg)
	if err != nil {
		return objRef{}, err
	}
	var schema, name string
	switch len(parts) {
	case 1:
		name = parts[0]
	case 2:
		schema, name = parts[0], parts[1]
	case 3:
		if parts[0] != x.s.db.Name {
			return objRef{}, sql.Errorf(sql.CodeFeatureNotSupported, "cross-database references are not implemented: \"%s\"", arg)
		}
		schema, name = parts[1], parts[2]
	default:
		return objRef{}, sql.Errorf(sql.CodeSyntaxError, "improper relation name (too many dotted names): %s", arg)
	}
	if vt := lookupVirtual(&pg_query.RangeVar{Schemaname: schema, Relname: name}); vt != nil {
		return objRef{found: true, catalog: true, vt: vt}, nil
	}
	if schema != "pg_catalog" {
		td, err := x.s.findTable(x.ctx, x.txn, schema, name)
		if err != nil {
			return objRef{}, err
		}
		if td != nil {
			return objRef{found: true, table: td}, nil
		}
	}
	qual := name
	if schema != "" {
		qual = schema + "." + name
	}
	return objRef{}, sql.Errorf(sql.CodeUndefinedTable, "relation \"%s\" does not exist", qual)
}

func resolveSchema(x *execCtx, arg string) (objRef, error) {
	if id, ok := isOIDArg(arg); ok {
		switch id {
		case oidPgCatalogNamespace:
			return objRef{found: true, catalog: true}, nil
		case oidPublicNamespace:
			return objRef{found: true}, nil
		}
		sd, err := x.txn.SchemaByID(x.ctx, uint32(id))
		if err != nil {
			return objRef{}, fmt.Errorf("look up schema %d: %w", id, err)
		}
		return objRef{found: sd != nil && sd.DBID == x.s.db.ID}, nil
	}
	switch arg {
	case "pg_catalog", "information_schema":
		return objRef{found: true, catalog: true}, nil
	}
	sd, err := x.txn.LookupSchema(x.ctx, x.s.db.ID, arg)
	if err != nil {
		return objRef{}, fmt.Errorf("look up schema %q: %w", arg, err)
	}
	if sd == nil {
		return objRef{}, sql.Errorf(sql.CodeInvalidSchemaName, "schema \"%s\" does not exist", arg)
	}
	return objRef{found: true}, nil
}

// resolveDatabase finds a database the session may see: its own, or for
// the admin any; another tenant's is reported as not existing.
func resolveDatabase(x *execCtx, arg string) (objRef, error) {
	visible := func(d *storage.DatabaseDesc) bool {
		return d != nil && (x.s.opts.Tenant == "" || d.ID == x.s.db.ID)
	}
	if id, ok := isOIDArg(arg); ok {
		d, err := x.txn.DatabaseByID(x.ctx, uint32(id))
		if err != nil {
			return objRef{}, fmt.Errorf("look up database %d: %w", id, err)
		}
		return objRef{found: visible(d)}, nil
	}
	d, err := x.txn.LookupDatabase(x.ctx, arg)
	if err != nil {
		return objRef{}, fmt.Errorf("look up database %q: %w", arg, err)
	}
	if !visible(d) {
		return objRef{}, sql.Errorf(sql.CodeInvalidCatalogName, "database \"%s\" does not exist", arg)
	}
	return objRef{found: true}, nil
}

// resolveFunction reads 'name(argtypes)' as regprocedure does, or an OID.
func resolveFunction(x *execCtx, arg string) (objRef, error) {
	if id, ok := isOIDArg(arg); ok {
		_, found := procsByOID[id]
		return objRef{found: found, catalog: true}, nil
	}
	open := strings.IndexByte(arg, '(')
	if open < 0 || !strings.HasSuffix(strings.TrimSpace(arg), ")") {
		return objRef{}, sql.Errorf(sql.CodeInvalidTextRepresentation, "expected a left parenthesis")
	}
	parts, err := parseQualifiedName(arg[:open])
	if err != nil {
		return objRef{}, err
	}
	notFound := sql.Errorf(sql.CodeUndefinedFunction, "function \"%s\" does not exist", arg)
	if len(parts) > 2 || len(parts) == 2 && parts[0] != "pg_catalog" {
		return objRef{}, notFound
	}
	inner := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(arg[open+1:]), ")"))
	var want []int64
	if inner != "" {
		for _, tn := range strings.Split(inner, ",") {
			t, ok := sql.TypeByName(strings.TrimSpace(tn))
			if !ok {
				return objRef{}, sql.Errorf(sql.CodeUndefinedObject, "type \"%s\" does not exist", strings.TrimSpace(tn))
			}
			want = append(want, int64(t.OID))
		}
	}
	for _, p := range procsByName[parts[len(parts)-1]] {
		if len(p.argTypes) != len(want) {
			continue
		}
		same := true
		for i := range want {
			same = same && p.argTypes[i].(int64) == want[i]
		}
		if same {
			return objRef{found: true, catalog: true}, nil
		}
	}
	return objRef{}, notFound
}

func resolveSequence(x *execCtx, arg string) (objRef, error) {
	if _, ok := isOIDArg(arg); ok {
		// Sequences have no OIDs here.
		return objRef{}, nil
	}
	ref, err := resolveRelation(x, arg)
	if err == nil && ref.found {
		return objRef{}, sql.Errorf(sql.CodeWrongObjectType, "\"%s\" is not a sequence", arg)
	}
	if _, serr := x.s.sequenceKeyByName(x, arg); serr != nil {
		if err != nil {
			return objRef{}, err
		}
		return objRef{}, serr
	}
	return objRef{found: true}, nil
}

// hasColumn checks a column of a found relation, by name or number.
func hasColumn(ref objRef, col string) (found bool, err error) {
	var names []string
	if ref.table != nil {
		for _, c := range ref.table.Columns {
			names = append(names, c.Name)
		}
	} else if ref.vt != nil {
		for _, c := range ref.vt.cols {
			names = append(names, c.name)
		}
	}
	for _, n := range names {
		if n == col {
			return true, nil
		}
	}
	if n, ok := isOIDArg(col); ok {
		return n >= 1 && int(n) <= len(names), nil
	}
	rel := ""
	if ref.table != nil {
		rel = ref.table.Name
	}
	return false, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", col, rel)
}

// definePrivilegeFuncs registers has_*_privilege in all their forms: the
// object (and user) by name or OID, an optional leading user. Arguments
// are taken as text so that one signature per arity serves both: an
// oid-typed argument arrives as its digits.
func definePrivilegeFuncs() {
	t := typeText
	type resolver func(x *execCtx, arg string) (objRef, error)
	simple := func(name, kind string, resolve resolver) {
		call := func(x *execCtx, g grantee, obj, priv sql.Datum) (sql.Datum, error) {
			ref, err := resolve(x, obj.(string))
			if err != nil {
				return nil, err
			}
			privs, err := parsePrivileges(kind, priv.(string))
			if err != nil {
				return nil, err
			}
			if !ref.found {
				return nil, nil
			}
			return decide(g, kind, ref.catalog, privs), nil
		}
		defineCatalogFunc(name, typeBool, func(x *execCtx, a []sql.Datum) (sql.Datum, error) {
			if len(a) == 2 {
				return call(x, grantee{owner: true, super: x.s.opts.Tenant == ""}, a[0], a[1])
			}
			g, err := resolveGrantee(x, a[0])
			if err != nil {
				return nil, err
			}
			return call(x, g, a[1], a[2])
		}, []sql.Type{t, t}, []sql.Type{t, t, t})
	}
	simple("has_table_privilege", "table", resolveRelation)
	simple("has_any_column_privilege", "column", resolveRelation)
	simple("has_schema_privilege", "schema", resolveSchema)
	simple("has_database_privilege", "database", resolveDatabase)
	simple("has_function_privilege", "function", resolveFunction)
	simple("has_sequence_privilege", "sequence", resolveSequence)

	column := func(x *execCtx, g grantee, rel, colName, priv sql.Datum) (sql.Datum, error) {
		ref, err := resolveRelation(x, rel.(string))
		if err != nil {
			return nil, err
		}
		if !ref.found {
			return nil, nil
		}
		ok, err := hasColumn(ref, colName.(string))
		if err != nil {
			return nil, err
		}
		privs, err := parsePrivileges("column", priv.(string))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, nil
		}
		return decide(g, "column", ref.catalog, privs), nil
	}
	defineCatalogFunc("has_column_privilege", typeBool, func(x *execCtx, a []sql.Datum) (sql.Datum, error) {
		if len(a) == 3 {
			return column(x, grantee{owner: true, super: x.s.opts.Tenant == ""}, a[0], a[1], a[2])
		}
		g, err := resolveGrantee(x, a[0])
		if err != nil {
			return nil, err
		}
		return column(x, g, a[1], a[2], a[3])
	}, []sql.Type{t, t, t}, []sql.Type{t, t, t, t})
}

// pgTypeExtra is what pg_type shows beyond sql.TypeInfo, from PostgreSQL
// 15's catalog (the vector types' I/O functions are QuartzDB's OIDs,
// 8510-8519, in pg_proc).
type pgTypeInfo struct {
	typtype                                                         byte
	subscript, input, output, receive, send, modin, modout, analyze int64
	align, storage                                                  byte
	collation                                                       int64
	byval                                                           bool
}

// pgPseudoTypes are pg_type rows for types that only function signatures
// use (cstring, internal): sql has no values of them.
var pgPseudoTypes = []*sql.TypeInfo{
	{OID: 2275, Name: "cstring", Len: -2, Category: 'P', ArrayOID: 1263},
	{OID: 1263, Name: "_cstring", Len: -1, Category: 'A', ElemOID: 2275},
	{OID: 2281, Name: "internal", Len: 8, Category: 'P'},
}

// pgTypeColumns are pg_type's columns in PostgreSQL 15's order; typacl
// (aclitem[]) is text[] here, typdefaultbin (pg_node_tree) text.
func pgTypeColumns() []colInfo {
	return []colInfo{
		col("oid", typeOid), col("typname", typeName), col("typnamespace", typeOid), col("typowner", typeOid),
		col("typlen", typeInt2), col("typbyval", typeBool), col("typtype", typeChar), col("typcategory", typeChar),
		col("typispreferred", typeBool), col("typisdefined", typeBool), col("typdelim", typeChar), col("typrelid", typeOid),
		col("typsubscript", typeRegproc), col("typelem", typeOid), col("typarray", typeOid), col("typinput", typeRegproc),
		col("typoutput", typeRegproc), col("typreceive", typeRegproc), col("typsend", typeRegproc), col("typmodin", typeRegproc),
		col("typmodout", typeRegproc), col("typanalyze", typeRegproc), col("typalign", typeChar), col("typstorage", typeChar),
		col("typnotnull", typeBool), col("typbasetype", typeOid), col("typtypmod", typeInt4), col("typndims", typeInt4),
		col("typcollation", typeOid), col("typdefaultbin", typeText), col("typdefault", typeText), col("typacl", typeTextArr),
	}
}

// pgTypeRows lists every type: all are base or pseudo types in
// pg_catalog, owned by the bootstrap superuser.
func pgTypeRows(*execCtx) ([][]sql.Datum, error) {
	var rows [][]sql.Datum
	for _, ti := range append(sql.AllTypes(), pgPseudoTypes...) {
		e, ok := pgTypeExtra[ti.OID]
		if !ok {
			e = pgTypeInfo{typtype: 'b', align: 'i', storage: 'p', byval: ti.Len > 0 && ti.Len <= 8}
		}
		elem := int64(ti.ElemOID)
		if ti.OID == sql.OIDName {
			elem = int64(sql.OIDChar) // name is subscriptable, as a fixed array of char
		}
		rows = append(rows, []sql.Datum{
			int64(ti.OID), ti.Name, typeNamespace(ti.OID), int64(oidBootstrapSuperuser),
			int64(ti.Len), e.byval, string(rune(e.typtype)), string(rune(ti.Category)),
			ti.Preferred, true, ",", int64(0),
			e.subscript, elem, int64(ti.ArrayOID), e.input,
			e.output, e.receive, e.send, e.modin,
			e.modout, e.analyze, string(rune(e.align)), string(rune(e.storage)),
			false, int64(0), int64(-1), int64(0),
			e.collation, nil, nil, nil,
		})
	}
	return rows, nil
}

var pgTypeExtra = map[uint32]pgTypeInfo{
	16:                  {'b', 0, 1242, 1243, 2436, 2437, 0, 0, 0, 'c', 'p', 0, true},
	17:                  {'b', 0, 1244, 31, 2412, 2413, 0, 0, 0, 'i', 'x', 0, false},
	18:                  {'b', 0, 1245, 33, 2434, 2435, 0, 0, 0, 'c', 'p', 0, true},
	19:                  {'b', 6180, 34, 35, 2422, 2423, 0, 0, 0, 'c', 'p', 950, false},
	20:                  {'b', 0, 460, 461, 2408, 2409, 0, 0, 0, 'd', 'p', 0, true},
	21:                  {'b', 0, 38, 39, 2404, 2405, 0, 0, 0, 's', 'p', 0, true},
	22:                  {'b', 6179, 40, 41, 2410, 2411, 0, 0, 0, 'i', 'p', 0, false},
	23:                  {'b', 0, 42, 43, 2406, 2407, 0, 0, 0, 'i', 'p', 0, true},
	24:                  {'b', 0, 44, 45, 2444, 2445, 0, 0, 0, 'i', 'p', 0, true},
	25:                  {'b', 0, 46, 47, 2414, 2415, 0, 0, 0, 'i', 'x', 100, false},
	26:                  {'b', 0, 1798, 1799, 2418, 2419, 0, 0, 0, 'i', 'p', 0, true},
	30:                  {'b', 6179, 54, 55, 2420, 2421, 0, 0, 0, 'i', 'p', 0, false},
	114:                 {'b', 0, 321, 322, 323, 324, 0, 0, 0, 'i', 'x', 0, false},
	199:                 {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	700:                 {'b', 0, 200, 201, 2424, 2425, 0, 0, 0, 'i', 'p', 0, true},
	701:                 {'b', 0, 214, 215, 2426, 2427, 0, 0, 0, 'd', 'p', 0, true},
	705:                 {'p', 0, 109, 110, 2416, 2417, 0, 0, 0, 'c', 'p', 0, false},
	1000:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	1001:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	1002:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	1003:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 950, false},
	1005:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	1006:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	1007:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	1008:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	1009:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 100, false},
	1013:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	1014:                {'b', 6179, 750, 751, 2400, 2401, 2913, 2914, 3816, 'i', 'x', 100, false},
	1015:                {'b', 6179, 750, 751, 2400, 2401, 2915, 2916, 3816, 'i', 'x', 100, false},
	1016:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'd', 'x', 0, false},
	1021:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	1022:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'd', 'x', 0, false},
	1028:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	1042:                {'b', 0, 1044, 1045, 2430, 2431, 2913, 2914, 0, 'i', 'x', 100, false},
	1043:                {'b', 0, 1046, 1047, 2432, 2433, 2915, 2916, 0, 'i', 'x', 100, false},
	1082:                {'b', 0, 1084, 1085, 2468, 2469, 0, 0, 0, 'i', 'p', 0, true},
	1083:                {'b', 0, 1143, 1144, 2470, 2471, 2909, 2910, 0, 'd', 'p', 0, true},
	1114:                {'b', 0, 1312, 1313, 2474, 2475, 2905, 2906, 0, 'd', 'p', 0, true},
	1115:                {'b', 6179, 750, 751, 2400, 2401, 2905, 2906, 3816, 'd', 'x', 0, false},
	1182:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	1183:                {'b', 6179, 750, 751, 2400, 2401, 2909, 2910, 3816, 'd', 'x', 0, false},
	1184:                {'b', 0, 1150, 1151, 2476, 2477, 2907, 2908, 0, 'd', 'p', 0, true},
	1185:                {'b', 6179, 750, 751, 2400, 2401, 2907, 2908, 3816, 'd', 'x', 0, false},
	1186:                {'b', 0, 1160, 1161, 2478, 2479, 2903, 2904, 0, 'd', 'p', 0, false},
	1187:                {'b', 6179, 750, 751, 2400, 2401, 2903, 2904, 3816, 'd', 'x', 0, false},
	1231:                {'b', 6179, 750, 751, 2400, 2401, 2917, 2918, 3816, 'i', 'x', 0, false},
	1700:                {'b', 0, 1701, 1702, 2460, 2461, 2917, 2918, 0, 'i', 'm', 0, false},
	2205:                {'b', 0, 2218, 2219, 2452, 2453, 0, 0, 0, 'i', 'p', 0, true},
	2206:                {'b', 0, 2220, 2221, 2454, 2455, 0, 0, 0, 'i', 'p', 0, true},
	2210:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	2211:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	2249:                {'p', 0, 2290, 2291, 2402, 2403, 0, 0, 0, 'd', 'x', 0, false},
	2275:                {'p', 0, 2292, 2293, 2500, 2501, 0, 0, 0, 'c', 'p', 0, false},
	2276:                {'p', 0, 2294, 2295, 0, 0, 0, 0, 0, 'i', 'p', 0, true},
	2277:                {'p', 0, 2296, 2297, 2502, 2503, 0, 0, 0, 'd', 'x', 0, false},
	2278:                {'p', 0, 2298, 2299, 3120, 3121, 0, 0, 0, 'i', 'p', 0, true},
	2281:                {'p', 0, 2304, 2305, 0, 0, 0, 0, 0, 'd', 'p', 0, true},
	2283:                {'p', 0, 2312, 2313, 0, 0, 0, 0, 0, 'i', 'p', 0, true},
	2287:                {'p', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'd', 'x', 0, false},
	2950:                {'b', 0, 2952, 2953, 2961, 2962, 0, 0, 0, 'c', 'p', 0, false},
	2951:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	3802:                {'b', 6098, 3806, 3804, 3805, 3803, 0, 0, 0, 'i', 'x', 0, false},
	3807:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	4089:                {'b', 0, 4084, 4085, 4087, 4088, 0, 0, 0, 'i', 'p', 0, true},
	4090:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
	sql.OIDVector:       {'b', 0, 8510, 8511, 8513, 8514, 8512, 0, 0, 'i', 'e', 0, false},
	sql.OIDVectorArray:  {'b', 6179, 750, 751, 2400, 2401, 8512, 0, 3816, 'i', 'x', 0, false},
	sql.OIDHalfVec:      {'b', 0, 8515, 8516, 8518, 8519, 8517, 0, 0, 'i', 'e', 0, false},
	sql.OIDHalfVecArray: {'b', 6179, 750, 751, 2400, 2401, 8517, 0, 3816, 'i', 'x', 0, false},
	1263:                {'b', 6179, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0, false},
}

// pgProcData is PostgreSQL 15's pg_proc for the built-in functions,
// aggregates and type I/O functions QuartzDB has (those whose argument
// and result types exist here), followed by the vector types' I/O
// functions. Tab-separated: oid, proname, prolang, prokind, proisstrict,
// proretset, provolatile, proparallel, pronargdefaults, prorettype,
// proargtypes, proallargtypes, proargmodes, proargnames, provariadic,
// prosrc, procost, prorows, then pg_get_function_result,
// pg_get_function_arguments and pg_get_function_identity_arguments; "-"
// for NULL.
const pgProcData = `
31	byteaout	12	f	t	f	i	s	0	2275	17	-	-	-	0	byteaout	1	0	cstring	bytea	bytea
33	charout	12	f	t	f	i	s	0	2275	18	-	-	-	0	charout	1	0	cstring	"char"	"char"
34	namein	12	f	t	f	i	s	0	19	2275	-	-	-	0	namein	1	0	name	cstring	cstring
35	nameout	12	f	t	f	i	s	0	2275	19	-	-	-	0	nameout	1	0	cstring	name	name
38	int2in	12	f	t	f	i	s	0	21	2275	-	-	-	0	int2in	1	0	smallint	cstring	cstring
39	int2out	12	f	t	f	i	s	0	2275	21	-	-	-	0	int2out	1	0	cstring	smallint	smallint
40	int2vectorin	12	f	t	f	i	s	0	22	2275	-	-	-	0	int2vectorin	1	0	int2vector	cstring	cstring
41	int2vectorout	12	f	t	f	i	s	0	2275	22	-	-	-	0	int2vectorout	1	0	cstring	int2vector	int2vector
42	int4in	12	f	t	f	i	s	0	23	2275	-	-	-	0	int4in	1	0	integer	cstring	cstring
43	int4out	12	f	t	f	i	s	0	2275	23	-	-	-	0	int4out	1	0	cstring	integer	integer
44	regprocin	12	f	t	f	s	s	0	24	2275	-	-	-	0	regprocin	1	0	regproc	cstring	cstring
45	regprocout	12	f	t	f	s	s	0	2275	24	-	-	-	0	regprocout	1	0	cstring	regproc	regproc
46	textin	12	f	t	f	i	s	0	25	2275	-	-	-	0	textin	1	0	text	cstring	cstring
47	textout	12	f	t	f	i	s	0	2275	25	-	-	-	0	textout	1	0	cstring	text	text
54	oidvectorin	12	f	t	f	i	s	0	30	2275	-	-	-	0	oidvectorin	1	0	oidvector	cstring	cstring
55	oidvectorout	12	f	t	f	i	s	0	2275	30	-	-	-	0	oidvectorout	1	0	cstring	oidvector	oidvector
89	version	12	f	t	f	s	s	0	25		-	-	-	0	pgsql_version	1	0	text		
109	unknownin	12	f	t	f	i	s	0	705	2275	-	-	-	0	unknownin	1	0	unknown	cstring	cstring
110	unknownout	12	f	t	f	i	s	0	2275	705	-	-	-	0	unknownout	1	0	cstring	unknown	unknown
200	float4in	12	f	t	f	i	s	0	700	2275	-	-	-	0	float4in	1	0	real	cstring	cstring
201	float4out	12	f	t	f	i	s	0	2275	700	-	-	-	0	float4out	1	0	cstring	real	real
214	float8in	12	f	t	f	i	s	0	701	2275	-	-	-	0	float8in	1	0	double precision	cstring	cstring
215	float8out	12	f	t	f	i	s	0	2275	701	-	-	-	0	float8out	1	0	cstring	double precision	double precision
321	json_in	12	f	t	f	i	s	0	114	2275	-	-	-	0	json_in	1	0	json	cstring	cstring
322	json_out	12	f	t	f	i	s	0	2275	114	-	-	-	0	json_out	1	0	cstring	json	json
323	json_recv	12	f	t	f	i	s	0	114	2281	-	-	-	0	json_recv	1	0	json	internal	internal
324	json_send	12	f	t	f	i	s	0	17	114	-	-	-	0	json_send	1	0	bytea	json	json
376	string_to_array	12	f	f	f	i	s	0	1009	25 25 25	-	-	-	0	text_to_array_null	1	0	text[]	text, text, text	text, text, text
384	array_to_string	12	f	f	f	s	s	0	25	2277 25 25	-	-	-	0	array_to_text_null	1	0	text	anyarray, text, text	anyarray, text, text
394	string_to_array	12	f	f	f	i	s	0	1009	25 25	-	-	-	0	text_to_array	1	0	text[]	text, text	text, text
395	array_to_string	12	f	t	f	s	s	0	25	2277 25	-	-	-	0	array_to_text	1	0	text	anyarray, text	anyarray, text
460	int8in	12	f	t	f	i	s	0	20	2275	-	-	-	0	int8in	1	0	bigint	cstring	cstring
461	int8out	12	f	t	f	i	s	0	2275	20	-	-	-	0	int8out	1	0	cstring	bigint	bigint
720	octet_length	12	f	t	f	i	s	0	23	17	-	-	-	0	byteaoctetlen	1	0	integer	bytea	bytea
745	current_user	12	f	t	f	s	s	0	19		-	-	-	0	current_user	1	0	name		
746	session_user	12	f	t	f	s	s	0	19		-	-	-	0	session_user	1	0	name		
748	array_ndims	12	f	t	f	i	s	0	23	2277	-	-	-	0	array_ndims	1	0	integer	anyarray	anyarray
750	array_in	12	f	t	f	s	s	0	2277	2275 26 23	-	-	-	0	array_in	1	0	anyarray	cstring, oid, integer	cstring, oid, integer
751	array_out	12	f	t	f	s	s	0	2275	2277	-	-	-	0	array_out	1	0	cstring	anyarray	anyarray
810	pg_client_encoding	12	f	t	f	s	s	0	19		-	-	-	0	pg_client_encoding	1	0	name		
849	position	12	f	t	f	i	s	0	23	25 25	-	-	-	0	textpos	1	0	integer	text, text	text, text
861	current_database	12	f	t	f	s	s	0	19		-	-	-	0	current_database	1	0	name		
868	strpos	12	f	t	f	i	s	0	23	25 25	-	-	-	0	textpos	1	0	integer	text, text	text, text
870	lower	12	f	t	f	i	s	0	25	25	-	-	-	0	lower	1	0	text	text	text
871	upper	12	f	t	f	i	s	0	25	25	-	-	-	0	upper	1	0	text	text	text
872	initcap	12	f	t	f	i	s	0	25	25	-	-	-	0	initcap	1	0	text	text	text
873	lpad	12	f	t	f	i	s	0	25	25 23 25	-	-	-	0	lpad	1	0	text	text, integer, text	text, integer, text
874	rpad	12	f	t	f	i	s	0	25	25 23 25	-	-	-	0	rpad	1	0	text	text, integer, text	text, integer, text
875	ltrim	12	f	t	f	i	s	0	25	25 25	-	-	-	0	ltrim	1	0	text	text, text	text, text
876	rtrim	12	f	t	f	i	s	0	25	25 25	-	-	-	0	rtrim	1	0	text	text, text	text, text
877	substr	12	f	t	f	i	s	0	25	25 23 23	-	-	-	0	text_substr	1	0	text	text, integer, integer	text, integer, integer
878	translate	12	f	t	f	i	s	0	25	25 25 25	-	-	-	0	translate	1	0	text	text, text, text	text, text, text
879	lpad	14	f	t	f	i	s	0	25	25 23	-	-	-	0	-	1	0	text	text, integer	text, integer
880	rpad	14	f	t	f	i	s	0	25	25 23	-	-	-	0	-	1	0	text	text, integer	text, integer
881	ltrim	12	f	t	f	i	s	0	25	25	-	-	-	0	ltrim1	1	0	text	text	text
882	rtrim	12	f	t	f	i	s	0	25	25	-	-	-	0	rtrim1	1	0	text	text	text
883	substr	12	f	t	f	i	s	0	25	25 23	-	-	-	0	text_substr_no_len	1	0	text	text, integer	text, integer
884	btrim	12	f	t	f	i	s	0	25	25 25	-	-	-	0	btrim	1	0	text	text, text	text, text
885	btrim	12	f	t	f	i	s	0	25	25	-	-	-	0	btrim1	1	0	text	text	text
936	substring	12	f	t	f	i	s	0	25	25 23 23	-	-	-	0	text_substr	1	0	text	text, integer, integer	text, integer, integer
937	substring	12	f	t	f	i	s	0	25	25 23	-	-	-	0	text_substr_no_len	1	0	text	text, integer	text, integer
938	generate_series	12	f	t	t	i	s	0	1114	1114 1114 1186	-	-	-	0	generate_series_timestamp	1	1000	SETOF timestamp without time zone	timestamp without time zone, timestamp without time zone, interval	timestamp without time zone, timestamp without time zone, interval
939	generate_series	12	f	t	t	s	s	0	1184	1184 1184 1186	-	-	-	0	generate_series_timestamptz	1	1000	SETOF timestamp with time zone	timestamp with time zone, timestamp with time zone, interval	timestamp with time zone, timestamp with time zone, interval
940	mod	12	f	t	f	i	s	0	21	21 21	-	-	-	0	int2mod	1	0	smallint	smallint, smallint	smallint, smallint
941	mod	12	f	t	f	i	s	0	23	23 23	-	-	-	0	int4mod	1	0	integer	integer, integer	integer, integer
947	mod	12	f	t	f	i	s	0	20	20 20	-	-	-	0	int8mod	1	0	bigint	bigint, bigint	bigint, bigint
1044	bpcharin	12	f	t	f	i	s	0	1042	2275 26 23	-	-	-	0	bpcharin	1	0	character	cstring, oid, integer	cstring, oid, integer
1045	bpcharout	12	f	t	f	i	s	0	2275	1042	-	-	-	0	bpcharout	1	0	cstring	character	character
1046	varcharin	12	f	t	f	i	s	0	1043	2275 26 23	-	-	-	0	varcharin	1	0	character varying	cstring, oid, integer	cstring, oid, integer
1047	varcharout	12	f	t	f	i	s	0	2275	1043	-	-	-	0	varcharout	1	0	cstring	character varying	character varying
1066	generate_series	12	f	t	t	i	s	0	23	23 23 23	-	-	-	0	generate_series_step_int4	1	1000	SETOF integer	integer, integer, integer	integer, integer, integer
1067	generate_series	12	f	t	t	i	s	0	23	23 23	-	-	-	0	generate_series_int4	1	1000	SETOF integer	integer, integer	integer, integer
1068	generate_series	12	f	t	t	i	s	0	20	20 20 20	-	-	-	0	generate_series_step_int8	1	1000	SETOF bigint	bigint, bigint, bigint	bigint, bigint, bigint
1069	generate_series	12	f	t	t	i	s	0	20	20 20	-	-	-	0	generate_series_int8	1	1000	SETOF bigint	bigint, bigint	bigint, bigint
1081	format_type	12	f	f	f	s	s	0	25	26 23	-	-	-	0	format_type	1	0	text	oid, integer	oid, integer
1084	date_in	12	f	t	f	s	s	0	1082	2275	-	-	-	0	date_in	1	0	date	cstring	cstring
1085	date_out	12	f	t	f	s	s	0	2275	1082	-	-	-	0	date_out	1	0	cstring	date	date
1143	time_in	12	f	t	f	s	s	0	1083	2275 26 23	-	-	-	0	time_in	1	0	time without time zone	cstring, oid, integer	cstring, oid, integer
1144	time_out	12	f	t	f	i	s	0	2275	1083	-	-	-	0	time_out	1	0	cstring	time without time zone	time without time zone
1150	timestamptz_in	12	f	t	f	s	s	0	1184	2275 26 23	-	-	-	0	timestamptz_in	1	0	timestamp with time zone	cstring, oid, integer	cstring, oid, integer
1151	timestamptz_out	12	f	t	f	s	s	0	2275	1184	-	-	-	0	timestamptz_out	1	0	cstring	timestamp with time zone	timestamp with time zone
1158	to_timestamp	12	f	t	f	i	s	0	1184	701	-	-	-	0	float8_timestamptz	1	0	timestamp with time zone	double precision	double precision
1160	interval_in	12	f	t	f	s	s	0	1186	2275 26 23	-	-	-	0	interval_in	1	0	interval	cstring, oid, integer	cstring, oid, integer
1161	interval_out	12	f	t	f	s	s	0	2275	1186	-	-	-	0	interval_out	1	0	cstring	interval	interval
1171	date_part	12	f	t	f	s	s	0	701	25 1184	-	-	-	0	timestamptz_part	1	0	double precision	text, timestamp with time zone	text, timestamp with time zone
1172	date_part	12	f	t	f	i	s	0	701	25 1186	-	-	-	0	interval_part	1	0	double precision	text, interval	text, interval
1191	generate_subscripts	12	f	t	t	i	s	0	23	2277 23 16	-	-	-	0	generate_subscripts	1	1000	SETOF integer	anyarray, integer, boolean	anyarray, integer, boolean
1192	generate_subscripts	12	f	t	t	i	s	0	23	2277 23	-	-	-	0	generate_subscripts_nodir	1	1000	SETOF integer	anyarray, integer	anyarray, integer
1194	log10	12	f	t	f	i	s	0	701	701	-	-	-	0	dlog10	1	0	double precision	double precision	double precision
1199	age	12	f	t	f	i	s	0	1186	1184 1184	-	-	-	0	timestamptz_age	1	0	interval	timestamp with time zone, timestamp with time zone	timestamp with time zone, timestamp with time zone
1215	obj_description	14	f	t	f	s	s	0	25	26 19	-	-	-	0	-	100	0	text	oid, name	oid, name
1216	col_description	14	f	t	f	s	s	0	25	26 23	-	-	-	0	-	100	0	text	oid, integer	oid, integer
1217	date_trunc	12	f	t	f	s	s	0	1184	25 1184	-	-	-	0	timestamptz_trunc	1	0	timestamp with time zone	text, timestamp with time zone	text, timestamp with time zone
1218	date_trunc	12	f	t	f	i	s	0	1186	25 1186	-	-	-	0	interval_trunc	1	0	interval	text, interval	text, interval
1242	boolin	12	f	t	f	i	s	0	16	2275	-	-	-	0	boolin	1	0	boolean	cstring	cstring
1243	boolout	12	f	t	f	i	s	0	2275	16	-	-	-	0	boolout	1	0	cstring	boolean	boolean
1244	byteain	12	f	t	f	i	s	0	17	2275	-	-	-	0	byteain	1	0	bytea	cstring	cstring
1245	charin	12	f	t	f	i	s	0	18	2275	-	-	-	0	charin	1	0	"char"	cstring	cstring
1264	pg_char_to_encoding	12	f	t	f	s	s	0	23	19	-	-	-	0	PG_char_to_encoding	1	0	integer	name	name
1268	parse_ident	12	f	t	f	i	s	1	1009	25 16	-	-	{str,strict}	0	parse_ident	1	0	text[]	str text, strict boolean DEFAULT true	str text, strict boolean
1282	quote_ident	12	f	t	f	i	s	0	25	25	-	-	-	0	quote_ident	1	0	text	text	text
1283	quote_literal	12	f	t	f	i	s	0	25	25	-	-	-	0	quote_literal	1	0	text	text	text
1284	date_trunc	12	f	t	f	s	s	0	1184	25 1184 25	-	-	-	0	timestamptz_trunc_zone	1	0	timestamp with time zone	text, timestamp with time zone, text	text, timestamp with time zone, text
1285	quote_literal	14	f	t	f	s	s	0	25	2283	-	-	-	0	-	1	0	text	anyelement	anyelement
1289	quote_nullable	12	f	f	f	i	s	0	25	25	-	-	-	0	quote_nullable	1	0	text	text	text
1290	quote_nullable	14	f	f	f	s	s	0	25	2283	-	-	-	0	-	1	0	text	anyelement	anyelement
1299	now	12	f	t	f	s	s	0	1184		-	-	-	0	now	1	0	timestamp with time zone		
1312	timestamp_in	12	f	t	f	s	s	0	1114	2275 26 23	-	-	-	0	timestamp_in	1	0	timestamp without time zone	cstring, oid, integer	cstring, oid, integer
1313	timestamp_out	12	f	t	f	s	s	0	2275	1114	-	-	-	0	timestamp_out	1	0	cstring	timestamp without time zone	timestamp without time zone
1317	length	12	f	t	f	i	s	0	23	25	-	-	-	0	textlen	1	0	integer	text	text
1318	length	12	f	t	f	i	s	0	23	1042	-	-	-	0	bpcharlen	1	0	integer	character	character
1340	log	12	f	t	f	i	s	0	701	701	-	-	-	0	dlog10	1	0	double precision	double precision	double precision
1341	ln	12	f	t	f	i	s	0	701	701	-	-	-	0	dlog1	1	0	double precision	double precision	double precision
1342	round	12	f	t	f	i	s	0	701	701	-	-	-	0	dround	1	0	double precision	double precision	double precision
1343	trunc	12	f	t	f	i	s	0	701	701	-	-	-	0	dtrunc	1	0	double precision	double precision	double precision
1344	sqrt	12	f	t	f	i	s	0	701	701	-	-	-	0	dsqrt	1	0	double precision	double precision	double precision
1345	cbrt	12	f	t	f	i	s	0	701	701	-	-	-	0	dcbrt	1	0	double precision	double precision	double precision
1346	pow	12	f	t	f	i	s	0	701	701 701	-	-	-	0	dpow	1	0	double precision	double precision, double precision	double precision, double precision
1347	exp	12	f	t	f	i	s	0	701	701	-	-	-	0	dexp	1	0	double precision	double precision	double precision
1348	obj_description	14	f	t	f	s	s	0	25	26	-	-	-	0	-	100	0	text	oid	oid
1367	character_length	12	f	t	f	i	s	0	23	1042	-	-	-	0	bpcharlen	1	0	integer	character	character
1368	power	12	f	t	f	i	s	0	701	701 701	-	-	-	0	dpow	1	0	double precision	double precision, double precision	double precision, double precision
1369	character_length	12	f	t	f	i	s	0	23	25	-	-	-	0	textlen	1	0	integer	text	text
1372	char_length	12	f	t	f	i	s	0	23	1042	-	-	-	0	bpcharlen	1	0	integer	character	character
1374	octet_length	12	f	t	f	i	s	0	23	25	-	-	-	0	textoctetlen	1	0	integer	text	text
1375	octet_length	12	f	t	f	i	s	0	23	1042	-	-	-	0	bpcharoctetlen	1	0	integer	character	character
1381	char_length	12	f	t	f	i	s	0	23	25	-	-	-	0	textlen	1	0	integer	text	text
1384	date_part	14	f	t	f	i	s	0	701	25 1082	-	-	-	0	-	1	0	double precision	text, date	text, date
1385	date_part	12	f	t	f	i	s	0	701	25 1083	-	-	-	0	time_part	1	0	double precision	text, time without time zone	text, time without time zone
1386	age	14	f	t	f	s	s	0	1186	1184	-	-	-	0	-	1	0	interval	timestamp with time zone	timestamp with time zone
1387	pg_get_constraintdef	12	f	t	f	s	s	0	25	26	-	-	-	0	pg_get_constraintdef	1	0	text	oid	oid
1394	abs	12	f	t	f	i	s	0	700	700	-	-	-	0	float4abs	1	0	real	real	real
1395	abs	12	f	t	f	i	s	0	701	701	-	-	-	0	float8abs	1	0	double precision	double precision	double precision
1396	abs	12	f	t	f	i	s	0	20	20	-	-	-	0	int8abs	1	0	bigint	bigint	bigint
1397	abs	12	f	t	f	i	s	0	23	23	-	-	-	0	int4abs	1	0	integer	integer	integer
1398	abs	12	f	t	f	i	s	0	21	21	-	-	-	0	int2abs	1	0	smallint	smallint	smallint
1402	current_schema	12	f	t	f	s	u	0	19		-	-	-	0	current_schema	1	0	name		
1403	current_schemas	12	f	t	f	s	u	0	1003	16	-	-	-	0	current_schemas	1	0	name[]	boolean	boolean
1481	log10	14	f	t	f	i	s	0	1700	1700	-	-	-	0	-	1	0	numeric	numeric	numeric
1574	nextval	12	f	t	f	v	u	0	20	2205	-	-	-	0	nextval_oid	1	0	bigint	regclass	regclass
1575	currval	12	f	t	f	v	u	0	20	2205	-	-	-	0	currval_oid	1	0	bigint	regclass	regclass
1576	setval	12	f	t	f	v	u	0	20	2205 20	-	-	-	0	setval_oid	1	0	bigint	regclass, bigint	regclass, bigint
1597	pg_encoding_to_char	12	f	t	f	s	s	0	19	23	-	-	-	0	PG_encoding_to_char	1	0	name	integer	integer
1598	random	12	f	t	f	v	r	0	701		-	-	-	0	drandom	1	0	double precision		
1600	asin	12	f	t	f	i	s	0	701	701	-	-	-	0	dasin	1	0	double precision	double precision	double precision
1601	acos	12	f	t	f	i	s	0	701	701	-	-	-	0	dacos	1	0	double precision	double precision	double precision
1602	atan	12	f	t	f	i	s	0	701	701	-	-	-	0	datan	1	0	double precision	double precision	double precision
1603	atan2	12	f	t	f	i	s	0	701	701 701	-	-	-	0	datan2	1	0	double precision	double precision, double precision	double precision, double precision
1604	sin	12	f	t	f	i	s	0	701	701	-	-	-	0	dsin	1	0	double precision	double precision	double precision
1605	cos	12	f	t	f	i	s	0	701	701	-	-	-	0	dcos	1	0	double precision	double precision	double precision
1606	tan	12	f	t	f	i	s	0	701	701	-	-	-	0	dtan	1	0	double precision	double precision	double precision
1608	degrees	12	f	t	f	i	s	0	701	701	-	-	-	0	degrees	1	0	double precision	double precision	double precision
1609	radians	12	f	t	f	i	s	0	701	701	-	-	-	0	radians	1	0	double precision	double precision	double precision
1610	pi	12	f	t	f	i	s	0	701		-	-	-	0	dpi	1	0	double precision		
1619	pg_typeof	12	f	f	f	s	s	0	2206	2276	-	-	-	0	pg_typeof	1	0	regtype	"any"	"any"
1620	ascii	12	f	t	f	i	s	0	23	25	-	-	-	0	ascii	1	0	integer	text	text
1621	chr	12	f	t	f	i	s	0	25	23	-	-	-	0	chr	1	0	text	integer	integer
1622	repeat	12	f	t	f	i	s	0	25	25 23	-	-	-	0	repeat	1	0	text	text, integer	text, integer
1642	pg_get_userbyid	12	f	t	f	s	s	0	19	26	-	-	-	0	pg_get_userbyid	1	0	name	oid	oid
1643	pg_get_indexdef	12	f	t	f	s	s	0	25	26	-	-	-	0	pg_get_indexdef	1	0	text	oid	oid
1665	pg_get_serial_sequence	12	f	t	f	s	s	0	25	25 25	-	-	-	0	pg_get_serial_sequence	1	0	text	text, text	text, text
1686	pg_get_keywords	12	f	t	t	s	s	0	2249		{25,18,16,25,25}	{o,o,o,o,o}	{word,catcode,barelabel,catdesc,baredesc}	0	pg_get_keywords	10	500	SETOF record	OUT word text, OUT catcode "char", OUT barelabel boolean, OUT catdesc text, OUT baredesc text	OUT word text, OUT catcode "char", OUT barelabel boolean, OUT catdesc text, OUT baredesc text
1701	numeric_in	12	f	t	f	i	s	0	1700	2275 26 23	-	-	-	0	numeric_in	1	0	numeric	cstring, oid, integer	cstring, oid, integer
1702	numeric_out	12	f	t	f	i	s	0	2275	1700	-	-	-	0	numeric_out	1	0	cstring	numeric	numeric
1705	abs	12	f	t	f	i	s	0	1700	1700	-	-	-	0	numeric_abs	1	0	numeric	numeric	numeric
1706	sign	12	f	t	f	i	s	0	1700	1700	-	-	-	0	numeric_sign	1	0	numeric	numeric	numeric
1707	round	12	f	t	f	i	s	0	1700	1700 23	-	-	-	0	numeric_round	1	0	numeric	numeric, integer	numeric, integer
1708	round	14	f	t	f	i	s	0	1700	1700	-	-	-	0	-	1	0	numeric	numeric	numeric
1709	trunc	12	f	t	f	i	s	0	1700	1700 23	-	-	-	0	numeric_trunc	1	0	numeric	numeric, integer	numeric, integer
1710	trunc	14	f	t	f	i	s	0	1700	1700	-	-	-	0	-	1	0	numeric	numeric	numeric
1711	ceil	12	f	t	f	i	s	0	1700	1700	-	-	-	0	numeric_ceil	1	0	numeric	numeric	numeric
1712	floor	12	f	t	f	i	s	0	1700	1700	-	-	-	0	numeric_floor	1	0	numeric	numeric	numeric
1713	length	12	f	t	f	s	s	0	23	17 19	-	-	-	0	length_in_encoding	1	0	integer	bytea, name	bytea, name
1728	mod	12	f	t	f	i	s	0	1700	1700 1700	-	-	-	0	numeric_mod	1	0	numeric	numeric, numeric	numeric, numeric
1730	sqrt	12	f	t	f	i	s	0	1700	1700	-	-	-	0	numeric_sqrt	1	0	numeric	numeric	numeric
1732	exp	12	f	t	f	i	s	0	1700	1700	-	-	-	0	numeric_exp	1	0	numeric	numeric	numeric
1734	ln	12	f	t	f	i	s	0	1700	1700	-	-	-	0	numeric_ln	1	0	numeric	numeric	numeric
1736	log	12	f	t	f	i	s	0	1700	1700 1700	-	-	-	0	numeric_log	1	0	numeric	numeric, numeric	numeric, numeric
1738	pow	12	f	t	f	i	s	0	1700	1700 1700	-	-	-	0	numeric_power	1	0	numeric	numeric, numeric	numeric, numeric
1741	log	14	f	t	f	i	s	0	1700	1700	-	-	-	0	-	1	0	numeric	numeric	numeric
1765	setval	12	f	t	f	v	u	0	20	2205 20 16	-	-	-	0	setval3_oid	1	0	bigint	regclass, bigint, boolean	regclass, bigint, boolean
1778	to_timestamp	12	f	t	f	s	s	0	1184	25 25	-	-	-	0	to_timestamp	1	0	timestamp with time zone	text, text	text, text
1798	oidin	12	f	t	f	i	s	0	26	2275	-	-	-	0	oidin	1	0	oid	cstring	cstring
1799	oidout	12	f	t	f	i	s	0	2275	26	-	-	-	0	oidout	1	0	cstring	oid	oid
1810	bit_length	14	f	t	f	i	s	0	23	17	-	-	-	0	-	1	0	integer	bytea	bytea
1811	bit_length	14	f	t	f	i	s	0	23	25	-	-	-	0	-	1	0	integer	text	text
1922	has_table_privilege	12	f	t	f	s	s	0	16	19 25 25	-	-	-	0	has_table_privilege_name_name	1	0	boolean	name, text, text	name, text, text
1923	has_table_privilege	12	f	t	f	s	s	0	16	19 26 25	-	-	-	0	has_table_privilege_name_id	1	0	boolean	name, oid, text	name, oid, text
1924	has_table_privilege	12	f	t	f	s	s	0	16	26 25 25	-	-	-	0	has_table_privilege_id_name	1	0	boolean	oid, text, text	oid, text, text
1925	has_table_privilege	12	f	t	f	s	s	0	16	26 26 25	-	-	-	0	has_table_privilege_id_id	1	0	boolean	oid, oid, text	oid, oid, text
1926	has_table_privilege	12	f	t	f	s	s	0	16	25 25	-	-	-	0	has_table_privilege_name	1	0	boolean	text, text	text, text
1927	has_table_privilege	12	f	t	f	s	s	0	16	26 25	-	-	-	0	has_table_privilege_id	1	0	boolean	oid, text	oid, text
1973	div	12	f	t	f	i	s	0	1700	1700 1700	-	-	-	0	numeric_div_trunc	1	0	numeric	numeric, numeric	numeric, numeric
1986	similar_to_escape	12	f	t	f	i	s	0	25	25 25	-	-	-	0	similar_to_escape_2	1	0	text	text, text	text, text
1987	similar_to_escape	12	f	t	f	i	s	0	25	25	-	-	-	0	similar_to_escape_1	1	0	text	text	text
1993	shobj_description	14	f	t	f	s	s	0	25	26 19	-	-	-	0	-	100	0	text	oid, name	oid, name
2010	length	12	f	t	f	i	s	0	23	17	-	-	-	0	byteaoctetlen	1	0	integer	bytea	bytea
2012	substring	12	f	t	f	i	s	0	17	17 23 23	-	-	-	0	bytea_substr	1	0	bytea	bytea, integer, integer	bytea, integer, integer
2013	substring	12	f	t	f	i	s	0	17	17 23	-	-	-	0	bytea_substr_no_len	1	0	bytea	bytea, integer	bytea, integer
2014	position	12	f	t	f	i	s	0	23	17 17	-	-	-	0	byteapos	1	0	integer	bytea, bytea	bytea, bytea
2015	btrim	12	f	t	f	i	s	0	17	17 17	-	-	-	0	byteatrim	1	0	bytea	bytea, bytea	bytea, bytea
2020	date_trunc	12	f	t	f	i	s	0	1114	25 1114	-	-	-	0	timestamp_trunc	1	0	timestamp without time zone	text, timestamp without time zone	text, timestamp without time zone
2021	date_part	12	f	t	f	i	s	0	701	25 1114	-	-	-	0	timestamp_part	1	0	double precision	text, timestamp without time zone	text, timestamp without time zone
2026	pg_backend_pid	12	f	t	f	s	r	0	23		-	-	-	0	pg_backend_pid	1	0	integer		
2034	pg_conf_load_time	12	f	t	f	s	r	0	1184		-	-	-	0	pg_conf_load_time	1	0	timestamp with time zone		
2050	max	12	a	f	f	i	s	0	2277	2277	-	-	-	0	aggregate_dummy	1	0	anyarray	anyarray	anyarray
2051	min	12	a	f	f	i	s	0	2277	2277	-	-	-	0	aggregate_dummy	1	0	anyarray	anyarray	anyarray
2058	age	12	f	t	f	i	s	0	1186	1114 1114	-	-	-	0	timestamp_age	1	0	interval	timestamp without time zone, timestamp without time zone	timestamp without time zone, timestamp without time zone
2059	age	14	f	t	f	s	s	0	1186	1114	-	-	-	0	-	1	0	interval	timestamp without time zone	timestamp without time zone
2073	substring	12	f	t	f	i	s	0	25	25 25	-	-	-	0	textregexsubstr	1	0	text	text, text	text, text
2074	substring	14	f	t	f	i	s	0	25	25 25 25	-	-	-	0	-	1	0	text	text, text, text	text, text, text
2077	current_setting	12	f	t	f	s	s	0	25	25	-	-	-	0	show_config_by_name	1	0	text	text	text
2078	set_config	12	f	f	f	v	u	0	25	25 25 16	-	-	-	0	set_config_by_name	1	0	text	text, text, boolean	text, text, boolean
2079	pg_table_is_visible	12	f	t	f	s	s	0	16	26	-	-	-	0	pg_table_is_visible	10	0	boolean	oid	oid
2080	pg_type_is_visible	12	f	t	f	s	s	0	16	26	-	-	-	0	pg_type_is_visible	10	0	boolean	oid	oid
2081	pg_function_is_visible	12	f	t	f	s	s	0	16	26	-	-	-	0	pg_function_is_visible	10	0	boolean	oid	oid
2085	substr	12	f	t	f	i	s	0	17	17 23 23	-	-	-	0	bytea_substr	1	0	bytea	bytea, integer, integer	bytea, integer, integer
2086	substr	12	f	t	f	i	s	0	17	17 23	-	-	-	0	bytea_substr_no_len	1	0	bytea	bytea, integer	bytea, integer
2087	replace	12	f	t	f	i	s	0	25	25 25 25	-	-	-	0	replace_text	1	0	text	text, text, text	text, text, text
2088	split_part	12	f	t	f	i	s	0	25	25 25 23	-	-	-	0	split_part	1	0	text	text, text, integer	text, text, integer
2089	to_hex	12	f	t	f	i	s	0	25	23	-	-	-	0	to_hex32	1	0	text	integer	integer
2090	to_hex	12	f	t	f	i	s	0	25	20	-	-	-	0	to_hex64	1	0	text	bigint	bigint
2091	array_lower	12	f	t	f	i	s	0	23	2277 23	-	-	-	0	array_lower	1	0	integer	anyarray, integer	anyarray, integer
2092	array_upper	12	f	t	f	i	s	0	23	2277 23	-	-	-	0	array_upper	1	0	integer	anyarray, integer	anyarray, integer
2100	avg	12	a	f	f	i	s	0	1700	20	-	-	-	0	aggregate_dummy	1	0	numeric	bigint	bigint
2101	avg	12	a	f	f	i	s	0	1700	23	-	-	-	0	aggregate_dummy	1	0	numeric	integer	integer
2102	avg	12	a	f	f	i	s	0	1700	21	-	-	-	0	aggregate_dummy	1	0	numeric	smallint	smallint
2103	avg	12	a	f	f	i	s	0	1700	1700	-	-	-	0	aggregate_dummy	1	0	numeric	numeric	numeric
2104	avg	12	a	f	f	i	s	0	701	700	-	-	-	0	aggregate_dummy	1	0	double precision	real	real
2105	avg	12	a	f	f	i	s	0	701	701	-	-	-	0	aggregate_dummy	1	0	double precision	double precision	double precision
2106	avg	12	a	f	f	i	s	0	1186	1186	-	-	-	0	aggregate_dummy	1	0	interval	interval	interval
2107	sum	12	a	f	f	i	s	0	1700	20	-	-	-	0	aggregate_dummy	1	0	numeric	bigint	bigint
2108	sum	12	a	f	f	i	s	0	20	23	-	-	-	0	aggregate_dummy	1	0	bigint	integer	integer
2109	sum	12	a	f	f	i	s	0	20	21	-	-	-	0	aggregate_dummy	1	0	bigint	smallint	smallint
2110	sum	12	a	f	f	i	s	0	700	700	-	-	-	0	aggregate_dummy	1	0	real	real	real
2111	sum	12	a	f	f	i	s	0	701	701	-	-	-	0	aggregate_dummy	1	0	double precision	double precision	double precision
2113	sum	12	a	f	f	i	s	0	1186	1186	-	-	-	0	aggregate_dummy	1	0	interval	interval	interval
2114	sum	12	a	f	f	i	s	0	1700	1700	-	-	-	0	aggregate_dummy	1	0	numeric	numeric	numeric
2115	max	12	a	f	f	i	s	0	20	20	-	-	-	0	aggregate_dummy	1	0	bigint	bigint	bigint
2116	max	12	a	f	f	i	s	0	23	23	-	-	-	0	aggregate_dummy	1	0	integer	integer	integer
2117	max	12	a	f	f	i	s	0	21	21	-	-	-	0	aggregate_dummy	1	0	smallint	smallint	smallint
2118	max	12	a	f	f	i	s	0	26	26	-	-	-	0	aggregate_dummy	1	0	oid	oid	oid
2119	max	12	a	f	f	i	s	0	700	700	-	-	-	0	aggregate_dummy	1	0	real	real	real
2120	max	12	a	f	f	i	s	0	701	701	-	-	-	0	aggregate_dummy	1	0	double precision	double precision	double precision
2122	max	12	a	f	f	i	s	0	1082	1082	-	-	-	0	aggregate_dummy	1	0	date	date	date
2123	max	12	a	f	f	i	s	0	1083	1083	-	-	-	0	aggregate_dummy	1	0	time without time zone	time without time zone	time without time zone
2126	max	12	a	f	f	i	s	0	1114	1114	-	-	-	0	aggregate_dummy	1	0	timestamp without time zone	timestamp without time zone	timestamp without time zone
2127	max	12	a	f	f	i	s	0	1184	1184	-	-	-	0	aggregate_dummy	1	0	timestamp with time zone	timestamp with time zone	timestamp with time zone
2128	max	12	a	f	f	i	s	0	1186	1186	-	-	-	0	aggregate_dummy	1	0	interval	interval	interval
2129	max	12	a	f	f	i	s	0	25	25	-	-	-	0	aggregate_dummy	1	0	text	text	text
2130	max	12	a	f	f	i	s	0	1700	1700	-	-	-	0	aggregate_dummy	1	0	numeric	numeric	numeric
2131	min	12	a	f	f	i	s	0	20	20	-	-	-	0	aggregate_dummy	1	0	bigint	bigint	bigint
2132	min	12	a	f	f	i	s	0	23	23	-	-	-	0	aggregate_dummy	1	0	integer	integer	integer
2133	min	12	a	f	f	i	s	0	21	21	-	-	-	0	aggregate_dummy	1	0	smallint	smallint	smallint
2134	min	12	a	f	f	i	s	0	26	26	-	-	-	0	aggregate_dummy	1	0	oid	oid	oid
2135	min	12	a	f	f	i	s	0	700	700	-	-	-	0	aggregate_dummy	1	0	real	real	real
2136	min	12	a	f	f	i	s	0	701	701	-	-	-	0	aggregate_dummy	1	0	double precision	double precision	double precision
2138	min	12	a	f	f	i	s	0	1082	1082	-	-	-	0	aggregate_dummy	1	0	date	date	date
2139	min	12	a	f	f	i	s	0	1083	1083	-	-	-	0	aggregate_dummy	1	0	time without time zone	time without time zone	time without time zone
2142	min	12	a	f	f	i	s	0	1114	1114	-	-	-	0	aggregate_dummy	1	0	timestamp without time zone	timestamp without time zone	timestamp without time zone
2143	min	12	a	f	f	i	s	0	1184	1184	-	-	-	0	aggregate_dummy	1	0	timestamp with time zone	timestamp with time zone	timestamp with time zone
2144	min	12	a	f	f	i	s	0	1186	1186	-	-	-	0	aggregate_dummy	1	0	interval	interval	interval
2145	min	12	a	f	f	i	s	0	25	25	-	-	-	0	aggregate_dummy	1	0	text	text	text
2146	min	12	a	f	f	i	s	0	1700	1700	-	-	-	0	aggregate_dummy	1	0	numeric	numeric	numeric
2147	count	12	a	f	f	i	s	0	20	2276	-	-	-	0	aggregate_dummy	1	0	bigint	"any"	"any"
2162	pg_get_function_arguments	12	f	t	f	s	s	0	25	26	-	-	-	0	pg_get_function_arguments	1	0	text	oid	oid
2165	pg_get_function_result	12	f	t	f	s	s	0	25	26	-	-	-	0	pg_get_function_result	1	0	text	oid	oid
2167	ceiling	12	f	t	f	i	s	0	1700	1700	-	-	-	0	numeric_ceil	1	0	numeric	numeric	numeric
2168	pg_database_size	12	f	t	f	v	s	0	20	19	-	-	-	0	pg_database_size_name	1	0	bigint	name	name
2169	power	12	f	t	f	i	s	0	1700	1700 1700	-	-	-	0	numeric_power	1	0	numeric	numeric, numeric	numeric, numeric
2176	array_length	12	f	t	f	i	s	0	23	2277 23	-	-	-	0	array_length	1	0	integer	anyarray, integer	anyarray, integer
2181	has_sequence_privilege	12	f	t	f	s	s	0	16	19 25 25	-	-	-	0	has_sequence_privilege_name_name	1	0	boolean	name, text, text	name, text, text
2182	has_sequence_privilege	12	f	t	f	s	s	0	16	19 26 25	-	-	-	0	has_sequence_privilege_name_id	1	0	boolean	name, oid, text	name, oid, text
2183	has_sequence_privilege	12	f	t	f	s	s	0	16	26 25 25	-	-	-	0	has_sequence_privilege_id_name	1	0	boolean	oid, text, text	oid, text, text
2184	has_sequence_privilege	12	f	t	f	s	s	0	16	26 26 25	-	-	-	0	has_sequence_privilege_id_id	1	0	boolean	oid, oid, text	oid, oid, text
2185	has_sequence_privilege	12	f	t	f	s	s	0	16	25 25	-	-	-	0	has_sequence_privilege_name	1	0	boolean	text, text	text, text
2186	has_sequence_privilege	12	f	t	f	s	s	0	16	26 25	-	-	-	0	has_sequence_privilege_id	1	0	boolean	oid, text	oid, text
2199	inet_server_port	12	f	f	f	s	r	0	23		-	-	-	0	inet_server_port	1	0	integer		
2218	regclassin	12	f	t	f	s	s	0	2205	2275	-	-	-	0	regclassin	1	0	regclass	cstring	cstring
2219	regclassout	12	f	t	f	s	s	0	2275	2205	-	-	-	0	regclassout	1	0	cstring	regclass	regclass
2220	regtypein	12	f	t	f	s	s	0	2206	2275	-	-	-	0	regtypein	1	0	regtype	cstring	cstring
2221	regtypeout	12	f	t	f	s	s	0	2275	2206	-	-	-	0	regtypeout	1	0	cstring	regtype	regtype
2232	pg_get_function_identity_arguments	12	f	t	f	s	s	0	25	26	-	-	-	0	pg_get_function_identity_arguments	1	0	text	oid	oid
2244	max	12	a	f	f	i	s	0	1042	1042	-	-	-	0	aggregate_dummy	1	0	character	character	character
2245	min	12	a	f	f	i	s	0	1042	1042	-	-	-	0	aggregate_dummy	1	0	character	character	character
2250	has_database_privilege	12	f	t	f	s	s	0	16	19 25 25	-	-	-	0	has_database_privilege_name_name	1	0	boolean	name, text, text	name, text, text
2251	has_database_privilege	12	f	t	f	s	s	0	16	19 26 25	-	-	-	0	has_database_privilege_name_id	1	0	boolean	name, oid, text	name, oid, text
2252	has_database_privilege	12	f	t	f	s	s	0	16	26 25 25	-	-	-	0	has_database_privilege_id_name	1	0	boolean	oid, text, text	oid, text, text
2253	has_database_privilege	12	f	t	f	s	s	0	16	26 26 25	-	-	-	0	has_database_privilege_id_id	1	0	boolean	oid, oid, text	oid, oid, text
2254	has_database_privilege	12	f	t	f	s	s	0	16	25 25	-	-	-	0	has_database_privilege_name	1	0	boolean	text, text	text, text
2255	has_database_privilege	12	f	t	f	s	s	0	16	26 25	-	-	-	0	has_database_privilege_id	1	0	boolean	oid, text	oid, text
2256	has_function_privilege	12	f	t	f	s	s	0	16	19 25 25	-	-	-	0	has_function_privilege_name_name	1	0	boolean	name, text, text	name, text, text
2257	has_function_privilege	12	f	t	f	s	s	0	16	19 26 25	-	-	-	0	has_function_privilege_name_id	1	0	boolean	name, oid, text	name, oid, text
2258	has_function_privilege	12	f	t	f	s	s	0	16	26 25 25	-	-	-	0	has_function_privilege_id_name	1	0	boolean	oid, text, text	oid, text, text
2259	has_function_privilege	12	f	t	f	s	s	0	16	26 26 25	-	-	-	0	has_function_privilege_id_id	1	0	boolean	oid, oid, text	oid, oid, text
2260	has_function_privilege	12	f	t	f	s	s	0	16	25 25	-	-	-	0	has_function_privilege_name	1	0	boolean	text, text	text, text
2261	has_function_privilege	12	f	t	f	s	s	0	16	26 25	-	-	-	0	has_function_privilege_id	1	0	boolean	oid, text	oid, text
2268	has_schema_privilege	12	f	t	f	s	s	0	16	19 25 25	-	-	-	0	has_schema_privilege_name_name	1	0	boolean	name, text, text	name, text, text
2269	has_schema_privilege	12	f	t	f	s	s	0	16	19 26 25	-	-	-	0	has_schema_privilege_name_id	1	0	boolean	name, oid, text	name, oid, text
2270	has_schema_privilege	12	f	t	f	s	s	0	16	26 25 25	-	-	-	0	has_schema_privilege_id_name	1	0	boolean	oid, text, text	oid, text, text
2271	has_schema_privilege	12	f	t	f	s	s	0	16	26 26 25	-	-	-	0	has_schema_privilege_id_id	1	0	boolean	oid, oid, text	oid, oid, text
2272	has_schema_privilege	12	f	t	f	s	s	0	16	25 25	-	-	-	0	has_schema_privilege_name	1	0	boolean	text, text	text, text
2273	has_schema_privilege	12	f	t	f	s	s	0	16	26 25	-	-	-	0	has_schema_privilege_id	1	0	boolean	oid, text	oid, text
2286	pg_total_relation_size	12	f	t	f	v	s	0	20	2205	-	-	-	0	pg_total_relation_size	1	0	bigint	regclass	regclass
2288	pg_size_pretty	12	f	t	f	i	s	0	25	20	-	-	-	0	pg_size_pretty	1	0	text	bigint	bigint
2290	record_in	12	f	t	f	s	s	0	2249	2275 26 23	-	-	-	0	record_in	1	0	record	cstring, oid, integer	cstring, oid, integer
2291	record_out	12	f	t	f	s	s	0	2275	2249	-	-	-	0	record_out	1	0	cstring	record	record
2292	cstring_in	12	f	t	f	i	s	0	2275	2275	-	-	-	0	cstring_in	1	0	cstring	cstring	cstring
2293	cstring_out	12	f	t	f	i	s	0	2275	2275	-	-	-	0	cstring_out	1	0	cstring	cstring	cstring
2294	any_in	12	f	t	f	i	s	0	2276	2275	-	-	-	0	any_in	1	0	"any"	cstring	cstring
2295	any_out	12	f	t	f	i	s	0	2275	2276	-	-	-	0	any_out	1	0	cstring	"any"	"any"
2296	anyarray_in	12	f	t	f	i	s	0	2277	2275	-	-	-	0	anyarray_in	1	0	anyarray	cstring	cstring
2297	anyarray_out	12	f	t	f	s	s	0	2275	2277	-	-	-	0	anyarray_out	1	0	cstring	anyarray	anyarray
2298	void_in	12	f	t	f	i	s	0	2278	2275	-	-	-	0	void_in	1	0	void	cstring	cstring
2299	void_out	12	f	t	f	i	s	0	2275	2278	-	-	-	0	void_out	1	0	cstring	void	void
2304	internal_in	12	f	f	f	i	s	0	2281	2275	-	-	-	0	internal_in	1	0	internal	cstring	cstring
2305	internal_out	12	f	t	f	i	s	0	2275	2281	-	-	-	0	internal_out	1	0	cstring	internal	internal
2308	ceil	12	f	t	f	i	s	0	701	701	-	-	-	0	dceil	1	0	double precision	double precision	double precision
2309	floor	12	f	t	f	i	s	0	701	701	-	-	-	0	dfloor	1	0	double precision	double precision	double precision
2310	sign	12	f	t	f	i	s	0	701	701	-	-	-	0	dsign	1	0	double precision	double precision	double precision
2311	md5	12	f	t	f	i	s	0	25	25	-	-	-	0	md5_text	1	0	text	text	text
2312	anyelement_in	12	f	t	f	i	s	0	2283	2275	-	-	-	0	anyelement_in	1	0	anyelement	cstring	cstring
2313	anyelement_out	12	f	t	f	i	s	0	2275	2283	-	-	-	0	anyelement_out	1	0	cstring	anyelement	anyelement
2320	ceiling	12	f	t	f	i	s	0	701	701	-	-	-	0	dceil	1	0	double precision	double precision	double precision
2321	md5	12	f	t	f	i	s	0	25	17	-	-	-	0	md5_bytea	1	0	text	bytea	bytea
2324	pg_database_size	12	f	t	f	v	s	0	20	26	-	-	-	0	pg_database_size_oid	1	0	bigint	oid	oid
2325	pg_relation_size	14	f	t	f	v	s	0	20	2205	-	-	-	0	-	1	0	bigint	regclass	regclass
2331	unnest	12	f	t	t	i	s	0	2283	2277	-	-	-	0	array_unnest	1	100	SETOF anyelement	anyarray	anyarray
2332	pg_relation_size	12	f	t	f	v	s	0	20	2205 25	-	-	-	0	pg_relation_size	1	0	bigint	regclass, text	regclass, text
2400	array_recv	12	f	t	f	s	s	0	2277	2281 26 23	-	-	-	0	array_recv	1	0	anyarray	internal, oid, integer	internal, oid, integer
2401	array_send	12	f	t	f	s	s	0	17	2277	-	-	-	0	array_send	1	0	bytea	anyarray	anyarray
2402	record_recv	12	f	t	f	s	s	0	2249	2281 26 23	-	-	-	0	record_recv	1	0	record	internal, oid, integer	internal, oid, integer
2403	record_send	12	f	t	f	s	s	0	17	2249	-	-	-	0	record_send	1	0	bytea	record	record
2404	int2recv	12	f	t	f	i	s	0	21	2281	-	-	-	0	int2recv	1	0	smallint	internal	internal
2405	int2send	12	f	t	f	i	s	0	17	21	-	-	-	0	int2send	1	0	bytea	smallint	smallint
2406	int4recv	12	f	t	f	i	s	0	23	2281	-	-	-	0	int4recv	1	0	integer	internal	internal
2407	int4send	12	f	t	f	i	s	0	17	23	-	-	-	0	int4send	1	0	bytea	integer	integer
2408	int8recv	12	f	t	f	i	s	0	20	2281	-	-	-	0	int8recv	1	0	bigint	internal	internal
2409	int8send	12	f	t	f	i	s	0	17	20	-	-	-	0	int8send	1	0	bytea	bigint	bigint
2410	int2vectorrecv	12	f	t	f	i	s	0	22	2281	-	-	-	0	int2vectorrecv	1	0	int2vector	internal	internal
2411	int2vectorsend	12	f	t	f	i	s	0	17	22	-	-	-	0	int2vectorsend	1	0	bytea	int2vector	int2vector
2412	bytearecv	12	f	t	f	i	s	0	17	2281	-	-	-	0	bytearecv	1	0	bytea	internal	internal
2413	byteasend	12	f	t	f	i	s	0	17	17	-	-	-	0	byteasend	1	0	bytea	bytea	bytea
2414	textrecv	12	f	t	f	s	s	0	25	2281	-	-	-	0	textrecv	1	0	text	internal	internal
2415	textsend	12	f	t	f	s	s	0	17	25	-	-	-	0	textsend	1	0	bytea	text	text
2416	unknownrecv	12	f	t	f	i	s	0	705	2281	-	-	-	0	unknownrecv	1	0	unknown	internal	internal
2417	unknownsend	12	f	t	f	i	s	0	17	705	-	-	-	0	unknownsend	1	0	bytea	unknown	unknown
2418	oidrecv	12	f	t	f	i	s	0	26	2281	-	-	-	0	oidrecv	1	0	oid	internal	internal
2419	oidsend	12	f	t	f	i	s	0	17	26	-	-	-	0	oidsend	1	0	bytea	oid	oid
2420	oidvectorrecv	12	f	t	f	i	s	0	30	2281	-	-	-	0	oidvectorrecv	1	0	oidvector	internal	internal
2421	oidvectorsend	12	f	t	f	i	s	0	17	30	-	-	-	0	oidvectorsend	1	0	bytea	oidvector	oidvector
2422	namerecv	12	f	t	f	s	s	0	19	2281	-	-	-	0	namerecv	1	0	name	internal	internal
2423	namesend	12	f	t	f	s	s	0	17	19	-	-	-	0	namesend	1	0	bytea	name	name
2424	float4recv	12	f	t	f	i	s	0	700	2281	-	-	-	0	float4recv	1	0	real	internal	internal
2425	float4send	12	f	t	f	i	s	0	17	700	-	-	-	0	float4send	1	0	bytea	real	real
2426	float8recv	12	f	t	f	i	s	0	701	2281	-	-	-	0	float8recv	1	0	double precision	internal	internal
2427	float8send	12	f	t	f	i	s	0	17	701	-	-	-	0	float8send	1	0	bytea	double precision	double precision
2430	bpcharrecv	12	f	t	f	s	s	0	1042	2281 26 23	-	-	-	0	bpcharrecv	1	0	character	internal, oid, integer	internal, oid, integer
2431	bpcharsend	12	f	t	f	s	s	0	17	1042	-	-	-	0	bpcharsend	1	0	bytea	character	character
2432	varcharrecv	12	f	t	f	s	s	0	1043	2281 26 23	-	-	-	0	varcharrecv	1	0	character varying	internal, oid, integer	internal, oid, integer
2433	varcharsend	12	f	t	f	s	s	0	17	1043	-	-	-	0	varcharsend	1	0	bytea	character varying	character varying
2434	charrecv	12	f	t	f	i	s	0	18	2281	-	-	-	0	charrecv	1	0	"char"	internal	internal
2435	charsend	12	f	t	f	i	s	0	17	18	-	-	-	0	charsend	1	0	bytea	"char"	"char"
2436	boolrecv	12	f	t	f	i	s	0	16	2281	-	-	-	0	boolrecv	1	0	boolean	internal	internal
2437	boolsend	12	f	t	f	i	s	0	17	16	-	-	-	0	boolsend	1	0	bytea	boolean	boolean
2444	regprocrecv	12	f	t	f	i	s	0	24	2281	-	-	-	0	regprocrecv	1	0	regproc	internal	internal
2445	regprocsend	12	f	t	f	i	s	0	17	24	-	-	-	0	regprocsend	1	0	bytea	regproc	regproc
2452	regclassrecv	12	f	t	f	i	s	0	2205	2281	-	-	-	0	regclassrecv	1	0	regclass	internal	internal
2453	regclasssend	12	f	t	f	i	s	0	17	2205	-	-	-	0	regclasssend	1	0	bytea	regclass	regclass
2454	regtyperecv	12	f	t	f	i	s	0	2206	2281	-	-	-	0	regtyperecv	1	0	regtype	internal	internal
2455	regtypesend	12	f	t	f	i	s	0	17	2206	-	-	-	0	regtypesend	1	0	bytea	regtype	regtype
2460	numeric_recv	12	f	t	f	i	s	0	1700	2281 26 23	-	-	-	0	numeric_recv	1	0	numeric	internal, oid, integer	internal, oid, integer
2461	numeric_send	12	f	t	f	i	s	0	17	1700	-	-	-	0	numeric_send	1	0	bytea	numeric	numeric
2468	date_recv	12	f	t	f	i	s	0	1082	2281	-	-	-	0	date_recv	1	0	date	internal	internal
2469	date_send	12	f	t	f	i	s	0	17	1082	-	-	-	0	date_send	1	0	bytea	date	date
2470	time_recv	12	f	t	f	i	s	0	1083	2281 26 23	-	-	-	0	time_recv	1	0	time without time zone	internal, oid, integer	internal, oid, integer
2471	time_send	12	f	t	f	i	s	0	17	1083	-	-	-	0	time_send	1	0	bytea	time without time zone	time without time zone
2474	timestamp_recv	12	f	t	f	i	s	0	1114	2281 26 23	-	-	-	0	timestamp_recv	1	0	timestamp without time zone	internal, oid, integer	internal, oid, integer
2475	timestamp_send	12	f	t	f	i	s	0	17	1114	-	-	-	0	timestamp_send	1	0	bytea	timestamp without time zone	timestamp without time zone
2476	timestamptz_recv	12	f	t	f	i	s	0	1184	2281 26 23	-	-	-	0	timestamptz_recv	1	0	timestamp with time zone	internal, oid, integer	internal, oid, integer
2477	timestamptz_send	12	f	t	f	i	s	0	17	1184	-	-	-	0	timestamptz_send	1	0	bytea	timestamp with time zone	timestamp with time zone
2478	interval_recv	12	f	t	f	i	s	0	1186	2281 26 23	-	-	-	0	interval_recv	1	0	interval	internal, oid, integer	internal, oid, integer
2479	interval_send	12	f	t	f	i	s	0	17	1186	-	-	-	0	interval_send	1	0	bytea	interval	interval
2500	cstring_recv	12	f	t	f	s	s	0	2275	2281	-	-	-	0	cstring_recv	1	0	cstring	internal	internal
2501	cstring_send	12	f	t	f	s	s	0	17	2275	-	-	-	0	cstring_send	1	0	bytea	cstring	cstring
2502	anyarray_recv	12	f	t	f	s	s	0	2277	2281	-	-	-	0	anyarray_recv	1	0	anyarray	internal	internal
2503	anyarray_send	12	f	t	f	s	s	0	17	2277	-	-	-	0	anyarray_send	1	0	bytea	anyarray	anyarray
2507	pg_get_indexdef	12	f	t	f	s	s	0	25	26 23 16	-	-	-	0	pg_get_indexdef_ext	1	0	text	oid, integer, boolean	oid, integer, boolean
2508	pg_get_constraintdef	12	f	t	f	s	s	0	25	26 16	-	-	-	0	pg_get_constraintdef_ext	1	0	text	oid, boolean	oid, boolean
2517	bool_and	12	a	f	f	i	s	0	16	16	-	-	-	0	aggregate_dummy	1	0	boolean	boolean	boolean
2518	bool_or	12	a	f	f	i	s	0	16	16	-	-	-	0	aggregate_dummy	1	0	boolean	boolean	boolean
2519	every	12	a	f	f	i	s	0	16	16	-	-	-	0	aggregate_dummy	1	0	boolean	boolean	boolean
2559	lastval	12	f	t	f	v	u	0	20		-	-	-	0	lastval	1	0	bigint		
2560	pg_postmaster_start_time	12	f	t	f	s	s	0	1184		-	-	-	0	pg_postmaster_start_time	1	0	timestamp with time zone		
2647	transaction_timestamp	12	f	t	f	s	s	0	1184		-	-	-	0	now	1	0	timestamp with time zone		
2648	statement_timestamp	12	f	t	f	s	s	0	1184		-	-	-	0	statement_timestamp	1	0	timestamp with time zone		
2649	clock_timestamp	12	f	t	f	v	s	0	1184		-	-	-	0	clock_timestamp	1	0	timestamp with time zone		
2803	count	12	a	f	f	i	s	0	20		-	-	-	0	aggregate_dummy	1	0	bigint		
2904	intervaltypmodout	12	f	t	f	i	s	0	2275	23	-	-	-	0	intervaltypmodout	1	0	cstring	integer	integer
2906	timestamptypmodout	12	f	t	f	i	s	0	2275	23	-	-	-	0	timestamptypmodout	1	0	cstring	integer	integer
2908	timestamptztypmodout	12	f	t	f	i	s	0	2275	23	-	-	-	0	timestamptztypmodout	1	0	cstring	integer	integer
2910	timetypmodout	12	f	t	f	i	s	0	2275	23	-	-	-	0	timetypmodout	1	0	cstring	integer	integer
2914	bpchartypmodout	12	f	t	f	i	s	0	2275	23	-	-	-	0	bpchartypmodout	1	0	cstring	integer	integer
2916	varchartypmodout	12	f	t	f	i	s	0	2275	23	-	-	-	0	varchartypmodout	1	0	cstring	integer	integer
2918	numerictypmodout	12	f	t	f	i	s	0	2275	23	-	-	-	0	numerictypmodout	1	0	cstring	integer	integer
2943	txid_current	12	f	t	f	s	u	0	20		-	-	-	0	pg_current_xact_id	1	0	bigint		
2952	uuid_in	12	f	t	f	i	s	0	2950	2275	-	-	-	0	uuid_in	1	0	uuid	cstring	cstring
2953	uuid_out	12	f	t	f	i	s	0	2275	2950	-	-	-	0	uuid_out	1	0	cstring	uuid	uuid
2961	uuid_recv	12	f	t	f	i	s	0	2950	2281	-	-	-	0	uuid_recv	1	0	uuid	internal	internal
2962	uuid_send	12	f	t	f	i	s	0	17	2950	-	-	-	0	uuid_send	1	0	bytea	uuid	uuid
3012	has_column_privilege	12	f	t	f	s	s	0	16	19 25 25 25	-	-	-	0	has_column_privilege_name_name_name	1	0	boolean	name, text, text, text	name, text, text, text
3013	has_column_privilege	12	f	t	f	s	s	0	16	19 25 21 25	-	-	-	0	has_column_privilege_name_name_attnum	1	0	boolean	name, text, smallint, text	name, text, smallint, text
3014	has_column_privilege	12	f	t	f	s	s	0	16	19 26 25 25	-	-	-	0	has_column_privilege_name_id_name	1	0	boolean	name, oid, text, text	name, oid, text, text
3015	has_column_privilege	12	f	t	f	s	s	0	16	19 26 21 25	-	-	-	0	has_column_privilege_name_id_attnum	1	0	boolean	name, oid, smallint, text	name, oid, smallint, text
3016	has_column_privilege	12	f	t	f	s	s	0	16	26 25 25 25	-	-	-	0	has_column_privilege_id_name_name	1	0	boolean	oid, text, text, text	oid, text, text, text
3017	has_column_privilege	12	f	t	f	s	s	0	16	26 25 21 25	-	-	-	0	has_column_privilege_id_name_attnum	1	0	boolean	oid, text, smallint, text	oid, text, smallint, text
3018	has_column_privilege	12	f	t	f	s	s	0	16	26 26 25 25	-	-	-	0	has_column_privilege_id_id_name	1	0	boolean	oid, oid, text, text	oid, oid, text, text
3019	has_column_privilege	12	f	t	f	s	s	0	16	26 26 21 25	-	-	-	0	has_column_privilege_id_id_attnum	1	0	boolean	oid, oid, smallint, text	oid, oid, smallint, text
3020	has_column_privilege	12	f	t	f	s	s	0	16	25 25 25	-	-	-	0	has_column_privilege_name_name	1	0	boolean	text, text, text	text, text, text
3021	has_column_privilege	12	f	t	f	s	s	0	16	25 21 25	-	-	-	0	has_column_privilege_name_attnum	1	0	boolean	text, smallint, text	text, smallint, text
3022	has_column_privilege	12	f	t	f	s	s	0	16	26 25 25	-	-	-	0	has_column_privilege_id_name	1	0	boolean	oid, text, text	oid, text, text
3023	has_column_privilege	12	f	t	f	s	s	0	16	26 21 25	-	-	-	0	has_column_privilege_id_attnum	1	0	boolean	oid, smallint, text	oid, smallint, text
3024	has_any_column_privilege	12	f	t	f	s	s	0	16	19 25 25	-	-	-	0	has_any_column_privilege_name_name	10	0	boolean	name, text, text	name, text, text
3025	has_any_column_privilege	12	f	t	f	s	s	0	16	19 26 25	-	-	-	0	has_any_column_privilege_name_id	10	0	boolean	name, oid, text	name, oid, text
3026	has_any_column_privilege	12	f	t	f	s	s	0	16	26 25 25	-	-	-	0	has_any_column_privilege_id_name	10	0	boolean	oid, text, text	oid, text, text
3027	has_any_column_privilege	12	f	t	f	s	s	0	16	26 26 25	-	-	-	0	has_any_column_privilege_id_id	10	0	boolean	oid, oid, text	oid, oid, text
3028	has_any_column_privilege	12	f	t	f	s	s	0	16	25 25	-	-	-	0	has_any_column_privilege_name	10	0	boolean	text, text	text, text
3029	has_any_column_privilege	12	f	t	f	s	s	0	16	26 25	-	-	-	0	has_any_column_privilege_id	10	0	boolean	oid, text	oid, text
3058	concat	12	f	f	f	s	s	0	25	2276	{2276}	{v}	-	2276	text_concat	1	0	text	VARIADIC "any"	VARIADIC "any"
3059	concat_ws	12	f	f	f	s	s	0	25	25 2276	{25,2276}	{i,v}	-	2276	text_concat_ws	1	0	text	text, VARIADIC "any"	text, VARIADIC "any"
3060	left	12	f	t	f	i	s	0	25	25 23	-	-	-	0	text_left	1	0	text	text, integer	text, integer
3061	right	12	f	t	f	i	s	0	25	25 23	-	-	-	0	text_right	1	0	text	text, integer	text, integer
3062	reverse	12	f	t	f	i	s	0	25	25	-	-	-	0	text_reverse	1	0	text	text	text
3120	void_recv	12	f	t	f	i	s	0	2278	2281	-	-	-	0	void_recv	1	0	void	internal	internal
3121	void_send	12	f	t	f	i	s	0	17	2278	-	-	-	0	void_send	1	0	bytea	void	void
3166	pg_size_pretty	12	f	t	f	i	s	0	25	1700	-	-	-	0	pg_size_pretty_numeric	1	0	text	numeric	numeric
3175	json_agg	12	a	f	f	s	s	0	114	2283	-	-	-	0	aggregate_dummy	1	0	json	anyelement	anyelement
3176	to_json	12	f	t	f	s	s	0	114	2283	-	-	-	0	to_json	1	0	json	anyelement	anyelement
3179	cardinality	12	f	t	f	i	s	0	23	2277	-	-	-	0	array_cardinality	1	0	integer	anyarray	anyarray
3198	json_build_array	12	f	f	f	s	s	0	114	2276	{2276}	{v}	-	2276	json_build_array	1	0	json	VARIADIC "any"	VARIADIC "any"
3199	json_build_array	12	f	f	f	s	s	0	114		-	-	-	0	json_build_array_noargs	1	0	json		
3200	json_build_object	12	f	f	f	s	s	0	114	2276	{2276}	{v}	-	2276	json_build_object	1	0	json	VARIADIC "any"	VARIADIC "any"
3201	json_build_object	12	f	f	f	s	s	0	114		-	-	-	0	json_build_object_noargs	1	0	json		
3207	jsonb_array_length	12	f	t	f	i	s	0	23	3802	-	-	-	0	jsonb_array_length	1	0	integer	jsonb	jsonb
3210	jsonb_typeof	12	f	t	f	i	s	0	25	3802	-	-	-	0	jsonb_typeof	1	0	text	jsonb	jsonb
3217	jsonb_extract_path	12	f	t	f	i	s	0	3802	3802 1009	{3802,1009}	{i,v}	{from_json,path_elems}	25	jsonb_extract_path	1	0	jsonb	from_json jsonb, VARIADIC path_elems text[]	from_json jsonb, VARIADIC path_elems text[]
3259	generate_series	12	f	t	t	i	s	0	1700	1700 1700 1700	-	-	-	0	generate_series_step_numeric	1	1000	SETOF numeric	numeric, numeric, numeric	numeric, numeric, numeric
3260	generate_series	12	f	t	t	i	s	0	1700	1700 1700	-	-	-	0	generate_series_numeric	1	1000	SETOF numeric	numeric, numeric	numeric, numeric
3267	jsonb_agg	12	a	f	f	s	s	0	3802	2283	-	-	-	0	aggregate_dummy	1	0	jsonb	anyelement	anyelement
3271	jsonb_build_array	12	f	f	f	s	s	0	3802	2276	{2276}	{v}	-	2276	jsonb_build_array	1	0	jsonb	VARIADIC "any"	VARIADIC "any"
3272	jsonb_build_array	12	f	f	f	s	s	0	3802		-	-	-	0	jsonb_build_array_noargs	1	0	jsonb		
3273	jsonb_build_object	12	f	f	f	s	s	0	3802	2276	{2276}	{v}	-	2276	jsonb_build_object	1	0	jsonb	VARIADIC "any"	VARIADIC "any"
3274	jsonb_build_object	12	f	f	f	s	s	0	3802		-	-	-	0	jsonb_build_object_noargs	1	0	jsonb		
3294	current_setting	12	f	t	f	s	s	0	25	25 16	-	-	-	0	show_config_by_name_missing_ok	1	0	text	text, boolean	text, boolean
3306	jsonb_pretty	12	f	t	f	i	s	0	25	3802	-	-	-	0	jsonb_pretty	1	0	text	jsonb	jsonb
3432	gen_random_uuid	12	f	t	f	v	s	0	2950		-	-	-	0	gen_random_uuid	1	0	uuid		
3493	to_regtype	12	f	t	f	s	s	0	2206	25	-	-	-	0	to_regtype	1	0	regtype	text	text
3494	to_regproc	12	f	t	f	s	s	0	24	25	-	-	-	0	to_regproc	1	0	regproc	text	text
3495	to_regclass	12	f	t	f	s	s	0	2205	25	-	-	-	0	to_regclass	1	0	regclass	text	text
3538	string_agg	12	a	f	f	i	s	0	25	25 25	-	-	-	0	aggregate_dummy	1	0	text	text, text	text, text
3545	string_agg	12	a	f	f	i	s	0	17	17 17	-	-	-	0	aggregate_dummy	1	0	bytea	bytea, bytea	bytea, bytea
3696	starts_with	12	f	t	f	i	s	0	16	25 25	-	-	-	0	text_starts_with	1	0	boolean	text, text	text, text
3787	to_jsonb	12	f	t	f	s	s	0	3802	2283	-	-	-	0	to_jsonb	1	0	jsonb	anyelement	anyelement
3803	jsonb_send	12	f	t	f	i	s	0	17	3802	-	-	-	0	jsonb_send	1	0	bytea	jsonb	jsonb
3804	jsonb_out	12	f	t	f	i	s	0	2275	3802	-	-	-	0	jsonb_out	1	0	cstring	jsonb	jsonb
3805	jsonb_recv	12	f	t	f	i	s	0	3802	2281	-	-	-	0	jsonb_recv	1	0	jsonb	internal	internal
3806	jsonb_in	12	f	t	f	i	s	0	3802	2275	-	-	-	0	jsonb_in	1	0	jsonb	cstring	cstring
3810	pg_is_in_recovery	12	f	t	f	v	s	0	16		-	-	-	0	pg_is_in_recovery	1	0	boolean		
3846	make_date	12	f	t	f	i	s	0	1082	23 23 23	-	-	{year,month,day}	0	make_date	1	0	date	year integer, month integer, day integer	year integer, month integer, day integer
3940	jsonb_extract_path_text	12	f	t	f	i	s	0	25	3802 1009	{3802,1009}	{i,v}	{from_json,path_elems}	25	jsonb_extract_path_text	1	0	text	from_json jsonb, VARIADIC path_elems text[]	from_json jsonb, VARIADIC path_elems text[]
3951	json_extract_path	12	f	t	f	i	s	0	114	114 1009	{114,1009}	{i,v}	{from_json,path_elems}	25	json_extract_path	1	0	json	from_json json, VARIADIC path_elems text[]	from_json json, VARIADIC path_elems text[]
3953	json_extract_path_text	12	f	t	f	i	s	0	25	114 1009	{114,1009}	{i,v}	{from_json,path_elems}	25	json_extract_path_text	1	0	text	from_json json, VARIADIC path_elems text[]	from_json json, VARIADIC path_elems text[]
3956	json_array_length	12	f	t	f	i	s	0	23	114	-	-	-	0	json_array_length	1	0	integer	json	json
3968	json_typeof	12	f	t	f	i	s	0	25	114	-	-	-	0	json_typeof	1	0	text	json	json
4053	array_agg	12	a	f	f	i	s	0	2277	2277	-	-	-	0	aggregate_dummy	1	0	anyarray	anyarray	anyarray
4084	regnamespacein	12	f	t	f	s	s	0	4089	2275	-	-	-	0	regnamespacein	1	0	regnamespace	cstring	cstring
4085	regnamespaceout	12	f	t	f	s	s	0	2275	4089	-	-	-	0	regnamespaceout	1	0	cstring	regnamespace	regnamespace
4086	to_regnamespace	12	f	t	f	s	s	0	4089	25	-	-	-	0	to_regnamespace	1	0	regnamespace	text	text
4087	regnamespacerecv	12	f	t	f	i	s	0	4089	2281	-	-	-	0	regnamespacerecv	1	0	regnamespace	internal	internal
4088	regnamespacesend	12	f	t	f	i	s	0	17	4089	-	-	-	0	regnamespacesend	1	0	bytea	regnamespace	regnamespace
6195	ltrim	12	f	t	f	i	s	0	17	17 17	-	-	-	0	bytealtrim	1	0	bytea	bytea, bytea	bytea, bytea
6196	rtrim	12	f	t	f	i	s	0	17	17 17	-	-	-	0	byteartrim	1	0	bytea	bytea, bytea	bytea, bytea
6197	pg_get_function_sqlbody	12	f	t	f	s	s	0	25	26	-	-	-	0	pg_get_function_sqlbody	1	0	text	oid	oid
6199	extract	12	f	t	f	i	s	0	1700	25 1082	-	-	-	0	extract_date	1	0	numeric	text, date	text, date
6200	extract	12	f	t	f	i	s	0	1700	25 1083	-	-	-	0	extract_time	1	0	numeric	text, time without time zone	text, time without time zone
6202	extract	12	f	t	f	i	s	0	1700	25 1114	-	-	-	0	extract_timestamp	1	0	numeric	text, timestamp without time zone	text, timestamp without time zone
6203	extract	12	f	t	f	s	s	0	1700	25 1184	-	-	-	0	extract_timestamptz	1	0	numeric	text, timestamp with time zone	text, timestamp with time zone
6204	extract	12	f	t	f	i	s	0	1700	25 1186	-	-	-	0	extract_interval	1	0	numeric	text, interval	text, interval
8510	vector_in	12	f	t	f	i	s	0	16300	2275 26 23	-	-	-	0	vector_in	1	0	vector	cstring, oid, integer	cstring, oid, integer
8511	vector_out	12	f	t	f	i	s	0	2275	16300	-	-	-	0	vector_out	1	0	cstring	vector	vector
8512	vector_typmod_in	12	f	t	f	i	s	0	23	1263	-	-	-	0	vector_typmod_in	1	0	integer	cstring[]	cstring[]
8513	vector_recv	12	f	t	f	i	s	0	16300	2281 26 23	-	-	-	0	vector_recv	1	0	vector	internal, oid, integer	internal, oid, integer
8514	vector_send	12	f	t	f	i	s	0	17	16300	-	-	-	0	vector_send	1	0	bytea	vector	vector
8515	halfvec_in	12	f	t	f	i	s	0	16302	2275 26 23	-	-	-	0	halfvec_in	1	0	halfvec	cstring, oid, integer	cstring, oid, integer
8516	halfvec_out	12	f	t	f	i	s	0	2275	16302	-	-	-	0	halfvec_out	1	0	cstring	halfvec	halfvec
8517	halfvec_typmod_in	12	f	t	f	i	s	0	23	1263	-	-	-	0	halfvec_typmod_in	1	0	integer	cstring[]	cstring[]
8518	halfvec_recv	12	f	t	f	i	s	0	16302	2281 26 23	-	-	-	0	halfvec_recv	1	0	halfvec	internal, oid, integer	internal, oid, integer
8519	halfvec_send	12	f	t	f	i	s	0	17	16302	-	-	-	0	halfvec_send	1	0	bytea	halfvec	halfvec
`

// typeNamespace is a type's schema: pgvector's types live where CREATE
// EXTENSION vector puts them, public (clients such as asyncpg and
// pgvector-python look them up there), the built-ins in pg_catalog.
func typeNamespace(oid uint32) int64 {
	switch oid {
	case sql.OIDVector, sql.OIDVectorArray, sql.OIDHalfVec, sql.OIDHalfVecArray:
		return oidPublicNamespace
	}
	return oidPgCatalogNamespace
}
