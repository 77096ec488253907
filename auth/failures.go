package auth

import (
	"fmt"
	"sync"
	"time"
)

// FailurePolicy says how failed authentications from one client address
// are throttled.
type FailurePolicy struct {
	// Window is how long a failure counts.
	Window time.Duration
	// DelayAfter failures within Window make each further attempt wait
	// Delay before its answer (the server sleeps; Delay reports how long).
	DelayAfter int
	Delay      time.Duration
	// RefuseAfter failures within Window refuse the address for Cooldown.
	RefuseAfter int
	Cooldown    time.Duration
}

// DefaultFailurePolicy: 5 failures in a minute slow an address down by a
// second per attempt, 10 refuse it for 5 minutes.
func DefaultFailurePolicy() FailurePolicy {
	return FailurePolicy{
		Window:      time.Minute,
		DelayAfter:  5,
		Delay:       time.Second,
		RefuseAfter: 10,
		Cooldown:    5 * time.Minute,
	}
}

// maxTrackedAddrs bounds the memory an address-spraying attacker can make
// Failures use; beyond it, expired entries are swept.
const maxTrackedAddrs = 100_000

// Failures throttles failed authentications per client address (pass the
// IP without the port, so reconnecting from a new port does not reset it).
// Safe for concurrent use.
type Failures struct {
	policy FailurePolicy
	now    Clock

	mu    sync.Mutex
	addrs map[string]*failState
}

type failState struct {
	count        int
	windowStart  time.Time
	refusedUntil time.Time
}

// NewFailures returns a tracker with policy p, reading time from now (nil:
// time.Now).
func NewFailures(p FailurePolicy, now Clock) *Failures {
	if now == nil {
		now = time.Now
	}
	return &Failures{policy: p, now: now, addrs: make(map[string]*failState)}
}

// current returns addr's state with an expired window reset; nil if none.
// Called with mu held.
func (f *Failures) current(addr string, now time.Time) *failState {
	s := f.addrs[addr]
	if s == nil {
		return nil
	}
	if now.Before(s.refusedUntil) {
		return s
	}
	if now.Sub(s.windowStart) >= f.policy.Window || !s.refusedUntil.IsZero() {
		// The window (or the cooldown) is over: start afresh.
		delete(f.addrs, addr)
		return nil
	}
	return s
}

// Check returns an error (28000) while addr is refused; the server sends it
// and closes the connection without reading a password.
func (f *Failures) Check(addr string) error {
	now := f.now()
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.current(addr, now)
	if s == nil || !now.Before(s.refusedUntil) {
		return nil
	}
	return &Error{
		Code:    CodeInvalidAuthorization,
		Message: "too many failed authentication attempts from this address",
		Hint:    fmt.Sprintf("Try again in %s.", s.refusedUntil.Sub(now).Round(time.Second)),
	}
}

// Delay is how long the server should wait before answering addr's next
// authentication attempt (zero below the DelayAfter threshold).
func (f *Failures) Delay(addr string) time.Duration {
	now := f.now()
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.current(addr, now)
	if s == nil || f.policy.DelayAfter <= 0 || s.count < f.policy.DelayAfter {
		return 0
	}
	return f.policy.Delay
}

// Fail records a failed authentication from addr.
func (f *Failures) Fail(addr string) {
	now := f.now()
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.current(addr, now)
	if s == nil {
		if len(f.addrs) >= maxTrackedAddrs {
			f.sweep(now)
		}
		s = &failState{windowStart: now}
		f.addrs[addr] = s
	}
	s.count++
	if f.policy.RefuseAfter > 0 && s.count >= f.policy.RefuseAfter && s.refusedUntil.IsZero() {
		s.refusedUntil = now.Add(f.policy.Cooldown)
	}
}

// Succeed forgets addr's failures after a successful authentication.
func (f *Failures) Succeed(addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.addrs, addr)
}

// sweep drops every expired entry. Called with mu held.
func (f *Failures) sweep(now time.Time) {
	for addr := range f.addrs {
		f.current(addr, now)
	}
}
