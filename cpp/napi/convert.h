#pragma once
// JS <-> C++ conversions. Reading throws Napi::TypeError with a "<parameter>: " prefix; tensors leave
// as external ArrayBuffers that own the tensor (no copy), or as a copy where the runtime forbids
// external buffers (Electron's V8 sandbox).
#include <napi.h>
#include <torch/torch.h>

#include <string>
#include <vector>

namespace sam2::napi {

[[noreturn]] void throw_argument(Napi::Env env, const std::string& parameter, const std::string& message);

std::string get_string(const Napi::Object& obj, const char* key, const std::string& fallback);
int64_t get_int(const Napi::Object& obj, const char* key, int64_t fallback);
double get_number(const Napi::Value& value, const char* parameter);
bool get_bool(const Napi::Object& obj, const char* key, bool fallback);

template <typename T>
std::vector<T> get_typed_vector(const Napi::Object& obj, const char* key);

// A Uint8Array/Uint8ClampedArray/Buffer: its bytes (read in place) and length.
struct ByteView {
  const uint8_t* data;
  size_t length;
};
ByteView get_bytes(const Napi::Value& value, const char* parameter);

Napi::Value tensor_to_typed_array(Napi::Env env, const torch::Tensor& tensor);

}  // namespace sam2::napi
