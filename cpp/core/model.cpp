#include "core/model.h"

#include <torch/cuda.h>
#include <torch/version.h>

#include <filesystem>

#include "core/errors.h"
#include "core/model_contract.h"

namespace sam2 {

torch::Device parse_device(const std::string& device) {
  if (device == "cpu") return torch::kCPU;
  if (device == "cuda" || device.rfind("cuda:", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw ArgumentError("device", "'" + device + "' requested but this libtorch has no usable CUDA device");
    }
    const int64_t index = device == "cuda" ? 0 : std::stoll(device.substr(5));
    if (index < 0 || index >= static_cast<int64_t>(torch::cuda::device_count())) {
      throw ArgumentError("device", "'" + device + "': only " + std::to_string(torch::cuda::device_count()) +
                                        " CUDA device(s) present");
    }
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw ArgumentError("device", "expected 'cpu', 'cuda' or 'cuda:N', got '" + device + "'");
}

torch::ScalarType parse_dtype(const std::string& dtype) {
  if (dtype == "float32") return torch::kFloat32;
  if (dtype == "float16") return torch::kFloat16;
  if (dtype == "bfloat16") return torch::kBFloat16;
  throw ArgumentError("dtype", "expected 'float32', 'float16' or 'bfloat16', got '" + dtype + "'");
}

namespace {

torch::jit::Module load_module(const ModelSpec& spec, const char* file, torch::Device device, torch::ScalarType dtype) {
  const auto path = std::filesystem::path(spec.dir) / file;
  if (!std::filesystem::exists(path)) throw ArgumentError("model", "missing " + path.string());
  torch::jit::Module module;
  try {
    module = torch::jit::load(path.string(), device);
  } catch (const c10::Error& e) {
    throw ArgumentError("model", "cannot load " + path.string() + ": " + e.what_without_backtrace());
  }
  check_module_interface(module, file);
  module.eval();
  module.to(dtype);
  return module;
}

}  // namespace

Model::Model(const ModelSpec& spec)
    : spec_(spec), device_(parse_device(spec.device)), dtype_(parse_dtype(spec.dtype)) {
  if (dtype_ != torch::kFloat32 && device_.is_cpu() && TORCH_VERSION_MAJOR < 2) {
    throw ArgumentError("dtype", spec.dtype + " needs a CUDA device with this libtorch (" + TORCH_VERSION +
                                     "): its CPU convolutions lack 16-bit kernels");
  }
  if (spec.image_size <= 0 || spec.image_size % 16 != 0) {
    throw ArgumentError("model", "image size " + std::to_string(spec.image_size) + " is not a positive multiple of 16");
  }
  check_normalisation(spec.mean, spec.std);
  // Frozen: weights become constants and what depends on them alone (the decoder's positional encoding of the
  // image grid) is computed once here, which makes the first calls 30-40% faster. Only the image path: the
  // video code reads attributes of the other modules.
  image_encoder_ = torch::jit::freeze(load_module(spec, "image_encoder.pt", device_, dtype_));
  // The decoder stays in float32 whatever the dtype: it is a small share of the work, and in 16-bit the
  // prompt coordinates (up to S pixels) would be rounded by several pixels before the positional encoding.
  prompt_decoder_ = torch::jit::freeze(load_module(spec, "prompt_decoder.pt", device_, torch::kFloat32));
  memory_attention_ = load_module(spec, "memory_attention.pt", device_, dtype_);
  memory_encoder_ = load_module(spec, "memory_encoder.pt", device_, dtype_);
  tracking_ = load_module(spec, "tracking.pt", device_, dtype_);
  check_image_size(tracking_, spec.image_size);

  no_mem_embed_ = tracking_buffer("no_mem_embed").reshape({1, -1, 1, 1});
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(device_);
  mean_ = torch::tensor({spec.mean[0], spec.mean[1], spec.mean[2]}, opts).reshape({1, 3, 1, 1});
  std_ = torch::tensor({spec.std[0], spec.std[1], spec.std[2]}, opts).reshape({1, 3, 1, 1});
}

torch::Tensor Model::tracking_buffer(const char* name) const {
  if (!tracking_.hasattr(name)) throw ArgumentError("model", std::string("tracking.pt has no '") + name + "'");
  return tracking_.attr(name).toTensor();
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> Model::encode(const torch::Tensor& image) {
  auto out = image_encoder_.forward({image.to(device_, dtype_)}).toTuple();
  return {out->elements()[0].toTensor(), out->elements()[1].toTensor(), out->elements()[2].toTensor()};
}

Model::DecoderOut Model::decode(const torch::Tensor& embed, const torch::Tensor& feat_s0, const torch::Tensor& feat_s1,
                                const torch::Tensor& coords, const torch::Tensor& labels,
                                const torch::Tensor& mask_input, const torch::Tensor& has_mask) {
  auto out = prompt_decoder_
                 .forward({embed.to(device_, torch::kFloat32), feat_s0.to(device_, torch::kFloat32),
                           feat_s1.to(device_, torch::kFloat32), coords.to(device_, torch::kFloat32),
                           labels.to(device_, torch::kLong), mask_input.to(device_, torch::kFloat32),
                           has_mask.to(device_, torch::kBool)})
                 .toTuple();
  const auto& e = out->elements();
  return {e[0].toTensor(), e[1].toTensor(), e[2].toTensor(), e[3].toTensor()};
}

}  // namespace sam2
