#include "core/amg/mask_batch.h"

#include <ATen/Parallel.h>

#include <optional>

#include "core/amg/mask_stats.h"
#include "core/postprocess.h"

namespace sam2::amg {

namespace {

// Masks upsampled at once: bounds the float buffer to a few crop-sized planes whatever the batch size.
constexpr int64_t kChunk = 8;

std::optional<MaskRecord> measure(const float* logits, float iou, const float* point, const CropFrame& frame,
                                  const Options& o, std::vector<uint8_t>& binary) {
  const int64_t w = frame.width(), h = frame.height();
  const auto counts =
      stability_counts(logits, w * h, static_cast<float>(o.mask_threshold + o.stability_score_offset),
                       static_cast<float>(o.mask_threshold - o.stability_score_offset));
  const float stability = stability_score(counts);
  // torch compares a float32 tensor with a Python float in float32.
  if (o.stability_score_thresh > 0.0 && !(stability >= static_cast<float>(o.stability_score_thresh))) {
    return std::nullopt;
  }
  binary.resize(static_cast<size_t>(w * h));
  const Box box = binarize(logits, w, h, static_cast<float>(o.mask_threshold), binary.data());
  if (near_crop_edge(box, frame.crop, frame.image_width, frame.image_height)) return std::nullopt;
  MaskRecord r;
  r.rle = encode_uncropped(binary.data(), w, h, frame.crop[0], frame.crop[1], frame.image_width, frame.image_height);
  r.box = box;
  r.predicted_iou = iou;
  r.stability_score = stability;
  r.point[0] = point[0];
  r.point[1] = point[1];
  r.crop_box = frame.crop;
  return r;
}

}  // namespace

void filter_batch(const torch::Tensor& low_res, const torch::Tensor& iou, const std::vector<float>& points,
                  const CropFrame& frame, const Options& o, std::vector<MaskRecord>& out) {
  auto scores = iou.to(torch::kCPU, torch::kFloat32).contiguous();
  const float* s = scores.data_ptr<float>();
  std::vector<int64_t> kept;
  for (int64_t i = 0; i < scores.numel(); ++i) {
    if (o.pred_iou_thresh <= 0.0 || s[i] > static_cast<float>(o.pred_iou_thresh)) kept.push_back(i);
  }
  if (kept.empty()) return;

  const int64_t w = frame.width(), h = frame.height();
  for (size_t start = 0; start < kept.size(); start += kChunk) {
    const auto n = static_cast<int64_t>(std::min<size_t>(kChunk, kept.size() - start));
    auto index = torch::from_blob(kept.data() + start, {n}, torch::kLong).to(low_res.device());
    auto chunk = low_res.index_select(0, index).unsqueeze(1);
    chunk = fill_holes_and_sprinkles(chunk, o.min_mask_region_area, o.min_mask_region_area);
    auto logits = upsample_logits(chunk, h, w).to(torch::kCPU, torch::kFloat32).contiguous();
    const float* base = logits.data_ptr<float>();

    std::vector<std::optional<MaskRecord>> results(static_cast<size_t>(n));
    at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
      std::vector<uint8_t> binary;
      for (int64_t k = begin; k < end; ++k) {
        const int64_t i = kept[start + static_cast<size_t>(k)];
        results[k] = measure(base + k * w * h, s[i], points.data() + 2 * i, frame, o, binary);
      }
    });
    for (auto& r : results) {
      if (r) out.push_back(std::move(*r));
    }
  }
}

}  // namespace sam2::amg
