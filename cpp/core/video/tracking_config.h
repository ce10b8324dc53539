#pragma once
// The SAM2Base flags of manifest.json's "tracking" table that steer video tracking.
#include <cstdint>
#include <map>
#include <string>

namespace sam2 {

struct TrackingConfig {
  int64_t num_maskmem = 7;
  double sigmoid_scale_for_mem_enc = 20.0;
  double sigmoid_bias_for_mem_enc = -10.0;
  bool binarize_mask_from_pts_for_mem_enc = true;
  bool multimask_output_in_sam = true;
  int64_t multimask_min_pt_num = 0;
  int64_t multimask_max_pt_num = 1;
  bool multimask_output_for_tracking = true;
  bool use_multimask_token_for_obj_ptr = true;
  bool use_obj_ptrs_in_encoder = true;
  int64_t max_obj_ptrs_in_encoder = 16;
  bool use_signed_tpos_enc_to_obj_ptrs = true;
  bool only_obj_ptrs_in_the_past_for_eval = true;
  bool pred_obj_scores = true;
  bool fixed_no_obj_ptr = true;
  bool soft_no_obj_ptr = false;

  // `flags`: the manifest's tracking table with booleans as 0/1. Flags that select behaviour this
  // port does not implement must hold the value every official config uses, else ArgumentError("model").
  static TrackingConfig from_flags(const std::map<std::string, double>& flags);
};

}  // namespace sam2
