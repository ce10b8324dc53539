// 8-connected components by block-based union-find (Allegretti, Bolelli, Grana, "Optimized Block-Based
// Algorithms to Label Connected Components on GPUs", IEEE TPDS 2020), in four launches per batch:
//   local   - one CUDA block per tile of 32x16 pixel blocks (2x2 pixels) unites the tile in shared memory;
//   border  - unites pixel blocks across tile borders in global memory;
//   flatten - points every pixel block at its final root and adds the tiles' counts into the root's;
//   output  - writes every pixel's label and area.
// The forest lives in d_labels at each pixel block's top-left pixel, a node being named by that pixel's index.
// Linking the larger root under the smaller makes a component's root its first pixel block: the official label.
// Counts live in d_areas at the owning pixel block's first foreground pixel, whose final area is the count
// itself, so `output` can overwrite both buffers while other threads still read the roots' counts.
// The per-thread steps are __host__ __device__ so that tools/cc_emulate.cu can run them on a CPU.
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "sam2_cuda.h"

namespace {

constexpr int kTileW = 32;  // one warp per row of pixel blocks: coalesced mask and label rows
constexpr int kTileH = 16;
constexpr int kTileBlocks = kTileW * kTileH;
constexpr int kBorderThreads = 64;
static_assert(kTileW + 2 * (kTileH - 1) <= kBorderThreads, "one border thread per pixel block on the border");
constexpr int kMaxBatchPerLaunch = 65535;  // gridDim.y
constexpr int kMaxSide = 1 << 30;          // keeps the tiles' pixel coordinates inside int

enum Link : unsigned { kLeft = 1, kTopLeft = 2, kTop = 4, kTopRight = 8 };

struct Plane {
  const uint8_t* mask;
  int32_t* labels;
  int32_t* areas;
  int h, w, tiles_x;
};

struct Batch {
  const uint8_t* mask;
  int32_t* labels;
  int32_t* areas;
  int h, w, tiles_x;

  __host__ __device__ Plane plane(unsigned i) const {
    const size_t offset = size_t(i) * size_t(h) * size_t(w);
    return {mask + offset, labels + offset, areas + offset, h, w, tiles_x};
  }
};

// The pixel block a thread owns.
struct Cell {
  int t, ly, lx;  // row-major index and position in the tile
  int r, c;       // top-left pixel
  unsigned bits;  // foreground of the top-left, top-right, bottom-left, bottom-right pixels

