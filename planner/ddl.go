package planner

import (
	"fmt"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// schemaFor resolves the schema a new object goes into: the named one, or
// the first existing schema of the search path.
func (b *builder) schemaFor(name string) (*storage.SchemaDesc, error) {
	names := []string{name}
	if name == "" {
		names = b.s.searchPath()
	}
	for _, n := range names {
		sd, err := b.txn.LookupSchema(b.ctx, b.s.db.ID, n)
		if err != nil {
			return nil, fmt.Errorf("look up schema %q: %w", n, err)
		}
		if sd != nil {
			return sd, nil
		}
		if name != "" {
			return nil, sql.Errorf(sql.CodeInvalidSchemaName, "schema \"%s\" does not exist", name)
		}
	}
	return nil, sql.Errorf(sql.CodeInvalidSchemaName, "no schema has been selected to create in")
}

// deparseExpr prints an expression back as SQL (for stored defaults).
func deparseExpr(n *pg_query.Node) (string, error) {
	tree := &pg_query.ParseResult{Version: parseTreeVersion(), Stmts: []*pg_query.RawStmt{{Stmt: &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: &pg_query.SelectStmt{
		TargetList: []*pg_query.Node{{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: n}}}},
	}}}}}}
	s, err := pg_query.Deparse(tree)
	if err != nil {
		return "", fmt.Errorf("deparse expression: %w", err)
	}
	return strings.TrimPrefix(s, "SELECT "), nil
}

// parseTreeVersion is the parse-tree version the deparser expects, taken
// from the parser itself so the two always agree.
func parseTreeVersion() int32 {
	tree, err := pg_query.Parse("SELECT 1")
	if err != nil {
		return 0
	}
	return tree.Version
}

// serialTypes maps the serial pseudo-types to their integer types.
var serialTypes = map[string]sql.Type{
	"serial": sql.TypeInt4, "serial4": sql.TypeInt4,
	"bigserial": sql.TypeInt8, "serial8": sql.TypeInt8,
	"smallserial": sql.TypeInt2, "serial2": sql.TypeInt2,
}

func (b *builder) planCreateTable(cs *pg_query.CreateStmt) (*plan, error) {
	if len(cs.InhRelations) > 0 || cs.Partspec != nil || cs.OfTypename != nil {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "inheritance and partitioning are not supported yet")
	}
	rv := cs.Relation
	if rv.Relpersistence == "t" {
		// Temporary tables are kept like ordinary ones for now.
	}
	return &plan{run: func(x *execCtx) (Cursor, error) {
		b := b.at(x)
		sd, err := b.schemaFor(rv.Schemaname)
		if err != nil {
			return nil, err
		}
		existing, err := x.txn.LookupTable(x.ctx, x.s.db.ID, sd.ID, rv.Relname)
		if err != nil {
			return nil, err
		}
		if existing != nil {
			if cs.IfNotExists {
				x.s.notice("NOTICE", "42P07", "relation \"%s\" already exists, skipping", rv.Relname)
				return &listCursor{tag: "CREATE TABLE"}, nil
			}
			return nil, sql.Errorf(sql.CodeDuplicateTable, "relation \"%s\" already exists", rv.Relname)
		}
		t := &storage.TableDesc{DBID: x.s.db.ID, SchemaID: sd.ID, Name: rv.Relname}
		// keys are the PRIMARY KEY and UNIQUE constraints in the order
		// written; the primary key's index comes first, as PostgreSQL
		// builds it first.
		var pk *keySpec
		var keys []*keySpec
		for _, el := range cs.TableElts {
			switch v := el.Node.(type) {
			case *pg_query.Node_ColumnDef:
				cd := v.ColumnDef
				for _, c := range t.Columns {
					if c.Name == cd.Colname {
						return nil, sql.Errorf(sql.CodeDuplicateColumn, "column \"%s\" specified more than once", cd.Colname)
					}
				}
				col, colPK, colUnique, _, err := b.columnDef(t, cd)
				if err != nil {
					return nil, err
				}
				if colPK {
					if pk != nil {
						return nil, sql.Errorf(sql.CodeInvalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", t.Name)
					}
					pk = &keySpec{name: columnPKName(cd), cols: []string{cd.Colname}, primary: true}
					keys = append(keys, pk)
				}
				if colUnique != nil {
					keys = append(keys, &keySpec{name: *colUnique, cols: []string{cd.Colname}})
				}
				t.NextColumnID++
				col.ID = t.NextColumnID
				t.Columns = append(t.Columns, col)
			case *pg_query.Node_Constraint:
				c := v.Constraint
				switch c.Contype {
				case pg_query.ConstrType_CONSTR_PRIMARY:
					if pk != nil {
						return nil, sql.Errorf(sql.CodeInvalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", t.Name)
					}
					k, err := keyConstraint(c)
					if err != nil {
						return nil, err
					}
					pk = k
					keys = append(keys, pk)
				case pg_query.ConstrType_CONSTR_UNIQUE:
					k, err := keyConstraint(c)
					if err != nil {
						return nil, err
					}
					keys = append(keys, k)
				default:
					return nil, sql.Errorf(sql.CodeFeatureNotSupported, "%s constraints are not supported yet", constraintName(c.Contype))
				}
			default:
				return nil, sql.Errorf(sql.CodeFeatureNotSupported, "table element %s is not supported yet", nodeName(el))
			}
		}
		// transformIndexConstraints: a key on the same columns as an
		// earlier one (the primary key first) adds no index of its own; an
		// unnamed earlier key takes its name.
		var final []*keySpec
		if pk != nil {
			final = append(final, pk)
		}
		for _, k := range keys {
			if k == pk {
				continue
			}
			dup := false
			for _, prior := range final {
				if slices.Equal(prior.cols, k.cols) {
					if prior.name == "" {
						prior.name = k.name
					}
					dup = true
					break
				}
			}
			if !dup {
				final = append(final, k)
			}
		}
		if len(final) > 0 {
			taken, err := relationNames(x, sd.ID, t)
			if err != nil {
				return nil, err
			}
			for _, k := range final {
				if k.primary {
					for _, name := range k.cols {
						if t.ColumnByName(name) < 0 {
							return nil, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" named in key does not exist", name)
						}
					}
					t.PrimaryKey = nil
					for _, name := range k.cols {
						pos := t.ColumnByName(name)
						t.PrimaryKey = append(t.PrimaryKey, t.Columns[pos].ID)
						t.Columns[pos].NotNull = true
					}
				}
				idx, err := k.index(t, taken)
				if err != nil {
					return nil, err
				}
				t.Indexes = append(t.Indexes, idx)
			}
		}
		if err := x.txn.CreateTable(x.ctx, t); err != nil {
			return nil, err
		}
		return &listCursor{tag: "CREATE TABLE"}, nil
	}}, nil
}

