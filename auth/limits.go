package auth

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// Limits are what a key's tier allows. A zero field means no limit.
type Limits struct {
	// StatementsPerMinute is the refill rate of the key's token bucket; the
	// bucket holds a minute's worth, so an idle key may burst that many.
	StatementsPerMinute int
	// MaxConnections caps the key's concurrent sessions.
	MaxConnections int
	// StatementTimeout is the ceiling of statement_timeout for the key's
	// sessions (a session may set a lower one, never a higher or zero one).
	StatementTimeout time.Duration
	// MaxResultBytes caps the size of one statement's result.
	MaxResultBytes int64
}

// Tiers maps a tier name to its limits. It is configuration: build one
// from DefaultTiers and override entries.
type Tiers map[string]Limits

// The built-in tier names.
const (
	TierFree       = "free"
	TierPro        = "pro"
	TierEnterprise = "enterprise"
)

// DefaultTiers returns the built-in tiers (a fresh map the caller may
// change).
func DefaultTiers() Tiers {
	return Tiers{
		TierFree: {
			StatementsPerMinute: 100,
			MaxConnections:      5,
			StatementTimeout:    30 * time.Second,
			MaxResultBytes:      10 << 20,
		},
		TierPro: {
			StatementsPerMinute: 10_000,
			MaxConnections:      50,
			StatementTimeout:    5 * time.Minute,
			MaxResultBytes:      1 << 30,
		},
		TierEnterprise: {
			StatementsPerMinute: 1_000_000,
			MaxConnections:      1_000,
			StatementTimeout:    time.Hour,
			MaxResultBytes:      64 << 30,
		},
	}
}

// Clock returns the current time; tests inject a fake one.
type Clock func() time.Time

// Limiter enforces the in-memory per-key limits: a token bucket of
// statements and a count of open connections. Limits are passed in on each
// call (from the key's tier), so a tier change applies at once. Safe for
// concurrent use.
type Limiter struct {
	now Clock

	mu      sync.Mutex
	buckets map[string]*bucket
	conns   map[string]int
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewLimiter returns a limiter reading time from now (nil: time.Now).
func NewLimiter(now Clock) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{now: now, buckets: make(map[string]*bucket), conns: make(map[string]int)}
}

// Allow takes one statement token from keyID's bucket. When the bucket is
// empty it returns false and how long until a token is available.
func (l *Limiter) Allow(keyID string, lim Limits) (ok bool, retryAfter time.Duration) {
	ok, _, retryAfter = l.Take(keyID, lim)
	return ok, retryAfter
}

// Take is Allow that also reports the whole tokens left after it, for the
// REST API's X-RateLimit-Remaining (-1 when the key is unlimited).
func (l *Limiter) Take(keyID string, lim Limits) (ok bool, remaining int, retryAfter time.Duration) {
	if lim.StatementsPerMinute <= 0 {
		return true, -1, 0
	}
	perSec := float64(lim.StatementsPerMinute) / 60
	capacity := float64(lim.StatementsPerMinute)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[keyID]
	if b == nil {
		b = &bucket{tokens: capacity, last: now}
		l.buckets[keyID] = b
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(capacity, b.tokens+elapsed.Seconds()*perSec)
		b.last = now
	}
	if b.tokens > capacity { // the tier was lowered
		b.tokens = capacity
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, int(b.tokens), 0
	}
	wait := time.Duration(math.Ceil((1 - b.tokens) / perSec * float64(time.Second)))
	return false, 0, wait
}

// RateLimitError is the 53400 error for a statement refused by Allow: it
// names the limit and says when to retry. The connection stays usable.
func RateLimitError(keyID, tier string, lim Limits, retryAfter time.Duration) *Error {
	retry := retryAfter.Round(time.Millisecond)
	if retry < time.Millisecond {
		retry = time.Millisecond
	}
	return &Error{
		Code:    CodeConfigurationLimit,
		Message: fmt.Sprintf("rate limit exceeded for key %s: %d statements per minute (tier %s)", quoted(keyID), lim.StatementsPerMinute, quoted(tier)),
		Hint:    fmt.Sprintf("Retry in %s, or use a key of a higher tier.", retry),
	}
}

// Acquire counts a new connection of keyID, failing with 53300 when the key
// already has MaxConnections. release gives the slot back; calling it more
// than once is harmless.
func (l *Limiter) Acquire(keyID string, lim Limits) (release func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if lim.MaxConnections > 0 && l.conns[keyID] >= lim.MaxConnections {
		return nil, &Error{Code: CodeTooManyConnections, Message: "too many connections for key " + quoted(keyID)}
	}
	l.conns[keyID]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.conns[keyID]--; l.conns[keyID] <= 0 {
				delete(l.conns, keyID)
			}
		})
	}, nil
}

// Connections returns keyID's number of open connections.
func (l *Limiter) Connections(keyID string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conns[keyID]
}

// Forget drops keyID's bucket (after revocation or tenant drop), so the
// map does not keep dead keys.
func (l *Limiter) Forget(keyID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, keyID)
}

// ClampStatementTimeout returns the statement timeout a session of a key
// with lim may use when it asks for requested (0 = none): never above the
// ceiling, and never unlimited when there is one.
func ClampStatementTimeout(requested time.Duration, lim Limits) time.Duration {
	if lim.StatementTimeout <= 0 {
		return requested
	}
	if requested <= 0 || requested > lim.StatementTimeout {
		return lim.StatementTimeout
	}
	return requested
}
