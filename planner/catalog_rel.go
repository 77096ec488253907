package planner

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// catalog_rel.go serves the pg_catalog relations describing the session's
// database: its schemas, tables, columns, indexes, constraints and the
// sequences behind serial and identity columns. psql's \d family reads
// them, so their rows follow PostgreSQL 15's exactly where the object
// exists here.

// Fixed OIDs of built-in objects these relations show.
const (
	// oidInformationSchemaNamespace varies between PostgreSQL builds
	// (13183 to 13300 in 15.x); nothing depends on the number.
	oidInformationSchemaNamespace = 13183
	oidPgToastNamespace           = 99
	// oidPgDatabaseOwner owns the public schema since PostgreSQL 15.
	oidPgDatabaseOwner  = 6171
	oidCollationDefault = 100

	oidAmHeap   = 2
	oidAmBtree  = 403
	oidAmHash   = 405
	oidAmGist   = 783
	oidAmGin    = 2742
	oidAmSpgist = 4000
	oidAmBrin   = 3580
	// pgvector's access methods and operator classes get whatever OIDs
	// CREATE EXTENSION hands out; QuartzDB pins them just below the
	// synthetic range so they never collide with object IDs.
	oidAmIvfflat = 2147483392
	oidAmHnsw    = 2147483393
	oidOpcVector = 2147483400 // + position in vectorOpclasses
)

// Objects that have no catalog ID of their own here (the sequence behind a
// serial column, a column default, a constraint backed by an index) get a
// synthetic OID: the top bit set, two bits of kind, the owning table's ID
// shifted by 11 and a number under 2048 (a column ID or an index position).
// They stay unique while object IDs stay below 2^18.
const (
	synthSequence   = 0
	synthAttrdef    = 1
	synthConstraint = 2
)

func synthOID(kind int, tableID uint32, n int) int64 {
	return int64(1)<<31 | int64(kind)<<29 | int64(tableID)<<11 | int64(n&2047)
}

// pgCatalogRelOIDs are PostgreSQL's fixed OIDs of the catalog relations,
// which clients compare with classoid ('pg_class'::regclass).
var pgCatalogRelOIDs = map[string]int64{
	"pg_type": 1247, "pg_attribute": 1249, "pg_proc": 1255, "pg_class": 1259,
	"pg_authid": 1260, "pg_database": 1262, "pg_am": 2601, "pg_attrdef": 2604,
	"pg_constraint": 2606, "pg_inherits": 2611, "pg_index": 2610, "pg_description": 2609,
	"pg_namespace": 2615, "pg_opclass": 2616, "pg_extension": 3079, "pg_sequence": 2224,
	"pg_collation": 3456, "pg_policy": 3256, "pg_statistic_ext": 3381,
	"pg_publication": 6104, "pg_publication_rel": 6106, "pg_enum": 3501, "pg_range": 3541,
}

// relObj is one pg_class row of the session's database.
type relObj struct {
	oid     int64
	name    string
	nsp     int64
	nspName string
	kind    string // r, i, S
	table   *storage.TableDesc
	index   *storage.IndexDesc // kind i
	col     *storage.ColumnDesc
}

// relCatalog is the session's database as the relations show it.
type relCatalog struct {
	schemas []*storage.SchemaDesc
	nspName map[int64]string
	rels    []*relObj
	byOID   map[int64]*relObj
	tables  map[uint32]*relObj
}

// loadRelCatalog reads the session's database: only its own schemas and
// tables, so a tenant sees nothing of another tenant's.
func loadRelCatalog(x *execCtx) (*relCatalog, error) {
	schemas, err := x.txn.ListSchemas(x.ctx, x.s.db.ID)
	if err != nil {
		return nil, fmt.Errorf("list schemas: %w", err)
	}
	tables, err := x.txn.ListTables(x.ctx, x.s.db.ID)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	c := &relCatalog{schemas: schemas, nspName: map[int64]string{}, byOID: map[int64]*relObj{}, tables: map[uint32]*relObj{}}
	byID := map[uint32]*storage.SchemaDesc{}
	for _, s := range schemas {
		byID[s.ID] = s
		c.nspName[int64(namespaceOID(s))] = s.Name
	}
	add := func(r *relObj) {
		c.rels = append(c.rels, r)
		c.byOID[r.oid] = r
	}
	for _, t := range tables {
		s := byID[t.SchemaID]
		if s == nil || t.DBID != x.s.db.ID {
			continue
		}
		nsp := int64(namespaceOID(s))
		tr := &relObj{oid: int64(t.ID), name: t.Name, nsp: nsp, nspName: s.Name, kind: "r", table: t}
		add(tr)
		c.tables[t.ID] = tr
		for i := range t.Indexes {
			ix := &t.Indexes[i]
			add(&relObj{oid: int64(ix.ID), name: ix.Name, nsp: nsp, nspName: s.Name, kind: "i", table: t, index: ix})
		}
		for i := range t.Columns {
			col := &t.Columns[i]
			if col.SequenceKey == "" {
				continue
			}
			add(&relObj{oid: synthOID(synthSequence, t.ID, int(col.ID)), name: sequenceName(t, col), nsp: nsp, nspName: s.Name, kind: "S", table: t, col: col})
		}
	}
	sort.Slice(c.rels, func(i, j int) bool { return c.rels[i].oid < c.rels[j].oid })
	return c, nil
}

