// hnswref.cpp wraps Debian's libhnswlib-dev headers (hnswlib 0.6.2) for
// the vecindex benchmark; cgo compiles it with -O3 -march=native.
#include "hnswref.h"

#include <hnswlib/hnswlib.h>

#include <atomic>
#include <thread>
#include <vector>

struct hnswref {
	int dim;
	hnswlib::L2Space space;
	hnswlib::HierarchicalNSW<float> *index;
	explicit hnswref(int d) : dim(d), space(d), index(nullptr) {}
};

extern "C" hnswref *hnswref_new(int dim, size_t max_elements, int m, int ef_construction, size_t seed) {
	try {
		hnswref *h = new hnswref(dim);
		h->index = new hnswlib::HierarchicalNSW<float>(&h->space, max_elements, m, ef_construction, seed);
		return h;
	} catch (...) {
		return nullptr;
	}
}

extern "C" void hnswref_free(hnswref *h) {
	if (h == nullptr) return;
	delete h->index;
	delete h;
}

extern "C" int hnswref_add(hnswref *h, const float *data, size_t n, uint64_t first, int threads) {
	std::atomic<bool> failed(false);
	auto work = [&](std::atomic<size_t> *next) {
		for (;;) {
			size_t i = next->fetch_add(1);
			if (i >= n || failed.load()) return;
			try {
				h->index->addPoint(data + i * (size_t)h->dim, (size_t)(first + i));
			} catch (...) {
				failed.store(true);
				return;
			}
		}
	};
	std::atomic<size_t> next(0);
	if (threads <= 1) {
		work(&next);
	} else {
		std::vector<std::thread> ts;
		for (int t = 0; t < threads; t++) ts.emplace_back(work, &next);
		for (auto &t : ts) t.join();
	}
	return failed.load() ? -1 : 0;
}

extern "C" int hnswref_search(hnswref *h, const float *queries, size_t nq, int k, int ef, uint64_t *labels) {
	try {
		h->index->setEf((size_t)ef);
		for (size_t q = 0; q < nq; q++) {
			auto res = h->index->searchKnn(queries + q * (size_t)h->dim, (size_t)k);
			uint64_t *out = labels + q * (size_t)k;
			for (int i = 0; i < k; i++) out[i] = UINT64_MAX;
			// The priority queue pops the farthest first.
			for (int i = (int)res.size() - 1; i >= 0; i--) {
				if (i < k) out[i] = (uint64_t)res.top().second;
				res.pop();
			}
		}
		return 0;
	} catch (...) {
		return -1;
	}
}