  __host__ __device__ int node(const Plane& p) const { return r * p.w + c; }
};

__host__ __device__ inline unsigned px(const Plane& p, int r, int c) {
  return r >= 0 && c >= 0 && r < p.h && c < p.w && p.mask[r * p.w + c] != 0;
}

__host__ __device__ inline unsigned block_bits(const Plane& p, int r, int c) {
  return px(p, r, c) | px(p, r, c + 1) << 1 | px(p, r + 1, c) << 2 | px(p, r + 1, c + 1) << 3;
}

__host__ __device__ inline Cell cell_at(const Plane& p, int tile, int ly, int lx) {
  Cell k;
  k.ly = ly;
  k.lx = lx;
  k.t = ly * kTileW + lx;
  k.r = 2 * ((tile / p.tiles_x) * kTileH + ly);
  k.c = 2 * ((tile % p.tiles_x) * kTileW + lx);
  k.bits = k.r < p.h && k.c < p.w ? block_bits(p, k.r, k.c) : 0;
  return k;
}

// Which earlier pixel blocks touch this one. Only its top row and left column can reach them.
__host__ __device__ inline unsigned prior_links(const Plane& p, const Cell& k) {
  const int r = k.r, c = k.c;
  unsigned links = 0;
  if ((k.bits & 5) && (px(p, r, c - 1) || px(p, r + 1, c - 1))) links |= kLeft;
  if ((k.bits & 1) && px(p, r - 1, c - 1)) links |= kTopLeft;
  if ((k.bits & 3) && (px(p, r - 1, c) || px(p, r - 1, c + 1))) links |= kTop;
  if ((k.bits & 2) && px(p, r - 1, c + 2)) links |= kTopRight;
  return links;
}

// Where a pixel block's count is kept: its first foreground pixel.
__host__ __device__ inline int first_fg(unsigned bits, int w) {
  return (bits & 1) ? 0 : (bits & 2) ? 1 : (bits & 4) ? w : w + 1;
}

__host__ __device__ inline int count_slot(const Plane& p, int node) {
  const int r = node / p.w;
  return node + first_fg(block_bits(p, r, node - r * p.w), p.w);
}

// The host branches serve the sequential emulation, where no other thread can interfere.
__host__ __device__ inline int32_t atomic_min(int32_t* a, int32_t v) {
#ifdef __CUDA_ARCH__
  return atomicMin(a, v);
#else
  const int32_t old = *a;
  if (v < old) *a = v;
  return old;
#endif
}

__host__ __device__ inline void atomic_add(int32_t* a, int32_t v) {
#ifdef __CUDA_ARCH__
  atomicAdd(a, v);
#else
  *a += v;
#endif
}

// Min-linked trees can degenerate into long chains (a line across many tiles), so walks halve the path. Pointing
// a node at its grandparent stays correct amid concurrent unions: parents only decrease and an ancestor never
// leaves the node's set. Volatile: other threads relink nodes while this one walks.
__host__ __device__ inline int32_t find_root(int32_t* parent, int32_t x) {
  volatile int32_t* p = parent;
  for (;;) {
    const int32_t y = p[x];
    if (y == x) return x;
    const int32_t z = p[y];
    if (z == y) return y;
    p[x] = z;
    x = z;
  }
}

__host__ __device__ inline void unite(int32_t* parent, int32_t a, int32_t b) {
  for (;;) {
    a = find_root(parent, a);
    b = find_root(parent, b);
    if (a == b) return;
    if (a > b) {
      const int32_t t = a;
      a = b;
      b = t;
    }
    // Linked only if b was still a root; otherwise b's new parent must be joined as well.
    const int32_t old = atomic_min(parent + b, a);
    if (old == b) return;
    b = old;
  }
}

__host__ __device__ inline void local_unions(const Plane& p, const Cell& k, int32_t* parent) {
  if (!k.bits) return;
  const unsigned links = prior_links(p, k);
  const int t = k.t;
  if ((links & kLeft) && k.lx > 0) unite(parent, t, t - 1);
  if (k.ly == 0) return;
  if ((links & kTopLeft) && k.lx > 0) unite(parent, t, t - kTileW - 1);
  if (links & kTop) unite(parent, t, t - kTileW);
  if ((links & kTopRight) && k.lx < kTileW - 1) unite(parent, t, t - kTileW + 1);
}

// Tile roots become node names. A tile root keeps its tile component's count; the other pixel blocks store 0
// there, which tells `flatten` they have nothing to add.
__host__ __device__ inline void store_tile_root(const Plane& p, const Cell& k, int root, const int32_t* count) {
  if (!k.bits) return;
  const int me = k.node(p);
  p.labels[me] = me + 2 * (root / kTileW - k.ly) * p.w + 2 * (root % kTileW - k.lx);
  p.areas[me + first_fg(k.bits, p.w)] = root == k.t ? count[k.t] : 0;
}

// Thread i covers the tile's top row, then its left and right columns below that row.
__host__ __device__ inline void border_unions(const Plane& p, int tile, int i) {
  int ly, lx;
  if (i < kTileW) {
    ly = 0;
    lx = i;
  } else if (i < kTileW + kTileH - 1) {
    ly = i - kTileW + 1;
    lx = 0;
  } else if (i < kTileW + 2 * (kTileH - 1)) {
    ly = i - (kTileW + kTileH - 2);
    lx = kTileW - 1;
  } else {
    return;
  }
  const Cell k = cell_at(p, tile, ly, lx);
  if (!k.bits) return;
  const unsigned links = prior_links(p, k);
  const int me = k.node(p), up = 2 * p.w;
  if ((links & kLeft) && lx == 0) unite(p.labels, me, me - 2);
  if ((links & kTopLeft) && (lx == 0 || ly == 0)) unite(p.labels, me, me - up - 2);
  if ((links & kTop) && ly == 0) unite(p.labels, me, me - up);
  if ((links & kTopRight) && (lx == kTileW - 1 || ly == 0)) unite(p.labels, me, me - up + 2);
}

__host__ __device__ inline void flatten(const Plane& p, const Cell& k) {
  if (!k.bits) return;
  const int me = k.node(p);
  volatile int32_t* parent = p.labels;
  int32_t root = me;
  for (int32_t up = parent[root]; up != root; up = parent[root]) root = up;
  // Unions are over and every writer now stores the final root: no walk is broken, and each block's own entry
  // is left at its root for `output`. (A halving walk here could overwrite an entry with a non-root.)
  for (int32_t x = me; x != root;) {
    const int32_t next = parent[x];
    if (next != root) parent[x] = root;
    x = next;
  }
  if (root == me) return;
  const int32_t tile_count = p.areas[me + first_fg(k.bits, p.w)];
  if (tile_count > 0) atomic_add(p.areas + count_slot(p, root), tile_count);
}

__host__ __device__ inline void put(const Plane& p, int i, unsigned fg, int32_t label, int32_t area) {
  p.labels[i] = fg ? label : 0;
  p.areas[i] = fg ? area : 0;
}

__host__ __device__ inline void output(const Plane& p, const Cell& k) {
  if (k.r >= p.h || k.c >= p.w) return;
  const int me = k.node(p);
  int32_t label = 0, area = 0;
  if (k.bits) {
    const int32_t root = p.labels[me];
    label = root + 1;
    area = p.areas[count_slot(p, root)];
  }
  const bool right = k.c + 1 < p.w, below = k.r + 1 < p.h;
  put(p, me, k.bits & 1, label, area);
  if (right) put(p, me + 1, k.bits & 2, label, area);
  if (below) put(p, me + p.w, k.bits & 4, label, area);
  if (right && below) put(p, me + p.w + 1, k.bits & 8, label, area);
}

// A tile is often one component: one shared atomic per root and warp instead of one per thread.
__device__ inline void add_count_warp(int32_t* count, int root, unsigned bits) {
  const unsigned peers = __match_any_sync(0xffffffffu, root);
  int sum = 0;
  for (int i = 0; i < 4; ++i) sum += __popc(__ballot_sync(0xffffffffu, (bits >> i) & 1u) & peers);
  if (root >= 0 && int(threadIdx.x & 31) == __ffs(peers) - 1) atomicAdd(count + root, sum);
}

__global__ void __launch_bounds__(kTileBlocks) local_kernel(Batch batch) {
  __shared__ int32_t parent[kTileBlocks];
  __shared__ int32_t count[kTileBlocks];
  const Plane p = batch.plane(blockIdx.y);
  const int t = threadIdx.x;
  const Cell k = cell_at(p, blockIdx.x, t / kTileW, t % kTileW);
  parent[t] = t;
  count[t] = 0;
  __syncthreads();
  local_unions(p, k, parent);
  __syncthreads();
  const int root = k.bits ? find_root(parent, t) : -1;
  add_count_warp(count, root, k.bits);
  __syncthreads();
  store_tile_root(p, k, root, count);
}

__global__ void __launch_bounds__(kBorderThreads) border_kernel(Batch batch) {
  border_unions(batch.plane(blockIdx.y), blockIdx.x, threadIdx.x);
}

__global__ void __launch_bounds__(kTileBlocks) flatten_kernel(Batch batch) {
  const Plane p = batch.plane(blockIdx.y);
  flatten(p, cell_at(p, blockIdx.x, threadIdx.x / kTileW, threadIdx.x % kTileW));
}

__global__ void __launch_bounds__(kTileBlocks) output_kernel(Batch batch) {
  const Plane p = batch.plane(blockIdx.y);
  output(p, cell_at(p, blockIdx.x, threadIdx.x / kTileW, threadIdx.x % kTileW));
}

__host__ inline Batch make_batch(const uint8_t* mask, int h, int w, int32_t* labels, int32_t* areas) {
  return {mask, labels, areas, h, w, ((w + 1) / 2 + kTileW - 1) / kTileW};
}

__host__ inline int tile_count(const Batch& b) { return b.tiles_x * (((b.h + 1) / 2 + kTileH - 1) / kTileH); }

}  // namespace

