package storage

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/quartzdb/quartzdb/sql"
)

// FirstObjectID is the first ID handed to user objects, PostgreSQL's
// FirstNormalObjectId: IDs double as pg_class/pg_namespace/pg_database OIDs,
// so they must not collide with the built-in catalog's OIDs.
const FirstObjectID = 16384

// SequenceAuto in ColumnDesc.SequenceKey asks CreateTable/UpdateTable to
// create the column's own sequence (serial, identity) and fill in its key.
const SequenceAuto = "auto"

// DatabaseDesc describes a database.
type DatabaseDesc struct {
	ID   uint32
	Name string
}

// SchemaDesc describes a schema (namespace) of a database.
type SchemaDesc struct {
	ID   uint32
	DBID uint32
	Name string
}

// TableDesc describes a table. Its ID is also its pg_class OID.
type TableDesc struct {
	ID       uint32
	DBID     uint32
	SchemaID uint32
	Name     string
	// Columns are in attnum order; dropped columns are removed.
	Columns []ColumnDesc
	// PrimaryKey lists column IDs; empty means a hidden int64 row id, which
	// rows returned by storage carry as one extra trailing value.
	PrimaryKey []uint32
	// Indexes are the unique constraints storage enforces; the primary key
	// appears here too with Primary set (CreateTable adds it if absent).
	Indexes      []IndexDesc
	NextColumnID uint32
}

// ColumnDesc describes one column.
type ColumnDesc struct {
	ID      uint32
	Name    string
	Type    sql.Type
	NotNull bool
	// Default is the default expression as SQL text ("" for none); the
	// planner parses and evaluates it.
	Default string
	// Identity is 0, 'a' (GENERATED ALWAYS) or 'd' (BY DEFAULT).
	Identity byte
	// SequenceKey names the sequence serial and identity columns draw from
	// ("" for none, SequenceAuto to have one created).
	SequenceKey string
	// Missing is the value rows stored before the column existed read as
	// (PostgreSQL's attmissingval); nil is NULL.
	Missing sql.Datum
}

// IndexDesc describes an index: the primary key, a unique index, a plain
// btree index, or a vector index (Method "hnsw") that storage records but
// whose graph the planner keeps (storage writes no entries for it).
type IndexDesc struct {
	ID        uint32
	Name      string
	ColumnIDs []uint32
	Unique    bool
	Primary   bool
	// Constraint marks the index of a PRIMARY KEY or UNIQUE constraint
	// (CREATE TABLE, ALTER TABLE ADD CONSTRAINT), as opposed to one made by
	// CREATE UNIQUE INDEX: the catalog shows a pg_constraint row only for
	// these, and DROP INDEX refuses them. Primary keys stored before the
	// field existed count as constraints (see IsConstraint).
	Constraint bool `json:",omitempty"`
	// Method is the access method: "" or "btree", or "hnsw".
	Method string `json:",omitempty"`
	// OpClasses names each column's operator class ("vector_l2_ops"), empty
	// for the type's default.
	OpClasses []string `json:",omitempty"`
	// Options are the WITH (...) storage parameters, e.g. m and
	// ef_construction for hnsw.
	Options map[string]int64 `json:",omitempty"`
}

// IsVector reports whether ix is a vector index maintained outside storage.
func (ix *IndexDesc) IsVector() bool { return ix.Method == "hnsw" }

// IsConstraint reports whether ix backs a PRIMARY KEY or UNIQUE constraint.
func (ix *IndexDesc) IsConstraint() bool {
	return ix.Primary || ix.Constraint && ix.Unique && !ix.IsVector()
}

// HasHiddenRowID reports whether the table has no primary key, so its rows
// carry a trailing hidden row id.
func (t *TableDesc) HasHiddenRowID() bool { return len(t.PrimaryKey) == 0 }

// ColumnIndex returns the position in Columns of column id, or -1.
func (t *TableDesc) ColumnIndex(id uint32) int {
	for i := range t.Columns {
		if t.Columns[i].ID == id {
			return i
		}
	}
	return -1
}

// ColumnByName returns the position in Columns of the named column, or -1.
func (t *TableDesc) ColumnByName(name string) int {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return i
		}
	}
	return -1
}

