#pragma once
// The official SAM2AutomaticMaskGenerator's options (lib/amg/options.ts documents each one).
#include <cstdint>
#include <vector>

namespace sam2::amg {

struct Options {
  // One grid per crop layer, points as x,y pairs normalised to [0,1], in double as the official's numpy grids
  // (layer_point_grids builds them from points_per_side).
  std::vector<std::vector<double>> point_grids;
  int64_t points_per_batch = 64;
  double pred_iou_thresh = 0.8;
  double stability_score_thresh = 0.95;
  double stability_score_offset = 1.0;
  double mask_threshold = 0.0;
  double box_nms_thresh = 0.7;
  int64_t crop_n_layers = 0;
  double crop_nms_thresh = 0.7;
  double crop_overlap_ratio = 512.0 / 1500.0;
  int64_t min_mask_region_area = 0;
  bool use_m2m = false;
  bool multimask = true;
};

// How the kept masks leave the generator: all are held as RLE until the end, as the official does.
enum class OutputMode { Binary, Rle, CocoRle };

}  // namespace sam2::amg
