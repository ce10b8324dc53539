// Runs the kernels' per-thread steps on the CPU, one launch after the other and each launch's threads in a
// shuffled order, and compares labels and areas with sam2::connected_components_cpu. Checks the kernels'
// logic and indexing where no GPU is at hand (it needs nvcc, not a device). From the repository root:
//   mkdir -p build && /usr/local/cuda/bin/nvcc -std=c++17 -O2 -Icuda -Icpp cuda/tools/cc_emulate.cu cpp/core/connected_components.cpp -o build/cc_emulate && build/cc_emulate
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "../connected_components.cu"
#include "cc_cases.h"
#include "core/connected_components.h"

namespace {

template <typename T>
void shuffle(std::vector<T>& v, std::mt19937& rng) {
  std::shuffle(v.begin(), v.end(), rng);
}

void local_step(const Plane& p, int tile, std::mt19937& rng) {
  std::vector<Cell> cells(kTileBlocks);
  std::vector<int32_t> parent(kTileBlocks), count(kTileBlocks, 0), root(kTileBlocks);
  std::vector<int> order(kTileBlocks);
  std::iota(order.begin(), order.end(), 0);
  for (int t = 0; t < kTileBlocks; ++t) {
    cells[t] = cell_at(p, tile, t / kTileW, t % kTileW);
    parent[t] = t;
  }
  shuffle(order, rng);
  for (int t : order) local_unions(p, cells[t], parent.data());
  for (int t = 0; t < kTileBlocks; ++t) {
    root[t] = cells[t].bits ? find_root(parent.data(), t) : -1;
    if (root[t] >= 0) count[root[t]] += __builtin_popcount(cells[t].bits);
  }
  shuffle(order, rng);
  for (int t : order) store_tile_root(p, cells[t], root[t], count.data());
}

void emulate(const cc_cases::Case& c, int32_t* labels, int32_t* areas, std::mt19937& rng) {
  const Batch batch = make_batch(c.mask.data(), c.h, c.w, labels, areas);
  const int tiles = tile_count(batch);
  std::vector<std::pair<int, int>> threads, border;
  for (int tile = 0; tile < tiles; ++tile) {
    for (int t = 0; t < kTileBlocks; ++t) threads.emplace_back(tile, t);
    for (int i = 0; i < kBorderThreads; ++i) border.emplace_back(tile, i);
  }
  for (int i = 0; i < c.n; ++i) {
    const Plane p = batch.plane(i);
    for (int tile = 0; tile < tiles; ++tile) local_step(p, tile, rng);
    shuffle(border, rng);
    for (auto [tile, j] : border) border_unions(p, tile, j);
    shuffle(threads, rng);
    for (auto [tile, t] : threads) flatten(p, cell_at(p, tile, t / kTileW, t % kTileW));
    shuffle(threads, rng);
    for (auto [tile, t] : threads) output(p, cell_at(p, tile, t / kTileW, t % kTileW));
  }
}

}  // namespace

int main() {
  std::mt19937 rng(1234);
  int failed = 0, checked = 0;
  for (const auto& c : cc_cases::all(42)) {
    const size_t size = c.mask.size();
    // Garbage outputs: every pixel must be written.
    std::vector<int32_t> labels(size, -7), areas(size, -7), want_labels(size), want_areas(size);
    emulate(c, labels.data(), areas.data(), rng);
    sam2::connected_components_cpu(c.mask.data(), c.n, c.h, c.w, want_labels.data(), want_areas.data());
    size_t bad = 0;
    for (size_t i = 0; i < size; ++i) bad += labels[i] != want_labels[i] || areas[i] != want_areas[i];
    ++checked;
    if (bad) {
      ++failed;
      std::printf("FAIL %-40s %zu pixels differ\n", c.name.c_str(), bad);
    }
  }
  std::printf("%d cases emulated, %d failed\n", checked, failed);
  return failed ? 1 : 0;
}
