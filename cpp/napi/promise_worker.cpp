#include "napi/promise_worker.h"

#include <torch/torch.h>

#include "core/runtime.h"

namespace sam2::napi {

std::string current_exception_message() {
  try {
    throw;
  } catch (const c10::Error& e) {
    return e.what_without_backtrace();
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown native error";
  }
}

PromiseWorker::PromiseWorker(Napi::Env env, int threads, Work work, Settle settle)
    : Napi::AsyncWorker(env, "sam2-node"),
      deferred_(Napi::Promise::Deferred::New(env)),
      threads_(threads),
      work_(std::move(work)),
      settle_(std::move(settle)) {}

Napi::Promise PromiseWorker::Queue(Napi::Env env, int threads, Work work, Settle settle) {
  auto* worker = new PromiseWorker(env, threads, std::move(work), std::move(settle));
  auto promise = worker->deferred_.Promise();
  worker->Napi::AsyncWorker::Queue();
  return promise;
}

void PromiseWorker::Execute() {
  try {
    sam2::JobScope scope(threads_);
    work_();
  } catch (...) {
    SetError(current_exception_message());
  }
}

void PromiseWorker::OnOK() {
  try {
    deferred_.Resolve(settle_(Env()));
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  } catch (...) {
    deferred_.Reject(Napi::Error::New(Env(), current_exception_message()).Value());
  }
}

void PromiseWorker::OnError(const Napi::Error& error) { deferred_.Reject(error.Value()); }

}  // namespace sam2::napi
