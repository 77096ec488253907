package server

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// metricsScrape fetches m's handler and parses the text exposition, with
// the legacy name rules, so a badly named series fails the parse.
func metricsScrape(t *testing.T, m *Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: status %d: %s", rec.Code, rec.Body)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse scrape: %v", err)
	}
	return fams
}

// metricsValue sums a family's series: counter and gauge values, and
// histogram and summary sample counts. A missing family is 0.
func metricsValue(fam *dto.MetricFamily) float64 {
	if fam == nil {
		return 0
	}
	var sum float64
	for _, m := range fam.Metric {
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		case m.Summary != nil:
			sum += float64(m.Summary.GetSampleCount())
		case m.Untyped != nil:
			sum += m.Untyped.GetValue()
		}
	}
	return sum
}

// metricsSeries returns the value of fam's series whose labels are all of
// want (name=value pairs), and whether there is one.
func metricsSeries(fam *dto.MetricFamily, want ...string) (float64, bool) {
	if fam == nil {
		return 0, false
	}
next:
	for _, m := range fam.Metric {
		labels := make(map[string]string, len(m.Label))
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(want); i += 2 {
			if labels[want[i]] != want[i+1] {
				continue next
			}
		}
		return metricsValue(&dto.MetricFamily{Metric: []*dto.Metric{m}}), true
	}
	return 0, false
}

// metricsExec runs every statement of query on s as a simple Query would,
// failing the test on any error.
func metricsExec(t *testing.T, s *planner.Session, query string) {
	t.Helper()
	ctx := context.Background()
	stmts, err := sql.Parse(query)
	if err != nil {
		t.Fatalf("parse %q: %v", query, err)
	}
	for _, st := range stmts {
		p, err := s.Prepare(ctx, st, query, nil)
		if err != nil {
			t.Fatalf("prepare %q: %v", query, err)
		}
		cur, err := s.Bind(ctx, p, nil)
		if err != nil {
			t.Fatalf("bind %q: %v", query, err)
		}
		for {
			row, err := cur.Next(ctx)
			if err != nil {
				t.Fatalf("run %q: %v", query, err)
			}
			if row == nil {
				break
			}
		}
		cur.Close()
	}
	if err := s.EndImplicit(ctx); err != nil {
		t.Fatalf("commit %q: %v", query, err)
	}
}

// fakeBilling is a billing source the test moves by hand.
type fakeBilling struct {
	mu sync.Mutex
	st BillingStats
}

func (f *fakeBilling) stats() BillingStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

