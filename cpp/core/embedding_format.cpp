#include "core/embedding_format.h"

#include <cstring>
#include <limits>
#include <string>

#include "core/errors.h"

namespace sam2 {

namespace {

constexpr std::array<uint8_t, 8> kMagic{'S', 'A', 'M', '2', 'E', 'M', 'B', 0};
constexpr size_t kHeaderSize = 64;  // magic 8, version 4, digest 32, image size, width, height, dtype, tensors: 4 each
constexpr size_t kTensorHeaderSize = 4 + 4 * 4;  // ndim, then 4 dims
constexpr size_t kTrailerSize = 4;               // CRC-32 of everything before it
constexpr uint32_t kTensorCount = 3;

// Channels of embed, feat_s0, feat_s1 and their side as a divisor of the image size: fixed by SAM 2's mask
// decoder (d_model 256, conv_s0 256->32, conv_s1 256->64), so a header cannot make us allocate other shapes.
constexpr std::array<int64_t, kTensorCount> kChannels{256, 32, 64};
constexpr std::array<int64_t, kTensorCount> kStride{16, 4, 8};

[[noreturn]] void fail(const std::string& message) { throw ArgumentError("buffer", message); }

uint32_t dtype_code(torch::ScalarType t) {
  switch (t) {
    case torch::kFloat32: return 1;
    case torch::kFloat16: return 2;
    case torch::kBFloat16: return 3;
    default: throw std::logic_error("internal: embedding of unexpected dtype");
  }
}

torch::ScalarType dtype_of(uint32_t code) {
  switch (code) {
    case 1: return torch::kFloat32;
    case 2: return torch::kFloat16;
    case 3: return torch::kBFloat16;
    default: fail("unknown dtype code " + std::to_string(code));
  }
}

// CRC-32 (IEEE 802.3, as zlib, so a reader in any language can check it), slice-by-8 for speed.
class Crc32 {
 public:
  Crc32() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table_[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
      for (size_t t = 1; t < 8; ++t) table_[t][i] = (table_[t - 1][i] >> 8) ^ table_[0][table_[t - 1][i] & 0xFF];
    }
  }

  uint32_t operator()(const uint8_t* p, size_t n) const {
    uint32_t c = 0xFFFFFFFFu;
    for (; n >= 8; p += 8, n -= 8) {
      uint32_t lo, hi;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + 4, 4);
      lo ^= c;
      c = table_[7][lo & 0xFF] ^ table_[6][(lo >> 8) & 0xFF] ^ table_[5][(lo >> 16) & 0xFF] ^ table_[4][lo >> 24] ^
          table_[3][hi & 0xFF] ^ table_[2][(hi >> 8) & 0xFF] ^ table_[1][(hi >> 16) & 0xFF] ^ table_[0][hi >> 24];
    }
    for (; n > 0; ++p, --n) c = table_[0][(c ^ *p) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
  }

 private:
  std::array<std::array<uint32_t, 256>, 8> table_{};
};

uint32_t crc32(const uint8_t* p, size_t n) {
  static const Crc32 crc;
  return crc(p, n);
}

// Little-endian writes and bounds-checked reads (the format is little-endian; so are the hosts libtorch
// supports, which is why values are copied as they lie in memory).
void put_u32(uint8_t*& out, uint32_t v) {
  std::memcpy(out, &v, 4);
  out += 4;
}

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  const uint8_t* take(size_t n, const char* what) {
    if (n > size_ - pos_) fail("truncated: " + std::to_string(size_) + " bytes end inside the " + what);
    const uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  uint32_t u32(const char* what) {
    uint32_t v;
    std::memcpy(&v, take(4, what), 4);
    return v;
  }
  size_t position() const { return pos_; }

 private:
  const uint8_t* data_;
  size_t size_, pos_ = 0;
};

std::array<torch::Tensor, kTensorCount> tensors_of(const ImageEmbedding& e) { return {e.embed, e.feat_s0, e.feat_s1}; }

}  // namespace

size_t embedding_buffer_size(const ImageEmbedding& e) {
  size_t size = kHeaderSize + kTrailerSize;
  for (const auto& t : tensors_of(e)) size += kTensorHeaderSize + t.nbytes();
  return size;
}

