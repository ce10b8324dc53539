#include "core/video/streaming_tracker.h"

#include <algorithm>
#include <limits>

#include "core/errors.h"

namespace sam2 {

namespace {
// A stream has no length; pointers then use the official window (max_obj_ptrs_in_encoder) and no look-up
// stops at the end of the video.
constexpr int64_t kStreamFrames = std::numeric_limits<int32_t>::max();
}  // namespace

StreamingTracker::StreamingTracker(std::shared_ptr<Model> model, const TrackingConfig& config,
                                   const StreamingOptions& options)
    : model_(std::move(model)), config_(config), options_(options), cache_(options.max_cached_frames) {
  if (options.max_cond_frames <= 0) throw ArgumentError("maxMemoryFrames", "must be a positive integer");
  check_output_options(options.output);
}

VideoState& StreamingTracker::started() {
  if (!state_) throw ArgumentError("frame", "no frame tracked yet: call track() first");
  return *state_;
}

std::shared_ptr<const FrameFeatures> StreamingTracker::cached(int64_t frame) {
  started().check_frame(frame);
  if (frame >= frame_count_) {
    throw ArgumentError("frame", "frame " + std::to_string(frame) + " has not been tracked yet (" +
                                     std::to_string(frame_count_) + " frames so far)");
  }
  auto f = cache_.find(frame);
  if (!f) {
    throw ArgumentError("frame", "frame " + std::to_string(frame) + " is no longer cached: prompts may name the last " +
                                     std::to_string(options_.max_cached_frames) + " frame(s)");
  }
  return f;
}

FrameResult StreamingTracker::track(const RawImage& image) {
  if (!state_) {
    state_.emplace(model_, config_, VideoGeometry{kStreamFrames, image.width, image.height}, options_.output);
  }
  const auto& g = state_->geometry();
  if (image.width != g.width || image.height != g.height) {
    throw ArgumentError("image", "frame " + std::to_string(frame_count_) + " is " + std::to_string(image.width) + "x" +
                                     std::to_string(image.height) + ", the stream is " + std::to_string(g.width) + "x" +
                                     std::to_string(g.height));
  }
  const int64_t frame = frame_count_;
  auto f = encode_frame(*model_, image);
  if (!state_->object_ids().empty()) state_->consolidate();
  auto result = state_->propagate(frame, /*reverse=*/false, [&] { return f; });
  cache_.put(frame, f);
  frame_count_ = frame + 1;
  state_->forget_before(std::max<int64_t>(0, frame_count_ - options_.max_cached_frames), options_.max_cond_frames);
  return result;
}

FrameResult StreamingTracker::add_points(int64_t frame, int32_t object_id, const std::vector<float>& coords,
                                         const std::vector<int32_t>& labels, bool clear_old) {
  auto f = cached(frame);
  return state_->add_points(frame, *f, object_id, coords, labels, clear_old);
}

FrameResult StreamingTracker::add_mask(int64_t frame, int32_t object_id, const uint8_t* mask, int64_t mask_bytes) {
  auto f = cached(frame);
  return state_->add_mask(frame, *f, object_id, mask, mask_bytes);
}

void StreamingTracker::remove_object(int32_t object_id) {
  if (state_) state_->remove_object(object_id);
}

void StreamingTracker::reset() {
  if (state_) state_->reset();
}

}  // namespace sam2
