package storage

import (
	"context"
	"reflect"
	"testing"

	"github.com/quartzdb/quartzdb/sql"
)

// setupTable creates database "app" with table
// t(a int8 primary key, b text unique (t_b_key), c int8).
func setupTable(t testing.TB, db *DB) *TableDesc {
	t.Helper()
	txn := db.Begin(ReadCommitted)
	dbID, schemaID := createApp(t, txn)
	td := &TableDesc{
		DBID: dbID, SchemaID: schemaID, Name: "t",
		Columns: []ColumnDesc{
			{ID: 1, Name: "a", Type: sql.TypeInt8, NotNull: true},
			{ID: 2, Name: "b", Type: sql.TypeText},
			{ID: 3, Name: "c", Type: sql.TypeInt8},
		},
		PrimaryKey: []uint32{1},
		Indexes:    []IndexDesc{{Name: "t_b_key", ColumnIDs: []uint32{2}, Unique: true}},
	}
	if err := txn.CreateTable(context.Background(), td); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, txn)
	return td
}

// createApp creates database "app" in txn and returns its ID and that of
// its public schema.
func createApp(t testing.TB, txn *Txn) (dbID, schemaID uint32) {
	t.Helper()
	ctx := context.Background()
	d, err := txn.CreateDatabase(ctx, "app")
	if err != nil {
		t.Fatal(err)
	}
	s, err := txn.LookupSchema(ctx, d.ID, "public")
	if err != nil || s == nil {
		t.Fatalf("public schema: %v %v", s, err)
	}
	return d.ID, s.ID
}

func scanAll(t *testing.T, txn *Txn, td *TableDesc) [][]sql.Datum {
	t.Helper()
	it, err := txn.ScanTable(context.Background(), td)
	if err != nil {
		t.Fatal(err)
	}
	return drain(t, it)
}

// drain reads the rest of it's rows and closes it.
func drain(t *testing.T, it RowIterator) [][]sql.Datum {
	t.Helper()
	defer it.Close()
	var rows [][]sql.Datum
	for {
		r, err := it.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if r == nil {
			return rows
		}
		rows = append(rows, r)
	}
}

// insertCommit inserts rows into td in one committed transaction.
func insertCommit(t testing.TB, db *DB, td *TableDesc, rows ...[]sql.Datum) {
	t.Helper()
	txn := db.Begin(ReadCommitted)
	for _, r := range rows {
		if err := txn.InsertRow(context.Background(), td, r); err != nil {
			t.Fatal(err)
		}
	}
	mustCommit(t, txn)
}

func row(vals ...sql.Datum) []sql.Datum { return vals }

func TestUniqueViolation(t *testing.T) {
	db, _ := openTestDB(t)
	td := setupTable(t, db)
	ctx := context.Background()
	insertCommit(t, db, td, row(int64(1), "x", nil))

	tests := []struct {
		name       string
		row        []sql.Datum
		code       string
		message    string
		detail     string
		constraint string
	}{
		{"pk", row(int64(1), "y", nil), sql.CodeUniqueViolation,
			`duplicate key value violates unique constraint "t_pkey"`, "Key (a)=(1) already exists.", "t_pkey"},
		{"unique", row(int64(2), "x", nil), sql.CodeUniqueViolation,
			`duplicate key value violates unique constraint "t_b_key"`, "Key (b)=(x) already exists.", "t_b_key"},
		{"not null", row(nil, "z", nil), sql.CodeNotNullViolation,
			`null value in column "a" of relation "t" violates not-null constraint`, "Failing row contains (null, z, null).", ""},
		{"null never conflicts 1", row(int64(3), nil, nil), "", "", "", ""},
		{"null never conflicts 2", row(int64(4), nil, nil), "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			txn := db.Begin(ReadCommitted)
			defer txn.Rollback()
			err := txn.InsertRow(ctx, td, tc.row)
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				mustCommit(t, txn)
				return
			}
			se := wantCode(t, err, tc.code)
			if se.Message != tc.message || se.Detail != tc.detail || se.ConstraintName != tc.constraint {
				t.Errorf("got %q / %q / %q", se.Message, se.Detail, se.ConstraintName)
			}
		})
	}
	// Own writes count: a duplicate inside one transaction fails too.
	txn := db.Begin(ReadCommitted)
	defer txn.Rollback()
	if err := txn.InsertRow(ctx, td, row(int64(10), "dup", nil)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, txn.InsertRow(ctx, td, row(int64(11), "dup", nil)), sql.CodeUniqueViolation)
}

