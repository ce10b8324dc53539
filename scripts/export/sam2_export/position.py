"""Positional encodings: the 2-D sine encoding of the FPN / memory encoder and the
random-Fourier encoding of the prompt encoder."""
import math
from typing import Tuple

import torch
from torch import nn


def _sin_cos(pos: torch.Tensor, dim_t: torch.Tensor) -> torch.Tensor:
    p = pos[:, None] / dim_t
    return torch.stack((p[:, 0::2].sin(), p[:, 1::2].cos()), dim=2).flatten(1)


def sine_position_encoding_2d(
    b: int,
    h: int,
    w: int,
    num_pos_feats: int,
    device: torch.device,
    temperature: float = 10000.0,
) -> torch.Tensor:
    """DETR-style normalised sine encoding, [b, num_pos_feats, h, w] float32.

    Channels are the y encoding then the x encoding (num_pos_feats/2 each), each one
    interleaving sin/cos of the same frequency; positions run 1..n, divided by n (+1e-6)
    and scaled to 2*pi, as in the official PositionEmbeddingSine(normalize=True).
    """
    half = num_pos_feats // 2
    scale = 2 * math.pi
    eps = 1e-6
    y = torch.arange(1, h + 1, dtype=torch.float32, device=device)
    x = torch.arange(1, w + 1, dtype=torch.float32, device=device)
    y = y / (y[-1:] + eps) * scale
    x = x / (x[-1:] + eps) * scale

    idx = torch.arange(half, dtype=torch.float32, device=device)
    dim_t = torch.pow(temperature, 2 * torch.div(idx, 2, rounding_mode="floor") / half)

    pos_y = _sin_cos(y, dim_t)[:, None, :].expand(h, w, half)
    pos_x = _sin_cos(x, dim_t)[None, :, :].expand(h, w, half)
    pos = torch.cat((pos_y, pos_x), dim=2).permute(2, 0, 1)
    return pos[None].expand(b, num_pos_feats, h, w).contiguous()


class PositionEmbeddingRandom(nn.Module):
    """Random Fourier features of (x, y) in [0, 1]: the prompt encoder's `pe_layer`."""

    def __init__(self, num_pos_feats: int):
        super().__init__()
        # Filled from the checkpoint; the name matches the official buffer.
        self.register_buffer("positional_encoding_gaussian_matrix", torch.zeros(2, num_pos_feats))

    def encode(self, coords: torch.Tensor) -> torch.Tensor:
        """coords [..., 2] normalised to [0, 1] -> [..., 2 * num_pos_feats]."""
        coords = 2 * coords - 1
        coords = coords @ self.positional_encoding_gaussian_matrix
        coords = 2 * math.pi * coords
        return torch.cat([torch.sin(coords), torch.cos(coords)], dim=-1)

    def dense(self, size: Tuple[int, int]) -> torch.Tensor:
        """Encoding of every cell centre of an h x w grid, [C, h, w]."""
        h, w = size
        g = self.positional_encoding_gaussian_matrix
        grid = torch.ones((h, w), dtype=g.dtype, device=g.device)
        y = (grid.cumsum(dim=0) - 0.5) / h
        x = (grid.cumsum(dim=1) - 0.5) / w
        return self.encode(torch.stack([x, y], dim=-1)).permute(2, 0, 1)
