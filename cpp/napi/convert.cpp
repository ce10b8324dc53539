#include "napi/convert.h"

#include <algorithm>
#include <cstring>

#include "core/errors.h"

namespace sam2::napi {

void throw_argument(Napi::Env env, const std::string& parameter, const std::string& message) {
  throw Napi::TypeError::New(env, parameter + ": " + message);
}

std::string get_string(const Napi::Object& obj, const char* key, const std::string& fallback) {
  auto v = obj.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsString()) throw_argument(obj.Env(), key, "must be a string");
  return v.As<Napi::String>().Utf8Value();
}

double get_number(const Napi::Value& v, const char* parameter) {
  if (!v.IsNumber()) throw_argument(v.Env(), parameter, "must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

int64_t get_int(const Napi::Object& obj, const char* key, int64_t fallback) {
  auto v = obj.Get(key);
  if (v.IsUndefined()) return fallback;
  const double d = get_number(v, key);
  if (d != static_cast<double>(static_cast<int64_t>(d))) throw_argument(obj.Env(), key, "must be an integer");
  return static_cast<int64_t>(d);
}

bool get_bool(const Napi::Object& obj, const char* key, bool fallback) {
  auto v = obj.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsBoolean()) throw_argument(obj.Env(), key, "must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

namespace {
template <typename T>
constexpr napi_typedarray_type typed_array_type();
template <>
constexpr napi_typedarray_type typed_array_type<float>() { return napi_float32_array; }
template <>
constexpr napi_typedarray_type typed_array_type<int32_t>() { return napi_int32_array; }
}  // namespace

template <typename T>
std::vector<T> get_typed_vector(const Napi::Object& obj, const char* key) {
  auto v = obj.Get(key);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != typed_array_type<T>()) {
    throw_argument(obj.Env(), key, typed_array_type<T>() == napi_float32_array ? "must be a Float32Array"
                                                                                 : "must be an Int32Array");
  }
  auto arr = v.As<Napi::TypedArrayOf<T>>();
  return std::vector<T>(arr.Data(), arr.Data() + arr.ElementLength());
}
template std::vector<float> get_typed_vector<float>(const Napi::Object&, const char*);
template std::vector<int32_t> get_typed_vector<int32_t>(const Napi::Object&, const char*);

CopiedBytes copy_bytes(const Napi::Value& value, const char* parameter) {
  if (value.IsTypedArray()) {
    // napi_get_typedarray_info, not the ArrayBuffer's info: that one refuses a SharedArrayBuffer.
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    const napi_status status =
        napi_get_typedarray_info(value.Env(), value, &type, &length, &data, nullptr, nullptr);
    if (status == napi_ok && (type == napi_uint8_array || type == napi_uint8_clamped_array)) {
      // A detached buffer reads as length 0 with no data; the size checks refuse it.
      std::shared_ptr<uint8_t> copy(new uint8_t[std::max<size_t>(length, 1)], std::default_delete<uint8_t[]>());
      if (length > 0) std::memcpy(copy.get(), data, length);
      return {copy, copy.get(), length};
    }
  }
  throw_argument(value.Env(), parameter, "must be a Buffer, Uint8Array or Uint8ClampedArray");
}

CopiedImage copy_image(const Napi::Value& data, const Napi::Value& width, const Napi::Value& height,
                       const Napi::Value& channels) {
  RawImage image{nullptr, static_cast<int64_t>(get_number(width, "width")),
                 static_cast<int64_t>(get_number(height, "height")),
                 static_cast<int64_t>(get_number(channels, "channels"))};
  // The sizes first: an image too large to encode is refused before its bytes are copied.
  try {
    check_image_size(image);
  } catch (const ArgumentError& e) {
    throw Napi::TypeError::New(data.Env(), e.what());
  }
  auto bytes = copy_bytes(data, "data");
  image.data = bytes.data;
  try {
    check_raw_image(image, static_cast<int64_t>(bytes.length));
  } catch (const ArgumentError& e) {
    throw Napi::TypeError::New(data.Env(), e.what());
  }
  return {std::move(bytes), image};
}

namespace {

template <typename T>
Napi::Value make_typed_array(Napi::Env env, Napi::ArrayBuffer buffer, size_t length) {
  return Napi::TypedArrayOf<T>::New(env, length, buffer, 0);
}

Napi::ArrayBuffer tensor_buffer(Napi::Env env, const torch::Tensor& t) {
  const size_t bytes = t.nbytes();
  if (bytes > 0) {
    auto* owner = new torch::Tensor(t);
    napi_value result;
    const napi_status status = napi_create_external_arraybuffer(
        env, owner->data_ptr(), bytes,
        [](napi_env e, void*, void* hint) {
          auto* tensor = static_cast<torch::Tensor*>(hint);
          int64_t adjusted;
          napi_adjust_external_memory(e, -static_cast<int64_t>(tensor->nbytes()), &adjusted);
          delete tensor;
        },
        owner, &result);
    if (status == napi_ok) {
      // Tell V8's GC how much memory these small JS objects really hold.
      Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(bytes));
      return Napi::ArrayBuffer(env, result);
    }
    delete owner;
  }
  auto copy = Napi::ArrayBuffer::New(env, bytes);
  if (bytes > 0) std::memcpy(copy.Data(), t.data_ptr(), bytes);
  return copy;
}

}  // namespace

Napi::Value tensor_to_typed_array(Napi::Env env, const torch::Tensor& tensor) {
  auto t = tensor.cpu().contiguous();
  auto buffer = tensor_buffer(env, t);
  const auto n = static_cast<size_t>(t.numel());
  switch (t.scalar_type()) {
    case torch::kUInt8: return make_typed_array<uint8_t>(env, buffer, n);
    case torch::kFloat32: return make_typed_array<float>(env, buffer, n);
    case torch::kInt32: return make_typed_array<int32_t>(env, buffer, n);
    case torch::kFloat64: return make_typed_array<double>(env, buffer, n);
    default: throw Napi::Error::New(env, "internal: no typed array for tensor dtype");
  }
}

}  // namespace sam2::napi
