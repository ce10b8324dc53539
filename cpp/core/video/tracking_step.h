#pragma once
// One object on one frame, as SAM2Base.track_step computes it over the exported modules: memory
// conditioning, the SAM heads with hypothesis selection and object-score gating, the memory encoder.
#include <torch/torch.h>

#include <memory>

#include "core/model.h"
#include "core/video/frame_features.h"
#include "core/video/memory_bank.h"
#include "core/video/tracking_config.h"

namespace sam2 {

constexpr double kNoObjScore = -1024.0;

struct PointPrompt {
  torch::Tensor coords;  // [1,N,2] float32 in model pixels, box corners first
  torch::Tensor labels;  // [1,N] int64
};

class TrackingStep {
 public:
  TrackingStep(std::shared_ptr<Model> model, TrackingConfig config);

  Model& model() const { return *model_; }
  const TrackingConfig& config() const { return config_; }

  // Clicks. Without `memory` the frame is an initial conditioning frame (no_mem_embed, no attention);
  // `prev_logits` (undefined: none) are earlier low-res logits of this object on the frame, fed as mask prompt.
  FrameOutput add_points(const FrameFeatures& f, const PointPrompt& points, const torch::Tensor& prev_logits,
                         const MemorySelection* memory) const;
  // A 0/1 mask [1,1,S,S] used as the output itself; the SAM heads only make its object pointer.
  FrameOutput add_mask(const FrameFeatures& f, const torch::Tensor& mask) const;
  // A frame without prompts, memory encoded.
  FrameOutput track(const FrameFeatures& f, const MemorySelection& memory);

  // Fills out.maskmem from out.low_res and the frame's raw feature; frames the user prompted are binarised.
  void encode_memory(FrameOutput& out, const torch::Tensor& embed, bool from_prompt);

 private:
  torch::Tensor attend(const FrameFeatures& f, const MemorySelection& memory) const;
  FrameOutput heads(const torch::Tensor& pix, const FrameFeatures& f, const PointPrompt& points,
                    const torch::Tensor& mask_input, bool multimask) const;
  torch::Tensor gate_pointer(const torch::Tensor& ptr, const torch::Tensor& presence) const;
  bool multimask_for(bool initial, int64_t num_points) const;

  std::shared_ptr<Model> model_;
  TrackingConfig config_;
  torch::Tensor no_mem_embed_, maskmem_tpos_enc_, no_obj_ptr_, no_obj_embed_spatial_, vision_pos_;
  torch::Tensor maskmem_pos_;  // [h*w,1,mem_dim]: the memory encoder's position encoding, the same for every frame
};

}  // namespace sam2
