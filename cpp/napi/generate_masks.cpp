#include "napi/generate_masks.h"

#include <torch/torch.h>

#include "core/amg/generator.h"
#include "napi/convert.h"
#include "napi/embedding_wrap.h"
#include "napi/promise_worker.h"

namespace sam2::napi {

namespace {

amg::Options read_options(Napi::Env env, const Napi::Value& value) {
  if (!value.IsObject()) throw_argument(env, "options", "must be an object");
  const auto o = value.As<Napi::Object>();
  amg::Options opts;
  auto number = [&](const char* key, double fallback) {
    const auto v = o.Get(key);
    return v.IsUndefined() ? fallback : get_number(v, key);
  };
  opts.points_per_batch = get_int(o, "pointsPerBatch", opts.points_per_batch);
  opts.pred_iou_thresh = number("predIouThresh", opts.pred_iou_thresh);
  opts.stability_score_thresh = number("stabilityScoreThresh", opts.stability_score_thresh);
  opts.stability_score_offset = number("stabilityScoreOffset", opts.stability_score_offset);
  opts.mask_threshold = number("maskThreshold", opts.mask_threshold);
  opts.box_nms_thresh = number("boxNmsThresh", opts.box_nms_thresh);
  opts.crop_n_layers = get_int(o, "cropNLayers", opts.crop_n_layers);
  opts.crop_nms_thresh = number("cropNmsThresh", opts.crop_nms_thresh);
  opts.crop_overlap_ratio = number("cropOverlapRatio", opts.crop_overlap_ratio);
  opts.min_mask_region_area = get_int(o, "minMaskRegionArea", opts.min_mask_region_area);
  opts.use_m2m = get_bool(o, "useM2m", opts.use_m2m);
  opts.multimask = get_bool(o, "multimask", opts.multimask);

  const auto grids = o.Get("pointGrids");
  if (grids.IsArray()) {
    const auto array = grids.As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); ++i) {
      const auto g = array.Get(i);
      if (!g.IsTypedArray() || g.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
        throw_argument(env, "pointGrids", "each grid must be a Float64Array of x,y pairs");
      }
      const auto a = g.As<Napi::Float64Array>();
      opts.point_grids.emplace_back(a.Data(), a.Data() + a.ElementLength());
    }
  } else {
    const int64_t per_side = get_int(o, "pointsPerSide", 32);
    const int64_t downscale = get_int(o, "cropNPointsDownscaleFactor", 1);
    if (per_side <= 0) throw_argument(env, "pointsPerSide", "must be a positive integer");
    if (downscale <= 0) throw_argument(env, "cropNPointsDownscaleFactor", "must be a positive integer");
    if (opts.crop_n_layers < 0 || opts.crop_n_layers > 16) throw_argument(env, "cropNLayers", "must be 0..16");
    opts.point_grids = amg::layer_point_grids(per_side, opts.crop_n_layers, downscale);
  }
  return opts;
}

amg::OutputMode read_mode(Napi::Env env, const Napi::Object& o) {
  const auto mode = get_string(o, "outputMode", "binary");
  if (mode == "binary") return amg::OutputMode::Binary;
  if (mode == "rle") return amg::OutputMode::Rle;
  if (mode == "coco-rle") return amg::OutputMode::CocoRle;
  throw_argument(env, "outputMode", "must be 'binary', 'rle' or 'coco-rle'");
}

// The records as columns (a few typed arrays, however many masks): converting them costs the event loop
// microseconds, and JS builds the record objects as views into them.
struct Columns {
  int64_t count = 0, width = 0, height = 0;
  torch::Tensor areas, boxes, ious, stability, points, crop_boxes;  // float64, int32 x4, f32, f32, f32 x2, int32 x4
  torch::Tensor masks;                                                // uint8 [N,H,W] (binary)
  torch::Tensor counts, offsets;  // rle: int32 runs, float64 [N+1]; coco-rle: the strings' bytes and offsets
};

Columns to_columns(const std::vector<amg::MaskRecord>& records, int64_t width, int64_t height, amg::OutputMode mode) {
  Columns c;
  const auto n = static_cast<int64_t>(records.size());
  c.count = n;
  c.width = width;
  c.height = height;
  c.areas = torch::empty({n}, torch::kFloat64);
  c.boxes = torch::empty({n, 4}, torch::kInt32);
  c.ious = torch::empty({n}, torch::kFloat32);
  c.stability = torch::empty({n}, torch::kFloat32);
  c.points = torch::empty({n, 2}, torch::kFloat32);
  c.crop_boxes = torch::empty({n, 4}, torch::kInt32);
  auto xywh = [](const amg::Box& b, int32_t* out, int64_t extra) {
    out[0] = static_cast<int32_t>(b[0]);
    out[1] = static_cast<int32_t>(b[1]);
    out[2] = static_cast<int32_t>(b[2] - b[0] + extra);
    out[3] = static_cast<int32_t>(b[3] - b[1] + extra);
  };
  for (int64_t i = 0; i < n; ++i) {
    const auto& r = records[i];
    c.areas.data_ptr<double>()[i] = static_cast<double>(r.rle.area());
    // The official's xywh of an inclusive box is x1 - x0 (one short of the pixel width), and of a crop x1 - x0.
    xywh(r.box, c.boxes.data_ptr<int32_t>() + 4 * i, 0);
    xywh(r.crop_box, c.crop_boxes.data_ptr<int32_t>() + 4 * i, 0);
    c.ious.data_ptr<float>()[i] = r.predicted_iou;
    c.stability.data_ptr<float>()[i] = r.stability_score;
    c.points.data_ptr<float>()[2 * i] = r.point[0];
    c.points.data_ptr<float>()[2 * i + 1] = r.point[1];
  }
  if (mode == amg::OutputMode::Binary) {
    c.masks = torch::empty({n, height, width}, torch::kUInt8);
    at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) amg::decode(records[i].rle, c.masks[i].data_ptr<uint8_t>());
    });
    return c;
  }
  c.offsets = torch::empty({n + 1}, torch::kFloat64);
  auto* offsets = c.offsets.data_ptr<double>();
  if (mode == amg::OutputMode::Rle) {
    int64_t total = 0;
    for (int64_t i = 0; i < n; ++i) {
      offsets[i] = static_cast<double>(total);
      total += static_cast<int64_t>(records[i].rle.counts.size());
    }
    offsets[n] = static_cast<double>(total);
    c.counts = torch::empty({total}, torch::kInt32);
    for (int64_t i = 0; i < n; ++i) {
      const auto& runs = records[i].rle.counts;
      std::copy(runs.begin(), runs.end(), c.counts.data_ptr<int32_t>() + static_cast<int64_t>(offsets[i]));
    }
    return c;
  }
  std::string all;
  for (int64_t i = 0; i < n; ++i) {
    offsets[i] = static_cast<double>(all.size());
    all += amg::coco_string(records[i].rle);
  }
  offsets[n] = static_cast<double>(all.size());
  c.counts = torch::empty({static_cast<int64_t>(all.size())}, torch::kUInt8);
  std::copy(all.begin(), all.end(), c.counts.data_ptr<uint8_t>());
  return c;
}

