package vecindex

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/testdata/fmnist"
	"github.com/quartzdb/quartzdb/vecindex/internal/hnswref"
)

// BenchmarkHNSWFashionMNIST builds Fashion-MNIST (60,000 × 784, L2, m = 16,
// ef_construction = 64) with vecindex and with hnswlib in the same run,
// single-threaded and with GOMAXPROCS threads, then for ef_search in 10,
// 20, 40, 80, 120 prints recall@10 and single-thread QPS over the 10,000
// test images for both, with the QPS ratio. With -short it uses the first
// 5,000 base vectors and 1,000 queries. Timings are printed, never
// asserted. The work runs once however often the framework calls the
// function; run with -benchtime=1x.
func BenchmarkHNSWFashionMNIST(b *testing.B) {
	fmnistOnce.Do(func() { fmnistErr = runFashionMNIST(b) })
	if errors.Is(fmnistErr, fmnist.ErrMissing) {
		b.Skip(fmnistErr)
	}
	if fmnistErr != nil {
		b.Fatal(fmnistErr)
	}
}

var (
	fmnistOnce sync.Once
	fmnistErr  error
)

const benchK = 10

func runFashionMNIST(b *testing.B) error {
	base, err := fmnist.Train()
	if err != nil {
		return err
	}
	queries, err := fmnist.Test()
	if err != nil {
		return err
	}
	if testing.Short() {
		base, queries = base[:5000], queries[:1000]
	}
	const m, efc = 16, 64
	threads := runtime.GOMAXPROCS(0)
	ids := make([]uint64, len(base))
	for i := range ids {
		ids[i] = uint64(i)
	}
	fmt.Printf("fashion-mnist %d×%d, %d queries, L2, m=%d, ef_construction=%d, kernels %s\n",
		len(base), fmnist.Dim, len(queries), m, efc, KernelName())

	gt, err := groundTruth(base, queries)
	if err != nil {
		return err
	}

	// Builds: one thread each, then GOMAXPROCS threads each.
	cfg := Config{Dim: fmnist.Dim, Metric: MetricL2, M: m, EfConstruction: efc, Seed: 100}
	ours, err := New(cfg)
	if err != nil {
		return err
	}
	t0 := time.Now()
	for i, v := range base {
		if err := ours.Insert(ids[i], v); err != nil {
			return err
		}
	}
	ourBuild := time.Since(t0)
	par, err := New(cfg)
	if err != nil {
		return err
	}
	t0 = time.Now()
	if err := par.InsertBatch(context.Background(), ids, base); err != nil {
		return err
	}
	ourPar := time.Since(t0)
	par = nil

	var ref *hnswref.Index
	var refBuild, refPar time.Duration
	if hnswref.Available {
		if ref, err = hnswref.New(fmnist.Dim, len(base), m, efc, 100); err != nil {
			return err
		}
		defer ref.Close()
		t0 = time.Now()
		if err := ref.Add(base, 0, 1); err != nil {
			return err
		}
		refBuild = time.Since(t0)
		refP, err := hnswref.New(fmnist.Dim, len(base), m, efc, 100)
		if err != nil {
			return err
		}
		t0 = time.Now()
		err = refP.Add(base, 0, threads)
		refPar = time.Since(t0)
		refP.Close()
		if err != nil {
			return err
		}
	}
	fmt.Printf("build 1 thread: quartzdb %.2fs, hnswlib %.2fs, ratio %s\n",
		ourBuild.Seconds(), refBuild.Seconds(), ratio(ourBuild.Seconds(), refBuild.Seconds()))
	fmt.Printf("build %d threads: quartzdb %.2fs, hnswlib %.2fs, ratio %s\n",
		threads, ourPar.Seconds(), refPar.Seconds(), ratio(ourPar.Seconds(), refPar.Seconds()))

	dst := make([]Result, 0, benchK)
	got := make([]uint64, len(queries)*benchK)
	// Each engine runs every ef twice, alternating with the other, and
	// the faster pass counts: the machine is shared, so one pass can be
	// slowed by an unrelated process.
	for _, ef := range []int{10, 20, 40, 80, 120} {
		var ourQPS, refQPS, refRecall float64
		for range 2 {
			t0 = time.Now()
			for qi, q := range queries {
				dst, err = ours.SearchAppend(dst[:0], q, benchK, ef, nil)
				if err != nil {
					return err
				}
				out := got[qi*benchK : (qi+1)*benchK]
				for i := range out {
					out[i] = math.MaxUint64
					if i < len(dst) {
						out[i] = dst[i].ID
					}
				}
			}
			ourQPS = max(ourQPS, float64(len(queries))/time.Since(t0).Seconds())
			if ref != nil {
				t0 = time.Now()
				labels, err := ref.Search(queries, benchK, ef)
				if err != nil {
					return err
				}
				refQPS = max(refQPS, float64(len(queries))/time.Since(t0).Seconds())
				refRecall = recallAt(labels, gt)
			}
		}
		line := fmt.Sprintf("ef=%-3d quartzdb recall@10 %.4f %8.0f QPS", ef, recallAt(got, gt), ourQPS)
		if ref != nil {
			line += fmt.Sprintf(" | hnswlib recall@10 %.4f %8.0f QPS | QPS ratio %.2fx", refRecall, refQPS, ourQPS/refQPS)
		}
		fmt.Println(line)
	}
	b.ReportMetric(ourBuild.Seconds(), "build-s")
	return nil
}

