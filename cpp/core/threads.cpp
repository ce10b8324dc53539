#include "core/threads.h"

#include <dlfcn.h>

#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>

#include <algorithm>
#include <atomic>

namespace sam2 {

namespace {

using SetThreads = void (*)(int);
using GetThreads = int (*)();

struct OpenBlas {
  SetThreads set = nullptr;
  GetThreads get = nullptr;
};

// Looked up rather than linked: libtorch may use another BLAS (MKL follows at::set_num_threads itself).
const OpenBlas& openblas() {
  static const OpenBlas fns{reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")),
                            reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"))};
  return fns;
}

// Keeps OpenBLAS on the calling thread while it lives: its pool is process-wide, and tasks that each call it
// from their own OpenMP thread would otherwise all queue for that one pool.
class SingleThreadedBlas {
 public:
  SingleThreadedBlas() : before_(openblas().get ? openblas().get() : 1) {
    if (before_ != 1 && openblas().set) openblas().set(1);
  }
  ~SingleThreadedBlas() {
    if (before_ != 1 && openblas().set) openblas().set(before_);
  }
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

 private:
  int before_;
};

}  // namespace

void use_intra_op_threads(int threads) {
  if (threads <= 0) return;
  if (at::get_num_threads() != threads) at::set_num_threads(threads);
  const auto& blas = openblas();
  if (blas.set && blas.get && blas.get() != threads) blas.set(threads);
}

// Independent tasks on threads of their own rather than each op of each task split across all threads: the ops
// of a few prompts split poorly, and on a loaded machine each split op waits for its slowest thread to be
// scheduled again. One decoder batch of 64 boxes with its ops split took more wall time than 64 single predicts;
// as sub-batches taken by each thread in turn it takes 0.53-0.89x the loop's CPU time (BENCHMARKS.md, "Batched
// prompts").
void run_tasks_per_thread(int64_t count, const std::function<void(int64_t)>& task) {
  if (count <= 1 || at::get_num_threads() <= 1) {
    for (int64_t i = 0; i < count; ++i) task(i);
    return;
  }
  SingleThreadedBlas blas;
  const at::ThreadLocalState caller;  // InferenceMode and grad mode are per thread
  // Each thread takes the next task when it is done with one, rather than a fixed share of them: on a loaded
  // machine one thread may get far less of the cores than the other, and a fixed half would wait for it.
  std::atomic<int64_t> next{0};
  const auto threads = std::min<int64_t>(count, at::get_num_threads());
  // Ops called inside a parallel region run on their own thread only.
  at::parallel_for(0, threads, 1, [&](int64_t, int64_t) {
    at::ThreadLocalStateGuard guard(caller);
    for (int64_t i = next++; i < count; i = next++) task(i);
  });
}

// Most prompts in one decoder call on a CPU. A call's activations grow with its prompts (its upscaled mask
// features alone are 32 x (S/4)^2 floats per prompt: 8 MiB at S=1024), and a few prompts already share most of
// a call's fixed cost: on tiny-1024, sub-batches of 8 took 6% less CPU time per prompt than sub-batches of 4
// in one bench run, and the same in a probe (BENCHMARKS.md, "Batched prompts").
constexpr int64_t kMaxSubBatch = 8;

int64_t decoder_sub_batches(int64_t prompts, bool on_cpu) {
  if (!on_cpu) return 1;
  return std::max((prompts + kMaxSubBatch - 1) / kMaxSubBatch, std::min<int64_t>(prompts, at::get_num_threads()));
}

}  // namespace sam2
