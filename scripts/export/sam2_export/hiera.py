"""Hiera trunk (hierarchical windowed ViT) of the SAM 2 image encoder."""
from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .layers import MLP, Linear, attention, check_keys


def _pad_to(n: int, multiple: int) -> int:
    return (n + multiple - 1) // multiple * multiple


def window_partition(x: torch.Tensor, ws: int) -> torch.Tensor:
    """[B, H, W, C] -> [B * nWin, ws, ws, C], zero-padding H, W up to multiples of ws."""
    b, h, w, c = x.shape
    hp, wp = _pad_to(h, ws), _pad_to(w, ws)
    if hp > h or wp > w:
        x = F.pad(x, (0, 0, 0, wp - w, 0, hp - h))
    x = x.reshape(b, hp // ws, ws, wp // ws, ws, c)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(-1, ws, ws, c)


def window_unpartition(windows: torch.Tensor, ws: int, h: int, w: int) -> torch.Tensor:
    """Inverse of window_partition for an unpadded size h x w."""
    hp, wp = _pad_to(h, ws), _pad_to(w, ws)
    c = windows.shape[-1]
    x = windows.reshape(-1, hp // ws, wp // ws, ws, ws, c)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(-1, hp, wp, c)
    if hp > h or wp > w:
        x = x[:, :h, :w, :]
    return x


def _max_pool_nhwc(x: torch.Tensor, stride: int) -> torch.Tensor:
    x = F.max_pool2d(x.permute(0, 3, 1, 2), kernel_size=stride, stride=stride)
    return x.permute(0, 2, 3, 1)


class PatchEmbed(nn.Module):
    def __init__(self, embed_dim: int):
        super().__init__()
        self.proj = nn.Conv2d(3, embed_dim, kernel_size=7, stride=4, padding=3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).permute(0, 2, 3, 1)


class MultiScaleAttention(nn.Module):
    """Self-attention whose queries are optionally max-pooled (stage transitions)."""

    def __init__(self, dim: int, dim_out: int, num_heads: int, q_stride: int):
        super().__init__()
        self.num_heads = num_heads
        self.q_stride = q_stride
        self.qkv = Linear(dim, dim_out * 3)
        self.proj = Linear(dim_out, dim_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, h, w, _ = x.shape
        qkv = self.qkv(x).reshape(b, h * w, 3, self.num_heads, -1)
        q, k, v = torch.unbind(qkv, 2)
        if self.q_stride > 1:
            q = _max_pool_nhwc(q.reshape(b, h, w, -1), self.q_stride)
            h, w = q.shape[1], q.shape[2]
            q = q.reshape(b, h * w, self.num_heads, -1)
        out = attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))
        out = out.transpose(1, 2).reshape(b, h, w, -1)
        return self.proj(out)


class MultiScaleBlock(nn.Module):
    def __init__(self, dim: int, dim_out: int, num_heads: int, q_stride: int, window_size: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = MultiScaleAttention(dim, dim_out, num_heads, q_stride)
        self.norm2 = nn.LayerNorm(dim_out, eps=1e-6)
        self.mlp = MLP(dim_out, 4 * dim_out, dim_out, num_layers=2, activation=nn.GELU)
        self.has_proj = dim != dim_out
        # Identity keeps TorchScript happy and adds no state-dict keys.
        self.proj = Linear(dim, dim_out) if self.has_proj else nn.Identity()
        self.q_stride = q_stride
        self.window_size = window_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.norm1(x)
        if self.has_proj:
            shortcut = self.proj(x)
            if self.q_stride > 1:
                shortcut = _max_pool_nhwc(shortcut, self.q_stride)
        h, w = shortcut.shape[1], shortcut.shape[2]
        if self.window_size > 0:
            x = self.attn(window_partition(x, self.window_size))
            # Pooled queries shrink each window by the stride; the padded grid shrinks with it.
            x = window_unpartition(x, self.window_size // self.q_stride, h, w)
        else:
            x = self.attn(x)
        x = shortcut + x
        return x + self.mlp(self.norm2(x))


class Hiera(nn.Module):
    def __init__(
        self,
        embed_dim: int = 96,
        num_heads: int = 1,
        q_pool: int = 3,
        q_stride: Tuple[int, int] = (2, 2),
        stages: Tuple[int, ...] = (2, 3, 16, 3),
        dim_mul: float = 2.0,
        head_mul: float = 2.0,
        window_pos_embed_bkg_spatial_size: Tuple[int, int] = (14, 14),
        window_spec: Tuple[int, ...] = (8, 4, 14, 7),
        global_att_blocks: Tuple[int, ...] = (12, 16, 20),
    ):
        super().__init__()
        if len(stages) != len(window_spec):
            raise ValueError("hiera: stages and window_spec differ in length")
        if q_stride[0] != q_stride[1]:
            raise ValueError("hiera: only square q_stride is supported")
        self.stage_ends: List[int] = [sum(stages[: i + 1]) - 1 for i in range(len(stages))]
        pool_blocks = [end + 1 for end in self.stage_ends[:-1]][:q_pool]

        self.patch_embed = PatchEmbed(embed_dim)
        self.pos_embed = nn.Parameter(torch.zeros(1, embed_dim, *window_pos_embed_bkg_spatial_size))
        self.pos_embed_window = nn.Parameter(torch.zeros(1, embed_dim, window_spec[0], window_spec[0]))
        # pos_embed_grid() for the one input size an export accepts (see fix_input_size); not in the state dict.
        self.register_buffer("fixed_pos_embed", torch.zeros(0), persistent=False)

        self.blocks = nn.ModuleList()
        stage = 0
        dim = embed_dim
        dims: List[int] = []
        for i in range(sum(stages)):
            # A stage's first block still attends with the previous stage's window.
            window = 0 if i in global_att_blocks else window_spec[stage]
            dim_out = dim
            if i - 1 in self.stage_ends:
                dim_out = int(dim * dim_mul)
                num_heads = int(num_heads * head_mul)
                stage += 1
            stride = q_stride[0] if i in pool_blocks else 1
            self.blocks.append(MultiScaleBlock(dim, dim_out, num_heads, stride, window))
            dims.append(dim_out)
            dim = dim_out
        # Lowest resolution first, the order of the neck's backbone_channel_list.
        self.channel_list: List[int] = [dims[i] for i in self.stage_ends[::-1]]

    def pos_embed_grid(self, h: int, w: int) -> torch.Tensor:
        """Background embedding resized to the token grid plus the tiled window embedding, NHWC."""
        pos = F.interpolate(self.pos_embed, size=(h, w), mode="bicubic", align_corners=False)
        win = self.pos_embed_window
        pos = pos + win.tile([1, 1, h // win.shape[2], w // win.shape[3]])
        return pos.permute(0, 2, 3, 1)

    def fix_input_size(self, size: int) -> None:
        """Computes the position embedding of `size`x`size` inputs once, so that an exported encoder (which only
        sees its model size) adds a constant instead of resizing the embedding bicubically on every call."""
        grid = size // 4  # the patch embedding's stride
        with torch.no_grad():
            self.fixed_pos_embed = self.pos_embed_grid(grid, grid)

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        """Returns the output of every stage, NCHW, highest resolution first."""
        x = self.patch_embed(x)
        if self.fixed_pos_embed.numel() > 0:
            x = x + self.fixed_pos_embed
        else:
            x = x + self.pos_embed_grid(x.shape[1], x.shape[2])
        outputs: List[torch.Tensor] = []
        for i, block in enumerate(self.blocks):
            x = block(x)
            if i in self.stage_ends:
                outputs.append(x.permute(0, 3, 1, 2))
        return outputs


def build_hiera(cfg: dict) -> Hiera:
    allowed = [
        "embed_dim", "num_heads", "q_pool", "q_stride", "stages", "dim_mul", "head_mul",
        "window_pos_embed_bkg_spatial_size", "window_spec", "global_att_blocks",
        "drop_path_rate", "return_interm_layers",
    ]
    check_keys(cfg, allowed, "image_encoder.trunk")
    if not cfg.get("return_interm_layers", True):
        raise ValueError("image_encoder.trunk: return_interm_layers=false is not supported")
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in cfg.items()
              if k in allowed and k not in ("drop_path_rate", "return_interm_layers")}
    return Hiera(**kwargs)
