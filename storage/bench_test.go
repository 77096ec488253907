package storage

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/quartzdb/quartzdb/sql"
)

// BenchmarkInsertCommit measures single-row autocommit inserts from
// parallel goroutines (each commit synced).
func BenchmarkInsertCommit(b *testing.B) {
	dir := b.TempDir()
	db, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	td := setupTable(b, db)
	var next atomic.Int64
	ctx := context.Background()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			txn := db.Begin(ReadCommitted)
			if err := txn.InsertRow(ctx, td, []sql.Datum{i, nil, i}); err != nil {
				b.Error(err)
				return
			}
			if err := txn.Commit(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkGetVectorRowByPK measures point reads of wide rows (a 784-d
// vector, 3 KiB) by primary key at random, as an HNSW index scan does for
// each candidate it returns: 60,000 rows loaded in one transaction, then
// read under a fresh read-committed snapshot per 10 reads.
func BenchmarkGetVectorRowByPK(b *testing.B) {
	db, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	txn := db.Begin(ReadCommitted)
	dbID, schemaID := createApp(b, txn)
	td := &TableDesc{DBID: dbID, SchemaID: schemaID, Name: "v",
		Columns:    []ColumnDesc{{ID: 1, Name: "id", Type: sql.TypeInt8, NotNull: true}, {ID: 2, Name: "e", Type: sql.Type{OID: sql.OIDVector, Typmod: 784}}},
		PrimaryKey: []uint32{1}}
	if err := txn.CreateTable(ctx, td); err != nil {
		b.Fatal(err)
	}
	mustCommit(b, txn)
	const rows = 60000
	vec := make(sql.Vector, 784)
	for lo := 0; lo < rows; lo += 5000 {
		txn := db.Begin(ReadCommitted)
		for i := lo; i < lo+5000; i++ {
			vec[0] = float32(i)
			if err := txn.InsertRow(ctx, td, []sql.Datum{int64(i), append(sql.Vector(nil), vec...)}); err != nil {
				b.Fatal(err)
			}
		}
		mustCommit(b, txn)
	}
	b.ResetTimer()
	key := uint64(12345)
	for i := 0; i < b.N; i += 10 {
		txn := db.Begin(ReadCommitted)
		for j := 0; j < 10; j++ {
			key = key*6364136223846793005 + 1442695040888963407
			id := int64(key>>33) % rows
			row, err := txn.GetRowByPK(ctx, td, []sql.Datum{id})
			if err != nil || row == nil || row[1].(sql.Vector)[0] != float32(id) {
				b.Fatalf("row %d: %v %v", id, row, err)
			}
		}
		txn.Rollback()
	}
}
