#pragma once
// Per-environment state (main thread and each worker_thread get their own): the constructors the
// addon needs to make wrapped objects from C++. Never static: a static FunctionReference outlives its
// environment and crashes when a worker thread exits.
#include <napi.h>

namespace sam2::napi {

struct AddonData {
  Napi::FunctionReference model_ctor;
  Napi::FunctionReference embedding_ctor;
  Napi::FunctionReference video_session_ctor;
  Napi::FunctionReference tracker_ctor;
};

inline AddonData& addon_data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace sam2::napi
