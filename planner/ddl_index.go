package planner

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// hnswOption is one of pgvector's hnsw storage parameters with its bounds.
type hnswOption struct {
	name          string
	def, min, max int64
}

var hnswOptions = []hnswOption{
	{"m", 16, 2, 100},
	{"ef_construction", 64, 4, 1000},
}

// hnswOpClasses maps each hnsw operator class to the type it indexes and
// the distance operator it serves.
var hnswOpClasses = map[string]struct {
	typ uint32
	op  string
}{
	"vector_l2_ops":      {sql.OIDVector, "<->"},
	"vector_ip_ops":      {sql.OIDVector, "<#>"},
	"vector_cosine_ops":  {sql.OIDVector, "<=>"},
	"vector_l1_ops":      {sql.OIDVector, "<+>"},
	"halfvec_l2_ops":     {sql.OIDHalfVec, "<->"},
	"halfvec_ip_ops":     {sql.OIDHalfVec, "<#>"},
	"halfvec_cosine_ops": {sql.OIDHalfVec, "<=>"},
	"halfvec_l1_ops":     {sql.OIDHalfVec, "<+>"},
}

// hnswMaxDims is pgvector's limit on indexed dimensions per type.
var hnswMaxDims = map[uint32]int32{sql.OIDVector: 2000, sql.OIDHalfVec: 4000}

// planCreateIndex handles CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON
// t [USING btree|hnsw] (col [opclass], ...) [WITH (...)].
func (b *builder) planCreateIndex(st *pg_query.IndexStmt) (*plan, error) {
	if st.WhereClause != nil {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "partial indexes are not supported yet")
	}
	if len(st.IndexIncludingParams) > 0 {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "INCLUDE columns are not supported yet")
	}
	method := strings.ToLower(st.AccessMethod)
	if method == "" {
		method = "btree"
	}
	switch method {
	case "btree", "hnsw":
	case "hash", "gist", "gin", "brin", "spgist", "ivfflat":
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "access method \"%s\" is not supported yet", method)
	default:
		return nil, sql.Errorf(sql.CodeUndefinedObject, "access method \"%s\" does not exist", method)
	}
	if method == "hnsw" && st.Unique {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "access method \"hnsw\" does not support unique indexes")
	}
	return &plan{usesCatalog: true, run: func(x *execCtx) (Cursor, error) {
		b := b.at(x)
		t, err := b.lookupTable(st.Relation)
		if err != nil {
			return nil, err
		}
		ix := storage.IndexDesc{Name: st.Idxname, Unique: st.Unique}
		if method == "hnsw" {
			ix.Method = method
		}
		var colNames []string
		for _, p := range st.IndexParams {
			e := p.GetIndexElem()
			if e == nil || e.Name == "" {
				return nil, sql.Errorf(sql.CodeFeatureNotSupported, "indexes on expressions are not supported yet")
			}
			pos := t.ColumnByName(e.Name)
			if pos < 0 {
				return nil, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" does not exist", e.Name)
			}
			col := t.Columns[pos]
			opclass := ""
			if names := stringsOf(e.Opclass); len(names) > 0 {
				opclass = strings.ToLower(names[len(names)-1])
			}
			if err := checkOpClass(method, opclass, col.Type); err != nil {
				return nil, err
			}
			ix.ColumnIDs = append(ix.ColumnIDs, col.ID)
			ix.OpClasses = append(ix.OpClasses, opclass)
			colNames = append(colNames, col.Name)
		}
		if method == "hnsw" {
			if len(ix.ColumnIDs) != 1 {
				return nil, sql.Errorf(sql.CodeFeatureNotSupported, "access method \"hnsw\" does not support multicolumn indexes")
			}
			opts, err := hnswIndexOptions(st.Options)
			if err != nil {
				return nil, err
			}
			ix.Options = opts
			col := t.Columns[t.ColumnIndex(ix.ColumnIDs[0])]
			if col.Type.Typmod < 0 {
				return nil, sql.Errorf(sql.CodeInternalError, "column does not have dimensions")
			}
			if max := hnswMaxDims[col.Type.OID]; col.Type.Typmod > max {
				return nil, sql.Errorf(sql.CodeInternalError, "column cannot have more than %d dimensions for hnsw index", max)
			}
		} else if len(st.Options) > 0 {
			for _, o := range st.Options {
				return nil, sql.Errorf(sql.CodeInvalidParameterValue, "unrecognized parameter \"%s\"", o.GetDefElem().GetDefname())
			}
		}
		// Index names share the namespace of the table's schema with
		// every other relation there.
		taken, err := relationNames(x, t.SchemaID, t)
		if err != nil {
			return nil, err
		}
		if ix.Name == "" {
			ix.Name = chooseRelationName(taken, t.Name, indexNameAddition(colNames), "idx")
		} else if taken[ix.Name] {
			if st.IfNotExists {
				x.s.notice("NOTICE", "42P07", "relation \"%s\" already exists, skipping", ix.Name)
				return &listCursor{tag: "CREATE INDEX"}, nil
			}
			return nil, sql.Errorf(sql.CodeDuplicateTable, "relation \"%s\" already exists", ix.Name)
		}
		t.Indexes = append(t.Indexes, ix)
		if err := x.txn.UpdateTable(x.ctx, t); err != nil {
			return nil, uniqueBuildError(err, map[string]bool{ix.Name: true})
		}
		if method == "hnsw" {
			// UpdateTable assigned the index its id; read it back.
			stored, err := x.txn.TableByID(x.ctx, t.ID)
			if err != nil {
				return nil, err
			}
			if stored == nil || indexNamed(stored, ix.Name) == nil {
				return nil, fmt.Errorf("index %q vanished while being created", ix.Name)
			}
			if err := x.s.eng.vec.build(x, stored, indexNamed(stored, ix.Name).ID); err != nil {
				return nil, err
			}
		}
		return &listCursor{tag: "CREATE INDEX"}, nil
	}}, nil
}

