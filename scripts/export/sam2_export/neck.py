"""FPN neck: 1x1 lateral convs to d_model plus top-down fusion on selected levels."""
from typing import List, Optional

import torch
import torch.nn.functional as F
from torch import nn

from .layers import check_keys


class FpnNeck(nn.Module):
    def __init__(
        self,
        d_model: int,
        backbone_channel_list: List[int],
        kernel_size: int = 1,
        stride: int = 1,
        padding: int = 0,
        fpn_interp_model: str = "bilinear",
        fuse_type: str = "sum",
        fpn_top_down_levels: Optional[List[int]] = None,
    ):
        super().__init__()
        if fuse_type not in ("sum", "avg"):
            raise ValueError(f"image_encoder.neck: unknown fuse_type {fuse_type!r}")
        self.d_model = d_model
        self.backbone_channel_list = list(backbone_channel_list)
        # convs[0] takes the lowest-resolution (last) trunk output.
        self.convs = nn.ModuleList()
        for dim in backbone_channel_list:
            lateral = nn.Sequential()
            lateral.add_module("conv", nn.Conv2d(dim, d_model, kernel_size, stride, padding))
            self.convs.append(lateral)
        self.interp_mode = fpn_interp_model
        self.average = fuse_type == "avg"
        levels = range(len(backbone_channel_list)) if fpn_top_down_levels is None else fpn_top_down_levels
        self.top_down_levels: List[int] = list(levels)

    def _upsample(self, x: torch.Tensor) -> torch.Tensor:
        if self.interp_mode == "nearest":
            return F.interpolate(x, scale_factor=2.0, mode="nearest")
        return F.interpolate(x, scale_factor=2.0, mode=self.interp_mode, align_corners=False)

    def forward(self, xs: List[torch.Tensor]) -> List[torch.Tensor]:
        """xs: trunk outputs, highest resolution first. Returns d_model maps in the same order."""
        n = len(xs) - 1
        out: List[torch.Tensor] = []
        prev = torch.zeros(0)
        for j, lateral in enumerate(self.convs):
            i = n - j
            feat = lateral(xs[i])
            # Levels outside top_down_levels restart the chain from their own lateral.
            if j > 0 and i in self.top_down_levels:
                feat = feat + self._upsample(prev)
                if self.average:
                    feat = feat / 2
            prev = feat
            out.insert(0, feat)
        return out


def build_fpn_neck(cfg: dict) -> FpnNeck:
    allowed = [
        "position_encoding", "d_model", "backbone_channel_list", "kernel_size", "stride",
        "padding", "fpn_interp_model", "fuse_type", "fpn_top_down_levels",
    ]
    check_keys(cfg, allowed, "image_encoder.neck")
    # The neck's position encoding has no weights; the exported tracking module
    # provides the one position map the video path needs.
    kwargs = {k: v for k, v in cfg.items() if k in allowed and k != "position_encoding"}
    return FpnNeck(**kwargs)
