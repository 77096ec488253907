// Package vecindex will hold the HNSW graph: insert, delete, filtered search,
// persistence and the distance kernels. It imports nothing else of QuartzDB.
//
// Empty until the HNSW issue; the package exists so the layout shows the
// architecture from the start.
package vecindex
