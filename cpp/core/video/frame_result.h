#pragma once
// Stitches the objects' outputs on one frame into what the API returns, as the official consolidation and
// _get_orig_video_res_output do, plus the hole filling its CUDA build applies to output masks.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "core/video/memory_bank.h"

namespace sam2 {

struct OutputOptions {
  int64_t fill_hole_area = 8;  // background components of at most this many low-res pixels become foreground
  bool non_overlap = false;    // each pixel goes to the object with the highest logit only
};

void check_output_options(const OutputOptions& options);  // ArgumentError for a negative fillHoleArea

struct FrameResult {
  int64_t frame = 0;
  std::vector<int32_t> object_ids;
  torch::Tensor masks;           // uint8 [n,H,W], CPU
  torch::Tensor low_res_logits;  // float32 [n,L,L], CPU, after hole filling
  torch::Tensor object_scores;   // float32 [n], CPU; NO_OBJ_SCORE for objects without an output on the frame
  int64_t low_res_size = 0;
};

// `outputs[i]` belongs to `object_ids[i]`; null: no output on this frame (all-zero mask, NO_OBJ_SCORE).
FrameResult make_frame_result(int64_t frame, const std::vector<int32_t>& object_ids,
                              const std::vector<const FrameOutput*>& outputs, int64_t width, int64_t height,
                              int64_t low_res_size, const OutputOptions& options);

}  // namespace sam2
