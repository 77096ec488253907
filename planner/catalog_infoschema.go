package planner

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// information_schema's views, computed per statement from the catalog like
// the pg_catalog relations. They list only the session's own database's
// schemas and tables (never PostgreSQL's own catalogs, whose rows tools
// filter out anyway), with PostgreSQL 15's columns in its order.
//
// PostgreSQL declares the columns with the domains sql_identifier,
// cardinal_number, character_data and yes_or_no, but RowDescription
// carries the domains' base types (name, integer, character varying,
// character varying(3)), which is what drivers scan and psql aligns by,
// so the views use the base types directly.

var (
	isIdentifier = sql.TypeName
	isCardinal   = sql.TypeInt4
	isCharData   = sql.TypeVarchar
	isYesOrNo    = sql.Type{OID: sql.OIDVarchar, Typmod: 3 + 4}
)

// infoSchemaViews holds information_schema.<name>.
var infoSchemaViews = map[string]*virtualTable{}

func defineInfoSchema(name string, cols []colInfo, rows func(x *execCtx) ([][]sql.Datum, error)) {
	for i := range cols {
		cols[i].table = name
	}
	infoSchemaViews[name] = &virtualTable{cols: cols, rows: rows}
}

// names builds columns of one type.
func names(t sql.Type, ns ...string) []colInfo {
	out := make([]colInfo, len(ns))
	for i, n := range ns {
		out[i] = col(n, t)
	}
	return out
}

