#include "napi/video_convert.h"

#include <cstdint>
#include <map>
#include <string>

#include "core/errors.h"
#include "napi/convert.h"

namespace sam2::napi {

TrackingConfig get_tracking_config(const Napi::Value& value) {
  auto env = value.Env();
  if (!value.IsObject()) throw_argument(env, "model", "the manifest has no tracking table");
  auto table = value.As<Napi::Object>();
  std::map<std::string, double> flags;
  auto keys = table.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    const auto key = keys.Get(i).As<Napi::String>().Utf8Value();
    const auto v = table.Get(key);
    if (v.IsBoolean()) flags[key] = v.As<Napi::Boolean>().Value() ? 1 : 0;
    if (v.IsNumber()) flags[key] = v.As<Napi::Number>().DoubleValue();
  }
  try {
    return TrackingConfig::from_flags(flags);
  } catch (const ArgumentError& e) {
    throw Napi::Error::New(env, e.what());
  }
}

int64_t get_required_int(const Napi::Object& obj, const char* key) {
  if (obj.Get(key).IsUndefined()) throw_argument(obj.Env(), key, "is required");
  return get_int(obj, key, 0);
}

OutputOptions get_output_options(const Napi::Object& options) {
  OutputOptions out;
  out.fill_hole_area = get_int(options, "fillHoleArea", out.fill_hole_area);
  out.non_overlap = get_bool(options, "nonOverlap", out.non_overlap);
  return out;
}

std::optional<CopiedImage> get_raw_image(const Napi::Value& value, const char* parameter) {
  if (value.IsNull() || value.IsUndefined()) return std::nullopt;
  if (!value.IsObject()) throw_argument(value.Env(), parameter, "must be { data, width, height, channels }");
  auto obj = value.As<Napi::Object>();
  return copy_image(obj.Get("data"), obj.Get("width"), obj.Get("height"), obj.Get("channels"));
}

Napi::Object options_arg(const Napi::CallbackInfo& info) {
  if (!info[0].IsObject()) throw_argument(info.Env(), "options", "must be an object");
  return info[0].As<Napi::Object>();
}

int32_t get_object_id(const Napi::Object& options) {
  const int64_t id = get_required_int(options, "objectId");
  if (id < INT32_MIN || id > INT32_MAX) throw_argument(options.Env(), "objectId", "must fit in an int32");
  return static_cast<int32_t>(id);
}

PointsCall get_points_call(const Napi::Object& options) {
  return {get_required_int(options, "frame"), get_object_id(options), get_typed_vector<float>(options, "coords"),
          get_typed_vector<int32_t>(options, "labels"), get_bool(options, "clearOld", true)};
}

MaskCall get_mask_call(const Napi::Object& options) {
  return {get_required_int(options, "frame"), get_object_id(options), copy_bytes(options.Get("mask"), "mask")};
}

namespace {

Napi::Value ids_to_js(Napi::Env env, const std::vector<int32_t>& ids) {
  auto arr = Napi::Array::New(env, ids.size());
  for (uint32_t i = 0; i < ids.size(); ++i) arr.Set(i, Napi::Number::New(env, ids[i]));
  return arr;
}

}  // namespace

Napi::Value frame_result_to_js(Napi::Env env, const FrameResult& r) {
  auto obj = Napi::Object::New(env);
  obj.Set("frame", Napi::Number::New(env, static_cast<double>(r.frame)));
  obj.Set("objectIds", ids_to_js(env, r.object_ids));
  obj.Set("masks", tensor_to_typed_array(env, r.masks));
  obj.Set("lowResLogits", tensor_to_typed_array(env, r.low_res_logits));
  obj.Set("lowResSize", Napi::Number::New(env, static_cast<double>(r.low_res_size)));
  obj.Set("objectScores", tensor_to_typed_array(env, r.object_scores));
  return obj;
}

}  // namespace sam2::napi
