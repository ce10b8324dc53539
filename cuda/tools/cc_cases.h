#pragma once
// Masks shared by the kernel's emulation and its GPU check: sizes around the tiles (64x32 pixels) and odd
// ones, random densities, and shapes that make long union-find chains.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace cc_cases {

struct Case {
  std::string name;
  int n, h, w;
  std::vector<uint8_t> mask;
};

// density in [0,1] draws random pixels; the negative values name shapes.
enum Shape { kSnake = -1, kChecker = -2, kRings = -3 };

inline void fill(uint8_t* m, int h, int w, double density, std::mt19937& rng) {
  std::bernoulli_distribution fg(density < 0 ? 0.0 : density);
  for (int r = 0; r < h; ++r) {
    for (int c = 0; c < w; ++c) {
      bool on;
      if (density == kSnake) on = r % 4 == 0 || c == ((r / 4) % 2 ? 0 : w - 1);  // one path through all rows
      else if (density == kChecker) on = (r + c) % 2 == 0;                         // connected by corners only
      else if (density == kRings) on = std::max(std::abs(2 * r - h), std::abs(2 * c - w)) % 8 < 4;
      else on = fg(rng);
      // Any non-zero byte is foreground.
      m[size_t(r) * w + c] = on ? static_cast<uint8_t>(1 + rng() % 255) : 0;
    }
  }
}

inline std::string pattern_name(double density) {
  if (density == kSnake) return "snake";
  if (density == kChecker) return "checker";
  if (density == kRings) return "rings";
  return "p=" + std::to_string(density).substr(0, 4);
}

inline Case make(int n, int h, int w, const std::vector<double>& densities, std::mt19937& rng) {
  Case c{std::to_string(n) + "x" + std::to_string(h) + "x" + std::to_string(w) + " ", n, h, w,
         std::vector<uint8_t>(size_t(n) * h * w)};
  for (int i = 0; i < n; ++i) {
    const double d = densities[i % densities.size()];
    fill(c.mask.data() + size_t(i) * h * w, h, w, d, rng);
    if (i < 4) c.name += (i ? "," : "") + pattern_name(d);
  }
  if (n > 4) c.name += ",...";
  return c;
}

inline std::vector<Case> all(uint32_t seed) {
  std::mt19937 rng(seed);
  const int sizes[][2] = {{1, 1},    {1, 2},    {2, 1},     {1, 37},    {37, 1},    {2, 2},    {3, 3},
                          {5, 4},    {4, 5},    {31, 63},   {32, 64},   {33, 65},   {64, 128}, {65, 129},
                          {127, 255}, {256, 256}, {480, 640}, {511, 513}, {1023, 1025}, {1024, 1024}};
  const double patterns[] = {0.0, 0.1, 0.5, 0.9, 1.0, kSnake, kChecker, kRings};
  std::vector<Case> cases;
  for (auto [h, w] : sizes)
    for (double d : patterns) cases.push_back(make(1, h, w, {d}, rng));
  cases.push_back(make(7, 97, 131, {0.1, 0.5, 0.9, kSnake, 0.45, 1.0, kRings}, rng));
  cases.push_back(make(4, 1024, 1024, {0.1, 0.5, 0.9, 1.0}, rng));
  cases.push_back(make(16, 256, 256, {0.3, 0.5, 0.7, kChecker}, rng));
  // More masks than one launch's gridDim.y takes.
  cases.push_back(make(70000, 3, 5, {0.5, 0.9}, rng));
  return cases;
}

}  // namespace cc_cases