func TestConcurrentUniqueInsert(t *testing.T) {
	for _, first := range []string{"commit", "rollback"} {
		t.Run(first, func(t *testing.T) {
			db, _ := openTestDB(t)
			td := setupTable(t, db)
			ctx := context.Background()
			t1 := db.Begin(ReadCommitted)
			if err := t1.InsertRow(ctx, td, row(int64(1), "same", nil)); err != nil {
				t.Fatal(err)
			}
			t2 := db.Begin(ReadCommitted)
			defer t2.Rollback()
			errc := make(chan error, 1)
			go func() { errc <- t2.InsertRow(ctx, td, row(int64(2), "same", nil)) }()
			waitUntilWaiting(t, db, t2)
			if first == "commit" {
				mustCommit(t, t1)
				wantCode(t, <-errc, sql.CodeUniqueViolation)
			} else {
				t1.Rollback()
				if err := <-errc; err != nil {
					t.Fatal(err)
				}
				mustCommit(t, t2)
			}
		})
	}
}

func TestRowOps(t *testing.T) {
	db, _ := openTestDB(t)
	td := setupTable(t, db)
	ctx := context.Background()
	insertCommit(t, db, td, row(int64(1), "p", int64(0)), row(int64(2), "q", int64(10)), row(int64(3), "r", int64(20)))

	txn := db.Begin(ReadCommitted)
	if err := txn.StartStatement(); err != nil {
		t.Fatal(err)
	}
	// Change the primary key and the unique column of row 1.
	if err := txn.UpdateRow(ctx, td, row(int64(1), "p", int64(0)), row(int64(9), "pp", int64(0))); err != nil {
		t.Fatal(err)
	}
	// Moving row 2 onto row 3's unique value fails.
	wantCode(t, txn.UpdateRow(ctx, td, row(int64(2), "q", int64(10)), row(int64(2), "r", int64(10))), sql.CodeUniqueViolation)
	if err := txn.DeleteRow(ctx, td, row(int64(3), "r", int64(20))); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, txn)

	txn = db.Begin(ReadCommitted)
	defer txn.Rollback()
	want := [][]sql.Datum{row(int64(2), "q", int64(10)), row(int64(9), "pp", int64(0))}
	if got := scanAll(t, txn, td); !reflect.DeepEqual(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	// The old unique value p and deleted r are free again.
	if err := txn.InsertRow(ctx, td, row(int64(5), "p", nil)); err != nil {
		t.Fatal(err)
	}
	if err := txn.InsertRow(ctx, td, row(int64(6), "r", nil)); err != nil {
		t.Fatal(err)
	}
	got, err := txn.LookupUnique(ctx, td, &td.Indexes[1], row("pp"))
	if err != nil || !reflect.DeepEqual(got, row(int64(9), "pp", int64(0))) {
		t.Errorf("LookupUnique(pp) = %v, %v", got, err)
	}
	got, err = txn.GetRowByPK(ctx, td, row(int64(1)))
	if err != nil || got != nil {
		t.Errorf("GetRowByPK(1) = %v, %v", got, err)
	}
	it, err := txn.ScanPKRange(ctx, td, row(int64(2)), false, row(int64(6)), true)
	if err != nil {
		t.Fatal(err)
	}
	var keys []sql.Datum
	for _, r := range drain(t, it) {
		keys = append(keys, r[0])
	}
	if !reflect.DeepEqual(keys, row(int64(5), int64(6))) {
		t.Errorf("range (2, 6] gave %v", keys)
	}
}

