"""SAM 2 memory attention, scriptable for any memory length, pointer count and batch.

Parameter names match the official `memory_attention.*` state-dict keys. RoPE is applied
with real cos/sin tables instead of complex numbers, which TorchScript cannot save.
"""

from typing import Dict, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .layers import attention, check_keys

LAYER_KEYS = [
    "activation", "cross_attention", "d_model", "dim_feedforward", "dropout", "pos_enc_at_attn",
    "pos_enc_at_cross_attn_keys", "pos_enc_at_cross_attn_queries", "self_attention",
]
# Dropout is inert at inference; rope_k_repeat is implied by keys longer than the query grid.
ATTENTION_KEYS = [
    "embedding_dim", "num_heads", "downsample_rate", "dropout", "kv_in_dim", "rope_theta", "rope_k_repeat",
    "feat_sizes",
]


def axial_rope_tables(head_dim: int, width: int, height: int, theta: float) -> Tuple[Tensor, Tensor]:
    """cos/sin tables [width*height, head_dim/2] of the official axial RoPE (x frequencies, then y)."""
    freqs = 1.0 / (theta ** (torch.arange(0, head_dim, 4)[: head_dim // 4].float() / head_dim))
    token = torch.arange(width * height, dtype=torch.float32)
    col = token % width
    row = torch.div(token, width, rounding_mode="floor")
    angles = torch.cat([torch.outer(col, freqs), torch.outer(row, freqs)], dim=-1)
    # torch.polar's cos/sin differ from torch.cos/sin by an ulp; build-time complex keeps us bit-exact.
    rotation = torch.polar(torch.ones_like(angles), angles)
    return rotation.real.contiguous(), rotation.imag.contiguous()


def _rotate(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    # Consecutive channel pairs are the (real, imaginary) parts the official code rotates.
    b, h, n, c = x.shape
    pairs = x.reshape(b, h, n, c // 2, 2)
    re, im = pairs[..., 0], pairs[..., 1]
    return torch.stack((re * cos - im * sin, re * sin + im * cos), dim=-1).flatten(-2)


class RoPEAttention(nn.Module):
    def __init__(
        self,
        embedding_dim: int,
        num_heads: int,
        rope: Tuple[Tensor, Tensor],
        downsample_rate: int = 1,
        kv_in_dim: int = 0,
    ):
        """`rope`: (cos, sin) tables from `axial_rope_tables` for head_dim = internal dim / num_heads."""
        super().__init__()
        internal_dim = embedding_dim // downsample_rate
        kv_dim = kv_in_dim if kv_in_dim > 0 else embedding_dim
        self.num_heads = num_heads
        self.q_proj = nn.Linear(embedding_dim, internal_dim)
        self.k_proj = nn.Linear(kv_dim, internal_dim)
        self.v_proj = nn.Linear(kv_dim, internal_dim)
        self.out_proj = nn.Linear(internal_dim, embedding_dim)
        cos, sin = rope
        if cos.size(-1) * 2 * num_heads != internal_dim:
            raise ValueError("RoPE table width does not match the attention head width")
        # Not persistent: the official checkpoint has no such tensors and strict loading must pass.
        self.register_buffer("rope_cos", cos, persistent=False)
        self.register_buffer("rope_sin", sin, persistent=False)

    def _heads(self, x: Tensor) -> Tensor:
        b, n, c = x.shape
        return x.reshape(b, n, self.num_heads, c // self.num_heads).transpose(1, 2)

    def forward(self, q: Tensor, k: Tensor, v: Tensor, num_k_exclude_rope: int = 0) -> Tensor:
        q = self._heads(self.q_proj(q))
        k = self._heads(self.k_proj(k))
        v = self._heads(self.v_proj(v))

        q = _rotate(q, self.rope_cos, self.rope_sin)
        # Spatial keys are whole memory frames laid end to end, each rotated like the query grid;
        # trailing object-pointer tokens carry no position and stay as they are.
        num_k_rope = k.size(2) - num_k_exclude_rope
        frames = num_k_rope // self.rope_cos.size(0)
        if num_k_rope < 0 or frames * self.rope_cos.size(0) != num_k_rope:
            raise RuntimeError("memory attention: memory length minus num_obj_ptr_tokens must be whole h*w frames")
        k_rope = _rotate(k[:, :, :num_k_rope], self.rope_cos.repeat(frames, 1), self.rope_sin.repeat(frames, 1))
        k = torch.cat([k_rope, k[:, :, num_k_rope:]], dim=2)

        out = attention(q, k, v)
        b, h, n, c = out.shape
        return self.out_proj(out.transpose(1, 2).reshape(b, n, h * c))


class MemoryAttentionLayer(nn.Module):
    def __init__(
        self,
        self_attn: RoPEAttention,
        cross_attn_image: RoPEAttention,
        d_model: int,
        dim_feedforward: int,
        pos_enc_at_attn: bool,
        pos_enc_at_cross_attn_queries: bool,
        pos_enc_at_cross_attn_keys: bool,
    ):
        super().__init__()
        self.self_attn = self_attn
        self.cross_attn_image = cross_attn_image
        self.linear1 = nn.Linear(d_model, dim_feedforward)
        self.linear2 = nn.Linear(dim_feedforward, d_model)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.norm3 = nn.LayerNorm(d_model)
        self.pos_enc_at_attn = pos_enc_at_attn
        self.pos_enc_at_cross_attn_queries = pos_enc_at_cross_attn_queries
        self.pos_enc_at_cross_attn_keys = pos_enc_at_cross_attn_keys

    def forward(self, tgt: Tensor, memory: Tensor, pos: Tensor, query_pos: Tensor, num_k_exclude_rope: int) -> Tensor:
        x = self.norm1(tgt)
        qk = x + query_pos if self.pos_enc_at_attn else x
        tgt = tgt + self.self_attn(qk, qk, x)

        x = self.norm2(tgt)
        q = x + query_pos if self.pos_enc_at_cross_attn_queries else x
        k = memory + pos if self.pos_enc_at_cross_attn_keys else memory
        tgt = tgt + self.cross_attn_image(q, k, memory, num_k_exclude_rope)

        x = self.norm3(tgt)
        return tgt + self.linear2(F.relu(self.linear1(x)))


class MemoryAttention(nn.Module):
    """forward(curr [h*w,B,256], curr_pos, memory [M,B,64], memory_pos, num_obj_ptr_tokens) -> [h*w,B,256]."""

    def __init__(self, d_model: int, pos_enc_at_input: bool, layers: nn.ModuleList):
        super().__init__()
        self.layers = layers
        self.norm = nn.LayerNorm(d_model)
        self.pos_enc_at_input = pos_enc_at_input

    @classmethod
    def from_config(cls, cfg: Dict, image_size: int, backbone_stride: int = 16) -> "MemoryAttention":
        """Builds from the official `memory_attention` config subtree.

        RoPE tables are sized for the stride-16 grid of `image_size`: the official module
        recomputes them for the actual token count, so the config's `feat_sizes` do not matter.
        """
        check_keys(cfg, ["d_model", "pos_enc_at_input", "layer", "num_layers"], "memory_attention")
        layer = cfg["layer"]
        check_keys(layer, LAYER_KEYS, "memory_attention.layer")
        if layer.get("activation", "relu") != "relu":
            raise ValueError(f"memory attention: unsupported activation {layer['activation']!r}")
        feat_size = image_size // backbone_stride
        # Every attention with the same head width and theta shares one pair of tables, so a
        # saved file holds one copy instead of two per layer.
        tables: Dict[Tuple[int, float], Tuple[Tensor, Tensor]] = {}

        def make_attention(a: Dict) -> RoPEAttention:
            check_keys(a, ATTENTION_KEYS, "memory_attention.layer attention")
            if not a.get("_target_", "RoPEAttention").endswith("RoPEAttention"):
                raise ValueError(f"memory attention: unsupported attention {a['_target_']!r}")
            downsample = a.get("downsample_rate", 1)
            head_dim = a["embedding_dim"] // downsample // a["num_heads"]
            theta = float(a.get("rope_theta", 10000.0))
            if (head_dim, theta) not in tables:
                tables[(head_dim, theta)] = axial_rope_tables(head_dim, feat_size, feat_size, theta)
            return RoPEAttention(
                a["embedding_dim"], a["num_heads"], tables[(head_dim, theta)], downsample, a.get("kv_in_dim") or 0
            )

        layers = nn.ModuleList(
            MemoryAttentionLayer(
                make_attention(layer["self_attention"]),
                make_attention(layer["cross_attention"]),
                layer["d_model"],
                layer["dim_feedforward"],
                layer["pos_enc_at_attn"],
                layer["pos_enc_at_cross_attn_queries"],
                layer["pos_enc_at_cross_attn_keys"],
            )
            for _ in range(cfg["num_layers"])
        )
        return cls(cfg["d_model"], cfg["pos_enc_at_input"], layers)

    def forward(
        self, curr: Tensor, curr_pos: Tensor, memory: Tensor, memory_pos: Tensor, num_obj_ptr_tokens: int
    ) -> Tensor:
        x = curr + 0.1 * curr_pos if self.pos_enc_at_input else curr
        x = x.transpose(0, 1)
        curr_pos = curr_pos.transpose(0, 1)
        memory = memory.transpose(0, 1)
        memory_pos = memory_pos.transpose(0, 1)
        for layer in self.layers:
            x = layer(x, memory, memory_pos, curr_pos, num_obj_ptr_tokens)
        return self.norm(x).transpose(0, 1)
