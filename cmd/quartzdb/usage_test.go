package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestUsageSurvivesKill meters a tenant's statements in the real server,
// kills it with SIGKILL right after the last one was acknowledged,
// restarts it and checks with `quartzdb usage` that every acknowledged
// statement was kept.
func TestUsageSurvivesKill(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	const adminKey = "qz_admin_usage_test_key_0123456789abcdef"
	cmd := startChild(t, dir, addr, adminKey)
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Signal(syscall.SIGTERM)
			cmd.Wait()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	t.Setenv("QUARTZDB_ADMIN_KEY", adminKey)
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append(args, "--server", addr), &out, nil)
		return out.String(), err
	}
	if _, err := cli("tenants", "create", "acme"); err != nil {
		t.Fatal(err)
	}
	out, err := cli("keys", "create", "--tenant", "acme", "--tier", "pro")
	if err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(out)
	keyID := strings.SplitN(key, "_", 3)[1]
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://qz_%s:%s@%s/acme?sslmode=disable", keyID, key, addr))
	if err != nil {
		t.Fatal(err)
	}
	const statements = 25
	if _, err := conn.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < statements; i++ {
		if _, err := conn.Exec(ctx, "INSERT INTO t VALUES ($1)", i); err != nil {
			t.Fatal(err)
		}
	}
	// Acknowledged: now the server dies without a chance to flush.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true
	conn.Close(ctx)

	cmd = startChild(t, dir, addr, adminKey)
	killed = false
	out, err = cli("usage", "--tenant", "acme", "--since", "1h")
	if err != nil {
		t.Fatalf("usage: %v", err)
	}
	m := regexp.MustCompile(`(?m)^\s*acme\s+total\s+(\d+)\s+(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no total line in:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n != statements {
		t.Fatalf("usage after SIGKILL counts %d statements, want %d:\n%s", n, statements, out)
	}
	if units, _ := strconv.Atoi(m[2]); units < statements {
		t.Fatalf("usage after SIGKILL counts %d units for %d statements:\n%s", units, statements, out)
	}
	if _, err := cli("usage", "--since", "yesterday"); err == nil || !strings.Contains(err.Error(), "--since") {
		t.Fatalf("a malformed --since: %v", err)
	}
}