// checkOpClass validates a column's operator class for the method as
// PostgreSQL and pgvector do.
func checkOpClass(method, opclass string, t sql.Type) error {
	typeName := sql.FormatType(sql.Type{OID: t.OID, Typmod: -1})
	if method == "btree" {
		if opclass != "" {
			return sql.Errorf(sql.CodeUndefinedObject, "operator class \"%s\" does not exist for access method \"btree\"", opclass)
		}
		return nil
	}
	if opclass == "" {
		return sql.Errorf(sql.CodeUndefinedObject, "data type %s has no default operator class for access method \"%s\"", typeName, method).
			WithHint("You must specify an operator class for the index or define a default operator class for the data type.")
	}
	oc, ok := hnswOpClasses[opclass]
	if !ok {
		return sql.Errorf(sql.CodeUndefinedObject, "operator class \"%s\" does not exist for access method \"%s\"", opclass, method)
	}
	if oc.typ != t.OID {
		return sql.Errorf(sql.CodeDatatypeMismatch, "operator class \"%s\" does not accept data type %s", opclass, typeName)
	}
	return nil
}

// hnswIndexOptions reads WITH (m = .., ef_construction = ..) with
// PostgreSQL's reloption errors and pgvector's cross-check.
func hnswIndexOptions(defs []*pg_query.Node) (map[string]int64, error) {
	opts := map[string]int64{}
	for _, o := range hnswOptions {
		opts[o.name] = o.def
	}
	for _, n := range defs {
		d := n.GetDefElem()
		name := strings.ToLower(d.GetDefname())
		var spec *hnswOption
		for i := range hnswOptions {
			if hnswOptions[i].name == name {
				spec = &hnswOptions[i]
			}
		}
		if spec == nil {
			return nil, sql.Errorf(sql.CodeInvalidParameterValue, "unrecognized parameter \"%s\"", name)
		}
		text := defElemText(d)
		v, err := strconv.ParseInt(strings.TrimSpace(text), 10, 32)
		if err != nil {
			return nil, sql.Errorf(sql.CodeInvalidParameterValue, "invalid value for integer option \"%s\": %s", name, text)
		}
		if v < spec.min || v > spec.max {
			return nil, sql.Errorf(sql.CodeInvalidParameterValue, "value %s out of bounds for option \"%s\"", text, name).
				WithDetail("Valid values are between \"%d\" and \"%d\".", spec.min, spec.max)
		}
		opts[name] = v
	}
	if opts["ef_construction"] < 2*opts["m"] {
		return nil, sql.Errorf(sql.CodeInvalidParameterValue, "ef_construction must be greater than or equal to 2 * m")
	}
	return opts, nil
}

