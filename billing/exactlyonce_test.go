package billing

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"
)

// The exactly-once test runs the real Meter and the real Exporter against
// the recording fake Stripe: a child process meters statements of several
// tenants and starts exporting; the parent's fake holds the child's k-th
// meter event while the parent SIGKILLs the child, then the parent reopens
// the ledger (the journal replays) and exports through an outage.
const (
	xoEnv        = "QZ_BILLING_XO_DIR" // set in the child: the data dir
	xoStatements = 3000                // flushed into the ledger before the export
	// xoLate statements are recorded after the flush, for a tenant of
	// their own, and stay only in the journal until the parent's Open
	// replays them: the child's export never sees them.
	xoLate       = 200
	xoLateTenant = "hooli"
)

// xoTenants lists the tenants; genUsage spreads statements over the first
// three.
func xoTenants(context.Context) ([]string, error) {
	return []string{"acme", "globex", "initech", xoLateTenant}, nil
}

// xoMeterConfig gives the child a journal of more than twice the records
// it writes, so no half-full wake-up reaches the flusher: one sent during
// the first xoStatements could be taken only after the late records are
// in (GOMAXPROCS=1 shows it) and move them into the ledger too.
func xoMeterConfig(dir string) Config {
	return Config{Dir: filepath.Join(dir, "meter"), JournalRecords: 4 * (xoStatements + xoLate), FlushInterval: time.Hour}
}

func xoWantPath(dir string) string { return filepath.Join(dir, "want.json") }

func TestExactlyOnceAcrossKillAndOutage(t *testing.T) {
	if dir := os.Getenv(xoEnv); dir != "" {
		exactlyOnceChild(t, dir)
		return
	}
	// The fake records the k-th event and dies with the child before
	// answering: the retry must come back a duplicate and count once.
	t.Run("accepted-then-killed", func(t *testing.T) { testExactlyOnce(t, true, 20, 1) })
	// The k-th event never reaches the fake's books: the retry is new.
	t.Run("killed-before-accept", func(t *testing.T) { testExactlyOnce(t, false, 33, 2) })
}

