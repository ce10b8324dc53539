#include "core/video/video_session.h"

#include "core/errors.h"

namespace sam2 {

VideoSession::VideoSession(std::shared_ptr<Model> model, const TrackingConfig& config,
                           const VideoSessionOptions& options)
    : model_(model), state_(model, config, options.geometry, options.output), cache_(options.max_cached_frames) {
  if (options.geometry.num_frames <= 0) throw ArgumentError("frames", "the video has no frames");
  check_output_options(options.output);
}

std::shared_ptr<const FrameFeatures> VideoSession::features(int64_t frame, const RawImage* image) {
  if (auto cached = cache_.find(frame)) return cached;
  if (!image) throw std::logic_error("internal: frame " + std::to_string(frame) + " is not cached and has no pixels");
  const auto& g = state_.geometry();
  if (image->width != g.width || image->height != g.height) {
    throw ArgumentError("frames", "frame " + std::to_string(frame) + " is " + std::to_string(image->width) + "x" +
                                      std::to_string(image->height) + ", the video is " + std::to_string(g.width) +
                                      "x" + std::to_string(g.height));
  }
  auto f = encode_frame(*model_, *image);
  cache_.put(frame, f);
  return f;
}

FrameResult VideoSession::add_points(int64_t frame, const RawImage* image, int32_t object_id,
                                     const std::vector<float>& coords, const std::vector<int32_t>& labels,
                                     bool clear_old) {
  state_.check_frame(frame);
  return state_.add_points(frame, *features(frame, image), object_id, coords, labels, clear_old);
}

FrameResult VideoSession::add_mask(int64_t frame, const RawImage* image, int32_t object_id, const uint8_t* mask,
                                   int64_t mask_bytes) {
  state_.check_frame(frame);
  return state_.add_mask(frame, *features(frame, image), object_id, mask, mask_bytes);
}

FrameResult VideoSession::propagate(int64_t frame, bool reverse, const RawImage* image) {
  return state_.propagate(frame, reverse, [&] { return features(frame, image); });
}

}  // namespace sam2
