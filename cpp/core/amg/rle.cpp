#include "core/amg/rle.h"

#include <algorithm>

namespace sam2::amg {

int64_t Rle::area() const {
  int64_t sum = 0;
  for (size_t i = 1; i < counts.size(); i += 2) sum += counts[i];
  return sum;
}

Rle encode_uncropped(const uint8_t* crop_mask, int64_t crop_w, int64_t crop_h, int64_t x0, int64_t y0, int64_t width,
                     int64_t height) {
  Rle rle{height, width, {}};
  bool inside = false;
  uint32_t run = 0;
  auto push = [&](bool value, int64_t n) {
    if (n <= 0) return;
    if (value != inside) {
      rle.counts.push_back(run);
      run = 0;
      inside = value;
    }
    run += static_cast<uint32_t>(n);
  };
  for (int64_t x = 0; x < width; ++x) {
    const int64_t cx = x - x0;
    if (cx < 0 || cx >= crop_w) {
      push(false, height);
      continue;
    }
    push(false, y0);
    for (int64_t cy = 0; cy < crop_h; ++cy) push(crop_mask[cy * crop_w + cx] != 0, 1);
    push(false, height - y0 - crop_h);
  }
  rle.counts.push_back(run);
  // Kept masks live as RLE until the end: no growth slack, which for speckled masks would double their size.
  rle.counts.shrink_to_fit();
  return rle;
}

void decode(const Rle& rle, uint8_t* out) {
  const int64_t h = rle.height, w = rle.width;
  int64_t pixel = 0;
  bool value = false;
  for (uint32_t run : rle.counts) {
    if (value) {
      for (int64_t j = pixel; j < pixel + run; ++j) out[(j % h) * w + j / h] = 1;
    } else {
      for (int64_t j = pixel; j < pixel + run; ++j) out[(j % h) * w + j / h] = 0;
    }
    pixel += run;
    value = !value;
  }
}

std::string coco_string(const Rle& rle) {
  std::string out;
  const auto& c = rle.counts;
  for (size_t i = 0; i < c.size(); ++i) {
    int64_t x = static_cast<int64_t>(c[i]);
    if (i > 2) x -= static_cast<int64_t>(c[i - 2]);
    for (bool more = true; more;) {
      int64_t group = x & 0x1f;
      x >>= 5;  // arithmetic shift: the sign carries as in maskApi.c
      more = (group & 0x10) ? x != -1 : x != 0;
      if (more) group |= 0x20;
      out.push_back(static_cast<char>(group + 48));
    }
  }
  return out;
}

}  // namespace sam2::amg
