#include "core/cpu_allocator.h"

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace sam2 {

namespace {

// Smaller blocks stay with malloc, which recycles them from its arenas without system calls; this is glibc's
// initial mmap threshold, so every block it would map and unmap on each call is ours instead. Ours are mapped
// directly, not through malloc, for two reasons: a block malloc maps and frees raises its mmap threshold, after
// which blocks up to 32 MiB come from its arenas, which keep what is freed there (hundreds of MiB over a video's
// first frames, whose temporaries change size every frame); and a block given back here then really leaves.
constexpr size_t kMinCached = size_t{128} << 10;
// Shapes repeat from call to call, so a request nearly always finds a block of its exact size; a block up to
// 1/8 larger may serve it, a larger one is left for the request it was made for.
constexpr size_t kMaxSlackDivisor = 8;
// Idle bytes kept at most, beyond which the longest idle blocks go back to the system: SAM2_CPU_CACHE_MB (checked
// in lib/native.ts), by default 2 GiB, above what the steady state of 1024 px tracking keeps idle (~750 MiB), so
// that steady-state calls map nothing. A smaller budget trades page faults for memory.
size_t max_cached_bytes() {
  static const size_t bytes = [] {
    const char* mib = std::getenv("SAM2_CPU_CACHE_MB");
    return size_t{mib && *mib ? std::strtoull(mib, nullptr, 10) : 2048} << 20;
  }();
  return bytes;
}
// An idle block not reused within this many large allocations is returned to the system. A call makes tens
// (a 512 px encode: ~70) to a few thousand (a 1024 px tracking step) of them, the same sizes every call, so a block
// the steady state needs is reused long before it ages out.
constexpr uint64_t kMaxIdleAllocations = 8192;

size_t page_rounded(size_t n) {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return (n + page - 1) / page * page;
}

// Page-aligned, which covers libtorch's 64-byte alignment.
void* map(size_t size) {
  void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED) {
    throw c10::Error({__func__, __FILE__, __LINE__}, "out of memory: cannot map " + std::to_string(size) + " bytes");
  }
  return data;
}

void* remap(void* data, size_t old_size, size_t size) {
  void* moved = mremap(data, old_size, size, MREMAP_MAYMOVE);
  if (moved != MAP_FAILED) return moved;
  munmap(data, old_size);
  return map(size);
}

void unmap(void* data, size_t size) { munmap(data, size); }

class BlockCache {
 public:
  void* allocate(size_t n) {
    if (n < kMinCached) return c10::alloc_cpu(n);
    std::vector<std::pair<void*, size_t>> stale;
    void* data = nullptr;
    std::pair<void*, size_t> grow{nullptr, 0};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++clock_;
      auto it = by_size_.lower_bound(n);
      if (it != by_size_.end() && it->first <= n + n / kMaxSlackDivisor) {
        data = it->second->data;
        live_.emplace(data, it->first);
        take(it);
      } else if (it != by_size_.begin()) {
        // No block fits: grow the largest smaller one, whose pages are already in memory, rather than map more
        // (with sizes that change from call to call, mapping more would leave the old sizes idle).
        --it;
        grow = {it->second->data, it->first};
        take(it);
      }
      // Blocks of shapes that stopped coming (a video's memory bank filling up, a different image size) would
      // otherwise stay cached for good.
      while (!idle_.empty() && clock_ - idle_.front().released_at > kMaxIdleAllocations) {
        stale.emplace_back(idle_.front().data, idle_.front().size);
        forget_oldest();
      }
    }
    for (auto [block, size] : stale) unmap(block, size);
    if (data) return data;
    const size_t size = page_rounded(n);
    data = grow.first ? remap(grow.first, grow.second, size) : map(size);
    std::lock_guard<std::mutex> lock(mutex_);
    live_.emplace(data, size);
    return data;
  }

  void release(void* data) {
    std::vector<std::pair<void*, size_t>> evicted;
    void* small = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = live_.find(data);
      if (it == live_.end()) {
        small = data;
      } else {
        const size_t size = it->second;
        live_.erase(it);
        idle_.push_back({data, size, clock_});
        by_size_.emplace(size, std::prev(idle_.end()));
        cached_bytes_ += size;
        // The most recently used blocks are the likeliest to be asked for again: the oldest go first.
        while (cached_bytes_ > max_cached_bytes()) {
          evicted.emplace_back(idle_.front().data, idle_.front().size);
          forget_oldest();
        }
      }
    }
    if (small) c10::free_cpu(small);
    for (auto [block, size] : evicted) unmap(block, size);
  }

 private:
  struct Idle {
    void* data;
    size_t size;
    uint64_t released_at;  // clock_ when it became idle
  };

  // Removes an idle block from the cache (to be handed out or given back).
  void take(std::multimap<size_t, std::list<Idle>::iterator>::iterator it) {
    cached_bytes_ -= it->first;
    idle_.erase(it->second);
    by_size_.erase(it);
  }

  void forget_oldest() {
    auto [first, last] = by_size_.equal_range(idle_.front().size);
    take(std::find_if(first, last, [&](const auto& entry) { return entry.second == idle_.begin(); }));
  }

  std::mutex mutex_;
  std::list<Idle> idle_;                                     // idle blocks, longest idle first
  std::multimap<size_t, std::list<Idle>::iterator> by_size_;  // the same blocks by size
  std::unordered_map<void*, size_t> live_;                  // handed-out large blocks and their sizes
  size_t cached_bytes_ = 0;
  uint64_t clock_ = 0;  // large allocations so far: blocks age in calls' worth of work, not in seconds
};

// Never destroyed: tensors may still be freed during static destruction.
BlockCache& cache() {
  static auto* instance = new BlockCache();
  return *instance;
}

void release(void* data) { cache().release(data); }

// The context of every DataPtr is its data pointer: oneDNN allocates through raw_allocate(), which needs that.
class CachingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t n) const override {
    void* data = cache().allocate(n);
    return {data, data, &release, c10::Device(c10::kCPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }
};

}  // namespace

void install_caching_cpu_allocator() {
  static std::once_flag once;
  // Priority 1 wins over libtorch's default allocator (0). Never destroyed, like the cache.
  std::call_once(once, [] { c10::SetCPUAllocator(new CachingCpuAllocator(), 1); });
}

}  // namespace sam2