func constraintName(t pg_query.ConstrType) string {
	switch t {
	case pg_query.ConstrType_CONSTR_CHECK:
		return "CHECK"
	case pg_query.ConstrType_CONSTR_FOREIGN:
		return "FOREIGN KEY"
	case pg_query.ConstrType_CONSTR_EXCLUSION:
		return "EXCLUDE"
	case pg_query.ConstrType_CONSTR_GENERATED:
		return "generated column"
	}
	return strings.TrimPrefix(t.String(), "CONSTR_")
}

// keySpec is a PRIMARY KEY or UNIQUE constraint of CREATE TABLE or ALTER
// TABLE ADD: its name ("" until one is chosen) and columns.
type keySpec struct {
	name    string
	cols    []string
	primary bool
}

// keyConstraint reads a table-level PRIMARY KEY or UNIQUE constraint,
// refusing the clauses QuartzDB's indexes cannot honour.
func keyConstraint(c *pg_query.Constraint) (*keySpec, error) {
	if c.Indexname != "" {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "%s USING INDEX is not supported yet", constraintName(c.Contype))
	}
	if len(c.Including) > 0 {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "INCLUDE columns are not supported yet")
	}
	if c.Deferrable {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "deferrable constraints are not supported yet")
	}
	if c.NullsNotDistinct {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "NULLS NOT DISTINCT is not supported yet")
	}
	return &keySpec{name: c.Conname, cols: stringsOf(c.Keys), primary: c.Contype == pg_query.ConstrType_CONSTR_PRIMARY}, nil
}

// columnPKName is the name a column's PRIMARY KEY constraint gives, if any.
func columnPKName(cd *pg_query.ColumnDef) string {
	for _, cn := range cd.Constraints {
		if c := cn.GetConstraint(); c.Contype == pg_query.ConstrType_CONSTR_PRIMARY {
			return c.Conname
		}
	}
	return ""
}

// index builds the constraint's index on t, naming it as PostgreSQL does
// when it has no name (<table>_pkey, <table>_<cols>_key, then with 1, 2,
// ... after the label) and failing with 42P07 when its name is taken.
func (k *keySpec) index(t *storage.TableDesc, taken map[string]bool) (storage.IndexDesc, error) {
	idx := storage.IndexDesc{Name: k.name, Unique: true, Primary: k.primary, Constraint: true}
	for _, name := range k.cols {
		pos := t.ColumnByName(name)
		if pos < 0 {
			return idx, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" named in key does not exist", name)
		}
		idx.ColumnIDs = append(idx.ColumnIDs, t.Columns[pos].ID)
	}
	switch {
	case idx.Name == "" && k.primary:
		idx.Name = chooseRelationName(taken, t.Name, "", "pkey")
	case idx.Name == "":
		idx.Name = chooseRelationName(taken, t.Name, indexNameAddition(k.cols), "key")
	case taken[idx.Name]:
		return idx, sql.Errorf(sql.CodeDuplicateTable, "relation \"%s\" already exists", idx.Name)
	default:
		taken[idx.Name] = true
	}
	return idx, nil
}

// at returns a builder bound to the execution's transaction.
func (b *builder) at(x *execCtx) *builder {
	nb := *b
	nb.ctx, nb.txn = x.ctx, x.txn
	return &nb
}

