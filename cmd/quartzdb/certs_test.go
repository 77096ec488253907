package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestCertsVerifyFull writes a pair with `quartzdb certs`, serves with it
// and connects with sslmode=verify-full from pgx and psql, by host name and
// by IP address; a wrong host name must fail verification.
func TestCertsVerifyFull(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"certs", "--out", dir}, &out, nil); err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	addr := freeAddr(t)
	const key = "qz_admin_tls_test_key_0123456789abcdef01"
	cmd := exec.Command(os.Args[0], "serve", "--data", t.TempDir(), "--listen", addr, "--http", freeAddr(t),
		"--tls-cert", certFile, "--tls-key", keyFile)
	cmd.Env = append(os.Environ(), childEnv+"=1", "QUARTZDB_ADMIN_KEY="+key)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, port, _ := net.SplitHostPort(addr)
	ctx := context.Background()
	for _, host := range []string{"localhost", "127.0.0.1"} {
		dsn := fmt.Sprintf("host=%s port=%s user=admin password=%s dbname=quartz sslmode=verify-full sslrootcert=%s", host, port, key, certFile)
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("pgx verify-full via %s: %v", host, err)
		}
		var one int
		if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Errorf("pgx via %s: %v", host, err)
		}
		conn.Close(ctx)
		if psql, err := exec.LookPath("psql"); err == nil {
			c := exec.Command(psql, "-X", "-A", "-t", "-c", "SELECT 'tls ok'", dsn)
			c.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=10")
			got, err := c.CombinedOutput()
			if err != nil || strings.TrimSpace(string(got)) != "tls ok" {
				t.Errorf("psql verify-full via %s: %v: %s", host, err, got)
			}
		}
	}
	// A name the certificate does not carry fails verification.
	bad := fmt.Sprintf("host=127.0.0.1 port=%s user=admin password=%s dbname=quartz sslmode=verify-full sslrootcert=%s", port, key, certFile)
	cfg, err := pgx.ParseConfig(bad)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLSConfig.ServerName = "not-this-host.example"
	if conn, err := pgx.ConnectConfig(ctx, cfg); err == nil {
		conn.Close(ctx)
		t.Error("verify-full accepted a certificate for another name")
	}
}
