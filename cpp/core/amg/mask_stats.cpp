#include "core/amg/mask_stats.h"

#include <algorithm>
#include <limits>

namespace sam2::amg {

StabilityCounts stability_counts(const float* logits, int64_t n, float high, float low) {
  int64_t hi = 0, lo = 0;
  for (int64_t i = 0; i < n; ++i) {
    hi += logits[i] > high;
    lo += logits[i] > low;
  }
  return {hi, lo};
}

float stability_score(const StabilityCounts& c) {
  if (c.above_low == 0) return std::numeric_limits<float>::quiet_NaN();
  return static_cast<float>(c.above_high) / static_cast<float>(c.above_low);
}

Box binarize(const float* logits, int64_t w, int64_t h, float threshold, uint8_t* binary) {
  int64_t x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (int64_t y = 0; y < h; ++y) {
    const float* row = logits + y * w;
    uint8_t* out = binary + y * w;
    int64_t first = -1, last = -1;
    for (int64_t x = 0; x < w; ++x) {
      const uint8_t on = row[x] > threshold;
      out[x] = on;
      if (on) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first >= 0) {
      x0 = std::min(x0, first);
      x1 = std::max(x1, last);
      y0 = std::min(y0, y);
      y1 = y;
    }
  }
  if (x1 < 0) return {0, 0, 0, 0};
  return {x0, y0, x1, y1};
}

}  // namespace sam2::amg
