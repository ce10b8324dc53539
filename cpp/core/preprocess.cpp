#include "core/preprocess.h"

#include "core/errors.h"

#include <string>

namespace sam2 {

void check_image_size(const RawImage& image) {
  const auto side_limit = std::to_string(kMaxImageSide);
  if (image.width <= 0 || image.width > kMaxImageSide) {
    throw ArgumentError("width", "must be an integer from 1 to " + side_limit);
  }
  if (image.height <= 0 || image.height > kMaxImageSide) {
    throw ArgumentError("height", "must be an integer from 1 to " + side_limit);
  }
  if (image.channels != 3 && image.channels != 4) throw ArgumentError("channels", "must be 3 (RGB) or 4 (RGBA)");
}

void check_raw_image(const RawImage& image, int64_t byte_length) {
  check_image_size(image);
  if (image.data == nullptr || byte_length != image.width * image.height * image.channels) {
    throw ArgumentError("data", "expected " + std::to_string(image.width * image.height * image.channels) +
                                    " bytes (width*height*channels), got " + std::to_string(byte_length));
  }
}

torch::Tensor preprocess_image(const RawImage& image, int64_t size, const torch::Tensor& mean, const torch::Tensor& std,
                               torch::Device device) {
  // from_blob does not copy: the caller keeps `image.data` alive until this returns.
  auto pixels = torch::from_blob(const_cast<uint8_t*>(image.data), {image.height, image.width, image.channels},
                                 torch::kUInt8);
  auto x = pixels.narrow(2, 0, 3).to(device).permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat32).div_(255.0);
  if (image.height != size || image.width != size) {
    x = at::_upsample_bilinear2d_aa(x, {size, size}, /*align_corners=*/false);
  }
  return x.sub_(mean).div_(std).contiguous();
}

}  // namespace sam2
