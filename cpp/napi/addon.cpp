// Addon entry point: registers the wrapped classes and free functions for each environment.
#include <napi.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include "core/process_setup.h"
#include "napi/addon_data.h"
#include "napi/components.h"
#include "napi/embedding_wrap.h"
#include "napi/model_wrap.h"
#include "napi/tracker_wrap.h"
#include "napi/video_session_wrap.h"

namespace sam2::napi {

Napi::Value CudaAvailable(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), torch::cuda::is_available());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  configure_libtorch();
  auto* data = new AddonData();
  auto model_ctor = ModelWrap::Define(env);
  auto embedding_ctor = EmbeddingWrap::Define(env);
  data->model_ctor = Napi::Persistent(model_ctor);
  data->embedding_ctor = Napi::Persistent(embedding_ctor);
  data->video_session_ctor = Napi::Persistent(VideoSessionWrap::Define(env));
  data->tracker_ctor = Napi::Persistent(TrackerWrap::Define(env));
  env.SetInstanceData<AddonData>(data);

  exports.Set("NativeModel", model_ctor);
  exports.Set("NativeEmbedding", embedding_ctor);
  exports.Set("loadModel", Napi::Function::New<ModelWrap::Load>(env, "loadModel"));
  exports.Set("connectedComponents", Napi::Function::New<ConnectedComponents>(env, "connectedComponents"));
  exports.Set("cudaAvailable", Napi::Function::New<CudaAvailable>(env, "cudaAvailable"));
  return exports;
}

}  // namespace sam2::napi

// NODE_API_MODULE pastes its argument into an identifier, so it needs an unqualified name.
static Napi::Object InitSam2Node(Napi::Env env, Napi::Object exports) { return sam2::napi::Init(env, exports); }
NODE_API_MODULE(sam2_node, InitSam2Node)
