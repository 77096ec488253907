package server

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/storage"
)

// Statement outcomes for (*Metrics).Statement.
const (
	OutcomeOK          = "ok"
	OutcomeError       = "error"
	OutcomeRateLimited = "rate_limited"
)

// StatementKinds are the values of the kind label: a statement's command
// word, as in its command tag. Any other word is counted as OTHER, so the
// label's cardinality stays fixed whatever clients send.
var StatementKinds = []string{
	"SELECT", "INSERT", "UPDATE", "DELETE", "COPY",
	"CREATE", "DROP", "ALTER", "TRUNCATE",
	"BEGIN", "COMMIT", "ROLLBACK",
	"SET", "SHOW", "EXPLAIN", "OTHER",
}

// MaxTenantSeries caps quartzdb_tenant_statements_total's tenant label:
// tenants beyond the first MaxTenantSeries seen are counted under
// tenant="_overflow", so a server with many tenants cannot blow up the
// scrape.
const MaxTenantSeries = 10000

// tenantOverflow is the tenant label of statements of tenants past
// MaxTenantSeries.
const tenantOverflow = "_overflow"

// statementBuckets span a cached point read (tens of microseconds) to a
// long analytical query or index build (tens of seconds), in seconds.
var statementBuckets = []float64{
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
	0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
}

// BillingStats is what the billing exporter reports for monitoring.
type BillingStats struct {
	UnitsMetered   int64 // units recorded in the ledger since start
	Statements     int64 // statements metered since start
	WindowsPending int64 // closed windows not yet accepted by the billing provider
	ExportFailures int64 // failed export attempts since start
	NearLimit      int64 // pending windows close to the provider's backdating limit
	// OldestUnsentAge is the age of the oldest window not yet accepted;
	// zero when none is pending.
	OldestUnsentAge time.Duration
}

// MetricSources are read at every scrape, so what they report is current
// without the engine, store or exporter pushing anything. Each may be nil:
// its series are then absent. They must be safe for concurrent use and
// cheap enough to call every few seconds.
type MetricSources struct {
	Storage func() storage.Metrics
	Vectors func() planner.VectorStats
	Billing func() BillingStats
}

// Metrics is the server's Prometheus instrumentation, on its own registry
// (not the global one, so tests and several servers in one process do not
// collide). Its methods are safe for concurrent use, allocation-free on the
// statement path, and no-ops on a nil *Metrics, so the connection code can
// call them unconditionally.
type Metrics struct {
	reg     *prometheus.Registry
	handler http.Handler

	kinds map[string]int // command word -> index into byKind
	other int            // index of OTHER
	// byKind holds the label children resolved up front, so a statement
	// costs a map lookup and atomic adds, not a label hash.
	byKind []kindMetrics

	rowsRead, rowsWritten prometheus.Counter
	connsOpen             prometheus.Gauge
	connsTotal            prometheus.Counter
	authFailures          prometheus.Counter
	rateLimited           prometheus.Counter

	// tenantStmts is nil unless tenant labels are enabled.
	tenantStmts *prometheus.CounterVec
	tenantMu    sync.RWMutex
	tenants     map[string]prometheus.Counter
}

type kindMetrics struct {
	ok, err, limited prometheus.Counter
	duration         prometheus.Observer
}

