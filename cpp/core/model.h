#pragma once
// A loaded model directory: the five TorchScript modules of docs/ARCHITECTURE.md on one device/dtype.
#include <torch/script.h>

#include <array>
#include <string>

namespace sam2 {

struct ModelSpec {
  std::string dir;
  std::string device = "cpu";   // "cpu", "cuda", "cuda:N"
  std::string dtype = "float32";  // "float32", "float16", "bfloat16"
  int64_t image_size = 1024;
  std::array<double, 3> mean{0.485, 0.456, 0.406};
  std::array<double, 3> std{0.229, 0.224, 0.225};
};

class Model {
 public:
  explicit Model(const ModelSpec& spec);

  const ModelSpec& spec() const { return spec_; }
  torch::Device device() const { return device_; }
  torch::ScalarType dtype() const { return dtype_; }
  int64_t image_size() const { return spec_.image_size; }
  int64_t low_res_size() const { return spec_.image_size / 4; }
  int64_t feat_size() const { return spec_.image_size / 16; }

  // Module calls. Inputs are converted to the model's device and dtype here, outputs are returned as
  // the module produced them (callers cast what they post-process to float32).
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> encode(const torch::Tensor& image);
  struct DecoderOut {
    torch::Tensor masks, iou, obj_ptr, object_score;  // [B,4,L,L], [B,4], [B,4,256], [B,1]
  };
  DecoderOut decode(const torch::Tensor& embed, const torch::Tensor& feat_s0, const torch::Tensor& feat_s1,
                    const torch::Tensor& coords, const torch::Tensor& labels, const torch::Tensor& mask_input,
                    const torch::Tensor& has_mask);

  // Constants of the tracking module, on the model's device and dtype.
  const torch::Tensor& no_mem_embed() const { return no_mem_embed_; }
  const torch::Tensor& mean() const { return mean_; }
  const torch::Tensor& std() const { return std_; }

  torch::jit::Module& memory_attention() { return memory_attention_; }
  torch::jit::Module& memory_encoder() { return memory_encoder_; }
  torch::jit::Module& tracking() { return tracking_; }
  torch::Tensor tracking_buffer(const char* name) const;

 private:
  ModelSpec spec_;
  torch::Device device_;
  torch::ScalarType dtype_;
  torch::jit::Module image_encoder_, prompt_decoder_, memory_attention_, memory_encoder_, tracking_;
  torch::Tensor no_mem_embed_, mean_, std_;
};

torch::Device parse_device(const std::string& device);
torch::ScalarType parse_dtype(const std::string& dtype);

}  // namespace sam2
