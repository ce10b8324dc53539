#include "core/amg/generator.h"

#include <cmath>

#include "core/amg/mask_batch.h"
#include "core/amg/nms.h"
#include "core/errors.h"
#include "core/selection.h"
#include "core/threads.h"

namespace sam2::amg {

namespace {

void check_options(const Options& o, bool from_embedding) {
  if (o.points_per_batch <= 0) throw ArgumentError("pointsPerBatch", "must be a positive integer");
  if (o.crop_n_layers < 0) throw ArgumentError("cropNLayers", "must be >= 0");
  if (from_embedding && o.crop_n_layers > 0) {
    throw ArgumentError("cropNLayers", "crops need the image's pixels; an ImageEmbedding allows only 0");
  }
  if (static_cast<int64_t>(o.point_grids.size()) != o.crop_n_layers + 1) {
    throw ArgumentError("pointGrids", "expected one grid per crop layer (cropNLayers + 1)");
  }
  for (const auto& grid : o.point_grids) {
    if (grid.size() % 2 != 0) throw ArgumentError("pointGrids", "each grid holds x,y pairs");
    for (double v : grid) {
      if (!std::isfinite(v)) throw ArgumentError("pointGrids", "coordinates must be finite numbers");
    }
  }
  if (o.min_mask_region_area < 0) throw ArgumentError("minMaskRegionArea", "must be >= 0");
}

// The crop's pixels as a RawImage of their own (the encoder reads whole rows).
struct CroppedImage {
  std::vector<uint8_t> pixels;
  RawImage image;
};

CroppedImage crop_image(const RawImage& src, const Box& b) {
  CroppedImage out;
  const int64_t w = b[2] - b[0], h = b[3] - b[1], c = src.channels;
  out.pixels.resize(static_cast<size_t>(w * h * c));
  for (int64_t y = 0; y < h; ++y) {
    const uint8_t* row = src.data + ((b[1] + y) * src.width + b[0]) * c;
    std::copy(row, row + w * c, out.pixels.data() + y * w * c);
  }
  out.image = {out.pixels.data(), w, h, c};
  return out;
}

struct Decoded {
  torch::Tensor masks, iou;  // [N,L,L], [N] float32, N = prompts x hypotheses, prompt-major
};

// Single-point prompts in crop pixels, as the official _predict with [B,1,2] points: one call on a GPU, and on a
// CPU sub-batches spread over the threads like predictBatch's (decoder_sub_batches), concatenated in prompt order.
Decoded decode_points(Model& model, const ImageEmbedding& emb, const float* points, int64_t n, int64_t crop_w,
                      int64_t crop_h, const torch::Tensor* mask_input, bool multimask) {
  const int64_t L = model.low_res_size();
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  auto coords = torch::from_blob(const_cast<float*>(points), {n, 1, 2}, f32)
                    .div(torch::tensor({static_cast<float>(crop_w), static_cast<float>(crop_h)}, f32))
                    .mul(static_cast<double>(model.image_size()));
  auto labels = torch::ones({n, 1}, torch::kLong);
  auto masks_in = mask_input ? mask_input->unsqueeze(1) : torch::zeros({n, 1, L, L}, f32);
  auto has_mask = torch::full({n}, mask_input != nullptr, torch::kBool);
  const int64_t tasks = decoder_sub_batches(n, model.device().is_cpu());
  std::vector<torch::Tensor> masks(tasks), ious(tasks);
  run_tasks_per_thread(tasks, [&](int64_t t) {
    const int64_t start = t * n / tasks, len = (t + 1) * n / tasks - start;
    auto out = model.decode(emb.embed, emb.feat_s0, emb.feat_s1, coords.narrow(0, start, len),
                            labels.narrow(0, start, len), masks_in.narrow(0, start, len), has_mask.narrow(0, start, len));
    masks[t] = out.masks.to(torch::kFloat32);
    ious[t] = out.iou.to(torch::kFloat32);
  });
  auto sel = select_hypotheses(tasks == 1 ? masks[0] : torch::cat(masks), tasks == 1 ? ious[0] : torch::cat(ious),
                               multimask);
  return {sel.masks.flatten(0, 1), sel.iou.flatten(0, 1)};
}

// The official _process_batch for one batch of grid points (crop pixels).
void process_batch(Model& model, const ImageEmbedding& emb, const std::vector<float>& points, const CropFrame& frame,
                   const Options& o, std::vector<MaskRecord>& out) {
  const auto n = static_cast<int64_t>(points.size() / 2);
  auto first = decode_points(model, emb, points.data(), n, frame.width(), frame.height(), nullptr, o.multimask);
  const int64_t k = first.masks.size(0) / n;
  std::vector<float> repeated;  // each point once per hypothesis, as repeat_interleave
  repeated.reserve(static_cast<size_t>(2 * n * k));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < k; ++j) repeated.insert(repeated.end(), {points[2 * i], points[2 * i + 1]});
  }
  if (!o.use_m2m) {
    filter_batch(first.masks, first.iou, repeated, frame, o, out);
    return;
  }
  // One refinement step: every hypothesis goes back in as a mask prompt (clamped like the official's
  // low-res output), single-mask, in batches of pointsPerBatch.
  auto previous = first.masks.clamp(-32.0, 32.0);
  const int64_t total = n * k;
  std::vector<torch::Tensor> masks, ious;
  for (int64_t start = 0; start < total; start += o.points_per_batch) {
    const int64_t m = std::min(o.points_per_batch, total - start);
    auto prompt_masks = previous.narrow(0, start, m);
    auto refined = decode_points(model, emb, repeated.data() + 2 * start, m, frame.width(), frame.height(),
                                 &prompt_masks, false);
    masks.push_back(refined.masks);
    ious.push_back(refined.iou);
  }
  filter_batch(torch::cat(masks), torch::cat(ious), repeated, frame, o, out);
}

