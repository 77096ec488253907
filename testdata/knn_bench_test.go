package testdata_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quartzdb/quartzdb/testdata/fmnist"
	"github.com/quartzdb/quartzdb/testdata/knn"
	"github.com/quartzdb/quartzdb/vecindex"
)

// knnK is the number of neighbours every kNN benchmark asks for.
const knnK = 10

// BenchmarkExactKNN measures exact nearest-neighbour search over the wire:
// Fashion-MNIST's 60,000 training images in a vector(784) table without an
// index, queried with the test images by a prepared
// `ORDER BY embedding <-> $1 LIMIT 10` (a streamed scan with a bounded
// top-k heap). PostgreSQL on this machine has no pgvector, so the
// reference in the same run is the same search in-process (vecindex's
// kernel over the vectors in memory, one thread): the ratio says what the
// wire, the storage scan and the executor cost on top of the arithmetic.
// Both sides must return the same neighbours.
func BenchmarkExactKNN(b *testing.B) {
	base, queries := loadFashionMNIST(b)
	ctx := context.Background()
	q := newQuartzTarget(b)
	conn, err := pgx.Connect(ctx, q.fresh(b, "knn"))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	start := time.Now()
	if err := loadVectors(ctx, conn, base); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d vectors in %v", len(base), time.Since(start).Round(time.Millisecond))
	if _, err := conn.Prepare(ctx, "knn", "SELECT id FROM fmnist ORDER BY embedding <-> $1 LIMIT 10"); err != nil {
		b.Fatal(err)
	}

	var wireQPS, localQPS float64
	b.Run("wire", func(b *testing.B) {
		t0 := time.Now()
		for i := 0; i < b.N; i++ {
			qv := queries[i%len(queries)]
			rows, err := conn.Query(ctx, "knn", vectorText(qv))
			if err != nil {
				b.Fatal(err)
			}
			got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				b.Fatal(err)
			}
			if want := exactKNN(base, qv, knnK); !sameDistances(base, qv, got, want) {
				b.Fatalf("query %d: got ids %v, exact search says %v", i, got, want)
			}
		}
		// The check above runs an in-process search per query; take it
		// out of the wire time by subtracting a measured estimate below.
		wireQPS = float64(b.N) / time.Since(t0).Seconds()
	})
	b.Run("in-process", func(b *testing.B) {
		t0 := time.Now()
		for i := 0; i < b.N; i++ {
			exactKNN(base, queries[i%len(queries)], knnK)
		}
		localQPS = float64(b.N) / time.Since(t0).Seconds()
	})
	if wireQPS > 0 && localQPS > 0 {
		// wire per query = measured per query - the in-process check.
		perWire := 1/wireQPS - 1/localQPS
		if perWire > 0 {
			wireQPS = 1 / perWire
		}
		fmt.Printf("exact kNN fashion-mnist 60000x784 k=10 (%s kernels): wire %.1f q/s, in-process %.1f q/s, ratio %.2fx\n",
			vecindex.KernelName(), wireQPS, localQPS, wireQPS/localQPS)
	}
}

// loadFashionMNIST returns the training images (the base set) and the
// test images (the queries), skipping b when the dataset is not installed.
func loadFashionMNIST(b *testing.B) (base, queries [][]float32) {
	b.Helper()
	base, err := fmnist.Train()
	if errors.Is(err, fmnist.ErrMissing) {
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	if queries, err = fmnist.Test(); err != nil {
		b.Fatal(err)
	}
	return base, queries
}

// loadVectors creates table fmnist and fills it with COPY FROM STDIN in
// text form, one transaction.
func loadVectors(ctx context.Context, conn *pgx.Conn, vecs [][]float32) error {
	if _, err := conn.Exec(ctx, "CREATE TABLE fmnist (id int8 PRIMARY KEY, embedding vector(784) NOT NULL)"); err != nil {
		return fmt.Errorf("create table: %w", err)
	}
	pr, pw := io.Pipe()
	go func() {
		var line []byte
		for i, v := range vecs {
			line = strconv.AppendInt(line[:0], int64(i), 10)
			line = append(line, '\t')
			line = append(line, vectorText(v)...)
			line = append(line, '\n')
			if _, err := pw.Write(line); err != nil {
				return
			}
		}
		pw.Close()
	}()
	if _, err := conn.PgConn().CopyFrom(ctx, pr, "COPY fmnist (id, embedding) FROM STDIN"); err != nil {
		pr.CloseWithError(err)
		return fmt.Errorf("copy: %w", err)
	}
	return nil
}

// vectorText is v in pgvector's text form.
func vectorText(v []float32) string {
	b := []byte{'['}
	for i, f := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, float64(f), 'g', -1, 32)
	}
	return string(append(b, ']'))
}

// exactKNN is the in-process reference: the k nearest base rows to q by
// L2, on one goroutine.
func exactKNN(base [][]float32, q []float32, k int) []uint32 {
	return knn.One(base, q, k, vecindex.L2Squared)
}

// fashionTruth is the exact kNN of each query, per query (cached on disk).
func fashionTruth(base, queries [][]float32) ([][]uint32, error) {
	flat, err := knn.Cached("fmnist", base, queries, knnK, vecindex.L2Squared)
	if err != nil {
		return nil, err
	}
	out := make([][]uint32, len(queries))
	for i := range out {
		out[i] = flat[i*knnK : (i+1)*knnK]
	}
	return out, nil
}

// sameDistances reports whether got and want are equally good answers: the
// same distances in the same order (ties may pick different ids).
func sameDistances(base [][]float32, q []float32, got []int64, want []uint32) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] < 0 || got[i] >= int64(len(base)) {
			return false
		}
		if vecindex.L2Squared(q, base[got[i]]) != vecindex.L2Squared(q, base[want[i]]) {
			return false
		}
	}
	return true
}
