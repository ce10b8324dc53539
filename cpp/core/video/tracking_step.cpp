#include "core/video/tracking_step.h"

#include "core/errors.h"
#include "core/postprocess.h"
#include "core/selection.h"

namespace sam2 {

namespace {

torch::Tensor to_sequence(const torch::Tensor& map) { return map.flatten(2).permute({2, 0, 1}); }  // BCHW -> (HW)BC

PointPrompt padding_point() {
  // No clicks: the official heads get one padding point (the decoder appends its own as well).
  return {torch::zeros({1, 1, 2}, torch::kFloat32), -torch::ones({1, 1}, torch::kLong)};
}

}  // namespace

TrackingStep::TrackingStep(std::shared_ptr<Model> model, TrackingConfig config)
    : model_(std::move(model)), config_(config) {
  const auto f32 = torch::kFloat32;
  no_mem_embed_ = model_->tracking_buffer("no_mem_embed").to(f32).reshape({1, -1, 1, 1});
  maskmem_tpos_enc_ = model_->tracking_buffer("maskmem_tpos_enc").to(f32);
  no_obj_ptr_ = model_->tracking_buffer("no_obj_ptr").to(f32);
  no_obj_embed_spatial_ = model_->tracking_buffer("no_obj_embed_spatial").to(f32).reshape({1, -1, 1, 1});
  vision_pos_ = to_sequence(model_->tracking_buffer("vision_pos_enc"));
  if (maskmem_tpos_enc_.size(0) != config_.num_maskmem) {
    throw ArgumentError("model", "tracking.pt has " + std::to_string(maskmem_tpos_enc_.size(0)) +
                                     " temporal encodings, the manifest's num_maskmem is " +
                                     std::to_string(config_.num_maskmem));
  }
}

bool TrackingStep::multimask_for(bool initial, int64_t num_points) const {
  return config_.multimask_output_in_sam && (initial || config_.multimask_output_for_tracking) &&
         config_.multimask_min_pt_num <= num_points && num_points <= config_.multimask_max_pt_num;
}

torch::Tensor TrackingStep::gate_pointer(const torch::Tensor& ptr, const torch::Tensor& presence) const {
  auto gated = config_.fixed_no_obj_ptr ? presence * ptr : ptr;
  return gated + (1 - presence) * no_obj_ptr_;
}

torch::Tensor TrackingStep::attend(const FrameFeatures& f, const MemorySelection& memory) const {
  const auto dtype = model_->dtype();
  const int64_t mem_dim = maskmem_tpos_enc_.size(-1);
  std::vector<torch::Tensor> tokens, pos;
  for (const auto& [t_pos, out] : memory.spatial) {
    // float32 like the official on CUDA and wherever a pointer token makes torch.cat promote the bfloat16
    // memories; its CPU code crashes on the bfloat16 memories that remain without one.
    tokens.push_back(to_sequence(out->maskmem.to(torch::kFloat32)));
    pos.push_back(maskmem_pos_ + maskmem_tpos_enc_[config_.num_maskmem - t_pos - 1]);
  }
  int64_t num_ptr_tokens = 0;
  if (!memory.pointers.empty()) {
    std::vector<torch::Tensor> ptrs;
    std::vector<float> distances;
    for (const auto& [distance, out] : memory.pointers) {
      ptrs.push_back(out->obj_ptr);
      distances.push_back(static_cast<float>(distance));
    }
    auto obj_ptrs = torch::stack(ptrs);  // [P,1,C]
    const int64_t split = obj_ptrs.size(-1) / mem_dim;
    auto rel = torch::tensor(distances, torch::kFloat32).to(model_->device(), dtype);
    auto tpos = model_->tracking().run_method("obj_ptr_tpos", rel, memory.pointer_window).toTensor();  // [P,mem_dim]
    // Each C-wide pointer becomes C/mem_dim tokens sharing its temporal encoding.
    tokens.push_back(obj_ptrs.reshape({-1, 1, split, mem_dim}).permute({0, 2, 1, 3}).flatten(0, 1));
    pos.push_back(tpos.to(torch::kFloat32).unsqueeze(1).repeat_interleave(split, 0));
    num_ptr_tokens = obj_ptrs.size(0) * split;
  }
  const auto& e = f.embed;
  auto out = model_->memory_attention()
                 .forward({to_sequence(e), vision_pos_, torch::cat(tokens).to(dtype), torch::cat(pos).to(dtype),
                           num_ptr_tokens})
                 .toTensor();
  return out.permute({1, 2, 0}).reshape(e.sizes());
}

FrameOutput TrackingStep::heads(const torch::Tensor& pix, const FrameFeatures& f, const PointPrompt& points,
                                const torch::Tensor& mask_input, bool multimask) const {
  const int64_t L = model_->low_res_size();
  const bool has_mask = mask_input.defined();
  auto d = model_->decode(pix, f.feat_s0, f.feat_s1, points.coords, points.labels,
                          has_mask ? mask_input : torch::zeros({1, 1, L, L}, torch::kFloat32),
                          torch::full({1}, has_mask, torch::kBool));
  auto masks = d.masks.to(torch::kFloat32);
  auto iou = d.iou.to(torch::kFloat32);
  auto sel = multimask ? select_best_multimask(masks, iou) : select_hypotheses(masks, iou, false);
  const int64_t token = multimask && config_.use_multimask_token_for_obj_ptr ? sel.token_index.item<int64_t>() : 0;
  FrameOutput out;
  out.low_res = sel.masks;
  out.obj_ptr = d.obj_ptr.to(torch::kFloat32).select(1, token);
  out.score = d.object_score.to(torch::kFloat32);
  if (config_.pred_obj_scores) {
    auto present = out.score > 0;
    // Masks are a hard choice between object and no object; the pointer may be a soft one.
    out.low_res = torch::where(present.view({1, 1, 1, 1}), out.low_res, torch::full_like(out.low_res, kNoObjScore));
    out.obj_ptr = gate_pointer(out.obj_ptr, config_.soft_no_obj_ptr ? out.score.sigmoid() : present.to(torch::kFloat32));
  }
  return out;
}

FrameOutput TrackingStep::add_points(const FrameFeatures& f, const PointPrompt& points,
                                     const torch::Tensor& prev_logits, const MemorySelection* memory) const {
  auto pix = memory ? attend(f, *memory) : f.embed + no_mem_embed_.to(f.embed.dtype());
  auto mask_input = prev_logits.defined() ? prev_logits.clamp(-32.0, 32.0) : torch::Tensor();
  return heads(pix, f, points, mask_input, multimask_for(memory == nullptr, points.labels.size(1)));
}

FrameOutput TrackingStep::add_mask(const FrameFeatures& f, const torch::Tensor& mask) const {
  const int64_t L = model_->low_res_size();
  auto high = mask * 20.0 + (-10.0);  // the official +-10 logits (sigmoid(-10) = 4.5e-5)
  auto prompt = model_->tracking().run_method("mask_downsample", mask.to(model_->device(), model_->dtype())).toTensor();
  // The pointer comes from the raw feature: no memory and no no_mem_embed on this path.
  auto sam = heads(f.embed, f, padding_point(), prompt, /*multimask=*/false);
  auto presence = (mask.flatten(1) > 0).any(1, /*keepdim=*/true).to(torch::kFloat32);  // [1,1]
  FrameOutput out;
  out.low_res = at::_upsample_bilinear2d_aa(high, {L, L}, /*align_corners=*/false);
  out.score = presence * 20.0 + (-10.0);
  out.obj_ptr = config_.pred_obj_scores ? gate_pointer(sam.obj_ptr, presence) : sam.obj_ptr;
  return out;
}

FrameOutput TrackingStep::track(const FrameFeatures& f, const MemorySelection& memory) {
  auto out = heads(attend(f, memory), f, padding_point(), torch::Tensor(), multimask_for(false, 0));
  encode_memory(out, f.embed, /*from_prompt=*/false);
  return out;
}

void TrackingStep::encode_memory(FrameOutput& out, const torch::Tensor& embed, bool from_prompt) {
  const int64_t S = model_->image_size();
  auto high = upsample_logits(out.low_res, S, S);
  auto mask = from_prompt && config_.binarize_mask_from_pts_for_mem_enc ? (high > 0).to(torch::kFloat32)
                                                                        : high.sigmoid();
  mask = mask * config_.sigmoid_scale_for_mem_enc + config_.sigmoid_bias_for_mem_enc;
  auto encoded = model_->memory_encoder().forward({embed, mask.to(model_->dtype())}).toTuple();
  auto features = encoded->elements()[0].toTensor().to(torch::kFloat32);
  auto absent = 1 - (out.score > 0).to(torch::kFloat32);
  features = features + absent.view({1, 1, 1, 1}) * no_obj_embed_spatial_;
  out.maskmem = features.to(torch::kBFloat16);
  out.embed = torch::Tensor();
  if (!maskmem_pos_.defined()) maskmem_pos_ = to_sequence(encoded->elements()[1].toTensor().to(torch::kFloat32));
}

}  // namespace sam2
