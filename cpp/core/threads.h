#pragma once
// The CPU threads of model work.

namespace sam2 {

// Sizes the pools that run the calling thread's model work: ATen's OpenMP team (a per-thread setting) and, where
// libtorch's BLAS is OpenBLAS, OpenBLAS's own pool (process-wide; one thread per core unless told otherwise).
void use_intra_op_threads(int threads);

}  // namespace sam2
