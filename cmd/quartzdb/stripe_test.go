package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestNewTenantGetsStripeCustomer runs the real server with --stripe-key
// against a recording stand-in for Stripe's API and checks that creating a
// tenant creates its customer, named after it with metadata quartz_tenant,
// once, and that a tenant whose creation rolled back gets none.
func TestNewTenantGetsStripeCustomer(t *testing.T) {
	var mu sync.Mutex
	var customers []string // metadata[quartz_tenant] of each creation
	stripe := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost && r.URL.Path == "/v1/customers" {
			if err := r.ParseForm(); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			mu.Lock()
			customers = append(customers, r.PostForm.Get("metadata[quartz_tenant]"))
			mu.Unlock()
			if r.PostForm.Get("name") != r.PostForm.Get("metadata[quartz_tenant]") {
				http.Error(w, `{"error":{"type":"invalid_request_error","message":"name"}}`, http.StatusBadRequest)
				return
			}
			_, _ = w.Write([]byte(`{"id":"cus_` + r.PostForm.Get("name") + `","object":"customer"}`))
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer stripe.Close()

	dir := t.TempDir()
	addr := freeAddr(t)
	const adminKey = "qz_admin_stripe_test_key_0123456789abcde"
	cmd := exec.Command(os.Args[0], "serve", "--data", dir, "--listen", addr, "--http", freeAddr(t),
		"--stripe-key", "sk_test_quartz", "--stripe-url", stripe.URL, "--billing-interval", "1h")
	cmd.Env = append(os.Environ(), childEnv+"=1", "QUARTZDB_ADMIN_KEY="+adminKey)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	waitListening(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	t.Setenv("QUARTZDB_ADMIN_KEY", adminKey)
	admin, err := pgx.Connect(ctx, "postgres://admin:"+adminKey+"@"+addr+"/quartz?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	for _, q := range []string{"BEGIN", "SELECT quartz.create_tenant('ghost')", "ROLLBACK"} {
		if _, err := admin.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"tenants", "create", "acme", "--server", addr}, &out, nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		got := append([]string(nil), customers...)
		mu.Unlock()
		if len(got) == 1 && got[0] == "acme" {
			// The rolled-back tenant's poll has seen it absent several
			// times by now; it must not have made a customer since.
			time.Sleep(time.Second)
			mu.Lock()
			defer mu.Unlock()
			if len(customers) != 1 {
				t.Fatalf("customers created: %q, want only acme's", customers)
			}
			break
		}
		if len(got) > 1 || time.Now().After(deadline) {
			t.Fatalf("customers created: %q, want one for acme", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