// columnDef turns a column definition into a ColumnDesc; it reports
// column-level PRIMARY KEY and UNIQUE (with the constraint name, possibly
// empty) and the sequence to create for serial/identity columns.
func (b *builder) columnDef(t *storage.TableDesc, cd *pg_query.ColumnDef) (storage.ColumnDesc, bool, *string, string, error) {
	col := storage.ColumnDesc{Name: cd.Colname}
	var seq string
	names := stringsOf(cd.TypeName.Names)
	tname := names[len(names)-1]
	if st, ok := serialTypes[tname]; ok && len(names) == 1 && len(cd.TypeName.ArrayBounds) == 0 {
		col.Type = st
		col.NotNull = true
		seq = t.Name + "_" + cd.Colname + "_seq"
		col.SequenceKey = storage.SequenceAuto
		col.Default = fmt.Sprintf("nextval('%s'::regclass)", t.Name+"_"+cd.Colname+"_seq")
	} else {
		typ, err := sql.TypeFromAST(cd.TypeName)
		if err != nil {
			return col, false, nil, "", b.errAt(err, cd.TypeName.Location)
		}
		col.Type = typ
	}
	isPK := false
	var unique *string
	for _, cn := range cd.Constraints {
		c := cn.GetConstraint()
		switch c.Contype {
		case pg_query.ConstrType_CONSTR_NOTNULL:
			col.NotNull = true
		case pg_query.ConstrType_CONSTR_NULL:
			if isPK {
				return col, false, nil, "", sql.Errorf(sql.CodeSyntaxError, "conflicting NULL/NOT NULL declarations for column \"%s\" of table \"%s\"", cd.Colname, t.Name)
			}
		case pg_query.ConstrType_CONSTR_DEFAULT:
			text, err := deparseExpr(c.RawExpr)
			if err != nil {
				return col, false, nil, "", err
			}
			// Check it now, so a bad default fails CREATE TABLE.
			if _, err := b.parseDefault(text, col.Type); err != nil {
				return col, false, nil, "", err
			}
			col.Default = text
		case pg_query.ConstrType_CONSTR_PRIMARY:
			isPK = true
			col.NotNull = true
		case pg_query.ConstrType_CONSTR_UNIQUE:
			name := c.Conname
			unique = &name
		case pg_query.ConstrType_CONSTR_IDENTITY:
			switch col.Type.OID {
			case sql.OIDInt2, sql.OIDInt4, sql.OIDInt8:
			default:
				return col, false, nil, "", sql.Errorf(sql.CodeInvalidParameterValue, "identity column type must be smallint, integer, or bigint")
			}
			col.Identity = c.GeneratedWhen[0]
			col.NotNull = true
			seq = t.Name + "_" + cd.Colname + "_seq"
			col.SequenceKey = storage.SequenceAuto
		default:
			return col, false, nil, "", sql.Errorf(sql.CodeFeatureNotSupported, "%s constraints are not supported yet", constraintName(c.Contype)).WithPosition(b.pos(c.Location))
		}
	}
	return col, isPK, unique, seq, nil
}

func (b *builder) planDrop(ds *pg_query.DropStmt) (*plan, error) {
	switch ds.RemoveType {
	case pg_query.ObjectType_OBJECT_TABLE:
		return &plan{run: func(x *execCtx) (Cursor, error) {
			b := b.at(x)
			for _, o := range ds.Objects {
				names := stringsOf(o.GetList().GetItems())
				schema, name := "", names[len(names)-1]
				if len(names) > 1 {
					schema = names[len(names)-2]
				}
				t, err := x.s.findTable(x.ctx, x.txn, schema, name)
				if err != nil && !(ds.MissingOk && sql.CodeOf(err) == sql.CodeInvalidSchemaName) {
					return nil, err
				}
				if t == nil {
					if ds.MissingOk {
						x.s.notice("NOTICE", "00000", "table \"%s\" does not exist, skipping", name)
						continue
					}
					return nil, sql.Errorf(sql.CodeUndefinedTable, "table \"%s\" does not exist", name)
				}
				if err := x.txn.DropTable(b.ctx, t); err != nil {
					return nil, err
				}
				x.s.dropGraphsAtCommit(t.ID)
			}
			return &listCursor{tag: "DROP TABLE"}, nil
		}}, nil
	case pg_query.ObjectType_OBJECT_EXTENSION:
		return b.planDropExtension(ds)
	case pg_query.ObjectType_OBJECT_SCHEMA:
		return &plan{run: func(x *execCtx) (Cursor, error) {
			for _, o := range ds.Objects {
				name := o.GetString_().GetSval()
				sd, err := x.txn.LookupSchema(x.ctx, x.s.db.ID, name)
				if err != nil {
					return nil, err
				}
				if sd == nil {
					if ds.MissingOk {
						x.s.notice("NOTICE", "00000", "schema \"%s\" does not exist, skipping", name)
						continue
					}
					return nil, sql.Errorf(sql.CodeInvalidSchemaName, "schema \"%s\" does not exist", name)
				}
				if err := x.txn.DropSchema(x.ctx, x.s.db.ID, name, ds.Behavior == pg_query.DropBehavior_DROP_CASCADE); err != nil {
					return nil, err
				}
			}
			return &listCursor{tag: "DROP SCHEMA"}, nil
		}}, nil
	}
	return nil, sql.Errorf(sql.CodeFeatureNotSupported, "DROP %s is not supported yet", strings.TrimPrefix(ds.RemoveType.String(), "OBJECT_"))
}