// defElemText is a DefElem's argument as the text reloptions parse.
func defElemText(d *pg_query.DefElem) string {
	a := d.GetArg()
	switch {
	case a == nil:
		return "true"
	case a.GetInteger() != nil:
		return strconv.FormatInt(int64(a.GetInteger().GetIval()), 10)
	case a.GetFloat() != nil:
		return a.GetFloat().GetFval()
	case a.GetString_() != nil:
		return a.GetString_().GetSval()
	case a.GetTypeName() != nil:
		return strings.Join(stringsOf(a.GetTypeName().GetNames()), ".")
	}
	return fmt.Sprint(a)
}

// indexNamed returns t's index called name, or nil.
func indexNamed(t *storage.TableDesc, name string) *storage.IndexDesc {
	for i := range t.Indexes {
		if t.Indexes[i].Name == name {
			return &t.Indexes[i]
		}
	}
	return nil
}

// relationNames lists the relation names taken in schema schemaID of the
// session's database: tables, their indexes and sequences. pending is the
// table being created or altered, whose indexes may not be stored yet; its
// in-memory state replaces the stored one.
func relationNames(x *execCtx, schemaID uint32, pending *storage.TableDesc) (map[string]bool, error) {
	tables, err := x.txn.ListTables(x.ctx, x.s.db.ID)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	taken := map[string]bool{}
	add := func(t *storage.TableDesc) {
		taken[t.Name] = true
		for _, ix := range t.Indexes {
			taken[ix.Name] = true
		}
		for i := range t.Columns {
			if t.Columns[i].SequenceKey != "" {
				taken[sequenceName(t, &t.Columns[i])] = true
			}
		}
	}
	for _, t := range tables {
		if t.SchemaID == schemaID && (pending == nil || t.ID != pending.ID || pending.ID == 0) {
			add(t)
		}
	}
	if pending != nil {
		add(pending)
	}
	return taken, nil
}

// makeObjectName is PostgreSQL's makeObjectName: name1_name2_label, the
// longer of name1 and name2 shortened until the whole fits in 63 bytes.
func makeObjectName(name1, name2, label string) string {
	n1, n2 := len(name1), len(name2)
	overhead := 0
	if name2 != "" {
		overhead++
	}
	if label != "" {
		overhead += len(label) + 1
	}
	avail := 63 - overhead
	for n1+n2 > avail {
		if n1 > n2 {
			n1 = clipRune(name1, n1-1)
		} else {
			n2 = clipRune(name2, n2-1)
		}
	}
	name := name1[:n1]
	if name2 != "" {
		name += "_" + name2[:n2]
	}
	if label != "" {
		name += "_" + label
	}
	return name
}

