package testdata_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quartzdb/quartzdb/testdata"
)

// benchRows is the size of the point-select table.
const benchRows = 10000

// benchSide is one server under benchmark with its open connections.
type benchSide struct {
	name  string
	conns []*pgx.Conn
	// nextID hands out primary keys for the insert benchmark, unique
	// across rounds.
	nextID atomic.Int64
}

// scenario is one measured workload.
type scenario struct {
	name  string
	conns int
	op    func(ctx context.Context, s *benchSide, conn *pgx.Conn, i int64) error
}

// BenchmarkVsPostgres measures QuartzDB and PostgreSQL 15 side by side in
// the same run, over pgx v5 on loopback: prepared point selects by primary
// key on 1 and 4 connections, and autocommit single-row inserts on 1
// connection. Each sub-benchmark reports both sides' ops/s and their ratio;
// a one-line summary per scenario is printed at the end.
func BenchmarkVsPostgres(b *testing.B) {
	ctx := context.Background()
	pg := testdata.StartPostgres(b)
	pg.CreateDB(b, "bench")
	q := newQuartzTarget(b)
	sides := []*benchSide{
		{name: "quartz", conns: nil},
		{name: "postgres", conns: nil},
	}
	dsns := []string{q.fresh(b, "bench"), pg.DSN("bench")}
	for i, s := range sides {
		if err := s.setup(ctx, dsns[i], 4); err != nil {
			b.Fatalf("%s setup: %v", s.name, err)
		}
		b.Cleanup(s.close)
	}

	scenarios := []scenario{
		{name: "point-select 1conn", conns: 1, op: pointSelect},
		{name: "point-select 4conn", conns: 4, op: pointSelect},
		{name: "insert 1conn", conns: 1, op: insertRow},
	}
	runPairs(b, ctx, sides, scenarios, func(sc scenario, rates [2]float64, ratio float64) string {
		return fmt.Sprintf("%s: quartz %.0f/s postgres %.0f/s ratio %.2fx (median of rounds)", sc.name, rates[0], rates[1], ratio)
	})
	if q.fallback != nil {
		fmt.Printf("NOTE: the quartz side is a stand-in PostgreSQL (%s=postgres)\n", standInEnv)
	}
}

// runPairs runs each scenario as a sub-benchmark on both sides, reports
// each side's ops/s and their ratio (the median of alternate's rounds),
// and prints line's summary of each scenario at the end (its last,
// longest run).
func runPairs(b *testing.B, ctx context.Context, sides []*benchSide, scenarios []scenario, line func(sc scenario, rates [2]float64, ratio float64) string) {
	summaries := make([]string, len(scenarios))
	for k, sc := range scenarios {
		b.Run(strings.ReplaceAll(sc.name, " ", "-"), func(b *testing.B) {
			rates, ratio := alternate(b, ctx, sides, sc)
			// ns/op would mix both servers' times; the per-side rates are
			// the numbers that mean something.
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(rates[0], sides[0].name+"-ops/s")
			b.ReportMetric(rates[1], sides[1].name+"-ops/s")
			b.ReportMetric(ratio, sides[0].name+"/"+sides[1].name)
			summaries[k] = line(sc, rates, ratio)
		})
	}
	for _, s := range summaries {
		if s != "" {
			fmt.Println(s)
		}
	}
}

// alternateRounds is how many rounds alternate splits b.N into.
const alternateRounds = 12

