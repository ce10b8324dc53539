#include "core/video/frame_features.h"

#include <algorithm>

#include "core/errors.h"

namespace sam2 {

torch::Tensor preprocess_video_frame(const RawImage& image, int64_t size, const torch::Tensor& mean,
                                     const torch::Tensor& std, torch::Device device) {
  // from_blob does not copy: the caller keeps `image.data` alive until this returns.
  auto pixels = torch::from_blob(const_cast<uint8_t*>(image.data), {image.height, image.width, image.channels},
                                 torch::kUInt8);
  auto x = pixels.narrow(2, 0, 3).to(device).permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat32);
  // PIL resamples horizontally, stores uint8, then vertically: two rounded passes match it to ~1e-5 of the
  // pixels (off by one level), one float pass would leave ~18% off by one.
  if (image.width != size) {
    x = at::_upsample_bicubic2d_aa(x, {image.height, size}, /*align_corners=*/false).round_().clamp_(0, 255);
  }
  if (image.height != size) {
    x = at::_upsample_bicubic2d_aa(x, {size, size}, /*align_corners=*/false).round_().clamp_(0, 255);
  }
  return x.div_(255.0).sub_(mean).div_(std).contiguous();
}

std::shared_ptr<const FrameFeatures> encode_frame(Model& model, const RawImage& image) {
  auto x = preprocess_video_frame(image, model.image_size(), model.mean(), model.std(), model.device());
  auto [embed, s0, s1] = model.encode(x);
  return std::make_shared<const FrameFeatures>(FrameFeatures{embed, s0, s1});
}

FeatureCache::FeatureCache(int64_t capacity) : capacity_(capacity) {
  if (capacity <= 0) throw ArgumentError("maxCachedFrames", "must be a positive integer");
}

bool FeatureCache::contains(int64_t frame) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::any_of(entries_.begin(), entries_.end(), [&](const auto& e) { return e.first == frame; });
}

std::shared_ptr<const FrameFeatures> FeatureCache::find(int64_t frame) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e.first == frame; });
  if (it == entries_.end()) return nullptr;
  entries_.splice(entries_.begin(), entries_, it);
  return entries_.front().second;
}

void FeatureCache::put(int64_t frame, std::shared_ptr<const FrameFeatures> features) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.remove_if([&](const auto& e) { return e.first == frame; });
  entries_.emplace_front(frame, std::move(features));
  while (static_cast<int64_t>(entries_.size()) > capacity_) entries_.pop_back();
}

}  // namespace sam2
