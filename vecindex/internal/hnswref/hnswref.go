//go:build cgo

// Package hnswref is hnswlib (Debian's libhnswlib-dev headers, compiled
// with -O3 -march=native) behind a small C interface, the reference that
// vecindex's HNSW benchmark measures itself against in the same run. It
// exists only because cgo is not allowed in _test.go files; nothing outside
// the benchmarks imports it.
package hnswref

/*
#cgo CXXFLAGS: -O3 -march=native -std=c++17 -w
#cgo LDFLAGS: -lstdc++ -lm -lpthread
#include "hnswref.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"
)

// Available reports whether hnswlib was compiled in (it needs cgo).
const Available = true

// Index is an hnswlib L2 index over float32 vectors.
type Index struct {
	h   *C.hnswref
	dim int
}

// errHnsw reports an exception thrown inside hnswlib.
var errHnsw = errors.New("hnswref: hnswlib failed")

// New returns an index for up to maxElements dim-dimensional vectors.
func New(dim, maxElements, m, efConstruction int, seed uint64) (*Index, error) {
	if dim < 1 || maxElements < 1 {
		return nil, errors.New("hnswref: bad dimension or capacity")
	}
	h := C.hnswref_new(C.int(dim), C.size_t(maxElements), C.int(m), C.int(efConstruction), C.size_t(seed))
	if h == nil {
		return nil, errHnsw
	}
	return &Index{h: h, dim: dim}, nil
}

// Close frees the index.
func (ix *Index) Close() {
	if ix.h != nil {
		C.hnswref_free(ix.h)
		ix.h = nil
	}
}

// Add inserts vecs labelled first, first+1, ... with the given number of
// threads, all in one cgo call. Every vector must have the index's dimension.
func (ix *Index) Add(vecs [][]float32, first uint64, threads int) error {
	flat, err := ix.flatten(vecs)
	if err != nil || len(flat) == 0 {
		return err
	}
	rc := C.hnswref_add(ix.h, (*C.float)(unsafe.Pointer(&flat[0])), C.size_t(len(vecs)), C.uint64_t(first), C.int(threads))
	runtime.KeepAlive(flat)
	if rc != 0 {
		return errHnsw
	}
	return nil
}

// Search runs the queries one by one on one thread inside a single cgo
// call and returns k labels per query, closest first (^uint64(0) pads).
func (ix *Index) Search(queries [][]float32, k, ef int) ([]uint64, error) {
	flat, err := ix.flatten(queries)
	if err != nil || len(flat) == 0 || k < 1 {
		return nil, err
	}
	out := make([]uint64, len(queries)*k)
	rc := C.hnswref_search(ix.h, (*C.float)(unsafe.Pointer(&flat[0])), C.size_t(len(queries)), C.int(k), C.int(ef),
		(*C.uint64_t)(unsafe.Pointer(&out[0])))
	runtime.KeepAlive(flat)
	if rc != 0 {
		return nil, errHnsw
	}
	return out, nil
}

// Flatten copies vecs into one row-major slice for the C side.
func (ix *Index) flatten(vecs [][]float32) ([]float32, error) {
	flat := make([]float32, 0, len(vecs)*ix.dim)
	for _, v := range vecs {
		if len(v) != ix.dim {
			return nil, errors.New("hnswref: wrong vector dimension")
		}
		flat = append(flat, v...)
	}
	return flat, nil
}
