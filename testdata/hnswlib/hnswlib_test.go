package hnswlib

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"testing"
	"time"
)

// TestRun drives the real program on small data so a broken build, flag or
// output format fails here rather than in the hour-long benchmark.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := Build(ctx); err != nil {
		if errors.Is(err, ErrUnavailable) && os.Getenv("CI") != "true" {
			t.Skip(err)
		}
		t.Fatal(err)
	}

	const n, nq, dim, k = 2000, 100, 16, 10
	rng := rand.New(rand.NewPCG(4, 2))
	base, queries := randRows(rng, n, dim), randRows(rng, nq, dim)
	truth := bruteForce(base, queries, k)
	efs := []int{10, 100}

	for _, threads := range []int{1, 2} {
		t.Run(fmt.Sprintf("threads=%d", threads), func(t *testing.T) {
			res, err := Run(ctx, base, queries, truth, Options{
				K: k, M: 16, EfConstruction: 64, Threads: threads, Efs: efs, Seed: 7,
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", res)
			if res.Threads != threads {
				t.Errorf("threads = %d, want %d", res.Threads, threads)
			}
			if res.BuildSeconds <= 0 || res.RSSBytes <= 0 {
				t.Errorf("build seconds %v, rss %d: want both positive", res.BuildSeconds, res.RSSBytes)
			}
			if len(res.Levels) != len(efs) {
				t.Fatalf("got %d levels, want %d", len(res.Levels), len(efs))
			}
			for i, l := range res.Levels {
				if l.Ef != efs[i] {
					t.Errorf("level %d: ef %d, want %d", i, l.Ef, efs[i])
				}
				if l.QPS <= 0 {
					t.Errorf("ef %d: qps %v, want > 0", l.Ef, l.QPS)
				}
				if l.Recall < 0 || l.Recall > 1 {
					t.Errorf("ef %d: recall %v out of [0, 1]", l.Ef, l.Recall)
				}
			}
			lo, hi := res.Levels[0].Recall, res.Levels[1].Recall
			if hi < 0.95 {
				t.Errorf("recall at ef=100 = %v, want >= 0.95", hi)
			}
			// A wider beam can lose a tie at the k-th place, hence the slack.
			if hi < lo-0.005 {
				t.Errorf("recall fell from %v at ef=10 to %v at ef=100", lo, hi)
			}
		})
	}
}

func randRows(rng *rand.Rand, n, dim int) [][]float32 {
	rows := make([][]float32, n)
	for i := range rows {
		rows[i] = make([]float32, dim)
		for j := range rows[i] {
			rows[i][j] = rng.Float32()
		}
	}
	return rows
}

// bruteForce is the exact k nearest base rows by squared L2, the distance
// hnswlib's L2Space uses.
func bruteForce(base, queries [][]float32, k int) [][]uint32 {
	truth := make([][]uint32, len(queries))
	ids := make([]uint32, len(base))
	dist := make([]float32, len(base))
	for qi, q := range queries {
		for i, v := range base {
			var d float32
			for j := range v {
				x := v[j] - q[j]
				d += x * x
			}
			ids[i], dist[i] = uint32(i), d
		}
		sort.Slice(ids, func(a, b int) bool {
			if dist[ids[a]] != dist[ids[b]] {
				return dist[ids[a]] < dist[ids[b]]
			}
			return ids[a] < ids[b]
		})
		truth[qi] = append([]uint32(nil), ids[:k]...)
	}
	return truth
}
