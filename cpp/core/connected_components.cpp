#include "core/connected_components.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "core/errors.h"

namespace sam2 {
namespace {

// Union-find over 2x2 blocks that always links the larger root under the smaller one, so that every parent
// index is below its child's and a component's root is its first block: the official kernel's label.
int32_t find(std::vector<int32_t>& parent, int32_t x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

// Rows r-1, r and r+1 as 0/1 bytes with one zero column on the left and two on the right (zero rows outside
// the mask), so that every neighbour read of a block row is unconditional.
struct RowWindow {
  std::vector<uint8_t> rows[3];

  explicit RowWindow(int64_t w) {
    for (auto& row : rows) row.assign(w + 3, 0);
  }
  static void load(std::vector<uint8_t>& row, const uint8_t* m, int64_t h, int64_t w, int64_t r) {
    if (r < 0 || r >= h) return std::fill(row.begin(), row.end(), 0);
    for (int64_t c = 0; c < w; ++c) row[c + 1] = m[r * w + c] != 0;
  }
};

void label_one(const uint8_t* m, int64_t h, int64_t w, int32_t* labels, int32_t* areas,
               std::vector<int32_t>& parent, std::vector<int32_t>& count, RowWindow& win,
               std::vector<int32_t>& row_label, std::vector<int32_t>& row_area) {
  const int64_t bh = (h + 1) / 2, bw = (w + 1) / 2;
  auto& [up, cur, down] = win.rows;

  win.load(down, m, h, w, -1);
  for (int64_t by = 0; by < bh; ++by) {
    const int64_t r = 2 * by;
    std::swap(up, down);
    win.load(cur, m, h, w, r);
    win.load(down, m, h, w, r + 1);
    for (int64_t bx = 0; bx < bw; ++bx) {
      const int64_t j = 2 * bx + 1;  // padded column of the block's left pixels
      const int32_t b = static_cast<int32_t>(by * bw + bx);
      const int tl = cur[j], tr = cur[j + 1], bl = down[j], br = down[j + 1];
      count[b] = tl + tr + bl + br;
      // Only the block's top row and left column can touch earlier blocks.
      // Bitwise, not logical, operators: random masks make every branch a coin flip.
      const int links[4] = {(tl | bl) & (cur[j - 1] | down[j - 1]), tl & up[j - 1], (tl | tr) & (up[j] | up[j + 1]),
                            tr & up[j + 2]};
      const int32_t neighbours[4] = {b - 1, static_cast<int32_t>(b - bw - 1), static_cast<int32_t>(b - bw),
                                     static_cast<int32_t>(b - bw + 1)};
      int32_t root = b;
      for (int i = 0; i < 4; ++i) {
        if (!links[i]) continue;
        const int32_t other = find(parent, neighbours[i]);
        if (root == b) root = other;
        else if (other < root) parent[root] = other, root = other;
        else if (other > root) parent[other] = root;
      }
      parent[b] = root;
    }
  }

  // Parents precede children, so one increasing pass flattens every block onto its root.
  const int32_t blocks = static_cast<int32_t>(bh * bw);
  for (int32_t b = 0; b < blocks; ++b) {
    if (parent[b] == b) continue;
    parent[b] = parent[parent[b]];
    count[parent[b]] += count[b];
  }

  for (int64_t by = 0; by < bh; ++by) {
    for (int64_t bx = 0; bx < bw; ++bx) {
      const int32_t root = parent[by * bw + bx];
      row_label[bx] = static_cast<int32_t>((root / bw) * 2 * w + (root % bw) * 2 + 1);
      row_area[bx] = count[root];
    }
    for (int64_t y = 2 * by; y < 2 * by + 2 && y < h; ++y) {
      const uint8_t* mrow = m + y * w;
      int32_t* lrow = labels + y * w;
      int32_t* arow = areas + y * w;
      for (int64_t x = 0; x < w; ++x) {
        const int32_t keep = -static_cast<int32_t>(mrow[x] != 0);  // branch-free on random masks
        lrow[x] = row_label[x >> 1] & keep;
        arow[x] = row_area[x >> 1] & keep;
      }
    }
  }
}

}  // namespace

void connected_components_cpu(const uint8_t* mask, int64_t n, int64_t h, int64_t w, int32_t* labels,
                              int32_t* areas) {
  if (n < 0 || h < 0 || w < 0) throw ArgumentError("mask", "sizes must not be negative");
  if (h != 0 && w > std::numeric_limits<int32_t>::max() / h)
    throw ArgumentError("mask", "height*width must not exceed 2^31-1");
  if (n == 0 || h == 0 || w == 0) return;
  const int64_t plane = h * w, blocks = ((h + 1) / 2) * ((w + 1) / 2);
  std::vector<int32_t> parent(blocks), count(blocks), row_label((w + 1) / 2), row_area((w + 1) / 2);
  RowWindow win(w);
  for (int64_t i = 0; i < n; ++i)
    label_one(mask + i * plane, h, w, labels + i * plane, areas + i * plane, parent, count, win, row_label,
              row_area);
}

int64_t count_components(const int32_t* labels, int64_t h, int64_t w) {
  // A component is counted at its first block: the one whose top-left index its label names.
  int64_t components = 0;
  for (int64_t r = 0; r < h; r += 2) {
    for (int64_t c = 0; c < w; c += 2) {
      const int64_t own = r * w + c + 1;
      bool root = false;
      for (int64_t y = r; y < r + 2 && y < h; ++y)
        for (int64_t x = c; x < c + 2 && x < w; ++x) root = root || labels[y * w + x] == own;
      components += root;
    }
  }
  return components;
}

}  // namespace sam2
