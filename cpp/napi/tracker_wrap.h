#pragma once
// JS handle on a StreamingTracker (NativeTracker in lib/native.ts); one job at a time, like a session.
#include <napi.h>

#include <memory>

#include "core/model.h"
#include "core/video/streaming_tracker.h"
#include "napi/video_object_wrap.h"

namespace sam2::napi {

class TrackerWrap : public VideoObjectWrap<TrackerWrap, StreamingTracker> {
 public:
  static constexpr const char* kClassName = "NativeTracker";
  static constexpr const char* kFactory = "createTracker";

  static Napi::Function Define(Napi::Env env);
  // NativeModel.createTracker(tracking, { maxMemoryFrames, maxCachedFrames, fillHoleArea, nonOverlap })
  static Napi::Value Create(const Napi::CallbackInfo& info, std::shared_ptr<Model> model, int threads);

  using VideoObjectWrap::VideoObjectWrap;

 private:
  Napi::Value Track(const Napi::CallbackInfo& info);
  Napi::Value AddPoints(const Napi::CallbackInfo& info);
  Napi::Value AddMask(const Napi::CallbackInfo& info);
  Napi::Value RemoveObject(const Napi::CallbackInfo& info);
  Napi::Value Reset(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
};

}  // namespace sam2::napi
