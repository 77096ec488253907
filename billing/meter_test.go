package billing

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/storage"
)

// meterClock is a settable clock for the meter's Now.
type meterClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *meterClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *meterClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func openMeterStore(t testing.TB, dir string) *storage.DB {
	t.Helper()
	db, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func openTestMeter(t testing.TB, db *storage.DB, cfg Config) *Meter {
	t.Helper()
	m, err := Open(context.Background(), db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sumWindows totals windows per tenant.
func sumWindows(ws []Window) map[string]Window {
	out := map[string]Window{}
	for _, w := range ws {
		s := out[w.Tenant]
		s.Tenant = w.Tenant
		s.add(&w)
		out[w.Tenant] = s
	}
	return out
}

func mustUsage(t testing.TB, m *Meter, tenant string) []Window {
	t.Helper()
	ws, err := m.Usage(context.Background(), tenant, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// genUsage is statement i of a deterministic workload over three
// tenants and a few minutes before base.
func genUsage(i int, base time.Time) Usage {
	u := Usage{
		Tenant:      []string{"acme", "globex", "initech"}[i%3],
		KeyID:       "k" + strconv.Itoa(i%7),
		Database:    "db",
		Kind:        []string{"SELECT", "INSERT", "COPY", "UPDATE"}[i%4],
		RowsRead:    int64(i % 2500),
		RowsWritten: int64((i * 7) % 1700),
		Distances:   int64((i * 13) % 25000),
		BytesIn:     int64(i % 100),
		BytesOut:    int64(i % 1000),
		CPU:         time.Duration(i%50) * time.Microsecond,
		Wall:        time.Duration(i%90) * time.Microsecond,
		At:          base.Add(-time.Duration(i%5) * time.Minute),
	}
	switch i % 17 {
	case 3:
		u.SQLState = "23505"
	case 5:
		u.SQLState, u.RateLimited = "53400", true
	}
	return u
}

func TestMeterConcurrentRecord(t *testing.T) {
	dir := t.TempDir()
	db := openMeterStore(t, filepath.Join(dir, "db"))
	defer db.Close()
	// A small journal with a fast flusher: appenders wrap the ring many
	// times and hit backpressure.
	m := openTestMeter(t, db, Config{Dir: dir, JournalRecords: 256, FlushInterval: time.Millisecond})
	base := time.Now().UTC()
	const workers, per = 8, 3000
	var mu sync.Mutex
	want := map[string]Window{}
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := map[string]Window{}
			for i := g * per; i < (g+1)*per; i++ {
				u := genUsage(i, base)
				units := m.Record(u)
				w := local[u.Tenant]
				w.Statements++
				w.Units += units
				w.RowsRead += u.RowsRead
				w.Distances += u.Distances
				if u.SQLState != "" {
					w.Failed++
				}
				local[u.Tenant] = w
			}
			mu.Lock()
			for k, w := range local {
				s := want[k]
				s.Statements += w.Statements
				s.Units += w.Units
				s.RowsRead += w.RowsRead
				s.Distances += w.Distances
				s.Failed += w.Failed
				want[k] = s
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := m.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := sumWindows(mustUsage(t, m, ""))
	var totalUnits int64
	for tenant, w := range want {
		g := got[tenant]
		if g.Statements != w.Statements || g.Units != w.Units || g.RowsRead != w.RowsRead || g.Distances != w.Distances || g.Failed != w.Failed {
			t.Errorf("%s: ledger %+v\nwant %+v", tenant, g, w)
		}
		totalUnits += w.Units
	}
	st := m.Stats()
	if st.Statements != workers*per || st.UnitsMetered != totalUnits {
		t.Errorf("Stats = %+v, want %d statements and %d units", st, workers*per, totalUnits)
	}
	if st.WindowsPending != 15 { // 3 tenants × 5 minutes
		t.Errorf("WindowsPending = %d, want 15", st.WindowsPending)
	}
	// Usage of one tenant is in time order and only that tenant.
	ws := mustUsage(t, m, "acme")
	for i, w := range ws {
		if w.Tenant != "acme" || i > 0 && !ws[i-1].Start.Before(w.Start) {
			t.Fatalf("Usage(acme) not acme's windows in order: %+v", ws)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Flush after Close = %v, want ErrClosed", err)
	}
	m.Record(genUsage(1, base)) // must not crash nor count
	if got := sumWindows(mustUsage(t, m, "")); got["globex"].Statements != want["globex"].Statements {
		t.Error("Record after Close was counted")
	}
}

func TestMeterUnsentAndMarkSent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openMeterStore(t, filepath.Join(dir, "db"))
	defer db.Close()
	t0 := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	clock := &meterClock{t: t0.Add(30 * time.Second)}
	m := openTestMeter(t, db, Config{Dir: dir, Now: clock.Now, FlushInterval: time.Hour})
	defer m.Close()
	var total = map[string]int64{}
	rec := func(tenant string, at time.Time, rows int64) {
		total[tenant] += m.Record(Usage{Tenant: tenant, Kind: "SELECT", RowsRead: rows, At: at})
	}
	flushAt := func(now time.Time) {
		t.Helper()
		clock.Set(now)
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	unsent := func(limit int) []string {
		t.Helper()
		ws, err := m.Unsent(ctx, limit)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, w := range ws {
			out = append(out, fmt.Sprintf("%s@%s=%d", w.Tenant, w.Start.Format("15:04"), w.Units))
		}
		return out
	}
	check := func(got []string, want ...string) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Unsent = %v, want %v", got, want)
		}
	}

	rec("b", t0.Add(10*time.Second), 0)
	rec("a", t0.Add(20*time.Second), 1000)
	rec("a", t0.Add(70*time.Second), 0)
	rec("b", t0.Add(130*time.Second), 5000)

	// A minute closes CloseDelay (5s) after it ends, as of a complete
	// drain; the drain's start is what counts.
	flushAt(t0.Add(64 * time.Second))
	check(unsent(10))
	flushAt(t0.Add(65 * time.Second))
	check(unsent(10), "a@10:00=2", "b@10:00=1")
	clock.Set(t0.Add(10 * time.Minute)) // time passing alone closes nothing
	check(unsent(10), "a@10:00=2", "b@10:00=1")
	flushAt(t0.Add(3*time.Minute + 5*time.Second))
	check(unsent(10), "a@10:00=2", "b@10:00=1", "a@10:01=1", "b@10:02=6")
	check(unsent(3), "a@10:00=2", "b@10:00=1", "a@10:01=1")
	check(unsent(0))
	if st := m.Stats(); st.WindowsPending != 4 || !st.OldestUnsent.Equal(t0) {
		t.Errorf("Stats = %+v, want 4 pending from %v", st, t0)
	}

	ws, _ := m.Unsent(ctx, 10)
	if err := m.MarkSent(ctx, ws[0]); err != nil {
		t.Fatal(err)
	}
	if err := m.MarkSent(ctx, ws[0]); err != nil { // idempotent
		t.Fatal(err)
	}
	check(unsent(10), "b@10:00=1", "a@10:01=1", "b@10:02=6")
	if st := m.Stats(); st.WindowsPending != 3 || !st.OldestUnsent.Equal(t0) {
		t.Errorf("Stats = %+v, want 3 pending from %v", st, t0)
	}

	// A record for the sent window (clock skew) goes to a's current one.
	rec("a", t0.Add(5*time.Second), 0)
	// A record for a window the exporter already read but has not yet
	// marked: MarkSent keeps what Stripe saw and moves the rest on.
	aLate := ws[2] // a@10:01
	rec("a", t0.Add(61*time.Second), 2000)
	flushAt(t0.Add(3*time.Minute + 6*time.Second))
	check(unsent(10), "b@10:00=1", "a@10:01=4", "b@10:02=6")
	if err := m.MarkSent(ctx, aLate); err != nil {
		t.Fatal(err)
	}
	if err := m.MarkSent(ctx, ws[1]); err != nil {
		t.Fatal(err)
	}
	aw := mustUsage(t, m, "a")
	var got []string
	for _, w := range aw {
		got = append(got, fmt.Sprintf("%s=%d/%d sent=%v", w.Start.Format("15:04"), w.Units, w.Statements, w.Sent))
	}
	if want := "[10:00=2/1 sent=true 10:01=1/1 sent=true 10:03=4/2 sent=false]"; fmt.Sprint(got) != want {
		t.Errorf("a's windows = %v, want %s", got, want)
	}
	for tenant, units := range total {
		if s := sumWindows(mustUsage(t, m, tenant))[tenant]; s.Units != units {
			t.Errorf("%s: ledger has %d units, Record returned %d", tenant, s.Units, units)
		}
	}
	if st := m.Stats(); st.WindowsPending != 2 || !st.OldestUnsent.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("Stats = %+v, want 2 pending from 10:02", st)
	}

	// Usage bounds select overlapping minutes.
	ws2, err := m.Usage(ctx, "", t0.Add(90*time.Second), t0.Add(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(ws2) != 2 || ws2[0].Tenant != "a" || ws2[1].Tenant != "b" {
		t.Errorf("Usage(10:01:30, 10:03) = %+v", ws2)
	}

	if err := m.MarkSent(ctx, Window{Tenant: "zz", Start: t0}); err == nil {
		t.Error("MarkSent of a missing window succeeded")
	}
	bw := mustUsage(t, m, "b")
	last := bw[len(bw)-1]
	last.Units++
	if err := m.MarkSent(ctx, last); err == nil {
		t.Error("MarkSent of more units than the ledger holds succeeded")
	}
}

func TestMeterRetention(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openMeterStore(t, filepath.Join(dir, "db"))
	defer db.Close()
	t0 := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	clock := &meterClock{t: t0.Add(10 * time.Minute)}
	m := openTestMeter(t, db, Config{Dir: dir, Now: clock.Now, FlushInterval: time.Hour, Retention: time.Hour})
	defer m.Close()
	for i := 0; i < 4; i++ {
		m.Record(Usage{Tenant: "a", At: t0.Add(time.Duration(i) * time.Minute)})
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ws, _ := m.Unsent(ctx, 2)
	for _, w := range ws { // 10:00 and 10:01 sent, 10:02 and 10:03 not
		if err := m.MarkSent(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	clock.Set(t0.Add(time.Hour + 90*time.Second)) // 10:00 is past retention, 10:01 not yet
	if err := m.sweep(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range mustUsage(t, m, "a") {
		got = append(got, w.Start.Format("15:04"))
	}
	if fmt.Sprint(got) != "[10:01 10:02 10:03]" {
		t.Errorf("after retention: %v", got)
	}
	clock.Set(t0.Add(48 * time.Hour))
	if err := m.sweep(ctx); err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, w := range mustUsage(t, m, "a") {
		got = append(got, w.Start.Format("15:04"))
	}
	if fmt.Sprint(got) != "[10:02 10:03]" { // unsent windows are kept
		t.Errorf("after retention: %v", got)
	}
	// A record for a minute past retention is billed now.
	m.Record(Usage{Tenant: "a", At: t0})
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ws = mustUsage(t, m, "a")
	if last := ws[len(ws)-1]; !last.Start.Equal(t0.Add(48*time.Hour)) || last.Statements != 1 {
		t.Errorf("old record landed in %+v", last)
	}
}

// crashMeter stops m the way a crash would: no drain, no checkpoint.
func crashMeter(m *Meter) {
	close(m.stop)
	<-m.done
	m.j.close()
	m.j.unmap()
}

func TestMeterReplaysAfterCrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openMeterStore(t, filepath.Join(dir, "db"))
	defer db.Close()
	base := time.Now().UTC()
	m := openTestMeter(t, db, Config{Dir: dir, FlushInterval: time.Hour, JournalRecords: 64})
	var want int64
	for i := 0; i < 100; i++ {
		want += m.Record(genUsage(i, base))
		if i == 49 {
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	crashMeter(m)
	for round := 0; round < 2; round++ {
		m = openTestMeter(t, db, Config{Dir: dir, FlushInterval: time.Hour})
		var got, stmts int64
		for _, w := range mustUsage(t, m, "") {
			got += w.Units
			stmts += w.Statements
		}
		if got != want || stmts != 100 {
			t.Errorf("reopen %d: ledger %d units in %d statements, want %d in 100", round, got, stmts, want)
		}
		if r := m.Stats().Replayed; round == 0 && r != 50 || round == 1 && r != 0 {
			t.Errorf("reopen %d: replayed %d", round, r)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

const crashEnv = "QZ_BILLING_CRASH_DIR"

const (
	crashStatements = 20000
	crashHeld       = 500 // statements recorded while the flusher is held
)

// TestMeterCrashChild is the child of TestMeterCrash: it meters a known
// workload and kills itself with SIGKILL, without Close.
func TestMeterCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("run by TestMeterCrash")
	}
	base, _ := strconv.ParseInt(os.Getenv(crashEnv+"_BASE"), 10, 64)
	held := os.Getenv(crashEnv+"_MODE") == "held"
	db := openMeterStore(t, filepath.Join(dir, "db"))
	// A small ring and a busy flusher: the kill lands amid wraps,
	// backpressure and ledger commits.
	m := openTestMeter(t, db, Config{Dir: dir, JournalRecords: 1024, FlushInterval: time.Millisecond})
	n := crashStatements
	if held {
		n -= crashHeld
	}
	var wg sync.WaitGroup
	const workers = 4
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += workers {
				m.Record(genUsage(i, time.Unix(0, base)))
				if i == n/2 {
					m.Flush(context.Background())
				}
			}
		}()
	}
	wg.Wait()
	if held {
		// The last statements are only in the journal: the restart
		// must replay them.
		if err := m.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		m.flushMu.Lock()
		for i := n; i < crashStatements; i++ {
			m.Record(genUsage(i, time.Unix(0, base)))
		}
	}
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

func TestMeterCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	for _, mode := range []string{"busy", "held"} {
		t.Run(mode, func(t *testing.T) { testMeterCrash(t, mode) })
	}
}

func testMeterCrash(t *testing.T, mode string) {
	dir := t.TempDir()
	base := time.Now().UTC()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMeterCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir, crashEnv+"_MODE="+mode,
		crashEnv+"_BASE="+strconv.FormatInt(base.UnixNano(), 10))
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die by SIGKILL: %v\n%s", err, out)
	}

	f := DefaultFormula()
	want := map[string]Window{}
	for i := 0; i < crashStatements; i++ {
		u := genUsage(i, base)
		w := want[u.Tenant]
		w.Statements++
		w.Units += f.Units(u)
		w.RowsWritten += u.RowsWritten
		w.Wall += u.Wall
		want[u.Tenant] = w
	}
	for round := 0; round < 2; round++ {
		db := openMeterStore(t, filepath.Join(dir, "db"))
		m := openTestMeter(t, db, Config{Dir: dir})
		if err := m.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := sumWindows(mustUsage(t, m, ""))
		for tenant, w := range want {
			g := got[tenant]
			if g.Statements != w.Statements || g.Units != w.Units || g.RowsWritten != w.RowsWritten || g.Wall != w.Wall {
				t.Errorf("reopen %d, %s: ledger %d statements %d units %d rows written %v wall; want %d %d %d %v",
					round, tenant, g.Statements, g.Units, g.RowsWritten, g.Wall, w.Statements, w.Units, w.RowsWritten, w.Wall)
			}
		}
		if len(got) != len(want) {
			t.Errorf("reopen %d: tenants %v", round, got)
		}
		replayed := m.Stats().Replayed
		t.Logf("reopen %d: replayed %d records", round, replayed)
		if round == 0 && mode == "held" && replayed != crashHeld || round == 1 && replayed != 0 {
			t.Errorf("reopen %d: replayed %d records", round, replayed)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func BenchmarkRecord(b *testing.B) {
	dir := b.TempDir()
	db := openMeterStore(b, filepath.Join(dir, "db"))
	defer db.Close()
	m := openTestMeter(b, db, Config{Dir: dir})
	defer m.Close()
	u := Usage{Tenant: "acme", KeyID: "k1234567890a", Database: "acme", Kind: "SELECT",
		RowsRead: 1, BytesIn: 40, BytesOut: 120, CPU: 20 * time.Microsecond, Wall: 30 * time.Microsecond}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.Record(u)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m.Record(u)
			}
		})
	})
}

// TestMeterAdmit: with the ledger not draining (the flush lock held, as a
// commit that keeps failing would), Admit refuses once the journal is
// three quarters full, which leaves a quarter for statements running;
// a drain lets statements in again.
func TestMeterAdmit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openMeterStore(t, filepath.Join(dir, "db"))
	defer db.Close()
	const capacity = 64
	m := openTestMeter(t, db, Config{Dir: dir, JournalRecords: capacity, FlushInterval: time.Hour})
	defer m.Close()
	m.flushMu.Lock()
	admitted := 0
	for m.Admit() == nil {
		if admitted > capacity {
			m.flushMu.Unlock()
			t.Fatalf("Admit still lets statements in after %d records in a journal of %d", admitted, capacity)
		}
		m.Record(Usage{Tenant: "a", Kind: "SELECT"})
		admitted++
	}
	if err := m.Admit(); !errors.Is(err, ErrBehind) {
		t.Errorf("Admit = %v, want ErrBehind", err)
	}
	// The statements already running still record without waiting: the
	// journal has room for every one admitted since the last drain.
	for range capacity - admitted {
		m.Record(Usage{Tenant: "a", Kind: "SELECT"})
	}
	m.flushMu.Unlock()
	if admitted != capacity/4*3+1 {
		t.Errorf("admitted %d statements before refusing, want %d", admitted, capacity/4*3+1)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Admit(); err != nil {
		t.Errorf("Admit after a drain: %v", err)
	}
	if got, want := sumWindows(mustUsage(t, m, "a"))["a"].Statements, int64(capacity); got != want {
		t.Errorf("ledger holds %d statements, want %d", got, want)
	}
}
