package auth

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for tests (no sleeping, no timing).
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestTokenBucket(t *testing.T) {
	free := DefaultTiers()[TierFree]
	clock := newFakeClock()
	l := NewLimiter(clock.Now)
	// A fresh key may burst a minute's worth, then is refused.
	for i := 0; i < free.StatementsPerMinute; i++ {
		if ok, _ := l.Allow("k1", free); !ok {
			t.Fatalf("statement %d of the first %d refused", i+1, free.StatementsPerMinute)
		}
	}
	ok, retry := l.Allow("k1", free)
	if ok {
		t.Fatal("statement beyond the burst allowed")
	}
	perToken := time.Minute / time.Duration(free.StatementsPerMinute)
	if retry <= 0 || retry > perToken {
		t.Fatalf("retryAfter = %v, want in (0, %v]", retry, perToken)
	}
	// Another key has its own bucket.
	if ok, _ := l.Allow("k2", free); !ok {
		t.Fatal("another key's statement refused")
	}
	// Just before the promised time, still refused; at it, allowed once.
	clock.Advance(retry - time.Millisecond)
	if ok, _ := l.Allow("k1", free); ok {
		t.Fatal("allowed before retryAfter elapsed")
	}
	clock.Advance(time.Millisecond)
	if ok, _ := l.Allow("k1", free); !ok {
		t.Fatal("refused after retryAfter elapsed")
	}
	if ok, _ := l.Allow("k1", free); ok {
		t.Fatal("one token refilled but two statements allowed")
	}
	// A long idle refills only up to the capacity.
	clock.Advance(time.Hour)
	n := 0
	for ok, _ := l.Allow("k1", free); ok; ok, _ = l.Allow("k1", free) {
		n++
	}
	if n != free.StatementsPerMinute {
		t.Fatalf("after an idle hour %d statements allowed, want the capacity %d", n, free.StatementsPerMinute)
	}
	// No limit configured: always allowed.
	for i := 0; i < 1000; i++ {
		if ok, _ := l.Allow("k3", Limits{}); !ok {
			t.Fatal("unlimited tier refused")
		}
	}
}

func TestRateLimitError(t *testing.T) {
	e := RateLimitError("abcdefgh2345", "free", Limits{StatementsPerMinute: 100}, 600*time.Millisecond)
	if e.Code != "53400" || !strings.Contains(e.Message, "100 statements per minute") || !strings.Contains(e.Message, `"abcdefgh2345"`) {
		t.Errorf("message %q (code %s) must name the key and the limit", e.Message, e.Code)
	}
	if !strings.Contains(e.Hint, "600ms") {
		t.Errorf("hint %q must say when to retry", e.Hint)
	}
}

func TestConnectionLimit(t *testing.T) {
	l := NewLimiter(nil)
	lim := Limits{MaxConnections: 2}
	r1, err := l.Acquire("k", lim)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := l.Acquire("k", lim)
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Acquire("k", lim)
	var ae *Error
	if !errors.As(err, &ae) || ae.Code != "53300" || ae.Message != `too many connections for key "k"` {
		t.Fatalf("third connection: %v, want 53300 too many connections for key \"k\"", err)
	}
	if _, err := l.Acquire("other", lim); err != nil {
		t.Fatalf("another key is limited by k's connections: %v", err)
	}
	r1()
	r1() // a second release must not free another slot
	if got := l.Connections("k"); got != 1 {
		t.Fatalf("connections after release = %d, want 1", got)
	}
	r3, err := l.Acquire("k", lim)
	if err != nil {
		t.Fatalf("after a release: %v", err)
	}
	if _, err := l.Acquire("k", lim); err == nil {
		t.Fatal("limit not enforced after release and re-acquire")
	}
	r2()
	r3()
	if got := l.Connections("k"); got != 0 {
		t.Fatalf("connections after all releases = %d", got)
	}
	for i := 0; i < 100; i++ {
		if _, err := l.Acquire("u", Limits{}); err != nil {
			t.Fatal("unlimited tier refused a connection")
		}
	}
}

func TestClampStatementTimeout(t *testing.T) {
	lim := Limits{StatementTimeout: 30 * time.Second}
	tests := []struct{ req, want time.Duration }{
		{0, 30 * time.Second},
		{time.Second, time.Second},
		{30 * time.Second, 30 * time.Second},
		{time.Hour, 30 * time.Second},
	}
	for _, tc := range tests {
		if got := ClampStatementTimeout(tc.req, lim); got != tc.want {
			t.Errorf("ClampStatementTimeout(%v) = %v, want %v", tc.req, got, tc.want)
		}
	}
	if got := ClampStatementTimeout(0, Limits{}); got != 0 {
		t.Errorf("no ceiling: got %v, want 0", got)
	}
}

func TestDefaultTiers(t *testing.T) {
	tiers := DefaultTiers()
	free, pro, ent := tiers[TierFree], tiers[TierPro], tiers[TierEnterprise]
	if free.StatementsPerMinute != 100 || free.MaxConnections != 5 || free.StatementTimeout != 30*time.Second || free.MaxResultBytes != 10<<20 {
		t.Errorf("free = %+v", free)
	}
	if pro.StatementsPerMinute != 10000 || pro.MaxConnections != 50 || pro.StatementTimeout != 5*time.Minute || pro.MaxResultBytes != 1<<30 {
		t.Errorf("pro = %+v", pro)
	}
	if ent.StatementsPerMinute <= pro.StatementsPerMinute || ent.MaxConnections <= pro.MaxConnections {
		t.Errorf("enterprise %+v not above pro", ent)
	}
	tiers[TierFree] = Limits{}
	if DefaultTiers()[TierFree].StatementsPerMinute != 100 {
		t.Error("DefaultTiers shares its map between callers")
	}
}

// TestLimiterTakeRemaining checks the tokens Take reports left, as the
// REST API's X-RateLimit-Remaining shows them.
func TestLimiterTakeRemaining(t *testing.T) {
	now := time.Unix(1000, 0)
	l := NewLimiter(func() time.Time { return now })
	lim := Limits{StatementsPerMinute: 3}
	for i, want := range []struct {
		ok        bool
		remaining int
	}{{true, 2}, {true, 1}, {true, 0}, {false, 0}} {
		ok, remaining, retry := l.Take("k", lim)
		if ok != want.ok || remaining != want.remaining || ok != (retry == 0) {
			t.Fatalf("take %d: ok %v remaining %d retry %v; want %v %d", i, ok, remaining, retry, want.ok, want.remaining)
		}
	}
	if ok, remaining, _ := l.Take("free", Limits{}); !ok || remaining != -1 {
		t.Fatalf("unlimited key: ok %v remaining %d", ok, remaining)
	}
}
