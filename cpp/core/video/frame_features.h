#pragma once
// Backbone features of video frames and a bounded cache of them: a session never holds more than
// `capacity` frames' features, however long the video.
#include <torch/torch.h>

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <utility>

#include "core/model.h"
#include "core/preprocess.h"

namespace sam2 {

struct FrameFeatures {
  torch::Tensor embed;  // [1,256,h,w] raw backbone feature (no no_mem_embed): the memory encoder's input too
  torch::Tensor feat_s0, feat_s1;
};

// As the official video loader: PIL's resize((S,S)) (bicubic, antialiased) on the uint8 pixels, then /255 and
// ImageNet normalisation. Each resize pass runs in float32 and is rounded back to uint8 levels as PIL stores
// them; an SxS frame is not resized at all.
torch::Tensor preprocess_video_frame(const RawImage& image, int64_t size, const torch::Tensor& mean,
                                     const torch::Tensor& std, torch::Device device);

std::shared_ptr<const FrameFeatures> encode_frame(Model& model, const RawImage& image);

// Least-recently-used features by frame index. Safe to query from any thread.
class FeatureCache {
 public:
  explicit FeatureCache(int64_t capacity);  // ArgumentError("maxCachedFrames") unless positive

  bool contains(int64_t frame) const;
  std::shared_ptr<const FrameFeatures> find(int64_t frame);  // null when absent; marks it recently used
  void put(int64_t frame, std::shared_ptr<const FrameFeatures> features);

 private:
  mutable std::mutex mutex_;
  int64_t capacity_;
  std::list<std::pair<int64_t, std::shared_ptr<const FrameFeatures>>> entries_;  // most recent first
};

}  // namespace sam2
