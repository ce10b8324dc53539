#pragma once
// Process-wide libtorch settings the addon applies once, when it is loaded.

namespace sam2 {

void configure_libtorch();

}  // namespace sam2
