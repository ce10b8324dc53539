#pragma once
// The official SAM2AutomaticMaskGenerator over an exported model: crops, point grids in batches, per-batch
// filtering, per-crop and cross-crop NMS. Records come back in the official order.
#include <functional>
#include <vector>

#include "core/amg/options.h"
#include "core/amg/record.h"
#include "core/image_predictor.h"

namespace sam2::amg {

// (batches done, batches in all), called on the worker thread after each decoder batch.
using Progress = std::function<void(int64_t, int64_t)>;

// The image is given as pixels (any crop layers), or as the embedding of the whole image (crop_n_layers 0 only,
// since a crop needs its own encoding). Throws ArgumentError naming the option for inconsistent options.
std::vector<MaskRecord> generate_masks(Model& model, const RawImage* image, const ImageEmbedding* embedding,
                                       const Options& options, const Progress& progress);

}  // namespace sam2::amg