func TestLockRow(t *testing.T) {
	tests := []struct {
		iso  IsolationLevel
		code string
	}{
		{ReadCommitted, ""},
		{RepeatableRead, sql.CodeSerializationFailure},
	}
	for _, tc := range tests {
		t.Run(tc.iso.String(), func(t *testing.T) {
			db, _ := openTestDB(t)
			td := setupTable(t, db)
			ctx := context.Background()
			insertCommit(t, db, td, row(int64(1), "x", int64(1)))

			txn := db.Begin(tc.iso)
			defer txn.Rollback()
			if err := txn.StartStatement(); err != nil {
				t.Fatal(err)
			}
			seen := scanAll(t, txn, td)[0]
			// Unchanged row: not changed.
			latest, changed, err := txn.LockRow(ctx, td, seen)
			if err != nil || changed || !reflect.DeepEqual(latest, seen) {
				t.Fatalf("unchanged row: %v %v %v", latest, changed, err)
			}
			txn.Rollback()

			txn = db.Begin(tc.iso)
			if err := txn.StartStatement(); err != nil {
				t.Fatal(err)
			}
			seen = scanAll(t, txn, td)[0]
			upd := db.Begin(ReadCommitted)
			if err := upd.UpdateRow(ctx, td, seen, row(int64(1), "x", int64(2))); err != nil {
				t.Fatal(err)
			}
			mustCommit(t, upd)
			latest, changed, err = txn.LockRow(ctx, td, seen)
			if tc.code != "" {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil || !changed || !reflect.DeepEqual(latest, row(int64(1), "x", int64(2))) {
				t.Errorf("changed row: %v %v %v", latest, changed, err)
			}
		})
	}
}

func TestHiddenRowID(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	txn := db.Begin(ReadCommitted)
	dbID, schemaID := createApp(t, txn)
	td := &TableDesc{DBID: dbID, SchemaID: schemaID, Name: "log", Columns: []ColumnDesc{{Name: "msg", Type: sql.TypeText}}}
	if err := txn.CreateTable(ctx, td); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := txn.InsertRow(ctx, td, row("same")); err != nil {
			t.Fatal(err)
		}
	}
	rows := scanAll(t, txn, td)
	if len(rows) != 2 || len(rows[0]) != 2 || rows[0][0] != "same" || rows[0][1] == rows[1][1] {
		t.Fatalf("rows %v", rows)
	}
	if err := txn.UpdateRow(ctx, td, rows[0], row("changed")); err != nil {
		t.Fatal(err)
	}
	if err := txn.DeleteRow(ctx, td, rows[1]); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, txn)
	txn = db.Begin(ReadCommitted)
	defer txn.Rollback()
	rows2 := scanAll(t, txn, td)
	if len(rows2) != 1 || rows2[0][0] != "changed" || rows2[0][1] != rows[0][1] {
		t.Errorf("after update/delete: %v", rows2)
	}
}

func TestDDLRollbackAndVersion(t *testing.T) {
	db, _ := openTestDB(t)
	td := setupTable(t, db)
	ctx := context.Background()
	v0 := db.CatalogVersion()

	txn := db.Begin(ReadCommitted)
	if err := txn.DropTable(ctx, td); err != nil {
		t.Fatal(err)
	}
	nt := &TableDesc{DBID: td.DBID, SchemaID: td.SchemaID, Name: "u", Columns: []ColumnDesc{{Name: "x", Type: sql.TypeInt8}}, PrimaryKey: []uint32{1}}
	if err := txn.CreateTable(ctx, nt); err != nil {
		t.Fatal(err)
	}
	if !txn.HasDDL() {
		t.Error("HasDDL false after DDL")
	}
	if got, _ := txn.LookupTable(ctx, td.DBID, td.SchemaID, "t"); got != nil {
		t.Error("dropped table visible in its own txn")
	}
	txn.Rollback()
	if db.CatalogVersion() != v0 {
		t.Error("rollback bumped the catalog version")
	}
	txn = db.Begin(ReadCommitted)
	if got, _ := txn.LookupTable(ctx, td.DBID, td.SchemaID, "t"); got == nil {
		t.Error("dropped table gone after rollback")
	}
	if got, _ := txn.LookupTable(ctx, td.DBID, td.SchemaID, "u"); got != nil {
		t.Error("created table present after rollback")
	}
	wantCode(t, txn.CreateTable(ctx, &TableDesc{DBID: td.DBID, SchemaID: td.SchemaID, Name: "t"}), sql.CodeDuplicateTable)
	txn.Rollback()

	txn = db.Begin(ReadCommitted)
	_, err := txn.CreateDatabase(ctx, "app")
	se := wantCode(t, err, sql.CodeDuplicateDatabase)
	if se.Message != `database "app" already exists` {
		t.Errorf("message %q", se.Message)
	}
	_, err = txn.CreateSchema(ctx, td.DBID, "public")
	wantCode(t, err, sql.CodeDuplicateSchema)
	txn.Rollback()

	txn = db.Begin(ReadCommitted)
	if _, err := txn.CreateSchema(ctx, td.DBID, "other"); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, txn)
	if db.CatalogVersion() <= v0 {
		t.Error("committed DDL did not bump the catalog version")
	}
}