// visible reports pg_table_is_visible: r's schema is on the search path
// and no earlier schema there has a relation of the same name.
func (c *relCatalog) visible(x *execCtx, r *relObj) bool {
	for _, sn := range x.s.searchPath() {
		if sn == r.nspName {
			return true
		}
		if c.lookup(sn, r.name) != nil {
			return false
		}
	}
	return false
}

// lookup finds relation name in schema nsp.
func (c *relCatalog) lookup(nsp, name string) *relObj {
	for _, r := range c.rels {
		if r.nspName == nsp && r.name == name {
			return r
		}
	}
	return nil
}

// resolve finds a possibly qualified relation name as regclassin does:
// pg_catalog first, then the search path.
func (c *relCatalog) resolve(x *execCtx, schema, name string) *relObj {
	if schema != "" {
		return c.lookup(schema, name)
	}
	for _, sn := range x.s.searchPath() {
		if r := c.lookup(sn, name); r != nil {
			return r
		}
	}
	return nil
}

// qualifiedName is regclassout: the name, qualified when not visible.
func (c *relCatalog) qualifiedName(x *execCtx, r *relObj) string {
	if c.visible(x, r) {
		return sql.QuoteIdent(r.name)
	}
	return sql.QuoteIdent(r.nspName) + "." + sql.QuoteIdent(r.name)
}

// colName returns table t's column id, quoted as PostgreSQL prints it.
func colName(t *storage.TableDesc, id uint32) string {
	if p := t.ColumnIndex(id); p >= 0 {
		return sql.QuoteIdent(t.Columns[p].Name)
	}
	return "?"
}

// indexAm is an index's access method OID and name.
func indexAm(ix *storage.IndexDesc) (int64, string) {
	if ix.IsVector() {
		return oidAmHnsw, "hnsw"
	}
	return oidAmBtree, "btree"
}

// hnswDefaultOptions are pgvector's defaults for hnsw's parameters.
var hnswDefaultOptions = map[string]int64{"m": 16, "ef_construction": 64}

