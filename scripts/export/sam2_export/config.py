"""Model configs: the official `model:` trees (named SAM 2.1 sizes or a JSON/YAML file),
the SAM2Base defaults for flags a config leaves out, and the --image-size override."""
import copy
import json
import os
from typing import Any, Dict, Optional, Tuple

# SAM2Base constructor defaults: SAM 2 (v1) configs omit several of these flags.
TOP_LEVEL_DEFAULTS: Dict[str, Any] = {
    "num_maskmem": 7,
    "image_size": 512,
    "backbone_stride": 16,
    "sigmoid_scale_for_mem_enc": 1.0,
    "sigmoid_bias_for_mem_enc": 0.0,
    "binarize_mask_from_pts_for_mem_enc": False,
    "use_mask_input_as_output_without_sam": False,
    "max_cond_frames_in_attn": -1,
    "directly_add_no_mem_embed": False,
    "use_high_res_features_in_sam": False,
    "multimask_output_in_sam": False,
    "multimask_min_pt_num": 1,
    "multimask_max_pt_num": 1,
    "multimask_output_for_tracking": False,
    "use_multimask_token_for_obj_ptr": False,
    "iou_prediction_use_sigmoid": False,
    "memory_temporal_stride_for_eval": 1,
    "non_overlap_masks_for_mem_enc": False,
    "use_obj_ptrs_in_encoder": False,
    "max_obj_ptrs_in_encoder": 16,
    "add_tpos_enc_to_obj_ptrs": True,
    "proj_tpos_enc_in_obj_ptrs": False,
    "use_signed_tpos_enc_to_obj_ptrs": False,
    "only_obj_ptrs_in_the_past_for_eval": False,
    "pred_obj_scores": False,
    "pred_obj_scores_mlp": False,
    "fixed_no_obj_ptr": False,
    "soft_no_obj_ptr": False,
    "use_mlp_for_obj_ptr_proj": False,
    "no_obj_embed_spatial": False,
    "sam_mask_decoder_extra_args": None,
    "compile_image_encoder": False,
}
# SAM2VideoPredictor's own constructor defaults (a config may set them too).
VIDEO_PREDICTOR_DEFAULTS: Dict[str, Any] = {
    "fill_hole_area": 0,
    "non_overlap_masks": False,
    "clear_non_cond_mem_around_input": False,
    "add_all_frames_to_correct_as_cond": False,
}
SUBMODULES = ("image_encoder", "memory_attention", "memory_encoder")

# Forced by build_sam2 / build_sam2_video_predictor(apply_postprocessing=True) whatever the yaml says.
PREDICTOR_OVERRIDES: Dict[str, Any] = {
    "dynamic_multimask_via_stability": True,
    "dynamic_multimask_stability_delta": 0.05,
    "dynamic_multimask_stability_thresh": 0.98,
    "binarize_mask_from_pts_for_mem_enc": True,
    "fill_hole_area": 8,
}

# The trunk / neck sizes of the four SAM 2.1 checkpoints (configs/sam2.1/sam2.1_hiera_*.yaml).
_SIZES: Dict[str, Tuple[Dict[str, Any], list]] = {
    "tiny": ({"embed_dim": 96, "num_heads": 1, "stages": [1, 2, 7, 2], "global_att_blocks": [5, 7, 9],
              "window_pos_embed_bkg_spatial_size": [7, 7]}, [768, 384, 192, 96]),
    "small": ({"embed_dim": 96, "num_heads": 1, "stages": [1, 2, 11, 2], "global_att_blocks": [7, 10, 13],
               "window_pos_embed_bkg_spatial_size": [7, 7]}, [768, 384, 192, 96]),
    "base_plus": ({"embed_dim": 112, "num_heads": 2}, [896, 448, 224, 112]),
    "large": ({"embed_dim": 144, "num_heads": 2, "stages": [2, 6, 36, 4], "global_att_blocks": [23, 33, 43],
               "window_pos_embed_bkg_spatial_size": [7, 7], "window_spec": [8, 4, 16, 8]},
              [1152, 576, 288, 144]),
}
NAMED_CONFIGS = tuple(_SIZES)


def _rope_attention(cross: bool) -> Dict[str, Any]:
    cfg = {"_target_": "sam2.modeling.sam.transformer.RoPEAttention", "rope_theta": 10000.0,
           "feat_sizes": [64, 64], "embedding_dim": 256, "num_heads": 1, "downsample_rate": 1, "dropout": 0.1}
    if cross:
        cfg.update({"rope_k_repeat": True, "kv_in_dim": 64})
    return cfg


