package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
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
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return cmd
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("server at %s did not start", addr)
	return nil
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
