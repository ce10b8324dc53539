#pragma once
// Runs a job on libuv's thread pool and settles a promise with its result. C++ and libtorch
// exceptions become rejections carrying their message; none reaches the JS thread as a crash.
#include <napi.h>

#include <functional>
#include <string>

namespace sam2::napi {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<void()>;
  using Settle = std::function<Napi::Value(Napi::Env)>;

  // `threads`: intra-op threads for this job (0: leave as is). `work` runs off the JS thread, so it must own
  // everything it reads: copies of the caller's buffers (copy_bytes), never the JS values themselves.
  static Napi::Promise Queue(Napi::Env env, int threads, Work work, Settle settle);

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  PromiseWorker(Napi::Env env, int threads, Work work, Settle settle);

  Napi::Promise::Deferred deferred_;
  int threads_;
  Work work_;
  Settle settle_;
};

// The message of the exception in flight, without libtorch's C++ backtrace.
std::string current_exception_message();

}  // namespace sam2::napi
