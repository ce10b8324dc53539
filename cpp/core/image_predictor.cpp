#include "core/image_predictor.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/errors.h"
#include "core/postprocess.h"
#include "core/selection.h"
#include "core/threads.h"

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

void check_prompt(const ImagePrompt& p, int64_t low_res_size, const std::string& prefix) {
  const auto fail = [&prefix](const char* field, const std::string& message) {
    throw ArgumentError(prefix + field, message);
  };
  if (p.coords.size() != 2 * p.labels.size()) {
    fail("labels", "expected one label per point (" + std::to_string(p.coords.size() / 2) + " points, " +
                       std::to_string(p.labels.size()) + " labels)");
  }
  for (float c : p.coords) {
    if (!std::isfinite(c)) fail("points", "coordinates must be finite numbers");
  }
  for (int32_t l : p.labels) {
    if (l < 0 || l > 3) fail("labels", "labels must be 0 (negative) or 1 (positive)");
  }
  if (p.mask_input && static_cast<int64_t>(p.mask_input->size()) != low_res_size * low_res_size) {
    fail("maskInput", "expected " + std::to_string(low_res_size * low_res_size) + " values (" +
                          std::to_string(low_res_size) + "x" + std::to_string(low_res_size) + ")");
  }
  if (p.labels.empty() && !p.mask_input) fail("points", "give at least one point, a box or a maskInput");
  if (p.hole_area < 0) fail("holeArea", "must be >= 0");
  if (p.sprinkle_area < 0) fail("sprinkleArea", "must be >= 0");
}

