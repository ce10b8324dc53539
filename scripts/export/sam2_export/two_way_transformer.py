"""Two-way transformer of the SAM mask decoder: tokens attend to the image and back."""
import math
from typing import Tuple

import torch
from torch import nn

from .layers import MLP, Linear, attention


class Attention(nn.Module):
    """Multi-head attention with an optional internal width reduction (downsample_rate).

    Scripted, the cross-attentions between the few prompt tokens (T) and the many image tokens (N) run in a
    factored form when heads x tokens < internal channels (SAM's decoder: 8 heads, 128 channels, so T < 16: the 6
    output tokens, the padding point and up to 8 points, a box counting as 2). The image side's projections fold
    into small per-head products on the token side (Q_h W_k,h; W_q,h^T K_h^T; V_h W_o,h^T), so the image tokens
    meet [N, C] x [C, H*T] products instead of [N, C] x [C, C/r] projections: half the multiply-adds of the
    transformer, whose image-side projections are three quarters of the decoder's. Same arithmetic up to float32
    rounding (see _few_to_many / _many_to_few); traced graphs (the ONNX copies) keep the plain form.
    """

    def __init__(self, embedding_dim: int, num_heads: int, downsample_rate: int = 1):
        super().__init__()
        internal = embedding_dim // downsample_rate
        if internal % num_heads != 0:
            raise ValueError("num_heads must divide embedding_dim / downsample_rate")
        self.num_heads = num_heads
        self.internal = internal
        self.q_proj = Linear(embedding_dim, internal)
        self.k_proj = Linear(embedding_dim, internal)
        self.v_proj = Linear(embedding_dim, internal)
        self.out_proj = Linear(internal, embedding_dim)

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        return x.reshape(b, n, self.num_heads, c // self.num_heads).transpose(1, 2)

    def _per_head(self, weight: torch.Tensor) -> torch.Tensor:
        """A projection's weight [C/r, C] as [H, C/r/H, C]: the rows of each head."""
        return weight.view(self.num_heads, self.internal // self.num_heads, weight.shape[-1])

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        if torch.jit.is_scripting():
            n_q, n_k = q.shape[1], k.shape[1]
            if n_q * self.num_heads < self.internal and n_q < n_k:
                return self._few_to_many(q, k, v)
            if n_k * self.num_heads < self.internal and n_k < n_q:
                return self._many_to_few(q, k, v)
        out = attention(self._heads(self.q_proj(q)), self._heads(self.k_proj(k)), self._heads(self.v_proj(v)))
        b, h, n, c = out.shape
        return self.out_proj(out.transpose(1, 2).reshape(b, n, h * c))

    def _few_to_many(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        """Few queries [B, T, C] over many keys / values [B, N, C].

        Per head: (Q_h)(K W_k,h^T + b_k,h)^T = (Q_h W_k,h) K^T + a term constant along the keys, which the softmax
        cancels; and A (V W_v,h^T + b_v,h) = (A V) W_v,h^T + b_v,h, since each row of A sums to 1.
        """
        b, t = q.shape[0], q.shape[1]
        head_dim = self.internal // self.num_heads
        qh = self._heads(self.q_proj(q)) * (1.0 / math.sqrt(head_dim))  # [B, H, T, d]
        qk = torch.matmul(qh, self._per_head(self.k_proj.weight)).reshape(b, self.num_heads * t, -1)  # [B, HT, C]
        a = torch.softmax(torch.bmm(qk, k.transpose(1, 2)), dim=-1)  # [B, HT, N]
        av = torch.bmm(a, v).view(b, self.num_heads, t, -1)  # [B, H, T, C]
        out = torch.matmul(av, self._per_head(self.v_proj.weight).transpose(1, 2))  # [B, H, T, d]
        out = out + self.v_proj.bias.view(self.num_heads, 1, head_dim)
        return self.out_proj(out.transpose(1, 2).reshape(b, t, self.internal))

    def _many_to_few(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        """Many queries [B, N, C] over few keys / values [B, T, C].

        Per head: (Q W_q,h^T + b_q,h)(K_h)^T = Q (W_q,h^T K_h^T) + b_q,h K_h^T, and the output projection of the
        heads' results, sum_h A_h V_h W_o,h^T, is one product of all heads' weights A [N, HT] with the stacked
        V_h W_o,h^T [HT, C].
        """
        b, n, t = q.shape[0], q.shape[1], k.shape[1]
        head_dim = self.internal // self.num_heads
        kh = self._heads(self.k_proj(k)) * (1.0 / math.sqrt(head_dim))  # [B, H, T, d]
        m = torch.matmul(kh, self._per_head(self.q_proj.weight)).view(b, self.num_heads * t, -1)  # [B, HT, C]
        bias = torch.matmul(kh, self.q_proj.bias.view(self.num_heads, head_dim, 1)).view(b, 1, self.num_heads * t)
        scores = torch.baddbmm(bias, q, m.transpose(1, 2))  # [B, N, HT]
        a = torch.softmax(scores.view(b, n, self.num_heads, t), dim=-1).view(b, n, self.num_heads * t)
        w_out = self.out_proj.weight.view(-1, self.num_heads, head_dim).permute(1, 2, 0)  # [H, d, C]
        u = torch.matmul(self._heads(self.v_proj(v)), w_out).view(b, self.num_heads * t, -1)  # [B, HT, C]
        return torch.baddbmm(self.out_proj.bias.view(1, 1, -1), a, u)


class TwoWayAttentionBlock(nn.Module):
    def __init__(self, embedding_dim: int, num_heads: int, mlp_dim: int, downsample_rate: int, skip_first_layer_pe: bool):
        super().__init__()
        self.self_attn = Attention(embedding_dim, num_heads)
        self.norm1 = nn.LayerNorm(embedding_dim)
        self.cross_attn_token_to_image = Attention(embedding_dim, num_heads, downsample_rate)
        self.norm2 = nn.LayerNorm(embedding_dim)
        self.mlp = MLP(embedding_dim, mlp_dim, embedding_dim, num_layers=2, activation=nn.ReLU)
        self.norm3 = nn.LayerNorm(embedding_dim)
        self.norm4 = nn.LayerNorm(embedding_dim)
        self.cross_attn_image_to_token = Attention(embedding_dim, num_heads, downsample_rate)
        self.skip_first_layer_pe = skip_first_layer_pe

    def forward(
        self, queries: torch.Tensor, keys: torch.Tensor, query_pe: torch.Tensor, key_pe: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        if self.skip_first_layer_pe:
            # First layer: the queries are the prompt embeddings themselves, so no residual.
            queries = self.self_attn(queries, queries, queries)
        else:
            q = queries + query_pe
            queries = queries + self.self_attn(q, q, queries)
        queries = self.norm1(queries)

        k = keys + key_pe
        queries = self.norm2(queries + self.cross_attn_token_to_image(queries + query_pe, k, keys))
        queries = self.norm3(queries + self.mlp(queries))

        q = queries + query_pe
        keys = self.norm4(keys + self.cross_attn_image_to_token(k, q, queries))
        return queries, keys


class TwoWayTransformer(nn.Module):
    def __init__(self, depth: int, embedding_dim: int, num_heads: int, mlp_dim: int, attention_downsample_rate: int = 2):
        super().__init__()
        self.layers = nn.ModuleList(
            TwoWayAttentionBlock(embedding_dim, num_heads, mlp_dim, attention_downsample_rate, i == 0)
            for i in range(depth)
        )
        self.final_attn_token_to_image = Attention(embedding_dim, num_heads, attention_downsample_rate)
        self.norm_final_attn = nn.LayerNorm(embedding_dim)

    def forward(
        self, image: torch.Tensor, image_pe: torch.Tensor, tokens: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """image [B,C,h,w], image_pe [1 or B,C,h,w], tokens [B,T,C] -> (tokens [B,T,C], image [B,h*w,C])."""
        # Contiguous once here, so that no later add or projection meets a transposed operand and copies it.
        keys = image.flatten(2).permute(0, 2, 1).contiguous()
        key_pe = image_pe.flatten(2).permute(0, 2, 1).contiguous()
        queries = tokens
        for layer in self.layers:
            queries, keys = layer(queries, keys, tokens, key_pe)
        out = self.final_attn_token_to_image(queries + tokens, keys + key_pe, keys)
        return self.norm_final_attn(queries + out), keys
