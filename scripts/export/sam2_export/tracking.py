"""`tracking.pt`: the small SAM2Base tensors and helpers the video tracker needs besides the
four networks, so the C++ side never re-implements a learned or config-dependent piece."""

from typing import Dict

import torch
from torch import Tensor, nn


def sine_frequencies_1d(dim: int, temperature: float = 10000.0) -> Tensor:
    """Divisors of the official 1-D sine encoding (`get_1d_sine_pe`) of width `dim`, [dim/2]."""
    half = dim // 2
    idx = torch.arange(half, dtype=torch.float32)
    return temperature ** (2 * torch.div(idx, 2, rounding_mode="floor") / half)


class Tracking(nn.Module):
    def __init__(
        self,
        tensors: Dict[str, Tensor],
        vision_pos_enc: Tensor,
        add_tpos_enc_to_obj_ptrs: bool,
        proj_tpos_enc_in_obj_ptrs: bool,
    ):
        """`tensors` holds the official SAM2Base state-dict entries (top-level names)."""
        super().__init__()
        hidden_dim = tensors["no_mem_embed"].size(-1)
        mem_dim = tensors["maskmem_tpos_enc"].size(-1)
        self.register_buffer("no_mem_embed", tensors["no_mem_embed"].clone())
        self.register_buffer("no_mem_pos_enc", tensors["no_mem_pos_enc"].clone())
        self.register_buffer("maskmem_tpos_enc", tensors["maskmem_tpos_enc"].clone())
        no_obj_ptr = tensors.get("no_obj_ptr", torch.zeros(1, hidden_dim))
        self.register_buffer("no_obj_ptr", no_obj_ptr.clone())
        # SAM 2 (v1) has no spatial no-object embedding: adding zeros is the same as skipping it.
        no_obj_spatial = tensors.get("no_obj_embed_spatial", torch.zeros(1, mem_dim))
        self.register_buffer("no_obj_embed_spatial", no_obj_spatial.clone())
        self.register_buffer("vision_pos_enc", vision_pos_enc.clone())

        self.add_tpos = add_tpos_enc_to_obj_ptrs
        self.mem_dim = mem_dim
        if proj_tpos_enc_in_obj_ptrs:
            self.obj_ptr_tpos_proj: nn.Module = nn.Linear(hidden_dim, mem_dim)
            self.obj_ptr_tpos_proj.weight.data.copy_(tensors["obj_ptr_tpos_proj.weight"])
            self.obj_ptr_tpos_proj.bias.data.copy_(tensors["obj_ptr_tpos_proj.bias"])
            tpos_dim = hidden_dim
        else:
            self.obj_ptr_tpos_proj = nn.Identity()
            tpos_dim = mem_dim
        self.register_buffer("tpos_frequencies", sine_frequencies_1d(tpos_dim))

        self.mask_downsample_conv = nn.Conv2d(1, 1, kernel_size=4, stride=4)
        self.mask_downsample_conv.weight.data.copy_(tensors["mask_downsample.weight"])
        self.mask_downsample_conv.bias.data.copy_(tensors["mask_downsample.bias"])

    @torch.jit.export
    def obj_ptr_tpos(self, rel_pos: Tensor, max_abs_pos: int) -> Tensor:
        """Temporal encoding [K, mem_dim] of object pointers `rel_pos` frames away (signed or not:
        the caller decides), normalised by the pointer window `max_abs_pos` as the official tracker does."""
        if not self.add_tpos:
            return torch.zeros(rel_pos.size(0), self.mem_dim, dtype=self.no_obj_ptr.dtype, device=rel_pos.device)
        angles = (rel_pos / (max_abs_pos - 1))[:, None] / self.tpos_frequencies
        return self.obj_ptr_tpos_proj(torch.cat([angles.sin(), angles.cos()], dim=-1))

    @torch.jit.export
    def mask_downsample(self, x: Tensor) -> Tensor:
        """[B,1,S,S] -> [B,1,S/4,S/4]: turns a 0/1 mask prompt into decoder-scale mask logits."""
        return self.mask_downsample_conv(x)