// Selection, hole filling, upsampling and thresholding of one query's decoder output ([1,4,L,L], [1,4]).
ImagePrediction finish(const ImageQuery& query, const torch::Tensor& masks, const torch::Tensor& iou, int64_t L) {
  const auto& emb = *query.embedding;
  const auto& prompt = query.prompt;
  auto sel = select_hypotheses(masks, iou, prompt.multimask);
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

// The decoder's inputs for queries that all have `n` points. Prompts on one image broadcast against its
// [1,...] features; only queries spanning several images gather features per prompt, a sub-batch at a time.
struct GroupInputs {
  torch::Tensor coords, labels, mask_input, has_mask;  // [b,n,2] in model pixels, [b,n], [b,1,L,L], [b]
  std::vector<const ImageEmbedding*> images;  // the distinct images
  std::vector<int64_t> image_of;              // per query: its index in images
};

GroupInputs group_inputs(const Model& model, const std::vector<const ImageQuery*>& group, int64_t n) {
  const int64_t L = model.low_res_size();
  const auto b = static_cast<int64_t>(group.size());
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  GroupInputs in{torch::empty({b, n, 2}, f32), torch::empty({b, n}, torch::kLong), torch::zeros({b, 1, L, L}, f32),
                 torch::zeros({b}, torch::kBool), {}, std::vector<int64_t>(group.size())};
  std::vector<float> sizes;  // per query: its image's width, height
  for (int64_t i = 0; i < b; ++i) {
    const auto& q = *group[i];
    const auto& p = q.prompt;
    if (n > 0) {
      in.coords[i].copy_(torch::from_blob(const_cast<float*>(p.coords.data()), {n, 2}, f32));
      in.labels[i].copy_(torch::from_blob(const_cast<int32_t*>(p.labels.data()), {n}, torch::kInt32));
    }
    sizes.push_back(static_cast<float>(q.embedding->width));
    sizes.push_back(static_cast<float>(q.embedding->height));
    if (p.mask_input) {
      in.mask_input[i][0].copy_(torch::from_blob(const_cast<float*>(p.mask_input->data()), {L, L}, f32));
      in.has_mask[i] = true;
    }
    auto found = std::find(in.images.begin(), in.images.end(), q.embedding.get());
    in.image_of[i] = found - in.images.begin();
    if (found == in.images.end()) in.images.push_back(q.embedding.get());
  }
  // Original pixels -> model pixels in the official order of operations (x / W * S, in float32).
  in.coords = in.coords.div(torch::from_blob(sizes.data(), {b, 1, 2}, f32)).mul(static_cast<double>(model.image_size()));
  return in;
}

// Queries [start, start + len) of a group in one decoder call, each finished straight into its slot of `out`.
void decode_sub_batch(Model& model, const std::vector<const ImageQuery*>& group, const GroupInputs& in,
                      int64_t start, int64_t len, std::vector<ImagePrediction>& out, const std::vector<size_t>& slots) {
  const auto features = [&](torch::Tensor ImageEmbedding::*member) {
    if (in.images.size() == 1) return in.images[0]->*member;
    std::vector<torch::Tensor> rows;
    for (int64_t i = start; i < start + len; ++i) rows.push_back(in.images[in.image_of[i]]->*member);
    return torch::cat(rows);
  };
  auto dec = model.decode(features(&ImageEmbedding::embed), features(&ImageEmbedding::feat_s0),
                          features(&ImageEmbedding::feat_s1), in.coords.narrow(0, start, len),
                          in.labels.narrow(0, start, len), in.mask_input.narrow(0, start, len),
                          in.has_mask.narrow(0, start, len));
  auto masks = dec.masks.to(torch::kFloat32);
  auto iou = dec.iou.to(torch::kFloat32);
  for (int64_t i = 0; i < len; ++i) {
    out[slots[start + i]] = finish(*group[start + i], masks.narrow(0, i, 1), iou.narrow(0, i, 1), model.low_res_size());
  }
}

// Queries that all have `n` points, in decoder_sub_batches calls: on a CPU a few prompts per call, each thread
// taking calls of its own; on a GPU one call.
void decode_group(Model& model, const std::vector<const ImageQuery*>& group, int64_t n,
                  std::vector<ImagePrediction>& out, const std::vector<size_t>& slots) {
  const auto b = static_cast<int64_t>(group.size());
  const auto in = group_inputs(model, group, n);
  const int64_t tasks = decoder_sub_batches(b, model.device().is_cpu());
  run_tasks_per_thread(tasks, [&](int64_t t) {
    const int64_t start = t * b / tasks;
    decode_sub_batch(model, group, in, start, (t + 1) * b / tasks - start, out, slots);
  });
}

// Groups by point count: the decoder attends over every prompt token, so padding a shorter prompt with
// extra (0,0)/-1 points (the official convention for ragged batches) changes its masks, and each result
// must equal that prompt's own prediction. Detector boxes, AMG grids and same-sized click lists stay one call.
std::vector<ImagePrediction> run_queries(Model& model, const std::vector<const ImageQuery*>& queries) {
  std::vector<ImagePrediction> out(queries.size());
  std::map<size_t, std::pair<std::vector<const ImageQuery*>, std::vector<size_t>>> groups;
  for (size_t i = 0; i < queries.size(); ++i) {
    auto& [group, slots] = groups[queries[i]->prompt.labels.size()];
    group.push_back(queries[i]);
    slots.push_back(i);
  }
  for (const auto& [n, g] : groups) decode_group(model, g.first, static_cast<int64_t>(n), out, g.second);
  return out;
}

}  // namespace

ImagePrediction predict_image(Model& model, const ImageQuery& query) {
  check_prompt(query.prompt, model.low_res_size(), "");
  return std::move(run_queries(model, {&query})[0]);
}

std::vector<ImagePrediction> predict_batch(Model& model, const std::vector<ImageQuery>& queries) {
  if (queries.size() > kMaxBatchPrompts) {
    throw ArgumentError("prompts", "at most " + std::to_string(kMaxBatchPrompts) + " prompts per call, got " +
                                       std::to_string(queries.size()));
  }
  std::vector<const ImageQuery*> pointers;
  for (size_t i = 0; i < queries.size(); ++i) {
    check_prompt(queries[i].prompt, model.low_res_size(), "prompts[" + std::to_string(i) + "].");
    pointers.push_back(&queries[i]);
  }
  return run_queries(model, pointers);
}

}  // namespace sam2