// alternate runs sc b.N times on each of the two sides and returns their
// ops/s and the median of the rounds' ratios (side 0 over side 1). The
// machine is shared and its load drifts, so the sides take turns in short
// rounds, A then B, then B then A, and each round's ratio compares two
// runs made moments apart; the median leaves out rounds a burst of other
// load fell into.
func alternate(b *testing.B, ctx context.Context, sides []*benchSide, sc scenario) (rates [2]float64, ratio float64) {
	b.Helper()
	var took [2]time.Duration
	var ratios []float64
	for r := range alternateRounds {
		n := b.N*(r+1)/alternateRounds - b.N*r/alternateRounds
		if n == 0 {
			continue
		}
		order := [2]int{0, 1}
		if r%2 == 1 {
			order = [2]int{1, 0}
		}
		var d [2]time.Duration
		for _, i := range order {
			var err error
			if d[i], err = sides[i].run(ctx, sc, n); err != nil {
				b.Fatalf("%s %s: %v", sides[i].name, sc.name, err)
			}
			took[i] += d[i]
		}
		ratios = append(ratios, d[1].Seconds()/d[0].Seconds())
	}
	slices.Sort(ratios)
	if len(ratios) > 0 {
		ratio = ratios[len(ratios)/2]
		if len(ratios)%2 == 0 {
			ratio = (ratios[len(ratios)/2-1] + ratios[len(ratios)/2]) / 2
		}
	}
	return [2]float64{float64(b.N) / took[0].Seconds(), float64(b.N) / took[1].Seconds()}, ratio
}

// setup connects n times and creates and fills the benchmark tables.
func (s *benchSide) setup(ctx context.Context, dsn string, n int) error {
	for range n {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return fmt.Errorf("connect: %w", err)
		}
		s.conns = append(s.conns, c)
	}
	c := s.conns[0]
	for _, stmt := range []string{
		"CREATE TABLE bench_kv (id int8 PRIMARY KEY, v text NOT NULL, n int4 NOT NULL)",
		"CREATE TABLE bench_ins (id int8 PRIMARY KEY, v text NOT NULL)",
	} {
		if _, err := c.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	// Multi-row INSERTs of plain literals: the least a server must support.
	const batch = 500
	for start := 1; start <= benchRows; start += batch {
		var sb strings.Builder
		sb.WriteString("INSERT INTO bench_kv (id, v, n) VALUES ")
		for id := start; id < start+batch && id <= benchRows; id++ {
			if id > start {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "(%d, 'value-%d', %d)", id, id, id%97)
		}
		if _, err := c.Exec(ctx, sb.String()); err != nil {
			return fmt.Errorf("load bench_kv: %w", err)
		}
	}
	for _, c := range s.conns {
		if _, err := c.Prepare(ctx, "point", "SELECT id, v, n FROM bench_kv WHERE id = $1"); err != nil {
			return fmt.Errorf("prepare point select: %w", err)
		}
		if _, err := c.Prepare(ctx, "ins", "INSERT INTO bench_ins (id, v) VALUES ($1, $2)"); err != nil {
			return fmt.Errorf("prepare insert: %w", err)
		}
	}
	return nil
}

// close closes every connection.
func (s *benchSide) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, c := range s.conns {
		_ = c.Close(ctx)
	}
}

// run performs n operations of sc spread over sc.conns connections and
// returns the wall time they took.
func (s *benchSide) run(ctx context.Context, sc scenario, n int) (time.Duration, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, sc.conns)
	start := time.Now()
	for w := range sc.conns {
		wg.Add(1)
		go func(conn *pgx.Conn) {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				if err := sc.op(ctx, s, conn, i); err != nil {
					errs[w] = err
					return
				}
			}
		}(s.conns[w])
	}
	wg.Wait()
	d := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return d, nil
}

// pointSelect reads one row by primary key with the prepared statement,
// spreading keys over the table with a multiplicative stride.
func pointSelect(ctx context.Context, _ *benchSide, conn *pgx.Conn, i int64) error {
	key := (i*7919)%benchRows + 1
	var id int64
	var v string
	var n int32
	if err := conn.QueryRow(ctx, "point", key).Scan(&id, &v, &n); err != nil {
		return fmt.Errorf("point select %d: %w", key, err)
	}
	if id != key {
		return fmt.Errorf("point select %d returned id %d", key, id)
	}
	return nil
}

// insertRow inserts one row in its own (autocommit) transaction.
func insertRow(ctx context.Context, s *benchSide, conn *pgx.Conn, _ int64) error {
	id := s.nextID.Add(1)
	if _, err := conn.Exec(ctx, "ins", id, "row"); err != nil {
		return fmt.Errorf("insert %d: %w", id, err)
	}
	return nil
}
