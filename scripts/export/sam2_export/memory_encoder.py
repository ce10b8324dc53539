"""SAM 2 memory encoder: fuses a frame's raw stride-16 feature with its predicted mask.

Parameter names match the official `memory_encoder.*` state-dict keys. The caller prepares
the mask (sigmoid or binarisation, then x*scale+bias), as the official tracker does with
skip_mask_sigmoid=True; the no-object embedding and bfloat16 storage are the caller's too.
"""

import math
from typing import Dict, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .layers import LayerNorm2d, check_keys
from .position import sine_position_encoding_2d


class MaskDownSampler(nn.Module):
    """(conv k s, LayerNorm2d, GELU) repeated down to `total_stride`, then a 1x1 conv to `embed_dim`."""

    def __init__(self, embed_dim: int, kernel_size: int, stride: int, padding: int, total_stride: int):
        super().__init__()
        num_layers = round(math.log(total_stride, stride))
        if stride**num_layers != total_stride:
            raise ValueError(f"mask downsampler: stride {stride} does not reach total stride {total_stride}")
        layers = []
        channels = 1
        for _ in range(num_layers):
            out_channels = channels * stride * stride
            layers += [
                nn.Conv2d(channels, out_channels, kernel_size, stride, padding),
                LayerNorm2d(out_channels),
                nn.GELU(),
            ]
            channels = out_channels
        layers.append(nn.Conv2d(channels, embed_dim, kernel_size=1))
        self.encoder = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.encoder(x)


class CXBlock(nn.Module):
    """ConvNeXt block: depthwise conv, channel LayerNorm, pointwise MLP scaled by `gamma`, residual."""

    def __init__(self, dim: int, kernel_size: int, padding: int, use_dwconv: bool):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, kernel_size, padding=padding, groups=dim if use_dwconv else 1)
        self.norm = LayerNorm2d(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward(self, x: Tensor) -> Tensor:
        y = self.norm(self.dwconv(x)).permute(0, 2, 3, 1)
        y = self.gamma * self.pwconv2(F.gelu(self.pwconv1(y)))
        return x + y.permute(0, 3, 1, 2)


class Fuser(nn.Module):
    def __init__(self, layers: nn.ModuleList):
        super().__init__()
        self.layers = layers

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = layer(x)
        return x


class MemoryEncoder(nn.Module):
    """forward(pix_feat [B,256,h,w], mask [B,1,S,S]) -> (features [B,64,h,w], pos_enc [B,64,h,w])."""

    def __init__(
        self,
        mask_downsampler: MaskDownSampler,
        fuser: Fuser,
        in_dim: int,
        out_dim: int,
        feat_size: int,
        pe_temperature: float = 10000.0,
    ):
        super().__init__()
        self.mask_downsampler = mask_downsampler
        self.pix_feat_proj = nn.Conv2d(in_dim, in_dim, kernel_size=1)
        self.fuser = fuser
        self.out_proj = nn.Conv2d(in_dim, out_dim, kernel_size=1) if out_dim != in_dim else nn.Identity()
        # The encoding depends only on the output grid, fixed by the export size.
        pos = sine_position_encoding_2d(1, feat_size, feat_size, out_dim, torch.device("cpu"), pe_temperature)
        self.register_buffer("pos_enc", pos, persistent=False)

    @classmethod
    def from_config(cls, cfg: Dict, image_size: int, backbone_stride: int = 16) -> "MemoryEncoder":
        """Builds from the official `memory_encoder` config subtree."""
        check_keys(cfg, ["out_dim", "in_dim", "mask_downsampler", "fuser", "position_encoding"], "memory_encoder")
        down = cfg["mask_downsampler"]
        check_keys(down, ["embed_dim", "kernel_size", "stride", "padding", "total_stride"], "mask_downsampler")
        fuser = cfg["fuser"]
        check_keys(fuser, ["layer", "num_layers"], "fuser")
        block = fuser["layer"]
        check_keys(block, ["dim", "kernel_size", "padding", "layer_scale_init_value", "use_dwconv"], "CXBlock")
        # float(): YAML 1.1 loaders read an undotted exponent such as `1e-6` as a string.
        if float(block.get("layer_scale_init_value", 1e-6)) <= 0:
            raise ValueError("CXBlock: blocks without layer scale (gamma) are not supported")
        pe = cfg["position_encoding"]
        check_keys(pe, ["num_pos_feats", "normalize", "scale", "temperature"], "memory_encoder.position_encoding")
        out_dim = cfg["out_dim"]
        if pe["num_pos_feats"] != out_dim or not pe.get("normalize", True) or pe.get("scale") is not None:
            raise ValueError(
                "memory_encoder.position_encoding: only the normalised 2*pi sine encoding of out_dim is supported"
            )
        in_dim = cfg.get("in_dim", 256)
        block_args = {
            "dim": block["dim"],
            "kernel_size": block.get("kernel_size", 7),
            "padding": block.get("padding", 3),
            "use_dwconv": block.get("use_dwconv", True),
        }
        return cls(
            MaskDownSampler(
                down.get("embed_dim", in_dim),
                down.get("kernel_size", 4),
                down.get("stride", 4),
                down.get("padding", 0),
                down.get("total_stride", 16),
            ),
            Fuser(nn.ModuleList(CXBlock(**block_args) for _ in range(fuser["num_layers"]))),
            in_dim,
            out_dim,
            image_size // backbone_stride,
            pe.get("temperature", 10000.0),
        )

    def forward(self, pix_feat: Tensor, mask: Tensor) -> Tuple[Tensor, Tensor]:
        x = self.pix_feat_proj(pix_feat) + self.mask_downsampler(mask)
        x = self.out_proj(self.fuser(x))
        return x, self.pos_enc.expand(x.size(0), -1, -1, -1)
