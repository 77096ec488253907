package storage

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

func TestSysRecordsRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, dir := openTestDB(t)
	records := []struct{ kind, name, value string }{
		{"tenant", "acme", `{"n":1}`},
		{"tenant", "ac", `{"n":2}`}, // a prefix of another name
		{"tenant", "a\x00b", "nul inside"},
		{"tenant", "", "empty name"},
		{"tenantx", "acme", "other kind with a prefix-sharing name"},
		{"key", "abc", "k"},
	}
	txn := db.Begin(ReadCommitted)
	for _, r := range records {
		if err := txn.PutSys(ctx, r.kind, r.name, []byte(r.value)); err != nil {
			t.Fatal(err)
		}
	}
	mustCommit(t, txn)
	db = reopenTestDB(t, db, dir)

	txn = db.Begin(ReadCommitted)
	defer txn.Rollback()
	for _, r := range records {
		v, ok, err := txn.GetSys(ctx, r.kind, r.name)
		if err != nil || !ok || string(v) != r.value {
			t.Errorf("GetSys(%q, %q) = %q, %v, %v; want %q", r.kind, r.name, v, ok, err, r.value)
		}
	}
	// ScanSys returns exactly the records of one kind, in name byte order.
	want := map[string][]string{}
	for _, r := range records {
		want[r.kind] = append(want[r.kind], r.name)
	}
	for kind, names := range want {
		var got []string
		err := txn.ScanSys(ctx, kind, func(name string, value []byte) error {
			got = append(got, name)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(names) {
			t.Fatalf("ScanSys(%q) = %q, want the names %q", kind, got, names)
		}
		for i := 1; i < len(got); i++ {
			if got[i-1] >= got[i] {
				t.Errorf("ScanSys(%q) not in name order: %q", kind, got)
			}
		}
		for _, n := range names {
			found := false
			for _, g := range got {
				found = found || g == n
			}
			if !found {
				t.Errorf("ScanSys(%q) misses %q: %q", kind, n, got)
			}
		}
	}
	if _, _, err := txn.GetSys(ctx, "", "x"); err == nil {
		t.Error("empty kind accepted")
	}
}

func TestSysRecordsOutsideTenantData(t *testing.T) {
	k, err := sysKey("tenant", "acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, dbID := range []uint32{0, 1, FirstObjectID, ^uint32(0)} {
		p := dbPrefix(dbID)
		if bytes.HasPrefix(k, p) || (bytes.Compare(k, p) >= 0 && bytes.Compare(k, prefixEnd(p)) < 0) {
			t.Errorf("system record key %q falls inside database %d's range", k, dbID)
		}
	}
}

func TestSysRecordsCreateDelete(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	t1 := db.Begin(ReadCommitted)
	if err := t1.CreateSys(ctx, "tenant", "acme", []byte("1")); err != nil {
		t.Fatal(err)
	}
	// Creating it again in the same transaction sees its own write.
	if err := t1.CreateSys(ctx, "tenant", "acme", []byte("2")); !errors.Is(err, ErrSysExists) {
		t.Fatalf("second CreateSys in one txn: %v, want ErrSysExists", err)
	}
	// A concurrent creator waits for t1's lock, then sees the committed record.
	t2 := db.Begin(ReadCommitted)
	defer t2.Rollback()
	errc := make(chan error, 1)
	go func() { errc <- t2.CreateSys(ctx, "tenant", "acme", []byte("3")) }()
	waitUntilWaiting(t, db, t2)
	mustCommit(t, t1)
	if err := <-errc; !errors.Is(err, ErrSysExists) {
		t.Fatalf("concurrent CreateSys: %v, want ErrSysExists", err)
	}
	t2.Rollback()

	// GetSysForUpdate sees the latest commit even from an older snapshot.
	t3 := db.Begin(RepeatableRead)
	defer t3.Rollback()
	if err := t3.StartStatement(); err != nil {
		t.Fatal(err)
	}
	t4 := db.Begin(ReadCommitted)
	if err := t4.PutSys(ctx, "tenant", "acme", []byte("4")); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, t4)
	if v, _, _ := t3.GetSys(ctx, "tenant", "acme"); string(v) != "1" {
		t.Errorf("snapshot read = %q, want the snapshot's value 1", v)
	}
	if v, ok, err := t3.GetSysForUpdate(ctx, "tenant", "acme"); err != nil || !ok || string(v) != "4" {
		t.Errorf("GetSysForUpdate = %q, %v, %v; want the latest value 4", v, ok, err)
	}
	t3.Rollback()

	t5 := db.Begin(ReadCommitted)
	if err := t5.DeleteSys(ctx, "tenant", "acme"); err != nil {
		t.Fatal(err)
	}
	if err := t5.DeleteSys(ctx, "tenant", "never-there"); err != nil {
		t.Fatalf("deleting an absent record: %v", err)
	}
	mustCommit(t, t5)
	t6 := db.Begin(ReadCommitted)
	defer t6.Rollback()
	if _, ok, err := t6.GetSys(ctx, "tenant", "acme"); ok || err != nil {
		t.Errorf("record still there after DeleteSys: %v, %v", ok, err)
	}
	if err := t6.CreateSys(ctx, "tenant", "acme", []byte("5")); err != nil {
		t.Errorf("re-creating a deleted record: %v", err)
	}
}

func TestUnescapeName(t *testing.T) {
	for _, s := range []string{"", "a", "a\x00", "\x00\x00", "\xff\x00\x01"} {
		got, err := unescapeName(appendEscaped(nil, s))
		if err != nil || got != s {
			t.Errorf("round trip of %q = %q, %v", s, got, err)
		}
	}
	for _, bad := range [][]byte{nil, []byte("abc"), {0x00}, {0x00, 0x05}, {'a', 0x00, 0x01, 'b'}} {
		if _, err := unescapeName(bad); err == nil {
			t.Errorf("unescapeName(%q) accepted corrupt input", bad)
		}
	}
}
