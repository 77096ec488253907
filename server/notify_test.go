package server

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/quartzdb/quartzdb/auth"
)

// TestListenNotify drives LISTEN/NOTIFY with pgx between sessions of two
// tenants: delivery at commit (at once outside a block), nothing from a
// rolled-back transaction or after ROLLBACK TO, duplicates once, a
// session's own notifications, an idle listener woken, UNLISTEN, and no
// notification crossing to another tenant's database.
func TestListenNotify(t *testing.T) {
	s := startAuthServer(t, "127.0.0.1:0")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	open := func(tenant string) *pgx.Conn {
		key, keyID := s.key(t, tenant, "free")
		return s.connect(t, auth.KeyUser(keyID), key, tenant)
	}
	listener, sender, other := open("acme"), open("acme"), open("globex")
	for _, c := range []*pgx.Conn{listener, other} {
		if _, err := c.Exec(ctx, "LISTEN jobs"); err != nil {
			t.Fatal(err)
		}
	}
	var senderPID uint32
	if err := sender.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&senderPID); err != nil {
		t.Fatal(err)
	}
	exec := func(c *pgx.Conn, qs ...string) {
		t.Helper()
		for _, q := range qs {
			if _, err := c.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	// expect waits for the listener's next notifications: the idle
	// listener is woken by them (it runs no statement meanwhile).
	expect := func(payloads ...string) {
		t.Helper()
		for _, want := range payloads {
			wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
			n, err := listener.WaitForNotification(wctx)
			wcancel()
			if err != nil {
				t.Fatalf("waiting for %q: %v", want, err)
			}
			if n.Channel != "jobs" || n.Payload != want || n.PID != senderPID {
				t.Fatalf("got %+v, want %q on jobs from pid %d", n, want, senderPID)
			}
		}
		wctx, wcancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer wcancel()
		if n, err := listener.WaitForNotification(wctx); err == nil {
			t.Fatalf("unexpected notification %+v", n)
		}
	}

	exec(sender, "NOTIFY jobs, 'one'")
	expect("one")
	exec(sender, "BEGIN", "NOTIFY jobs, 'lost'", "ROLLBACK")
	exec(sender, "BEGIN", "NOTIFY jobs, 'a'", "SAVEPOINT s", "NOTIFY jobs, 'undone'", "ROLLBACK TO s",
		"NOTIFY jobs, 'b'", "SELECT pg_notify('jobs', 'a')", "NOTIFY other_channel", "COMMIT")
	expect("a", "b")

	// A session's own notification arrives with its statement.
	exec(listener, "NOTIFY jobs, 'self'")
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	n, err := listener.WaitForNotification(wctx)
	wcancel()
	if err != nil || n.Payload != "self" {
		t.Fatalf("own notification: %+v, %v", n, err)
	}

	var channels []string
	rows, err := listener.Query(ctx, "SELECT * FROM pg_listening_channels()")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ch string
		if err := rows.Scan(&ch); err != nil {
			t.Fatal(err)
		}
		channels = append(channels, ch)
	}
	if rows.Err() != nil || len(channels) != 1 || channels[0] != "jobs" {
		t.Fatalf("pg_listening_channels: %v, %v", channels, rows.Err())
	}

	exec(listener, "UNLISTEN *")
	exec(sender, "NOTIFY jobs, 'after unlisten'")
	expect()

	// globex listened on the same channel name all along: nothing of
	// acme's reached it.
	wctx, wcancel = context.WithTimeout(ctx, 200*time.Millisecond)
	defer wcancel()
	if n, err := other.WaitForNotification(wctx); err == nil {
		t.Fatalf("another tenant received %+v", n)
	}
}
