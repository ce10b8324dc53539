#include "core/video/frame_result.h"

#include "core/errors.h"
#include "core/postprocess.h"
#include "core/video/tracking_step.h"

namespace sam2 {

namespace {

// The official fill_holes_in_mask_scores: background components of at most `max_area` pixels get logit 0.1.
torch::Tensor fill_small_holes(const torch::Tensor& logits, int64_t max_area) {
  auto cc = connected_components((logits <= 0).squeeze(1));
  auto hole = cc.labels.gt(0).logical_and(cc.areas.le(max_area)).unsqueeze(1);
  return torch::where(hole, torch::full_like(logits, 0.1), logits);
}

// Every pixel keeps its logit only for the highest-scoring object; the others are clamped to -10 there.
torch::Tensor keep_top_object(const torch::Tensor& logits) {
  auto top = logits.argmax(0, /*keepdim=*/true);
  auto index = torch::arange(logits.size(0), top.options()).view({-1, 1, 1, 1});
  return torch::where(top == index, logits, logits.clamp_max(-10.0));
}

}  // namespace

void check_output_options(const OutputOptions& options) {
  if (options.fill_hole_area < 0) throw ArgumentError("fillHoleArea", "must be >= 0");
}

FrameResult make_frame_result(int64_t frame, const std::vector<int32_t>& object_ids,
                              const std::vector<const FrameOutput*>& outputs, int64_t width, int64_t height,
                              int64_t low_res_size, const OutputOptions& options) {
  const auto n = static_cast<int64_t>(outputs.size());
  const int64_t L = low_res_size;
  torch::Device device = torch::kCPU;
  for (const auto* out : outputs) {
    if (out) device = out->low_res.device();
  }
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  auto low = torch::full({n, 1, L, L}, kNoObjScore, opts);
  auto scores = torch::full({n}, kNoObjScore, opts);
  for (int64_t i = 0; i < n; ++i) {
    if (!outputs[i]) continue;
    low[i].copy_(outputs[i]->low_res[0]);
    scores[i].copy_(outputs[i]->score.reshape({}));
  }
  if (options.fill_hole_area > 0 && n > 0) low = fill_small_holes(low, options.fill_hole_area);
  auto video = n > 0 ? upsample_logits(low, height, width) : torch::zeros({0, 1, height, width}, opts);
  if (options.non_overlap && n > 1) video = keep_top_object(video);

  FrameResult r;
  r.frame = frame;
  r.object_ids = object_ids;
  r.masks = (video.squeeze(1) > 0).to(torch::kUInt8).cpu().contiguous();
  r.low_res_logits = low.squeeze(1).cpu().contiguous();
  r.object_scores = scores.cpu().contiguous();
  r.low_res_size = L;
  return r;
}

}  // namespace sam2