// NewMetrics builds the instrumentation, with the Go and process
// collectors and scrape-time collectors for the non-nil sources. With
// tenantLabels, statements are also counted per tenant (opt-in because the
// series grow with the number of tenants).
func NewMetrics(src MetricSources, tenantLabels bool) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{reg: reg, kinds: make(map[string]int, len(StatementKinds))}

	statements := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "quartzdb_statements_total",
		Help: "SQL statements completed, by command word and outcome (ok, error, rate_limited).",
	}, []string{"kind", "outcome"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "quartzdb_statement_duration_seconds",
		Help:    "Time to execute a SQL statement, by command word; rate-limited statements are not observed.",
		Buckets: statementBuckets,
	}, []string{"kind"})
	for i, k := range StatementKinds {
		m.kinds[k] = i
		m.byKind = append(m.byKind, kindMetrics{
			ok:       statements.WithLabelValues(k, OutcomeOK),
			err:      statements.WithLabelValues(k, OutcomeError),
			limited:  statements.WithLabelValues(k, OutcomeRateLimited),
			duration: duration.WithLabelValues(k),
		})
	}
	m.other = m.kinds["OTHER"]

	m.rowsRead = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "quartzdb_rows_read_total",
		Help: "Rows produced by scans and fetched by key or through an index.",
	})
	m.rowsWritten = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "quartzdb_rows_written_total",
		Help: "Rows inserted, updated or deleted.",
	})
	m.connsOpen = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "quartzdb_connections_open",
		Help: "Client connections currently open.",
	})
	m.connsTotal = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "quartzdb_connections_total",
		Help: "Client connections accepted since start.",
	})
	m.authFailures = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "quartzdb_auth_failures_total",
		Help: "Failed authentication attempts.",
	})
	m.rateLimited = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "quartzdb_rate_limit_rejections_total",
		Help: "Requests rejected by a tenant's rate limit.",
	})
	reg.MustRegister(statements, duration, m.rowsRead, m.rowsWritten,
		m.connsOpen, m.connsTotal, m.authFailures, m.rateLimited,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	if tenantLabels {
		m.tenantStmts = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quartzdb_tenant_statements_total",
			Help: "SQL statements completed, by tenant (the first MaxTenantSeries tenants; the rest under _overflow).",
		}, []string{"tenant"})
		m.tenants = make(map[string]prometheus.Counter)
		reg.MustRegister(m.tenantStmts)
	}
	if src.Storage != nil {
		reg.MustRegister(newStorageCollector(src.Storage))
	}
	if src.Vectors != nil {
		reg.MustRegister(newVectorCollector(src.Vectors))
	}
	if src.Billing != nil {
		reg.MustRegister(newBillingCollector(src.Billing))
	}

	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		// A failing collector should cost its own series, not the scrape.
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      reg,
	})
	return m
}

// Handler serves the registry in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler { return m.handler }

// Statement counts a completed statement and observes its duration. kind is
// its command word (the first word of its command tag, e.g. "SELECT" of
// "SELECT 1"), matched case-insensitively; words not in StatementKinds
// count as OTHER. outcome is OutcomeOK, OutcomeError or OutcomeRateLimited;
// anything else counts as an error. tenant is the tenant's identifier
// (never a key or other secret), used only when tenant labels are enabled;
// an empty tenant is not counted per tenant.
func (m *Metrics) Statement(kind, outcome string, d time.Duration, tenant string) {
	if m == nil {
		return
	}
	k := &m.byKind[m.kindIndex(kind)]
	switch outcome {
	case OutcomeOK:
		k.ok.Inc()
	case OutcomeRateLimited:
		// Not observed: it did not run, and its near-zero time would drag
		// the latency quantiles down exactly when the server is busiest.
		k.limited.Inc()
	default:
		k.err.Inc()
	}
	if outcome != OutcomeRateLimited {
		k.duration.Observe(d.Seconds())
	}
	if m.tenantStmts != nil && tenant != "" {
		m.tenantCounter(tenant).Inc()
	}
}

