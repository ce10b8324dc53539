#pragma once
// JS handle on a StreamingTracker (NativeTracker in lib/native.ts); one job at a time, like a session.
#include <napi.h>

#include <memory>

#include "core/model.h"
#include "core/video/streaming_tracker.h"
#include "napi/video_convert.h"

namespace sam2::napi {

class TrackerWrap : public Napi::ObjectWrap<TrackerWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // NativeModel.createTracker(tracking, { maxMemoryFrames, maxCachedFrames, fillHoleArea, nonOverlap })
  static Napi::Value Create(const Napi::CallbackInfo& info, std::shared_ptr<Model> model, int threads);

  explicit TrackerWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Track(const Napi::CallbackInfo& info);
  Napi::Value AddPoints(const Napi::CallbackInfo& info);
  Napi::Value AddMask(const Napi::CallbackInfo& info);
  Napi::Value RemoveObject(const Napi::CallbackInfo& info);
  Napi::Value Reset(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  Napi::Promise frame_job(const Napi::CallbackInfo& info, std::function<FrameResult(StreamingTracker&)> work);

  Exclusive<StreamingTracker> tracker_;
  int threads_ = 0;
};

}  // namespace sam2::napi
