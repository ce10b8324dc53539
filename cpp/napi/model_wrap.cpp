#include "napi/model_wrap.h"

#include <atomic>

#include "core/errors.h"
#include "core/image_predictor.h"
#include "napi/addon_data.h"
#include "napi/convert.h"
#include "napi/embedding_wrap.h"
#include "napi/image_convert.h"
#include "napi/generate_masks.h"
#include "napi/promise_worker.h"
#include "napi/tracker_wrap.h"
#include "napi/video_session_wrap.h"

namespace sam2::napi {

namespace {
std::atomic<uint64_t> next_model_id{1};
}

Napi::Function ModelWrap::Define(Napi::Env env) {
  return DefineClass(env, "NativeModel",
                     {InstanceMethod<&ModelWrap::Info>("info"), InstanceMethod<&ModelWrap::EncodeImage>("encodeImage"),
                      InstanceMethod<&ModelWrap::EncodeImages>("encodeImages"),
                      InstanceMethod<&ModelWrap::Predict>("predict"),
                      InstanceMethod<&ModelWrap::PredictBatch>("predictBatch"),
                      InstanceMethod<&ModelWrap::EmbeddingFromBuffer>("embeddingFromBuffer"),
                      InstanceMethod<&ModelWrap::Dispose>("dispose"),
                      InstanceMethod<&ModelWrap::GenerateMasks>("generateMasks"),
                      InstanceMethod<&ModelWrap::CreateVideoState>("createVideoState"),
                      InstanceMethod<&ModelWrap::CreateTracker>("createTracker")});
}

ModelWrap::ModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelWrap>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "NativeModel is made by loadModel(), not constructed");
  }
}

Napi::Value ModelWrap::Load(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  if (!info[0].IsString()) throw_argument(env, "dir", "must be a string");
  if (!info[1].IsObject()) throw_argument(env, "options", "must be an object");
  const auto opts = info[1].As<Napi::Object>();
  ModelSpec spec;
  spec.dir = info[0].As<Napi::String>().Utf8Value();
  spec.device = get_string(opts, "device", spec.device);
  spec.dtype = get_string(opts, "dtype", spec.dtype);
  spec.image_size = get_int(opts, "imageSize", spec.image_size);
  for (const char* key : {"mean", "std"}) {
    const auto values = opts.Get(key);
    if (values.IsUndefined()) continue;
    if (!values.IsArray() || values.As<Napi::Array>().Length() != 3) throw_argument(env, key, "must be 3 numbers");
    auto& target = std::string(key) == "mean" ? spec.mean : spec.std;
    for (uint32_t i = 0; i < 3; ++i) target[i] = get_number(values.As<Napi::Array>().Get(i), key);
  }
  const int threads = static_cast<int>(get_int(opts, "threads", 0));

  auto loaded = std::make_shared<std::shared_ptr<Model>>();
  return PromiseWorker::Queue(
      env, threads, [spec, loaded] { *loaded = std::make_shared<Model>(spec); },
      [loaded, threads](Napi::Env env) -> Napi::Value {
        auto obj = addon_data(env).model_ctor.New({Napi::External<void>::New(env, nullptr)});
        auto* self = Napi::ObjectWrap<ModelWrap>::Unwrap(obj);
        self->model_ = *loaded;
        self->id_ = next_model_id++;
        self->threads_ = threads;
        return obj;
      });
}

std::shared_ptr<Model> ModelWrap::model(Napi::Env env) const {
  if (!model_) throw Napi::Error::New(env, "disposed: the model has been disposed");
  return model_;
}

Napi::Value ModelWrap::Info(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto m = model(env);
  auto obj = Napi::Object::New(env);
  obj.Set("imageSize", Napi::Number::New(env, static_cast<double>(m->image_size())));
  obj.Set("lowResSize", Napi::Number::New(env, static_cast<double>(m->low_res_size())));
  obj.Set("device", Napi::String::New(env, m->device().str()));
  obj.Set("dtype", Napi::String::New(env, m->spec().dtype));
  obj.Set("threads", Napi::Number::New(env, threads_ > 0 ? threads_ : at::get_num_threads()));
  return obj;
}

Napi::Value ModelWrap::EncodeImage(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto m = model(env);
  const CopiedImage copied = copy_image(info[0], info[1], info[2], info[3]);
  auto result = std::make_shared<std::shared_ptr<const ImageEmbedding>>();
  const uint64_t owner = id_;
  return PromiseWorker::Queue(
      env, threads_,
      [m, copied, result] { *result = std::make_shared<const ImageEmbedding>(encode_image(*m, copied.image)); },
      [result, owner](Napi::Env env) -> Napi::Value { return EmbeddingWrap::Create(env, *result, owner); });
}

