#pragma once
// The official SAM2ImagePredictor's behaviour over an exported model.
#include <torch/torch.h>

#include <memory>
#include <optional>
#include <vector>

#include "core/model.h"
#include "core/preprocess.h"

namespace sam2 {

// Features of one image, kept on the model's device; immutable once made, so any number of
// predictions may read it at once.
struct ImageEmbedding {
  torch::Tensor embed;  // [1,256,h,w], no_mem_embed added
  torch::Tensor feat_s0, feat_s1;
  int64_t width, height;  // the original image size
};

struct ImagePrompt {
  std::vector<float> coords;   // x,y pairs in original pixels; box corners first
  std::vector<int32_t> labels;  // one per pair: 1, 0, 2/3 (box corners)
  std::optional<std::vector<float>> mask_input;  // L*L low-res logits
  bool multimask = true;
  bool return_logits = false;
  int64_t hole_area = 0, sprinkle_area = 0;
};

struct ImagePrediction {
  int64_t count, width, height, low_res_size;
  torch::Tensor masks;            // uint8 [count,H,W], CPU, contiguous
  torch::Tensor scores;           // float32 [count], CPU
  torch::Tensor low_res_logits;   // float32 [count,L,L], CPU, clamped to +-32 like the official
  std::optional<torch::Tensor> logits;  // float32 [count,H,W], CPU
};

ImageEmbedding encode_image(Model& model, const RawImage& image);
// One encoder call on a batch; each embedding owns its own memory, as if encoded alone.
std::vector<ImageEmbedding> encode_images(Model& model, const std::vector<RawImage>& images);
// Most prompts one predict_batch call takes: the decoder's activations grow linearly with the batch (about
// 20 MiB per prompt at S=1024), so this bounds one call's peak memory to a few GiB.
constexpr size_t kMaxBatchPrompts = 256;

// One prompt on one image.
struct ImageQuery {
  std::shared_ptr<const ImageEmbedding> embedding;
  ImagePrompt prompt;
};

// A batch of one: bad input throws ArgumentError naming the bare field (`points`).
ImagePrediction predict_image(Model& model, const ImageQuery& query);
// Every query in as few decoder calls as the prompts allow: one per distinct point count (see the .cpp for
// why prompts are not padded to a common length). Result i answers query i, as predict_image would alone.
// Bad input throws ArgumentError naming `prompts[i].<field>`.
std::vector<ImagePrediction> predict_batch(Model& model, const std::vector<ImageQuery>& queries);

}  // namespace sam2
