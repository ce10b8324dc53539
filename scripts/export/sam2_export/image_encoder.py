"""Image encoder = Hiera trunk + FPN neck, minus the `scalp` lowest-resolution levels."""
from typing import List

import torch
from torch import nn

from .hiera import Hiera, build_hiera
from .layers import check_keys
from .neck import FpnNeck, build_fpn_neck


class ImageEncoder(nn.Module):
    def __init__(self, trunk: Hiera, neck: FpnNeck, scalp: int):
        super().__init__()
        if trunk.channel_list != neck.backbone_channel_list:
            raise ValueError(
                f"image_encoder: trunk channels {trunk.channel_list} do not match "
                f"neck.backbone_channel_list {neck.backbone_channel_list}"
            )
        self.trunk = trunk
        self.neck = neck
        self.num_levels = len(neck.backbone_channel_list) - scalp

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        """FPN levels, highest resolution first (stride 4, 8, 16 for the official configs)."""
        return self.neck(self.trunk(x))[: self.num_levels]


def build_image_encoder(cfg: dict) -> ImageEncoder:
    check_keys(cfg, ["trunk", "neck", "scalp"], "image_encoder")
    return ImageEncoder(build_hiera(cfg["trunk"]), build_fpn_neck(cfg["neck"]), cfg.get("scalp", 0))
