#include "napi/tracker_wrap.h"

#include "napi/addon_data.h"
#include "napi/convert.h"

namespace sam2::napi {

Napi::Function TrackerWrap::Define(Napi::Env env) {
  return DefineClass(env, kClassName,
                     {InstanceMethod<&TrackerWrap::Track>("track"), InstanceMethod<&TrackerWrap::AddPoints>("addPoints"),
                      InstanceMethod<&TrackerWrap::AddMask>("addMask"),
                      InstanceMethod<&TrackerWrap::RemoveObject>("removeObject"),
                      InstanceMethod<&TrackerWrap::Reset>("reset"), InstanceMethod<&TrackerWrap::Dispose>("dispose")});
}

Napi::Value TrackerWrap::Create(const Napi::CallbackInfo& info, std::shared_ptr<Model> model, int threads) {
  auto env = info.Env();
  const auto tracking = get_tracking_config(info[0]);
  if (!info[1].IsObject()) throw_argument(env, "options", "must be an object");
  const auto opts = info[1].As<Napi::Object>();
  StreamingOptions options;
  options.output = get_output_options(opts);
  options.max_cond_frames = get_int(opts, "maxMemoryFrames", options.max_cond_frames);
  options.max_cached_frames = get_int(opts, "maxCachedFrames", options.max_cached_frames);
  return adopt(env, addon_data(env).tracker_ctor, threads,
               [&] { return std::make_shared<StreamingTracker>(std::move(model), tracking, options); });
}

Napi::Value TrackerWrap::Track(const Napi::CallbackInfo& info) {
  const auto image = get_raw_image(info[0], "image");
  if (!image) throw_argument(info.Env(), "image", "must be { data, width, height, channels }");
  return frame_job(info, [image = *image](StreamingTracker& t) { return t.track(image.image); });
}

Napi::Value TrackerWrap::AddPoints(const Napi::CallbackInfo& info) {
  return frame_job(info, [c = get_points_call(options_arg(info))](StreamingTracker& t) {
    return t.add_points(c.frame, c.object_id, c.coords, c.labels, c.clear_old);
  });
}

Napi::Value TrackerWrap::AddMask(const Napi::CallbackInfo& info) {
  return frame_job(info, [c = get_mask_call(options_arg(info))](StreamingTracker& t) {
    return t.add_mask(c.frame, c.object_id, c.mask.data, static_cast<int64_t>(c.mask.length));
  });
}

Napi::Value TrackerWrap::RemoveObject(const Napi::CallbackInfo& info) {
  const auto id = static_cast<int32_t>(get_number(info[0], "objectId"));
  with_object(info.Env(), object_, [&](StreamingTracker& t) { t.remove_object(id); });
  return info.Env().Undefined();
}

Napi::Value TrackerWrap::Reset(const Napi::CallbackInfo& info) {
  with_object(info.Env(), object_, [](StreamingTracker& t) { t.reset(); });
  return info.Env().Undefined();
}

Napi::Value TrackerWrap::Dispose(const Napi::CallbackInfo& info) {
  release();
  return info.Env().Undefined();
}

}  // namespace sam2::napi
