#include "core/postprocess.h"

#include "core/connected_components.h"

#ifdef SAM2_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "sam2_cuda.h"
#endif

namespace sam2 {

Components connected_components(const torch::Tensor& mask) {
  TORCH_CHECK(mask.dim() == 3, "connected_components expects [N,H,W], got ", mask.sizes());
  auto m = (mask != 0).to(torch::kUInt8).contiguous();
  const auto n = m.size(0), h = m.size(1), w = m.size(2);
  auto opts = torch::TensorOptions().dtype(torch::kInt32).device(m.device());
  auto labels = torch::empty({n, h, w}, opts);
  auto areas = torch::empty({n, h, w}, opts);
  if (m.is_cuda()) {
#ifdef SAM2_WITH_CUDA
    const c10::cuda::CUDAGuard guard(m.device());
    const int rc = sam2_cc_labels_areas(m.data_ptr<uint8_t>(), static_cast<int>(n), static_cast<int>(h),
                                        static_cast<int>(w), labels.data_ptr<int32_t>(), areas.data_ptr<int32_t>(),
                                        c10::cuda::getCurrentCUDAStream().stream());
    TORCH_CHECK(rc == 0, "connected components CUDA kernel failed with CUDA error ", rc);
    return {labels, areas};
#else
    auto cpu = connected_components(m.cpu());
    return {cpu.labels.to(m.device()), cpu.areas.to(m.device())};
#endif
  }
  connected_components_cpu(m.data_ptr<uint8_t>(), n, h, w, labels.data_ptr<int32_t>(), areas.data_ptr<int32_t>());
  return {labels, areas};
}

torch::Tensor fill_holes_and_sprinkles(const torch::Tensor& logits, int64_t hole_area, int64_t sprinkle_area) {
  auto out = logits.to(torch::kFloat32).clone();
  if (hole_area <= 0 && sprinkle_area <= 0) return out;
  const auto shape = out.sizes().vec();
  auto flat = out.reshape({-1, shape[shape.size() - 2], shape.back()});
  const auto original = flat.clone();
  if (hole_area > 0) {
    auto cc = connected_components(original <= 0);
    auto is_hole = (cc.labels > 0).logical_and(cc.areas <= hole_area);
    flat.masked_fill_(is_hole, 10.0);
  }
  if (sprinkle_area > 0) {
    auto cc = connected_components(original > 0);
    auto is_sprinkle = (cc.labels > 0).logical_and(cc.areas <= sprinkle_area);
    flat.masked_fill_(is_sprinkle, -10.0);
  }
  return flat.reshape(shape);
}

torch::Tensor upsample_logits(const torch::Tensor& logits, int64_t height, int64_t width) {
  return torch::upsample_bilinear2d(logits, {height, width}, /*align_corners=*/false);
}

}  // namespace sam2
