package auth

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

func TestFailures(t *testing.T) {
	p := FailurePolicy{Window: time.Minute, DelayAfter: 3, Delay: time.Second, RefuseAfter: 5, Cooldown: 5 * time.Minute}
	clock := newFakeClock()
	f := NewFailures(p, clock.Now)
	const ip = "192.0.2.1"
	step := func(wantDelay time.Duration, wantRefused bool) {
		t.Helper()
		if d := f.Delay(ip); d != wantDelay {
			t.Fatalf("Delay = %v, want %v", d, wantDelay)
		}
		err := f.Check(ip)
		var ae *Error
		if wantRefused != (err != nil) || (err != nil && (!errors.As(err, &ae) || ae.Code != "28000")) {
			t.Fatalf("Check = %v, want refused=%v (28000)", err, wantRefused)
		}
	}
	for i := 0; i < 2; i++ {
		f.Fail(ip)
		step(0, false)
	}
	f.Fail(ip) // third failure: slowed down
	step(time.Second, false)
	f.Fail(ip)
	step(time.Second, false)
	f.Fail(ip) // fifth: refused for the cooldown
	step(time.Second, true)
	if f.Check("192.0.2.2") != nil {
		t.Fatal("another address is refused")
	}
	clock.Advance(p.Cooldown - time.Second)
	step(time.Second, true)
	clock.Advance(time.Second)
	step(0, false) // cooldown over: a fresh start

	// Failures outside the window do not add up.
	for i := 0; i < 4; i++ {
		f.Fail(ip)
		clock.Advance(30 * time.Second)
	}
	step(0, false)

	// Success forgets the failures.
	for i := 0; i < 4; i++ {
		f.Fail(ip)
	}
	step(time.Second, false)
	f.Succeed(ip)
	step(0, false)
}

func TestFailuresSweep(t *testing.T) {
	clock := newFakeClock()
	f := NewFailures(DefaultFailurePolicy(), clock.Now)
	for i := 0; i < maxTrackedAddrs; i++ {
		f.Fail(strconv.Itoa(i))
	}
	clock.Advance(time.Hour)
	f.Fail("new")
	f.mu.Lock()
	n := len(f.addrs)
	f.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d addresses tracked after expiry, want 1", n)
	}
}
