package planner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/quartzdb/quartzdb/sql"
)

// catalog_rel_funcs.go holds the catalog functions that read the objects
// catalog_rel.go lists (pg_get_indexdef, pg_get_constraintdef, ...) and
// the input and output functions of regclass and regnamespace, which
// sql.NewCast calls by name because the sql package cannot see the
// catalog.

// indexDef is pg_get_indexdef(oid, col, pretty): the whole CREATE INDEX
// statement for col 0, else that key column alone.
func (c *relCatalog) indexDef(r *relObj, colno int) string {
	ix, t := r.index, r.table
	if colno > 0 {
		if colno > len(ix.ColumnIDs) {
			return ""
		}
		return colName(t, ix.ColumnIDs[colno-1])
	}
	_, am := indexAm(ix)
	var b strings.Builder
	b.WriteString("CREATE ")
	if ix.Unique || ix.Primary {
		b.WriteString("UNIQUE ")
	}
	fmt.Fprintf(&b, "INDEX %s ON %s.%s USING %s (", sql.QuoteIdent(ix.Name), sql.QuoteIdent(r.nspName), sql.QuoteIdent(t.Name), am)
	for i, id := range ix.ColumnIDs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(colName(t, id))
		if i < len(ix.OpClasses) && ix.OpClasses[i] != "" {
			b.WriteString(" " + ix.OpClasses[i])
		}
	}
	b.WriteString(")")
	if opts := indexReloptions(ix); len(opts) > 0 {
		// flatten_reloptions quotes every value that is not a plain
		// identifier, numbers included.
		for i, o := range opts {
			k, v, _ := strings.Cut(o, "=")
			opts[i] = k + "='" + v + "'"
		}
		b.WriteString(" WITH (" + strings.Join(opts, ", ") + ")")
	}
	return b.String()
}

// constraintDef is pg_get_constraintdef.
func (k *relConstraint) def() string {
	var cols []string
	for _, id := range k.index.ColumnIDs {
		cols = append(cols, colName(k.table.table, id))
	}
	kind := "UNIQUE"
	if k.contype == "p" {
		kind = "PRIMARY KEY"
	}
	return kind + " (" + strings.Join(cols, ", ") + ")"
}

// splitQualifiedName reads a possibly schema-qualified, possibly quoted
// name as regclassin does (parseQualifiedName), reporting only whether it
// is well formed.
func splitQualifiedName(s string) ([]string, bool) {
	parts, err := parseQualifiedName(s)
	return parts, err == nil
}

// regclassByName resolves a relation name to its OID, 0 when there is no
// such relation; pg_catalog's relations have their fixed OIDs.
func regclassByName(x *execCtx, c *relCatalog, name string) (int64, error) {
	parts, ok := splitQualifiedName(name)
	if !ok || len(parts) > 3 {
		return 0, sql.Errorf(sql.CodeInvalidName, "invalid name syntax")
	}
	if len(parts) == 3 {
		if parts[0] != x.s.db.Name {
			return 0, sql.Errorf(sql.CodeFeatureNotSupported, "cross-database references are not implemented: %s", name)
		}
		parts = parts[1:]
	}
	schema, rel := "", parts[len(parts)-1]
	if len(parts) == 2 {
		schema = parts[0]
	}
	if schema == "" || schema == "pg_catalog" {
		if oid, ok := pgCatalogRelOIDs[rel]; ok {
			return oid, nil
		}
	}
	if r := c.resolve(x, schema, rel); r != nil {
		return r.oid, nil
	}
	return 0, nil
}

// regclassName is regclassout.
func regclassName(x *execCtx, c *relCatalog, oid int64) string {
	if r := c.byOID[oid]; r != nil {
		return c.qualifiedName(x, r)
	}
	for name, o := range pgCatalogRelOIDs {
		if o == oid {
			return name
		}
	}
	return strconv.FormatInt(oid, 10)
}

// namespaceByName resolves a schema name to its OID, 0 when unknown.
func namespaceByName(c *relCatalog, name string) int64 {
	switch name {
	case "pg_catalog":
		return oidPgCatalogNamespace
	case "information_schema":
		return oidInformationSchemaNamespace
	case "pg_toast":
		return oidPgToastNamespace
	}
	for oid, n := range c.nspName {
		if n == name {
			return oid
		}
	}
	return 0
}

func namespaceName(c *relCatalog, oid int64) string {
	switch oid {
	case oidPgCatalogNamespace:
		return "pg_catalog"
	case oidInformationSchemaNamespace:
		return "information_schema"
	case oidPgToastNamespace:
		return "pg_toast"
	}
	if n, ok := c.nspName[oid]; ok {
		return sql.QuoteIdent(n)
	}
	return strconv.FormatInt(oid, 10)
}

