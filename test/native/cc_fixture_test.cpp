// CPU connected components against the official kernel's fixture and a flood-fill reference.
// Build and run from the repository root:
//   mkdir -p build && g++ -std=c++17 -O2 -Icpp test/native/cc_fixture_test.cpp cpp/core/connected_components.cpp -o build/cc_fixture_test && build/cc_fixture_test
// Fixture directory: $SAM2_PARITY_DIR, default ../shared/parity/mini.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "core/connected_components.h"

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    std::printf("FAIL %s\n", what.c_str());
  }
}

template <typename T>
std::vector<T> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::printf("cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<T> out(bytes.size() / sizeof(T));
  std::copy(bytes.begin(), bytes.begin() + out.size() * sizeof(T), reinterpret_cast<char*>(out.data()));
  return out;
}

// Independent definition: 8-connected flood fill; the label is 1 + the smallest top-left index of the
// 2x2 blocks the component touches.
void flood_fill(const std::vector<uint8_t>& m, int h, int w, std::vector<int32_t>& labels,
                std::vector<int32_t>& areas) {
  std::vector<int> comp(m.size(), -1), stack, members;
  labels.assign(m.size(), 0);
  areas.assign(m.size(), 0);
  for (int start = 0; start < h * w; ++start) {
    if (!m[start] || comp[start] >= 0) continue;
    members.clear();
    stack.assign(1, start);
    comp[start] = start;
    int label = h * w;
    while (!stack.empty()) {
      const int p = stack.back();
      stack.pop_back();
      members.push_back(p);
      const int r = p / w, c = p % w;
      label = std::min(label, (r & ~1) * w + (c & ~1) + 1);
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int y = r + dy, x = c + dx;
          if (y < 0 || x < 0 || y >= h || x >= w || !m[y * w + x] || comp[y * w + x] >= 0) continue;
          comp[y * w + x] = start;
          stack.push_back(y * w + x);
        }
    }
    for (int p : members) {
      labels[p] = label;
      areas[p] = static_cast<int32_t>(members.size());
    }
  }
}

int64_t distinct_labels(const std::vector<int32_t>& labels) {
  std::vector<int32_t> l(labels);
  std::sort(l.begin(), l.end());
  return std::unique(l.begin(), l.end()) - l.begin() - (l.empty() || l[0] != 0 ? 0 : 1);
}

void fixture_case() {
  const char* env = std::getenv("SAM2_PARITY_DIR");
  const std::string dir = std::string(env ? env : "../shared/parity/mini") + "/cc/";
  const auto mask = read_file<uint8_t>(dir + "mask.bin");
  const auto want_labels = read_file<int32_t>(dir + "labels.bin");
  const auto want_areas = read_file<int32_t>(dir + "areas.bin");
  const int h = 128, w = 128;
  check(mask.size() == size_t(h * w) && want_labels.size() == mask.size() && want_areas.size() == mask.size(),
        "fixture sizes");
  std::vector<int32_t> labels(mask.size()), areas(mask.size());
  sam2::connected_components_cpu(mask.data(), 1, h, w, labels.data(), areas.data());
  check(labels == want_labels, "fixture labels");
  check(areas == want_areas, "fixture areas");
  check(sam2::count_components(labels.data(), h, w) == 173, "fixture count 173");
  std::printf("fixture 128x128: %s\n", labels == want_labels && areas == want_areas ? "identical" : "DIFFERENT");
}

void random_cases() {
  std::mt19937 rng(7);
  const int sizes[][2] = {{1, 1}, {1, 9}, {9, 1}, {2, 2}, {3, 3}, {2, 7}, {7, 2}, {5, 6}, {17, 33},
                          {32, 32}, {63, 65}, {64, 64}, {100, 37}, {128, 127}};
  const double densities[] = {0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0};
  int cases = 0;
  for (auto [h, w] : sizes) {
    for (double d : densities) {
      for (int rep = 0; rep < 6; ++rep) {
        const int n = 1 + rep % 3;
        std::bernoulli_distribution fg(d);
        std::vector<uint8_t> mask(size_t(n) * h * w);
        for (auto& v : mask) v = fg(rng) ? static_cast<uint8_t>(1 + rng() % 255) : 0;
        std::vector<int32_t> labels(mask.size()), areas(mask.size());
        sam2::connected_components_cpu(mask.data(), n, h, w, labels.data(), areas.data());
        for (int i = 0; i < n; ++i) {
          const std::vector<uint8_t> one(mask.begin() + i * h * w, mask.begin() + (i + 1) * h * w);
          std::vector<int32_t> ref_labels, ref_areas;
          flood_fill(one, h, w, ref_labels, ref_areas);
          const std::vector<int32_t> got_labels(labels.begin() + i * h * w, labels.begin() + (i + 1) * h * w);
          const std::vector<int32_t> got_areas(areas.begin() + i * h * w, areas.begin() + (i + 1) * h * w);
          const std::string name = std::to_string(h) + "x" + std::to_string(w) + " d=" + std::to_string(d);
          check(got_labels == ref_labels, name + " labels");
          check(got_areas == ref_areas, name + " areas");
          check(sam2::count_components(got_labels.data(), h, w) == distinct_labels(ref_labels), name + " count");
          ++cases;
        }
      }
    }
  }
  std::printf("random masks vs flood fill: %d masks checked\n", cases);
}

}  // namespace

int main() {
  fixture_case();
  random_cases();
  std::printf(failures ? "%d FAILURES\n" : "all passed\n", failures);
  return failures ? 1 : 0;
}
