package vecindex

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"testing"
)

func TestSnapshotRoundTrip(t *testing.T) {
	for _, m := range []Metric{MetricL2, MetricCosine} {
		t.Run(m.String(), func(t *testing.T) {
			base := randVecs(1500, 24, 20)
			ix := buildIndex(t, Config{Dim: 24, Metric: m, M: 8, Seed: 4}, base)
			for i := 0; i < 300; i += 2 {
				ix.Delete(uint64(i))
			}
			if _, err := ix.Purge(context.Background()); err != nil {
				t.Fatal(err)
			}
			for i := 1; i < 300; i += 6 {
				ix.Delete(uint64(i)) // tombstones that stay in the snapshot
			}
			var buf bytes.Buffer
			if err := ix.WriteSnapshot(&buf, 12345); err != nil {
				t.Fatal(err)
			}
			got, seq, err := ReadSnapshot(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if seq != 12345 || got.Len() != ix.Len() || got.Deleted() != ix.Deleted() || got.Config() != ix.Config() {
				t.Fatalf("seq %d len %d deleted %d cfg %+v; want 12345 %d %d %+v",
					seq, got.Len(), got.Deleted(), got.Config(), ix.Len(), ix.Deleted(), ix.Config())
			}
			keep := func(id uint64) bool { return id%5 != 0 }
			for _, q := range randVecs(50, 24, 21) {
				for _, f := range []func(uint64) bool{nil, keep} {
					a, b := ix.Search(q, 10, 40, f), got.Search(q, 10, 40, f)
					if !slices.Equal(a, b) {
						t.Fatalf("results differ after round trip:\n%v\n%v", a, b)
					}
				}
			}
			// The loaded index keeps working: purge, reuse, insert.
			if _, err := got.Purge(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := got.Insert(0, base[0]); err != nil {
				t.Fatal(err)
			}
			if r := got.Search(base[0], 1, 40, nil); len(r) != 1 || r[0].ID != 0 {
				t.Fatalf("reinserted vector not found: %v", r)
			}
			// Writing the loaded index gives the same bytes.
			again, _, err := ReadSnapshot(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			var buf2 bytes.Buffer
			if err := again.WriteSnapshot(&buf2, 12345); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
				t.Fatal("rewritten snapshot differs")
			}
		})
	}
}

func TestSnapshotEmpty(t *testing.T) {
	ix, _ := New(Config{Dim: 3})
	var buf bytes.Buffer
	if err := ix.WriteSnapshot(&buf, 7); err != nil {
		t.Fatal(err)
	}
	got, seq, err := ReadSnapshot(&buf)
	if err != nil || seq != 7 || got.Len() != 0 {
		t.Fatalf("empty round trip: %v %d %v", got, seq, err)
	}
	if err := got.Insert(1, []float32{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
}

func TestSnapshotCorrupt(t *testing.T) {
	ix := buildIndex(t, Config{Dim: 8, M: 4, Seed: 5}, randVecs(300, 8, 22))
	ix.Delete(3)
	var buf bytes.Buffer
	if err := ix.WriteSnapshot(&buf, 1); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	// Every truncation fails.
	for n := 0; n < len(good); n += 1 + n/50 {
		if _, _, err := ReadSnapshot(bytes.NewReader(good[:n])); err == nil {
			t.Fatalf("truncated to %d of %d bytes: accepted", n, len(good))
		} else if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d: unexpected error %v", n, err)
		}
	}
	// Every flipped byte fails (header checks or the checksum).
	for i := 0; i < len(good); i += 1 + i/100 {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(good)
			bad[i] ^= x
			if _, _, err := ReadSnapshot(bytes.NewReader(bad)); err == nil {
				t.Fatalf("byte %d ^ %#x: accepted", i, x)
			}
		}
	}
	if _, _, err := ReadSnapshot(bytes.NewReader(nil)); err == nil {
		t.Fatal("empty input accepted")
	}
}