// sizePretty is pg_size_pretty(bigint): bytes up to 10 kB, then each unit
// while the value stays under 10240 of it, halves rounded away from zero.
func sizePretty(size int64) string {
	abs := func(v int64) int64 {
		if v < 0 {
			return -v
		}
		return v
	}
	const limit = 10 * 1024
	if abs(size) < limit {
		return fmt.Sprintf("%d bytes", size)
	}
	// PostgreSQL keeps one extra bit to round the last shift half up.
	size >>= 9
	for _, unit := range []string{"kB", "MB", "GB", "TB", "PB"} {
		if abs(size) < limit*2-1 || unit == "PB" {
			half := size
			if half >= 0 {
				half = (half + 1) / 2
			} else {
				half = (half - 1) / 2
			}
			return fmt.Sprintf("%d %s", half, unit)
		}
		size >>= 10
	}
	return ""
}

func relOf(x *execCtx, oid sql.Datum) (*relCatalog, *relObj, error) {
	c, err := loadRelCatalog(x)
	if err != nil {
		return nil, nil, err
	}
	return c, c.byOID[oid.(int64)], nil
}

func init() {
	oidArg := []sql.Type{typeOid}
	defineCatalogFunc("regclassin", relTypeRegclass, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		s := strings.TrimSpace(args[0].(string))
		if s != "" && s[0] >= '0' && s[0] <= '9' {
			return sql.ParseText(sql.TypeOid, s, nil)
		}
		c, err := loadRelCatalog(x)
		if err != nil {
			return nil, err
		}
		oid, err := regclassByName(x, c, s)
		if err != nil {
			return nil, err
		}
		if oid == 0 {
			return nil, sql.Errorf(sql.CodeUndefinedTable, "relation \"%s\" does not exist", s)
		}
		return oid, nil
	}, []sql.Type{typeText})
	defineCatalogFunc("regclassout", typeText, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		if args[0].(int64) == 0 {
			return "-", nil
		}
		c, err := loadRelCatalog(x)
		if err != nil {
			return nil, err
		}
		return regclassName(x, c, args[0].(int64)), nil
	}, []sql.Type{typeOid})
	defineCatalogFunc("to_regclass", relTypeRegclass, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		c, err := loadRelCatalog(x)
		if err != nil {
			return nil, err
		}
		oid, err := regclassByName(x, c, args[0].(string))
		if err != nil || oid == 0 {
			return nil, nil
		}
		return oid, nil
	}, []sql.Type{typeText})
	defineCatalogFunc("regnamespacein", sql.Type{OID: sql.OIDRegnamespace, Typmod: -1}, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		s := strings.TrimSpace(args[0].(string))
		if s != "" && s[0] >= '0' && s[0] <= '9' {
			return sql.ParseText(sql.TypeOid, s, nil)
		}
		parts, ok := splitQualifiedName(s)
		if !ok || len(parts) != 1 {
			return nil, sql.Errorf(sql.CodeInvalidName, "invalid name syntax")
		}
		c, err := loadRelCatalog(x)
		if err != nil {
			return nil, err
		}
		oid := namespaceByName(c, parts[0])
		if oid == 0 {
			return nil, sql.Errorf(sql.CodeUndefinedSchema, "schema \"%s\" does not exist", parts[0])
		}
		return oid, nil
	}, []sql.Type{typeText})
	defineCatalogFunc("regnamespaceout", typeText, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		if args[0].(int64) == 0 {
			return "-", nil
		}
		c, err := loadRelCatalog(x)
		if err != nil {
			return nil, err
		}
		return namespaceName(c, args[0].(int64)), nil
	}, []sql.Type{typeOid})

	// pg_get_expr shows a stored expression: pg_attrdef keeps the text
	// pg_get_expr prints, so it is returned as it is.
	defineCatalogFunc("pg_get_expr", typeText, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		return args[0], nil
	}, []sql.Type{typeText, typeOid}, []sql.Type{typeText, typeOid, typeBool})

	indexdef := func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		c, r, err := relOf(x, args[0])
		if err != nil || r == nil || r.kind != "i" {
			return nil, err
		}
		colno := 0
		if len(args) > 1 {
			colno = int(args[1].(int64))
		}
		return c.indexDef(r, colno), nil
	}
	defineCatalogFunc("pg_get_indexdef", typeText, indexdef, oidArg, []sql.Type{typeOid, typeInt4, typeBool})

	defineCatalogFunc("pg_get_constraintdef", typeText, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		c, err := loadRelCatalog(x)
		if err != nil {
			return nil, err
		}
		for _, k := range c.constraints() {
			if k.oid == args[0].(int64) {
				return k.def(), nil
			}
		}
		return nil, nil
	}, oidArg, []sql.Type{typeOid, typeBool})

	defineCatalogFunc("pg_get_serial_sequence", typeText, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		c, err := loadRelCatalog(x)
		if err != nil {
			return nil, err
		}
		oid, err := regclassByName(x, c, args[0].(string))
		if err != nil {
			return nil, err
		}
		r := c.byOID[oid]
		if r == nil {
			return nil, sql.Errorf(sql.CodeUndefinedTable, "relation \"%s\" does not exist", args[0].(string))
		}
		colname := args[1].(string)
		if parts, ok := splitQualifiedName(colname); ok && len(parts) == 1 {
			colname = parts[0]
		}
		p := -1
		if r.kind == "r" {
			p = r.table.ColumnByName(colname)
		}
		if p < 0 {
			return nil, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", colname, r.name)
		}
		col := &r.table.Columns[p]
		if col.SequenceKey == "" {
			return nil, nil
		}
		return sql.QuoteIdent(r.nspName) + "." + sql.QuoteIdent(sequenceName(r.table, col)), nil
	}, []sql.Type{typeText, typeText})

	defineCatalogFunc("pg_table_is_visible", typeBool, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		c, r, err := relOf(x, args[0])
		if err != nil {
			return nil, err
		}
		if r == nil {
			for _, o := range pgCatalogRelOIDs {
				if o == args[0].(int64) {
					return true, nil
				}
			}
			return nil, nil
		}
		return c.visible(x, r), nil
	}, oidArg)

	// Comments are not stored: an object has none unless it is one of
	// the built-in schemas PostgreSQL describes.
	none := func(*execCtx, []sql.Datum) (sql.Datum, error) { return nil, nil }
	defineCatalogFunc("obj_description", typeText, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		classoid := int64(-1)
		if len(args) == 2 {
			oid, ok := pgCatalogRelOIDs[args[1].(string)]
			if !ok {
				return nil, nil
			}
			classoid = oid
		}
		c, err := loadRelCatalog(x)
		if err != nil {
			return nil, err
		}
		objoid := args[0].(int64)
		ds, err := descriptions(x, c)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.objoid == objoid && (classoid < 0 || d.classoid == classoid) {
				return d.text, nil
			}
		}
		return nil, nil
	}, oidArg, []sql.Type{typeOid, typeName})
	defineCatalogFunc("col_description", typeText, none, []sql.Type{typeOid, typeInt4})
	defineCatalogFunc("pg_get_partkeydef", typeText, none, oidArg)
	defineCatalogFunc("pg_get_statisticsobjdef_columns", typeText, none, oidArg)
	defineCatalogFunc("pg_relation_is_publishable", typeBool, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		_, r, err := relOf(x, args[0])
		if err != nil || r == nil {
			return nil, err
		}
		return r.kind == "r", nil
	}, []sql.Type{relTypeRegclass})

	// Sizes: storage keeps no per-relation byte counts, so every
	// relation of the session's database reports 0 (an empty table's
	// size); another OID is NULL, as PostgreSQL answers for a dropped one.
	size := func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		_, r, err := relOf(x, args[0])
		if err != nil || r == nil {
			return nil, err
		}
		return int64(0), nil
	}
	for _, name := range []string{"pg_relation_size", "pg_total_relation_size", "pg_table_size", "pg_indexes_size"} {
		sigs := [][]sql.Type{{relTypeRegclass}}
		if name == "pg_relation_size" {
			sigs = append(sigs, []sql.Type{relTypeRegclass, typeText})
		}
		defineCatalogFunc(name, relTypeInt8, size, sigs...)
	}
	// Index scans are not counted: every index of the session's database
	// reports none, as a fresh PostgreSQL index does.
	defineCatalogFunc("pg_stat_get_numscans", relTypeInt8, size, oidArg)
	defineCatalogFunc("pg_size_pretty", typeText, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		return sizePretty(args[0].(int64)), nil
	}, []sql.Type{relTypeInt8})
}