// indexReloptions lists an index's WITH (...) parameters, m and
// ef_construction first, as PostgreSQL keeps them in the order given.
func indexReloptions(ix *storage.IndexDesc) []string {
	var keys []string
	for k, v := range ix.Options {
		// The catalog stores hnsw's defaults too; PostgreSQL lists
		// only the parameters given, which these most likely were not.
		if d, ok := hnswDefaultOptions[k]; ok && ix.IsVector() && v == d {
			continue
		}
		keys = append(keys, k)
	}
	rank := map[string]int{"m": 0, "ef_construction": 1}
	sort.Slice(keys, func(i, j int) bool {
		ri, ok1 := rank[keys[i]]
		rj, ok2 := rank[keys[j]]
		switch {
		case ok1 && ok2:
			return ri < rj
		case ok1 != ok2:
			return ok1
		}
		return keys[i] < keys[j]
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k + "=" + strconv.FormatInt(ix.Options[k], 10)
	}
	return out
}

// typeCollation is a type's typcollation: "default" for the string types.
func typeCollation(t sql.Type) int64 {
	if t.Info().Category == 'S' {
		return oidCollationDefault
	}
	return 0
}

// attStorage is the type's default storage strategy (typstorage):
// pgvector declares its types external.
func attStorage(t sql.Type) string {
	switch t.OID {
	case sql.OIDVector, sql.OIDHalfVec:
		return "e"
	case sql.OIDNumeric:
		return "m"
	}
	if t.Info().Len < 0 {
		return "x"
	}
	return "p"
}

// attAlign is the type's alignment (typalign).
func attAlign(t sql.Type) string {
	switch l := t.Info().Len; {
	case l == 1 || t.OID == sql.OIDName:
		return "c"
	case l == 2:
		return "s"
	case l == 8 || t.OID == sql.OIDVector || t.Info().Category == 'A':
		return "d"
	}
	return "i"
}

// opclassOf is the OID of an index column's operator class.
func opclassOf(ix *storage.IndexDesc, i int, t sql.Type) int64 {
	if i < len(ix.OpClasses) && ix.OpClasses[i] != "" {
		for j, o := range vectorOpclasses {
			if o.name == ix.OpClasses[i] {
				return oidOpcVector + int64(j)
			}
		}
	}
	for _, o := range btreeOpclasses {
		if o.typ == t.OID {
			return o.oid
		}
	}
	return 0
}

// btreeOpclasses are PostgreSQL's default btree operator classes.
var btreeOpclasses = []struct {
	oid    int64
	name   string
	family int64
	typ    uint32
}{
	{424, "bool_ops", 424, sql.OIDBool}, {428, "bytea_ops", 428, sql.OIDBytea}, {429, "char_ops", 429, sql.OIDChar},
	{1986, "name_ops", 1986, sql.OIDName}, {3124, "int8_ops", 1976, sql.OIDInt8}, {1979, "int2_ops", 1976, sql.OIDInt2},
	{1978, "int4_ops", 1976, sql.OIDInt4}, {3126, "text_ops", 1994, sql.OIDText}, {1981, "oid_ops", 1989, sql.OIDOid},
	{1970, "float4_ops", 1970, sql.OIDFloat4}, {3123, "float8_ops", 1970, sql.OIDFloat8}, {426, "bpchar_ops", 426, sql.OIDBpchar},
	{3122, "date_ops", 434, sql.OIDDate}, {1991, "time_ops", 1996, sql.OIDTime}, {3128, "timestamp_ops", 434, sql.OIDTimestamp},
	{3127, "timestamptz_ops", 434, sql.OIDTimestampTZ}, {3129, "interval_ops", 1982, sql.OIDInterval},
	{3125, "numeric_ops", 1988, sql.OIDNumeric}, {2968, "uuid_ops", 2968, sql.OIDUUID}, {4033, "jsonb_ops", 4033, sql.OIDJSONB},
	{2000, "varchar_ops", 1994, sql.OIDVarchar},
}

// vectorOpclasses are pgvector's operator classes for hnsw.
var vectorOpclasses = []struct {
	name string
	typ  uint32
}{
	{"vector_l2_ops", sql.OIDVector}, {"vector_ip_ops", sql.OIDVector}, {"vector_cosine_ops", sql.OIDVector},
	{"vector_l1_ops", sql.OIDVector}, {"halfvec_l2_ops", sql.OIDHalfVec}, {"halfvec_ip_ops", sql.OIDHalfVec},
	{"halfvec_cosine_ops", sql.OIDHalfVec}, {"halfvec_l1_ops", sql.OIDHalfVec},
}

// seqRange is a sequence's data type and bounds, from its column's type.
func seqRange(t sql.Type) (uint32, int64) {
	switch t.OID {
	case sql.OIDInt2:
		return sql.OIDInt2, 32767
	case sql.OIDInt8:
		return sql.OIDInt8, 9223372036854775807
	}
	return sql.OIDInt4, 2147483647
}

// relRows adapts a relation's row function that needs the catalog.
func relRows(fn func(x *execCtx, c *relCatalog) ([][]sql.Datum, error)) func(x *execCtx) ([][]sql.Datum, error) {
	return func(x *execCtx) ([][]sql.Datum, error) {
		c, err := loadRelCatalog(x)
		if err != nil {
			return nil, err
		}
		return fn(x, c)
	}
}

func emptyRows(*execCtx) ([][]sql.Datum, error) { return nil, nil }

var (
	relTypeInt8      = sql.TypeInt8
	relTypeFloat4    = sql.TypeFloat4
	relTypeTextArr   = sql.Type{OID: sql.OIDTextArray, Typmod: -1}
	relTypeInt2Arr   = sql.Type{OID: sql.OIDInt2Array, Typmod: -1}
	relTypeInt2Vec   = sql.Type{OID: sql.OIDInt2Vector, Typmod: -1}
	relTypeOidVec    = sql.Type{OID: sql.OIDOidVector, Typmod: -1}
	relTypeRegproc   = sql.Type{OID: sql.OIDRegproc, Typmod: -1}
	relTypeRegtype   = sql.Type{OID: sql.OIDRegtype, Typmod: -1}
	relTypeRegclass  = sql.Type{OID: sql.OIDRegclass, Typmod: -1}
	relTypeTimestamp = sql.TypeTimestampTZ
	// relTypeNodeTree stands for pg_node_tree, which QuartzDB keeps as text.
	relTypeNodeTree = sql.TypeText
)

func int2Vector(vals []int64) *sql.Array {
	a := &sql.Array{ElemOID: sql.OIDInt2}
	for _, v := range vals {
		a.Elems = append(a.Elems, v)
	}
	return a
}

func oidVector(vals []int64) *sql.Array {
	a := &sql.Array{ElemOID: sql.OIDOid}
	for _, v := range vals {
		a.Elems = append(a.Elems, v)
	}
	return a
}

func textArray(vals []string) sql.Datum {
	if len(vals) == 0 {
		return nil
	}
	a := &sql.Array{ElemOID: sql.OIDText}
	for _, v := range vals {
		a.Elems = append(a.Elems, v)
	}
	return a
}

// indexKey is an index's indkey: its columns' attnums.
func indexKey(t *storage.TableDesc, ix *storage.IndexDesc) []int64 {
	var out []int64
	for _, id := range ix.ColumnIDs {
		out = append(out, int64(t.ColumnIndex(id)+1))
	}
	return out
}

// isConstraintIndex reports whether an index backs a PRIMARY KEY or
// UNIQUE constraint rather than coming from CREATE [UNIQUE] INDEX: only
// those have a pg_constraint row (and psql's "UNIQUE CONSTRAINT").
func isConstraintIndex(ix *storage.IndexDesc) bool { return ix.IsConstraint() }

func init() {
	defineVirtual("pg_namespace", []colInfo{
		col("oid", typeOid), col("nspname", typeName), col("nspowner", typeOid), col("nspacl", relTypeTextArr),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		rows := [][]sql.Datum{
			{int64(oidPgToastNamespace), "pg_toast", int64(oidBootstrapSuperuser), nil},
			{int64(oidPgCatalogNamespace), "pg_catalog", int64(oidBootstrapSuperuser), nil},
			{int64(oidInformationSchemaNamespace), "information_schema", int64(oidBootstrapSuperuser), nil},
		}
		for _, s := range c.schemas {
			owner := int64(oidBootstrapSuperuser)
			if s.Name == "public" {
				owner = oidPgDatabaseOwner
			}
			rows = append(rows, []sql.Datum{int64(namespaceOID(s)), s.Name, owner, nil})
		}
		return rows, nil
	}))

	defineVirtual("pg_class", []colInfo{
		col("oid", typeOid), col("relname", typeName), col("relnamespace", typeOid), col("reltype", typeOid),
		col("reloftype", typeOid), col("relowner", typeOid), col("relam", typeOid), col("relfilenode", typeOid),
		col("reltablespace", typeOid), col("relpages", typeInt4), col("reltuples", relTypeFloat4), col("relallvisible", typeInt4),
		col("reltoastrelid", typeOid), col("relhasindex", typeBool), col("relisshared", typeBool), col("relpersistence", typeChar),
		col("relkind", typeChar), col("relnatts", typeInt2), col("relchecks", typeInt2), col("relhasrules", typeBool),
		col("relhastriggers", typeBool), col("relhassubclass", typeBool), col("relrowsecurity", typeBool), col("relforcerowsecurity", typeBool),
		col("relispopulated", typeBool), col("relreplident", typeChar), col("relispartition", typeBool), col("relrewrite", typeOid),
		col("relfrozenxid", typeText), col("relminmxid", typeText), col("relacl", relTypeTextArr), col("reloptions", relTypeTextArr),
		col("relpartbound", relTypeNodeTree),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, r := range c.rels {
			var am, natts int64
			var hasIndex bool
			var opts sql.Datum
			replident := "n"
			switch r.kind {
			case "r":
				am, natts, hasIndex, replident = oidAmHeap, int64(len(r.table.Columns)), len(r.table.Indexes) > 0, "d"
			case "i":
				am, _ = indexAm(r.index)
				natts = int64(len(r.index.ColumnIDs))
				opts = textArray(indexReloptions(r.index))
			case "S":
				natts = 3
			}
			rows = append(rows, []sql.Datum{
				r.oid, r.name, r.nsp, int64(0),
				int64(0), int64(oidBootstrapSuperuser), am, r.oid,
				int64(0), int64(0), float64(-1), int64(0),
				int64(0), hasIndex, false, "p",
				r.kind, natts, int64(0), false,
				false, false, false, false,
				true, replident, false, int64(0),
				"0", "1", nil, opts,
				nil,
			})
		}
		return rows, nil
	}))

	defineVirtual("pg_attribute", []colInfo{
		col("attrelid", typeOid), col("attname", typeName), col("atttypid", typeOid), col("attstattarget", typeInt4),
		col("attlen", typeInt2), col("attnum", typeInt2), col("attndims", typeInt4), col("attcacheoff", typeInt4),
		col("atttypmod", typeInt4), col("attbyval", typeBool), col("attalign", typeChar), col("attstorage", typeChar),
		col("attcompression", typeChar), col("attnotnull", typeBool), col("atthasdef", typeBool), col("atthasmissing", typeBool),
		col("attidentity", typeChar), col("attgenerated", typeChar), col("attisdropped", typeBool), col("attislocal", typeBool),
		col("attinhcount", typeInt4), col("attcollation", typeOid), col("attacl", relTypeTextArr), col("attoptions", relTypeTextArr),
		col("attfdwoptions", relTypeTextArr), col("attmissingval", relTypeTextArr),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		add := func(rel int64, num int, name string, t sql.Type, notNull, hasDef bool, identity string, islocal bool) {
			ti := t.Info()
			ndims := int64(0)
			if ti.Category == 'A' && ti.ElemOID != 0 {
				ndims = 1
			}
			rows = append(rows, []sql.Datum{
				rel, name, int64(t.OID), int64(-1),
				int64(ti.Len), int64(num), ndims, int64(-1),
				int64(t.Typmod), ti.Len > 0 && ti.Len <= 8, attAlign(t), attStorage(t),
				"", notNull, hasDef, false,
				identity, "", false, islocal,
				int64(0), typeCollation(t), nil, nil,
				nil, nil,
			})
		}
		for _, r := range c.rels {
			switch r.kind {
			case "r":
				for i, col := range r.table.Columns {
					identity := ""
					if col.Identity != 0 {
						identity = string(rune(col.Identity))
					}
					add(r.oid, i+1, col.Name, col.Type, col.NotNull, col.Default != "" && col.Identity == 0, identity, true)
				}
			case "i":
				for i, id := range r.index.ColumnIDs {
					p := r.table.ColumnIndex(id)
					if p < 0 {
						continue
					}
					col := r.table.Columns[p]
					add(r.oid, i+1, col.Name, col.Type, false, false, "", true)
				}
			case "S":
				add(r.oid, 1, "last_value", sql.TypeInt8, true, false, "", true)
				add(r.oid, 2, "log_cnt", sql.TypeInt8, true, false, "", true)
				add(r.oid, 3, "is_called", sql.TypeBool, true, false, "", true)
			}
		}
		return rows, nil
	}))

	defineVirtual("pg_attrdef", []colInfo{
		col("oid", typeOid), col("adrelid", typeOid), col("adnum", typeInt2), col("adbin", relTypeNodeTree),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, r := range c.rels {
			if r.kind != "r" {
				continue
			}
			for i, col := range r.table.Columns {
				if col.Default == "" || col.Identity != 0 {
					continue
				}
				def := displayDefault(col.Default, col.Type)
				if def == nil {
					continue
				}
				rows = append(rows, []sql.Datum{synthOID(synthAttrdef, r.table.ID, int(col.ID)), r.oid, int64(i + 1), def})
			}
		}
		return rows, nil
	}))

	defineVirtual("pg_index", []colInfo{
		col("indexrelid", typeOid), col("indrelid", typeOid), col("indnatts", typeInt2), col("indnkeyatts", typeInt2),
		col("indisunique", typeBool), col("indnullsnotdistinct", typeBool), col("indisprimary", typeBool), col("indisexclusion", typeBool),
		col("indimmediate", typeBool), col("indisclustered", typeBool), col("indisvalid", typeBool), col("indcheckxmin", typeBool),
		col("indisready", typeBool), col("indislive", typeBool), col("indisreplident", typeBool), col("indkey", relTypeInt2Vec),
		col("indcollation", relTypeOidVec), col("indclass", relTypeOidVec), col("indoption", relTypeInt2Vec), col("indexprs", relTypeNodeTree),
		col("indpred", relTypeNodeTree),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, r := range c.rels {
			if r.kind != "i" {
				continue
			}
			ix := r.index
			var colls, classes, options []int64
			for i, id := range ix.ColumnIDs {
				t := sql.TypeInt4
				if p := r.table.ColumnIndex(id); p >= 0 {
					t = r.table.Columns[p].Type
				}
				colls = append(colls, typeCollation(t))
				classes = append(classes, opclassOf(ix, i, t))
				options = append(options, 0)
			}
			n := int64(len(ix.ColumnIDs))
			rows = append(rows, []sql.Datum{
				r.oid, int64(r.table.ID), n, n,
				ix.Unique || ix.Primary, false, ix.Primary, false,
				true, false, true, false,
				true, true, false, int2Vector(indexKey(r.table, ix)),
				oidVector(colls), oidVector(classes), int2Vector(options), nil,
				nil,
			})
		}
		return rows, nil
	}))

	defineVirtual("pg_constraint", []colInfo{
		col("oid", typeOid), col("conname", typeName), col("connamespace", typeOid), col("contype", typeChar),
		col("condeferrable", typeBool), col("condeferred", typeBool), col("convalidated", typeBool), col("conrelid", typeOid),
		col("contypid", typeOid), col("conindid", typeOid), col("conparentid", typeOid), col("confrelid", typeOid),
		col("confupdtype", typeChar), col("confdeltype", typeChar), col("confmatchtype", typeChar), col("conislocal", typeBool),
		col("coninhcount", typeInt4), col("connoinherit", typeBool), col("conkey", relTypeInt2Arr), col("confkey", relTypeInt2Arr),
		col("conpfeqop", typeOidArr), col("conppeqop", typeOidArr), col("conffeqop", typeOidArr), col("confdelsetcols", relTypeInt2Arr),
		col("conexclop", typeOidArr), col("conbin", relTypeNodeTree),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, k := range c.constraints() {
			key := &sql.Array{ElemOID: sql.OIDInt2}
			for _, v := range indexKey(k.table.table, k.index) {
				key.Elems = append(key.Elems, v)
			}
			rows = append(rows, []sql.Datum{
				k.oid, k.index.Name, k.table.nsp, k.contype,
				false, false, true, k.table.oid,
				int64(0), int64(k.index.ID), int64(0), int64(0),
				" ", " ", " ", true,
				int64(0), true, key, nil,
				nil, nil, nil, nil,
				nil, nil,
			})
		}
		return rows, nil
	}))

	defineVirtual("pg_am", []colInfo{
		col("oid", typeOid), col("amname", typeName), col("amhandler", relTypeRegproc), col("amtype", typeChar),
	}, func(x *execCtx) ([][]sql.Datum, error) {
		return [][]sql.Datum{
			{int64(oidAmHeap), "heap", int64(3), "t"},
			{int64(oidAmBtree), "btree", int64(330), "i"},
			{int64(oidAmHash), "hash", int64(331), "i"},
			{int64(oidAmGist), "gist", int64(332), "i"},
			{int64(oidAmGin), "gin", int64(333), "i"},
			{int64(oidAmSpgist), "spgist", int64(334), "i"},
			{int64(oidAmBrin), "brin", int64(335), "i"},
			{int64(oidAmIvfflat), "ivfflat", int64(0), "i"},
			{int64(oidAmHnsw), "hnsw", int64(0), "i"},
		}, nil
	})

	defineVirtual("pg_opclass", []colInfo{
		col("oid", typeOid), col("opcmethod", typeOid), col("opcname", typeName), col("opcnamespace", typeOid),
		col("opcowner", typeOid), col("opcfamily", typeOid), col("opcintype", typeOid), col("opcdefault", typeBool),
		col("opckeytype", typeOid),
	}, func(x *execCtx) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, o := range btreeOpclasses {
			intype := int64(o.typ)
			if o.typ == sql.OIDVarchar {
				intype = int64(sql.OIDText) // varchar_ops is text_ops' non-default alias
			}
			rows = append(rows, []sql.Datum{o.oid, int64(oidAmBtree), o.name, int64(oidPgCatalogNamespace),
				int64(oidBootstrapSuperuser), o.family, intype, o.typ != sql.OIDVarchar, int64(0)})
		}
		for i, o := range vectorOpclasses {
			rows = append(rows, []sql.Datum{oidOpcVector + int64(i), int64(oidAmHnsw), o.name, int64(oidPublicNamespace),
				int64(oidBootstrapSuperuser), oidOpcVector + int64(i), int64(o.typ), false, int64(0)})
		}
		return rows, nil
	})

	// Relations of features QuartzDB does not have: they exist so that
	// the clients' queries run, and are empty.
	defineVirtual("pg_inherits", []colInfo{
		col("inhrelid", typeOid), col("inhparent", typeOid), col("inhseqno", typeInt4), col("inhdetachpending", typeBool),
	}, emptyRows)
	defineVirtual("pg_policy", []colInfo{
		col("oid", typeOid), col("polname", typeName), col("polrelid", typeOid), col("polcmd", typeChar),
		col("polpermissive", typeBool), col("polroles", typeOidArr), col("polqual", relTypeNodeTree), col("polwithcheck", relTypeNodeTree),
	}, emptyRows)
	defineVirtual("pg_statistic_ext", []colInfo{
		col("oid", typeOid), col("stxrelid", typeOid), col("stxname", typeName), col("stxnamespace", typeOid),
		col("stxowner", typeOid), col("stxstattarget", typeInt4), col("stxkeys", relTypeInt2Vec), col("stxkind", relTypeTextArr),
		col("stxexprs", relTypeNodeTree),
	}, emptyRows)
	defineVirtual("pg_publication", []colInfo{
		col("oid", typeOid), col("pubname", typeName), col("pubowner", typeOid), col("puballtables", typeBool),
		col("pubinsert", typeBool), col("pubupdate", typeBool), col("pubdelete", typeBool), col("pubtruncate", typeBool),
		col("pubviaroot", typeBool),
	}, emptyRows)
	defineVirtual("pg_publication_rel", []colInfo{
		col("oid", typeOid), col("prpubid", typeOid), col("prrelid", typeOid), col("prqual", relTypeNodeTree), col("prattrs", relTypeInt2Vec),
	}, emptyRows)
	defineVirtual("pg_publication_namespace", []colInfo{
		col("oid", typeOid), col("pnpubid", typeOid), col("pnnspid", typeOid),
	}, emptyRows)
	defineVirtual("pg_description", []colInfo{
		col("objoid", typeOid), col("classoid", typeOid), col("objsubid", typeInt4), col("description", typeText),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		ds, err := descriptions(x, c)
		if err != nil {
			return nil, err
		}
		rows := make([][]sql.Datum, len(ds))
		for i, d := range ds {
			rows[i] = []sql.Datum{d.objoid, d.classoid, int64(0), d.text}
		}
		return rows, nil
	}))
	// pg_depend holds the dependencies clients follow: a serial column's
	// sequence is owned by the column ('a', auto) and an identity column's
	// sequence is part of it ('i', internal), as DBeaver reads to tell
	// identity columns apart.
	defineVirtual("pg_depend", []colInfo{
		col("classid", typeOid), col("objid", typeOid), col("objsubid", typeInt4), col("refclassid", typeOid),
		col("refobjid", typeOid), col("refobjsubid", typeInt4), col("deptype", typeChar),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		pgClass := pgCatalogRelOIDs["pg_class"]
		for _, r := range c.rels {
			if r.kind != "S" || r.col == nil {
				continue
			}
			p := r.table.ColumnIndex(r.col.ID)
			if p < 0 {
				continue
			}
			deptype := "a"
			if r.col.Identity != 0 {
				deptype = "i"
			}
			rows = append(rows, []sql.Datum{pgClass, r.oid, int64(0), pgClass, int64(r.table.ID), int64(p + 1), deptype})
		}
		return rows, nil
	}))
	defineVirtual("pg_views", []colInfo{
		col("schemaname", typeName), col("viewname", typeName), col("viewowner", typeName), col("definition", typeText),
	}, emptyRows)
	defineVirtual("pg_matviews", []colInfo{
		col("schemaname", typeName), col("matviewname", typeName), col("matviewowner", typeName), col("tablespace", typeName),
		col("hasindexes", typeBool), col("ispopulated", typeBool), col("definition", typeText),
	}, emptyRows)

	defineVirtual("pg_tables", []colInfo{
		col("schemaname", typeName), col("tablename", typeName), col("tableowner", typeName), col("tablespace", typeName),
		col("hasindexes", typeBool), col("hasrules", typeBool), col("hastriggers", typeBool), col("rowsecurity", typeBool),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, r := range c.rels {
			if r.kind == "r" {
				rows = append(rows, []sql.Datum{r.nspName, r.name, x.s.opts.User, nil, len(r.table.Indexes) > 0, false, false, false})
			}
		}
		return rows, nil
	}))

	defineVirtual("pg_indexes", []colInfo{
		col("schemaname", typeName), col("tablename", typeName), col("indexname", typeName), col("tablespace", typeName),
		col("indexdef", typeText),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, r := range c.rels {
			if r.kind == "i" {
				rows = append(rows, []sql.Datum{r.nspName, r.table.Name, r.name, nil, c.indexDef(r, 0)})
			}
		}
		return rows, nil
	}))

	defineVirtual("pg_sequence", []colInfo{
		col("seqrelid", typeOid), col("seqtypid", typeOid), col("seqstart", relTypeInt8), col("seqincrement", relTypeInt8),
		col("seqmax", relTypeInt8), col("seqmin", relTypeInt8), col("seqcache", relTypeInt8), col("seqcycle", typeBool),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, r := range c.rels {
			if r.kind == "S" {
				typ, max := seqRange(r.col.Type)
				rows = append(rows, []sql.Datum{r.oid, int64(typ), int64(1), int64(1), max, int64(1), int64(1), false})
			}
		}
		return rows, nil
	}))

	defineVirtual("pg_sequences", []colInfo{
		col("schemaname", typeName), col("sequencename", typeName), col("sequenceowner", typeName), col("data_type", relTypeRegtype),
		col("start_value", relTypeInt8), col("min_value", relTypeInt8), col("max_value", relTypeInt8), col("increment_by", relTypeInt8),
		col("cycle", typeBool), col("cache_size", relTypeInt8), col("last_value", relTypeInt8),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, r := range c.rels {
			if r.kind == "S" {
				typ, max := seqRange(r.col.Type)
				// last_value would need a read of the sequence that
				// does not draw from it; NULL is "never used".
				rows = append(rows, []sql.Datum{r.nspName, r.name, x.s.opts.User, int64(typ),
					int64(1), int64(1), max, int64(1), false, int64(1), nil})
			}
		}
		return rows, nil
	}))

	defineVirtual("pg_stat_user_tables", []colInfo{
		col("relid", typeOid), col("schemaname", typeName), col("relname", typeName), col("seq_scan", relTypeInt8),
		col("seq_tup_read", relTypeInt8), col("idx_scan", relTypeInt8), col("idx_tup_fetch", relTypeInt8), col("n_tup_ins", relTypeInt8),
		col("n_tup_upd", relTypeInt8), col("n_tup_del", relTypeInt8), col("n_tup_hot_upd", relTypeInt8), col("n_live_tup", relTypeInt8),
		col("n_dead_tup", relTypeInt8), col("n_mod_since_analyze", relTypeInt8), col("n_ins_since_vacuum", relTypeInt8),
		col("last_vacuum", relTypeTimestamp), col("last_autovacuum", relTypeTimestamp), col("last_analyze", relTypeTimestamp),
		col("last_autoanalyze", relTypeTimestamp), col("vacuum_count", relTypeInt8), col("autovacuum_count", relTypeInt8),
		col("analyze_count", relTypeInt8), col("autoanalyze_count", relTypeInt8),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		return tableStatRows(c, func(r *relObj, idx sql.Datum) []sql.Datum {
			z := int64(0)
			return []sql.Datum{r.oid, r.nspName, r.name, z, z, idx, idx, z, z, z, z, z, z, z, z,
				nil, nil, nil, nil, z, z, z, z}
		}), nil
	}))

	defineVirtual("pg_stat_progress_create_index", []colInfo{
		col("pid", typeInt4), col("datid", typeOid), col("datname", typeName), col("relid", typeOid),
		col("index_relid", typeOid), col("command", typeText), col("phase", typeText), col("lockers_total", relTypeInt8),
		col("lockers_done", relTypeInt8), col("current_locker_pid", relTypeInt8), col("blocks_total", relTypeInt8), col("blocks_done", relTypeInt8),
		col("tuples_total", relTypeInt8), col("tuples_done", relTypeInt8), col("partitions_total", relTypeInt8), col("partitions_done", relTypeInt8),
	}, relRows(func(x *execCtx, c *relCatalog) ([][]sql.Datum, error) {
		var rows [][]sql.Datum
		for _, b := range x.s.eng.vec.runningBuilds() {
			if _, mine := c.tables[b.tableID]; !mine {
				continue
			}
			z := int64(0)
			rows = append(rows, []sql.Datum{int64(0), int64(x.s.db.ID), x.s.db.Name, int64(b.tableID),
				int64(b.indexID), "CREATE INDEX", "building index", z, z, z, z, z, b.total, b.done, z, z})
		}
		return rows, nil
	}))
}

