package storage

import (
	"context"
	"sync"

	"github.com/quartzdb/quartzdb/sql"
)

// lockTable holds the exclusive write locks of all transactions. A lock is
// in memory only: locks die with their transactions, and after a restart no
// transaction exists, so nothing needs persisting.
type lockTable struct {
	mu    sync.Mutex
	locks map[string]*keyLock
	// waiting maps a waiting transaction to the key it waits for. A
	// transaction waits for at most one key at a time, so the waits-for
	// graph is a set of chains: following owner→waiting→owner finds a cycle.
	waiting map[uint64]string
}

type keyLock struct {
	owner uint64
	// released is closed when the owner lets go; waiters then retry.
	released chan struct{}
}

func newLockTable() *lockTable {
	return &lockTable{locks: make(map[string]*keyLock), waiting: make(map[uint64]string)}
}

// acquire takes the exclusive lock on key for txn, waiting while another
// transaction holds it. It reports whether the lock is newly taken (false when
// txn already held it). A wait that would close a cycle fails at once with
// 40P01; a cancelled ctx fails with 57014.
func (lt *lockTable) acquire(ctx context.Context, txn uint64, key string) (bool, error) {
	for {
		lt.mu.Lock()
		l := lt.locks[key]
		if l == nil {
			lt.locks[key] = &keyLock{owner: txn, released: make(chan struct{})}
			lt.mu.Unlock()
			return true, nil
		}
		if l.owner == txn {
			lt.mu.Unlock()
			return false, nil
		}
		if lt.wouldDeadlock(txn, l.owner) {
			lt.mu.Unlock()
			return false, sql.Errorf(sql.CodeDeadlockDetected, "deadlock detected").
				WithDetail("Process %d waits for ShareLock on transaction %d; blocked by process %d.", txn, l.owner, l.owner)
		}
		lt.waiting[txn] = key
		ch := l.released
		lt.mu.Unlock()

		select {
		case <-ch:
			lt.mu.Lock()
			delete(lt.waiting, txn)
			lt.mu.Unlock()
		case <-ctx.Done():
			lt.mu.Lock()
			delete(lt.waiting, txn)
			lt.mu.Unlock()
			return false, sql.Wrap(ctx.Err())
		}
	}
}

// wouldDeadlock follows the waits-for chain from owner; reaching txn means
// txn waiting for owner would close a cycle. Called with lt.mu held.
func (lt *lockTable) wouldDeadlock(txn, owner uint64) bool {
	seen := map[uint64]bool{}
	cur := owner
	for !seen[cur] {
		if cur == txn {
			return true
		}
		seen[cur] = true
		k, ok := lt.waiting[cur]
		if !ok {
			return false
		}
		l := lt.locks[k]
		if l == nil {
			return false
		}
		cur = l.owner
	}
	return false
}

// waitsFor reports whether txn waits, directly or through a chain of
// waiters, for a lock owner holds.
func (lt *lockTable) waitsFor(txn, owner uint64) bool {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	if _, waiting := lt.waiting[txn]; !waiting {
		return false
	}
	return lt.wouldDeadlock(owner, txn)
}

// releaseAll frees every key in keys that txn holds and wakes their waiters.
func (lt *lockTable) releaseAll(txn uint64, keys []string) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	for _, k := range keys {
		if l := lt.locks[k]; l != nil && l.owner == txn {
			close(l.released)
			delete(lt.locks, k)
		}
	}
}