// exactlyOnceChild meters a seeded workload, writes what Record returned
// per tenant to want.json and exports until the parent kills it.
func exactlyOnceChild(t *testing.T, dir string) {
	seed, err := strconv.ParseUint(os.Getenv(xoEnv+"_SEED"), 10, 64)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	db := openMeterStore(t, filepath.Join(dir, "db"))
	m := openTestMeter(t, db, xoMeterConfig(dir))
	rng := rand.New(rand.NewPCG(seed, seed))
	now := time.Now().UTC()
	want := make(map[string]int64)
	rec := func(u Usage) {
		// 2 to 20 minutes ago: every window is closed by the flush.
		u.At = now.Add(-2*time.Minute - time.Duration(rng.Int64N(int64(18*time.Minute))))
		want[u.Tenant] += m.Record(u)
	}
	for range xoStatements {
		rec(genUsage(rng.IntN(1<<20), now))
	}
	if err := m.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range xoLate {
		u := genUsage(rng.IntN(1<<20), now)
		u.Tenant = xoLateTenant
		rec(u)
	}
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(xoWantPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	e, err := NewExporter(db, m, xoTenants, StripeConfig{
		Key:       fakeStripeKey,
		URL:       os.Getenv(xoEnv + "_URL"),
		Interval:  5 * time.Millisecond,
		RetryBase: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e.Run(ctx)
	t.Fatalf("exported for 20s without being killed: %+v", e.Stats())
}

// testExactlyOnce kills the child on its k-th meter event, after the fake
// recorded it as accepted or before, then drains the ledger in-process
// through 503s, 429s and recovery, and checks Stripe's books against the
// ledger and the ledger against what Record returned.
func testExactlyOnce(t *testing.T, acceptThenKill bool, k int, seed uint64) {
	ctx := context.Background()
	dir := t.TempDir()
	f := newFakeStripe(t, time.Now)
	hit := make(chan string, 1)
	release := make(chan struct{})
	var releaseOnce sync.Once
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	// Registered after the fake: runs before its server's Close, which
	// waits for the held request.
	t.Cleanup(unblock)
	f.mu.Lock()
	f.cut = func(n int, id string, accepted bool) bool {
		if n != k || accepted != acceptThenKill {
			return false
		}
		hit <- id
		<-release
		return true
	}
	f.mu.Unlock()

	cmd := exec.Command(os.Args[0], "-test.run=^TestExactlyOnceAcrossKillAndOutage$", "-test.count=1")
	cmd.Env = append(os.Environ(), xoEnv+"="+dir, xoEnv+"_URL="+f.srv.URL,
		xoEnv+"_SEED="+strconv.FormatUint(seed, 10))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var victim string
	select {
	case victim = <-hit:
		if err := syscall.Kill(cmd.Process.Pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := <-exited
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("child did not die by SIGKILL: %v\n%s", err, out.String())
		}
	case err := <-exited:
		t.Fatalf("child ended before its meter event %d: %v\n%s", k, err, out.String())
	case <-time.After(25 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("child sent no meter event %d in 25s\n%s", k, out.String())
	}
	unblock()
	f.mu.Lock()
	f.cut = nil
	f.mu.Unlock()

	atKill, _, _, _ := f.snapshot()
	wantAtKill := k - 1
	if acceptThenKill {
		wantAtKill = k
	}
	if len(atKill) != wantAtKill {
		t.Fatalf("fake accepted %d events before the kill, want %d", len(atKill), wantAtKill)
	}
	if slices.ContainsFunc(atKill, func(ev fakeEvent) bool { return ev.Identifier == victim }) != acceptThenKill {
		t.Fatalf("event %s accepted before the kill: %v, want %v", victim, !acceptThenKill, acceptThenKill)
	}

	b, err := os.ReadFile(xoWantPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]int64 // tenant -> units Record returned
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if names, _ := xoTenants(ctx); len(want) != len(names) {
		t.Fatalf("child metered tenants %v, want %v", want, names)
	}

	db := openMeterStore(t, filepath.Join(dir, "db"))
	defer db.Close()
	m := openTestMeter(t, db, xoMeterConfig(dir))
	defer m.Close()
	if r := m.Stats().Replayed; r != xoLate {
		t.Errorf("reopen replayed %d journal records, want %d", r, xoLate)
	}
	checkLedger := func(when string) {
		t.Helper()
		got := sumWindows(mustUsage(t, m, ""))
		for tenant, units := range want {
			if got[tenant].Units != units {
				t.Errorf("%s: %s's ledger holds %d units, Record returned %d", when, tenant, got[tenant].Units, units)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: ledger tenants %v, want %v", when, got, want)
		}
	}
	checkLedger("after reopen")

	unsent := func() int {
		t.Helper()
		ws, err := m.Unsent(ctx, 1<<16)
		if err != nil {
			t.Fatal(err)
		}
		return len(ws)
	}
	backlog := unsent()
	e := testExporter(t, db, f, m, xoTenants, nil)
	for _, mode := range []string{"503", "503", "429", "429"} {
		f.setMode(mode)
		sent, err := e.ExportOnce(ctx)
		var se *stripe.Error
		if sent != 0 || !errors.As(err, &se) || strconv.Itoa(se.HTTPStatusCode) != mode {
			t.Fatalf("pass during %s: sent %d, err %v", mode, sent, err)
		}
		if n := unsent(); n != backlog {
			t.Fatalf("pass during %s: %d windows unsent, %d before", mode, n, backlog)
		}
	}
	if now, _, _, _ := f.snapshot(); len(now) != len(atKill) {
		t.Fatalf("events accepted during the outage")
	}

	// Recovery: a 503 and a 429 more, which the in-pass retries absorb.
	f.setMode("ok", 503, 429)
	if _, err := e.ExportOnce(ctx); err != nil {
		t.Fatalf("recovery pass: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for unsent() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d windows still unsent after recovery: %+v", unsent(), e.Stats())
		}
		if _, err := e.ExportOnce(ctx); err != nil {
			t.Fatalf("pass after recovery: %v", err)
		}
	}
	if sent, err := e.ExportOnce(ctx); sent != 0 || err != nil {
		t.Fatalf("idle pass: sent %d, err %v", sent, err)
	}

	checkExactlyOnce(t, e, f, m)
	checkLedger("after export")
	accepted, customers, dups, status := f.snapshot()
	wantDups := 0
	if acceptThenKill {
		wantDups = 1
	}
	if dups != wantDups || e.Stats().Duplicates != int64(wantDups) {
		t.Errorf("duplicate answers: fake %d, exporter %d; want %d", dups, e.Stats().Duplicates, wantDups)
	}
	if !slices.ContainsFunc(accepted, func(ev fakeEvent) bool { return ev.Identifier == victim }) {
		t.Errorf("event %s never accepted", victim)
	}
	if len(customers) != len(want) {
		t.Errorf("customers %v, want one per tenant", customers)
	}
	if status[503] == 0 || status[429] == 0 {
		t.Errorf("fake never answered 503 and 429: %v", status)
	}
	late, _, err := e.CustomerID(ctx, xoLateTenant)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range accepted[:len(atKill)] {
		if ev.Customer == late {
			t.Errorf("event %d (%s) of journal-only tenant %s was sent before the kill", i, ev.Identifier, xoLateTenant)
		}
	}
	if st := m.Stats(); st.WindowsPending != 0 {
		t.Errorf("meter stats after export: %+v", st)
	}
	t.Logf("%d windows: %d events accepted before the kill, %d after (event %d: %s), %d duplicate answers, answers %v",
		len(mustUsage(t, m, "")), len(atKill), len(accepted)-len(atKill), k, victim, dups, status)
}
