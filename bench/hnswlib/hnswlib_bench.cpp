// hnswlib_bench is the hnswlib reference of the issue 4 nearest-neighbour
// benchmark: Debian's libhnswlib-dev headers compiled with
// `g++ -O3 -march=native`, run on the same files in the same run as
// QuartzDB's index so the two are compared like for like. The Go driver is
// testdata/hnswlib (Build, Run).
//
// Usage:
//   hnswlib_bench --base base.f32 --queries queries.f32 --truth truth.u32
//                 --dim D --k K --m M --efc EFC --threads T
//                 --efs 10,20,40,80,120 [--seed S]
//
// The files are raw little-endian arrays: base n×D float32, queries q×D
// float32, truth q×K uint32 (ids are base row numbers, which are also the
// labels given to hnswlib). Output is one JSON object per line on stdout:
// the build line, then one line per ef; errors go to stderr with exit code 1.
#include <hnswlib/hnswlib.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string &msg) {
	std::fprintf(stderr, "hnswlib_bench: %s\n", msg.c_str());
	std::exit(1);
}

// parseInt accepts only a whole decimal number in [lo, hi], so a typo in
// the Go driver's arguments fails loudly instead of running a different
// benchmark.
long long parseInt(const std::string &flag, const std::string &s, long long lo, long long hi) {
	if (s.empty()) fail(flag + ": empty value");
	errno = 0;
	char *end = nullptr;
	long long v = std::strtoll(s.c_str(), &end, 10);
	if (errno != 0 || *end != '\0') fail(flag + ": not an integer: " + s);
	if (v < lo || v > hi) fail(flag + ": out of range: " + s);
	return v;
}

unsigned long long parseUint(const std::string &flag, const std::string &s) {
	if (s.empty() || s[0] == '-') fail(flag + ": not an unsigned integer: " + s);
	errno = 0;
	char *end = nullptr;
	unsigned long long v = std::strtoull(s.c_str(), &end, 10);
	if (errno != 0 || *end != '\0') fail(flag + ": not an unsigned integer: " + s);
	return v;
}

// readFile loads a whole raw array; the caller checks the size against the
// shape, as the files carry no header.
template <typename T>
std::vector<T> readFile(const std::string &path) {
	std::ifstream f(path, std::ios::binary | std::ios::ate);
	if (!f) fail("open " + path + ": " + std::strerror(errno));
	std::streamoff size = f.tellg();
	if (size < 0) fail("size of " + path);
	if (size % (std::streamoff)sizeof(T) != 0) {
		fail(path + ": size " + std::to_string(size) + " is not a multiple of " + std::to_string(sizeof(T)));
	}
	std::vector<T> v((size_t)size / sizeof(T));
	f.seekg(0);
	if (!v.empty() && !f.read(reinterpret_cast<char *>(v.data()), size)) fail("read " + path);
	return v;
}

