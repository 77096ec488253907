package vecindex

import (
	"cmp"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// randVecs returns n seeded random dim-dimensional vectors in [-1, 1).
func randVecs(n, dim int, seed uint64) [][]float32 {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([][]float32, n)
	for i := range out {
		v := make([]float32, dim)
		for j := range v {
			v[j] = rng.Float32()*2 - 1
		}
		out[i] = v
	}
	return out
}

// exactDist is the metric's distance computed independently of the index,
// in float64, as pgvector defines it.
func exactDist(m Metric, a, b []float32) float64 {
	var s, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		switch m {
		case MetricL2:
			s += (x - y) * (x - y)
		case MetricL1:
			s += math.Abs(x - y)
		default:
			s += x * y
			na += x * x
			nb += y * y
		}
	}
	switch m {
	case MetricL2:
		return math.Sqrt(s)
	case MetricIP:
		return -s
	case MetricCosine:
		return 1 - s/math.Sqrt(na*nb)
	}
	return s
}

// bruteForce returns the ids (indexes into base, skipping those keep
// rejects) of the k nearest to q.
func bruteForce(m Metric, base [][]float32, q []float32, k int, keep func(uint64) bool) []uint64 {
	type pair struct {
		d  float64
		id uint64
	}
	var all []pair
	for i, v := range base {
		if keep != nil && !keep(uint64(i)) {
			continue
		}
		all = append(all, pair{exactDist(m, q, v), uint64(i)})
	}
	slices.SortFunc(all, func(a, b pair) int { return cmp.Compare(a.d, b.d) })
	var ids []uint64
	for i := 0; i < k && i < len(all); i++ {
		ids = append(ids, all[i].id)
	}
	return ids
}

func recall(got []Result, want []uint64) float64 {
	set := map[uint64]bool{}
	for _, w := range want {
		set[w] = true
	}
	hit := 0
	for _, g := range got {
		if set[g.ID] {
			hit++
		}
	}
	if len(want) == 0 {
		return 1
	}
	return float64(hit) / float64(len(want))
}

func buildIndex(t testing.TB, cfg Config, base [][]float32) *Index {
	t.Helper()
	ix, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range base {
		if err := ix.Insert(uint64(i), v); err != nil {
			t.Fatal(err)
		}
	}
	return ix
}

func TestRecallAllMetrics(t *testing.T) {
	base := randVecs(2000, 32, 1)
	queries := randVecs(100, 32, 2)
	for _, m := range []Metric{MetricL2, MetricIP, MetricCosine, MetricL1} {
		t.Run(m.String(), func(t *testing.T) {
			ix := buildIndex(t, Config{Dim: 32, Metric: m, Seed: 1}, base)
			if ix.Len() != len(base) {
				t.Fatalf("Len = %d, want %d", ix.Len(), len(base))
			}
			var sum float64
			for _, q := range queries {
				got := ix.Search(q, 10, 64, nil)
				if len(got) != 10 {
					t.Fatalf("got %d results, want 10", len(got))
				}
				for i, r := range got {
					want := exactDist(m, q, base[r.ID])
					if math.Abs(float64(r.Distance)-want) > 1e-3*math.Max(1, math.Abs(want)) {
						t.Fatalf("result %d: distance %v, exact %v", r.ID, r.Distance, want)
					}
					if i > 0 && got[i-1].Distance > r.Distance {
						t.Fatalf("results not sorted: %v", got)
					}
				}
				sum += recall(got, bruteForce(m, base, q, 10, nil))
			}
			if r := sum / float64(len(queries)); r < 0.9 {
				t.Fatalf("recall@10 at ef=64 = %.3f, want >= 0.9", r)
			} else {
				t.Logf("recall@10 = %.3f", r)
			}
		})
	}
}

