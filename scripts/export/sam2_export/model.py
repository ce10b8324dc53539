"""`Sam2`: the full SAM 2 model with the official SAM2Base module and parameter names,
so that an official checkpoint's `model` state dict loads with strict=True."""
from typing import Any, Dict

import torch
from torch import nn

from .config import check_top_level_keys, flag
from .image_encoder import build_image_encoder
from .layers import MLP, check_keys
from .mask_decoder import MaskDecoder
from .memory_attention import MemoryAttention
from .memory_encoder import MemoryEncoder
from .prompt_encoder import PromptEncoder
from .two_way_transformer import TwoWayTransformer

# Selection-only settings: the exported decoder returns every hypothesis and the caller selects.
_DECODER_SELECTION_ARGS = [
    "dynamic_multimask_via_stability",
    "dynamic_multimask_stability_delta",
    "dynamic_multimask_stability_thresh",
]


class Sam2(nn.Module):
    """Weights container; the exported wrappers in export.py define the computations."""

    def __init__(self, cfg: Dict[str, Any]):
        super().__init__()
        check_top_level_keys(cfg)
        self.cfg = cfg

        def f(key: str) -> Any:
            return flag(cfg, key)

        if f("fixed_no_obj_ptr") and not (f("pred_obj_scores") and f("use_obj_ptrs_in_encoder")):
            raise ValueError("config: fixed_no_obj_ptr needs pred_obj_scores and use_obj_ptrs_in_encoder")
        if f("proj_tpos_enc_in_obj_ptrs") and not f("add_tpos_enc_to_obj_ptrs"):
            raise ValueError("config: proj_tpos_enc_in_obj_ptrs needs add_tpos_enc_to_obj_ptrs")
        image_size, stride = f("image_size"), f("backbone_stride")

        self.image_encoder = build_image_encoder(cfg["image_encoder"])
        hidden = self.image_encoder.neck.d_model
        if f("use_obj_ptrs_in_encoder"):
            # Turns a mask prompt into low-res logits so the decoder can make a pointer from it.
            self.mask_downsample = nn.Conv2d(1, 1, kernel_size=4, stride=4)

        self.memory_attention = MemoryAttention.from_config(cfg["memory_attention"], image_size, stride)
        self.memory_encoder = MemoryEncoder.from_config(cfg["memory_encoder"], image_size, stride)
        out_proj = getattr(self.memory_encoder, "out_proj", None)
        mem_dim = out_proj.weight.shape[0] if isinstance(out_proj, nn.Conv2d) else hidden

        self.maskmem_tpos_enc = nn.Parameter(torch.zeros(f("num_maskmem"), 1, 1, mem_dim))
        self.no_mem_embed = nn.Parameter(torch.zeros(1, 1, hidden))
        self.no_mem_pos_enc = nn.Parameter(torch.zeros(1, 1, hidden))
        if f("pred_obj_scores") and f("use_obj_ptrs_in_encoder"):
            self.no_obj_ptr = nn.Parameter(torch.zeros(1, hidden))
        if f("no_obj_embed_spatial"):
            self.no_obj_embed_spatial = nn.Parameter(torch.zeros(1, mem_dim))

        grid = image_size // stride
        self.sam_prompt_encoder = PromptEncoder(hidden, grid, image_size, mask_in_chans=16)
        extra = dict(f("sam_mask_decoder_extra_args") or {})
        check_keys(extra, _DECODER_SELECTION_ARGS, "sam_mask_decoder_extra_args")
        self.sam_mask_decoder = MaskDecoder(
            transformer_dim=hidden,
            transformer=TwoWayTransformer(depth=2, embedding_dim=hidden, num_heads=8, mlp_dim=2048),
            num_multimask_outputs=3,
            iou_head_depth=3,
            iou_head_hidden_dim=256,
            use_high_res_features=f("use_high_res_features_in_sam"),
            iou_prediction_use_sigmoid=f("iou_prediction_use_sigmoid"),
            pred_obj_scores=f("pred_obj_scores"),
            pred_obj_scores_mlp=f("pred_obj_scores_mlp"),
        )
        if not f("use_obj_ptrs_in_encoder"):
            self.obj_ptr_proj: nn.Module = nn.Identity()
        elif f("use_mlp_for_obj_ptr_proj"):
            self.obj_ptr_proj = MLP(hidden, hidden, hidden, 3)
        else:
            self.obj_ptr_proj = nn.Linear(hidden, hidden)
        if f("proj_tpos_enc_in_obj_ptrs"):
            self.obj_ptr_tpos_proj: nn.Module = nn.Linear(hidden, mem_dim)
        else:
            self.obj_ptr_tpos_proj = nn.Identity()
