/* hnswref.h: a C interface to hnswlib's HierarchicalNSW<float> with
 * L2Space, for vecindex's reference benchmark. Functions return 0 on
 * success and -1 if hnswlib threw. */
#ifndef HNSWREF_H
#define HNSWREF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hnswref hnswref;

/* hnswref_new returns an empty L2 index or NULL. */
hnswref *hnswref_new(int dim, size_t max_elements, int m, int ef_construction, size_t seed);
void hnswref_free(hnswref *h);
/* hnswref_add inserts n row-major vectors labelled first..first+n-1 with
 * the given number of threads (1 = hnswlib's serial addPoint loop). */
int hnswref_add(hnswref *h, const float *data, size_t n, uint64_t first, int threads);
/* hnswref_search runs nq queries one after another on the calling thread
 * with ef, writing k labels per query (closest first; UINT64_MAX pads). */
int hnswref_search(hnswref *h, const float *queries, size_t nq, int k, int ef, uint64_t *labels);

#ifdef __cplusplus
}
#endif

#endif
