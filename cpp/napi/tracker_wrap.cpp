#include "napi/tracker_wrap.h"

#include "napi/addon_data.h"
#include "napi/convert.h"

namespace sam2::napi {

Napi::Function TrackerWrap::Define(Napi::Env env) {
  return DefineClass(env, "NativeTracker",
                     {InstanceMethod<&TrackerWrap::Track>("track"), InstanceMethod<&TrackerWrap::AddPoints>("addPoints"),
                      InstanceMethod<&TrackerWrap::AddMask>("addMask"),
                      InstanceMethod<&TrackerWrap::RemoveObject>("removeObject"),
                      InstanceMethod<&TrackerWrap::Reset>("reset"), InstanceMethod<&TrackerWrap::Dispose>("dispose")});
}

TrackerWrap::TrackerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TrackerWrap>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "NativeTracker is made by createTracker(), not constructed");
  }
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
  std::shared_ptr<StreamingTracker> tracker;
  try {
    tracker = std::make_shared<StreamingTracker>(std::move(model), tracking, options);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  auto obj = addon_data(env).tracker_ctor.New({Napi::External<void>::New(env, nullptr)});
  auto* self = Napi::ObjectWrap<TrackerWrap>::Unwrap(obj);
  self->tracker_.object = std::move(tracker);
  self->threads_ = threads;
  return obj;
}

Napi::Promise TrackerWrap::frame_job(const Napi::CallbackInfo& info,
                                     std::function<FrameResult(StreamingTracker&)> work) {
  return queue_job<StreamingTracker, FrameResult>(info.Env(), tracker_, threads_, std::move(work),
                                                  frame_result_to_js, {info[0]});
}

Napi::Value TrackerWrap::Track(const Napi::CallbackInfo& info) {
  const auto image = get_raw_image(info[0], "image");
  if (!image) throw_argument(info.Env(), "image", "must be { data, width, height, channels }");
  return frame_job(info, [image = *image](StreamingTracker& t) { return t.track(image); });
}

Napi::Value TrackerWrap::AddPoints(const Napi::CallbackInfo& info) {
  const auto o = options_arg(info);
  const int64_t frame = get_required_int(o, "frame");
  const int32_t id = get_object_id(o);
  auto coords = get_typed_vector<float>(o, "coords");
  auto labels = get_typed_vector<int32_t>(o, "labels");
  const bool clear_old = get_bool(o, "clearOld", true);
  return frame_job(info, [=](StreamingTracker& t) { return t.add_points(frame, id, coords, labels, clear_old); });
}

Napi::Value TrackerWrap::AddMask(const Napi::CallbackInfo& info) {
  const auto o = options_arg(info);
  const int64_t frame = get_required_int(o, "frame");
  const int32_t id = get_object_id(o);
  const auto mask = get_bytes(o.Get("mask"), "mask");
  return frame_job(info, [=](StreamingTracker& t) {
    return t.add_mask(frame, id, mask.data, static_cast<int64_t>(mask.length));
  });
}

Napi::Value TrackerWrap::RemoveObject(const Napi::CallbackInfo& info) {
  const auto id = static_cast<int32_t>(get_number(info[0], "objectId"));
  with_object(info.Env(), tracker_, [&](StreamingTracker& t) { t.remove_object(id); });
  return info.Env().Undefined();
}

Napi::Value TrackerWrap::Reset(const Napi::CallbackInfo& info) {
  with_object(info.Env(), tracker_, [](StreamingTracker& t) { t.reset(); });
  return info.Env().Undefined();
}

Napi::Value TrackerWrap::Dispose(const Napi::CallbackInfo& info) {
  tracker_.object.reset();
  return info.Env().Undefined();
}

}  // namespace sam2::napi
