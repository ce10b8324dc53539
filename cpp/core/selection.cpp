#include "core/selection.h"

namespace sam2 {

namespace {

torch::Tensor stability_scores(const torch::Tensor& logits) {
  auto flat = logits.flatten(-2);
  auto intersection = (flat > kStabilityDelta).sum(-1).to(torch::kFloat32);
  auto uni = (flat > -kStabilityDelta).sum(-1).to(torch::kFloat32);
  return torch::where(uni > 0, intersection / uni, torch::ones_like(intersection));
}

}  // namespace

Selection select_best_multimask(const torch::Tensor& masks, const torch::Tensor& iou) {
  auto multi_iou = iou.narrow(1, 1, 3);
  auto best = multi_iou.argmax(1);  // [B]
  auto batch = torch::arange(masks.size(0), best.options());
  auto m = masks.narrow(1, 1, 3).index({batch, best}).unsqueeze(1);
  auto s = multi_iou.index({batch, best}).unsqueeze(1);
  return {m, s, best + 1};
}

Selection select_hypotheses(const torch::Tensor& masks, const torch::Tensor& iou, bool multimask) {
  const auto batch = masks.size(0);
  if (multimask) {
    auto best = iou.narrow(1, 1, 3).argmax(1) + 1;
    return {masks.narrow(1, 1, 3), iou.narrow(1, 1, 3), best};
  }
  auto best = select_best_multimask(masks, iou);
  auto single = masks.narrow(1, 0, 1);
  auto stable = stability_scores(single) >= kStabilityThresh;  // [B,1]
  auto m = torch::where(stable.unsqueeze(-1).unsqueeze(-1), single, best.masks);
  auto s = torch::where(stable, iou.narrow(1, 0, 1), best.iou);
  return {m, s, torch::zeros({batch}, torch::TensorOptions().dtype(torch::kLong).device(masks.device()))};
}

}  // namespace sam2
