#include "core/model_contract.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/errors.h"

namespace sam2 {

namespace {

using Names = std::vector<std::string>;

// forward's arguments after `self`, per file; tracking.pt has no forward, only these methods.
const std::map<std::string, Names>& forward_arguments() {
  static const std::map<std::string, Names> table{
      {"image_encoder.pt", {"x"}},
      {"prompt_decoder.pt", {"embed", "feat_s0", "feat_s1", "coords", "labels", "mask_input", "has_mask"}},
      {"memory_attention.pt", {"curr", "curr_pos", "memory", "memory_pos", "num_obj_ptr_tokens"}},
      {"memory_encoder.pt", {"pix_feat", "mask"}},
  };
  return table;
}
const Names kTrackingMethods{"obj_ptr_tpos", "mask_downsample"};
const Names kTrackingBuffers{"no_mem_embed", "no_mem_pos_enc", "maskmem_tpos_enc", "no_obj_ptr", "vision_pos_enc"};

std::string join(const Names& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return "(" + out + ")";
}

Names arguments_of(const torch::jit::Method& method) {
  Names names;
  const auto& args = method.function().getSchema().arguments();
  for (size_t i = 1; i < args.size(); ++i) names.push_back(args[i].name());  // [0] is self
  return names;
}

[[noreturn]] void mismatch(const char* file, const std::string& problem) {
  throw ArgumentError("model", std::string(file) + ": " + problem +
                                   " (another module's file, or not made by sam2-node export?)");
}

}  // namespace

void check_module_interface(const torch::jit::Module& module, const char* file) {
  const auto expected = forward_arguments().find(file);
  const auto forward = module.find_method("forward");
  if (expected == forward_arguments().end()) {
    if (forward) mismatch(file, "has a forward method; tracking.pt holds only buffers and helper methods");
    for (const auto& name : kTrackingMethods) {
      if (!module.find_method(name)) mismatch(file, "has no method " + name);
    }
    for (const auto& name : kTrackingBuffers) {
      if (!module.hasattr(name) || !module.attr(name).isTensor()) mismatch(file, "has no tensor " + name);
    }
    return;
  }
  if (!forward) mismatch(file, "has no forward method");
  const auto actual = arguments_of(*forward);
  if (actual != expected->second) {
    mismatch(file, "forward takes " + join(actual) + ", expected " + join(expected->second));
  }
}

void check_image_size(const torch::jit::Module& tracking, int64_t image_size) {
  const auto pos = tracking.attr("vision_pos_enc").toTensor();
  const int64_t feat = image_size / 16;
  if (pos.dim() != 4 || pos.size(2) != pos.size(3)) {
    mismatch("tracking.pt", "vision_pos_enc has shape " + c10::str(pos.sizes()) + ", expected [1, 256, h, h]");
  }
  if (pos.size(2) != feat) {
    throw ArgumentError("model", "manifest.json says imageSize " + std::to_string(image_size) +
                                     ", but the modules were exported for " + std::to_string(pos.size(2) * 16) +
                                     " (tracking.pt's vision_pos_enc is " + std::to_string(pos.size(2)) + "x" +
                                     std::to_string(pos.size(3)) + ", expected " + std::to_string(feat) + "x" +
                                     std::to_string(feat) + ")");
  }
}

void check_normalisation(const std::array<double, 3>& mean, const std::array<double, 3>& std) {
  for (int i = 0; i < 3; ++i) {
    if (!std::isfinite(mean[i]) || mean[i] < 0 || mean[i] > 1) {
      throw ArgumentError("model", "mean[" + std::to_string(i) + "] must be in [0, 1] (pixels are scaled to [0, 1])");
    }
    if (!std::isfinite(std[i]) || std[i] < 1e-3 || std[i] > 10) {
      throw ArgumentError("model", "std[" + std::to_string(i) + "] must be in [0.001, 10]");
    }
  }
}

}  // namespace sam2
