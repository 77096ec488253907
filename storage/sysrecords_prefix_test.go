package storage

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestScanSysPrefix(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	names := []string{"", "a", "a\x00", "a\x00b", "ab", "ab/1", "ab/2", "abc", "a\xff", "b", "\xff\xff"} // byte order
	txn := db.Begin(ReadCommitted)
	for _, n := range names {
		if err := txn.PutSys(ctx, "usage", n, []byte("v:"+n)); err != nil {
			t.Fatal(err)
		}
	}
	// Records of a kind sharing a prefix with "usage" must never show up.
	if err := txn.PutSys(ctx, "usagex", "ab/3", []byte("other")); err != nil {
		t.Fatal(err)
	}
	mustCommit(t, txn)

	tests := []struct {
		prefix string
		want   []string
	}{
		{"", names},
		{"a", []string{"a", "a\x00", "a\x00b", "ab", "ab/1", "ab/2", "abc", "a\xff"}},
		{"a\x00", []string{"a\x00", "a\x00b"}},
		{"ab/", []string{"ab/1", "ab/2"}},
		{"ab", []string{"ab", "ab/1", "ab/2", "abc"}},
		{"abcd", nil},
		{"\xff", []string{"\xff\xff"}},
		{"c", nil},
	}
	txn = db.Begin(ReadCommitted)
	defer txn.Rollback()
	for _, tc := range tests {
		var got []string
		err := txn.ScanSysPrefix(ctx, "usage", tc.prefix, func(name string, value []byte) error {
			if string(value) != "v:"+name {
				t.Errorf("prefix %q: %q has value %q", tc.prefix, name, value)
			}
			got = append(got, name)
			return nil
		})
		if err != nil {
			t.Fatalf("ScanSysPrefix(%q): %v", tc.prefix, err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("ScanSysPrefix(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
	}

	// ScanSys is the empty prefix.
	var all []string
	if err := txn.ScanSys(ctx, "usage", func(name string, _ []byte) error {
		all = append(all, name)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(all, tests[0].want) {
		t.Errorf("ScanSys = %q, want %q", all, tests[0].want)
	}

	// An error from fn stops the scan and comes back unchanged.
	stop := errors.New("stop")
	n := 0
	err := txn.ScanSysPrefix(ctx, "usage", "ab", func(string, []byte) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("stopping scan: err %v after %d calls", err, n)
	}
	if err := txn.ScanSysPrefix(ctx, "", "a", func(string, []byte) error { return nil }); err == nil {
		t.Error("empty kind accepted")
	}
}