Napi::Object columns_to_js(Napi::Env env, const Columns& c) {
  auto obj = Napi::Object::New(env);
  obj.Set("count", Napi::Number::New(env, static_cast<double>(c.count)));
  obj.Set("width", Napi::Number::New(env, static_cast<double>(c.width)));
  obj.Set("height", Napi::Number::New(env, static_cast<double>(c.height)));
  obj.Set("areas", tensor_to_typed_array(env, c.areas));
  obj.Set("boxes", tensor_to_typed_array(env, c.boxes));
  obj.Set("predictedIous", tensor_to_typed_array(env, c.ious));
  obj.Set("stabilityScores", tensor_to_typed_array(env, c.stability));
  obj.Set("points", tensor_to_typed_array(env, c.points));
  obj.Set("cropBoxes", tensor_to_typed_array(env, c.crop_boxes));
  if (c.masks.defined()) obj.Set("masks", tensor_to_typed_array(env, c.masks));
  if (c.counts.defined()) {
    obj.Set("counts", tensor_to_typed_array(env, c.counts));
    obj.Set("offsets", tensor_to_typed_array(env, c.offsets));
  }
  return obj;
}

// Progress from the worker thread to a JS callback; calls that find the loop busy are dropped, not queued.
class ProgressReporter {
 public:
  ProgressReporter(Napi::Env env, const Napi::Value& callback) {
    if (callback.IsFunction()) {
      tsfn_ = Napi::ThreadSafeFunction::New(env, callback.As<Napi::Function>(), "sam2 generateMasks progress", 1, 1);
      active_ = true;
    }
  }
  amg::Progress callback() {
    if (!active_) return {};
    return [tsfn = tsfn_](int64_t done, int64_t total) mutable {
      auto* data = new std::pair<double, double>(static_cast<double>(done), static_cast<double>(total));
      const auto status = tsfn.NonBlockingCall(data, [](Napi::Env env, Napi::Function fn, std::pair<double, double>* d) {
        const auto args = *d;
        delete d;
        if (env == nullptr || fn.IsEmpty()) return;
        try {
          fn.Call({Napi::Number::New(env, args.first), Napi::Number::New(env, args.second)});
        } catch (const Napi::Error&) {
          // lib/ wraps the user's callback; nothing it throws may abort the generation.
        }
      });
      if (status != napi_ok) delete data;
    };
  }
  void release() {
    if (active_) tsfn_.Release();
    active_ = false;
  }

 private:
  Napi::ThreadSafeFunction tsfn_;
  bool active_ = false;
};

}  // namespace

Napi::Value GenerateMasks(const Napi::CallbackInfo& info, std::shared_ptr<Model> model, uint64_t model_id,
                          int threads) {
  auto env = info.Env();
  const auto options = read_options(env, info[1]);
  const auto mode = read_mode(env, info[1].As<Napi::Object>());

  std::shared_ptr<const ImageEmbedding> embedding;
  CopiedImage copied{};
  if (info[0].IsObject() && !info[0].As<Napi::Object>().Has("data")) {
    embedding = EmbeddingWrap::Unwrap(info[0])->get(env, model_id);
  } else {
    if (!info[0].IsObject()) throw_argument(env, "image", "must be an embedding or { data, width, height, channels }");
    const auto o = info[0].As<Napi::Object>();
    copied = copy_image(o.Get("data"), o.Get("width"), o.Get("height"), o.Get("channels"));
  }

  auto reporter = std::make_shared<ProgressReporter>(env, info[2]);
  auto result = std::make_shared<Columns>();
  return PromiseWorker::Queue(
      env, threads,
      [model, embedding, copied, options, mode, reporter, result] {
        const RawImage& image = copied.image;
        // Released whatever happens, or the callback would keep the process alive.
        struct Release {
          std::shared_ptr<ProgressReporter> r;
          ~Release() { r->release(); }
        } release{reporter};
        const auto records =
            amg::generate_masks(*model, embedding ? nullptr : &image, embedding.get(), options, reporter->callback());
        const int64_t w = embedding ? embedding->width : image.width;
        const int64_t h = embedding ? embedding->height : image.height;
        *result = to_columns(records, w, h, mode);
      },
      [result](Napi::Env env) -> Napi::Value { return columns_to_js(env, *result); });
}

}  // namespace sam2::napi
