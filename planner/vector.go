package planner

import (
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/vecindex"
)

// The sql package evaluates vector operators with portable Go loops, since
// it may not import vecindex; the planner, which may, installs vecindex's
// SIMD kernels (chosen by CPU detection) so exact search and every
// distance expression run at assembly speed.
func init() {
	sql.SetVectorKernels(sql.VectorKernels{
		L2Squared:        vecindex.L2Squared,
		InnerProduct:     vecindex.InnerProduct,
		L1:               vecindex.L1Distance,
		Cosine:           vecindex.CosineDistance,
		L2SquaredHalf:    vecindex.L2SquaredHalf,
		InnerProductHalf: vecindex.InnerProductHalf,
		L1Half:           vecindex.L1DistanceHalf,
		CosineHalf:       vecindex.CosineDistanceHalf,
	})
}