func TestConfigAndInputErrors(t *testing.T) {
	for _, c := range []Config{
		{Dim: 0}, {Dim: MaxDim + 1}, {Dim: 4, M: 1}, {Dim: 4, M: 101},
		{Dim: 4, EfConstruction: 3}, {Dim: 4, EfConstruction: 1001}, {Dim: 4, Metric: 9},
	} {
		if _, err := New(c); !errors.Is(err, ErrConfig) {
			t.Errorf("New(%+v) = %v, want ErrConfig", c, err)
		}
	}
	ix, err := New(Config{Dim: 3, Metric: MetricCosine})
	if err != nil {
		t.Fatal(err)
	}
	if c := ix.Config(); c.M != DefaultM || c.EfConstruction != DefaultEfConstruction {
		t.Fatalf("defaults not applied: %+v", c)
	}
	nan := float32(math.NaN())
	for _, c := range []struct {
		v    []float32
		want error
	}{
		{[]float32{1, 2}, ErrDimension},
		{[]float32{0, 0, 0}, ErrVector},
		{[]float32{1, nan, 0}, ErrVector},
		{[]float32{float32(math.Inf(1)), 0, 0}, ErrVector},
	} {
		if err := ix.Insert(1, c.v); !errors.Is(err, c.want) {
			t.Errorf("Insert(%v) = %v, want %v", c.v, err, c.want)
		}
	}
	if got := ix.Search([]float32{1, 0, 0}, 5, 10, nil); len(got) != 0 {
		t.Fatalf("search of empty index = %v", got)
	}
	if err := ix.Insert(1, []float32{1, 0, 0}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Insert(1, []float32{0, 1, 0}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate insert = %v", err)
	}
	if got := ix.Search([]float32{0, 0, 0}, 5, 10, nil); len(got) != 0 {
		t.Fatalf("zero cosine query = %v, want none", got)
	}
	if _, err := ix.SearchAppend(nil, []float32{1}, 5, 10, nil); !errors.Is(err, ErrDimension) {
		t.Fatalf("wrong-dimension query = %v", err)
	}
	if got := ix.Search([]float32{2, 0, 0}, 5, 10, nil); len(got) != 1 || got[0].ID != 1 || got[0].Distance > 1e-6 {
		t.Fatalf("search = %v, want id 1 at distance 0", got)
	}
}

func TestFilter(t *testing.T) {
	base := randVecs(2000, 16, 3)
	queries := randVecs(50, 16, 4)
	ix := buildIndex(t, Config{Dim: 16, Seed: 2}, base)
	for _, c := range []struct {
		name      string
		keep      func(uint64) bool
		iterative bool
		minRecall float64
		full      bool // must return k results
	}{
		{"half", func(id uint64) bool { return id%2 == 0 }, false, 0.8, false},
		{"half-iterative", func(id uint64) bool { return id%2 == 0 }, true, 0.9, true},
		{"one-in-50-iterative", func(id uint64) bool { return id%50 == 7 }, true, 0.9, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var sum float64
			for _, q := range queries {
				got, err := ix.SearchWith(nil, q, 10, SearchOptions{Ef: 64, Filter: c.keep, Iterative: c.iterative})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range got {
					if !c.keep(r.ID) {
						t.Fatalf("filtered-out id %d returned", r.ID)
					}
				}
				if c.full && len(got) != 10 {
					t.Fatalf("iterative search returned %d, want 10", len(got))
				}
				sum += recall(got, bruteForce(MetricL2, base, q, 10, c.keep))
			}
			if r := sum / float64(len(queries)); r < c.minRecall {
				t.Fatalf("filtered recall %.3f < %.2f", r, c.minRecall)
			}
		})
	}
	// A visit bound stops an iterative search that cannot fill k.
	none := func(uint64) bool { return false }
	got, err := ix.SearchWith(nil, queries[0], 10, SearchOptions{Ef: 40, Filter: none, Iterative: true, MaxVisit: 100})
	if err != nil || len(got) != 0 {
		t.Fatalf("impossible filter: %v, %v", got, err)
	}
}

