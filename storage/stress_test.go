package storage

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/quartzdb/quartzdb/sql"
)

// Concurrent read-modify-write increments must never lose an update: under
// RepeatableRead and Serializable the losers get 40001 and retry; under
// ReadCommitted the writer re-reads the locked row (EvalPlanQual style).
func TestNoLostUpdates(t *testing.T) {
	for _, iso := range []IsolationLevel{ReadCommitted, RepeatableRead, Serializable} {
		t.Run(iso.String(), func(t *testing.T) {
			db, _ := openTestDB(t)
			td := setupTable(t, db)
			ctx := context.Background()
			insertCommit(t, db, td, row(int64(1), "counter", int64(0)))

			const workers, perWorker = 4, 25
			var wg sync.WaitGroup
			errc := make(chan error, workers)
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for done := 0; done < perWorker; {
						err := increment(ctx, db, td, iso)
						if sql.CodeOf(err) == sql.CodeSerializationFailure {
							continue
						}
						if err != nil {
							errc <- err
							return
						}
						done++
					}
				}()
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Fatal(err)
			}
			txn := db.Begin(ReadCommitted)
			defer txn.Rollback()
			r, err := txn.GetRowByPK(ctx, td, row(int64(1)))
			if err != nil {
				t.Fatal(err)
			}
			if r[2] != int64(workers*perWorker) {
				t.Errorf("counter = %v, want %d", r[2], workers*perWorker)
			}
		})
	}
}

func increment(ctx context.Context, db *DB, td *TableDesc, iso IsolationLevel) error {
	txn := db.Begin(iso)
	defer txn.Rollback()
	if err := txn.StartStatement(); err != nil {
		return err
	}
	cur, err := txn.GetRowByPK(ctx, td, row(int64(1)))
	if err != nil {
		return err
	}
	latest, _, err := txn.LockRow(ctx, td, cur)
	if err != nil {
		return err
	}
	n := latest[2].(int64) + 1
	if err := txn.UpdateRow(ctx, td, latest, row(int64(1), "counter", n)); err != nil {
		return err
	}
	return txn.Commit(ctx)
}

// Scanning while inserting into the same table in one transaction must not
// see the rows inserted after the scan began.
func TestScanIgnoresLaterOwnWrites(t *testing.T) {
	db, _ := openTestDB(t)
	td := setupTable(t, db)
	ctx := context.Background()
	txn := db.Begin(ReadCommitted)
	defer txn.Rollback()
	for i := int64(1); i <= 3; i++ {
		if err := txn.InsertRow(ctx, td, row(i, strconv.FormatInt(i, 10), nil)); err != nil {
			t.Fatal(err)
		}
	}
	it, err := txn.ScanTable(ctx, td)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	n := 0
	for {
		r, err := it.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r == nil {
			break
		}
		n++
		k := r[0].(int64) + 100
		if err := txn.InsertRow(ctx, td, row(k, strconv.FormatInt(k, 10), nil)); err != nil {
			t.Fatal(err)
		}
	}
	if n != 3 {
		t.Errorf("scan saw %d rows, want 3", n)
	}
}