// kindIndex maps a command word to its index in byKind.
func (m *Metrics) kindIndex(kind string) int {
	if i, ok := m.kinds[kind]; ok {
		return i
	}
	// Upper-case into a stack buffer: the lookup below does not allocate.
	var buf [8]byte
	if len(kind) > len(buf) {
		return m.other
	}
	for i := 0; i < len(kind); i++ {
		c := kind[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	if i, ok := m.kinds[string(buf[:len(kind)])]; ok {
		return i
	}
	return m.other
}

// tenantCounter returns tenant's child of quartzdb_tenant_statements_total,
// creating it (up to MaxTenantSeries) on the tenant's first statement.
func (m *Metrics) tenantCounter(tenant string) prometheus.Counter {
	m.tenantMu.RLock()
	c, ok := m.tenants[tenant]
	m.tenantMu.RUnlock()
	if ok {
		return c
	}
	m.tenantMu.Lock()
	defer m.tenantMu.Unlock()
	if c, ok := m.tenants[tenant]; ok {
		return c
	}
	label := tenant
	if len(m.tenants) >= MaxTenantSeries {
		label = tenantOverflow
	}
	c = m.tenantStmts.WithLabelValues(label)
	if label == tenant {
		m.tenants[tenant] = c
	}
	return c
}

// Rows counts rows read and written by a statement.
func (m *Metrics) Rows(read, written int64) {
	if m == nil {
		return
	}
	if read > 0 {
		m.rowsRead.Add(float64(read))
	}
	if written > 0 {
		m.rowsWritten.Add(float64(written))
	}
}

// ConnOpened records an accepted client connection.
func (m *Metrics) ConnOpened() {
	if m == nil {
		return
	}
	m.connsOpen.Inc()
	m.connsTotal.Inc()
}

// ConnClosed records the end of a connection ConnOpened recorded.
func (m *Metrics) ConnClosed() {
	if m == nil {
		return
	}
	m.connsOpen.Dec()
}

// AuthFailure records a failed authentication attempt.
func (m *Metrics) AuthFailure() {
	if m == nil {
		return
	}
	m.authFailures.Inc()
}

// RateLimited records a request refused by a rate limit.
func (m *Metrics) RateLimited() {
	if m == nil {
		return
	}
	m.rateLimited.Inc()
}

// sourceMetric is one series a scrape-time collector derives from its
// source's snapshot S.
type sourceMetric[S any] struct {
	desc  *prometheus.Desc
	typ   prometheus.ValueType
	value func(S) float64
}

// sourceCollector reads its source once per scrape and reports every
// series from that one snapshot, so they are consistent with each other.
type sourceCollector[S any] struct {
	read    func() S
	metrics []sourceMetric[S]
}

func (c *sourceCollector[S]) add(name, help string, typ prometheus.ValueType, value func(S) float64) {
	c.metrics = append(c.metrics, sourceMetric[S]{
		desc:  prometheus.NewDesc(name, help, nil, nil),
		typ:   typ,
		value: value,
	})
}

// Describe implements prometheus.Collector.
func (c *sourceCollector[S]) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range c.metrics {
		ch <- m.desc
	}
}

// Collect implements prometheus.Collector.
func (c *sourceCollector[S]) Collect(ch chan<- prometheus.Metric) {
	s := c.read()
	for _, m := range c.metrics {
		ch <- prometheus.MustNewConstMetric(m.desc, m.typ, m.value(s))
	}
}

// Short names for the value types, to keep the tables below readable.
const (
	metricCounter = prometheus.CounterValue
	metricGauge   = prometheus.GaugeValue
)

func newStorageCollector(read func() storage.Metrics) prometheus.Collector {
	c := &sourceCollector[storage.Metrics]{read: read}
	c.add("quartzdb_storage_disk_bytes", "Disk space used by the storage engine (tables, WAL, manifest).", metricGauge,
		func(s storage.Metrics) float64 { return float64(s.DiskBytes) })
	c.add("quartzdb_storage_live_table_bytes", "Size of the storage engine's live sstables.", metricGauge,
		func(s storage.Metrics) float64 { return float64(s.LiveTableBytes) })
	c.add("quartzdb_storage_live_tables", "Number of the storage engine's live sstables.", metricGauge,
		func(s storage.Metrics) float64 { return float64(s.LiveTables) })
	c.add("quartzdb_storage_compactions_total", "Storage engine compactions completed.", metricCounter,
		func(s storage.Metrics) float64 { return float64(s.Compactions) })
	c.add("quartzdb_storage_compaction_debt_bytes", "Estimated bytes still to compact for the LSM to settle.", metricGauge,
		func(s storage.Metrics) float64 { return float64(s.CompactionDebtBytes) })
	c.add("quartzdb_storage_flushes_total", "Memtable flushes completed.", metricCounter,
		func(s storage.Metrics) float64 { return float64(s.Flushes) })
	c.add("quartzdb_storage_wal_syncs_total", "Write-ahead log fsyncs.", metricCounter,
		func(s storage.Metrics) float64 { return float64(s.WALSyncs) })
	c.add("quartzdb_storage_wal_written_bytes_total", "Logical bytes written to the write-ahead log.", metricCounter,
		func(s storage.Metrics) float64 { return float64(s.WALBytes) })
	c.add("quartzdb_storage_wal_files", "Live write-ahead log files.", metricGauge,
		func(s storage.Metrics) float64 { return float64(s.WALFiles) })
	c.add("quartzdb_storage_memtable_bytes", "Memory held by memtables.", metricGauge,
		func(s storage.Metrics) float64 { return float64(s.MemtableBytes) })
	c.add("quartzdb_storage_block_cache_bytes", "Bytes held by the block cache.", metricGauge,
		func(s storage.Metrics) float64 { return float64(s.BlockCacheBytes) })
	c.add("quartzdb_storage_block_cache_hits_total", "Block cache lookups that hit.", metricCounter,
		func(s storage.Metrics) float64 { return float64(s.BlockCacheHits) })
	c.add("quartzdb_storage_block_cache_misses_total", "Block cache lookups that missed.", metricCounter,
		func(s storage.Metrics) float64 { return float64(s.BlockCacheMisses) })
	c.add("quartzdb_storage_read_amplification", "Places a point read may have to look (L0 sublevels plus non-empty lower levels).", metricGauge,
		func(s storage.Metrics) float64 { return float64(s.ReadAmplification) })
	return c
}

func newVectorCollector(read func() planner.VectorStats) prometheus.Collector {
	c := &sourceCollector[planner.VectorStats]{read: read}
	c.add("quartzdb_vectors_stored", "Live vectors in loaded HNSW indexes.", metricGauge,
		func(v planner.VectorStats) float64 { return float64(v.Vectors) })
	c.add("quartzdb_hnsw_indexes", "HNSW indexes loaded.", metricGauge,
		func(v planner.VectorStats) float64 { return float64(v.Indexes) })
	c.add("quartzdb_hnsw_searches_total", "HNSW graph searches.", metricCounter,
		func(v planner.VectorStats) float64 { return float64(v.Searches) })
	c.add("quartzdb_hnsw_distance_computations_total", "Vector distances computed by HNSW searches.", metricCounter,
		func(v planner.VectorStats) float64 { return float64(v.Distances) })
	c.add("quartzdb_hnsw_index_builds_running", "HNSW index builds (CREATE INDEX, REINDEX) in progress.", metricGauge,
		func(v planner.VectorStats) float64 { return float64(v.Building) })
	c.add("quartzdb_hnsw_index_build_vectors_done", "Vectors inserted so far by the HNSW index builds in progress.", metricGauge,
		func(v planner.VectorStats) float64 { return float64(v.BuildDone) })
	c.add("quartzdb_hnsw_index_build_vectors_target", "Vectors the HNSW index builds in progress will insert in all.", metricGauge,
		func(v planner.VectorStats) float64 { return float64(v.BuildTotal) })
	return c
}

func newBillingCollector(read func() BillingStats) prometheus.Collector {
	c := &sourceCollector[BillingStats]{read: read}
	c.add("quartzdb_billing_units_metered_total", "Billing units recorded in the usage ledger.", metricCounter,
		func(b BillingStats) float64 { return float64(b.UnitsMetered) })
	c.add("quartzdb_billing_statements_metered_total", "Statements metered for billing.", metricCounter,
		func(b BillingStats) float64 { return float64(b.Statements) })
	c.add("quartzdb_billing_windows_pending", "Closed usage windows not yet accepted by the billing provider.", metricGauge,
		func(b BillingStats) float64 { return float64(b.WindowsPending) })
	c.add("quartzdb_billing_export_failures_total", "Failed usage export attempts.", metricCounter,
		func(b BillingStats) float64 { return float64(b.ExportFailures) })
	c.add("quartzdb_billing_windows_near_expiry", "Pending usage windows close to the billing provider's backdating limit.", metricGauge,
		func(b BillingStats) float64 { return float64(b.NearLimit) })
	c.add("quartzdb_billing_oldest_unsent_window_age_seconds", "Age of the oldest usage window not yet accepted; 0 when none is pending.", metricGauge,
		func(b BillingStats) float64 { return b.OldestUnsentAge.Seconds() })
	return c
}