func (b *builder) planTruncate(ts *pg_query.TruncateStmt) (*plan, error) {
	return &plan{run: func(x *execCtx) (Cursor, error) {
		b := b.at(x)
		for _, r := range ts.Relations {
			t, err := b.lookupTable(r.GetRangeVar())
			if err != nil {
				return nil, err
			}
			if err := x.txn.TruncateTable(x.ctx, t); err != nil {
				return nil, err
			}
			x.s.dropGraphsAtCommit(t.ID)
			if ts.RestartSeqs {
				for _, c := range t.Columns {
					if c.SequenceKey != "" {
						if err := x.s.eng.store.SetVal(x.ctx, c.SequenceKey, 1, false); err != nil {
							return nil, err
						}
					}
				}
			}
		}
		return &listCursor{tag: "TRUNCATE TABLE"}, nil
	}}, nil
}

func (b *builder) planAlterTable(as *pg_query.AlterTableStmt) (*plan, error) {
	return &plan{run: func(x *execCtx) (Cursor, error) {
		b := b.at(x)
		t, err := x.s.findTable(x.ctx, x.txn, as.Relation.Schemaname, as.Relation.Relname)
		if err != nil {
			return nil, err
		}
		if t == nil {
			if as.MissingOk {
				x.s.notice("NOTICE", "00000", "relation \"%s\" does not exist, skipping", as.Relation.Relname)
				return &listCursor{tag: "ALTER TABLE"}, nil
			}
			return nil, sql.Errorf(sql.CodeUndefinedTable, "relation \"%s\" does not exist", as.Relation.Relname)
		}
		t = t.Clone()
		// built names the unique indexes ADD CONSTRAINT builds, whose
		// duplicates UpdateTable reports.
		built := map[string]bool{}
		var retypes []colRetype
		// setNotNull lists the columns SET NOT NULL made NOT NULL, whose
		// existing rows must be checked.
		setNotNull := map[uint32]bool{}
		for _, c := range as.Cmds {
			cmd := c.GetAlterTableCmd()
			switch cmd.Subtype {
			case pg_query.AlterTableType_AT_AlterColumnType:
				rt, err := b.alterColumnType(t, cmd, retypes)
				if err != nil {
					return nil, err
				}
				retypes = append(retypes, rt)
			case pg_query.AlterTableType_AT_AddColumn:
				cd := cmd.Def.GetColumnDef()
				exists := false
				for _, col := range t.Columns {
					if col.Name == cd.Colname {
						exists = true
					}
				}
				if exists {
					if cmd.MissingOk {
						x.s.notice("NOTICE", "42701", "column \"%s\" of relation \"%s\" already exists, skipping", cd.Colname, t.Name)
						continue
					}
					return nil, sql.Errorf(sql.CodeDuplicateColumn, "column \"%s\" of relation \"%s\" already exists", cd.Colname, t.Name)
				}
				col, isPK, unique, seq, err := b.columnDef(t, cd)
				if err != nil {
					return nil, err
				}
				if isPK || seq != "" {
					return nil, sql.Errorf(sql.CodeFeatureNotSupported, "ADD COLUMN with PRIMARY KEY, serial or identity is not supported yet")
				}
				// Existing rows read the default as it is now (a volatile
				// default is evaluated once, unlike PostgreSQL's rewrite).
				if col.Default != "" {
					e, err := b.parseDefault(col.Default, col.Type)
					if err != nil {
						return nil, err
					}
					if col.Missing, err = e.Eval(x.ec, nil); err != nil {
						return nil, err
					}
				}
				if col.NotNull && col.Missing == nil {
					// Only valid on an empty table.
					it, err := x.txn.ScanTable(x.ctx, t)
					if err != nil {
						return nil, err
					}
					row, err := it.Next(x.ctx)
					it.Close()
					if err != nil {
						return nil, err
					}
					if row != nil {
						return nil, sql.Errorf(sql.CodeNotNullViolation, "column \"%s\" of relation \"%s\" contains null values", col.Name, t.Name)
					}
				}
				t.NextColumnID++
				col.ID = t.NextColumnID
				t.Columns = append(t.Columns, col)
				if unique != nil {
					taken, err := relationNames(x, t.SchemaID, t)
					if err != nil {
						return nil, err
					}
					idx, err := (&keySpec{name: *unique, cols: []string{col.Name}}).index(t, taken)
					if err != nil {
						return nil, err
					}
					t.Indexes = append(t.Indexes, idx)
					built[idx.Name] = true
				}
			case pg_query.AlterTableType_AT_DropColumn:
				pos := t.ColumnByName(cmd.Name)
				if pos < 0 {
					if cmd.MissingOk {
						x.s.notice("NOTICE", "42703", "column \"%s\" of relation \"%s\" does not exist, skipping", cmd.Name, t.Name)
						continue
					}
					return nil, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", cmd.Name, t.Name)
				}
				id := t.Columns[pos].ID
				for _, pkID := range t.PrimaryKey {
					if pkID == id {
						return nil, sql.Errorf("2BP01", "cannot drop column %s of table %s because other objects depend on it", cmd.Name, t.Name)
					}
				}
				var keep []storage.IndexDesc
				for _, idx := range t.Indexes {
					uses := false
					for _, cid := range idx.ColumnIDs {
						if cid == id {
							uses = true
						}
					}
					if !uses {
						keep = append(keep, idx)
					}
				}
				t.Indexes = keep
				t.Columns = append(t.Columns[:pos:pos], t.Columns[pos+1:]...)
			case pg_query.AlterTableType_AT_SetNotNull, pg_query.AlterTableType_AT_DropNotNull:
				pos := t.ColumnByName(cmd.Name)
				if pos < 0 {
					return nil, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", cmd.Name, t.Name)
				}
				set := cmd.Subtype == pg_query.AlterTableType_AT_SetNotNull
				if !set && slices.Contains(t.PrimaryKey, t.Columns[pos].ID) {
					return nil, sql.Errorf(sql.CodeInvalidTableDefinition, "column \"%s\" is in a primary key", cmd.Name)
				}
				if set && !t.Columns[pos].NotNull {
					setNotNull[t.Columns[pos].ID] = true
				}
				t.Columns[pos].NotNull = set
			case pg_query.AlterTableType_AT_ColumnDefault:
				pos := t.ColumnByName(cmd.Name)
				if pos < 0 {
					return nil, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", cmd.Name, t.Name)
				}
				if cmd.Def == nil {
					t.Columns[pos].Default = ""
				} else {
					text, err := deparseExpr(cmd.Def)
					if err != nil {
						return nil, err
					}
					if _, err := b.parseDefault(text, t.Columns[pos].Type); err != nil {
						return nil, err
					}
					t.Columns[pos].Default = text
				}
			case pg_query.AlterTableType_AT_AddConstraint:
				name, err := addKeyConstraint(x, t, cmd.Def.GetConstraint())
				if err != nil {
					return nil, err
				}
				built[name] = true
			case pg_query.AlterTableType_AT_DropConstraint:
				if err := dropKeyConstraint(x, t, cmd); err != nil {
					return nil, err
				}
			default:
				return nil, sql.Errorf(sql.CodeFeatureNotSupported, "ALTER TABLE %s is not supported yet", strings.TrimPrefix(cmd.Subtype.String(), "AT_"))
			}
		}
		if err := b.rewriteRows(x, t, retypes, setNotNull, built); err != nil {
			return nil, uniqueBuildError(err, built)
		}
		if err := x.txn.UpdateTable(x.ctx, t); err != nil {
			return nil, uniqueBuildError(err, built)
		}
		return &listCursor{tag: "ALTER TABLE"}, nil
	}}, nil
}

