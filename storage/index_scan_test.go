package storage

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/quartzdb/quartzdb/sql"
)

// TestScanIndexEq checks equality scans through a plain and a unique
// index against what a full scan finds, including the transaction's own
// uncommitted writes and deletes.
func TestScanIndexEq(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	td := setupTable(t, db) // a int8 PRIMARY KEY, b text UNIQUE, c int8
	td.Indexes = append(td.Indexes, IndexDesc{Name: "t_c_idx", ColumnIDs: []uint32{3}})
	txn := db.Begin(ReadCommitted)
	if err := txn.UpdateTable(ctx, td); err != nil {
		t.Fatal(err)
	}
	for i := int64(1); i <= 50; i++ {
		if err := txn.InsertRow(ctx, td, []sql.Datum{i, fmt.Sprintf("b%d", i), i % 7}); err != nil {
			t.Fatal(err)
		}
	}
	mustCommit(t, txn)
	td, err = db.Begin(ReadCommitted).TableByID(ctx, td.ID)
	if err != nil {
		t.Fatal(err)
	}
	byName := func(name string) *IndexDesc {
		for i := range td.Indexes {
			if td.Indexes[i].Name == name {
				return &td.Indexes[i]
			}
		}
		t.Fatalf("no index %s", name)
		return nil
	}
	ids := func(it RowIterator, err error) []int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer it.Close()
		var out []int64
		for {
			row, err := it.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if row == nil {
				sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
				return out
			}
			out = append(out, row[0].(int64))
		}
	}
	txn = db.Begin(ReadCommitted)
	defer txn.Rollback()
	// Own writes: a new row with c = 3, a deleted one, a moved one.
	if err := txn.InsertRow(ctx, td, []sql.Datum{int64(100), "b100", int64(3)}); err != nil {
		t.Fatal(err)
	}
	old, _ := txn.GetRowByPK(ctx, td, []sql.Datum{int64(10)}) // c = 3
	if err := txn.DeleteRow(ctx, td, old); err != nil {
		t.Fatal(err)
	}
	old, _ = txn.GetRowByPK(ctx, td, []sql.Datum{int64(2)}) // c = 2 → 3
	if err := txn.UpdateRow(ctx, td, old, []sql.Datum{int64(2), "b2", int64(3)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		index string
		vals  []sql.Datum
		want  string
	}{
		{"t_c_idx", []sql.Datum{int64(3)}, "[2 3 17 24 31 38 45 100]"},
		{"t_c_idx", []sql.Datum{int64(2)}, "[9 16 23 30 37 44]"},
		{"t_c_idx", []sql.Datum{int64(99)}, "[]"},
		{"t_c_idx", []sql.Datum{nil}, "[]"},
		{"t_b_key", []sql.Datum{"b7"}, "[7]"},
		{"t_b_key", []sql.Datum{"b10"}, "[]"},
		{"t_pkey", []sql.Datum{int64(5)}, "[5]"},
	} {
		got := ids(txn.ScanIndexEq(ctx, td, byName(c.index), c.vals))
		if fmt.Sprint(got) != c.want && !(len(got) == 0 && c.want == "[]") {
			t.Errorf("%s = %v: got %v, want %s", c.index, c.vals, got, c.want)
		}
	}
}
