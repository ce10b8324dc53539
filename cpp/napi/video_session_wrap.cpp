#include "napi/video_session_wrap.h"

#include "core/errors.h"
#include "napi/addon_data.h"
#include "napi/convert.h"

namespace sam2::napi {

Napi::Function VideoSessionWrap::Define(Napi::Env env) {
  return DefineClass(env, kClassName,
                     {InstanceMethod<&VideoSessionWrap::HasFeatures>("hasFeatures"),
                      InstanceMethod<&VideoSessionWrap::AddPoints>("addPoints"),
                      InstanceMethod<&VideoSessionWrap::AddMask>("addMask"),
                      InstanceMethod<&VideoSessionWrap::StartPropagation>("startPropagation"),
                      InstanceMethod<&VideoSessionWrap::Propagate>("propagate"),
                      InstanceMethod<&VideoSessionWrap::RemoveObject>("removeObject"),
                      InstanceMethod<&VideoSessionWrap::Reset>("reset"),
                      InstanceMethod<&VideoSessionWrap::ForgetBefore>("forgetBefore"),
                      InstanceMethod<&VideoSessionWrap::Dispose>("dispose")});
}

Napi::Value VideoSessionWrap::Create(const Napi::CallbackInfo& info, std::shared_ptr<Model> model, int threads) {
  auto env = info.Env();
  const auto tracking = get_tracking_config(info[0]);
  if (!info[1].IsObject()) throw_argument(env, "options", "must be an object");
  const auto opts = info[1].As<Napi::Object>();
  VideoSessionOptions options;
  options.geometry = {get_required_int(opts, "numFrames"), get_required_int(opts, "width"),
                      get_required_int(opts, "height")};
  options.output = get_output_options(opts);
  options.max_cached_frames = get_int(opts, "maxCachedFrames", options.max_cached_frames);
  return adopt(env, addon_data(env).video_session_ctor, threads,
               [&] { return std::make_shared<VideoSession>(std::move(model), tracking, options); });
}

Napi::Value VideoSessionWrap::HasFeatures(const Napi::CallbackInfo& info) {
  const auto frame = static_cast<int64_t>(get_number(info[0], "frame"));
  return Napi::Boolean::New(info.Env(), with_object(info.Env(), object_, [&](VideoSession& s) {
                              return s.has_features(frame);
                            }));
}

Napi::Value VideoSessionWrap::AddPoints(const Napi::CallbackInfo& info) {
  const auto o = options_arg(info);
  const auto image = get_raw_image(o.Get("image"), "image");
  return frame_job(info, [c = get_points_call(o), image](VideoSession& s) {
    return s.add_points(c.frame, image ? &image->image : nullptr, c.object_id, c.coords, c.labels, c.clear_old);
  });
}

Napi::Value VideoSessionWrap::AddMask(const Napi::CallbackInfo& info) {
  const auto o = options_arg(info);
  const auto image = get_raw_image(o.Get("image"), "image");
  return frame_job(info, [c = get_mask_call(o), image](VideoSession& s) {
    return s.add_mask(c.frame, image ? &image->image : nullptr, c.object_id, c.mask.data,
                      static_cast<int64_t>(c.mask.length));
  });
}

Napi::Value VideoSessionWrap::StartPropagation(const Napi::CallbackInfo& info) {
  return queue_job<VideoSession, int64_t>(
      info.Env(), object_, threads_, [](VideoSession& s) { return s.start_propagation(); },
      [](Napi::Env env, const int64_t& start) -> Napi::Value {
        return Napi::Number::New(env, static_cast<double>(start));
      });
}

Napi::Value VideoSessionWrap::Propagate(const Napi::CallbackInfo& info) {
  const auto o = options_arg(info);
  const int64_t frame = get_required_int(o, "frame");
  const bool reverse = get_bool(o, "reverse", false);
  const auto image = get_raw_image(o.Get("image"), "image");
  return frame_job(info, [=](VideoSession& s) { return s.propagate(frame, reverse, image ? &image->image : nullptr); });
}

Napi::Value VideoSessionWrap::RemoveObject(const Napi::CallbackInfo& info) {
  const auto id = static_cast<int32_t>(get_number(info[0], "objectId"));
  with_object(info.Env(), object_, [&](VideoSession& s) { s.state().remove_object(id); });
  return info.Env().Undefined();
}

Napi::Value VideoSessionWrap::Reset(const Napi::CallbackInfo& info) {
  with_object(info.Env(), object_, [](VideoSession& s) { s.state().reset(); });
  return info.Env().Undefined();
}

Napi::Value VideoSessionWrap::ForgetBefore(const Napi::CallbackInfo& info) {
  const auto oldest = static_cast<int64_t>(get_number(info[0], "frame"));
  with_object(info.Env(), object_, [&](VideoSession& s) { s.forget_before(oldest); });
  return info.Env().Undefined();
}

Napi::Value VideoSessionWrap::Dispose(const Napi::CallbackInfo& info) {
  release();
  return info.Env().Undefined();
}

}  // namespace sam2::napi