// clipRune shortens n to a UTF-8 character boundary of s, as pg_mbcliplen.
func clipRune(s string, n int) int {
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// chooseRelationName is PostgreSQL's ChooseRelationName: name1_name2_label,
// then with label1, label2, ... until no relation in taken has the name.
// The chosen name is added to taken.
func chooseRelationName(taken map[string]bool, name1, name2, label string) string {
	name := makeObjectName(name1, name2, label)
	for i := 1; taken[name]; i++ {
		name = makeObjectName(name1, name2, label+strconv.Itoa(i))
	}
	taken[name] = true
	return name
}

// indexNameAddition is ChooseIndexNameAddition: the column names joined
// by underscores, cut to a name's length.
func indexNameAddition(cols []string) string {
	s := strings.Join(cols, "_")
	if len(s) > 63 {
		s = s[:clipRune(s, 63)]
	}
	return s
}

// uniqueBuildError turns the 23505 of a unique index built over existing
// rows into PostgreSQL's "could not create unique index"; other errors
// pass unchanged.
func uniqueBuildError(err error, names map[string]bool) error {
	var e *sql.Error
	if !errors.As(err, &e) || e.Code != sql.CodeUniqueViolation || !names[e.ConstraintName] {
		return err
	}
	ne := *e
	ne.Message = fmt.Sprintf("could not create unique index \"%s\"", e.ConstraintName)
	ne.Detail = strings.TrimSuffix(e.Detail, " already exists.") + " is duplicated."
	return &ne
}

// findIndex finds the table holding the index called name in the current
// database.
func (x *execCtx) findIndex(name string) (*storage.TableDesc, *storage.IndexDesc, error) {
	tables, err := x.txn.ListTables(x.ctx, x.s.db.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range tables {
		if ix := indexNamed(t, name); ix != nil {
			return t, ix, nil
		}
	}
	return nil, nil, nil
}

// planDropIndex handles DROP INDEX [IF EXISTS] name, ...
func (b *builder) planDropIndex(ds *pg_query.DropStmt) (*plan, error) {
	return &plan{usesCatalog: true, run: func(x *execCtx) (Cursor, error) {
		for _, o := range ds.Objects {
			names := stringsOf(o.GetList().GetItems())
			name := names[len(names)-1]
			t, ix, err := x.findIndex(name)
			if err != nil {
				return nil, err
			}
			if ix == nil {
				if ds.MissingOk {
					x.s.notice("NOTICE", "00000", "index \"%s\" does not exist, skipping", name)
					continue
				}
				return nil, sql.Errorf(sql.CodeUndefinedObject, "index \"%s\" does not exist", name)
			}
			if ix.IsConstraint() {
				return nil, sql.Errorf(sql.CodeDependentObjectsStillExist, "cannot drop index %s because constraint %s on table %s requires it", name, name, t.Name).
					WithHint("You can drop constraint %s on table %s instead.", name, t.Name)
			}
			id := ix.ID
			keep := t.Indexes[:0:0]
			for _, other := range t.Indexes {
				if other.ID != id {
					keep = append(keep, other)
				}
			}
			t.Indexes = keep
			if err := x.txn.UpdateTable(x.ctx, t); err != nil {
				return nil, err
			}
			tableID, vi := t.ID, x.s.eng.vec
			x.s.vecDDL = append(x.s.vecDDL, func(committed bool, _ uint64) {
				if committed {
					vi.drop(tableID, id)
				}
			})
		}
		return &listCursor{tag: "DROP INDEX"}, nil
	}}, nil
}

// planReindex handles REINDEX INDEX name (and REINDEX TABLE t): vector
// graphs are rebuilt from the table; btree entries are rewritten.
func (b *builder) planReindex(rs *pg_query.ReindexStmt) (*plan, error) {
	return &plan{usesCatalog: true, run: func(x *execCtx) (Cursor, error) {
		var t *storage.TableDesc
		var ids []uint32
		switch rs.Kind {
		case pg_query.ReindexObjectType_REINDEX_OBJECT_INDEX:
			tt, ix, err := x.findIndex(rs.Relation.GetRelname())
			if err != nil {
				return nil, err
			}
			if ix == nil {
				return nil, sql.Errorf(sql.CodeUndefinedTable, "relation \"%s\" does not exist", rs.Relation.GetRelname())
			}
			t, ids = tt, []uint32{ix.ID}
		case pg_query.ReindexObjectType_REINDEX_OBJECT_TABLE:
			tt, err := b.at(x).lookupTable(rs.Relation)
			if err != nil {
				return nil, err
			}
			t = tt
			for _, ix := range t.Indexes {
				ids = append(ids, ix.ID)
			}
		default:
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "REINDEX %s is not supported yet", strings.TrimPrefix(rs.Kind.String(), "REINDEX_OBJECT_"))
		}
		for _, id := range ids {
			ix := t.IndexByID(id)
			if ix == nil || !ix.IsVector() {
				continue // btree entries are maintained with every write
			}
			if err := x.s.eng.vec.build(x, t, id); err != nil {
				return nil, err
			}
		}
		return &listCursor{tag: "REINDEX"}, nil
	}}, nil
}