Napi::Value ModelWrap::EncodeImages(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto m = model(env);
  if (!info[0].IsArray() || info[0].As<Napi::Array>().Length() == 0) {
    throw_argument(env, "images", "must be a non-empty array");
  }
  const auto array = info[0].As<Napi::Array>();
  std::vector<CopiedBytes> copies;
  std::vector<RawImage> images;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    if (!array.Get(i).IsObject()) throw_argument(env, "images", "must hold { data, width, height, channels }");
    const auto o = array.Get(i).As<Napi::Object>();
    auto copied = copy_image(o.Get("data"), o.Get("width"), o.Get("height"), o.Get("channels"));
    copies.push_back(std::move(copied.bytes));
    images.push_back(copied.image);
  }
  auto results = std::make_shared<std::vector<ImageEmbedding>>();
  const uint64_t owner = id_;
  return PromiseWorker::Queue(
      env, threads_, [m, copies, images, results] { *results = encode_images(*m, images); },
      [results, owner](Napi::Env env) -> Napi::Value {
        auto out = Napi::Array::New(env, results->size());
        for (size_t i = 0; i < results->size(); ++i) {
          auto embedding = std::make_shared<const ImageEmbedding>(std::move((*results)[i]));
          out.Set(static_cast<uint32_t>(i), EmbeddingWrap::Create(env, embedding, owner));
        }
        return out;
      });
}

Napi::Value ModelWrap::Predict(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto m = model(env);
  const ImageQuery query{EmbeddingWrap::Unwrap(info[0])->get(env, id_), get_image_prompt(info[1], "prompt")};
  auto result = std::make_shared<ImagePrediction>();
  return PromiseWorker::Queue(
      env, threads_, [m, query, result] { *result = predict_image(*m, query); },
      [result](Napi::Env env) { return image_prediction_to_js(env, *result); });
}

Napi::Value ModelWrap::PredictBatch(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto m = model(env);
  if (!info[0].IsArray() || !info[1].IsArray() ||
      info[0].As<Napi::Array>().Length() != info[1].As<Napi::Array>().Length()) {
    throw_argument(env, "prompts", "expected arrays of embeddings and prompts of the same length");
  }
  const auto embeddings = info[0].As<Napi::Array>();
  const auto prompts = info[1].As<Napi::Array>();
  std::vector<ImageQuery> queries;
  for (uint32_t i = 0; i < prompts.Length(); ++i) {
    const std::string name = "prompts[" + std::to_string(i) + "]";
    queries.push_back({EmbeddingWrap::Unwrap(embeddings.Get(i))->get(env, id_), get_image_prompt(prompts.Get(i), name)});
  }
  auto results = std::make_shared<std::vector<ImagePrediction>>();
  return PromiseWorker::Queue(
      env, threads_, [m, queries = std::move(queries), results] { *results = predict_batch(*m, queries); },
      [results](Napi::Env env) -> Napi::Value {
        auto out = Napi::Array::New(env, results->size());
        for (size_t i = 0; i < results->size(); ++i) {
          out.Set(static_cast<uint32_t>(i), image_prediction_to_js(env, (*results)[i]));
        }
        return out;
      });
}

Napi::Value ModelWrap::EmbeddingFromBuffer(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto m = model(env);
  // Copied, not read in place: the job runs off the JS thread (see CopiedBytes).
  const auto bytes = copy_bytes(info[0], "buffer");
  const auto digest = get_model_digest(info[1]);
  auto result = std::make_shared<std::shared_ptr<const ImageEmbedding>>();
  const uint64_t owner = id_;
  return PromiseWorker::Queue(
      env, threads_,
      [m, bytes, digest, result] {
        *result = std::make_shared<const ImageEmbedding>(read_embedding(bytes.data, bytes.length, digest, *m));
      },
      [result, owner](Napi::Env env) -> Napi::Value { return EmbeddingWrap::Create(env, *result, owner); });
}

Napi::Value ModelWrap::GenerateMasks(const Napi::CallbackInfo& info) {
  return napi::GenerateMasks(info, model(info.Env()), id_, threads_);
}

Napi::Value ModelWrap::Dispose(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  // Freeing the weights and graphs takes tens of ms (more for bigger models): on the thread pool, not the event
  // loop. Calls in flight hold references of their own, so the last of them frees the model instead.
  if (model_) {
    PromiseWorker::Queue(
        env, 0, [model = std::move(model_)]() mutable { model.reset(); },
        [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
  }
  return env.Undefined();
}

Napi::Value ModelWrap::CreateVideoState(const Napi::CallbackInfo& info) {
  return VideoSessionWrap::Create(info, model(info.Env()), threads_);
}

Napi::Value ModelWrap::CreateTracker(const Napi::CallbackInfo& info) {
  return TrackerWrap::Create(info, model(info.Env()), threads_);
}

}  // namespace sam2::napi
