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

// Longest image side accepted (lib/image.ts MAX_IMAGE_SIDE): the model sees every image resized to S x S, and the
// float32 copy preprocessing makes of a 16384 x 16384 image already takes 3 GiB.
constexpr int64_t kMaxImageSide = 16384;

// Width, height (1..kMaxImageSide) and channels; `data` is not looked at.
void check_image_size(const RawImage& image);
// check_image_size, and `byte_length` bytes at `data` are the whole image.
void check_raw_image(const RawImage& image, int64_t byte_length);

}  // namespace sam2
