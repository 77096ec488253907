package main

import (
	"fmt"
	"testing"
	"time"
)

// TestNewTenantQueue: the queue is bounded, lists tenants oldest first,
// and a tenant queued again while its customer was being made stays.
func TestNewTenantQueue(t *testing.T) {
	q := newTenantQueue{wake: make(chan struct{}, 1)}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range maxQueuedTenants {
		if !q.add(fmt.Sprintf("t%05d", maxQueuedTenants-i), t0.Add(time.Duration(i))) {
			t.Fatalf("tenant %d refused", i)
		}
	}
	if q.add("one-too-many", t0) {
		t.Error("queue grew past maxQueuedTenants")
	}
	if !q.add("t00001", t0.Add(time.Hour)) {
		t.Error("a queued tenant could not be queued again")
	}
	names := q.snapshot()
	if len(names) != maxQueuedTenants || names[0] != fmt.Sprintf("t%05d", maxQueuedTenants) || names[len(names)-1] != "t00001" {
		t.Errorf("snapshot: %d names from %s to %s", len(names), names[0], names[len(names)-1])
	}
	q.done("t00001", t0) // seen before it was queued again: it stays
	q.done("t00002", t0.Add(time.Hour))
	if got := len(q.snapshot()); got != maxQueuedTenants-1 {
		t.Errorf("%d queued after done, want %d", got, maxQueuedTenants-1)
	}
	if q.queuedAt("t00001").IsZero() || !q.queuedAt("t00002").IsZero() {
		t.Error("done removed the wrong tenant")
	}
}
