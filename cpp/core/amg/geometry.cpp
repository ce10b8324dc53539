#include "core/amg/geometry.h"

#include <cmath>

namespace sam2::amg {

std::vector<double> point_grid(int64_t n) {
  std::vector<double> out;
  if (n <= 0) return out;
  out.reserve(static_cast<size_t>(2 * n * n));
  // numpy's linspace(offset, 1 - offset, n).
  const double offset = 1.0 / (2.0 * static_cast<double>(n));
  const double step = n > 1 ? (1.0 - 2.0 * offset) / static_cast<double>(n - 1) : 0.0;
  std::vector<double> side(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) side[i] = offset + static_cast<double>(i) * step;
  if (n > 1) side[n - 1] = 1.0 - offset;  // linspace pins the end point exactly
  for (int64_t y = 0; y < n; ++y) {
    for (int64_t x = 0; x < n; ++x) {
      out.push_back(side[x]);
      out.push_back(side[y]);
    }
  }
  return out;
}

std::vector<std::vector<double>> layer_point_grids(int64_t n_per_side, int64_t n_layers, int64_t downscale) {
  std::vector<std::vector<double>> grids;
  double scale = 1.0;
  for (int64_t i = 0; i <= n_layers; ++i) {
    grids.push_back(point_grid(static_cast<int64_t>(static_cast<double>(n_per_side) / scale)));
    scale *= static_cast<double>(downscale);
  }
  return grids;
}

std::vector<CropBox> crop_boxes(int64_t width, int64_t height, int64_t n_layers, double overlap_ratio) {
  std::vector<CropBox> out{{{0, 0, width, height}, 0}};
  const auto short_side = static_cast<double>(std::min(width, height));
  for (int64_t layer = 0; layer < n_layers; ++layer) {
    const int64_t per_side = int64_t{1} << (layer + 1);
    const auto overlap = static_cast<int64_t>(overlap_ratio * short_side * (2.0 / static_cast<double>(per_side)));
    auto crop_len = [&](int64_t len) {
      return static_cast<int64_t>(
          std::ceil(static_cast<double>(overlap * (per_side - 1) + len) / static_cast<double>(per_side)));
    };
    const int64_t cw = crop_len(width), ch = crop_len(height);
    for (int64_t i = 0; i < per_side; ++i) {
      for (int64_t j = 0; j < per_side; ++j) {
        const int64_t x0 = (cw - overlap) * i, y0 = (ch - overlap) * j;
        out.push_back({{x0, y0, std::min(x0 + cw, width), std::min(y0 + ch, height)}, layer + 1});
      }
    }
  }
  return out;
}

bool near_crop_edge(const Box& b, const Box& crop, int64_t width, int64_t height) {
  constexpr double kTolerance = 20.0;
  const Box image{0, 0, width, height};
  for (int k = 0; k < 4; ++k) {
    const int64_t v = b[k] + crop[k % 2];  // back to image pixels
    const bool at_crop = std::abs(static_cast<double>(v - crop[k])) <= kTolerance;
    const bool at_image = std::abs(static_cast<double>(v - image[k])) <= kTolerance;
    if (at_crop && !at_image) return true;
  }
  return false;
}

}  // namespace sam2::amg
