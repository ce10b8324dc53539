// GPU check of the connected-components kernel: labels and areas identical to sam2::connected_components_cpu on
// the shared cases (odd sizes, batches, densities, shapes; each run 3 times over garbage outputs), the C API's
// argument errors, and the kernel's time (CUDA events, 20 warm-ups, median of 200 runs; --no-timing skips
// it, e.g. under compute-sanitizer).
// Exit status: 0 all identical, 1 a mismatch or API error, 2 no CUDA device, 3 a failing CUDA call.
// Built by cuda/CMakeLists.txt as sam2_cc_check, or from the repository root:
//   mkdir -p build && /usr/local/cuda/bin/nvcc -std=c++17 -O2 -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 -Icuda -Icpp cuda/tools/cc_check.cu cuda/connected_components.cu cpp/core/connected_components.cpp -o build/cc_check && build/cc_check
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "cc_cases.h"
#include "core/connected_components.h"
#include "sam2_cuda.h"

#define CUDA_OK(call)                                                                                   \
  do {                                                                                                  \
    const cudaError_t e_ = (call);                                                                      \
    if (e_ != cudaSuccess) {                                                                            \
      std::fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e_)); \
      std::exit(3);                                                                                     \
    }                                                                                                   \
  } while (0)

namespace {

constexpr int kRepeats = 3;

struct Device {
  uint8_t* mask = nullptr;
  int32_t* labels = nullptr;
  int32_t* areas = nullptr;
  size_t size;

  explicit Device(const std::vector<uint8_t>& host) : size(host.size()) {
    CUDA_OK(cudaMalloc(&mask, size));
    CUDA_OK(cudaMalloc(&labels, size * sizeof(int32_t)));
    CUDA_OK(cudaMalloc(&areas, size * sizeof(int32_t)));
    CUDA_OK(cudaMemcpy(mask, host.data(), size, cudaMemcpyHostToDevice));
  }
  ~Device() {
    CUDA_OK(cudaFree(mask));
    CUDA_OK(cudaFree(labels));
    CUDA_OK(cudaFree(areas));
  }
};

size_t mismatches(const cc_cases::Case& c, cudaStream_t stream) {
  const Device d(c.mask);
  std::vector<int32_t> labels(d.size), areas(d.size), want_labels(d.size), want_areas(d.size);
  sam2::connected_components_cpu(c.mask.data(), c.n, c.h, c.w, want_labels.data(), want_areas.data());
  size_t bad = 0;
  for (int rep = 0; rep < kRepeats; ++rep) {
    CUDA_OK(cudaMemsetAsync(d.labels, 0xAB, d.size * sizeof(int32_t), stream));
    CUDA_OK(cudaMemsetAsync(d.areas, 0xAB, d.size * sizeof(int32_t), stream));
    CUDA_OK(static_cast<cudaError_t>(sam2_cc_labels_areas(d.mask, c.n, c.h, c.w, d.labels, d.areas, stream)));
    CUDA_OK(cudaMemcpyAsync(labels.data(), d.labels, d.size * sizeof(int32_t), cudaMemcpyDeviceToHost, stream));
    CUDA_OK(cudaMemcpyAsync(areas.data(), d.areas, d.size * sizeof(int32_t), cudaMemcpyDeviceToHost, stream));
    CUDA_OK(cudaStreamSynchronize(stream));
    for (size_t i = 0; i < d.size; ++i) bad += labels[i] != want_labels[i] || areas[i] != want_areas[i];
  }
  return bad;
}

int api_errors() {
  int failed = 0;
  auto expect = [&](int got, int want, const char* what) {
    if (got != want) {
      ++failed;
      std::printf("FAIL %s: got %d (%s), want %d\n", what, got, sam2_cuda_error_string(got), want);
    }
  };
  int32_t* none = nullptr;
  expect(sam2_cc_labels_areas(nullptr, -1, 4, 4, none, none, nullptr), cudaErrorInvalidValue, "negative n");
  expect(sam2_cc_labels_areas(nullptr, 1, 65536, 65536, none, none, nullptr), cudaErrorInvalidValue, "h*w > 2^31-1");
  expect(sam2_cc_labels_areas(nullptr, 1, 4, 4, none, none, nullptr), cudaErrorInvalidValue, "null pointers");
  expect(sam2_cc_labels_areas(nullptr, 0, 4, 4, none, none, nullptr), cudaSuccess, "empty batch");
  return failed;
}

struct Timing {
  double median_us, min_us, pipelined_us;
};

// Each call timed alone (events around it, host launch latency included), then the mean over calls queued back
// to back (launches overlap the previous call's work).
Timing time_kernel(const cc_cases::Case& c, cudaStream_t stream) {
  const Device d(c.mask);
  cudaEvent_t start, stop;
  CUDA_OK(cudaEventCreate(&start));
  CUDA_OK(cudaEventCreate(&stop));
  auto call = [&] {
    CUDA_OK(static_cast<cudaError_t>(sam2_cc_labels_areas(d.mask, c.n, c.h, c.w, d.labels, d.areas, stream)));
  };
  auto elapsed_us = [&] {
    float ms = 0;
    CUDA_OK(cudaEventSynchronize(stop));
    CUDA_OK(cudaEventElapsedTime(&ms, start, stop));
    return ms * 1e3;
  };
  for (int run = 0; run < 20; ++run) call();
  std::vector<double> us;
  for (int run = 0; run < 200; ++run) {
    CUDA_OK(cudaEventRecord(start, stream));
    call();
    CUDA_OK(cudaEventRecord(stop, stream));
    us.push_back(elapsed_us());
  }
  CUDA_OK(cudaEventRecord(start, stream));
  for (int run = 0; run < 200; ++run) call();
  CUDA_OK(cudaEventRecord(stop, stream));
  const double pipelined = elapsed_us() / 200;
  CUDA_OK(cudaEventDestroy(start));
  CUDA_OK(cudaEventDestroy(stop));
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us.front(), pipelined};
}