// colRetype is one ALTER COLUMN ... TYPE of a statement.
type colRetype struct {
	id   uint32
	name string
	// from and to are the column's types before and after; rewrite is
	// false when they are equal and there is no USING, which changes
	// nothing (PostgreSQL skips the rewrite too).
	from, to sql.Type
	// using is the USING expression, nil to convert the column itself
	// with the assignment cast.
	using   *pg_query.Node
	rewrite bool
}

// alterColumnType applies ALTER [COLUMN] c [SET DATA] TYPE type [USING
// expr] to t's descriptor: the type, and the default converted to it. The
// rows are converted by rewriteRows once every command has been seen.
func (b *builder) alterColumnType(t *storage.TableDesc, cmd *pg_query.AlterTableCmd, prior []colRetype) (colRetype, error) {
	pos := t.ColumnByName(cmd.Name)
	if pos < 0 {
		return colRetype{}, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", cmd.Name, t.Name)
	}
	col := &t.Columns[pos]
	cd := cmd.Def.GetColumnDef()
	if cd == nil || cd.TypeName == nil {
		return colRetype{}, sql.Errorf(sql.CodeSyntaxError, "ALTER COLUMN TYPE without a type")
	}
	typ, err := sql.TypeFromAST(cd.TypeName)
	if err != nil {
		// PostgreSQL reports no position here, unlike in CREATE TABLE.
		e := *sql.Wrap(err)
		e.Position = 0
		return colRetype{}, &e
	}
	rt := colRetype{id: col.ID, name: col.Name, from: col.Type, to: typ, using: cd.RawDefault}
	rt.rewrite = typ != col.Type || rt.using != nil
	if rt.using == nil && typ.OID != col.Type.OID && !sql.CanCastAssignment(col.Type, typ) {
		return rt, sql.Errorf(sql.CodeDatatypeMismatch, "column \"%s\" cannot be cast automatically to type %s", col.Name, sql.FormatType(typ)).
			WithHint("You might need to specify \"USING %s::%s\".", quoteIdent(col.Name), sql.FormatType(typ))
	}
	for _, p := range prior {
		if p.id == col.ID {
			return rt, sql.Errorf(sql.CodeFeatureNotSupported, "cannot alter type of column \"%s\" twice", col.Name)
		}
	}
	if !rt.rewrite {
		return rt, nil
	}
	if col.Identity != 0 {
		switch typ.OID {
		case sql.OIDInt2, sql.OIDInt4, sql.OIDInt8:
		default:
			return rt, sql.Errorf(sql.CodeInvalidParameterValue, "identity column type must be smallint, integer, or bigint")
		}
	}
	for _, ix := range t.Indexes {
		if ix.IsVector() && slices.Contains(ix.ColumnIDs, col.ID) {
			// The graph holds the old values' vectors; rebuilding it is
			// left to DROP INDEX and CREATE INDEX.
			return rt, sql.Errorf(sql.CodeFeatureNotSupported, "cannot alter type of column \"%s\" used by hnsw index \"%s\"", col.Name, ix.Name).
				WithHint("Drop the index, alter the column, and create the index again.")
		}
	}
	if col.Default != "" && col.Identity == 0 {
		// The default keeps its meaning: the expression as PostgreSQL
		// cooked it for the old type (literals labelled with that type),
		// converted to the new one on use.
		text, _ := displayDefault(col.Default, col.Type).(string)
		if text != "" {
			if _, err := b.parseDefault(text, typ); err != nil {
				if code := sql.CodeOf(err); code == sql.CodeDatatypeMismatch || code == sql.CodeCannotCoerce {
					return rt, sql.Errorf(sql.CodeDatatypeMismatch, "default for column \"%s\" cannot be cast automatically to type %s", col.Name, sql.FormatType(typ))
				}
				return rt, fmt.Errorf("default of column %s: %w", col.Name, err)
			}
		}
		col.Default = text
	}
	col.Type = typ
	return rt, nil
}

