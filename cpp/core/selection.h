#pragma once
// Which of the decoder's four hypotheses a caller gets, as the official SAM2 mask decoder decides.
#include <torch/torch.h>

namespace sam2 {

constexpr double kStabilityDelta = 0.05;
constexpr double kStabilityThresh = 0.98;

struct Selection {
  torch::Tensor masks;  // [B,K,L,L] float32
  torch::Tensor iou;    // [B,K]
  torch::Tensor token_index;  // [B] int64: the hypothesis whose token gives the object pointer
};

// multimask: hypotheses 1..3 (K=3), and the best of them by IoU gives the pointer token.
// Otherwise K=1: hypothesis 0 unless its stability score is below the threshold, in which case the
// best-IoU multimask hypothesis replaces it; the pointer always comes from token 0 then.
Selection select_hypotheses(const torch::Tensor& masks, const torch::Tensor& iou, bool multimask);

// Best-IoU hypothesis among 1..3 (tracking frames): [B,1,L,L], [B,1], token index [B].
Selection select_best_multimask(const torch::Tensor& masks, const torch::Tensor& iou);

}  // namespace sam2