double cpu_ms(const cc_cases::Case& c) {
  std::vector<int32_t> labels(c.mask.size()), areas(c.mask.size());
  std::vector<double> ms;
  for (int run = 0; run < 5; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    sam2::connected_components_cpu(c.mask.data(), c.n, c.h, c.w, labels.data(), areas.data());
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

void report_timings(cudaStream_t stream) {
  std::mt19937 rng(7);
  using cc_cases::make;
  const cc_cases::Case timed[] = {
      make(1, 1024, 1024, {0.5}, rng),         make(1, 1024, 1024, {0.1}, rng), make(1, 1024, 1024, {0.9}, rng),
      make(1, 1024, 1024, {1.0}, rng),         make(1, 1024, 1024, {0.0}, rng),
      make(1, 1024, 1024, {cc_cases::kSnake}, rng), make(1, 1023, 1025, {0.5}, rng),
      make(1, 256, 256, {0.5}, rng),           make(16, 256, 256, {0.5}, rng),  make(8, 1024, 1024, {0.5}, rng)};
  std::printf("%-26s %10s %8s %14s %12s\n", "mask", "median us", "min us", "pipelined us", "us per mask");
  for (const auto& c : timed) {
    const Timing t = time_kernel(c, stream);
    std::printf("%-26s %10.1f %8.1f %14.1f %12.1f\n", c.name.c_str(), t.median_us, t.min_us, t.pipelined_us,
                t.median_us / c.n);
  }
  std::printf("\nCPU path, %s: %.2f ms\n", timed[0].name.c_str(), cpu_ms(timed[0]));
}

}  // namespace

int main(int argc, char** argv) {
  const bool timing = !(argc > 1 && std::string(argv[1]) == "--no-timing");
  if (sam2_cuda_device_count() < 1) {
    std::printf("no CUDA device\n");
    return 2;
  }
  cudaDeviceProp prop;
  CUDA_OK(cudaGetDeviceProperties(&prop, 0));
  std::printf("device: %s (sm_%d%d)\n", prop.name, prop.major, prop.minor);
  cudaStream_t stream;
  CUDA_OK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));

  int failed = api_errors();
  size_t masks = 0;
  const auto cases = cc_cases::all(42);
  for (const auto& c : cases) {
    const size_t bad = mismatches(c, stream);
    masks += c.n;
    if (bad) {
      ++failed;
      std::printf("FAIL %-44s %zu pixel mismatches over %d runs\n", c.name.c_str(), bad, kRepeats);
    }
  }
  std::printf("correctness: %zu cases, %zu masks, %d failed\n\n", cases.size(), masks, failed);
  if (timing) report_timings(stream);
  CUDA_OK(cudaStreamDestroy(stream));
  std::printf(failed ? "\nFAILED\n" : "\nall identical\n");
  return failed ? 1 : 0;
}
