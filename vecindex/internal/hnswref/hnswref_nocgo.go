//go:build !cgo

package hnswref

import "errors"

// Available reports whether hnswlib was compiled in (it needs cgo).
const Available = false

// Index is a stub without cgo; the benchmarks skip hnswlib when Available
// is false.
type Index struct{}

var errNoCgo = errors.New("hnswref: built without cgo")

// New fails without cgo.
func New(dim, maxElements, m, efConstruction int, seed uint64) (*Index, error) {
	return nil, errNoCgo
}

// Close does nothing.
func (ix *Index) Close() {}

// Add fails without cgo.
func (ix *Index) Add(vecs [][]float32, first uint64, threads int) error { return errNoCgo }

// Search fails without cgo.
func (ix *Index) Search(queries [][]float32, k, ef int) ([]uint64, error) { return nil, errNoCgo }