// TestMetricsScrape scrapes a Metrics over real storage and a real engine,
// and checks that every series exists with its type and that those the
// activity in between should move do.
func TestMetricsScrape(t *testing.T) {
	ctx := context.Background()
	store, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := planner.Bootstrap(ctx, store); err != nil {
		t.Fatal(err)
	}
	eng := planner.NewEngine(store)
	sess, err := eng.NewSession(ctx, planner.SessionOptions{User: "admin", Database: planner.DefaultDatabase})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sess.Close)
	bill := &fakeBilling{}
	m := NewMetrics(MetricSources{Storage: store.Metrics, Vectors: eng.VectorStats, Billing: bill.stats}, true)

	first := metricsScrape(t, m)

	// Activity: statements, rows, connections, refusals, an HNSW index
	// and a search on it, and billing progress.
	m.ConnOpened()
	m.ConnOpened()
	m.ConnClosed()
	m.AuthFailure()
	m.RateLimited()
	m.Statement("SELECT", OutcomeOK, 3*time.Millisecond, "tenant-a")
	m.Statement("INSERT", OutcomeError, time.Millisecond, "tenant-b")
	m.Statement("UPDATE", OutcomeRateLimited, 0, "tenant-a")
	m.Rows(10, 2)

	rng := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	sb.WriteString("CREATE TABLE items (id int8 PRIMARY KEY, embedding vector(4)); INSERT INTO items VALUES ")
	for i := 1; i <= 200; i++ {
		if i > 1 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "(%d,'[%g,%g,%g,%g]')", i, rng.Float32(), rng.Float32(), rng.Float32(), rng.Float32())
	}
	metricsExec(t, sess, sb.String())
	metricsExec(t, sess, "CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_l2_ops)")
	metricsExec(t, sess, "SELECT id FROM items ORDER BY embedding <-> '[0.5,0.25,0.75,0.1]' LIMIT 5")

	bill.mu.Lock()
	bill.st = BillingStats{UnitsMetered: 42, Statements: 3, WindowsPending: 2, ExportFailures: 1, NearLimit: 1, OldestUnsentAge: 90 * time.Second}
	bill.mu.Unlock()

	second := metricsScrape(t, m)

	tests := []struct {
		name  string
		typ   dto.MetricType
		moves bool // the activity above must raise it
	}{
		{"quartzdb_statements_total", dto.MetricType_COUNTER, true},
		{"quartzdb_statement_duration_seconds", dto.MetricType_HISTOGRAM, true},
		{"quartzdb_tenant_statements_total", dto.MetricType_COUNTER, true},
		{"quartzdb_rows_read_total", dto.MetricType_COUNTER, true},
		{"quartzdb_rows_written_total", dto.MetricType_COUNTER, true},
		{"quartzdb_connections_open", dto.MetricType_GAUGE, true},
		{"quartzdb_connections_total", dto.MetricType_COUNTER, true},
		{"quartzdb_auth_failures_total", dto.MetricType_COUNTER, true},
		{"quartzdb_rate_limit_rejections_total", dto.MetricType_COUNTER, true},

		{"quartzdb_vectors_stored", dto.MetricType_GAUGE, true},
		{"quartzdb_hnsw_indexes", dto.MetricType_GAUGE, true},
		{"quartzdb_hnsw_searches_total", dto.MetricType_COUNTER, true},
		{"quartzdb_hnsw_distance_computations_total", dto.MetricType_COUNTER, true},
		// Build progress is non-zero only while a build runs.
		{"quartzdb_hnsw_index_builds_running", dto.MetricType_GAUGE, false},
		{"quartzdb_hnsw_index_build_vectors_done", dto.MetricType_GAUGE, false},
		{"quartzdb_hnsw_index_build_vectors_target", dto.MetricType_GAUGE, false},

		// Disk usage counts the WAL at its preallocated size, and nothing
		// here fills a memtable, so those need not move.
		{"quartzdb_storage_disk_bytes", dto.MetricType_GAUGE, false},
		{"quartzdb_storage_live_table_bytes", dto.MetricType_GAUGE, false},
		{"quartzdb_storage_live_tables", dto.MetricType_GAUGE, false},
		{"quartzdb_storage_compactions_total", dto.MetricType_COUNTER, false},
		{"quartzdb_storage_compaction_debt_bytes", dto.MetricType_GAUGE, false},
		{"quartzdb_storage_flushes_total", dto.MetricType_COUNTER, false},
		{"quartzdb_storage_wal_syncs_total", dto.MetricType_COUNTER, true},
		{"quartzdb_storage_wal_written_bytes_total", dto.MetricType_COUNTER, true},
		{"quartzdb_storage_wal_files", dto.MetricType_GAUGE, false},
		{"quartzdb_storage_memtable_bytes", dto.MetricType_GAUGE, false},
		{"quartzdb_storage_block_cache_bytes", dto.MetricType_GAUGE, false},
		{"quartzdb_storage_block_cache_hits_total", dto.MetricType_COUNTER, false},
		{"quartzdb_storage_block_cache_misses_total", dto.MetricType_COUNTER, false},
		{"quartzdb_storage_read_amplification", dto.MetricType_GAUGE, false},

		{"quartzdb_billing_units_metered_total", dto.MetricType_COUNTER, true},
		{"quartzdb_billing_statements_metered_total", dto.MetricType_COUNTER, true},
		{"quartzdb_billing_windows_pending", dto.MetricType_GAUGE, true},
		{"quartzdb_billing_export_failures_total", dto.MetricType_COUNTER, true},
		{"quartzdb_billing_windows_near_expiry", dto.MetricType_GAUGE, true},
		{"quartzdb_billing_oldest_unsent_window_age_seconds", dto.MetricType_GAUGE, true},

		{"go_goroutines", dto.MetricType_GAUGE, false},
		{"go_memstats_alloc_bytes", dto.MetricType_GAUGE, false},
		{"process_cpu_seconds_total", dto.MetricType_COUNTER, false},
		{"process_resident_memory_bytes", dto.MetricType_GAUGE, false},
	}
	seen := make(map[string]bool)
	for _, tt := range tests {
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			// The exposition names a counter family without _total in
			// its TYPE line; the parser keys it by the TYPE name.
			fam := second[tt.name]
			if fam == nil {
				t.Fatalf("missing from the second scrape")
			}
			if fam.GetType() != tt.typ {
				t.Errorf("type %v, want %v", fam.GetType(), tt.typ)
			}
			if strings.HasPrefix(tt.name, "quartzdb_") && fam.GetHelp() == "" {
				t.Errorf("no help text")
			}
			// Vectors without children (per-tenant) appear on first use.
			if f := first[tt.name]; f == nil && tt.name != "quartzdb_tenant_statements_total" {
				t.Errorf("missing from the first scrape")
			} else if f != nil && f.GetType() != tt.typ {
				t.Errorf("first scrape: type %v, want %v", f.GetType(), tt.typ)
			}
			before, after := metricsValue(first[tt.name]), metricsValue(second[tt.name])
			if after < before && tt.typ == dto.MetricType_COUNTER {
				t.Errorf("counter went back: %g -> %g", before, after)
			}
			if tt.moves && !(after > before) {
				t.Errorf("did not move: %g -> %g", before, after)
			}
		})
	}
	// Every quartzdb_ family is in the table, so none goes untested.
	for name := range second {
		if strings.HasPrefix(name, "quartzdb_") && !seen[name] {
			t.Errorf("series %s is not in the test's table", name)
		}
	}

	if v := metricsValue(second["quartzdb_storage_disk_bytes"]); v <= 0 {
		t.Errorf("quartzdb_storage_disk_bytes = %g, want > 0", v)
	}
	if v := metricsValue(second["quartzdb_vectors_stored"]); v != 200 {
		t.Errorf("quartzdb_vectors_stored = %g, want 200", v)
	}
	if v := metricsValue(second["quartzdb_connections_open"]); v != 1 {
		t.Errorf("quartzdb_connections_open = %g, want 1", v)
	}
	if v := metricsValue(second["quartzdb_billing_oldest_unsent_window_age_seconds"]); v != 90 {
		t.Errorf("quartzdb_billing_oldest_unsent_window_age_seconds = %g, want 90", v)
	}
	for _, c := range []struct {
		kind, outcome string
		want          float64
	}{
		{"SELECT", OutcomeOK, 1},
		{"INSERT", OutcomeError, 1},
		{"UPDATE", OutcomeRateLimited, 1},
		{"UPDATE", OutcomeOK, 0},
	} {
		v, ok := metricsSeries(second["quartzdb_statements_total"], "kind", c.kind, "outcome", c.outcome)
		if !ok || v != c.want {
			t.Errorf("quartzdb_statements_total{kind=%q,outcome=%q} = %g (present %v), want %g", c.kind, c.outcome, v, ok, c.want)
		}
	}
	// A rate-limited statement did not run: no latency observed.
	if v, _ := metricsSeries(second["quartzdb_statement_duration_seconds"], "kind", "UPDATE"); v != 0 {
		t.Errorf("UPDATE duration count = %g, want 0 (rate-limited only)", v)
	}
}

