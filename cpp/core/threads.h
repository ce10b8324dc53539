#pragma once
// The CPU threads of model work.
#include <cstdint>
#include <functional>

namespace sam2 {

// Sizes the pools that run the calling thread's model work: ATen's OpenMP team (a per-thread setting) and, where
// libtorch's BLAS is OpenBLAS, OpenBLAS's own pool (process-wide; one thread per core unless told otherwise).
void use_intra_op_threads(int threads);

// Runs task(0) .. task(count - 1), spread over the calling thread's intra-op threads, each task on one thread
// with every op inside it single-threaded (see the .cpp for why); the calling thread's autograd and inference
// mode apply inside. With one task, or one thread, the tasks run in turn on the caller, ops as threaded as usual.
// The first exception a task throws is rethrown here once all have stopped.
void run_tasks_per_thread(int64_t count, const std::function<void(int64_t)>& task);

// How many decoder calls `prompts` prompts take, for run_tasks_per_thread. On a CPU: sub-batches of at most a
// few prompts, and at least as many as there are intra-op threads so that each thread decodes sub-batches of its
// own. On a GPU (on_cpu false), where a call is mostly launch overhead: one call. Task t of `count` takes
// prompts [t * prompts / count, (t + 1) * prompts / count).
int64_t decoder_sub_batches(int64_t prompts, bool on_cpu);

}  // namespace sam2
