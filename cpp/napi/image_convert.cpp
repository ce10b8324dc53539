#include "napi/image_convert.h"

#include <cstring>

#include "napi/convert.h"

namespace sam2::napi {

ImagePrompt get_image_prompt(const Napi::Value& value, const std::string& parameter) {
  if (!value.IsObject()) throw_argument(value.Env(), parameter, "must be an object");
  const auto p = value.As<Napi::Object>();
  ImagePrompt prompt;
  prompt.coords = get_typed_vector<float>(p, "coords");
  prompt.labels = get_typed_vector<int32_t>(p, "labels");
  if (!p.Get("maskInput").IsNull() && !p.Get("maskInput").IsUndefined()) {
    prompt.mask_input = get_typed_vector<float>(p, "maskInput");
  }
  prompt.multimask = get_bool(p, "multimask", true);
  prompt.return_logits = get_bool(p, "returnLogits", false);
  prompt.hole_area = get_int(p, "holeArea", 0);
  prompt.sprinkle_area = get_int(p, "sprinkleArea", 0);
  return prompt;
}

Napi::Value image_prediction_to_js(Napi::Env env, const ImagePrediction& result) {
  auto obj = Napi::Object::New(env);
  obj.Set("count", Napi::Number::New(env, static_cast<double>(result.count)));
  obj.Set("width", Napi::Number::New(env, static_cast<double>(result.width)));
  obj.Set("height", Napi::Number::New(env, static_cast<double>(result.height)));
  obj.Set("lowResSize", Napi::Number::New(env, static_cast<double>(result.low_res_size)));
  obj.Set("masks", tensor_to_typed_array(env, result.masks));
  obj.Set("scores", tensor_to_typed_array(env, result.scores));
  obj.Set("lowResLogits", tensor_to_typed_array(env, result.low_res_logits));
  if (result.logits) obj.Set("logits", tensor_to_typed_array(env, *result.logits));
  return obj;
}

ModelDigest get_model_digest(const Napi::Value& value) {
  const auto bytes = copy_bytes(value, "digest");
  ModelDigest digest;
  if (bytes.length != digest.size()) throw_argument(value.Env(), "digest", "must be 32 bytes (sha256)");
  std::memcpy(digest.data(), bytes.data, digest.size());
  return digest;
}

}  // namespace sam2::napi