func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

// recallAt is recall@k of got against gt, both k labels per query.
func recallAt(got []uint64, gt []uint32) float64 {
	hits := 0
	for q := 0; q < len(gt)/benchK; q++ {
		want := gt[q*benchK : (q+1)*benchK]
		for _, g := range got[q*benchK : (q+1)*benchK] {
			for _, w := range want {
				if g == uint64(w) {
					hits++
					break
				}
			}
		}
	}
	return float64(hits) / float64(len(gt))
}

// groundTruth returns the exact k nearest base ids per query, cached under
// os.TempDir in a file named by the data's sizes and CRC (exact search of
// 10,000 × 60,000 × 784 takes a while on two cores).
func groundTruth(base, queries [][]float32) ([]uint32, error) {
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	var buf [4]byte
	for _, set := range [][][]float32{base, queries} {
		for _, v := range set {
			for _, x := range v {
				binary.LittleEndian.PutUint32(buf[:], math.Float32bits(x))
				h.Write(buf[:])
			}
		}
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("quartzdb-gt-%dx%d-%d-k%d-%08x.bin",
		len(base), len(base[0]), len(queries), benchK, h.Sum32()))
	want := len(queries) * benchK
	if f, err := os.Open(path); err == nil {
		gt := make([]uint32, want)
		err = binary.Read(f, binary.LittleEndian, gt)
		f.Close()
		if err == nil {
			return gt, nil
		}
	}
	t0 := time.Now()
	gt := make([]uint32, want)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var top maxHeap
			for q := w; q < len(queries); q += workers {
				top.reset()
				for i, v := range base {
					d := L2Squared(queries[q], v)
					if top.len() < benchK {
						top.push(item{d, uint32(i)})
					} else if d < top.top().d {
						top.pop()
						top.push(item{d, uint32(i)})
					}
				}
				for i := benchK - 1; i >= 0 && top.len() > 0; i-- {
					gt[q*benchK+i] = top.pop().id
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("ground truth by exact search: %.1fs (cached in %s)\n", time.Since(t0).Seconds(), path)
	if err := writeGT(path, gt); err != nil {
		return nil, err
	}
	return gt, nil
}

func writeGT(path string, gt []uint32) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "quartzdb-gt-*")
	if err != nil {
		return fmt.Errorf("ground truth cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	var w io.Writer = tmp
	if err := binary.Write(w, binary.LittleEndian, gt); err != nil {
		tmp.Close()
		return fmt.Errorf("ground truth cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("ground truth cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("ground truth cache: %w", err)
	}
	return nil
}