// rssBytes is VmRSS from /proc/self/status, or -1 where that is missing.
long long rssBytes() {
	std::ifstream f("/proc/self/status");
	std::string line;
	while (std::getline(f, line)) {
		if (line.compare(0, 6, "VmRSS:") == 0) {
			long long kb = std::strtoll(line.c_str() + 6, nullptr, 10);
			return kb * 1024;
		}
	}
	return -1;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char **argv) {
	std::string basePath, queriesPath, truthPath, efsArg;
	long long dim = 0, k = 0, m = 0, efc = 0, threads = 0;
	unsigned long long seed = 100;  // hnswlib's default
	bool haveDim = false, haveK = false, haveM = false, haveEfc = false, haveThreads = false;

	for (int i = 1; i < argc; i++) {
		std::string flag = argv[i];
		if (i + 1 >= argc) fail(flag + ": missing value");
		std::string val = argv[++i];
		if (flag == "--base") basePath = val;
		else if (flag == "--queries") queriesPath = val;
		else if (flag == "--truth") truthPath = val;
		else if (flag == "--efs") efsArg = val;
		else if (flag == "--dim") dim = parseInt(flag, val, 1, 1 << 20), haveDim = true;
		else if (flag == "--k") k = parseInt(flag, val, 1, 1 << 20), haveK = true;
		else if (flag == "--m") m = parseInt(flag, val, 2, 1 << 16), haveM = true;
		else if (flag == "--efc") efc = parseInt(flag, val, 1, 1 << 24), haveEfc = true;
		else if (flag == "--threads") threads = parseInt(flag, val, 1, 4096), haveThreads = true;
		else if (flag == "--seed") seed = parseUint(flag, val);
		else fail("unknown flag " + flag);
	}
	if (basePath.empty() || queriesPath.empty() || truthPath.empty() || efsArg.empty() || !haveDim || !haveK ||
	    !haveM || !haveEfc || !haveThreads) {
		fail("usage: hnswlib_bench --base F --queries F --truth F --dim D --k K --m M --efc EFC --threads T "
		     "--efs E1,E2,... [--seed S]");
	}

	std::vector<size_t> efs;
	for (size_t pos = 0;;) {
		size_t comma = efsArg.find(',', pos);
		std::string part = efsArg.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
		efs.push_back((size_t)parseInt("--efs", part, 1, 1 << 24));
		if (comma == std::string::npos) break;
		pos = comma + 1;
	}

	std::vector<float> base = readFile<float>(basePath);
	std::vector<float> queries = readFile<float>(queriesPath);
	std::vector<uint32_t> truth = readFile<uint32_t>(truthPath);
	const size_t D = (size_t)dim, K = (size_t)k;
	if (base.empty() || base.size() % D != 0) fail(basePath + ": not a non-empty n×" + std::to_string(D) + " array");
	if (queries.empty() || queries.size() % D != 0) {
		fail(queriesPath + ": not a non-empty q×" + std::to_string(D) + " array");
	}
	const size_t n = base.size() / D, nq = queries.size() / D;
	if (truth.size() != nq * K) {
		fail(truthPath + ": has " + std::to_string(truth.size()) + " ids, want " + std::to_string(nq) + "×" +
		     std::to_string(K));
	}

	hnswlib::L2Space space(D);
	hnswlib::HierarchicalNSW<float> *index = nullptr;
	try {
		index = new hnswlib::HierarchicalNSW<float>(&space, n, (size_t)m, (size_t)efc, (size_t)seed);
	} catch (const std::exception &e) {
		fail(std::string("new index: ") + e.what());
	}

	// Workers take rows from a shared counter, as hnswlib's python bindings
	// do, so the thread count is the only difference between the two runs.
	std::atomic<size_t> next(0);
	std::atomic<bool> failed(false);
	std::string failure;
	std::mutex failureMu;
	auto work = [&]() {
		for (;;) {
			size_t i = next.fetch_add(1);
			if (i >= n || failed.load()) return;
			try {
				index->addPoint(base.data() + i * D, (hnswlib::labeltype)i);
			} catch (const std::exception &e) {
				std::lock_guard<std::mutex> lock(failureMu);
				if (!failed.exchange(true)) failure = "add row " + std::to_string(i) + ": " + e.what();
				return;
			}
		}
	};
	auto start = std::chrono::steady_clock::now();
	if (threads == 1) {
		work();
	} else {
		std::vector<std::thread> ts;
		for (long long t = 0; t < threads; t++) ts.emplace_back(work);
		for (auto &t : ts) t.join();
	}
	double buildSeconds = secondsSince(start);
	if (failed.load()) fail(failure);
	std::printf("{\"build_seconds\":%.6f,\"threads\":%lld,\"n\":%zu,\"dim\":%zu,\"rss_bytes\":%lld}\n", buildSeconds,
	            threads, n, D, rssBytes());
	std::fflush(stdout);

	std::vector<std::vector<hnswlib::labeltype>> found(nq);
	for (size_t ef : efs) {
		index->setEf(ef);
		start = std::chrono::steady_clock::now();
		try {
			for (size_t q = 0; q < nq; q++) {
				auto res = index->searchKnn(queries.data() + q * D, K);
				std::vector<hnswlib::labeltype> &out = found[q];
				out.clear();
				for (; !res.empty(); res.pop()) out.push_back(res.top().second);
			}
		} catch (const std::exception &e) {
			fail("search ef=" + std::to_string(ef) + ": " + e.what());
		}
		double seconds = secondsSince(start);
		// Scoring is outside the timed loop: it is ours, not hnswlib's.
		size_t hits = 0;
		for (size_t q = 0; q < nq; q++) {
			std::unordered_set<uint32_t> want(truth.begin() + q * K, truth.begin() + (q + 1) * K);
			for (hnswlib::labeltype id : found[q]) {
				if (id <= UINT32_MAX && want.erase((uint32_t)id) == 1) hits++;
			}
		}
		double recall = (double)hits / (double)(nq * K);
		if (seconds <= 0) seconds = 1e-9;  // keep qps finite JSON
		std::printf("{\"ef\":%zu,\"recall\":%.6f,\"qps\":%.3f}\n", ef, recall, (double)nq / seconds);
		std::fflush(stdout);
	}
	delete index;
	return 0;
}