// PrimaryIndex returns the primary key's IndexDesc, or nil.
func (t *TableDesc) PrimaryIndex() *IndexDesc {
	for i := range t.Indexes {
		if t.Indexes[i].Primary {
			return &t.Indexes[i]
		}
	}
	return nil
}

// Clone returns a deep copy, for callers that edit a descriptor for ALTER.
func (t *TableDesc) Clone() *TableDesc {
	c := *t
	c.Columns = append([]ColumnDesc(nil), t.Columns...)
	c.PrimaryKey = append([]uint32(nil), t.PrimaryKey...)
	c.Indexes = make([]IndexDesc, len(t.Indexes))
	for i, ix := range t.Indexes {
		ix.ColumnIDs = append([]uint32(nil), ix.ColumnIDs...)
		c.Indexes[i] = ix
	}
	return &c
}

// Catalog keys.
func dbDescKey(id uint32) []byte        { return appendU32([]byte("/sys/d/"), id) }
func dbNameKey(name string) []byte      { return appendEscaped([]byte("/sys/dn/"), name) }
func schemaDescKey(id uint32) []byte    { return appendU32([]byte("/sys/s/"), id) }
func schemaNamePrefix(db uint32) []byte { return append(appendU32([]byte("/sys/sn/"), db), '/') }
func schemaNameKey(db uint32, name string) []byte {
	return appendEscaped(schemaNamePrefix(db), name)
}
func tableDescKey(id uint32) []byte { return appendU32([]byte("/sys/t/"), id) }
func tableNameDBPrefix(db uint32) []byte {
	return append(appendU32([]byte("/sys/tn/"), db), '/')
}
func tableNamePrefix(db, schema uint32) []byte {
	return append(appendU32(tableNameDBPrefix(db), schema), '/')
}
func tableNameKey(db, schema uint32, name string) []byte {
	return appendEscaped(tableNamePrefix(db, schema), name)
}

// SerialSequenceKey is the key of the sequence owned by a column.
func SerialSequenceKey(tableID, colID uint32) string {
	return fmt.Sprintf("t%d.c%d", tableID, colID)
}

// rowIDSequenceKey is the sequence of a table's hidden row ids.
func rowIDSequenceKey(tableID uint32) string { return fmt.Sprintf("t%d.rowid", tableID) }

// allocID hands out a new object ID; IDs are never reused.
func (db *DB) allocID(ctx context.Context) (uint32, error) {
	v, err := db.NextVal(ctx, "sys.oid")
	if err != nil {
		return 0, fmt.Errorf("allocate object id: %w", err)
	}
	return uint32(v) + FirstObjectID - 1, nil
}

func u32Value(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func readU32(b []byte) (uint32, error) {
	if len(b) != 4 {
		return 0, errCorruptValue
	}
	return binary.BigEndian.Uint32(b), nil
}

// putJSON writes a descriptor and marks the transaction as DDL.
func (t *Txn) putJSON(ctx context.Context, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode descriptor: %w", err)
	}
	t.ddl = true
	return t.Put(ctx, key, b)
}

// getDesc reads the JSON descriptor stored at key, or nil when there is none.
func getDesc[T any](ctx context.Context, t *Txn, key []byte) (*T, error) {
	b, ok, err := t.Get(ctx, key)
	if err != nil || !ok {
		return nil, err
	}
	var d T
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("decode descriptor: %w", err)
	}
	return &d, nil
}

// lookupByName reads the object ID stored under name key nk and returns
// that object as byID finds it, or nil when the name is not taken.
func lookupByName[T any](ctx context.Context, t *Txn, nk []byte, byID func(context.Context, uint32) (*T, error)) (*T, error) {
	v, ok, err := t.Get(ctx, nk)
	if err != nil || !ok {
		return nil, err
	}
	id, err := readU32(v)
	if err != nil {
		return nil, err
	}
	return byID(ctx, id)
}