// builtinDescription is a pg_description row PostgreSQL ships for an
// object QuartzDB has too.
type builtinDescription struct {
	objoid, classoid int64
	text             string
}

// builtinDescriptions are the comments initdb gives the built-in schemas
// (\dn+, DBeaver's schema list and obj_description show them).
var builtinDescriptions = []builtinDescription{
	{oidPgCatalogNamespace, 2615, "system catalog schema"},
	{oidPublicNamespace, 2615, "standard public schema"},
}

// extensionComments are the comments the extensions' control files give.
var extensionComments = map[string]string{
	"plpgsql": "PL/pgSQL procedural language",
	"vector":  "vector data type and ivfflat and hnsw access methods",
}

// descriptions are the comments of the session's database (what
// pg_description holds): PostgreSQL's own on its schemas that exist here,
// and those of the installed extensions (psql's \dx shows them).
func descriptions(x *execCtx, c *relCatalog) ([]builtinDescription, error) {
	var out []builtinDescription
	for _, d := range builtinDescriptions {
		if d.objoid == oidPgCatalogNamespace || c.nspName[d.objoid] != "" {
			out = append(out, d)
		}
	}
	pgExtension := pgCatalogRelOIDs["pg_extension"]
	out = append(out, builtinDescription{oidPlpgsqlExtension, pgExtension, extensionComments["plpgsql"]})
	exts, err := x.txn.ListExtensions(x.ctx, x.s.db.ID)
	if err != nil {
		return nil, fmt.Errorf("list extensions: %w", err)
	}
	for _, e := range exts {
		if text, ok := extensionComments[e.Name]; ok {
			out = append(out, builtinDescription{int64(e.ID), pgExtension, text})
		}
	}
	return out, nil
}
