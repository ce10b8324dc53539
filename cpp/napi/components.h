#pragma once
#include <napi.h>

namespace sam2::napi {
// connectedComponents(mask: Uint8Array, width, height) -> Promise<{labels, areas, count}>
Napi::Value ConnectedComponents(const Napi::CallbackInfo& info);
}  // namespace sam2::napi