void write_embedding(const ImageEmbedding& e, const ModelDigest& digest, uint8_t* out) {
  uint8_t* const start = out;
  std::memcpy(out, kMagic.data(), kMagic.size());
  out += kMagic.size();
  put_u32(out, kEmbeddingFormatVersion);
  std::memcpy(out, digest.data(), digest.size());
  out += digest.size();
  put_u32(out, static_cast<uint32_t>(e.embed.size(2) * kStride[0]));
  put_u32(out, static_cast<uint32_t>(e.width));
  put_u32(out, static_cast<uint32_t>(e.height));
  put_u32(out, dtype_code(e.embed.scalar_type()));
  put_u32(out, kTensorCount);
  for (const auto& tensor : tensors_of(e)) {
    const auto t = tensor.to(torch::kCPU, e.embed.scalar_type()).contiguous();
    put_u32(out, static_cast<uint32_t>(t.dim()));
    for (int64_t d = 0; d < 4; ++d) put_u32(out, static_cast<uint32_t>(t.size(d)));
    std::memcpy(out, t.data_ptr(), t.nbytes());
    out += t.nbytes();
  }
  put_u32(out, crc32(start, static_cast<size_t>(out - start)));
}

ImageEmbedding read_embedding(const uint8_t* data, size_t size, const ModelDigest& digest, const Model& model) {
  Reader in(data, size);
  if (std::memcmp(in.take(kMagic.size(), "magic number"), kMagic.data(), kMagic.size()) != 0) {
    fail("not a sam2-node embedding (no SAM2EMB magic number); make one with embedding.toBuffer()");
  }
  // The version comes before anything whose layout it may change.
  const uint32_t version = in.u32("format version");
  if (version != kEmbeddingFormatVersion) {
    fail("embedding format version " + std::to_string(version) + "; this sam2-node reads version " +
         std::to_string(kEmbeddingFormatVersion));
  }
  const uint8_t* stored_digest = in.take(digest.size(), "model digest");
  const uint32_t image_size = in.u32("image size");
  const uint32_t width = in.u32("width");
  const uint32_t height = in.u32("height");
  const auto dtype = dtype_of(in.u32("dtype"));
  const uint32_t count = in.u32("tensor count");
  if (count != kTensorCount) fail("expected " + std::to_string(kTensorCount) + " tensors, the header says " + std::to_string(count));
  if (static_cast<int64_t>(image_size) != model.image_size()) {
    fail("encoded at image size " + std::to_string(image_size) + ", this model's is " + std::to_string(model.image_size()));
  }
  const uint64_t max_pixels = std::numeric_limits<int32_t>::max();
  if (width == 0 || height == 0 || static_cast<uint64_t>(width) * height > max_pixels) {
    fail("image size " + std::to_string(width) + "x" + std::to_string(height) + " is out of range");
  }

  std::array<const uint8_t*, kTensorCount> payload{};
  std::array<std::array<int64_t, 4>, kTensorCount> shapes{};
  const size_t element = torch::elementSize(dtype);
  for (size_t i = 0; i < kTensorCount; ++i) {
    const uint32_t ndim = in.u32("tensor header");
    if (ndim != 4) fail("tensor " + std::to_string(i) + " has " + std::to_string(ndim) + " dimensions, expected 4");
    const int64_t side = model.image_size() / kStride[i];
    const std::array<int64_t, 4> expected{1, kChannels[i], side, side};
    for (size_t d = 0; d < 4; ++d) {
      shapes[i][d] = in.u32("tensor header");
      if (shapes[i][d] != expected[d]) {
        fail("tensor " + std::to_string(i) + " dimension " + std::to_string(d) + " is " + std::to_string(shapes[i][d]) +
             ", this model's is " + std::to_string(expected[d]));
      }
    }
    // The shape equals the model's, so this product is small and cannot overflow.
    payload[i] = in.take(static_cast<size_t>(kChannels[i] * side * side) * element, "tensor data");
  }
  const size_t body = in.position();
  const uint32_t stored_crc = in.u32("checksum");
  if (in.position() != size) {
    fail(std::to_string(size - in.position()) + " bytes after the end of the embedding");
  }
  if (crc32(data, body) != stored_crc) fail("checksum mismatch: the buffer is corrupt");
  if (std::memcmp(stored_digest, digest.data(), digest.size()) != 0) {
    fail("made by another model (its model digest differs from this model's)");
  }

  std::array<torch::Tensor, kTensorCount> tensors;
  for (size_t i = 0; i < kTensorCount; ++i) {
    // Copied, not viewed: the caller's bytes go away after this call and may sit at any alignment.
    auto t = torch::empty(shapes[i], dtype);
    std::memcpy(t.data_ptr(), payload[i], t.nbytes());
    tensors[i] = t.to(model.device(), model.dtype());
  }
  return {tensors[0], tensors[1], tensors[2], static_cast<int64_t>(width), static_cast<int64_t>(height)};
}

}  // namespace sam2