// relConstraint is a pg_constraint row: a primary key or unique
// constraint and the index behind it.
type relConstraint struct {
	oid     int64
	contype string
	table   *relObj
	index   *storage.IndexDesc
}

func (c *relCatalog) constraints() []relConstraint {
	var out []relConstraint
	for _, r := range c.rels {
		if r.kind != "r" {
			continue
		}
		for i := range r.table.Indexes {
			ix := &r.table.Indexes[i]
			if !isConstraintIndex(ix) {
				continue
			}
			k := relConstraint{oid: synthOID(synthConstraint, r.table.ID, i), contype: "u", table: r, index: ix}
			if ix.Primary {
				k.contype = "p"
			}
			out = append(out, k)
		}
	}
	return out
}

// indexBuild is an HNSW build in progress.
type indexBuild struct {
	tableID, indexID uint32
	total, done      int64
}

// runningBuilds lists the CREATE INDEX / REINDEX builds under way.
func (vi *vectorIndexes) runningBuilds() []indexBuild {
	vi.mu.Lock()
	defer vi.mu.Unlock()
	var out []indexBuild
	for _, h := range vi.byKey {
		if total := h.buildTotal.Load(); total > 0 {
			out = append(out, indexBuild{tableID: h.tableID, indexID: h.indexID, total: total, done: h.buildDone.Load()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].indexID < out[j].indexID })
	return out
}
