package planner

import (
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
)

// The pg_catalog relations are computed per statement from the catalog, one
// function per relation, and show a session only its own database's
// objects. PostgreSQL searches pg_catalog before the search path, so an
// unqualified pg_type means pg_catalog.pg_type here too.

// Fixed OIDs of built-in objects, as PostgreSQL assigns them.
const (
	oidPgCatalogNamespace = 11
	oidPublicNamespace    = 2200
	oidBootstrapSuperuser = 10
	// oidPlpgsqlExtension is plpgsql's pg_extension row, always there.
	oidPlpgsqlExtension = 13000
)

// virtualTable is one pg_catalog relation.
type virtualTable struct {
	cols []colInfo
	rows func(x *execCtx) ([][]sql.Datum, error)
}

var virtualTables = map[string]*virtualTable{}

func defineVirtual(name string, cols []colInfo, rows func(x *execCtx) ([][]sql.Datum, error)) {
	for i := range cols {
		cols[i].table = name
	}
	virtualTables[name] = &virtualTable{cols: cols, rows: rows}
}

func col(name string, t sql.Type) colInfo { return colInfo{name: name, typ: t} }

var (
	typeOid    = sql.TypeOid
	typeName   = sql.TypeName
	typeBool   = sql.TypeBool
	typeText   = sql.TypeText
	typeInt2   = sql.TypeInt2
	typeInt4   = sql.TypeInt4
	typeChar   = sql.Type{OID: sql.OIDChar, Typmod: -1}
	typeOidArr = sql.Type{OID: sql.OIDOidArray, Typmod: -1}
)

func init() {
	defineVirtual("pg_extension", []colInfo{
		col("oid", typeOid), col("extname", typeName), col("extowner", typeOid), col("extnamespace", typeOid),
		col("extrelocatable", typeBool), col("extversion", typeText), col("extconfig", typeOidArr), col("extcondition", sql.Type{OID: sql.OIDTextArray, Typmod: -1}),
	}, func(x *execCtx) ([][]sql.Datum, error) {
		exts, err := x.txn.ListExtensions(x.ctx, x.s.db.ID)
		if err != nil {
			return nil, fmt.Errorf("list extensions: %w", err)
		}
		rows := [][]sql.Datum{{int64(oidPlpgsqlExtension), "plpgsql", int64(oidBootstrapSuperuser), int64(oidPgCatalogNamespace), false, "1.0", nil, nil}}
		for _, e := range exts {
			rows = append(rows, []sql.Datum{int64(e.ID), e.Name, int64(oidBootstrapSuperuser), int64(oidPublicNamespace), true, e.Version, nil, nil})
		}
		return rows, nil
	})
	// pg_type's rows and columns are in catalog_global_funcs.go.
	defineVirtual("pg_type", pgTypeColumns(), pgTypeRows)
}

// virtualNode reads a pg_catalog relation.
type virtualNode struct {
	vt   *virtualTable
	cols []colInfo
}

func (n *virtualNode) columns() []colInfo { return n.cols }
func (n *virtualNode) open(x *execCtx) (rowIter, error) {
	rows, err := n.vt.rows(x)
	if err != nil {
		return nil, err
	}
	return &sliceIter{rows: rows}, nil
}

// lookupVirtual resolves pg_catalog.name, or an unqualified name that
// pg_catalog holds.
func lookupVirtual(rv *pg_query.RangeVar) *virtualTable {
	if rv.Schemaname == "quartz" {
		return quartzViews[rv.Relname]
	}
	if rv.Schemaname == "information_schema" {
		return infoSchemaViews[rv.Relname]
	}
	if rv.Schemaname != "" && rv.Schemaname != "pg_catalog" {
		return nil
	}
	return virtualTables[rv.Relname]
}

func (b *builder) planCreateExtension(ce *pg_query.CreateExtensionStmt) (*plan, error) {
	versions := map[string]string{"vector": "0.8.0", "plpgsql": "1.0"}
	version, known := versions[ce.Extname]
	if !known {
		// PostgreSQL 15's wording, which names the control file it looked for.
		return nil, sql.Errorf(sql.CodeUndefinedFile, "could not open extension control file \"/usr/share/postgresql/15/extension/%s.control\": No such file or directory", ce.Extname)
	}
	return &plan{run: func(x *execCtx) (Cursor, error) {
		existing, err := x.txn.LookupExtension(x.ctx, x.s.db.ID, ce.Extname)
		if err != nil {
			return nil, err
		}
		if existing != nil || ce.Extname == "plpgsql" {
			if ce.IfNotExists {
				x.s.notice("NOTICE", "42710", "extension \"%s\" already exists, skipping", ce.Extname)
				return &listCursor{tag: "CREATE EXTENSION"}, nil
			}
			return nil, sql.Errorf(sql.CodeDuplicateObject, "extension \"%s\" already exists", ce.Extname)
		}
		if _, err := x.txn.CreateExtension(x.ctx, x.s.db.ID, ce.Extname, version); err != nil {
			return nil, err
		}
		return &listCursor{tag: "CREATE EXTENSION"}, nil
	}}, nil
}

func (b *builder) planDropExtension(ds *pg_query.DropStmt) (*plan, error) {
	return &plan{run: func(x *execCtx) (Cursor, error) {
		for _, o := range ds.Objects {
			name := o.GetString_().GetSval()
			existing, err := x.txn.LookupExtension(x.ctx, x.s.db.ID, name)
			if err != nil {
				return nil, err
			}
			if existing == nil {
				if ds.MissingOk {
					x.s.notice("NOTICE", "00000", "extension \"%s\" does not exist, skipping", name)
					continue
				}
				return nil, sql.Errorf(sql.CodeUndefinedObject, "extension \"%s\" does not exist", name)
			}
			if err := x.txn.DropExtension(x.ctx, x.s.db.ID, name); err != nil {
				return nil, err
			}
		}
		return &listCursor{tag: "DROP EXTENSION"}, nil
	}}, nil
}

func init() {
	// pg_database lists every database to the admin, and to a tenant's
	// session only the tenant's own: another tenant's names must not show.
	defineVirtual("pg_database", []colInfo{
		col("oid", typeOid), col("datname", typeName), col("datdba", typeOid), col("encoding", typeInt4),
		col("datlocprovider", typeChar), col("datistemplate", typeBool), col("datallowconn", typeBool),
		col("datconnlimit", typeInt4), col("datfrozenxid", typeInt8), col("datminmxid", typeInt8),
		col("dattablespace", typeOid), col("datcollate", typeText), col("datctype", typeText),
		col("daticulocale", typeText), col("datcollversion", typeText), col("datacl", typeTextArr),
	}, func(x *execCtx) ([][]sql.Datum, error) {
		dbs, err := x.txn.ListDatabases(x.ctx)
		if err != nil {
			return nil, fmt.Errorf("list databases: %w", err)
		}
		var rows [][]sql.Datum
		for _, d := range dbs {
			if x.s.opts.Tenant != "" && d.ID != x.s.db.ID {
				continue
			}
			// Encoding 6 is UTF8; collation C with a UTF-8 ctype, as the
			// reference PostgreSQL cluster is set up.
			rows = append(rows, []sql.Datum{
				int64(d.ID), d.Name, int64(oidBootstrapSuperuser), int64(6), "c", false, true,
				int64(-1), int64(716), int64(1), int64(1663), "C", "C.UTF-8", nil, nil, nil,
			})
		}
		return rows, nil
	})
}