// TestMetricsStatementKinds checks that the kind label stays within
// StatementKinds whatever the caller passes, and that unknown outcomes
// count as errors.
func TestMetricsStatementKinds(t *testing.T) {
	m := NewMetrics(MetricSources{}, false)
	for _, c := range []struct{ kind, outcome, wantKind, wantOutcome string }{
		{"SELECT", OutcomeOK, "SELECT", OutcomeOK},
		{"select", OutcomeOK, "SELECT", OutcomeOK},
		{"Commit", OutcomeOK, "COMMIT", OutcomeOK},
		{"VACUUM", OutcomeOK, "OTHER", OutcomeOK},
		{"", OutcomeError, "OTHER", OutcomeError},
		{"a-very-long-command-word", OutcomeOK, "OTHER", OutcomeOK},
		{"selec", OutcomeOK, "OTHER", OutcomeOK},
		{"DELETE", "weird", "DELETE", OutcomeError},
	} {
		before, _ := metricsSeries(metricsScrape(t, m)["quartzdb_statements_total"], "kind", c.wantKind, "outcome", c.wantOutcome)
		m.Statement(c.kind, c.outcome, time.Millisecond, "")
		after, _ := metricsSeries(metricsScrape(t, m)["quartzdb_statements_total"], "kind", c.wantKind, "outcome", c.wantOutcome)
		if after != before+1 {
			t.Errorf("Statement(%q, %q): {kind=%q,outcome=%q} went %g -> %g, want +1", c.kind, c.outcome, c.wantKind, c.wantOutcome, before, after)
		}
	}
	allowed := make(map[string]bool)
	for _, k := range StatementKinds {
		allowed[k] = true
	}
	fams := metricsScrape(t, m)
	for _, name := range []string{"quartzdb_statements_total", "quartzdb_statement_duration_seconds"} {
		for _, s := range fams[name].GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() == "kind" && !allowed[l.GetValue()] {
					t.Errorf("%s has kind=%q, not in StatementKinds", name, l.GetValue())
				}
				if l.GetName() == "outcome" && l.GetValue() != OutcomeOK && l.GetValue() != OutcomeError && l.GetValue() != OutcomeRateLimited {
					t.Errorf("%s has outcome=%q", name, l.GetValue())
				}
			}
		}
	}
	// Without sources, their series are absent rather than zero.
	for _, name := range []string{"quartzdb_storage_disk_bytes", "quartzdb_vectors_stored", "quartzdb_billing_windows_pending"} {
		if fams[name] != nil {
			t.Errorf("%s present without its source", name)
		}
	}
}

