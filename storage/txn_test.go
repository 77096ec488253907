package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/sql"
)

func openTestDB(t *testing.T) (*DB, string) {
	t.Helper()
	dir := t.TempDir()
	return openTestDBAt(t, dir), dir
}

// openTestDBAt opens the database in dir, closed when the test ends.
func openTestDBAt(t *testing.T, dir string) *DB {
	t.Helper()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// reopenTestDB closes db cleanly and opens its directory again, as a
// restart does.
func reopenTestDB(t *testing.T, db *DB, dir string) *DB {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return openTestDBAt(t, dir)
}

func mustCommit(t testing.TB, txn *Txn) {
	t.Helper()
	if err := txn.Commit(context.Background()); err != nil {
		t.Fatalf("commit: %v", err)
	}
}

func putCommit(t *testing.T, db *DB, k, v string) {
	t.Helper()
	txn := db.Begin(ReadCommitted)
	if err := txn.Put(context.Background(), []byte(k), []byte(v)); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, txn)
}

func getStr(t *testing.T, txn *Txn, k string) string {
	t.Helper()
	v, ok, err := txn.Get(context.Background(), []byte(k))
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return "<absent>"
	}
	return string(v)
}

func wantCode(t *testing.T, err error, code string) *sql.Error {
	t.Helper()
	var se *sql.Error
	if !errors.As(err, &se) || se.Code != code {
		t.Fatalf("got error %v, want SQLSTATE %s", err, code)
	}
	return se
}

