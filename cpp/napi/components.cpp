#include "napi/components.h"

#include <torch/torch.h>

#include "core/postprocess.h"
#include "napi/convert.h"
#include "napi/promise_worker.h"

namespace sam2::napi {

Napi::Value ConnectedComponents(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  const double width = get_number(info[1], "width"), height = get_number(info[2], "height");
  if (width < 1 || width != static_cast<int64_t>(width)) throw_argument(env, "width", "must be a positive integer");
  if (height < 1 || height != static_cast<int64_t>(height)) throw_argument(env, "height", "must be a positive integer");
  const auto w = static_cast<int64_t>(width), h = static_cast<int64_t>(height);
  // Copied, not read in place: the job runs off the JS thread (see CopiedBytes).
  const auto bytes = copy_bytes(info[0], "mask");
  if (static_cast<int64_t>(bytes.length) != w * h) {
    throw_argument(env, "mask", "expected " + std::to_string(w * h) + " bytes (width*height), got " +
                                    std::to_string(bytes.length));
  }
  auto result = std::make_shared<Components>();
  return PromiseWorker::Queue(
      env, 0,
      [bytes, w, h, result] {
        *result = connected_components(torch::from_blob(const_cast<uint8_t*>(bytes.data), {1, h, w}, torch::kUInt8));
      },
      [result](Napi::Env env) -> Napi::Value {
        auto obj = Napi::Object::New(env);
        auto labels = result->labels[0];
        auto distinct = std::get<0>(at::_unique(labels.flatten()));
        obj.Set("count", Napi::Number::New(env, static_cast<double>(distinct.gt(0).sum().item<int64_t>())));
        obj.Set("labels", tensor_to_typed_array(env, labels));
        obj.Set("areas", tensor_to_typed_array(env, result->areas[0]));
        return obj;
      });
}

}  // namespace sam2::napi
