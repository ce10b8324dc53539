#pragma once
// Mask post-processing shared by the image and video paths.
#include <torch/torch.h>

namespace sam2 {

struct Components {
  torch::Tensor labels;  // int32 [N,H,W], 0 on background
  torch::Tensor areas;   // int32 [N,H,W], the pixel's component area, 0 on background
};

// 8-connected components of the non-zero pixels of a uint8 [N,H,W] tensor: the CUDA kernel for CUDA
// tensors (when built), else the CPU path; both give identical labels and areas.
Components connected_components(const torch::Tensor& mask);

// The official fill: background components (logits <= 0) of at most `hole_area` pixels are raised to
// +10, then foreground components of the ORIGINAL logits of at most `sprinkle_area` lowered to -10.
// logits: float [N,1,H,W] or [N,H,W]; returns a new tensor, the input is untouched.
torch::Tensor fill_holes_and_sprinkles(const torch::Tensor& logits, int64_t hole_area, int64_t sprinkle_area);

// Bilinear (align_corners=false) resize of [N,C,h,w] logits to [N,C,height,width].
torch::Tensor upsample_logits(const torch::Tensor& logits, int64_t height, int64_t width);

}  // namespace sam2