// TestMetricsTenantLabels checks that per-tenant series exist only when
// enabled, and skip statements without a tenant.
func TestMetricsTenantLabels(t *testing.T) {
	for _, enabled := range []bool{false, true} {
		t.Run(fmt.Sprint("enabled=", enabled), func(t *testing.T) {
			m := NewMetrics(MetricSources{}, enabled)
			m.Statement("SELECT", OutcomeOK, time.Millisecond, "t1")
			m.Statement("INSERT", OutcomeError, time.Millisecond, "t1")
			m.Statement("SELECT", OutcomeRateLimited, 0, "t2")
			m.Statement("SELECT", OutcomeOK, time.Millisecond, "")
			fam := metricsScrape(t, m)["quartzdb_tenant_statements_total"]
			if !enabled {
				if fam != nil {
					t.Fatalf("tenant series present while disabled: %v", fam)
				}
				return
			}
			if fam == nil {
				t.Fatal("no tenant series while enabled")
			}
			if n := len(fam.GetMetric()); n != 2 {
				t.Errorf("%d tenant series, want 2 (t1, t2; none for an empty tenant)", n)
			}
			for tenant, want := range map[string]float64{"t1": 2, "t2": 1} {
				if v, ok := metricsSeries(fam, "tenant", tenant); !ok || v != want {
					t.Errorf("tenant %s = %g (present %v), want %g", tenant, v, ok, want)
				}
			}
		})
	}
}

// TestMetricsTenantOverflow checks that tenants past MaxTenantSeries share
// one series instead of adding more.
func TestMetricsTenantOverflow(t *testing.T) {
	m := NewMetrics(MetricSources{}, true)
	for i := range MaxTenantSeries + 5 {
		m.Statement("SELECT", OutcomeOK, 0, fmt.Sprint("t", i))
	}
	m.Statement("SELECT", OutcomeOK, 0, "t0") // an early tenant keeps its own series
	fam := metricsScrape(t, m)["quartzdb_tenant_statements_total"]
	if n := len(fam.GetMetric()); n != MaxTenantSeries+1 {
		t.Errorf("%d tenant series, want %d", n, MaxTenantSeries+1)
	}
	if v, _ := metricsSeries(fam, "tenant", tenantOverflow); v != 5 {
		t.Errorf("overflow = %g, want 5", v)
	}
	if v, _ := metricsSeries(fam, "tenant", "t0"); v != 2 {
		t.Errorf("t0 = %g, want 2", v)
	}
}

// TestMetricsHotPathAllocs checks that the per-statement calls do not
// allocate once a tenant's series exists.
func TestMetricsHotPathAllocs(t *testing.T) {
	m := NewMetrics(MetricSources{}, true)
	m.Statement("SELECT", OutcomeOK, time.Millisecond, "t1")
	allocs := testing.AllocsPerRun(200, func() {
		m.Statement("SELECT", OutcomeOK, time.Millisecond, "t1")
		m.Statement("select", OutcomeError, time.Millisecond, "t1")
		m.Statement("VACUUM", OutcomeRateLimited, 0, "t1")
		m.Rows(3, 1)
		m.ConnOpened()
		m.ConnClosed()
		m.AuthFailure()
		m.RateLimited()
	})
	if allocs != 0 {
		t.Errorf("%g allocations per statement path, want 0", allocs)
	}
	// A nil *Metrics (metrics disabled) is a no-op, not a panic.
	var none *Metrics
	none.Statement("SELECT", OutcomeOK, 0, "t1")
	none.Rows(1, 1)
	none.ConnOpened()
	none.ConnClosed()
	none.AuthFailure()
	none.RateLimited()
}
