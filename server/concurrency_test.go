package server_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/quartzdb/quartzdb/server"
)

func connect(t *testing.T, ctx context.Context, addr, password string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(ctx, dsn(addr, password))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func sqlstate(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// TestConcurrentTransactions checks PostgreSQL's isolation behaviour
// between two sessions: a READ COMMITTED writer waits for the row lock and
// then applies its change to the newest version; REPEATABLE READ gets
// 40001 instead; readers never wait for writers; a deadlock is broken
// with 40P01.
func TestConcurrentTransactions(t *testing.T) {
	addr, password := server.StartTestServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a := connect(t, ctx, addr, password)
	b := connect(t, ctx, addr, password)
	mustExec(t, a, `CREATE TABLE acct (id int PRIMARY KEY, bal int NOT NULL)`)
	mustExec(t, a, `INSERT INTO acct VALUES (1, 100), (2, 100)`)
	balance := func(id int) int {
		t.Helper()
		var v int
		if err := b.QueryRow(ctx, `SELECT bal FROM acct WHERE id = $1`, id).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}

	t.Run("read committed waits then updates the newest row", func(t *testing.T) {
		mustExec(t, a, `BEGIN`)
		mustExec(t, a, `UPDATE acct SET bal = bal + 10 WHERE id = 1`)
		// A reader is not blocked and sees the committed value.
		if v := balance(1); v != 100 {
			t.Fatalf("reader saw %d, want 100", v)
		}
		done := make(chan error, 1)
		go func() {
			_, err := b.Exec(ctx, `UPDATE acct SET bal = bal + 5 WHERE id = 1`)
			done <- err
		}()
		select {
		case err := <-done:
			t.Fatalf("second writer did not wait for the row lock (err %v)", err)
		case <-time.After(300 * time.Millisecond):
		}
		mustExec(t, a, `COMMIT`)
		if err := <-done; err != nil {
			t.Fatalf("second writer: %v", err)
		}
		if v := balance(1); v != 115 {
			t.Fatalf("balance %d, want 115 (no lost update)", v)
		}
	})

	t.Run("repeatable read reports a concurrent update", func(t *testing.T) {
		mustExec(t, a, `BEGIN ISOLATION LEVEL REPEATABLE READ`)
		var before int
		if err := a.QueryRow(ctx, `SELECT bal FROM acct WHERE id = 2`).Scan(&before); err != nil {
			t.Fatal(err)
		}
		mustExec(t, b, `UPDATE acct SET bal = bal + 1 WHERE id = 2`)
		var again int
		if err := a.QueryRow(ctx, `SELECT bal FROM acct WHERE id = 2`).Scan(&again); err != nil || again != before {
			t.Fatalf("snapshot changed inside REPEATABLE READ: %d then %d (%v)", before, again, err)
		}
		_, err := a.Exec(ctx, `UPDATE acct SET bal = bal + 1 WHERE id = 2`)
		if sqlstate(err) != "40001" {
			t.Fatalf("got %v, want 40001", err)
		}
		mustExec(t, a, `ROLLBACK`)
		if v := balance(2); v != 101 {
			t.Fatalf("balance %d, want 101", v)
		}
	})

	t.Run("deadlock is detected", func(t *testing.T) {
		mustExec(t, a, `BEGIN`)
		mustExec(t, b, `BEGIN`)
		mustExec(t, a, `UPDATE acct SET bal = bal WHERE id = 1`)
		mustExec(t, b, `UPDATE acct SET bal = bal WHERE id = 2`)
		errA := make(chan error, 1)
		go func() {
			_, err := a.Exec(ctx, `UPDATE acct SET bal = bal WHERE id = 2`)
			errA <- err
		}()
		time.Sleep(100 * time.Millisecond)
		_, errB := b.Exec(ctx, `UPDATE acct SET bal = bal WHERE id = 1`)
		var first error
		if sqlstate(errB) == "40P01" {
			mustExec(t, b, `ROLLBACK`)
			first = <-errA
			if first != nil {
				t.Fatalf("survivor failed: %v", first)
			}
			mustExec(t, a, `COMMIT`)
		} else {
			first = <-errA
			if sqlstate(first) != "40P01" {
				t.Fatalf("no deadlock reported: a=%v b=%v", first, errB)
			}
			mustExec(t, a, `ROLLBACK`)
			mustExec(t, b, `COMMIT`)
		}
	})
}

// TestStatementTimeout checks that statement_timeout cancels a statement
// waiting for a row lock with 57014, and that the session goes on.
func TestStatementTimeout(t *testing.T) {
	ctx, conns := startAndConnect(t, 2)
	a, b := conns[0], conns[1]
	mustExec(t, a, `CREATE TABLE locked (id int PRIMARY KEY, v int)`)
	mustExec(t, a, `INSERT INTO locked VALUES (1, 0)`)
	mustExec(t, a, `BEGIN`)
	mustExec(t, a, `UPDATE locked SET v = 1 WHERE id = 1`)
	mustExec(t, b, `SET statement_timeout = '200ms'`)
	_, err := b.Exec(ctx, `UPDATE locked SET v = 2 WHERE id = 1`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "57014" || pgErr.Message != "canceling statement due to statement timeout" {
		t.Fatalf("got %v, want 57014 statement timeout", err)
	}
	mustExec(t, a, `COMMIT`)
	var v int
	if err := b.QueryRow(ctx, `SELECT v FROM locked WHERE id = 1`).Scan(&v); err != nil || v != 1 {
		t.Fatalf("after timeout: v=%d err=%v", v, err)
	}
}

// TestStatementTimeoutInsideLongComputations: statements that compute for
// a long time without reading storage (an unbounded recursion, a window
// aggregate over a frame whose start moves, restarted per row) stop at
// statement_timeout with 57014, and the session goes on.
func TestStatementTimeoutInsideLongComputations(t *testing.T) {
	ctx, conns := startAndConnect(t, 1)
	c := conns[0]
	mustExec(t, c, `SET statement_timeout = '300ms'`)
	for _, q := range []string{
		`WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t`,
		`SELECT max(s) FROM (SELECT sum(g) OVER (ORDER BY g ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS s FROM generate_series(1, 300000) g) w`,
	} {
		_, err := c.Exec(ctx, q)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "57014" {
			t.Fatalf("%s: got %v, want 57014 statement timeout", q, err)
		}
		var one int
		if err := c.QueryRow(ctx, `SELECT 1`).Scan(&one); err != nil {
			t.Fatalf("after the timeout of %s: %v", q, err)
		}
	}
}

// TestHoldCursorOutlivesDeclareTimeout: a WITH HOLD cursor is read to its
// end at COMMIT under the COMMIT's statement_timeout, not the DECLARE's,
// which passed while the transaction stayed open.
func TestHoldCursorOutlivesDeclareTimeout(t *testing.T) {
	ctx, conns := startAndConnect(t, 1)
	c := conns[0]
	mustExec(t, c, `CREATE TABLE heldrows (id int PRIMARY KEY)`)
	mustExec(t, c, `INSERT INTO heldrows SELECT g FROM generate_series(1, 3000) g`)
	mustExec(t, c, `SET statement_timeout = '500ms'`)
	mustExec(t, c, `BEGIN`)
	// The DECLARE reads ahead one row; COMMIT reads the rest from the scan.
	mustExec(t, c, `DECLARE held CURSOR WITH HOLD FOR SELECT id FROM heldrows`)
	time.Sleep(time.Second)
	mustExec(t, c, `COMMIT`)
	rows, err := c.Query(ctx, `FETCH ALL FROM held`)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for rows.Next() {
		got++
	}
	if rows.Err() != nil || got != 3000 {
		t.Fatalf("FETCH ALL after COMMIT: %d rows, %v", got, rows.Err())
	}
}

// startAndConnect starts a test server and opens n admin connections,
// with a context that bounds the test at 60 seconds.
func startAndConnect(t *testing.T, n int) (context.Context, []*pgx.Conn) {
	t.Helper()
	addr, password := server.StartTestServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	conns := make([]*pgx.Conn, n)
	for i := range conns {
		conns[i] = connect(t, ctx, addr, password)
	}
	return ctx, conns
}
