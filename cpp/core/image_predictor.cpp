#include "core/image_predictor.h"

#include <cmath>

#include "core/errors.h"
#include "core/postprocess.h"
#include "core/selection.h"

namespace sam2 {

ImageEmbedding encode_image(Model& model, const RawImage& image) {
  auto x = preprocess_image(image, model.image_size(), model.mean(), model.std(), model.device());
  auto [embed, s0, s1] = model.encode(x);
  return {embed + model.no_mem_embed(), s0, s1, image.width, image.height};
}

std::vector<ImageEmbedding> encode_images(Model& model, const std::vector<RawImage>& images) {
  std::vector<torch::Tensor> inputs;
  for (const auto& image : images) {
    inputs.push_back(preprocess_image(image, model.image_size(), model.mean(), model.std(), model.device()));
  }
  auto [embed, s0, s1] = model.encode(torch::cat(inputs));
  embed = embed + model.no_mem_embed();
  std::vector<ImageEmbedding> out;
  for (size_t i = 0; i < images.size(); ++i) {
    // Copies, not views: disposing one embedding must free its memory whatever the others do.
    const auto row = static_cast<int64_t>(i);
    out.push_back({embed.narrow(0, row, 1).clone(), s0.narrow(0, row, 1).clone(), s1.narrow(0, row, 1).clone(),
                   images[i].width, images[i].height});
  }
  return out;
}

namespace {

void check_prompt(const ImagePrompt& p, int64_t low_res_size) {
  if (p.coords.size() != 2 * p.labels.size()) {
    throw ArgumentError("labels", "expected one label per point (" + std::to_string(p.coords.size() / 2) +
                                      " points, " + std::to_string(p.labels.size()) + " labels)");
  }
  for (float c : p.coords) {
    if (!std::isfinite(c)) throw ArgumentError("points", "coordinates must be finite numbers");
  }
  for (int32_t l : p.labels) {
    if (l < 0 || l > 3) throw ArgumentError("labels", "labels must be 0 (negative) or 1 (positive)");
  }
  if (p.mask_input && static_cast<int64_t>(p.mask_input->size()) != low_res_size * low_res_size) {
    throw ArgumentError("maskInput", "expected " + std::to_string(low_res_size * low_res_size) + " values (" +
                                         std::to_string(low_res_size) + "x" + std::to_string(low_res_size) + ")");
  }
  if (p.labels.empty() && !p.mask_input) throw ArgumentError("points", "give at least one point, a box or a maskInput");
  if (p.hole_area < 0) throw ArgumentError("holeArea", "must be >= 0");
  if (p.sprinkle_area < 0) throw ArgumentError("sprinkleArea", "must be >= 0");
}

}  // namespace

ImagePrediction predict_image(Model& model, const ImageEmbedding& emb, const ImagePrompt& prompt) {
  const int64_t L = model.low_res_size();
  check_prompt(prompt, L);
  const auto n = static_cast<int64_t>(prompt.labels.size());
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);

  // Original pixels -> model pixels in the official order of operations (x / W * S, in float32).
  auto coords = torch::from_blob(const_cast<float*>(prompt.coords.data()), {1, n, 2}, f32)
                    .div(torch::tensor({static_cast<float>(emb.width), static_cast<float>(emb.height)}, f32))
                    .mul(static_cast<double>(model.image_size()));
  auto labels = torch::from_blob(const_cast<int32_t*>(prompt.labels.data()), {1, n}, torch::kInt32).to(torch::kLong);
  auto mask_input = prompt.mask_input
                        ? torch::from_blob(const_cast<float*>(prompt.mask_input->data()), {1, 1, L, L}, f32).clone()
                        : torch::zeros({1, 1, L, L}, f32);
  auto has_mask = torch::full({1}, prompt.mask_input.has_value(), torch::kBool);

  auto out = model.decode(emb.embed, emb.feat_s0, emb.feat_s1, coords, labels, mask_input, has_mask);
  auto sel = select_hypotheses(out.masks.to(torch::kFloat32), out.iou.to(torch::kFloat32), prompt.multimask);

  auto low_res = sel.masks;  // [1,K,L,L]
  auto filled = fill_holes_and_sprinkles(low_res, prompt.hole_area, prompt.sprinkle_area);
  auto logits = upsample_logits(filled, emb.height, emb.width)[0];

  ImagePrediction r;
  r.count = low_res.size(1);
  r.width = emb.width;
  r.height = emb.height;
  r.low_res_size = L;
  r.masks = (logits > 0).to(torch::kUInt8).cpu().contiguous();
  r.scores = sel.iou[0].cpu().contiguous();
  r.low_res_logits = low_res[0].clamp(-32.0, 32.0).cpu().contiguous();
  if (prompt.return_logits) r.logits = logits.cpu().contiguous();
  return r;
}

}  // namespace sam2
