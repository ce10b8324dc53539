#pragma once
// Per-mask measurements of the official generator on full-resolution logits, in one pass, torch-free.
#include <cstdint>

#include "core/amg/geometry.h"

namespace sam2::amg {

// Pixel counts above the two stability cutoffs (mask_threshold +- offset, compared in float32 as torch does).
struct StabilityCounts {
  int64_t above_high = 0, above_low = 0;
};

StabilityCounts stability_counts(const float* logits, int64_t n_pixels, float high, float low);

// IoU of the two cutoffs' masks: intersection / union in float32; NaN for an empty union, as torch's 0/0, which
// no threshold keeps.
float stability_score(const StabilityCounts& counts);

// Writes logits > threshold as 0/1 into `binary` (row-major h x w) and returns the inclusive xyxy box of the
// ones, [0,0,0,0] for an empty mask (the official batched_mask_to_box).
Box binarize(const float* logits, int64_t w, int64_t h, float threshold, uint8_t* binary);

}  // namespace sam2::amg
