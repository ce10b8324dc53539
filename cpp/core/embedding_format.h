#pragma once
// The portable ImageEmbedding format (docs/ARCHITECTURE.md, "Portable embeddings"): what one process encodes,
// another predicts from. Reading is the one place a buffer is validated; anything wrong with it throws
// ArgumentError("buffer", ...), whatever the bytes.
#include <array>
#include <cstddef>
#include <cstdint>

#include "core/image_predictor.h"
#include "core/model.h"

namespace sam2 {

constexpr uint32_t kEmbeddingFormatVersion = 1;

// sha256 identifying the model that made an embedding (lib/manifest.ts, manifestDigest).
using ModelDigest = std::array<uint8_t, 32>;

// Bytes write_embedding needs for `embedding`.
size_t embedding_buffer_size(const ImageEmbedding& embedding);
// Writes exactly embedding_buffer_size(embedding) bytes to `out`.
void write_embedding(const ImageEmbedding& embedding, const ModelDigest& digest, uint8_t* out);
// Parses and checks a buffer against the model that will use it; the features land on its device and dtype.
ImageEmbedding read_embedding(const uint8_t* data, size_t size, const ModelDigest& digest, const Model& model);

}  // namespace sam2