// listByName returns, in key order, the objects whose IDs are stored under
// the name prefix, as byID finds them (skipping any it does not find).
func listByName[T any](ctx context.Context, t *Txn, prefix []byte, byID func(context.Context, uint32) (*T, error)) ([]*T, error) {
	ids, err := t.scanIDs(ctx, prefix)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(ids))
	for _, id := range ids {
		d, err := byID(ctx, id)
		if err != nil {
			return nil, err
		}
		if d != nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// claimName locks a name key and checks the latest committed state (not the
// snapshot), so two transactions creating the same name cannot both win; it
// returns taken when the name already belongs to an object.
func (t *Txn) claimName(ctx context.Context, key []byte, taken error) error {
	if err := t.Lock(ctx, key); err != nil {
		return err
	}
	_, exists, err := t.getLatest(key)
	if err != nil {
		return err
	}
	if exists {
		return taken
	}
	return nil
}

// newObjectID claims name key nk for a new object (failing with taken when
// it is in use) and allocates the object's ID.
func (t *Txn) newObjectID(ctx context.Context, nk []byte, taken error) (uint32, error) {
	if err := t.check(); err != nil {
		return 0, err
	}
	if err := t.claimName(ctx, nk, taken); err != nil {
		return 0, err
	}
	return t.db.allocID(ctx)
}

// CreateDatabase creates a database with its public schema.
func (t *Txn) CreateDatabase(ctx context.Context, name string) (*DatabaseDesc, error) {
	id, err := t.newObjectID(ctx, dbNameKey(name), sql.Errorf(sql.CodeDuplicateDatabase, "database \"%s\" already exists", name))
	if err != nil {
		return nil, err
	}
	d := &DatabaseDesc{ID: id, Name: name}
	if err := t.putJSON(ctx, dbDescKey(id), d); err != nil {
		return nil, err
	}
	if err := t.Put(ctx, dbNameKey(name), u32Value(id)); err != nil {
		return nil, err
	}
	if _, err := t.CreateSchema(ctx, id, "public"); err != nil {
		return nil, err
	}
	return d, nil
}

// LookupDatabase returns the named database, or nil when there is none.
func (t *Txn) LookupDatabase(ctx context.Context, name string) (*DatabaseDesc, error) {
	return lookupByName(ctx, t, dbNameKey(name), t.DatabaseByID)
}

// DatabaseByID returns database id, or nil.
func (t *Txn) DatabaseByID(ctx context.Context, id uint32) (*DatabaseDesc, error) {
	return getDesc[DatabaseDesc](ctx, t, dbDescKey(id))
}

// ListDatabases returns all databases in name order.
func (t *Txn) ListDatabases(ctx context.Context) ([]*DatabaseDesc, error) {
	var out []*DatabaseDesc
	p := []byte("/sys/d/")
	err := t.scanJSON(ctx, p, prefixEnd(p), func(b []byte) error {
		var d DatabaseDesc
		if err := json.Unmarshal(b, &d); err != nil {
			return err
		}
		out = append(out, &d)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

func (t *Txn) scanJSON(ctx context.Context, lo, hi []byte, fn func([]byte) error) error {
	it, err := t.Scan(ctx, lo, hi)
	if err != nil {
		return err
	}
	defer it.Close()
	for it.Next() {
		if err := fn(it.Value()); err != nil {
			return fmt.Errorf("decode descriptor: %w", err)
		}
	}
	return it.Err()
}

// scanIDs collects the uint32 values under a name prefix.
func (t *Txn) scanIDs(ctx context.Context, prefix []byte) ([]uint32, error) {
	var ids []uint32
	err := t.scanJSON(ctx, prefix, prefixEnd(prefix), func(b []byte) error {
		id, err := readU32(b)
		ids = append(ids, id)
		return err
	})
	return ids, err
}

// DropDatabase drops a database, its schemas, tables and all their rows.
func (t *Txn) DropDatabase(ctx context.Context, name string) error {
	d, err := t.LookupDatabase(ctx, name)
	if err != nil {
		return err
	}
	if d == nil {
		return sql.Errorf(sql.CodeInvalidCatalogName, "database \"%s\" does not exist", name)
	}
	tables, err := t.ListTables(ctx, d.ID)
	if err != nil {
		return err
	}
	for _, td := range tables {
		if err := t.Delete(ctx, tableDescKey(td.ID)); err != nil {
			return err
		}
	}
	schemas, err := t.ListSchemas(ctx, d.ID)
	if err != nil {
		return err
	}
	for _, s := range schemas {
		if err := t.Delete(ctx, schemaDescKey(s.ID)); err != nil {
			return err
		}
	}
	for _, r := range [][]byte{tableNameDBPrefix(d.ID), schemaNamePrefix(d.ID), dbPrefix(d.ID)} {
		if err := t.DeleteRange(ctx, r, prefixEnd(r)); err != nil {
			return err
		}
	}
	if err := t.Delete(ctx, dbNameKey(name)); err != nil {
		return err
	}
	t.ddl = true
	return t.Delete(ctx, dbDescKey(d.ID))
}

// CreateSchema creates a schema in database dbID.
func (t *Txn) CreateSchema(ctx context.Context, dbID uint32, name string) (*SchemaDesc, error) {
	nk := schemaNameKey(dbID, name)
	id, err := t.newObjectID(ctx, nk, sql.Errorf(sql.CodeDuplicateSchema, "schema \"%s\" already exists", name))
	if err != nil {
		return nil, err
	}
	s := &SchemaDesc{ID: id, DBID: dbID, Name: name}
	if err := t.putJSON(ctx, schemaDescKey(id), s); err != nil {
		return nil, err
	}
	return s, t.Put(ctx, nk, u32Value(id))
}

// LookupSchema returns the named schema of database dbID, or nil.
func (t *Txn) LookupSchema(ctx context.Context, dbID uint32, name string) (*SchemaDesc, error) {
	return lookupByName(ctx, t, schemaNameKey(dbID, name), t.SchemaByID)
}

// SchemaByID returns schema id, or nil.
func (t *Txn) SchemaByID(ctx context.Context, id uint32) (*SchemaDesc, error) {
	return getDesc[SchemaDesc](ctx, t, schemaDescKey(id))
}

// ListSchemas returns the schemas of database dbID in name order.
func (t *Txn) ListSchemas(ctx context.Context, dbID uint32) ([]*SchemaDesc, error) {
	return listByName(ctx, t, schemaNamePrefix(dbID), t.SchemaByID)
}

// DropSchema drops a schema. Without cascade a schema holding tables fails
// with 2BP01, as in PostgreSQL; with it the tables go too.
func (t *Txn) DropSchema(ctx context.Context, dbID uint32, name string, cascade bool) error {
	s, err := t.LookupSchema(ctx, dbID, name)
	if err != nil {
		return err
	}
	if s == nil {
		return sql.Errorf(sql.CodeInvalidSchemaName, "schema \"%s\" does not exist", name)
	}
	ids, err := t.scanIDs(ctx, tableNamePrefix(dbID, s.ID))
	if err != nil {
		return err
	}
	if len(ids) > 0 && !cascade {
		return sql.Errorf("2BP01", "cannot drop schema %s because other objects depend on it", name).
			WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
	}
	for _, id := range ids {
		td, err := t.TableByID(ctx, id)
		if err != nil {
			return err
		}
		if td != nil {
			if err := t.DropTable(ctx, td); err != nil {
				return err
			}
		}
	}
	if err := t.Delete(ctx, schemaNameKey(dbID, name)); err != nil {
		return err
	}
	t.ddl = true
	return t.Delete(ctx, schemaDescKey(s.ID))
}

// persistedTable is TableDesc as stored: Missing values keep their Go type
// through the value encoding (JSON alone would turn an int64 into a float).
type persistedTable struct {
	TableDesc
	Columns []persistedColumn
}

type persistedColumn struct {
	ColumnDesc
	Missing []byte `json:",omitempty"`
}

func (t *Txn) putTable(ctx context.Context, td *TableDesc) error {
	p := persistedTable{TableDesc: *td}
	p.TableDesc.Columns = nil
	for _, c := range td.Columns {
		pc := persistedColumn{ColumnDesc: c}
		pc.ColumnDesc.Missing = nil
		if c.Missing != nil {
			b, err := encodeDatum(c.Missing)
			if err != nil {
				return fmt.Errorf("column %q missing value: %w", c.Name, err)
			}
			pc.Missing = b
		}
		p.Columns = append(p.Columns, pc)
	}
	return t.putJSON(ctx, tableDescKey(td.ID), &p)
}

func decodeTable(b []byte) (*TableDesc, error) {
	var p persistedTable
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("decode table descriptor: %w", err)
	}
	td := p.TableDesc
	td.Columns = make([]ColumnDesc, 0, len(p.Columns))
	for _, pc := range p.Columns {
		c := pc.ColumnDesc
		if pc.Missing != nil {
			v, err := decodeDatum(pc.Missing)
			if err != nil {
				return nil, fmt.Errorf("decode table descriptor: %w", err)
			}
			c.Missing = v
		}
		td.Columns = append(td.Columns, c)
	}
	return &td, nil
}

// CreateTable assigns td's ID (and column and index IDs still zero), adds
// the primary key index if absent, creates requested sequences, and stores
// it. td is updated in place.
func (t *Txn) CreateTable(ctx context.Context, td *TableDesc) error {
	nk := tableNameKey(td.DBID, td.SchemaID, td.Name)
	id, err := t.newObjectID(ctx, nk, sql.Errorf(sql.CodeDuplicateTable, "relation \"%s\" already exists", td.Name))
	if err != nil {
		return err
	}
	td.ID = id
	if err := t.prepareTable(ctx, td); err != nil {
		return err
	}
	if len(td.PrimaryKey) > 0 && td.PrimaryIndex() == nil {
		td.Indexes = append([]IndexDesc{{Name: td.Name + "_pkey", ColumnIDs: td.PrimaryKey, Unique: true, Primary: true, Constraint: true}}, td.Indexes...)
	}
	if err := t.assignIndexIDs(ctx, td); err != nil {
		return err
	}
	if td.HasHiddenRowID() {
		if err := t.db.CreateSequence(ctx, rowIDSequenceKey(id), 1, 1); err != nil {
			return err
		}
	}
	if err := t.putTable(ctx, td); err != nil {
		return err
	}
	return t.Put(ctx, nk, u32Value(id))
}

// prepareTable assigns missing column IDs and creates SequenceAuto sequences.
func (t *Txn) prepareTable(ctx context.Context, td *TableDesc) error {
	for i := range td.Columns {
		c := &td.Columns[i]
		if c.ID == 0 {
			td.NextColumnID++
			if td.NextColumnID == 0 {
				td.NextColumnID = 1
			}
			c.ID = td.NextColumnID
		} else if c.ID > td.NextColumnID {
			td.NextColumnID = c.ID
		}
		if c.SequenceKey == SequenceAuto || (c.Identity != 0 && c.SequenceKey == "") {
			c.SequenceKey = SerialSequenceKey(td.ID, c.ID)
			if err := t.db.CreateSequence(ctx, c.SequenceKey, 1, 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// assignIndexIDs gives each new index of td an object ID of its own: an
// index is a relation, and its ID is its pg_class OID, unique among
// tables, indexes and the other objects.
func (t *Txn) assignIndexIDs(ctx context.Context, td *TableDesc) error {
	for i := range td.Indexes {
		if td.Indexes[i].ID == 0 {
			id, err := t.db.allocID(ctx)
			if err != nil {
				return err
			}
			td.Indexes[i].ID = id
		}
	}
	return nil
}

// LookupTable returns the named table, or nil when there is none.
func (t *Txn) LookupTable(ctx context.Context, dbID, schemaID uint32, name string) (*TableDesc, error) {
	return lookupByName(ctx, t, tableNameKey(dbID, schemaID, name), t.TableByID)
}

// TableByID returns table id, or nil.
func (t *Txn) TableByID(ctx context.Context, id uint32) (*TableDesc, error) {
	b, ok, err := t.Get(ctx, tableDescKey(id))
	if err != nil || !ok {
		return nil, err
	}
	return decodeTable(b)
}

// ListTables returns every table of database dbID, ordered by schema ID
// then name.
func (t *Txn) ListTables(ctx context.Context, dbID uint32) ([]*TableDesc, error) {
	return listByName(ctx, t, tableNameDBPrefix(dbID), t.TableByID)
}

// UpdateTable stores an altered descriptor (rename, add/drop/rename column,
// add/drop unique constraint). New unique indexes are built from the
// existing rows and fail with 23505 on duplicates; dropped ones lose their
// entries. Changing the primary key is not supported.
func (t *Txn) UpdateTable(ctx context.Context, td *TableDesc) error {
	old, err := t.TableByID(ctx, td.ID)
	if err != nil {
		return err
	}
	if old == nil {
		return sql.Errorf(sql.CodeUndefinedTable, "relation with OID %d does not exist", td.ID)
	}
	if fmt.Sprint(old.PrimaryKey) != fmt.Sprint(td.PrimaryKey) {
		return sql.Errorf(sql.CodeFeatureNotSupported, "changing the primary key of a table is not supported")
	}
	if err := t.Lock(ctx, tableDescKey(td.ID)); err != nil {
		return err
	}
	if old.Name != td.Name || old.SchemaID != td.SchemaID {
		nk := tableNameKey(td.DBID, td.SchemaID, td.Name)
		if err := t.claimName(ctx, nk, sql.Errorf(sql.CodeDuplicateTable, "relation \"%s\" already exists", td.Name)); err != nil {
			return err
		}
		if err := t.Delete(ctx, tableNameKey(old.DBID, old.SchemaID, old.Name)); err != nil {
			return err
		}
		if err := t.Put(ctx, nk, u32Value(td.ID)); err != nil {
			return err
		}
	}
	if err := t.prepareTable(ctx, td); err != nil {
		return err
	}
	if err := t.assignIndexIDs(ctx, td); err != nil {
		return err
	}
	oldIdx := map[uint32]bool{}
	for _, ix := range old.Indexes {
		oldIdx[ix.ID] = true
	}
	newIdx := map[uint32]bool{}
	for _, ix := range td.Indexes {
		newIdx[ix.ID] = true
	}
	for _, ix := range old.Indexes {
		if !newIdx[ix.ID] && !ix.Primary {
			p := indexPrefix(td.DBID, td.ID, ix.ID)
			if err := t.DeleteRange(ctx, p, prefixEnd(p)); err != nil {
				return err
			}
		}
	}
	if err := t.putTable(ctx, td); err != nil {
		return err
	}
	for i := range td.Indexes {
		ix := &td.Indexes[i]
		if oldIdx[ix.ID] || ix.Primary {
			continue
		}
		if err := t.backfillIndex(ctx, td, ix); err != nil {
			return err
		}
	}
	return nil
}

// backfillIndex writes the entries of a new index for every row.
func (t *Txn) backfillIndex(ctx context.Context, td *TableDesc, ix *IndexDesc) error {
	if ix.IsVector() {
		return nil
	}
	it, err := t.ScanTable(ctx, td)
	if err != nil {
		return err
	}
	defer it.Close()
	for {
		row, err := it.Next(ctx)
		if err != nil {
			return err
		}
		if row == nil {
			return nil
		}
		pk, err := rowKeySuffix(td, row)
		if err != nil {
			return err
		}
		if err := t.putIndexEntry(ctx, td, ix, row, pk); err != nil {
			return err
		}
	}
}

// DropTable removes the table, its rows and its index entries.
func (t *Txn) DropTable(ctx context.Context, td *TableDesc) error {
	if err := t.Delete(ctx, tableDescKey(td.ID)); err != nil {
		return err
	}
	if err := t.Delete(ctx, tableNameKey(td.DBID, td.SchemaID, td.Name)); err != nil {
		return err
	}
	t.ddl = true
	return t.clearTable(ctx, td)
}

// TruncateTable removes every row and index entry of the table.
func (t *Txn) TruncateTable(ctx context.Context, td *TableDesc) error {
	if err := t.Lock(ctx, tableDescKey(td.ID)); err != nil {
		return err
	}
	return t.clearTable(ctx, td)
}

func (t *Txn) clearTable(ctx context.Context, td *TableDesc) error {
	for _, p := range [][]byte{tablePrefix(td.DBID, td.ID), tableIndexesPrefix(td.DBID, td.ID)} {
		if err := t.DeleteRange(ctx, p, prefixEnd(p)); err != nil {
			return err
		}
	}
	return nil
}

// NextVal draws from a sequence (non-transactional, see DB.NextVal).
func (t *Txn) NextVal(ctx context.Context, key string) (int64, error) {
	return t.db.NextVal(ctx, key)
}

// SetVal sets a sequence (non-transactional, see DB.SetVal).
func (t *Txn) SetVal(ctx context.Context, key string, v int64, isCalled bool) error {
	return t.db.SetVal(ctx, key, v, isCalled)
}

// CreateSequence creates or resets a sequence (non-transactional).
func (t *Txn) CreateSequence(ctx context.Context, key string, start, inc int64) error {
	return t.db.CreateSequence(ctx, key, start, inc)
}
