package billing

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTestJournal(t *testing.T, path string, capacity int, checkpoint uint64) (*journal, []journalRecord) {
	t.Helper()
	j, recs, err := openJournal(path, capacity, checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	return j, recs
}

// drainJournal collects everything published after seq after.
func drainJournal(j *journal, after uint64) ([]journalRecord, uint64) {
	var out []journalRecord
	last := j.collect(after, 1<<30, func(seq uint64, rec []byte) {
		if recordIntact(rec, seq) {
			out = append(out, decodeRecord(rec, seq))
		}
	})
	return out, last
}

func testUsage(i int) Usage {
	return Usage{
		Tenant: "tenant_" + string(rune('a'+i%3)), KeyID: "k1234567890a", Database: "db",
		Kind: "SELECT", RowsRead: int64(i), RowsWritten: int64(2 * i), Distances: int64(3 * i),
		BytesIn: 10, BytesOut: 20, CPU: time.Duration(i) * time.Microsecond, Wall: time.Millisecond,
		At: time.Date(2025, 3, 4, 5, 6, 7, i, time.UTC),
	}
}

func TestJournalAppendDrain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, recs := openTestJournal(t, path, 64, 0)
	defer j.unmap()
	if len(recs) != 0 {
		t.Fatalf("new journal recovered %d records", len(recs))
	}
	long := strings.Repeat("x", 62) + "é" // 64 bytes: é must not be split
	cases := []struct {
		in, want Usage
		units    int64
	}{
		{testUsage(1), testUsage(1), 1},
		{Usage{Tenant: "t", SQLState: "53400", RateLimited: true, At: time.Unix(0, 5).UTC()},
			Usage{Tenant: "t", SQLState: "53400", RateLimited: true, At: time.Unix(0, 5).UTC()}, 0},
		{Usage{Tenant: long, Database: long + "more", KeyID: strings.Repeat("k", 40), Kind: strings.Repeat("K", 40), SQLState: "123456789", At: time.Unix(1, 0).UTC()},
			Usage{Tenant: long[:62], Database: long[:62], KeyID: strings.Repeat("k", 32), Kind: strings.Repeat("K", 32), SQLState: "12345678", At: time.Unix(1, 0).UTC()}, 7},
	}
	for _, c := range cases {
		if !j.append(&c.in, c.units, c.in.At.UnixNano()) {
			t.Fatal("append refused")
		}
	}
	got, last := drainJournal(j, 0)
	if last != 3 || len(got) != 3 {
		t.Fatalf("drained %d records up to seq %d, want 3", len(got), last)
	}
	for i, c := range cases {
		if got[i].Seq != uint64(i+1) || got[i].Units != c.units || got[i].Usage != c.want {
			t.Errorf("record %d = %d %d %+v\nwant %d %d %+v", i, got[i].Seq, got[i].Units, got[i].Usage, i+1, c.units, c.want)
		}
	}
	// Nothing more is published.
	if more, l := drainJournal(j, last); len(more) != 0 || l != last {
		t.Errorf("second drain: %d records up to %d", len(more), l)
	}
}

func TestJournalWrapAround(t *testing.T) {
	j, _ := openTestJournal(t, filepath.Join(t.TempDir(), "j"), 16, 0)
	defer j.unmap()
	var after uint64
	n := 0
	for round := 0; round < 20; round++ {
		for i := 0; i < 11; i++ { // not a divisor of 16: slots shift every lap
			u := testUsage(n)
			j.append(&u, int64(n), u.At.UnixNano())
			n++
		}
		got, last := drainJournal(j, after)
		if len(got) != 11 || last != after+11 {
			t.Fatalf("round %d: drained %d up to %d, want 11 up to %d", round, len(got), last, after+11)
		}
		for i, r := range got {
			want := int(after) + i
			if r.Seq != uint64(want+1) || r.Units != int64(want) || r.Usage != testUsage(want) {
				t.Fatalf("round %d: record %d is seq %d units %d", round, i, r.Seq, r.Units)
			}
		}
		after = last
		j.release(last)
	}
}

func TestJournalBackpressure(t *testing.T) {
	j, _ := openTestJournal(t, filepath.Join(t.TempDir(), "j"), 16, 0)
	defer j.unmap()
	full := make(chan struct{}, 1)
	j.onFull = func() {
		select {
		case full <- struct{}{}:
		default:
		}
	}
	for i := 0; i < 16; i++ {
		u := testUsage(i)
		j.append(&u, 1, 0)
	}
	var wg sync.WaitGroup
	var done sync.Map
	for i := 16; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := testUsage(i)
			j.append(&u, 1, 0)
			done.Store(i, true)
		}()
	}
	select {
	case <-full:
	case <-time.After(10 * time.Second):
		t.Fatal("a full ring did not call onFull")
	}
	time.Sleep(20 * time.Millisecond)
	done.Range(func(k, _ any) bool {
		t.Errorf("append %v finished while the ring was full", k)
		return true
	})
	// Reading without releasing frees nothing: the records are not yet
	// in the ledger.
	got, last := drainJournal(j, 0)
	if len(got) != 16 {
		t.Fatalf("drained %d, want 16", len(got))
	}
	time.Sleep(10 * time.Millisecond)
	done.Range(func(k, _ any) bool {
		t.Errorf("append %v overwrote an unreleased record", k)
		return true
	})
	j.release(last)
	wg.Wait()
	got, last = drainJournal(j, last)
	if len(got) != 4 || last != 20 {
		t.Fatalf("after release drained %d up to %d, want 4 up to 20", len(got), last)
	}
}

func TestJournalRecoverySkipsTornRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, _ := openTestJournal(t, path, 16, 0)
	for i := 0; i < 10; i++ {
		u := testUsage(i)
		j.append(&u, int64(i), u.At.UnixNano())
	}
	// Seq 5: a power loss tore its page (seq present, content wrong).
	j.slot(5 % 16)[offCounters+8] ^= 0xff
	// Seq 7: the process died while filling it (seq still 0).
	rec := j.slot(7 % 16)
	*seqWord(rec) = 0
	rec[offStrings] = 'Z'
	// Crash: no release, no drain.
	if err := j.unmap(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		checkpoint uint64
		want       []uint64
	}{
		{0, []uint64{1, 2, 3, 4, 6, 8, 9, 10}},
		{4, []uint64{6, 8, 9, 10}},
		{10, nil},
		{12, nil}, // a checkpoint past the file (journal replaced): seqs go on from it
	} {
		j, recs := openTestJournal(t, path, 64 /* ignored: the file keeps 16 */, tc.checkpoint)
		var seqs []uint64
		for _, r := range recs {
			seqs = append(seqs, r.Seq)
			if want := testUsage(int(r.Seq - 1)); r.Usage != want || r.Units != int64(r.Seq-1) {
				t.Errorf("recovered seq %d = %+v", r.Seq, r.Usage)
			}
		}
		if len(seqs) != len(tc.want) || (len(seqs) > 0 && !equalU64(seqs, tc.want)) {
			t.Errorf("checkpoint %d: recovered %v, want %v", tc.checkpoint, seqs, tc.want)
		}
		if j.cap != 16 {
			t.Errorf("capacity %d, want the file's 16", j.cap)
		}
		wantNext := max(uint64(10), tc.checkpoint) + 1
		u := testUsage(0)
		j.append(&u, 0, 0)
		if got := j.reserved(); got != wantNext {
			t.Errorf("checkpoint %d: next seq %d, want %d", tc.checkpoint, got, wantNext)
		}
		// Undo the probe so the next case sees the crashed file.
		*seqWord(j.slot(wantNext % 16)) = 0
		j.unmap()
	}
}

func equalU64(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestJournalRejectsForeignFile(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"short":   "hello",
		"foreign": strings.Repeat("x", 8192),
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if j, _, err := openJournal(path, 16, 0); err == nil {
			j.unmap()
			t.Errorf("%s file accepted as a journal", name)
		}
	}
	if _, _, err := openJournal(filepath.Join(dir, "tiny"), 4, 0); err == nil {
		t.Error("a 4-record journal accepted")
	}

	// A file created by a process that died before writing the header
	// is started afresh.
	zero := filepath.Join(dir, "zero")
	if err := os.WriteFile(zero, make([]byte, 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	j, recs, err := openJournal(zero, 16, 0)
	if err != nil || len(recs) != 0 || j.cap != 16 {
		t.Fatalf("zero-filled journal: %v, %d records, capacity %v", err, len(recs), j)
	}
	// One journal, one process.
	if j2, _, err := openJournal(zero, 16, 0); err == nil {
		j2.unmap()
		t.Error("a journal in use opened twice")
	}
	j.unmap()
	if j, _, err = openJournal(zero, 16, 0); err != nil {
		t.Fatalf("reopen after unmap: %v", err)
	}
	j.unmap()
}

func TestJournalClose(t *testing.T) {
	j, _ := openTestJournal(t, filepath.Join(t.TempDir(), "j"), 16, 0)
	u := testUsage(1)
	j.append(&u, 1, 0)
	if last := j.close(); last != 1 {
		t.Fatalf("close returned %d, want 1", last)
	}
	if j.append(&u, 1, 0) {
		t.Error("append after close accepted")
	}
	if j.reserved() != 1 {
		t.Errorf("reserved after close = %d, want 1", j.reserved())
	}
	if err := j.unmap(); err != nil {
		t.Fatal(err)
	}
	if j.append(&u, 1, 0) { // must not touch the unmapped memory
		t.Error("append after unmap accepted")
	}
}
