package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestTenantAndKeyCommands runs the admin subcommands against a running
// server (admin key taken from the data directory), then logs in with the
// new key both ways from psql, and revokes it.
func TestTenantAndKeyCommands(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	const adminKey = "qz_admin_cli_test_key_0123456789abcdef01"
	cmd := startChild(t, dir, addr, adminKey)
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	ctx := context.Background()
	// The admin key comes from DIR/admin.key, as on an operator's machine.
	t.Setenv("QUARTZDB_ADMIN_KEY", "")
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append(args, "--server", addr, "--data", dir), &out, nil)
		return out.String(), err
	}
	if out, err := cli("tenants", "create", "acme"); err != nil || !strings.Contains(out, "acme") {
		t.Fatalf("tenants create: %q %v", out, err)
	}
	out, err := cli("keys", "create", "--tenant", "acme", "--tier", "pro")
	if err != nil {
		t.Fatalf("keys create: %v", err)
	}
	key := strings.TrimSpace(out)
	parts := strings.SplitN(key, "_", 3)
	if len(parts) != 3 || parts[0] != "qz" {
		t.Fatalf("keys create printed %q", out)
	}
	keyID := parts[1]
	list, err := cli("keys", "list", "--tenant", "acme")
	if err != nil || !strings.Contains(list, keyID) || strings.Contains(list, parts[2]) {
		t.Fatalf("keys list: %q %v", list, err)
	}
	host, port, _ := net.SplitHostPort(addr)
	for _, user := range []string{"qz_" + keyID, "acme"} {
		if psql, err := exec.LookPath("psql"); err == nil {
			c := exec.Command(psql, "-X", "-A", "-t", "-h", host, "-p", port, "-U", user, "-d", "acme", "-c", "SELECT current_database()")
			c.Env = append(os.Environ(), "PGPASSWORD="+key, "PGSSLMODE=disable")
			got, err := c.CombinedOutput()
			if err != nil || strings.TrimSpace(string(got)) != "acme" {
				t.Errorf("psql as %s: %v %s", user, err, got)
			}
		}
	}
	if out, err := cli("keys", "revoke", keyID); err != nil {
		t.Fatalf("keys revoke: %q %v", out, err)
	}
	dsn := fmt.Sprintf("postgres://qz_%s:%s@%s/acme?sslmode=disable", keyID, key, addr)
	if conn, err := pgx.Connect(ctx, dsn); err == nil {
		conn.Close(ctx)
		t.Error("revoked key still logs in")
	}
}
