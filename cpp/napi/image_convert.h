#pragma once
// Conversions of the image predictor's prompts, results and portable-embedding digests.
#include <napi.h>

#include <string>

#include "core/embedding_format.h"
#include "core/image_predictor.h"

namespace sam2::napi {

// A NativePrompt (lib/native.ts); `parameter` names it in errors ("prompt", "prompts[3]").
ImagePrompt get_image_prompt(const Napi::Value& value, const std::string& parameter);
// A Prediction as the public API returns it; the arrays own their tensors (no copy).
Napi::Value image_prediction_to_js(Napi::Env env, const ImagePrediction& result);
// The 32-byte model digest lib/ computes from manifest.json.
ModelDigest get_model_digest(const Napi::Value& value);

}  // namespace sam2::napi
