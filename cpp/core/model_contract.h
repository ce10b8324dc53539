#pragma once
// What a model directory's modules must look like (docs/ARCHITECTURE.md's table), checked at load so that a
// forged or inconsistent export (modules swapped between files, a manifest whose imageSize or normalisation does
// not fit the modules) fails there with a ModelLoadError instead of a TorchScript error at the first call.
#include <torch/script.h>

#include <array>
#include <cstdint>

namespace sam2 {

// `module`, loaded from `file`, has the forward (or, for tracking.pt, the methods) that file must have.
void check_module_interface(const torch::jit::Module& module, const char* file);

// tracking.pt's `vision_pos_enc` [1,256,h,w] was computed for the image size the modules were exported at.
void check_image_size(const torch::jit::Module& tracking, int64_t image_size);

// Finite normalisation with a strictly positive std, within the ranges readManifest (lib/manifest.ts) allows.
void check_normalisation(const std::array<double, 3>& mean, const std::array<double, 3>& std);

}  // namespace sam2
