package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// childEnv makes the test binary act as the quartzdb binary, so the crash
// test can SIGKILL a real server process without building one.
const childEnv = "QUARTZDB_TEST_SERVE_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		log := slog.New(slog.NewTextHandler(os.Stderr, nil))
		if err := run(context.Background(), os.Args[1:], io.Discard, log); err != nil {
			log.Error("child server failed", "err", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startChild starts a server process over dir and waits until it accepts
// connections.
func startChild(t *testing.T, dir, addr, key string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve", "--data", dir, "--listen", addr, "--http", freeAddr(t))
	cmd.Env = append(os.Environ(), childEnv+"=1", "QUARTZDB_ADMIN_KEY="+key)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if !listening(addr) {
		cmd.Process.Kill()
		t.Fatalf("server at %s did not start", addr)
	}
	return cmd
}

// listening waits up to 20 s for a server to accept connections on addr.
func listening(addr string) bool {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// waitListening fails the test unless a server accepts on addr soon.
func waitListening(t *testing.T, addr string) {
	t.Helper()
	if !listening(addr) {
		t.Fatalf("server at %s did not start", addr)
	}
}

// TestKillAfterCommitLosesNothing commits rows one by one, kills the
// server with SIGKILL right after a COMMIT returned, restarts it on the
// same data directory and checks that every acknowledged row is there;
// then stops it cleanly (SIGTERM) and checks again.
func TestKillAfterCommitLosesNothing(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	const key = "qz_admin_crash_test_key_0123456789abcdef"
	dsn := fmt.Sprintf("postgres://admin:%s@%s/quartz?sslmode=disable", key, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	cmd := startChild(t, dir, addr, key)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		cmd.Process.Kill()
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE acked (id int PRIMARY KEY, note text)`); err != nil {
		cmd.Process.Kill()
		t.Fatal(err)
	}
	acked := 0
	for i := 1; i <= 200; i++ {
		var err error
		if i%2 == 0 {
			_, err = conn.Exec(ctx, `INSERT INTO acked VALUES ($1, 'autocommit')`, i)
		} else {
			err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO acked VALUES ($1, 'explicit')`, i)
				return err
			})
		}
		if err != nil {
			cmd.Process.Kill()
			t.Fatalf("insert %d: %v", i, err)
		}
		acked = i
	}
	// The last COMMIT has returned: kill at once, no chance to flush.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	conn.Close(context.Background())

	count := func() int {
		t.Helper()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var n, max int
		if err := conn.QueryRow(ctx, `SELECT count(*), coalesce(max(id), 0) FROM acked`).Scan(&n, &max); err != nil {
			t.Fatal(err)
		}
		if max != n {
			t.Fatalf("ids have gaps: count %d, max %d", n, max)
		}
		return n
	}
	cmd = startChild(t, dir, addr, key)
	if n := count(); n != acked {
		cmd.Process.Kill()
		t.Fatalf("after SIGKILL: %d rows, %d were acknowledged", n, acked)
	}
	// A clean stop keeps everything as well.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("clean stop: %v", err)
	}
	cmd = startChild(t, dir, addr, key)
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	if n := count(); n != acked {
		t.Fatalf("after SIGTERM and restart: %d rows, want %d", n, acked)
	}
}

// TestHNSWIndexAgreesWithTableAfterKill writes to a table with an hnsw
// index after its graph was saved by a clean stop, kills the server with
// SIGKILL, restarts it and checks that an index scan wide enough to return
// every row returns exactly the table's rows (none lost, none phantom) in
// the exact scan's order.
func TestHNSWIndexAgreesWithTableAfterKill(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	const key = "qz_admin_crash_test_key_0123456789abcdef"
	dsn := fmt.Sprintf("postgres://admin:%s@%s/quartz?sslmode=disable", key, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	exec := func(conn *pgx.Conn, stmts ...string) {
		t.Helper()
		for _, s := range stmts {
			if _, err := conn.Exec(ctx, s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
	}
	vec := func(i int) string {
		return fmt.Sprintf("'[%d,%d,%d,%d]'", i%17, (i*7)%13, (i*11)%19, (i*3)%23)
	}

	cmd := startChild(t, dir, addr, key)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		cmd.Process.Kill()
		t.Fatal(err)
	}
	exec(conn, "CREATE TABLE items (id int PRIMARY KEY, embedding vector(4))")
	for i := 1; i <= 300; i++ {
		exec(conn, fmt.Sprintf("INSERT INTO items VALUES (%d, %s)", i, vec(i)))
	}
	exec(conn, "CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)")
	conn.Close(ctx)
	// A clean stop saves the graph.
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("clean stop: %v", err)
	}
	if _, err := os.Stat(dir + "/hnsw"); err != nil {
		t.Fatalf("no hnsw snapshot after a clean stop: %v", err)
	}

	// Writes the saved graph does not have, then SIGKILL.
	cmd = startChild(t, dir, addr, key)
	conn, err = pgx.Connect(ctx, dsn)
	if err != nil {
		cmd.Process.Kill()
		t.Fatal(err)
	}
	for i := 301; i <= 400; i++ {
		exec(conn, fmt.Sprintf("INSERT INTO items VALUES (%d, %s)", i, vec(i*5)))
	}
	exec(conn, "DELETE FROM items WHERE id % 6 = 0")
	exec(conn, "UPDATE items SET embedding = embedding + '[1,1,1,1]' WHERE id % 6 = 1")
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	conn.Close(context.Background())

	cmd = startChild(t, dir, addr, key)
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	conn, err = pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	exec(conn, "SET hnsw.ef_search = 1000")
	rows, err := conn.Query(ctx, "EXPLAIN SELECT id FROM items ORDER BY embedding <-> '[1,2,3,4]' LIMIT 1000")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) < 2 || !strings.Contains(plan[1], "Index Scan using items_embedding_idx") {
		t.Fatalf("the query does not use the index: %q", plan)
	}
	ids := func(q string) []int32 {
		t.Helper()
		rows, err := conn.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, q := range []string{"'[1,2,3,4]'", "'[16,0,18,22]'", "'[8,8,8,8]'"} {
		viaIndex := ids("SELECT id FROM items ORDER BY embedding <-> " + q + " LIMIT 1000")
		exact := ids("SELECT id FROM items ORDER BY (embedding <-> " + q + ") + 0, id")
		// No phantoms, nothing stale: every row the index returns is a
		// live row, each once, in nearest-first order. (Ties may come in
		// either order, so positions are compared by distance rank.)
		rank := map[int32]int{}
		for i, id := range exact {
			rank[id] = i
		}
		dist := func(id int32) float64 {
			var d float64
			if err := conn.QueryRow(ctx, "SELECT embedding <-> "+q+" FROM items WHERE id = $1", id).Scan(&d); err != nil {
				t.Fatal(err)
			}
			return d
		}
		seen := map[int32]bool{}
		prev := -1.0
		for _, id := range viaIndex {
			if _, ok := rank[id]; !ok || seen[id] {
				t.Fatalf("query %s: index returned id %d, not a live row or twice", q, id)
			}
			seen[id] = true
			if d := dist(id); d < prev {
				t.Fatalf("query %s: index order broken at id %d", q, id)
			} else {
				prev = d
			}
		}
		// Nothing lost: HNSW at ef_search 1000 over 334 rows reaches all
		// of them but for the rare node no neighbour links to (an HNSW
		// property, not a consistency failure), so allow 1%.
		if len(viaIndex) < len(exact)*99/100 {
			t.Errorf("query %s: the index returns %d rows, the table has %d", q, len(viaIndex), len(exact))
		}
	}
}
