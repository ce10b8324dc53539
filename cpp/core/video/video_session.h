#pragma once
// A finite video: SAM2VideoPredictor's inference state with frames supplied on demand. Features of at most
// `max_cached_frames` frames are held; any other frame's pixels come with the call that needs them.
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "core/model.h"
#include "core/preprocess.h"
#include "core/video/frame_features.h"
#include "core/video/video_state.h"

namespace sam2 {

struct VideoSessionOptions {
  VideoGeometry geometry;
  OutputOptions output;
  int64_t max_cached_frames = 8;
};

class VideoSession {
 public:
  VideoSession(std::shared_ptr<Model> model, const TrackingConfig& config, const VideoSessionOptions& options);

  VideoState& state() { return state_; }
  bool has_features(int64_t frame) const { return cache_.contains(frame); }

  // `image`: the frame's pixels, required when has_features(frame) is false, else ignored (may be null).
  FrameResult add_points(int64_t frame, const RawImage* image, int32_t object_id, const std::vector<float>& coords,
                         const std::vector<int32_t>& labels, bool clear_old);
  FrameResult add_mask(int64_t frame, const RawImage* image, int32_t object_id, const uint8_t* mask,
                       int64_t mask_bytes);
  // Returns the default start frame: the earliest conditioning frame.
  int64_t start_propagation() { return state_.consolidate(); }
  FrameResult propagate(int64_t frame, bool reverse, const RawImage* image);
  // A streamed video's frames before `oldest` can no longer be named: drop what only they could use, so that an
  // endless stream tracked forward takes bounded memory. Every conditioning frame is kept (the caller's prompts).
  void forget_before(int64_t oldest) { state_.forget_before(oldest, std::numeric_limits<int64_t>::max()); }

 private:
  std::shared_ptr<const FrameFeatures> features(int64_t frame, const RawImage* image);

  std::shared_ptr<Model> model_;
  VideoState state_;
  FeatureCache cache_;
};

}  // namespace sam2
