#pragma once
// NativeModel.generateMasks(source, options, onProgress?): automatic mask generation on the thread pool.
#include <napi.h>

#include <memory>

#include "core/model.h"

namespace sam2::napi {

// source: a NativeEmbedding of `model_id`'s model, or { data, width, height, channels } pixels.
Napi::Value GenerateMasks(const Napi::CallbackInfo& info, std::shared_ptr<Model> model, uint64_t model_id,
                          int threads);

}  // namespace sam2::napi