func concatCols(parts ...[]colInfo) []colInfo {
	var out []colInfo
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// isTable is a table with its schema, as the views list them.
type isTable struct {
	schema *storage.SchemaDesc
	t      *storage.TableDesc
}

// isCatalog is the session's database as the views see it in one
// statement.
type isCatalog struct {
	db      string
	schemas []*storage.SchemaDesc
	tables  []isTable
}

func loadInfoSchema(x *execCtx) (*isCatalog, error) {
	c := &isCatalog{db: x.s.db.Name}
	var err error
	if c.schemas, err = x.txn.ListSchemas(x.ctx, x.s.db.ID); err != nil {
		return nil, fmt.Errorf("list schemas: %w", err)
	}
	byID := map[uint32]*storage.SchemaDesc{}
	for _, s := range c.schemas {
		byID[s.ID] = s
	}
	tables, err := x.txn.ListTables(x.ctx, x.s.db.ID)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	for _, t := range tables {
		if s := byID[t.SchemaID]; s != nil && t.DBID == x.s.db.ID {
			c.tables = append(c.tables, isTable{schema: s, t: t})
		}
	}
	sort.Slice(c.tables, func(i, j int) bool {
		a, b := c.tables[i], c.tables[j]
		if a.schema.Name != b.schema.Name {
			return a.schema.Name < b.schema.Name
		}
		return a.t.Name < b.t.Name
	})
	return c, nil
}

// isRows loads the catalog and hands it to fn.
func isRows(fn func(x *execCtx, c *isCatalog) ([][]sql.Datum, error)) func(x *execCtx) ([][]sql.Datum, error) {
	return func(x *execCtx) ([][]sql.Datum, error) {
		c, err := loadInfoSchema(x)
		if err != nil {
			return nil, fmt.Errorf("information_schema: %w", err)
		}
		return fn(x, c)
	}
}

func yesNo(b bool) sql.Datum {
	if b {
		return "YES"
	}
	return "NO"
}

// namespaceOID is a schema's pg_namespace OID: public has PostgreSQL's
// fixed 2200, other schemas their catalog ID.
// TODO(issue 7): merge with the pg_namespace relation's helper.
func namespaceOID(s *storage.SchemaDesc) uint32 {
	if s.Name == "public" {
		return oidPublicNamespace
	}
	return s.ID
}

// isConstraint is one constraint of a table as table_constraints lists it.
type isConstraint struct {
	tab   isTable
	name  string
	typ   string // PRIMARY KEY, UNIQUE, CHECK
	cols  []string
	check string // the CHECK clause
}

// constraintsOf lists tab's constraints: the primary key, the unique
// constraints and, as PostgreSQL 15 shows them, one CHECK constraint per
// NOT NULL column named <nsp oid>_<table oid>_<attnum>_not_null. Indexes
// made by CREATE [UNIQUE] INDEX are not constraints.
func constraintsOf(tab isTable) []isConstraint {
	var out []isConstraint
	for i, c := range tab.t.Columns {
		if c.NotNull {
			out = append(out, isConstraint{tab: tab, typ: "CHECK", cols: []string{c.Name},
				name:  fmt.Sprintf("%d_%d_%d_not_null", namespaceOID(tab.schema), tab.t.ID, i+1),
				check: c.Name + " IS NOT NULL"}) // unquoted, as PostgreSQL does
		}
	}
	for _, ix := range tab.t.Indexes {
		if !isConstraintIndex(&ix) {
			continue
		}
		k := isConstraint{tab: tab, name: ix.Name, typ: "UNIQUE"}
		if ix.Primary {
			k.typ = "PRIMARY KEY"
		}
		for _, id := range ix.ColumnIDs {
			if p := tab.t.ColumnIndex(id); p >= 0 {
				k.cols = append(k.cols, tab.t.Columns[p].Name)
			}
		}
		out = append(out, k)
	}
	return out
}

// isUserType reports whether t (or its element type) is an extension's
// type, which information_schema calls USER-DEFINED and places in the
// extension's schema.
func isUserType(oid uint32) bool {
	switch oid {
	case sql.OIDVector, sql.OIDHalfVec, sql.OIDVectorArray, sql.OIDHalfVecArray:
		return true
	}
	return false
}

// columnTypeFacts are a column's data_type ... datetime_precision.
// TODO(issue 7): the same facts as pg_attribute's helper; merge later.
type columnTypeFacts struct {
	dataType                                       string
	charMaxLen, charOctetLen                       sql.Datum
	numPrecision, numRadix, numScale, datetimePrec sql.Datum
	intervalType                                   sql.Datum
	udtSchema, udtName                             string
}

func typeFacts(t sql.Type) columnTypeFacts {
	ti := t.Info()
	f := columnTypeFacts{dataType: ti.SQLName, udtSchema: "pg_catalog", udtName: ti.Name}
	switch {
	case ti.Family == sql.FamilyArray && ti.ElemOID != 0 && ti.Category == 'A':
		f.dataType = "ARRAY"
	case isUserType(t.OID):
		f.dataType = "USER-DEFINED"
	}
	if isUserType(t.OID) {
		f.udtSchema = "public"
	}
	mod := int64(t.Typmod)
	switch t.OID {
	case sql.OIDVarchar, sql.OIDBpchar, sql.OIDText:
		if mod >= 4 && t.OID != sql.OIDText {
			f.charMaxLen = mod - 4
			f.charOctetLen = (mod - 4) * 4 // UTF8's pg_encoding_max_length
		} else {
			f.charOctetLen = int64(1 << 30)
		}
	case sql.OIDInt2:
		f.numPrecision, f.numRadix, f.numScale = int64(16), int64(2), int64(0)
	case sql.OIDInt4:
		f.numPrecision, f.numRadix, f.numScale = int64(32), int64(2), int64(0)
	case sql.OIDInt8:
		f.numPrecision, f.numRadix, f.numScale = int64(64), int64(2), int64(0)
	case sql.OIDFloat4:
		f.numPrecision, f.numRadix = int64(24), int64(2)
	case sql.OIDFloat8:
		f.numPrecision, f.numRadix = int64(53), int64(2)
	case sql.OIDNumeric:
		f.numRadix = int64(10)
		if mod >= 4 {
			f.numPrecision = ((mod - 4) >> 16) & 65535
			f.numScale = (mod - 4) & 65535
		}
	case sql.OIDDate:
		f.datetimePrec = int64(0)
	case sql.OIDTime, sql.OIDTimestamp, sql.OIDTimestampTZ:
		if mod < 0 {
			f.datetimePrec = int64(6)
		} else {
			f.datetimePrec = mod
		}
	case sql.OIDInterval:
		if mod < 0 || mod&65535 == 65535 {
			f.datetimePrec = int64(6)
		} else {
			f.datetimePrec = mod & 65535
		}
		// PostgreSQL takes the fields from format_type: "interval day to
		// second(3)" gives DAY TO SECOND(3).
		if rest := strings.TrimPrefix(sql.FormatType(t), "interval"); mod >= 0 {
			rest = strings.TrimLeft(rest, "()0123456789")
			if rest = strings.TrimSpace(rest); rest != "" {
				f.intervalType = strings.ToUpper(rest)
			}
		}
	}
	return f
}

// serialDefault is a serial column's default as regclass output shows
// its sequence: quoted as needed, and qualified when its schema is not on
// the search path (nextval('s."Odd_id_seq"'::regclass)).
func serialDefault(x *execCtx, tab isTable, cd *storage.ColumnDesc) string {
	name := quoteIdent(sequenceName(tab.t, cd))
	visible := false
	for _, p := range x.s.searchPath() {
		if p == tab.schema.Name {
			visible = true
			break
		}
	}
	if !visible {
		name = quoteIdent(tab.schema.Name) + "." + name
	}
	return "nextval('" + strings.ReplaceAll(name, "'", "''") + "'::regclass)"
}

// typeMax is the largest value of an integer type, as a sequence's
// default maximum.
func typeMax(oid uint32) int64 {
	switch oid {
	case sql.OIDInt2:
		return 32767
	case sql.OIDInt4:
		return 2147483647
	}
	return 9223372036854775807
}

// displayDefault shows a column's stored default as pg_get_expr shows
// PostgreSQL's cooked default: literals resolved to the column's type are
// labelled with it ('x'::text, '{}'::integer[]), negative numbers quoted
// ('-1'::integer), operator expressions parenthesised. It returns nil for
// no default (and for DEFAULT NULL, which PostgreSQL does not store).
// TODO(issue 7): pg_attrdef/pg_get_expr need the same; merge later.
func displayDefault(text string, typ sql.Type) sql.Datum {
	if text == "" {
		return nil
	}
	tree, err := pg_query.Parse("SELECT " + text)
	if err != nil || len(tree.Stmts) != 1 {
		return text
	}
	sel := tree.Stmts[0].Stmt.GetSelectStmt()
	if sel == nil || len(sel.TargetList) != 1 {
		return text
	}
	n := sel.TargetList[0].GetResTarget().GetVal()
	label := func(s string, t sql.Type) string {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'::" + sql.FormatType(t)
	}
	// Literals take the column's type without its modifier (the length
	// check is an implicit cast PostgreSQL does not show).
	bare := sql.Type{OID: typ.OID, Typmod: -1}
	switch v := n.Node.(type) {
	case *pg_query.Node_AConst:
		c := v.AConst
		switch {
		case c.Isnull:
			return nil
		case c.GetIval() != nil:
			i := c.GetIval().Ival
			if i < 0 {
				return label(strconv.FormatInt(int64(i), 10), sql.TypeInt4)
			}
			return strconv.FormatInt(int64(i), 10)
		case c.GetFval() != nil:
			f := c.GetFval().Fval
			if strings.HasPrefix(f, "-") {
				t := sql.TypeNumeric
				if _, err := strconv.ParseInt(f, 10, 64); err == nil {
					t = sql.TypeInt8
				}
				return label(f, t)
			}
			return f
		case c.GetBoolval() != nil:
			return strconv.FormatBool(c.GetBoolval().Boolval)
		case c.GetSval() != nil:
			s := c.GetSval().Sval
			switch typ.OID {
			case sql.OIDInt4:
				if i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32); err == nil && i >= 0 {
					return strconv.FormatInt(i, 10)
				}
			case sql.OIDBool:
				switch strings.ToLower(strings.TrimSpace(s)) {
				case "t", "true", "yes", "on", "1":
					return "true"
				case "f", "false", "no", "off", "0":
					return "false"
				}
			}
			return label(s, bare)
		}
	case *pg_query.Node_TypeCast:
		if c := v.TypeCast.Arg.GetAConst(); c != nil && c.GetSval() != nil {
			if t, err := sql.TypeFromAST(v.TypeCast.TypeName); err == nil {
				return label(c.GetSval().Sval, t)
			}
		}
	case *pg_query.Node_AExpr:
		if v.AExpr.Kind == pg_query.A_Expr_Kind_AEXPR_OP && v.AExpr.Lexpr != nil {
			return "(" + text + ")"
		}
	}
	return text
}

