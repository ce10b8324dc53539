#include "core/threads.h"

#include <dlfcn.h>

#include <ATen/Parallel.h>

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

}  // namespace

void use_intra_op_threads(int threads) {
  if (threads <= 0) return;
  if (at::get_num_threads() != threads) at::set_num_threads(threads);
  const auto& blas = openblas();
  if (blas.set && blas.get && blas.get() != threads) blas.set(threads);
}

}  // namespace sam2
