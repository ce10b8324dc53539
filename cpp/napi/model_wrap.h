#pragma once
// JS handle on a loaded Model: info, encodeImage(s), predict(Batch), embeddingFromBuffer, dispose. Every model call runs on the
// thread pool; the wrap only converts arguments and results.
#include <napi.h>

#include <memory>

#include "core/model.h"

namespace sam2::napi {

class ModelWrap : public Napi::ObjectWrap<ModelWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // loadModel(dir, options) -> Promise<NativeModel>
  static Napi::Value Load(const Napi::CallbackInfo& info);

  explicit ModelWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value EncodeImage(const Napi::CallbackInfo& info);
  // encodeImages([{ data, width, height, channels }, ...]) -> Promise<NativeEmbedding[]>: one batched encoder call.
  Napi::Value EncodeImages(const Napi::CallbackInfo& info);
  Napi::Value Predict(const Napi::CallbackInfo& info);
  // predictBatch(embeddings[], prompts[]) -> Promise<Prediction[]>: query i is prompts[i] on embeddings[i].
  Napi::Value PredictBatch(const Napi::CallbackInfo& info);
  // embeddingFromBuffer(buffer, digest) -> Promise<NativeEmbedding>: the portable format, checked in the core.
  Napi::Value EmbeddingFromBuffer(const Napi::CallbackInfo& info);
  // generateMasks(source, options, onProgress?) -> Promise<columns>: see napi/generate_masks.h.
  Napi::Value GenerateMasks(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  // Video: createVideoState(tracking, options) and createTracker(tracking, options), see the wraps.
  Napi::Value CreateVideoState(const Napi::CallbackInfo& info);
  Napi::Value CreateTracker(const Napi::CallbackInfo& info);

  std::shared_ptr<Model> model(Napi::Env env) const;

  std::shared_ptr<Model> model_;
  uint64_t id_ = 0;
  int threads_ = 0;
};

}  // namespace sam2::napi
