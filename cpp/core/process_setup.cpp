#include "core/process_setup.h"

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/cuda.h>

#include "core/cpu_allocator.h"

namespace sam2 {

void configure_libtorch() {
  install_caching_cpu_allocator();
  // The profiling executor records shapes over a module's first calls to specialise it for a fuser; libtorch has
  // no CPU fuser enabled, so on a CPU-only machine those calls are only slower (a first click 2x its steady time).
  if (!torch::cuda::is_available()) torch::jit::getProfilingMode() = false;
}

}  // namespace sam2
