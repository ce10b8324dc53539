// The automatic mask generator's torch-free pieces on synthetic inputs: NMS (torchvision semantics), stability
// score, binarisation and boxes, crop boxes and the crop-edge filter, RLE. Run by test/amg.native.test.ts, or:
//   g++ -std=c++17 -O1 -Icpp test/native/amg_test.cpp cpp/core/amg/{geometry,nms,rle,mask_stats}.cpp -o amg_test
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/amg/geometry.h"
#include "core/amg/mask_stats.h"
#include "core/amg/nms.h"
#include "core/amg/rle.h"

using namespace sam2::amg;

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    std::printf("FAIL %s\n", what.c_str());
  }
}

void test_nms() {
  // Two heavily overlapping boxes and a separate one: the lower-scored duplicate goes, the rest come by score.
  std::vector<Box> boxes{{0, 0, 10, 10}, {1, 1, 11, 11}, {50, 50, 60, 60}};
  auto keep = box_nms(boxes, {0.5f, 0.9f, 0.7f}, 0.5);
  check(keep == std::vector<int64_t>({1, 2}), "nms drops the overlapping lower score, sorts by score");
  // IoU 81/119 = 0.68: kept at threshold 0.7, dropped at 0.6; equality is not "above".
  check(box_nms(boxes, {0.5f, 0.9f, 0.7f}, 0.7) == std::vector<int64_t>({1, 2, 0}), "nms keeps IoU below thresh");
  check(box_nms({{0, 0, 10, 10}, {0, 0, 10, 10}}, {0.5f, 0.5f}, 1.0) == std::vector<int64_t>({0, 1}),
        "nms at 1.0 keeps identical boxes, ties in input order");
  check(box_nms({{0, 0, 10, 10}, {0, 0, 10, 10}}, {0.5f, 0.5f}, 0.99) == std::vector<int64_t>({0}),
        "identical boxes: the first of equal scores wins");
  // Zero-area boxes have NaN IoU with each other, which never suppresses (torchvision).
  check(box_nms({{3, 3, 3, 3}, {3, 3, 3, 3}}, {0.9f, 0.8f}, 0.0).size() == 2, "degenerate boxes never suppress");
  check(box_nms({}, {}, 0.7).empty(), "nms of nothing");
}

void test_stability_and_box() {
  // A 4x3 ramp of logits: cutoffs +1 and -1 around threshold 0.
  const std::vector<float> logits{-2, -0.5f, 0.5f, 2, -2, -0.5f, 0.5f, 2, -3, -3, -3, 1.5f};
  const auto c = stability_counts(logits.data(), 12, 1.0f, -1.0f);
  check(c.above_high == 3 && c.above_low == 7, "stability counts");
  check(std::fabs(stability_score(c) - 3.0f / 7.0f) < 1e-7f, "stability = high / low");
  check(std::isnan(stability_score({0, 0})), "empty union gives NaN like torch");
  std::vector<uint8_t> bin(12);
  const Box b = binarize(logits.data(), 4, 3, 0.0f, bin.data());
  check(b == Box{2, 0, 3, 2}, "inclusive box of the pixels above the threshold");
  check(bin[2] == 1 && bin[1] == 0 && bin[11] == 1, "binarised mask");
  const std::vector<float> none(12, -1.0f);
  check(binarize(none.data(), 4, 3, 0.0f, bin.data()) == Box{0, 0, 0, 0}, "empty mask has box 0,0,0,0");
}

void test_crops() {
  // The official generate_crop_boxes for a 640x400 image, one layer, overlap 512/1500: the first crop is the
  // image; then 2x2 crops of 388x268 (overlap int(0.3413 * 400) = 136), x-major.
  const auto crops = crop_boxes(640, 400, 1, 512.0 / 1500.0);
  check(crops.size() == 5, "1 + 4 crops");
  check(crops[0].box == Box{0, 0, 640, 400} && crops[0].layer == 0, "layer 0 is the whole image");
  check(crops[1].box == Box{0, 0, 388, 268} && crops[2].box == Box{0, 132, 388, 400}, "x-major order, y inner");
  check(crops[3].box == Box{252, 0, 640, 268} && crops[4].layer == 1, "second column");
  // Crop-edge filter: a box touching the crop's inner edge goes; one touching only the image's edge stays.
  const Box crop{252, 0, 640, 268};
  check(near_crop_edge({0, 30, 50, 60}, crop, 640, 400), "box at the crop's left edge (inside the image)");
  check(!near_crop_edge({100, 0, 380, 100}, crop, 640, 400), "box at the image's top and right edges stays");
  check(near_crop_edge({100, 100, 200, 250}, crop, 640, 400), "box within 20 px of the crop's bottom edge");
  check(!near_crop_edge({0, 0, 639, 399}, {0, 0, 640, 400}, 640, 400), "the whole image is no crop edge");
  // Point grids: cell centres, x fastest.
  const auto g = point_grid(2);
  check(g == std::vector<double>({0.25, 0.25, 0.75, 0.25, 0.25, 0.75, 0.75, 0.75}), "2x2 grid");
  const auto layers = layer_point_grids(8, 2, 2);
  check(layers.size() == 3 && layers[1].size() == 2 * 16 && layers[2].size() == 2 * 4, "grids per layer");
}

void test_rle() {
  // 3x2 crop pasted at (1, 1) in a 4x4 image; column-major runs.
  const uint8_t crop[6] = {1, 0, 1, 1, 0, 1};  // rows: [1 0 1], [1 0 1]
  const Rle rle = encode_uncropped(crop, 3, 2, 1, 1, 4, 4);
  check(rle.counts == std::vector<uint32_t>({5, 2, 6, 2, 1}), "uncropped column-major runs");
  check(rle.area() == 4, "area from runs");
  std::vector<uint8_t> mask(16, 9);
  decode(rle, mask.data());
  const std::vector<uint8_t> expected{0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0};
  check(mask == expected, "decode inverts encode");
  const uint8_t full[4] = {1, 1, 1, 1};
  check(encode_uncropped(full, 2, 2, 0, 0, 2, 2).counts == std::vector<uint32_t>({0, 4}), "mask starting inside");
  // maskApi.c's rleToString by hand: 5, 2, 6, then differences 0 and -5 (sign-extended group 'K').
  check(coco_string(rle) == "5260K", "COCO string");
  Rle big{100, 100, {10000}};
  check(coco_string(big) == "`h9", "COCO string of a long run (three groups)");
}

}  // namespace

int main() {
  test_nms();
  test_stability_and_box();
  test_crops();
  test_rle();
  if (failures == 0) std::printf("amg_test: all passed\n");
  return failures == 0 ? 0 : 1;
}