// rewriteRows converts every row of t for the statement's ALTER COLUMN
// TYPE commands, in the statement's transaction, and checks the NOT NULL
// columns: all of them when rows are rewritten, else those SET NOT NULL
// made so. Indexes over a converted column are emptied first and rebuilt
// by the caller's UpdateTable (keeping their OIDs), so converted values
// never collide with old entries half-way; their names go into built so
// a duplicate reads as PostgreSQL's "could not create unique index".
func (b *builder) rewriteRows(x *execCtx, t *storage.TableDesc, retypes []colRetype, setNotNull map[uint32]bool, built map[string]bool) error {
	retyped := map[uint32]colRetype{}
	for _, rt := range retypes {
		if rt.rewrite {
			retyped[rt.id] = rt
		}
	}
	if len(retyped) == 0 && len(setNotNull) == 0 {
		return nil
	}
	// old reads the stored rows: t's layout with the types before.
	old := t.Clone()
	for i := range old.Columns {
		if rt, ok := retyped[old.Columns[i].ID]; ok {
			old.Columns[i].Type = rt.from
		}
	}
	check := func(row []sql.Datum, all bool) error {
		for i, c := range t.Columns {
			if c.NotNull && (all || setNotNull[c.ID]) && row[i] == nil {
				e := sql.Errorf(sql.CodeNotNullViolation, "column \"%s\" of relation \"%s\" contains null values", c.Name, t.Name)
				e.TableName, e.ColumnName = t.Name, c.Name
				return e
			}
		}
		return nil
	}
	if len(retyped) == 0 {
		return scanRows(x, old, func(row []sql.Datum) error { return check(row, false) })
	}
	conv, err := b.retypeExprs(t, old, retyped)
	if err != nil {
		return err
	}
	var pkConv []int
	for _, id := range t.PrimaryKey {
		if _, ok := retyped[id]; ok {
			pkConv = append(pkConv, t.ColumnIndex(id))
		}
	}
	// mid is t without the indexes to rebuild: storing it drops their
	// entries, and the rewrite maintains only the others.
	mid := t.Clone()
	mid.Indexes = mid.Indexes[:0]
	for _, ix := range t.Indexes {
		rebuild := false
		for _, id := range ix.ColumnIDs {
			if _, ok := retyped[id]; ok && !ix.Primary {
				rebuild = true
			}
		}
		if rebuild {
			built[ix.Name] = true
		} else {
			mid.Indexes = append(mid.Indexes, ix)
		}
	}
	for i := range t.Columns {
		if _, ok := retyped[t.Columns[i].ID]; ok {
			// Every row stores the converted value from now on.
			t.Columns[i].Missing, mid.Columns[i].Missing = nil, nil
		}
	}
	if err := x.txn.UpdateTable(x.ctx, mid); err != nil {
		return err
	}
	return scanRows(x, old, func(row []sql.Datum) error {
		nr := slices.Clone(row)
		for i, e := range conv {
			if e == nil {
				continue
			}
			v, err := e.Eval(x.ec, row)
			if err != nil {
				return err
			}
			nr[i] = v
		}
		if err := check(nr, true); err != nil {
			return err
		}
		for _, i := range pkConv {
			// Rows are keyed by their primary key: a conversion that
			// changes the key's encoding would move every row.
			ok, err := sameKey(row[i], nr[i])
			if err != nil {
				return err
			}
			if !ok {
				return sql.Errorf(sql.CodeFeatureNotSupported, "changing the type of primary key column \"%s\" is not supported when it changes how rows are keyed", t.Columns[i].Name).
					WithHint("Rows are stored by primary key; a conversion that keeps the key's value (integer to bigint, varchar to text) is supported.")
			}
		}
		return x.txn.UpdateRow(x.ctx, mid, row, nr)
	})
}

// sameKey reports whether a and b encode to the same storage key.
func sameKey(a, b sql.Datum) (bool, error) {
	ka, err := storage.AppendKeyDatum(nil, a)
	if err != nil {
		return false, fmt.Errorf("primary key value: %w", err)
	}
	kb, err := storage.AppendKeyDatum(nil, b)
	if err != nil {
		return false, fmt.Errorf("primary key value: %w", err)
	}
	return string(ka) == string(kb), nil
}