func TestDeletePurgeReuse(t *testing.T) {
	base := randVecs(2000, 16, 5)
	queries := randVecs(50, 16, 6)
	ix := buildIndex(t, Config{Dim: 16, Seed: 3}, base)
	gone := func(id uint64) bool { return id%3 == 0 }
	for i := range base {
		if gone(uint64(i)) && !ix.Delete(uint64(i)) {
			t.Fatalf("Delete(%d) = false", i)
		}
	}
	if ix.Delete(0) || ix.Delete(99999) {
		t.Fatal("deleting a deleted or unknown id reported true")
	}
	live := func(id uint64) bool { return !gone(id) }
	check := func(stage string, minRecall float64) {
		t.Helper()
		var sum float64
		for _, q := range queries {
			got := ix.Search(q, 10, 64, nil)
			for _, r := range got {
				if gone(r.ID) {
					t.Fatalf("%s: deleted id %d returned", stage, r.ID)
				}
			}
			sum += recall(got, bruteForce(MetricL2, base, q, 10, live))
		}
		if r := sum / float64(len(queries)); r < minRecall {
			t.Fatalf("%s: recall %.3f < %.2f", stage, r, minRecall)
		}
	}
	check("tombstoned", 0.9)
	wantLive := ix.Len()
	freed, err := ix.Purge(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if freed != 667 || ix.Deleted() != 0 || ix.Len() != wantLive {
		t.Fatalf("purge freed %d (deleted %d, len %d), want 667 (0, %d)", freed, ix.Deleted(), ix.Len(), wantLive)
	}
	check("purged", 0.9)
	ix.structMu.RLock()
	s := ix.getSearcher()
	for c := uint32(0); c < ix.next; c++ {
		if slices.Contains(ix.free, c) {
			continue
		}
		for l := ix.nodeLevel(s.tab, c); l >= 0; l-- {
			ll := ix.links(s, c, l)
			for j := 1; j <= loadCount(ll); j++ {
				if slices.Contains(ix.free, ll[j]) {
					t.Fatalf("slot %d level %d links to freed slot %d", c, l, ll[j])
				}
			}
		}
	}
	ix.putSearcher(s)
	ix.structMu.RUnlock()
	// Re-insert the deleted vectors: they take the freed slots.
	next := ix.next
	for i := range base {
		if gone(uint64(i)) {
			if err := ix.Insert(uint64(i), base[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ix.next != next || len(ix.free) != 0 {
		t.Fatalf("slots not reused: next %d -> %d, free %d", next, ix.next, len(ix.free))
	}
	gone = func(uint64) bool { return false }
	live = nil
	check("reinserted", 0.9)
}

// TestAppendVector checks that a node's stored vector comes back exactly,
// normalised for cosine, and not at all once deleted, even after its slot
// is purged and reused by another id.
func TestAppendVector(t *testing.T) {
	base := randVecs(300, 12, 11)
	for _, metric := range []Metric{MetricL2, MetricIP, MetricL1, MetricCosine} {
		t.Run(metric.String(), func(t *testing.T) {
			ix := buildIndex(t, Config{Dim: 12, Metric: metric}, base)
			want := func(i int) []float32 {
				v := slices.Clone(base[i])
				if metric == MetricCosine {
					var n float64
					for _, x := range v {
						n += float64(x) * float64(x)
					}
					for j := range v {
						v[j] = float32(float64(v[j]) / math.Sqrt(n))
					}
				}
				return v
			}
			for _, i := range []int{0, 7, 299} {
				got, ok := ix.AppendVector(nil, uint64(i))
				if !ok || len(got) != 12 {
					t.Fatalf("AppendVector(%d) = %v, %v", i, got, ok)
				}
				for j, x := range want(i) {
					if math.Abs(float64(got[j]-x)) > 1e-6 {
						t.Fatalf("AppendVector(%d)[%d] = %v, want %v", i, j, got[j], x)
					}
				}
			}
			ix.Delete(7)
			if _, ok := ix.AppendVector(nil, 7); ok {
				t.Fatal("deleted id still has a vector")
			}
			if _, err := ix.Purge(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := ix.Insert(1000, base[7]); err != nil { // takes the freed slot
				t.Fatal(err)
			}
			if _, ok := ix.AppendVector(nil, 7); ok {
				t.Fatal("purged id has a vector after its slot was reused")
			}
			if _, ok := ix.AppendVector(nil, 5000); ok {
				t.Fatal("unknown id has a vector")
			}
			if got, ok := ix.AppendVector([]float32{42}, 1000); !ok || len(got) != 13 || got[0] != 42 {
				t.Fatalf("AppendVector does not append: %v %v", got, ok)
			}
		})
	}
}

func TestDeleteAllThenInsert(t *testing.T) {
	base := randVecs(100, 8, 7)
	ix := buildIndex(t, Config{Dim: 8}, base)
	for i := range base {
		ix.Delete(uint64(i))
	}
	if got := ix.Search(base[0], 5, 40, nil); len(got) != 0 {
		t.Fatalf("all deleted, search = %v", got)
	}
	if n, err := ix.Purge(context.Background()); err != nil || n != 100 {
		t.Fatalf("purge = %d, %v", n, err)
	}
	if err := ix.Insert(5, base[5]); err != nil {
		t.Fatal(err)
	}
	if got := ix.Search(base[5], 5, 40, nil); len(got) != 1 || got[0].ID != 5 {
		t.Fatalf("search after refill = %v", got)
	}
}

func TestSearchAllocs(t *testing.T) {
	base := randVecs(2000, 32, 8)
	ix := buildIndex(t, Config{Dim: 32}, base)
	q := randVecs(1, 32, 9)[0]
	dst := make([]Result, 0, 10)
	keep := func(id uint64) bool { return id%2 == 0 }
	for _, c := range []struct {
		name string
		opt  SearchOptions
	}{{"plain", SearchOptions{Ef: 64}}, {"filter", SearchOptions{Ef: 64, Filter: keep}},
		{"iterative", SearchOptions{Ef: 64, Filter: keep, Iterative: true}}} {
		ix.SearchWith(dst[:0], q, 10, c.opt) // warm the pool
		n := testing.AllocsPerRun(100, func() {
			dst, _ = ix.SearchWith(dst[:0], q, 10, c.opt)
		})
		if n != 0 {
			t.Errorf("%s: %v allocations per search, want 0", c.name, n)
		}
	}
}

func TestConcurrentInsertSearch(t *testing.T) {
	base := randVecs(1500, 16, 10)
	ix, err := New(Config{Dim: 16, M: 8, EfConstruction: 32})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]uint64, len(base))
	for i := range ids {
		ids[i] = uint64(i)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	done := make(chan struct{})
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var dst []Result
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				dst, _ = ix.SearchAppend(dst[:0], base[i%len(base)], 5, 20, nil)
				if i%7 == 0 {
					ix.Delete(uint64(i % 100))
				}
			}
		}()
	}
	if err := ix.InsertBatch(ctx, ids[:1000], base[:1000]); err != nil {
		t.Fatal(err)
	}
	freed, err := ix.Purge(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.InsertBatch(ctx, ids[1000:], base[1000:]); err != nil {
		t.Fatal(err)
	}
	close(done)
	wg.Wait()
	if got := ix.Len() + ix.Deleted() + freed; got != len(base) {
		t.Fatalf("Len+Deleted+freed = %d, want %d", got, len(base))
	}
	var sum float64
	for _, q := range randVecs(30, 16, 11) {
		sum += recall(ix.Search(q, 10, 64, nil), bruteForce(MetricL2, base, q, 10, func(id uint64) bool { return ix.Contains(id) }))
	}
	if r := sum / 30; r < 0.85 {
		t.Fatalf("recall after concurrent build %.3f", r)
	}
}

func TestInsertBatchErrors(t *testing.T) {
	ix, _ := New(Config{Dim: 4})
	if err := ix.InsertBatch(context.Background(), []uint64{1}, nil); err == nil {
		t.Fatal("length mismatch accepted")
	}
	if err := ix.InsertBatch(context.Background(), []uint64{1, 2}, [][]float32{{1, 2, 3, 4}, {1}}); !errors.Is(err, ErrDimension) {
		t.Fatalf("bad vector in batch = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ix.InsertBatch(ctx, []uint64{3}, [][]float32{{1, 2, 3, 4}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled batch = %v", err)
	}
}

// TestSearchCountsDistances checks the distance computations a search
// reports: at least its results and at most the index, and added to the
// index's totals.
func TestSearchCountsDistances(t *testing.T) {
	base := randVecs(1000, 8, 21)
	ix := buildIndex(t, Config{Dim: 8}, base)
	s0, d0 := ix.SearchStats()
	var n int64
	res, err := ix.SearchWith(nil, base[3], 10, SearchOptions{Ef: 40, Distances: &n})
	if err != nil || len(res) != 10 {
		t.Fatalf("search: %v, %d results", err, len(res))
	}
	if n < 40 || n > 1000 {
		t.Fatalf("%d distance computations for ef 40 over 1000 vectors", n)
	}
	s1, d1 := ix.SearchStats()
	if s1-s0 != 1 || d1-d0 != n {
		t.Fatalf("index totals moved by %d searches, %d distances; want 1, %d", s1-s0, d1-d0, n)
	}
}

// TestParallelBuildReachesEveryNode builds degenerate data (points on a
// line, a small grid), where the heuristic keeps very few links per node,
// on several goroutines, and checks that nodes are found from the entry
// point. A new node's own list used to overwrite the back-links concurrent
// inserts had already added to it, cutting 3-6% of the nodes off. And a
// node used to become reachable at its upper levels before its level-0
// list was written, so an insert that entered level 0 there found nothing
// near: about 12 nodes in 600 parallel builds of the grid were lost.
func TestParallelBuildReachesEveryNode(t *testing.T) {
	line := make([][]float32, 1000)
	for i := range line {
		line[i] = []float32{float32(i + 1), 1, 1}
	}
	var grid [][]float32
	for x := range 10 {
		for y := range 10 {
			for z := range 10 {
				grid = append(grid, []float32{float32(x), float32(y), float32(z)})
			}
		}
	}
	for _, tc := range []struct {
		name string
		vecs [][]float32
	}{{"line", line}, {"grid", grid}} {
		t.Run(tc.name, func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
			for round := range 10 {
				ix, err := New(Config{Dim: 3, M: 16, EfConstruction: 64})
				if err != nil {
					t.Fatal(err)
				}
				ids := make([]uint64, len(tc.vecs))
				for i := range ids {
					ids[i] = uint64(i)
				}
				if err := ix.InsertBatch(context.Background(), ids, tc.vecs); err != nil {
					t.Fatal(err)
				}
				var missed []int
				for i, v := range tc.vecs {
					if r := ix.Search(v, 1, 400, nil); len(r) == 0 || r[0].Distance != 0 {
						missed = append(missed, i)
					}
				}
				if len(missed) > 0 {
					t.Fatalf("round %d: %d nodes not found: %v", round, len(missed), missed)
				}
			}
		})
	}
}