def _sam21(size: str) -> Dict[str, Any]:
    trunk, channels = _SIZES[size]
    sine = "sam2.modeling.position_encoding.PositionEmbeddingSine"
    return {
        "_target_": "sam2.modeling.sam2_base.SAM2Base",
        "image_encoder": {
            "_target_": "sam2.modeling.backbones.image_encoder.ImageEncoder",
            "scalp": 1,
            "trunk": {"_target_": "sam2.modeling.backbones.hieradet.Hiera", **trunk},
            "neck": {
                "_target_": "sam2.modeling.backbones.image_encoder.FpnNeck",
                "position_encoding": {"_target_": sine, "num_pos_feats": 256, "normalize": True, "scale": None,
                                      "temperature": 10000},
                "d_model": 256,
                "backbone_channel_list": channels,
                "fpn_top_down_levels": [2, 3],
                "fpn_interp_model": "nearest",
            },
        },
        "memory_attention": {
            "_target_": "sam2.modeling.memory_attention.MemoryAttention",
            "d_model": 256,
            "pos_enc_at_input": True,
            "layer": {
                "_target_": "sam2.modeling.memory_attention.MemoryAttentionLayer",
                "activation": "relu", "dim_feedforward": 2048, "dropout": 0.1, "pos_enc_at_attn": False,
                "self_attention": _rope_attention(cross=False),
                "d_model": 256,
                "pos_enc_at_cross_attn_keys": True,
                "pos_enc_at_cross_attn_queries": False,
                "cross_attention": _rope_attention(cross=True),
            },
            "num_layers": 4,
        },
        "memory_encoder": {
            "_target_": "sam2.modeling.memory_encoder.MemoryEncoder",
            "out_dim": 64,
            "position_encoding": {"_target_": sine, "num_pos_feats": 64, "normalize": True, "scale": None,
                                  "temperature": 10000},
            "mask_downsampler": {"_target_": "sam2.modeling.memory_encoder.MaskDownSampler",
                                 "kernel_size": 3, "stride": 2, "padding": 1},
            "fuser": {
                "_target_": "sam2.modeling.memory_encoder.Fuser",
                "layer": {"_target_": "sam2.modeling.memory_encoder.CXBlock", "dim": 256, "kernel_size": 7,
                          "padding": 3, "layer_scale_init_value": 1e-6, "use_dwconv": True},
                "num_layers": 2,
            },
        },
        "num_maskmem": 7,
        "image_size": 1024,
        "sigmoid_scale_for_mem_enc": 20.0,
        "sigmoid_bias_for_mem_enc": -10.0,
        "use_mask_input_as_output_without_sam": True,
        "directly_add_no_mem_embed": True,
        "no_obj_embed_spatial": True,
        "use_high_res_features_in_sam": True,
        "multimask_output_in_sam": True,
        "iou_prediction_use_sigmoid": True,
        "use_obj_ptrs_in_encoder": True,
        "add_tpos_enc_to_obj_ptrs": True,
        "proj_tpos_enc_in_obj_ptrs": True,
        "use_signed_tpos_enc_to_obj_ptrs": True,
        "only_obj_ptrs_in_the_past_for_eval": True,
        "pred_obj_scores": True,
        "pred_obj_scores_mlp": True,
        "fixed_no_obj_ptr": True,
        "multimask_output_for_tracking": True,
        "use_multimask_token_for_obj_ptr": True,
        "multimask_min_pt_num": 0,
        "multimask_max_pt_num": 1,
        "use_mlp_for_obj_ptr_proj": True,
        "compile_image_encoder": False,
    }


def _read_file(path: str) -> Dict[str, Any]:
    with open(path, "r", encoding="utf-8") as f:
        if path.lower().endswith(".json"):
            doc = json.load(f)
        else:
            import yaml  # only needed for YAML configs

            doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("model"), dict):
        raise ValueError(f"{path}: expected a top-level 'model:' mapping")
    return doc["model"]


def load_config(spec: str, image_size: Optional[int] = None) -> Dict[str, Any]:
    """`spec` is a named size (tiny, small, base_plus, large) or a .json/.yaml file with `model:`."""
    if spec in _SIZES:
        model = _sam21(spec)
    elif os.path.isfile(spec):
        model = copy.deepcopy(_read_file(spec))
    else:
        raise ValueError(f"config: {spec!r} is neither one of {', '.join(NAMED_CONFIGS)} nor a file")
    missing = [k for k in SUBMODULES if k not in model]
    if missing:
        raise ValueError(f"config: model is missing {missing}")
    if image_size is not None:
        set_image_size(model, image_size)
    validate_image_size(flag(model, "image_size"))
    return model


def set_image_size(model: Dict[str, Any], size: int) -> None:
    """Changes the input size and what the config derives from it (RoPE grids = S/16)."""
    validate_image_size(size)
    model["image_size"] = size
    grid = size // flag(model, "backbone_stride")
    layer = model["memory_attention"].get("layer", {})
    for key in ("self_attention", "cross_attention"):
        if "feat_sizes" in layer.get(key, {}):
            layer[key]["feat_sizes"] = [grid, grid]


def validate_image_size(size: int) -> None:
    # Hiera halves the grid three times after the stride-4 patch embedding and the FPN
    # doubles it back, so the stride-32 level must be whole.
    if not isinstance(size, int) or size <= 0 or size % 32 != 0:
        raise ValueError(f"image size must be a positive multiple of 32, got {size!r}")


def flag(model: Dict[str, Any], key: str) -> Any:
    """A top-level model setting, falling back to the SAM2Base default."""
    return model.get(key, TOP_LEVEL_DEFAULTS[key])


def check_top_level_keys(model: Dict[str, Any]) -> None:
    known = set(SUBMODULES) | set(TOP_LEVEL_DEFAULTS) | set(VIDEO_PREDICTOR_DEFAULTS) | {"_target_"}
    unknown = sorted(set(model) - known)
    if unknown:
        raise ValueError(f"config: unsupported model keys {unknown}")


def tracking_flags(model: Dict[str, Any]) -> Dict[str, Any]:
    """Everything the native video path needs to reproduce the official video predictor."""
    skip = {"image_size", "sam_mask_decoder_extra_args", "compile_image_encoder"}
    flags = {k: flag(model, k) for k in TOP_LEVEL_DEFAULTS if k not in skip}
    flags.update({k: model.get(k, v) for k, v in VIDEO_PREDICTOR_DEFAULTS.items()})
    flags.update(PREDICTOR_OVERRIDES)
    flags["no_obj_embed_spatial"] = bool(flags["no_obj_embed_spatial"])
    flags["hidden_dim"] = model["image_encoder"]["neck"]["d_model"]
    flags["mem_dim"] = model["memory_encoder"].get("out_dim", flags["hidden_dim"])
    return flags