func TestVisibility(t *testing.T) {
	tests := []struct {
		iso  IsolationLevel
		want string // what the second statement sees after a concurrent commit
	}{
		{ReadCommitted, "new"},
		{RepeatableRead, "old"},
		{Serializable, "old"},
	}
	for _, tc := range tests {
		t.Run(tc.iso.String(), func(t *testing.T) {
			db, _ := openTestDB(t)
			putCommit(t, db, "k", "old")
			txn := db.Begin(tc.iso)
			defer txn.Rollback()
			if err := txn.StartStatement(); err != nil {
				t.Fatal(err)
			}
			if got := getStr(t, txn, "k"); got != "old" {
				t.Fatalf("first read %q", got)
			}
			putCommit(t, db, "k", "new")
			if got := getStr(t, txn, "k"); got != "old" {
				t.Errorf("same statement saw %q", got)
			}
			if err := txn.StartStatement(); err != nil {
				t.Fatal(err)
			}
			if got := getStr(t, txn, "k"); got != tc.want {
				t.Errorf("next statement saw %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOwnWritesAndRollback(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	putCommit(t, db, "a", "1")
	putCommit(t, db, "b", "2")
	putCommit(t, db, "d", "4")

	txn := db.Begin(ReadCommitted)
	if err := txn.StartStatement(); err != nil {
		t.Fatal(err)
	}
	if err := txn.Put(ctx, []byte("c"), []byte("3")); err != nil {
		t.Fatal(err)
	}
	if err := txn.Delete(ctx, []byte("b")); err != nil {
		t.Fatal(err)
	}
	if err := txn.Put(ctx, []byte("d"), []byte("44")); err != nil {
		t.Fatal(err)
	}
	if got := getStr(t, txn, "c"); got != "3" {
		t.Errorf("own write: %q", got)
	}
	if got := getStr(t, txn, "b"); got != "<absent>" {
		t.Errorf("own delete: %q", got)
	}
	it, err := txn.Scan(ctx, []byte("a"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for it.Next() {
		seen = append(seen, string(it.Key())+"="+string(it.Value()))
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	if want := "[a=1 c=3 d=44]"; fmtSlice(seen) != want {
		t.Errorf("scan %v, want %s", seen, want)
	}
	// Another transaction sees none of it.
	other := db.Begin(ReadCommitted)
	if got := getStr(t, other, "c"); got != "<absent>" {
		t.Errorf("other saw uncommitted %q", got)
	}
	other.Rollback()
	txn.Rollback()
	after := db.Begin(ReadCommitted)
	defer after.Rollback()
	if got := getStr(t, after, "b"); got != "2" {
		t.Errorf("after rollback b=%q", got)
	}
	if got := getStr(t, after, "c"); got != "<absent>" {
		t.Errorf("after rollback c=%q", got)
	}
}

func fmtSlice(s []string) string {
	out := "["
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out + "]"
}

func TestWriteConflictRepeatableRead(t *testing.T) {
	tests := []struct {
		iso      IsolationLevel
		wantCode string
	}{
		{ReadCommitted, ""},
		{RepeatableRead, sql.CodeSerializationFailure},
		{Serializable, sql.CodeSerializationFailure},
	}
	for _, tc := range tests {
		t.Run(tc.iso.String(), func(t *testing.T) {
			db, _ := openTestDB(t)
			ctx := context.Background()
			putCommit(t, db, "k", "0")
			txn := db.Begin(tc.iso)
			defer txn.Rollback()
			if err := txn.StartStatement(); err != nil {
				t.Fatal(err)
			}
			putCommit(t, db, "k", "1")
			err := txn.Put(ctx, []byte("k"), []byte("2"))
			if tc.wantCode == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			se := wantCode(t, err, tc.wantCode)
			if se.Message != "could not serialize access due to concurrent update" {
				t.Errorf("message %q", se.Message)
			}
		})
	}
}

func TestSerializableWriteSkew(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	putCommit(t, db, "doc1", "on")
	putCommit(t, db, "doc2", "on")
	t1 := db.Begin(Serializable)
	t2 := db.Begin(Serializable)
	defer t1.Rollback()
	defer t2.Rollback()
	for _, txn := range []*Txn{t1, t2} {
		if err := txn.StartStatement(); err != nil {
			t.Fatal(err)
		}
		it, err := txn.Scan(ctx, []byte("doc"), []byte("doc~"))
		if err != nil {
			t.Fatal(err)
		}
		for it.Next() {
		}
		_ = it.Close()
	}
	if err := t1.Put(ctx, []byte("doc1"), []byte("off")); err != nil {
		t.Fatal(err)
	}
	if err := t2.Put(ctx, []byte("doc2"), []byte("off")); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, t1)
	se := wantCode(t, t2.Commit(ctx), sql.CodeSerializationFailure)
	if se.Message != "could not serialize access due to read/write dependencies among transactions" {
		t.Errorf("message %q", se.Message)
	}
	check := db.Begin(ReadCommitted)
	defer check.Rollback()
	if got := getStr(t, check, "doc2"); got != "on" {
		t.Errorf("failed txn's write visible: %q", got)
	}

	// The same interleaving under RepeatableRead commits both (write skew is
	// allowed there, as in PostgreSQL).
	r1, r2 := db.Begin(RepeatableRead), db.Begin(RepeatableRead)
	for _, txn := range []*Txn{r1, r2} {
		if err := txn.StartStatement(); err != nil {
			t.Fatal(err)
		}
		getStr(t, txn, "doc1")
		getStr(t, txn, "doc2")
	}
	if err := r1.Put(ctx, []byte("x1"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	if err := r2.Put(ctx, []byte("x2"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, r1)
	mustCommit(t, r2)
}

func TestSerializableDisjointCommits(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	t1, t2 := db.Begin(Serializable), db.Begin(Serializable)
	for i, txn := range []*Txn{t1, t2} {
		if err := txn.StartStatement(); err != nil {
			t.Fatal(err)
		}
		k := []byte{'a' + byte(i)}
		getStr(t, txn, string(k))
		if err := txn.Put(ctx, k, []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	mustCommit(t, t1)
	mustCommit(t, t2)
}

func TestLockWaitCancelled(t *testing.T) {
	db, _ := openTestDB(t)
	t1 := db.Begin(ReadCommitted)
	defer t1.Rollback()
	if err := t1.Put(context.Background(), []byte("k"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	t2 := db.Begin(ReadCommitted)
	defer t2.Rollback()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- t2.Put(ctx, []byte("k"), []byte("2")) }()
	waitUntilWaiting(t, db, t2)
	cancel()
	wantCode(t, <-errc, sql.CodeQueryCanceled)
}

// waitUntilWaiting blocks until txn is queued on a lock.
func waitUntilWaiting(t *testing.T, db *DB, txn *Txn) {
	t.Helper()
	for i := 0; ; i++ {
		db.locks.mu.Lock()
		_, ok := db.locks.waiting[txn.id]
		db.locks.mu.Unlock()
		if ok {
			return
		}
		if i > 10000 {
			t.Fatal("transaction never started waiting")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestDeadlock(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	t1, t2 := db.Begin(ReadCommitted), db.Begin(ReadCommitted)
	if err := t1.Put(ctx, []byte("a"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	if err := t2.Put(ctx, []byte("b"), []byte("2")); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- t1.Put(ctx, []byte("b"), []byte("1")) }()
	waitUntilWaiting(t, db, t1)
	err := t2.Put(ctx, []byte("a"), []byte("2"))
	se := wantCode(t, err, sql.CodeDeadlockDetected)
	if se.Message != "deadlock detected" {
		t.Errorf("message %q", se.Message)
	}
	t2.Rollback()
	if err := <-errc; err != nil {
		t.Fatalf("survivor: %v", err)
	}
	mustCommit(t, t1)
	check := db.Begin(ReadCommitted)
	defer check.Rollback()
	if got := getStr(t, check, "b"); got != "1" {
		t.Errorf("b=%q", got)
	}
}

func TestReopenKeepsCommitted(t *testing.T) {
	db, dir := openTestDB(t)
	putCommit(t, db, "kept", "yes")
	lost := db.Begin(ReadCommitted)
	if err := lost.Put(context.Background(), []byte("lost"), []byte("yes")); err != nil {
		t.Fatal(err)
	}
	lost.Rollback()
	txn := reopenTestDB(t, db, dir).Begin(ReadCommitted)
	defer txn.Rollback()
	if got := getStr(t, txn, "kept"); got != "yes" {
		t.Errorf("kept=%q", got)
	}
	if got := getStr(t, txn, "lost"); got != "<absent>" {
		t.Errorf("lost=%q", got)
	}
}

func TestUseAfterFinish(t *testing.T) {
	db, _ := openTestDB(t)
	txn := db.Begin(ReadCommitted)
	mustCommit(t, txn)
	if err := txn.Put(context.Background(), []byte("k"), nil); !errors.Is(err, errTxnDone) {
		t.Errorf("put after commit: %v", err)
	}
	if err := txn.Commit(context.Background()); !errors.Is(err, errTxnDone) {
		t.Errorf("second commit: %v", err)
	}
	txn.Rollback()
}

func TestSequences(t *testing.T) {
	db, dir := openTestDB(t)
	ctx := context.Background()
	seen := map[int64]bool{}
	var last int64
	for i := 0; i < 40; i++ {
		v, err := db.NextVal(ctx, "s")
		if err != nil {
			t.Fatal(err)
		}
		if v != int64(i+1) {
			t.Fatalf("value %d is %d", i, v)
		}
		seen[v], last = true, v
	}
	db = reopenTestDB(t, db, dir)
	v, err := db.NextVal(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	if v <= last || seen[v] {
		t.Errorf("after restart got %d, last handed out %d", v, last)
	}
	if err := db.SetVal(ctx, "s", 100, true); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.NextVal(ctx, "s"); v != 101 {
		t.Errorf("after setval(100, true): %d", v)
	}
	if err := db.SetVal(ctx, "s", 7, false); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.NextVal(ctx, "s"); v != 7 {
		t.Errorf("after setval(7, false): %d", v)
	}
	if err := db.CreateSequence(ctx, "down", -1, -2); err != nil {
		t.Fatal(err)
	}
	a, _ := db.NextVal(ctx, "down")
	b, _ := db.NextVal(ctx, "down")
	if a != -1 || b != -3 {
		t.Errorf("descending sequence gave %d, %d", a, b)
	}
}

// TestWaitForWritersDeadlock: an index build waiting for the open writers
// fails with 40P01, instead of waiting forever, when a writer waits for a
// row lock the builder's own transaction holds, whether the writer was
// already waiting or starts waiting after the build did, directly or
// through another writer. Other writers are simply waited for.
func TestWaitForWritersDeadlock(t *testing.T) {
	for _, tc := range []struct {
		name        string
		chain, late bool
	}{{"direct", false, false}, {"starts waiting later", false, true}, {"through another writer", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openTestDB(t)
			ctx := context.Background()
			builder, writer, middle := db.Begin(ReadCommitted), db.Begin(ReadCommitted), db.Begin(ReadCommitted)
			for _, w := range []struct {
				txn *Txn
				key string
			}{{builder, "held"}, {writer, "w"}, {middle, "m"}} {
				if err := w.txn.Put(ctx, []byte(w.key), []byte("1")); err != nil {
					t.Fatal(err)
				}
			}
			blockedOn := "held"
			middlec := make(chan error, 1)
			if tc.chain {
				// writer waits for middle, middle for the builder.
				blockedOn = "m"
				go func() { middlec <- middle.Put(ctx, []byte("held"), []byte("2")) }()
				waitUntilWaiting(t, db, middle)
			}
			errc := make(chan error, 1)
			block := func() {
				go func() { errc <- writer.Put(ctx, []byte(blockedOn), []byte("2")) }()
				waitUntilWaiting(t, db, writer)
			}
			if !tc.late {
				block()
			}
			waited := make(chan error, 1)
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			go func() { waited <- db.WaitForWriters(wctx, builder) }()
			if tc.late {
				time.Sleep(2 * deadlockCheckInterval)
				block()
			}
			wantCode(t, <-waited, sql.CodeDeadlockDetected)
			builder.Rollback()
			if tc.chain {
				if err := <-middlec; err != nil {
					t.Fatalf("middle writer after the builder rolled back: %v", err)
				}
			}
			middle.Rollback()
			if err := <-errc; err != nil {
				t.Fatalf("writer after the builder rolled back: %v", err)
			}
			writer.Rollback()
		})
	}
}
