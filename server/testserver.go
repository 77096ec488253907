package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/storage"
)

// StartTestServer starts a server on 127.0.0.1:0 over fresh storage in
// t.TempDir() (bootstrapped with the database "quartz") and stops it when
// the test ends. It returns the address and the admin password; connect as
// user "admin", e.g. postgresql://admin:<password>@<addr>/quartz?sslmode=disable.
func StartTestServer(t testing.TB) (addr, password string) {
	t.Helper()
	store, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatalf("open storage: %v", err)
	}
	ctx := context.Background()
	if err := planner.Bootstrap(ctx, store); err != nil {
		_ = store.Close()
		t.Fatalf("bootstrap: %v", err)
	}
	var key [16]byte
	if _, err := rand.Read(key[:]); err != nil {
		t.Fatalf("password: %v", err)
	}
	password = "qz_test_" + hex.EncodeToString(key[:])
	srv, err := New(Config{
		AdminPassword:   password,
		Engine:          planner.NewEngine(store),
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		ShutdownTimeout: 5 * time.Second,
	})
	if err != nil {
		_ = store.Close()
		t.Fatalf("new server: %v", err)
	}
	addr = serveForTest(t, srv)
	t.Cleanup(func() {
		if err := store.Close(); err != nil {
			t.Errorf("close storage: %v", err)
		}
	})
	return addr, password
}

// serveForTest serves srv on a loopback port until the test ends (cleanups
// run in reverse order, so the server stops before storage closes).
func serveForTest(t testing.TB, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}
