#pragma once
// Objects, prompts and memories of one video, following SAM2VideoPredictor's inference state: outputs of
// prompts wait in a pending store (the official temp_output_dict) until propagation encodes them into
// memory; objects are tracked one at a time on shared frame features.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "core/model.h"
#include "core/video/frame_features.h"
#include "core/video/frame_result.h"
#include "core/video/memory_bank.h"
#include "core/video/tracking_step.h"

namespace sam2 {

struct VideoGeometry {
  int64_t num_frames;     // the official num_frames: bounds pointer look-ups and their temporal window
  int64_t width, height;  // the video's size: prompts are in these pixels, masks come back at it
};

class VideoState {
 public:
  using FeatureSource = std::function<std::shared_ptr<const FrameFeatures>()>;

  VideoState(std::shared_ptr<Model> model, const TrackingConfig& config, VideoGeometry geometry,
             OutputOptions output);

  const VideoGeometry& geometry() const { return geometry_; }
  void check_frame(int64_t frame) const;  // ArgumentError("frame") outside [0, num_frames)
  std::vector<int32_t> object_ids() const;

  // Clicks: x,y pairs in video pixels, box corners first (labels 2, 3). On a frame the object was never
  // tracked on they make a conditioning frame; on a tracked frame they correct it (non-conditioning memory).
  FrameResult add_points(int64_t frame, const FrameFeatures& f, int32_t object_id, const std::vector<float>& coords,
                         const std::vector<int32_t>& labels, bool clear_old);
  // `mask`: width*height bytes, non-zero inside.
  FrameResult add_mask(int64_t frame, const FrameFeatures& f, int32_t object_id, const uint8_t* mask,
                       int64_t mask_bytes);

  // propagate_in_video_preflight: encodes pending outputs into memory. Returns the earliest conditioning frame.
  int64_t consolidate();
  // One frame of propagate_in_video: conditioning outputs are returned as they are, every other object is
  // tracked (replacing an earlier result). `features` is called only when some object needs them.
  FrameResult propagate(int64_t frame, bool reverse, const FeatureSource& features);

  void remove_object(int32_t object_id);
  void reset();

  // For streams: drops what no frame from `oldest` on can use (outputs, memories beyond the attention windows,
  // prompt bookkeeping) and all but the newest `max_cond_frames` conditioning frames of each object.
  void forget_before(int64_t oldest, int64_t max_cond_frames);

 private:
  struct Object {
    int32_t id;
    MemoryBank memory;   // consolidated: what tracking attends to
    MemoryBank pending;  // outputs of prompts not yet in memory
    std::map<int64_t, PointPrompt> points;  // accumulated clicks per frame, for clearOld: false
    std::map<int64_t, bool> tracked;        // frames propagation produced or re-yielded, and in which direction
  };

  // Objects come into being with their first prompt (the official _obj_id_to_idx), and only once it succeeded.
  Object* find_object(int32_t id);
  void commit(Object* existing, Object&& fresh);
  // The prompt's storage and the state it starts from, as add_new_points_or_box / add_new_mask decide them.
  struct PromptTarget {
    bool initial, reverse;
    std::map<int64_t, FrameOutput>* pending;
    const FrameOutput* previous;
  };
  PromptTarget prompt_target(Object& obj, int64_t frame);
  FrameResult result(int64_t frame, bool cond_pending) const;

  TrackingStep step_;
  VideoGeometry geometry_;
  OutputOptions output_;
  std::vector<Object> objects_;  // in order of first prompt: the order of every result's objects
};

}  // namespace sam2
