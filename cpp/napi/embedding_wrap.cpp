#include "napi/embedding_wrap.h"

#include "core/embedding_format.h"
#include "napi/addon_data.h"
#include "napi/image_convert.h"
#include "napi/promise_worker.h"

namespace sam2::napi {

Napi::Function EmbeddingWrap::Define(Napi::Env env) {
  return DefineClass(env, "NativeEmbedding",
                     {InstanceMethod<&EmbeddingWrap::Dispose>("dispose"),
                      InstanceMethod<&EmbeddingWrap::ToBuffer>("toBuffer"),
                      InstanceAccessor<&EmbeddingWrap::Disposed>("disposed"),
                      InstanceAccessor<&EmbeddingWrap::Width>("width"),
                      InstanceAccessor<&EmbeddingWrap::Height>("height")});
}

EmbeddingWrap::EmbeddingWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EmbeddingWrap>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "NativeEmbedding is made by encodeImage(), not constructed");
  }
}

Napi::Object EmbeddingWrap::Create(Napi::Env env, std::shared_ptr<const ImageEmbedding> embedding, uint64_t owner) {
  auto obj = addon_data(env).embedding_ctor.New({Napi::External<void>::New(env, nullptr)});
  auto* self = Napi::ObjectWrap<EmbeddingWrap>::Unwrap(obj);
  self->width_ = embedding->width;
  self->height_ = embedding->height;
  self->embedding_ = std::move(embedding);
  self->owner_ = owner;
  return obj;
}

EmbeddingWrap* EmbeddingWrap::Unwrap(const Napi::Value& value) {
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(addon_data(value.Env()).embedding_ctor.Value())) {
    throw Napi::TypeError::New(value.Env(), "embedding: expected an embedding returned by encodeImage()");
  }
  return Napi::ObjectWrap<EmbeddingWrap>::Unwrap(value.As<Napi::Object>());
}

std::shared_ptr<const ImageEmbedding> EmbeddingWrap::get(Napi::Env env, uint64_t owner) const {
  if (!embedding_) throw Napi::Error::New(env, "disposed: the embedding has been disposed");
  if (owner_ != owner) throw Napi::TypeError::New(env, "embedding: it was encoded by another model");
  return embedding_;
}

Napi::Value EmbeddingWrap::Dispose(const Napi::CallbackInfo& info) {
  embedding_.reset();
  return info.Env().Undefined();
}

Napi::Value EmbeddingWrap::ToBuffer(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  if (!embedding_) throw Napi::Error::New(env, "disposed: the embedding has been disposed");
  const auto digest = get_model_digest(info[0]);
  auto buffer = Napi::Buffer<uint8_t>::New(env, embedding_buffer_size(*embedding_));
  try {
    write_embedding(*embedding_, digest, buffer.Data());
  } catch (...) {
    // A device copy can fail (CUDA errors): a JS error, never a C++ exception through N-API.
    throw Napi::Error::New(env, current_exception_message());
  }
  return buffer;
}

Napi::Value EmbeddingWrap::Disposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !embedding_);
}
Napi::Value EmbeddingWrap::Width(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), width_); }
Napi::Value EmbeddingWrap::Height(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), height_); }

}  // namespace sam2::napi
