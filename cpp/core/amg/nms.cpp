#include "core/amg/nms.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace sam2::amg {

std::vector<int64_t> box_nms(const std::vector<Box>& boxes, const std::vector<float>& scores, double iou_thresh) {
  if (boxes.size() != scores.size()) throw std::invalid_argument("box_nms: one score per box");
  const size_t n = boxes.size();
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });

  std::vector<float> area(n);
  for (size_t i = 0; i < n; ++i) {
    const auto& b = boxes[i];
    area[i] = static_cast<float>(b[2] - b[0]) * static_cast<float>(b[3] - b[1]);
  }
  std::vector<char> suppressed(n, 0);
  std::vector<int64_t> keep;
  for (size_t oi = 0; oi < n; ++oi) {
    const int64_t i = order[oi];
    if (suppressed[i]) continue;
    keep.push_back(i);
    const auto& a = boxes[i];
    for (size_t oj = oi + 1; oj < n; ++oj) {
      const int64_t j = order[oj];
      if (suppressed[j]) continue;
      const auto& b = boxes[j];
      const float w = std::max(0.0f, static_cast<float>(std::min(a[2], b[2]) - std::max(a[0], b[0])));
      const float h = std::max(0.0f, static_cast<float>(std::min(a[3], b[3]) - std::max(a[1], b[1])));
      const float inter = w * h;
      // torchvision compares the float IoU with the double threshold.
      if (static_cast<double>(inter / (area[i] + area[j] - inter)) > iou_thresh) suppressed[j] = 1;
    }
  }
  return keep;
}

}  // namespace sam2::amg
