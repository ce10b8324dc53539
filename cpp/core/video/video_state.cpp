#include "core/video/video_state.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/errors.h"

namespace sam2 {

namespace {

const FrameOutput* find(const std::map<int64_t, FrameOutput>& outputs, int64_t frame) {
  auto it = outputs.find(frame);
  return it == outputs.end() ? nullptr : &it->second;
}

void check_points(const std::vector<float>& coords, const std::vector<int32_t>& labels, bool clear_old) {
  if (labels.empty()) throw ArgumentError("points", "give at least one point or a box");
  if (coords.size() != 2 * labels.size()) {
    throw ArgumentError("labels", "expected one label per point (" + std::to_string(coords.size() / 2) +
                                      " points, " + std::to_string(labels.size()) + " labels)");
  }
  for (float c : coords) {
    if (!std::isfinite(c)) throw ArgumentError("points", "coordinates must be finite numbers");
  }
  const bool box = labels.size() >= 2 && labels[0] == 2 && labels[1] == 3;
  for (size_t i = 0; i < labels.size(); ++i) {
    const bool corner = labels[i] == 2 || labels[i] == 3;
    if (labels[i] < 0 || labels[i] > 3 || (corner && !(box && i < 2))) {
      throw ArgumentError("labels", "labels must be 0 (negative) or 1 (positive)");
    }
  }
  // The official predictor feeds a box before every click, so it cannot join earlier clicks.
  if (box && !clear_old) throw ArgumentError("box", "a box needs clearOld: true (it replaces the frame's clicks)");
}

}  // namespace

VideoState::VideoState(std::shared_ptr<Model> model, const TrackingConfig& config, VideoGeometry geometry,
                       OutputOptions output)
    : step_(std::move(model), config), geometry_(geometry), output_(output) {}

std::vector<int32_t> VideoState::object_ids() const {
  std::vector<int32_t> ids;
  for (const auto& obj : objects_) ids.push_back(obj.id);
  return ids;
}

void VideoState::check_frame(int64_t frame) const {
  if (frame < 0 || frame >= geometry_.num_frames) {
    throw ArgumentError("frame", "expected a frame index in [0, " + std::to_string(geometry_.num_frames) + "), got " +
                                     std::to_string(frame));
  }
}

VideoState::Object* VideoState::find_object(int32_t id) {
  auto it = std::find_if(objects_.begin(), objects_.end(), [&](const Object& o) { return o.id == id; });
  return it == objects_.end() ? nullptr : &*it;
}

VideoState::PromptTarget VideoState::prompt_target(Object& obj, int64_t frame) {
  PromptTarget t;
  auto tracked = obj.tracked.find(frame);
  t.initial = tracked == obj.tracked.end();
  t.reverse = !t.initial && tracked->second;
  t.pending = t.initial ? &obj.pending.cond : &obj.pending.non_cond;
  // The latest output of this object on the frame: its logits become the mask prompt of further clicks.
  t.previous = find(*t.pending, frame);
  if (!t.previous) t.previous = find(obj.memory.cond, frame);
  if (!t.previous) t.previous = find(obj.memory.non_cond, frame);
  return t;
}

void VideoState::commit(Object* existing, Object&& fresh) {
  if (!existing) objects_.push_back(std::move(fresh));
}

FrameResult VideoState::add_points(int64_t frame, const FrameFeatures& f, int32_t object_id,
                                   const std::vector<float>& coords, const std::vector<int32_t>& labels,
                                   bool clear_old) {
  check_frame(frame);
  check_points(coords, labels, clear_old);
  Object* existing = find_object(object_id);
  Object fresh{object_id};
  Object& obj = existing ? *existing : fresh;

  const auto n = static_cast<int64_t>(labels.size());
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  // Video pixels -> model pixels in the official order of operations (x / W * S, in float32).
  auto xy = torch::from_blob(const_cast<float*>(coords.data()), {1, n, 2}, f32)
                .div(torch::tensor({static_cast<float>(geometry_.width), static_cast<float>(geometry_.height)}, f32))
                .mul(static_cast<double>(step_.model().image_size()));
  PointPrompt points{xy, torch::from_blob(const_cast<int32_t*>(labels.data()), {1, n}, torch::kInt32).to(torch::kLong)};
  auto old = obj.points.find(frame);
  if (!clear_old && old != obj.points.end()) {
    points = {torch::cat({old->second.coords, points.coords}, 1), torch::cat({old->second.labels, points.labels}, 1)};
  }

  auto target = prompt_target(obj, frame);
  MemorySelection memory;
  if (!target.initial) memory = select_memory(obj.memory, frame, target.reverse, geometry_.num_frames, step_.config());
  auto out = step_.add_points(f, points, target.previous ? target.previous->low_res : torch::Tensor(),
                              target.initial ? nullptr : &memory);
  out.embed = f.embed;
  (*target.pending)[frame] = std::move(out);
  obj.points[frame] = points;
  commit(existing, std::move(fresh));
  return result(frame, target.initial);
}

FrameResult VideoState::add_mask(int64_t frame, const FrameFeatures& f, int32_t object_id, const uint8_t* mask,
                                 int64_t mask_bytes) {
  check_frame(frame);
  if (mask == nullptr || mask_bytes != geometry_.width * geometry_.height) {
    throw ArgumentError("mask", "expected " + std::to_string(geometry_.width * geometry_.height) +
                                    " bytes (width*height of the video), got " + std::to_string(mask_bytes));
  }
  Object* existing = find_object(object_id);
  Object fresh{object_id};
  Object& obj = existing ? *existing : fresh;

  const int64_t S = step_.model().image_size(), W = geometry_.width, H = geometry_.height;
  auto m = torch::from_blob(const_cast<uint8_t*>(mask), {1, 1, H, W}, torch::kUInt8)
               .ne(0)
               .to(step_.model().device(), torch::kFloat32);
  if (H != S || W != S) {
    m = at::_upsample_bilinear2d_aa(m, {S, S}, /*align_corners=*/false).ge(0.5).to(torch::kFloat32);
  }
  auto target = prompt_target(obj, frame);
  auto out = step_.add_mask(f, m);
  out.embed = f.embed;
  (*target.pending)[frame] = std::move(out);
  obj.points.erase(frame);
  commit(existing, std::move(fresh));
  return result(frame, target.initial);
}

int64_t VideoState::consolidate() {
  if (objects_.empty()) throw ArgumentError("propagate", "no objects to track: add points or a mask first");
  int64_t earliest = std::numeric_limits<int64_t>::max();
  for (auto& obj : objects_) {
    for (auto [pending, memory] : {std::pair{&obj.pending.non_cond, &obj.memory.non_cond},
                                   std::pair{&obj.pending.cond, &obj.memory.cond}}) {
      for (auto& [frame, out] : *pending) {
        step_.encode_memory(out, out.embed, /*from_prompt=*/true);
        (*memory)[frame] = std::move(out);
      }
      pending->clear();
    }
    // A frame that became a conditioning frame is no longer a tracked one.
    for (const auto& entry : obj.memory.cond) obj.memory.non_cond.erase(entry.first);
    if (obj.memory.cond.empty()) {
      throw std::logic_error("internal: object " + std::to_string(obj.id) + " has no conditioning frame");
    }
    earliest = std::min(earliest, obj.memory.cond.begin()->first);
  }
  return earliest;
}

FrameResult VideoState::propagate(int64_t frame, bool reverse, const FeatureSource& features) {
  check_frame(frame);
  std::shared_ptr<const FrameFeatures> f;
  for (auto& obj : objects_) {
    if (!obj.memory.cond.count(frame)) {
      if (!f) f = features();
      auto memory = select_memory(obj.memory, frame, reverse, geometry_.num_frames, step_.config());
      obj.memory.non_cond[frame] = step_.track(*f, memory);
    }
    obj.tracked[frame] = reverse;
  }
  return result(frame, /*cond_pending=*/false);
}

FrameResult VideoState::result(int64_t frame, bool cond_pending) const {
  // The official consolidation: the pending output of the prompt's kind, else any consolidated one.
  std::vector<const FrameOutput*> outputs;
  for (const auto& obj : objects_) {
    const FrameOutput* out = find(cond_pending ? obj.pending.cond : obj.pending.non_cond, frame);
    if (!out) out = find(obj.memory.cond, frame);
    if (!out) out = find(obj.memory.non_cond, frame);
    outputs.push_back(out);
  }
  return make_frame_result(frame, object_ids(), outputs, geometry_.width, geometry_.height,
                           step_.model().low_res_size(), output_);
}

void VideoState::remove_object(int32_t object_id) {
  objects_.erase(std::remove_if(objects_.begin(), objects_.end(), [&](const Object& o) { return o.id == object_id; }),
                 objects_.end());
}

void VideoState::reset() { objects_.clear(); }

void VideoState::forget_before(int64_t oldest, int64_t max_cond_frames) {
  const auto& config = step_.config();
  const int64_t window = std::max<int64_t>(2, std::min(geometry_.num_frames, config.max_obj_ptrs_in_encoder));
  const int64_t memory_from = oldest - (config.num_maskmem - 1);
  const int64_t pointer_from = oldest - (window - 1);
  for (auto& obj : objects_) {
    auto& tracked = obj.memory.non_cond;
    tracked.erase(tracked.begin(), tracked.lower_bound(pointer_from));
    for (auto it = tracked.begin(); it != tracked.end() && it->first < oldest; ++it) {
      if (it->first < memory_from) it->second.maskmem = torch::Tensor();
      it->second.low_res = torch::Tensor();
    }
    auto& cond = obj.memory.cond;
    while (static_cast<int64_t>(cond.size()) > max_cond_frames) cond.erase(cond.begin());
    for (auto it = cond.begin(); it != cond.end() && it->first < oldest; ++it) it->second.low_res = torch::Tensor();
    obj.tracked.erase(obj.tracked.begin(), obj.tracked.lower_bound(oldest));
    obj.points.erase(obj.points.begin(), obj.points.lower_bound(oldest));
  }
}

}  // namespace sam2
