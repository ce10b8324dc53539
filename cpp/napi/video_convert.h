#pragma once
// Conversions and job plumbing shared by the video session and streaming tracker wraps.
#include <napi.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/preprocess.h"
#include "core/video/frame_result.h"
#include "core/video/tracking_config.h"
#include "napi/convert.h"
#include "napi/promise_worker.h"

namespace sam2::napi {

// The manifest's "tracking" table (numbers and booleans).
TrackingConfig get_tracking_config(const Napi::Value& value);
OutputOptions get_output_options(const Napi::Object& options);

// `{ data, width, height, channels }` with its pixels copied, or nothing for null/undefined.
std::optional<CopiedImage> get_raw_image(const Napi::Value& value, const char* parameter);

Napi::Value frame_result_to_js(Napi::Env env, const FrameResult& result);

// The options object every video call takes as its only argument, and its objectId.
Napi::Object options_arg(const Napi::CallbackInfo& info);
int32_t get_object_id(const Napi::Object& options);

// addPoints' and addMask's options, as lib/video/options.ts lays them out.
struct PointsCall {
  int64_t frame;
  int32_t object_id;
  std::vector<float> coords;
  std::vector<int32_t> labels;
  bool clear_old;
};
PointsCall get_points_call(const Napi::Object& options);

struct MaskCall {
  int64_t frame;
  int32_t object_id;
  CopiedBytes mask;
};
MaskCall get_mask_call(const Napi::Object& options);

// A video object and the lock that keeps its jobs one at a time: calls mutate it, and lib/ orders them, so a
// second job waits on the thread pool and a synchronous call during a job is refused.
template <typename T>
struct Exclusive {
  std::shared_ptr<T> object;
  std::shared_ptr<std::mutex> mutex = std::make_shared<std::mutex>();
};

// Runs `fn` on the JS thread if no job holds the object; C++ errors become JS errors with their message.
template <typename T, typename Fn>
auto with_object(Napi::Env env, const Exclusive<T>& target, Fn fn) -> decltype(fn(*target.object)) {
  if (!target.object) throw Napi::Error::New(env, "disposed: the video object has been disposed");
  std::unique_lock<std::mutex> lock(*target.mutex, std::try_to_lock);
  if (!lock.owns_lock()) throw Napi::Error::New(env, "internal: a call on this video object is still running");
  try {
    return fn(*target.object);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

// Queues `work` on the thread pool under the object's lock; its result settles the promise.
template <typename T, typename R>
Napi::Promise queue_job(Napi::Env env, const Exclusive<T>& target, int threads, std::function<R(T&)> work,
                        std::function<Napi::Value(Napi::Env, const R&)> settle) {
  if (!target.object) throw Napi::Error::New(env, "disposed: the video object has been disposed");
  auto result = std::make_shared<R>();
  return PromiseWorker::Queue(
      env, threads,
      [target, work, result] {
        std::lock_guard<std::mutex> lock(*target.mutex);
        *result = work(*target.object);
      },
      [settle, result](Napi::Env env) { return settle(env, *result); });
}

// An integer field of an options object that must be present.
int64_t get_required_int(const Napi::Object& obj, const char* key);

}  // namespace sam2::napi
