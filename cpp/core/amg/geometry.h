#pragma once
// Point grids, crop boxes and box tests of the official generator (sam2/utils/amg.py), torch-free.
#include <array>
#include <cstdint>
#include <vector>

namespace sam2::amg {

using Box = std::array<int64_t, 4>;  // x0, y0, x1, y1

// n*n points evenly spaced in [0,1]^2, cell centres, x fastest: x,y pairs.
std::vector<double> point_grid(int64_t n_per_side);

// The grid of every crop layer: layer i has int(n_per_side / downscale^i) points per side.
std::vector<std::vector<double>> layer_point_grids(int64_t n_per_side, int64_t n_layers, int64_t downscale);

struct CropBox {
  Box box;  // x0, y0, x1 (exclusive), y1 (exclusive)
  int64_t layer;
};

// The whole image first, then (2^(i+1))^2 overlapping crops for each layer i, x-major as the official.
std::vector<CropBox> crop_boxes(int64_t width, int64_t height, int64_t n_layers, double overlap_ratio);

// Whether a box (inclusive xyxy, in crop pixels) lies within 20 px of a crop edge that is not an image edge.
bool near_crop_edge(const Box& box_in_crop, const Box& crop, int64_t width, int64_t height);

}  // namespace sam2::amg
