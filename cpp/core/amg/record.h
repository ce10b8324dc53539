#pragma once
// One generated mask as the official generator's record holds it: the mask stays RLE until output.
#include "core/amg/geometry.h"
#include "core/amg/rle.h"

namespace sam2::amg {

struct MaskRecord {
  Rle rle;             // the full image's mask
  Box box;             // inclusive xyxy; crop pixels inside a crop's processing, image pixels once uncropped
  float predicted_iou;
  float stability_score;
  float point[2];      // the prompt point, crop pixels then image pixels like `box`
  Box crop_box;        // x0, y0, x1, y1 (exclusive)
};

}  // namespace sam2::amg