// retypeExprs builds, for each position of t, the expression computing a
// converted column's new value from a row read with old (nil for the
// columns that keep theirs): the USING expression or the column, with
// the assignment cast to the new type.
func (b *builder) retypeExprs(t, old *storage.TableDesc, retyped map[uint32]colRetype) ([]sql.Expr, error) {
	sc := tableScope(old, old.Name)
	conv := make([]sql.Expr, len(t.Columns))
	for i, c := range old.Columns {
		rt, ok := retyped[c.ID]
		if !ok {
			continue
		}
		var e sql.Expr = &sql.ColRef{Index: i, Typ: rt.from, Name: c.Name}
		if rt.using != nil {
			var err error
			if e, err = b.usingExpr(rt.using, sc); err != nil {
				return nil, err
			}
			if from := e.Type(); from.OID != rt.to.OID && from.OID != sql.OIDUnknown && !sql.CanCastAssignment(from, rt.to) {
				return nil, sql.Errorf(sql.CodeDatatypeMismatch, "result of USING clause for column \"%s\" cannot be cast automatically to type %s", c.Name, sql.FormatType(rt.to)).
					WithHint("You might need to add an explicit cast.")
			}
		}
		if e.Type() != rt.to {
			var err error
			if e, err = sql.NewAssignCast(e, rt.to); err != nil {
				return nil, err
			}
		}
		conv[i] = e
	}
	return conv, nil
}

// usingExpr builds an ALTER COLUMN TYPE ... USING expression over the
// table's row, refusing what PostgreSQL refuses in transform expressions.
func (b *builder) usingExpr(n *pg_query.Node, sc *scope) (sql.Expr, error) {
	var sub int32 = -1
	walkExpr(n, func(x *pg_query.Node) bool {
		if sl := x.GetSubLink(); sl != nil {
			sub = sl.Location
			return false
		}
		return true
	})
	if sub >= 0 {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "cannot use subquery in transform expression").WithPosition(b.pos(sub))
	}
	if loc := firstAggLocation(n); loc >= 0 {
		return nil, sql.Errorf(sql.CodeGroupingError, "aggregate functions are not allowed in transform expressions").WithPosition(b.pos(loc))
	}
	ub := *b
	ub.agg, ub.srfs, ub.win, ub.exprKind = nil, nil, nil, "transform expressions"
	return ub.expr(n, sc)
}

