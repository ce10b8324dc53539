#pragma once
// What the session and tracker wraps share: a JS class around one core video object whose model calls run as
// thread-pool jobs, one at a time; objects are made only by the model's factory methods.
#include <napi.h>

#include <functional>
#include <memory>
#include <string>

#include "napi/video_convert.h"

namespace sam2::napi {

// `Self` names its JS class and the factory that makes it: `static constexpr const char* kClassName, kFactory`.
template <typename Self, typename Core>
class VideoObjectWrap : public Napi::ObjectWrap<Self> {
 public:
  explicit VideoObjectWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Self>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      throw Napi::TypeError::New(info.Env(),
                                 std::string(Self::kClassName) + " is made by " + Self::kFactory + "(), not constructed");
    }
  }

 protected:
  // A new JS object of the class `ctor` around what `make` builds; its C++ errors become JS errors.
  static Napi::Object adopt(Napi::Env env, Napi::FunctionReference& ctor, int threads,
                            const std::function<std::shared_ptr<Core>()>& make) {
    std::shared_ptr<Core> object;
    try {
      object = make();
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, e.what());
    }
    auto js = ctor.New({Napi::External<void>::New(env, nullptr)});
    auto* self = Napi::ObjectWrap<Self>::Unwrap(js);
    self->object_.object = std::move(object);
    self->threads_ = threads;
    return js;
  }

  // A job whose result is every object's masks on one frame. `work` owns what it reads (copies, not JS values).
  Napi::Promise frame_job(const Napi::CallbackInfo& info, std::function<FrameResult(Core&)> work) {
    return queue_job<Core, FrameResult>(info.Env(), object_, threads_, std::move(work), frame_result_to_js);
  }

  // A running job holds its own reference: the object is freed when it finishes.
  void release() { object_.object.reset(); }

  Exclusive<Core> object_;
  int threads_ = 0;
};

}  // namespace sam2::napi