func init() {
	defineInfoSchema("schemata", concatCols(
		names(isIdentifier, "catalog_name", "schema_name", "schema_owner", "default_character_set_catalog",
			"default_character_set_schema", "default_character_set_name"),
		names(isCharData, "sql_path"),
	), isRows(func(x *execCtx, c *isCatalog) ([][]sql.Datum, error) {
		row := func(name, owner string) []sql.Datum {
			return []sql.Datum{c.db, name, owner, nil, nil, nil, nil}
		}
		// A superuser sees the system schemas too (pg_toast included).
		rows := [][]sql.Datum{
			row("information_schema", x.s.opts.User), row("pg_catalog", x.s.opts.User), row("pg_toast", x.s.opts.User),
		}
		for _, s := range c.schemas {
			owner := x.s.opts.User
			if s.Name == "public" {
				owner = "pg_database_owner" // PostgreSQL 15's owner of public
			}
			rows = append(rows, row(s.Name, owner))
		}
		return rows, nil
	}))

	defineInfoSchema("tables", concatCols(
		names(isIdentifier, "table_catalog", "table_schema", "table_name"),
		names(isCharData, "table_type"),
		names(isIdentifier, "self_referencing_column_name"),
		names(isCharData, "reference_generation"),
		names(isIdentifier, "user_defined_type_catalog", "user_defined_type_schema", "user_defined_type_name"),
		names(isYesOrNo, "is_insertable_into", "is_typed"),
		names(isCharData, "commit_action"),
	), isRows(func(x *execCtx, c *isCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, tab := range c.tables {
			rows = append(rows, []sql.Datum{c.db, tab.schema.Name, tab.t.Name, "BASE TABLE", nil, nil, nil, nil, nil, "YES", "NO", nil})
		}
		return rows, nil
	}))

	// QuartzDB has no views yet: the relation exists, empty.
	defineInfoSchema("views", concatCols(
		names(isIdentifier, "table_catalog", "table_schema", "table_name"),
		names(isCharData, "view_definition", "check_option"),
		names(isYesOrNo, "is_updatable", "is_insertable_into", "is_trigger_updatable", "is_trigger_deletable", "is_trigger_insertable_into"),
	), func(x *execCtx) ([][]sql.Datum, error) { return nil, nil })

	defineInfoSchema("columns", concatCols(
		names(isIdentifier, "table_catalog", "table_schema", "table_name", "column_name"),
		names(isCardinal, "ordinal_position"),
		names(isCharData, "column_default"),
		names(isYesOrNo, "is_nullable"),
		names(isCharData, "data_type"),
		names(isCardinal, "character_maximum_length", "character_octet_length", "numeric_precision",
			"numeric_precision_radix", "numeric_scale", "datetime_precision"),
		names(isCharData, "interval_type"),
		names(isCardinal, "interval_precision"),
		names(isIdentifier, "character_set_catalog", "character_set_schema", "character_set_name",
			"collation_catalog", "collation_schema", "collation_name", "domain_catalog", "domain_schema", "domain_name",
			"udt_catalog", "udt_schema", "udt_name", "scope_catalog", "scope_schema", "scope_name"),
		names(isCardinal, "maximum_cardinality"),
		names(isIdentifier, "dtd_identifier"),
		names(isYesOrNo, "is_self_referencing", "is_identity"),
		names(isCharData, "identity_generation", "identity_start", "identity_increment", "identity_maximum", "identity_minimum"),
		names(isYesOrNo, "identity_cycle"),
		names(isCharData, "is_generated", "generation_expression"),
		names(isYesOrNo, "is_updatable"),
	), isRows(func(x *execCtx, c *isCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, tab := range c.tables {
			for i, cd := range tab.t.Columns {
				f := typeFacts(cd.Type)
				var def sql.Datum
				var gen, start, inc, max, min sql.Datum
				if cd.Identity != 0 {
					gen = "BY DEFAULT"
					if cd.Identity == 'a' {
						gen = "ALWAYS"
					}
					start, inc, min = "1", "1", "1"
					max = strconv.FormatInt(typeMax(cd.Type.OID), 10)
				} else if cd.SequenceKey != "" && cd.Default == fmt.Sprintf("nextval('%s'::regclass)", sequenceName(tab.t, &cd)) {
					def = serialDefault(x, tab, &cd)
				} else {
					def = displayDefault(cd.Default, cd.Type)
				}
				rows = append(rows, []sql.Datum{
					c.db, tab.schema.Name, tab.t.Name, cd.Name,
					int64(i + 1), def, yesNo(!cd.NotNull), f.dataType,
					f.charMaxLen, f.charOctetLen, f.numPrecision, f.numRadix, f.numScale, f.datetimePrec,
					f.intervalType, nil,
					nil, nil, nil, nil, nil, nil, nil, nil, nil,
					c.db, f.udtSchema, f.udtName, nil, nil, nil,
					nil, strconv.Itoa(i + 1),
					"NO", yesNo(cd.Identity != 0),
					gen, start, inc, max, min,
					"NO", "NEVER", nil, "YES",
				})
			}
		}
		return rows, nil
	}))

	defineInfoSchema("table_constraints", concatCols(
		names(isIdentifier, "constraint_catalog", "constraint_schema", "constraint_name", "table_catalog", "table_schema", "table_name"),
		names(isCharData, "constraint_type"),
		names(isYesOrNo, "is_deferrable", "initially_deferred", "enforced", "nulls_distinct"),
	), isRows(func(x *execCtx, c *isCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, tab := range c.tables {
			for _, k := range constraintsOf(tab) {
				var distinct sql.Datum
				if k.typ == "UNIQUE" {
					distinct = "YES"
				}
				rows = append(rows, []sql.Datum{c.db, tab.schema.Name, k.name, c.db, tab.schema.Name, tab.t.Name,
					k.typ, "NO", "NO", "YES", distinct})
			}
		}
		return rows, nil
	}))

	defineInfoSchema("check_constraints", concatCols(
		names(isIdentifier, "constraint_catalog", "constraint_schema", "constraint_name"),
		names(isCharData, "check_clause"),
	), isRows(func(x *execCtx, c *isCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, tab := range c.tables {
			for _, k := range constraintsOf(tab) {
				if k.typ == "CHECK" {
					rows = append(rows, []sql.Datum{c.db, tab.schema.Name, k.name, k.check})
				}
			}
		}
		return rows, nil
	}))

	// key_column_usage lists the columns of primary key, unique (and
	// foreign key) constraints, not of CHECK constraints.
	defineInfoSchema("key_column_usage", concatCols(
		names(isIdentifier, "constraint_catalog", "constraint_schema", "constraint_name", "table_catalog", "table_schema", "table_name", "column_name"),
		names(isCardinal, "ordinal_position", "position_in_unique_constraint"),
	), isRows(func(x *execCtx, c *isCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, tab := range c.tables {
			for _, k := range constraintsOf(tab) {
				if k.typ == "CHECK" {
					continue
				}
				for i, cn := range k.cols {
					rows = append(rows, []sql.Datum{c.db, tab.schema.Name, k.name, c.db, tab.schema.Name, tab.t.Name, cn, int64(i + 1), nil})
				}
			}
		}
		return rows, nil
	}))

	// constraint_column_usage lists the columns each constraint uses;
	// PostgreSQL leaves out the NOT NULL checks' columns (it reads them
	// from pg_depend, where those have no entry).
	defineInfoSchema("constraint_column_usage", names(isIdentifier,
		"table_catalog", "table_schema", "table_name", "column_name", "constraint_catalog", "constraint_schema", "constraint_name",
	), isRows(func(x *execCtx, c *isCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, tab := range c.tables {
			for _, k := range constraintsOf(tab) {
				if k.typ == "CHECK" {
					continue
				}
				for _, cn := range k.cols {
					rows = append(rows, []sql.Datum{c.db, tab.schema.Name, tab.t.Name, cn, c.db, tab.schema.Name, k.name})
				}
			}
		}
		return rows, nil
	}))

	// QuartzDB has no foreign keys yet: the relation exists, empty.
	defineInfoSchema("referential_constraints", concatCols(
		names(isIdentifier, "constraint_catalog", "constraint_schema", "constraint_name",
			"unique_constraint_catalog", "unique_constraint_schema", "unique_constraint_name"),
		names(isCharData, "match_option", "update_rule", "delete_rule"),
	), func(x *execCtx) ([][]sql.Datum, error) { return nil, nil })

	defineInfoSchema("character_sets", names(isIdentifier,
		"character_set_catalog", "character_set_schema", "character_set_name", "character_repertoire", "form_of_use",
		"default_collate_catalog", "default_collate_schema", "default_collate_name",
	), func(x *execCtx) ([][]sql.Datum, error) {
		return [][]sql.Datum{{nil, nil, "UTF8", "UCS", "UTF8", x.s.db.Name, nil, nil}}, nil
	})

	// sequences lists the sequences of serial columns, the only
	// standalone sequences QuartzDB has.
	defineInfoSchema("sequences", concatCols(
		names(isIdentifier, "sequence_catalog", "sequence_schema", "sequence_name"),
		names(isCharData, "data_type"),
		names(isCardinal, "numeric_precision", "numeric_precision_radix", "numeric_scale"),
		names(isCharData, "start_value", "minimum_value", "maximum_value", "increment"),
		names(isYesOrNo, "cycle_option"),
	), isRows(func(x *execCtx, c *isCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, tab := range c.tables {
			for i := range tab.t.Columns {
				cd := &tab.t.Columns[i]
				// Identity columns' sequences are internal to the
				// column: PostgreSQL leaves them out.
				if cd.SequenceKey == "" || cd.Identity != 0 {
					continue
				}
				f := typeFacts(cd.Type)
				rows = append(rows, []sql.Datum{c.db, tab.schema.Name, sequenceName(tab.t, cd), f.dataType,
					f.numPrecision, f.numRadix, f.numScale, "1", "1", strconv.FormatInt(typeMax(cd.Type.OID), 10), "1", "NO"})
			}
		}
		return rows, nil
	}))

	defineInfoSchema("routines", routinesColumns(), func(x *execCtx) ([][]sql.Datum, error) { return nil, nil })
}