extern "C" int sam2_cuda_device_count(void) {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // no driver or device: not an error for callers, so do not leave it pending
    return 0;
  }
  return count;
}

extern "C" int sam2_cc_labels_areas(const uint8_t* d_mask, int n, int h, int w, int32_t* d_labels,
                                    int32_t* d_areas, void* cuda_stream) {
  if (n < 0 || h < 0 || w < 0 || h > kMaxSide || w > kMaxSide || int64_t(h) * w > INT32_MAX)
    return cudaErrorInvalidValue;
  if (n == 0 || h == 0 || w == 0) return cudaSuccess;
  if (!d_mask || !d_labels || !d_areas) return cudaErrorInvalidValue;
  const auto stream = static_cast<cudaStream_t>(cuda_stream);
  const size_t plane = size_t(h) * size_t(w);
  for (int64_t first = 0; first < n; first += kMaxBatchPerLaunch) {
    const int masks = static_cast<int>(n - first < kMaxBatchPerLaunch ? n - first : kMaxBatchPerLaunch);
    const size_t offset = size_t(first) * plane;
    const Batch batch = make_batch(d_mask + offset, h, w, d_labels + offset, d_areas + offset);
    const dim3 grid(tile_count(batch), masks);
    local_kernel<<<grid, kTileBlocks, 0, stream>>>(batch);
    if (const cudaError_t e = cudaGetLastError()) return e;
    border_kernel<<<grid, kBorderThreads, 0, stream>>>(batch);
    if (const cudaError_t e = cudaGetLastError()) return e;
    flatten_kernel<<<grid, kTileBlocks, 0, stream>>>(batch);
    if (const cudaError_t e = cudaGetLastError()) return e;
    output_kernel<<<grid, kTileBlocks, 0, stream>>>(batch);
    if (const cudaError_t e = cudaGetLastError()) return e;
  }
  return cudaSuccess;
}

extern "C" const char* sam2_cuda_error_string(int error) {
  return cudaGetErrorString(static_cast<cudaError_t>(error));
}