// scanRows calls fn for every row of t as the statement sees it.
func scanRows(x *execCtx, t *storage.TableDesc, fn func([]sql.Datum) error) error {
	it, err := x.txn.ScanTable(x.ctx, t)
	if err != nil {
		return err
	}
	defer it.Close()
	for {
		row, err := it.Next(x.ctx)
		if err != nil || row == nil {
			return err
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

// addKeyConstraint adds ALTER TABLE ADD [CONSTRAINT name] UNIQUE (cols)
// to t and returns the index's name; UpdateTable builds it over the rows.
// ADD PRIMARY KEY would rekey every row (a table without one is keyed by a
// hidden row id), which storage cannot do yet.
func addKeyConstraint(x *execCtx, t *storage.TableDesc, c *pg_query.Constraint) (string, error) {
	if c == nil {
		return "", sql.Errorf(sql.CodeFeatureNotSupported, "ALTER TABLE ADD CONSTRAINT without a constraint is not supported")
	}
	switch c.Contype {
	case pg_query.ConstrType_CONSTR_UNIQUE:
	case pg_query.ConstrType_CONSTR_PRIMARY:
		if t.PrimaryIndex() != nil {
			return "", sql.Errorf(sql.CodeInvalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", t.Name)
		}
		return "", sql.Errorf(sql.CodeFeatureNotSupported, "ALTER TABLE ADD PRIMARY KEY is not supported yet").
			WithHint("Declare the primary key in CREATE TABLE, or add a UNIQUE constraint on NOT NULL columns.")
	default:
		return "", sql.Errorf(sql.CodeFeatureNotSupported, "%s constraints are not supported yet", constraintName(c.Contype))
	}
	k, err := keyConstraint(c)
	if err != nil {
		return "", err
	}
	taken, err := relationNames(x, t.SchemaID, t)
	if err != nil {
		return "", err
	}
	idx, err := k.index(t, taken)
	if err != nil {
		return "", err
	}
	t.Indexes = append(t.Indexes, idx)
	return idx.Name, nil
}

// dropKeyConstraint removes ALTER TABLE DROP CONSTRAINT [IF EXISTS] name:
// a UNIQUE constraint and its index. Dropping the primary key would rekey
// every row under a hidden row id, which storage cannot do yet.
func dropKeyConstraint(x *execCtx, t *storage.TableDesc, cmd *pg_query.AlterTableCmd) error {
	pos := -1
	for i := range t.Indexes {
		if t.Indexes[i].Name == cmd.Name && t.Indexes[i].IsConstraint() {
			pos = i
		}
	}
	if pos < 0 {
		if cmd.MissingOk {
			x.s.notice("NOTICE", "00000", "constraint \"%s\" of relation \"%s\" does not exist, skipping", cmd.Name, t.Name)
			return nil
		}
		return sql.Errorf(sql.CodeUndefinedObject, "constraint \"%s\" of relation \"%s\" does not exist", cmd.Name, t.Name)
	}
	if t.Indexes[pos].Primary {
		return sql.Errorf(sql.CodeFeatureNotSupported, "dropping the primary key of a table is not supported yet")
	}
	t.Indexes = append(t.Indexes[:pos:pos], t.Indexes[pos+1:]...)
	return nil
}

func (b *builder) planRename(rs *pg_query.RenameStmt) (*plan, error) {
	if rs.RenameType != pg_query.ObjectType_OBJECT_TABLE && rs.RenameType != pg_query.ObjectType_OBJECT_COLUMN {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "ALTER %s RENAME is not supported yet", strings.TrimPrefix(rs.RenameType.String(), "OBJECT_"))
	}
	return &plan{run: func(x *execCtx) (Cursor, error) {
		t, err := x.s.findTable(x.ctx, x.txn, rs.Relation.Schemaname, rs.Relation.Relname)
		if err != nil {
			return nil, err
		}
		if t == nil {
			if rs.MissingOk {
				return &listCursor{tag: "ALTER TABLE"}, nil
			}
			return nil, sql.Errorf(sql.CodeUndefinedTable, "relation \"%s\" does not exist", rs.Relation.Relname)
		}
		t = t.Clone()
		if rs.RenameType == pg_query.ObjectType_OBJECT_TABLE {
			other, err := x.txn.LookupTable(x.ctx, t.DBID, t.SchemaID, rs.Newname)
			if err != nil {
				return nil, err
			}
			if other != nil {
				return nil, sql.Errorf(sql.CodeDuplicateTable, "relation \"%s\" already exists", rs.Newname)
			}
			t.Name = rs.Newname
		} else {
			pos := -1
			for i, c := range t.Columns {
				if c.Name == rs.Subname {
					pos = i
				}
				if c.Name == rs.Newname {
					return nil, sql.Errorf(sql.CodeDuplicateColumn, "column \"%s\" of relation \"%s\" already exists", rs.Newname, t.Name)
				}
			}
			if pos < 0 {
				return nil, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" does not exist", rs.Subname)
			}
			t.Columns[pos].Name = rs.Newname
		}
		if err := x.txn.UpdateTable(x.ctx, t); err != nil {
			return nil, err
		}
		return &listCursor{tag: "ALTER TABLE"}, nil
	}}, nil
}

func (b *builder) planCreateDatabase(cs *pg_query.CreatedbStmt) (*plan, error) {
	return &plan{txnControl: false, run: func(x *execCtx) (Cursor, error) {
		if x.s.opts.Tenant != "" {
			return nil, sql.Errorf(sql.CodeInsufficientPrivilege, "permission denied to create database")
		}
		if x.s.explicit {
			return nil, sql.Errorf(sql.CodeActiveSQLTransaction, "CREATE DATABASE cannot run inside a transaction block")
		}
		if _, err := x.txn.CreateDatabase(x.ctx, cs.Dbname); err != nil {
			return nil, err
		}
		return &listCursor{tag: "CREATE DATABASE"}, nil
	}}, nil
}

func (b *builder) planDropDatabase(ds *pg_query.DropdbStmt) (*plan, error) {
	return &plan{run: func(x *execCtx) (Cursor, error) {
		if x.s.opts.Tenant != "" {
			return nil, sql.Errorf(sql.CodeInsufficientPrivilege, "must be owner of database %s", ds.Dbname)
		}
		if x.s.explicit {
			return nil, sql.Errorf(sql.CodeActiveSQLTransaction, "DROP DATABASE cannot run inside a transaction block")
		}
		if ds.Dbname == x.s.db.Name {
			return nil, sql.Errorf(sql.CodeObjectInUse, "cannot drop the currently open database")
		}
		db, err := x.txn.LookupDatabase(x.ctx, ds.Dbname)
		if err != nil {
			return nil, err
		}
		if db == nil {
			if ds.MissingOk {
				x.s.notice("NOTICE", "00000", "database \"%s\" does not exist, skipping", ds.Dbname)
				return &listCursor{tag: "DROP DATABASE"}, nil
			}
			return nil, sql.Errorf(sql.CodeInvalidCatalogName, "database \"%s\" does not exist", ds.Dbname)
		}
		if err := x.txn.DropDatabase(x.ctx, ds.Dbname); err != nil {
			return nil, err
		}
		return &listCursor{tag: "DROP DATABASE"}, nil
	}}, nil
}

func (b *builder) planCreateSchema(cs *pg_query.CreateSchemaStmt) (*plan, error) {
	if len(cs.SchemaElts) > 0 {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "CREATE SCHEMA with elements is not supported yet")
	}
	return &plan{run: func(x *execCtx) (Cursor, error) {
		sd, err := x.txn.LookupSchema(x.ctx, x.s.db.ID, cs.Schemaname)
		if err != nil {
			return nil, err
		}
		if sd != nil {
			if cs.IfNotExists {
				x.s.notice("NOTICE", "42P06", "schema \"%s\" already exists, skipping", cs.Schemaname)
				return &listCursor{tag: "CREATE SCHEMA"}, nil
			}
			return nil, sql.Errorf(sql.CodeDuplicateSchema, "schema \"%s\" already exists", cs.Schemaname)
		}
		if _, err := x.txn.CreateSchema(x.ctx, x.s.db.ID, cs.Schemaname); err != nil {
			return nil, err
		}
		return &listCursor{tag: "CREATE SCHEMA"}, nil
	}}, nil
}
