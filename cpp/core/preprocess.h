#pragma once
// Raw HWC uint8 pixels -> the normalised [1,3,S,S] float tensor the image encoder takes.
#include <torch/torch.h>

#include <cstdint>

namespace sam2 {

struct RawImage {
  const uint8_t* data;
  int64_t width, height, channels;  // channels 3 (RGB) or 4 (RGBA, alpha ignored)
};

// As the official image predictor: /255, squash resize to SxS (bilinear, antialiased), ImageNet
// mean/std. Runs on `device` in float32 so the resize matches torchvision's to float precision.
torch::Tensor preprocess_image(const RawImage& image, int64_t size, const torch::Tensor& mean, const torch::Tensor& std,
                               torch::Device device);

void check_raw_image(const RawImage& image, int64_t byte_length);

}  // namespace sam2