func TestAlterTableAndReopen(t *testing.T) {
	db, dir := openTestDB(t)
	td := setupTable(t, db)
	ctx := context.Background()
	insertCommit(t, db, td, row(int64(1), "x", int64(5)))

	// ALTER TABLE t RENAME TO t2, DROP COLUMN c, ADD COLUMN d int DEFAULT 7,
	// ADD COLUMN e serial.
	txn := db.Begin(ReadCommitted)
	alt := td.Clone()
	alt.Name = "t2"
	alt.Columns = alt.Columns[:2]
	alt.Columns = append(alt.Columns,
		ColumnDesc{Name: "d", Type: sql.TypeInt8, Default: "7", Missing: int64(7)},
		ColumnDesc{Name: "e", Type: sql.TypeInt8, SequenceKey: SequenceAuto})
	if err := txn.UpdateTable(ctx, alt); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, txn)
	if alt.Columns[2].ID != 4 || alt.Columns[3].SequenceKey == SequenceAuto {
		t.Errorf("columns not prepared: %+v", alt.Columns)
	}

	txn = reopenTestDB(t, db, dir).Begin(ReadCommitted)
	defer txn.Rollback()
	got, err := txn.LookupTable(ctx, td.DBID, td.SchemaID, "t2")
	if err != nil || got == nil {
		t.Fatalf("t2: %v %v", got, err)
	}
	if old, _ := txn.LookupTable(ctx, td.DBID, td.SchemaID, "t"); old != nil {
		t.Error("old name still resolves")
	}
	if m, ok := got.Columns[2].Missing.(int64); !ok || m != 7 {
		t.Errorf("Missing came back as %#v", got.Columns[2].Missing)
	}
	rows := scanAll(t, txn, got)
	if want := [][]sql.Datum{row(int64(1), "x", int64(7), nil)}; !reflect.DeepEqual(rows, want) {
		t.Errorf("rows %v, want %v", rows, want)
	}
	if v, err := txn.NextVal(ctx, got.Columns[3].SequenceKey); err != nil || v != 1 {
		t.Errorf("serial nextval %d %v", v, err)
	}
	tables, err := txn.ListTables(ctx, td.DBID)
	if err != nil || len(tables) != 1 {
		t.Errorf("ListTables %v %v", tables, err)
	}
}

func TestAddUniqueBackfill(t *testing.T) {
	db, _ := openTestDB(t)
	td := setupTable(t, db)
	ctx := context.Background()
	insertCommit(t, db, td, row(int64(1), nil, int64(5)), row(int64(2), nil, int64(5)))
	txn := db.Begin(ReadCommitted)
	defer txn.Rollback()
	alt := td.Clone()
	alt.Indexes = append(alt.Indexes, IndexDesc{Name: "t_c_key", ColumnIDs: []uint32{3}, Unique: true})
	se := wantCode(t, txn.UpdateTable(ctx, alt), sql.CodeUniqueViolation)
	if se.Detail != "Key (c)=(5) already exists." {
		t.Errorf("detail %q", se.Detail)
	}
}

func TestDropDatabase(t *testing.T) {
	db, _ := openTestDB(t)
	td := setupTable(t, db)
	ctx := context.Background()
	insertCommit(t, db, td, row(int64(1), "x", nil))
	txn := db.Begin(ReadCommitted)
	if err := txn.DropDatabase(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, txn)
	txn = db.Begin(ReadCommitted)
	defer txn.Rollback()
	if d, err := txn.LookupDatabase(ctx, "app"); d != nil || err != nil {
		t.Errorf("database still there: %v %v", d, err)
	}
	if rows := scanAll(t, txn, td); len(rows) != 0 {
		t.Errorf("rows survived: %v", rows)
	}
	if err := txn.DropDatabase(ctx, "app"); err == nil {
		t.Error("dropping a missing database succeeded")
	} else {
		wantCode(t, err, sql.CodeInvalidCatalogName)
	}
	dbs, err := txn.ListDatabases(ctx)
	if err != nil || len(dbs) != 0 {
		t.Errorf("ListDatabases %v %v", dbs, err)
	}
}

func TestExtensionsAreTransactional(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	txn := db.Begin(ReadCommitted)
	if _, err := txn.CreateExtension(ctx, 1, "vector", "0.8.0"); err != nil {
		t.Fatal(err)
	}
	if _, err := txn.CreateExtension(ctx, 1, "vector", "0.8.0"); sql.CodeOf(err) != sql.CodeDuplicateObject {
		t.Fatalf("second create: %v, want 42710", err)
	}
	txn.Rollback()
	txn = db.Begin(ReadCommitted)
	if d, err := txn.LookupExtension(ctx, 1, "vector"); err != nil || d != nil {
		t.Fatalf("after rollback: %v %v", d, err)
	}
	if _, err := txn.CreateExtension(ctx, 1, "vector", "0.8.0"); err != nil {
		t.Fatal(err)
	}
	if err := txn.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	txn = db.Begin(ReadCommitted)
	defer txn.Rollback()
	list, err := txn.ListExtensions(ctx, 1)
	if err != nil || len(list) != 1 || list[0].Name != "vector" || list[0].Version != "0.8.0" {
		t.Fatalf("list: %v %v", list, err)
	}
	if other, err := txn.ListExtensions(ctx, 2); err != nil || len(other) != 0 {
		t.Fatalf("other database sees %v (%v)", other, err)
	}
}
