// Package hnswlib runs hnswlib as the reference of the nearest-neighbour
// benchmarks (issue 4): bench/hnswlib/hnswlib_bench.cpp, compiled against
// Debian's libhnswlib-dev headers with `g++ -O3 -march=native`, is run on
// the same data in the same run as QuartzDB's index, so both numbers come
// from one machine under one load. It is only for benchmarks and their
// tests; nothing in QuartzDB imports it.
package hnswlib

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// ErrUnavailable means the reference cannot be built here (no g++ or no
// libhnswlib-dev); callers skip rather than fail on it outside CI.
var ErrUnavailable = errors.New("hnswlib reference unavailable")

// Header is where Debian's libhnswlib-dev installs hnswlib.
const Header = "/usr/include/hnswlib/hnswlib.h"

// cxxFlags are part of the cache key, so changing them recompiles.
var cxxFlags = []string{"-O3", "-march=native", "-std=c++17", "-pthread"}

// buildMu keeps concurrent Builds in one process from compiling twice.
var buildMu sync.Mutex

// Build compiles bench/hnswlib/hnswlib_bench.cpp once per source version
// and returns the binary's path. The binary is cached under
// os.UserCacheDir()/quartzdb, named by a SHA-256 prefix of the source and
// flags, since compiling hnswlib at -O3 takes seconds on two cores.
func Build(ctx context.Context) (path string, err error) {
	gxx, err := exec.LookPath("g++")
	if err != nil {
		return "", fmt.Errorf("%w: g++: %v", ErrUnavailable, err)
	}
	if _, err := os.Stat(Header); err != nil {
		return "", fmt.Errorf("%w: libhnswlib-dev: %v", ErrUnavailable, err)
	}
	src, err := sourcePath()
	if err != nil {
		return "", err
	}
	code, err := os.ReadFile(src)
	if err != nil {
		return "", fmt.Errorf("hnswlib: read source: %w", err)
	}
	sum := sha256.New()
	sum.Write(code)
	sum.Write([]byte(strings.Join(cxxFlags, " ")))
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("hnswlib: cache dir: %w", err)
	}
	dir := filepath.Join(cache, "quartzdb")
	bin := filepath.Join(dir, "hnswlib_bench-"+hex.EncodeToString(sum.Sum(nil))[:16])

	buildMu.Lock()
	defer buildMu.Unlock()
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("hnswlib: cache dir: %w", err)
	}
	// Compile to a temporary name and rename, so another process never
	// runs a half-written binary.
	tmp, err := os.CreateTemp(dir, "hnswlib_bench-*.tmp")
	if err != nil {
		return "", fmt.Errorf("hnswlib: temp binary: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName)
	args := append(append([]string{}, cxxFlags...), "-o", tmpName, src)
	cmd := exec.CommandContext(ctx, gxx, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("hnswlib: g++ %s: %w\n%s", strings.Join(args, " "), err, out.Bytes())
	}
	if err := os.Rename(tmpName, bin); err != nil {
		return "", fmt.Errorf("hnswlib: cache binary: %w", err)
	}
	return bin, nil
}

// sourcePath finds the C++ source next to this file in the repository, or,
// when built with -trimpath, by walking up from the working directory to
// the module root.
func sourcePath() (string, error) {
	const rel = "bench/hnswlib/hnswlib_bench.cpp"
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		p := filepath.Join(filepath.Dir(file), "..", "..", filepath.FromSlash(rel))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("hnswlib: find source: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, filepath.FromSlash(rel))
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("hnswlib: find source: %w", err)
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("hnswlib: find source: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Options are hnswlib's build and search parameters.
type Options struct {
	// K is the number of neighbours searched for; truth rows must be K long.
	K int
	// M and EfConstruction are hnswlib's M and ef_construction.
	M, EfConstruction int
	// Threads add points in parallel when above 1; searches are always
	// single-threaded.
	Threads int
	// Efs are the search ef values, measured in this order.
	Efs []int
	// Seed is hnswlib's random_seed (level generation).
	Seed uint64
}

// Level is one measured search ef.
type Level struct {
	Ef          int
	Recall, QPS float64
}

// Result is one run of the reference.
type Result struct {
	BuildSeconds float64
	Threads      int
	// RSSBytes is the program's resident set right after the build: the
	// index plus its copy of the data.
	RSSBytes int64
	// Levels are in the order of Options.Efs.
	Levels []Level
}

// line is any of the program's output lines; the build line has
// BuildSeconds, a level line has Ef.
type line struct {
	BuildSeconds *float64 `json:"build_seconds"`
	Threads      int      `json:"threads"`
	N            int      `json:"n"`
	Dim          int      `json:"dim"`
	RSSBytes     int64    `json:"rss_bytes"`
	Ef           *int     `json:"ef"`
	Recall       float64  `json:"recall"`
	QPS          float64  `json:"qps"`
}

// Run builds an hnswlib index over base (labels are row numbers), searches
// queries at each of opt.Efs and scores them against truth (base row
// numbers, K per query).
func Run(ctx context.Context, base, queries [][]float32, truth [][]uint32, opt Options) (Result, error) {
	if err := check(base, queries, truth, opt); err != nil {
		return Result{}, err
	}
	bin, err := Build(ctx)
	if err != nil {
		return Result{}, err
	}
	dir, err := os.MkdirTemp("", "hnswlib-bench-")
	if err != nil {
		return Result{}, fmt.Errorf("hnswlib: temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	basePath := filepath.Join(dir, "base.f32")
	queriesPath := filepath.Join(dir, "queries.f32")
	truthPath := filepath.Join(dir, "truth.u32")
	if err := writeFloats(basePath, base); err != nil {
		return Result{}, err
	}
	if err := writeFloats(queriesPath, queries); err != nil {
		return Result{}, err
	}
	if err := writeIDs(truthPath, truth); err != nil {
		return Result{}, err
	}

	efs := make([]string, len(opt.Efs))
	for i, ef := range opt.Efs {
		efs[i] = strconv.Itoa(ef)
	}
	dim := len(base[0])
	cmd := exec.CommandContext(ctx, bin,
		"--base", basePath, "--queries", queriesPath, "--truth", truthPath,
		"--dim", strconv.Itoa(dim), "--k", strconv.Itoa(opt.K),
		"--m", strconv.Itoa(opt.M), "--efc", strconv.Itoa(opt.EfConstruction),
		"--threads", strconv.Itoa(opt.Threads), "--efs", strings.Join(efs, ","),
		"--seed", strconv.FormatUint(opt.Seed, 10))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return Result{}, fmt.Errorf("hnswlib: run %s: %w: %s", bin, err, strings.TrimSpace(stderr.String()))
	}
	res, err := parse(stdout.Bytes(), len(base), dim, opt)
	if err != nil {
		return Result{}, fmt.Errorf("hnswlib: %w (stderr: %s)", err, strings.TrimSpace(stderr.String()))
	}
	return res, nil
}

func check(base, queries [][]float32, truth [][]uint32, opt Options) error {
	switch {
	case len(base) == 0 || len(base[0]) == 0:
		return errors.New("hnswlib: empty base")
	case len(queries) == 0:
		return errors.New("hnswlib: no queries")
	case len(truth) != len(queries):
		return fmt.Errorf("hnswlib: %d truth rows for %d queries", len(truth), len(queries))
	case opt.K < 1 || opt.M < 2 || opt.EfConstruction < 1 || opt.Threads < 1 || len(opt.Efs) == 0:
		return fmt.Errorf("hnswlib: bad options %+v", opt)
	case len(base) > math.MaxUint32:
		return fmt.Errorf("hnswlib: %d base rows do not fit uint32 ids", len(base))
	}
	dim := len(base[0])
	for i, v := range base {
		if len(v) != dim {
			return fmt.Errorf("hnswlib: base row %d has dimension %d, want %d", i, len(v), dim)
		}
	}
	for i, v := range queries {
		if len(v) != dim {
			return fmt.Errorf("hnswlib: query %d has dimension %d, want %d", i, len(v), dim)
		}
	}
	for i, ids := range truth {
		if len(ids) != opt.K {
			return fmt.Errorf("hnswlib: truth row %d has %d ids, want K=%d", i, len(ids), opt.K)
		}
	}
	for _, ef := range opt.Efs {
		if ef < 1 {
			return fmt.Errorf("hnswlib: bad ef %d", ef)
		}
	}
	return nil
}

func parse(out []byte, n, dim int, opt Options) (Result, error) {
	var res Result
	build := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var l line
		if err := json.Unmarshal(text, &l); err != nil {
			return Result{}, fmt.Errorf("output line %q: %w", text, err)
		}
		switch {
		case l.BuildSeconds != nil:
			if build {
				return Result{}, errors.New("two build lines")
			}
			if l.N != n || l.Dim != dim {
				return Result{}, fmt.Errorf("program saw %d×%d, want %d×%d", l.N, l.Dim, n, dim)
			}
			build = true
			res.BuildSeconds, res.Threads, res.RSSBytes = *l.BuildSeconds, l.Threads, l.RSSBytes
		case l.Ef != nil:
			if !build {
				return Result{}, errors.New("level line before the build line")
			}
			res.Levels = append(res.Levels, Level{Ef: *l.Ef, Recall: l.Recall, QPS: l.QPS})
		default:
			return Result{}, fmt.Errorf("unexpected output line %q", text)
		}
	}
	if !build {
		return Result{}, errors.New("no build line in output")
	}
	if len(res.Levels) != len(opt.Efs) {
		return Result{}, fmt.Errorf("got %d levels, want %d", len(res.Levels), len(opt.Efs))
	}
	for i, l := range res.Levels {
		if l.Ef != opt.Efs[i] {
			return Result{}, fmt.Errorf("level %d has ef %d, want %d", i, l.Ef, opt.Efs[i])
		}
	}
	return res, nil
}

func writeFloats(path string, rows [][]float32) error {
	return writeRaw(path, func(w *bufio.Writer) {
		var b [4]byte
		for _, row := range rows {
			for _, x := range row {
				binary.LittleEndian.PutUint32(b[:], math.Float32bits(x))
				w.Write(b[:])
			}
		}
	})
}

func writeIDs(path string, rows [][]uint32) error {
	return writeRaw(path, func(w *bufio.Writer) {
		var b [4]byte
		for _, row := range rows {
			for _, id := range row {
				binary.LittleEndian.PutUint32(b[:], id)
				w.Write(b[:])
			}
		}
	})
}

// writeRaw leaves error handling to Flush and Close: a bufio.Writer keeps
// its first error and returns it from Flush.
func writeRaw(path string, fill func(*bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("hnswlib: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("hnswlib: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("hnswlib: write %s: %w", path, err)
	}
	return nil
}