// NMS over `records` by `scores`, keeping the survivors in the kept order.
void nms_filter(std::vector<MaskRecord>& records, const std::vector<float>& scores, double thresh) {
  std::vector<Box> boxes;
  boxes.reserve(records.size());
  for (const auto& r : records) boxes.push_back(r.box);
  std::vector<MaskRecord> kept;
  for (int64_t i : box_nms(boxes, scores, thresh)) kept.push_back(std::move(records[i]));
  records = std::move(kept);
}

}  // namespace

std::vector<MaskRecord> generate_masks(Model& model, const RawImage* image, const ImageEmbedding* embedding,
                                       const Options& o, const Progress& progress) {
  check_options(o, embedding != nullptr);
  const int64_t width = embedding ? embedding->width : image->width;
  const int64_t height = embedding ? embedding->height : image->height;
  const auto crops = crop_boxes(width, height, o.crop_n_layers, o.crop_overlap_ratio);

  int64_t total_batches = 0, done = 0;
  for (const auto& c : crops) {
    const auto points = static_cast<int64_t>(o.point_grids[c.layer].size() / 2);
    total_batches += (points + o.points_per_batch - 1) / o.points_per_batch;
  }

  std::vector<MaskRecord> all;
  for (const auto& c : crops) {
    const CropFrame frame{c.box, width, height};
    ImageEmbedding crop_embedding;
    if (!embedding || c.layer > 0) {
      const bool whole = frame.width() == width && frame.height() == height;
      if (whole) {
        crop_embedding = encode_image(model, *image);
      } else {
        const auto cropped = crop_image(*image, c.box);
        crop_embedding = encode_image(model, cropped.image);
      }
    }
    const ImageEmbedding& emb = embedding && c.layer == 0 ? *embedding : crop_embedding;

    // Grid points scaled to the crop in double, then float32, as the official numpy -> torch path.
    const auto& grid = o.point_grids[c.layer];
    std::vector<float> points(grid.size());
    for (size_t i = 0; i < grid.size(); i += 2) {
      points[i] = static_cast<float>(grid[i] * static_cast<double>(frame.width()));
      points[i + 1] = static_cast<float>(grid[i + 1] * static_cast<double>(frame.height()));
    }

    std::vector<MaskRecord> records;
    const auto batch = static_cast<size_t>(2 * o.points_per_batch);
    for (size_t start = 0; start < points.size(); start += batch) {
      const std::vector<float> chunk(points.begin() + start, points.begin() + std::min(points.size(), start + batch));
      process_batch(model, emb, chunk, frame, o, records);
      if (progress) progress(++done, total_batches);
    }

    std::vector<float> scores;
    for (const auto& r : records) scores.push_back(r.predicted_iou);
    nms_filter(records, scores, o.box_nms_thresh);
    for (auto& r : records) {
      for (int k = 0; k < 4; ++k) r.box[k] += c.box[k % 2];
      r.point[0] = r.point[0] + static_cast<float>(c.box[0]);
      r.point[1] = r.point[1] + static_cast<float>(c.box[1]);
      all.push_back(std::move(r));
    }
  }

  if (crops.size() > 1) {
    // Masks from smaller crops win: the official scores by 1 / crop area.
    std::vector<float> scores;
    for (const auto& r : all) {
      const auto& b = r.crop_box;
      scores.push_back(1.0f / static_cast<float>((b[2] - b[0]) * (b[3] - b[1])));
    }
    nms_filter(all, scores, o.crop_nms_thresh);
  }
  return all;
}

}  // namespace sam2::amg
