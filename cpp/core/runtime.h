#pragma once
// Per-job runtime state. OpenMP's thread count is a per-OS-thread setting, so every worker thread that
// runs model work applies it itself; inference mode skips autograd bookkeeping for all tensors made.
#include <torch/torch.h>

#include "core/threads.h"

namespace sam2 {

class JobScope {
 public:
  explicit JobScope(int threads) { use_intra_op_threads(threads); }

 private:
  c10::InferenceMode inference_;
};

}  // namespace sam2
