#include "core/cpu_allocator.h"

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <map>
#include <mutex>
#include <unordered_map>

namespace sam2 {

namespace {

// Smaller blocks stay with malloc, which recycles them from its arenas without system calls.
constexpr size_t kMinCached = size_t{1} << 20;
// Shapes repeat from call to call, so a request nearly always finds a block of its exact size; a block up to
// 1/8 larger may serve it, a larger one is left for the request it was made for.
constexpr size_t kMaxSlackDivisor = 8;
// Idle bytes kept at most; blocks freed beyond it go back to the system. Above the working set of a 1024 px
// encode so that steady-state calls allocate nothing, bounded so that an idle process stays small.
constexpr size_t kMaxCachedBytes = size_t{2} << 30;

class BlockCache {
 public:
  void* allocate(size_t n) {
    if (n < kMinCached) return c10::alloc_cpu(n);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.lower_bound(n);
      if (it != free_.end() && it->first <= n + n / kMaxSlackDivisor) {
        void* data = it->second;
        live_.emplace(data, it->first);
        cached_bytes_ -= it->first;
        free_.erase(it);
        return data;
      }
    }
    void* data = c10::alloc_cpu(n);
    std::lock_guard<std::mutex> lock(mutex_);
    live_.emplace(data, n);
    return data;
  }

  void release(void* data) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = live_.find(data);
      if (it != live_.end()) {
        const size_t size = it->second;
        live_.erase(it);
        if (cached_bytes_ + size <= kMaxCachedBytes) {
          free_.emplace(size, data);
          cached_bytes_ += size;
          return;
        }
      }
    }
    c10::free_cpu(data);
  }

 private:
  std::mutex mutex_;
  std::multimap<size_t, void*> free_;        // idle blocks by size
  std::unordered_map<void*, size_t> live_;  // handed-out large blocks and their sizes
  size_t cached_bytes_ = 0;
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
