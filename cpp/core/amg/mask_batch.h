#pragma once
// The official generator's per-batch filtering (_process_batch after the decoder): predicted-IoU filter,
// hole/sprinkle fill, upsampling to the crop, stability score and filter, binarisation, box, crop-edge filter,
// RLE of the uncropped mask. Masks are upsampled a few at a time, so memory does not grow with the batch.
#include <torch/torch.h>

#include <vector>

#include "core/amg/options.h"
#include "core/amg/record.h"

namespace sam2::amg {

struct CropFrame {
  Box crop;                      // in image pixels
  int64_t image_width, image_height;
  int64_t width() const { return crop[2] - crop[0]; }
  int64_t height() const { return crop[3] - crop[1]; }
};

// low_res: float32 [N,L,L] decoder logits; iou: float32 [N]; points: N x,y pairs in crop pixels.
// Appends the kept masks to `out` in input order, with crop-local boxes and points.
void filter_batch(const torch::Tensor& low_res, const torch::Tensor& iou, const std::vector<float>& points,
                  const CropFrame& frame, const Options& options, std::vector<MaskRecord>& out);

}  // namespace sam2::amg
