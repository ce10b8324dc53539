#pragma once
// JS handle on a VideoSession (NativeVideoState in lib/native.ts). Model work runs on the thread pool, one
// job at a time per session; lib/ supplies a frame's pixels whenever hasFeatures(frame) is false.
#include <napi.h>

#include <memory>

#include "core/model.h"
#include "core/video/video_session.h"
#include "napi/video_object_wrap.h"

namespace sam2::napi {

class VideoSessionWrap : public VideoObjectWrap<VideoSessionWrap, VideoSession> {
 public:
  static constexpr const char* kClassName = "NativeVideoState";
  static constexpr const char* kFactory = "createVideoState";

  static Napi::Function Define(Napi::Env env);
  // NativeModel.createVideoState(tracking, { numFrames, width, height, fillHoleArea, nonOverlap, maxCachedFrames })
  static Napi::Value Create(const Napi::CallbackInfo& info, std::shared_ptr<Model> model, int threads);

  using VideoObjectWrap::VideoObjectWrap;

 private:
  Napi::Value HasFeatures(const Napi::CallbackInfo& info);
  Napi::Value AddPoints(const Napi::CallbackInfo& info);
  Napi::Value AddMask(const Napi::CallbackInfo& info);
  Napi::Value StartPropagation(const Napi::CallbackInfo& info);
  Napi::Value Propagate(const Napi::CallbackInfo& info);
  Napi::Value RemoveObject(const Napi::CallbackInfo& info);
  Napi::Value Reset(const Napi::CallbackInfo& info);
  Napi::Value ForgetBefore(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
};

}  // namespace sam2::napi
