#include "core/video/memory_bank.h"

#include <algorithm>
#include <cstdlib>

namespace sam2 {

MemorySelection select_memory(const MemoryBank& bank, int64_t frame, bool reverse, int64_t num_frames,
                              const TrackingConfig& config) {
  const int64_t step = reverse ? -1 : 1;
  MemorySelection s;
  for (const auto& [t, out] : bank.cond) s.spatial.emplace_back(0, &out);
  for (int64_t t_pos = 1; t_pos < config.num_maskmem; ++t_pos) {
    auto it = bank.non_cond.find(frame - step * (config.num_maskmem - t_pos));
    if (it != bank.non_cond.end()) s.spatial.emplace_back(t_pos, &it->second);
  }
  if (!config.use_obj_ptrs_in_encoder) return s;

  // A one-frame video would make the official window 1 and divide by zero; 2 keeps the same encodings.
  s.pointer_window = std::max<int64_t>(2, std::min(num_frames, config.max_obj_ptrs_in_encoder));
  for (const auto& [t, out] : bank.cond) {
    if (config.only_obj_ptrs_in_the_past_for_eval && (t - frame) * step > 0) continue;
    s.pointers.emplace_back(config.use_signed_tpos_enc_to_obj_ptrs ? (frame - t) * step : std::abs(frame - t), &out);
  }
  for (int64_t distance = 1; distance < s.pointer_window; ++distance) {
    const int64_t t = frame - step * distance;
    if (t < 0 || t >= num_frames) break;
    auto it = bank.non_cond.find(t);
    if (it != bank.non_cond.end()) s.pointers.emplace_back(distance, &it->second);
  }
  return s;
}

}  // namespace sam2
