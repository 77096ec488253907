package storage

import (
	"context"
	"testing"
	"time"
)

// TestSavepointRollback checks that rolling back to a savepoint undoes the
// point writes and range deletions made after it, keeps the earlier ones,
// and leaves the savepoint usable; releasing merges into the parent.
func TestSavepointRollback(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	putCommit(t, db, "a", "1")
	putCommit(t, db, "r1", "x")
	putCommit(t, db, "r2", "y")

	txn := db.Begin(ReadCommitted)
	if err := txn.Put(ctx, []byte("b"), []byte("before")); err != nil {
		t.Fatal(err)
	}
	sp, err := txn.Savepoint()
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ {
		if err := txn.Put(ctx, []byte("b"), []byte("after")); err != nil {
			t.Fatal(err)
		}
		if err := txn.Delete(ctx, []byte("a")); err != nil {
			t.Fatal(err)
		}
		if err := txn.Put(ctx, []byte("r1b"), []byte("z")); err != nil {
			t.Fatal(err)
		}
		if err := txn.DeleteRange(ctx, []byte("r"), []byte("s")); err != nil {
			t.Fatal(err)
		}
		if got := getStr(t, txn, "r2"); got != "<absent>" {
			t.Fatalf("r2 after range delete = %q", got)
		}
		if err := txn.RollbackToSavepoint(sp); err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]string{"a": "1", "b": "before", "r1": "x", "r2": "y", "r1b": "<absent>"} {
			if got := getStr(t, txn, k); got != want {
				t.Fatalf("round %d: %s = %q, want %q", round, k, got, want)
			}
		}
	}
	inner, err := txn.Savepoint()
	if err != nil {
		t.Fatal(err)
	}
	if err := txn.Put(ctx, []byte("c"), []byte("kept")); err != nil {
		t.Fatal(err)
	}
	txn.ReleaseSavepoint(inner)
	txn.ReleaseSavepoint(sp)
	mustCommit(t, txn)

	check := db.Begin(ReadCommitted)
	defer check.Rollback()
	for k, want := range map[string]string{"a": "1", "b": "before", "c": "kept", "r1": "x"} {
		if got := getStr(t, check, k); got != want {
			t.Fatalf("committed %s = %q, want %q", k, got, want)
		}
	}
}

// TestSavepointNested checks that rolling back to an outer savepoint undoes
// an inner released one's writes too.
func TestSavepointNested(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	txn := db.Begin(ReadCommitted)
	defer txn.Rollback()
	outer, _ := txn.Savepoint()
	_ = txn.Put(ctx, []byte("k"), []byte("1"))
	inner, _ := txn.Savepoint()
	_ = txn.Put(ctx, []byte("k"), []byte("2"))
	txn.ReleaseSavepoint(inner)
	if got := getStr(t, txn, "k"); got != "2" {
		t.Fatalf("k = %q", got)
	}
	if err := txn.RollbackToSavepoint(outer); err != nil {
		t.Fatal(err)
	}
	if got := getStr(t, txn, "k"); got != "<absent>" {
		t.Fatalf("k after rollback = %q", got)
	}
	if err := txn.RollbackToSavepoint(inner); err == nil {
		t.Fatal("rollback to a released savepoint succeeded")
	}
}

// TestSavepointReleasesLocks checks that a rollback to a savepoint lets go
// of the locks taken after it, and keeps the ones taken before.
func TestSavepointReleasesLocks(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	txn := db.Begin(ReadCommitted)
	defer txn.Rollback()
	_ = txn.Put(ctx, []byte("held"), []byte("1"))
	sp, _ := txn.Savepoint()
	_ = txn.Put(ctx, []byte("freed"), []byte("1"))
	if err := txn.RollbackToSavepoint(sp); err != nil {
		t.Fatal(err)
	}
	other := db.Begin(ReadCommitted)
	defer other.Rollback()
	if err := other.Put(ctx, []byte("freed"), []byte("2")); err != nil {
		t.Fatalf("lock not released: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := other.Put(short, []byte("held"), []byte("2")); err == nil {
		t.Fatal("lock taken before the savepoint was released")
	}
}
