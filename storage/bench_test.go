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
