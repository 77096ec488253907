package testdata_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
	pgxvec "github.com/pgvector/pgvector-go/pgx"

	"github.com/quartzdb/quartzdb/testdata/fmnist"
	"github.com/quartzdb/quartzdb/testdata/hnswlib"
	"github.com/quartzdb/quartzdb/testdata/knn"
	"github.com/quartzdb/quartzdb/vecindex"
)

// hnswBenchQueries is how many test images each ef_search level runs.
const hnswBenchQueries = 1000

// hnswBenchEfs are the hnsw.ef_search levels measured; QUARTZDB_BENCH_EF
// (one number) narrows them when profiling.
var hnswBenchEfs = func() []int {
	if v, err := strconv.Atoi(os.Getenv("QUARTZDB_BENCH_EF")); err == nil && v > 0 {
		return []int{v}
	}
	return []int{10, 20, 40, 80, 120}
}()

// BenchmarkHNSWWire measures HNSW search over the wire on Fashion-MNIST
// (issue 4's benchmark, part 2): the 60,000 training images in a
// vector(784) table, CREATE INDEX ... USING hnsw (m = 16,
// ef_construction = 64), then for each hnsw.ef_search in 10, 20, 40, 80,
// 120 the first 1,000 test images as prepared `ORDER BY embedding <-> $1
// LIMIT 10` queries with binary vectors (pgvector-go's pgx types), on one
// connection and on two. Recall@10 is against exact search. The references
// in the same run are vecindex alone in-process at the same settings (one
// thread) and hnswlib (bench/hnswlib, g++ -O3 -march=native, built on as
// many threads, searched on one); the target is the wire on one
// connection at ≥ 0.6× hnswlib in-process at recall@10 ≥ 0.99.
func BenchmarkHNSWWire(b *testing.B) {
	base, queries := loadFashionMNIST(b)
	queries = queries[:hnswBenchQueries]
	ctx := context.Background()
	dsn := newQuartzTarget(b).fresh(b, "hnsw")
	conns := make([]*pgx.Conn, 2)
	for i := range conns {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close(ctx)
		conns[i] = c
	}
	if err := loadVectors(ctx, conns[0], base); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	if _, err := conns[0].Exec(ctx, "CREATE INDEX ON fmnist USING hnsw (embedding vector_l2_ops) WITH (m = 16, ef_construction = 64)"); err != nil {
		b.Fatal(err)
	}
	wireBuild := time.Since(t0)
	for _, c := range conns {
		if err := pgxvec.RegisterTypes(ctx, c); err != nil {
			b.Fatal(err)
		}
	}

	// The in-process reference: the same graph parameters, built on every
	// core as CREATE INDEX does.
	t0 = time.Now()
	local, err := vecindex.New(vecindex.Config{Dim: fmnist.Dim, Metric: vecindex.MetricL2, M: 16, EfConstruction: 64})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]uint64, len(base))
	for i := range ids {
		ids[i] = uint64(i)
	}
	if err := local.InsertBatch(ctx, ids, base); err != nil {
		b.Fatal(err)
	}
	localBuild := time.Since(t0)
	fmt.Printf("hnsw fashion-mnist build (m=16, ef_construction=64, all cores): CREATE INDEX over the wire %.1fs, vecindex in-process %.1fs, ratio %.2fx\n",
		wireBuild.Seconds(), localBuild.Seconds(), wireBuild.Seconds()/localBuild.Seconds())

	truth, err := fashionTruth(base, queries)
	if err != nil {
		b.Fatal(err)
	}
	ref, err := hnswlib.Run(ctx, base, queries, truth, hnswlib.Options{
		K: knnK, M: 16, EfConstruction: 64, Threads: runtime.GOMAXPROCS(0), Efs: hnswBenchEfs, Seed: 100})
	if err != nil {
		b.Fatal(err)
	}
	fmt.Printf("hnsw fashion-mnist build on %d threads: CREATE INDEX over the wire %.1fs, hnswlib %.1fs, ratio %.2fx\n",
		ref.Threads, wireBuild.Seconds(), ref.BuildSeconds, wireBuild.Seconds()/ref.BuildSeconds)
	qvecs := make([]pgvector.Vector, len(queries))
	for i, q := range queries {
		qvecs[i] = pgvector.NewVector(q)
	}
	const query = "SELECT id FROM fmnist ORDER BY embedding <-> $1 LIMIT 10"
	for level, ef := range hnswBenchEfs {
		for _, c := range conns {
			if _, err := c.Exec(ctx, fmt.Sprintf("SET hnsw.ef_search = %d", ef)); err != nil {
				b.Fatal(err)
			}
		}
		var line [3]string
		var wireQPS float64
		for _, nconn := range []int{1, 2} {
			b.Run(fmt.Sprintf("ef=%d/conns=%d", ef, nconn), func(b *testing.B) {
				var hits atomic.Int64
				var next atomic.Int64
				var wg sync.WaitGroup
				errs := make([]error, nconn)
				total := b.N * len(queries)
				start := time.Now()
				for w := 0; w < nconn; w++ {
					wg.Add(1)
					go func(w int) {
						defer wg.Done()
						for {
							i := int(next.Add(1) - 1)
							if i >= total {
								return
							}
							qi := i % len(queries)
							rows, err := conns[w].Query(ctx, query, qvecs[qi])
							if err != nil {
								errs[w] = err
								return
							}
							got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
							if err != nil {
								errs[w] = err
								return
							}
							hits.Add(int64(knn.Hits(got, truth[qi])))
						}
					}(w)
				}
				wg.Wait()
				for _, err := range errs {
					if err != nil {
						b.Fatal(err)
					}
				}
				qps := float64(total) / time.Since(start).Seconds()
				recall := float64(hits.Load()) / float64(total*knnK)
				if nconn == 1 {
					wireQPS = qps
				}
				b.ReportMetric(qps, "q/s")
				b.ReportMetric(recall, "recall@10")
				line[nconn] = fmt.Sprintf("wire %dconn %.0f q/s recall %.3f", nconn, qps, recall)
			})
		}
		// In-process at the same ef, one thread.
		var hits int
		var res []vecindex.Result
		start := time.Now()
		for i, q := range queries {
			res, err = local.SearchAppend(res[:0], q, knnK, ef, nil)
			if err != nil {
				b.Fatal(err)
			}
			got := make([]int64, len(res))
			for j, r := range res {
				got[j] = int64(r.ID)
			}
			hits += knn.Hits(got, truth[i])
		}
		localQPS := float64(len(queries)) / time.Since(start).Seconds()
		line[0] = fmt.Sprintf("in-process %.0f q/s recall %.3f", localQPS, float64(hits)/float64(len(queries)*knnK))
		hl := ref.Levels[level]
		fmt.Printf("hnsw fashion-mnist ef_search=%d: %s; hnswlib %.0f q/s recall %.3f; %s; %s; wire 1conn / hnswlib %.2fx\n",
			ef, line[0], hl.QPS, hl.Recall, line[1], line[2], wireQPS/hl.QPS)
	}
}
