#pragma once
// 8-connected components on the CPU, bit-identical to the CUDA kernel (cuda/sam2_cuda.h) for every size.
// Labels follow the official SAM 2 kernel: pixels are grouped in 2x2 blocks (the last row/column of an odd
// size forms partial blocks) and a component is labelled 1 + the raster index of the top-left pixel of its
// first block in raster order; that pixel may itself be background.
#include <cstdint>

namespace sam2 {

// mask: n masks of h*w bytes, non-zero = foreground. labels/areas: n*h*w int32 each, written in full
// (0 on background; areas = pixel count of the pixel's component). Throws ArgumentError("mask") for
// negative sizes or h*w > INT32_MAX (labels would overflow).
void connected_components_cpu(const uint8_t* mask, int64_t n, int64_t h, int64_t w, int32_t* labels,
                              int32_t* areas);

// Number of components in one h*w labelling produced by either implementation.
int64_t count_components(const int32_t* labels, int64_t h, int64_t w);

}  // namespace sam2
