#pragma once
// Box non-maximum suppression with torchvision's semantics (ops.nms / batched_nms with one category).
#include <cstdint>
#include <vector>

#include "core/amg/geometry.h"

namespace sam2::amg {

// Indices of the kept boxes, by descending score; equal scores keep their input order (the official's stable
// sort). A box is dropped when its IoU with a kept higher-scored box is > iou_thresh. IoU uses torchvision's
// area (x1 - x0) * (y1 - y0) in float32, so degenerate boxes have area 0 and never overlap anything.
std::vector<int64_t> box_nms(const std::vector<Box>& boxes, const std::vector<float>& scores, double iou_thresh);

}  // namespace sam2::amg
