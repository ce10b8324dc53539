#pragma once
// What the video state keeps per object and frame, and which of it a frame attends to.
#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "core/video/tracking_config.h"

namespace sam2 {

struct FrameOutput {
  torch::Tensor low_res;  // [1,1,L,L] float32 mask logits (NO_OBJ_SCORE where the object is absent)
  torch::Tensor obj_ptr;  // [1,C] float32
  torch::Tensor score;    // [1,1] float32 object-score logit
  torch::Tensor maskmem;  // [1,mem_dim,h,w] bfloat16, as the official state stores it; undefined until encoded
  // Prompted outputs keep their frame's raw feature until their memory is encoded, so that no frame has to
  // be decoded again for it.
  torch::Tensor embed;
};

struct MemoryBank {
  std::map<int64_t, FrameOutput> cond, non_cond;  // conditioning (prompted) and tracked frames
};

struct MemorySelection {
  std::vector<std::pair<int64_t, const FrameOutput*>> spatial;   // (temporal slot t_pos, output)
  std::vector<std::pair<int64_t, const FrameOutput*>> pointers;  // (temporal distance, output)
  int64_t pointer_window = 0;  // the official max_obj_ptrs_in_encoder for this video: normalises distances
};

// SAM2Base._prepare_memory_conditioned_features' choice for a frame that is not an initial conditioning frame:
// every conditioning frame in slot 0, the num_maskmem-1 frames before it (after it in reverse) in slots 1..,
// pointers of conditioning frames not in the future and of up to window-1 frames before it.
MemorySelection select_memory(const MemoryBank& bank, int64_t frame, bool reverse, int64_t num_frames,
                              const TrackingConfig& config);

}  // namespace sam2
