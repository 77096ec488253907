package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/auth"
	"github.com/quartzdb/quartzdb/billing"
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

// StartTenantTestServer starts a server like StartTestServer, with API
// keys, and returns a DSN for tenant "bench" logging in with a key of an
// unlimited tier (SCRAM, user qz_<keyid>). With metered set, every
// statement of the tenant is recorded by a billing.Meter over the same
// store, as `quartzdb serve` does; without, nothing is metered. The
// metering benchmark compares the two.
func StartTenantTestServer(t testing.TB, metered bool) (dsn string) {
	t.Helper()
	dir := t.TempDir()
	store, err := storage.Open(dir)
	if err != nil {
		t.Fatalf("open storage: %v", err)
	}
	t.Cleanup(func() {
		if err := store.Close(); err != nil {
			t.Errorf("close storage: %v", err)
		}
	})
	ctx := context.Background()
	if err := planner.Bootstrap(ctx, store); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	tiers := auth.DefaultTiers()
	tiers["unlimited"] = auth.Limits{}
	keys, err := auth.NewStore(store, auth.Config{Tiers: tiers})
	if err != nil {
		t.Fatalf("auth store: %v", err)
	}
	cfg := Config{
		AdminPassword:   "qz_test_admin",
		Engine:          planner.NewEngine(store),
		Auth:            keys,
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		ShutdownTimeout: 5 * time.Second,
	}
	if metered {
		meter, err := billing.Open(ctx, store, billing.Config{Dir: filepath.Join(dir, "billing")})
		if err != nil {
			t.Fatalf("open meter: %v", err)
		}
		t.Cleanup(func() {
			if err := meter.Close(); err != nil {
				t.Errorf("close meter: %v", err)
			}
		})
		cfg.Meter, cfg.Usage = meter, LedgerUsage{Meter: meter}
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("new server: %v", err)
	}
	if err := srv.adminQuery(ctx, "SELECT quartz.create_tenant('bench')"); err != nil {
		t.Fatalf("create tenant: %v", err)
	}
	key, rec, err := keys.CreateKey(ctx, "bench", "unlimited")
	if err != nil {
		t.Fatalf("create key: %v", err)
	}
	addr := serveForTest(t, srv)
	u := url.URL{Scheme: "postgres", User: url.UserPassword("qz_"+rec.ID, key), Host: addr, Path: "/bench", RawQuery: "sslmode=disable"}
	return u.String()
}
