#pragma once
// Uncompressed COCO run-length encoding (column-major runs, a background run first) and its compressed string.
#include <cstdint>
#include <string>
#include <vector>

#include "core/amg/geometry.h"

namespace sam2::amg {

struct Rle {
  int64_t height = 0, width = 0;
  std::vector<uint32_t> counts;
  int64_t area() const;
};

// Encodes a row-major crop mask (crop_h x crop_w, non-zero inside) as the RLE of the full height x width image
// with the crop pasted at (x0, y0) and zeros elsewhere: the official uncrop + mask_to_rle without the padded copy.
Rle encode_uncropped(const uint8_t* crop_mask, int64_t crop_w, int64_t crop_h, int64_t x0, int64_t y0, int64_t width,
                     int64_t height);

// Writes the mask (height*width bytes, row-major, 0/1).
void decode(const Rle& rle, uint8_t* out);

// pycocotools' rleToString: the compressed "counts" string of COCO annotation files.
std::string coco_string(const Rle& rle);

}  // namespace sam2::amg
