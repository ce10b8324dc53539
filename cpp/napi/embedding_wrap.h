#pragma once
// JS handle on an ImageEmbedding. The features stay on the model's device; jobs hold their own
// reference, so dispose() while a prediction runs frees them when it finishes.
#include <napi.h>

#include <memory>

#include "core/image_predictor.h"

namespace sam2::napi {

class EmbeddingWrap : public Napi::ObjectWrap<EmbeddingWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  static Napi::Object Create(Napi::Env env, std::shared_ptr<const ImageEmbedding> embedding, uint64_t owner);
  static EmbeddingWrap* Unwrap(const Napi::Value& value);

  explicit EmbeddingWrap(const Napi::CallbackInfo& info);

  // The embedding, or a JS error naming `embedding` when it was disposed or made by another model.
  std::shared_ptr<const ImageEmbedding> get(Napi::Env env, uint64_t owner) const;

 private:
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  // toBuffer(digest) -> Buffer in the portable format. Synchronous, as the API promises: a copy of the features
  // (4 MiB at S=512, 16 MiB at S=1024) and a CRC; on CUDA it waits for the device copy.
  Napi::Value ToBuffer(const Napi::CallbackInfo& info);
  Napi::Value Disposed(const Napi::CallbackInfo& info);
  Napi::Value Width(const Napi::CallbackInfo& info);
  Napi::Value Height(const Napi::CallbackInfo& info);

  std::shared_ptr<const ImageEmbedding> embedding_;
  uint64_t owner_ = 0;
  int64_t width_ = 0, height_ = 0;
};

}  // namespace sam2::napi