// routinesColumns are information_schema.routines' 82 columns. QuartzDB has
// no user-defined functions, so the view is empty; PostgreSQL would list its
// built-in functions too, which tools exclude by routine_schema.
func routinesColumns() []colInfo {
	id, cd, yn, cn := isIdentifier, isCharData, isYesOrNo, isCardinal
	ts := sql.Type{OID: sql.OIDTimestampTZ, Typmod: 2}
	spec := []struct {
		t  sql.Type
		ns string
	}{
		{id, "specific_catalog specific_schema specific_name routine_catalog routine_schema routine_name"},
		{cd, "routine_type"},
		{id, "module_catalog module_schema module_name udt_catalog udt_schema udt_name"},
		{cd, "data_type"},
		{cn, "character_maximum_length character_octet_length"},
		{id, "character_set_catalog character_set_schema character_set_name collation_catalog collation_schema collation_name"},
		{cn, "numeric_precision numeric_precision_radix numeric_scale datetime_precision"},
		{cd, "interval_type"},
		{cn, "interval_precision"},
		{id, "type_udt_catalog type_udt_schema type_udt_name scope_catalog scope_schema scope_name"},
		{cn, "maximum_cardinality"},
		{id, "dtd_identifier"},
		{cd, "routine_body routine_definition external_name external_language parameter_style"},
		{yn, "is_deterministic"},
		{cd, "sql_data_access"},
		{yn, "is_null_call"},
		{cd, "sql_path"},
		{yn, "schema_level_routine"},
		{cn, "max_dynamic_result_sets"},
		{yn, "is_user_defined_cast is_implicitly_invocable"},
		{cd, "security_type"},
		{id, "to_sql_specific_catalog to_sql_specific_schema to_sql_specific_name"},
		{yn, "as_locator"},
		{ts, "created last_altered"},
		{yn, "new_savepoint_level is_udt_dependent"},
		{cd, "result_cast_from_data_type"},
		{yn, "result_cast_as_locator"},
		{cn, "result_cast_char_max_length result_cast_char_octet_length"},
		{id, "result_cast_char_set_catalog result_cast_char_set_schema result_cast_character_set_name result_cast_collation_catalog result_cast_collation_schema result_cast_collation_name"},
		{cn, "result_cast_numeric_precision result_cast_numeric_precision_radix result_cast_numeric_scale result_cast_datetime_precision"},
		{cd, "result_cast_interval_type"},
		{cn, "result_cast_interval_precision"},
		{id, "result_cast_type_udt_catalog result_cast_type_udt_schema result_cast_type_udt_name result_cast_scope_catalog result_cast_scope_schema result_cast_scope_name"},
		{cn, "result_cast_maximum_cardinality"},
		{id, "result_cast_dtd_identifier"},
	}
	var out []colInfo
	for _, s := range spec {
		out = append(out, names(s.t, strings.Fields(s.ns)...)...)
	}
	return out
}
