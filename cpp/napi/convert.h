#pragma once
// JS <-> C++ conversions. Reading throws Napi::TypeError with a "<parameter>: " prefix; tensors leave
// as external ArrayBuffers that own the tensor (no copy), or as a copy where the runtime forbids
// external buffers (Electron's V8 sandbox).
#include <napi.h>
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "core/preprocess.h"

namespace sam2::napi {

[[noreturn]] void throw_argument(Napi::Env env, const std::string& parameter, const std::string& message);

std::string get_string(const Napi::Object& obj, const char* key, const std::string& fallback);
int64_t get_int(const Napi::Object& obj, const char* key, int64_t fallback);
double get_number(const Napi::Value& value, const char* parameter);
bool get_bool(const Napi::Object& obj, const char* key, bool fallback);

template <typename T>
std::vector<T> get_typed_vector(const Napi::Object& obj, const char* key);

// A copy of a Uint8Array's, Uint8ClampedArray's or Buffer's bytes (a SharedArrayBuffer's too), taken on the JS
// thread. Jobs on the thread pool read the copy, never the caller's memory: a persistent reference keeps the typed
// array alive but not its bytes, which a transfer (postMessage, structuredClone) moves to a new owner that may free
// them while the job runs; and another thread may write a SharedArrayBuffer at any time.
struct CopiedBytes {
  std::shared_ptr<const uint8_t> owner;
  const uint8_t* data;
  size_t length;
};
CopiedBytes copy_bytes(const Napi::Value& value, const char* parameter);

// An image's pixels, copied, and described for the core (`image.data` points into `bytes`). Checked as
// check_raw_image does; the errors name `data`, `width`, `height` or `channels`.
struct CopiedImage {
  CopiedBytes bytes;
  RawImage image;
};
CopiedImage copy_image(const Napi::Value& data, const Napi::Value& width, const Napi::Value& height,
                       const Napi::Value& channels);

Napi::Value tensor_to_typed_array(Napi::Env env, const torch::Tensor& tensor);

}  // namespace sam2::napi
