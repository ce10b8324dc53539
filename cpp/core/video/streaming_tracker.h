#pragma once
// An unbounded stream of frames, tracked as they arrive with bounded memory: the video state of a session,
// with everything no later frame can attend to dropped after each frame.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/model.h"
#include "core/preprocess.h"
#include "core/video/frame_features.h"
#include "core/video/video_state.h"

namespace sam2 {

struct StreamingOptions {
  OutputOptions output;
  int64_t max_cond_frames = 16;   // conditioning frames kept per object; the oldest go first
  int64_t max_cached_frames = 1;  // the latest frames whose features stay: the frames prompts may name
};

class StreamingTracker {
 public:
  StreamingTracker(std::shared_ptr<Model> model, const TrackingConfig& config, const StreamingOptions& options);

  int64_t frame_count() const { return frame_count_; }

  // Frame `frame_count()`: every object tracked forward on it. The first frame fixes the stream's size.
  FrameResult track(const RawImage& image);
  // Prompts on a frame whose features are still cached (the last `max_cached_frames` frames).
  FrameResult add_points(int64_t frame, int32_t object_id, const std::vector<float>& coords,
                         const std::vector<int32_t>& labels, bool clear_old);
  FrameResult add_mask(int64_t frame, int32_t object_id, const uint8_t* mask, int64_t mask_bytes);
  void remove_object(int32_t object_id);
  void reset();

 private:
  VideoState& started();
  std::shared_ptr<const FrameFeatures> cached(int64_t frame);

  std::shared_ptr<Model> model_;
  TrackingConfig config_;
  StreamingOptions options_;
  FeatureCache cache_;
  std::optional<VideoState> state_;  // made with the first frame, whose size it takes
  int64_t frame_count_ = 0;
};

}  // namespace sam2
