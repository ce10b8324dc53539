"""Small building blocks shared by several SAM 2 modules."""
import math
from typing import List, Type

import torch
from torch import nn


def _score_block() -> int:
    """Score blocks of at most this many float32s (4 MiB, about a core's L2 cache) in the exported modules
    (a function: TorchScript reads no module-level ints)."""
    return 1 << 20


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Scaled dot-product attention over the last two dims (q, k, v with the same leading dims).

    Written out instead of F.scaled_dot_product_attention so the exported graph
    only uses operators that libtorch 1.13 knows and stays deterministic on CPU.
    The scale multiplies q, a pass over q rather than over the larger score matrix.
    """
    q = q * (1.0 / math.sqrt(q.shape[-1]))
    # Traced graphs (the ONNX copies) keep the plain form, which onnxruntime fuses its own way.
    if torch.jit.is_scripting() and q.numel() // q.shape[-1] * k.shape[-2] > _score_block():
        return _blocked_attention(q, k, v)
    return torch.matmul(torch.softmax(torch.matmul(q, k.transpose(-2, -1)), dim=-1), v)


def _blocked_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """`attention` one cache-sized block of scores at a time: the same arithmetic for every row.

    Unblocked, the scores of all heads and windows (up to hundreds of MB: a global block at 1024 px, the memory
    attention) are written and re-read from memory by each of matmul, softmax and matmul; in blocks they stay in
    cache, 1.5-3x faster, and the whole matrix never exists. Blocks hold whole heads while a head's scores fit,
    else a band of query rows of one head.
    """
    n_q, n_k = q.shape[-2], k.shape[-2]
    q3 = q.reshape(-1, n_q, q.shape[-1])
    k3 = k.reshape(-1, n_k, k.shape[-1])
    v3 = v.reshape(-1, n_k, v.shape[-1])
    heads = max(1, _score_block() // (n_q * n_k))
    rows = max(64, _score_block() // n_k)
    out = torch.empty([q3.shape[0], n_q, v.shape[-1]], dtype=v.dtype, device=v.device)
    for h in range(0, q3.shape[0], heads):
        kt = k3[h : h + heads].transpose(1, 2)
        for r in range(0, n_q, rows):
            scores = torch.bmm(q3[h : h + heads, r : r + rows], kt)
            out[h : h + heads, r : r + rows] = torch.bmm(torch.softmax(scores, dim=-1), v3[h : h + heads])
    return out.reshape(q.shape[:-1] + v.shape[-1:])


class Linear(nn.Linear):
    """nn.Linear that takes inputs of any rank as one 2-D matrix product. ATen adds the bias inside the product
    (addmm) only for 2-D inputs; for more dims it runs matmul and then another pass over the output for the bias,
    which costs 4-5% of an image encode (NHWC activations). Same parameters, same state-dict keys."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = nn.functional.linear(x.reshape(-1, x.shape[-1]), self.weight, self.bias)
        return out.reshape(list(x.shape[:-1]) + [out.shape[-1]])


class MLP(nn.Module):
    """Stack of Linear layers, activation between them (parameter names `layers.i`)."""

    def __init__(
        self,
        input_dim: int,
        hidden_dim: int,
        output_dim: int,
        num_layers: int,
        activation: Type[nn.Module] = nn.ReLU,
        sigmoid_output: bool = False,
    ):
        super().__init__()
        dims_in: List[int] = [input_dim] + [hidden_dim] * (num_layers - 1)
        dims_out: List[int] = [hidden_dim] * (num_layers - 1) + [output_dim]
        self.layers = nn.ModuleList(Linear(a, b) for a, b in zip(dims_in, dims_out))
        self.num_layers = num_layers
        self.act = activation()
        self.sigmoid_output = sigmoid_output

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < self.num_layers - 1:
                x = self.act(x)
        if self.sigmoid_output:
            x = torch.sigmoid(x)
        return x


class LayerNorm2d(nn.Module):
    """LayerNorm over the channel dim of an NCHW tensor."""

    def __init__(self, num_channels: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_channels))
        self.bias = nn.Parameter(torch.zeros(num_channels))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Same order of operations as the official module (biased variance, eps inside sqrt)
        # so float32 results agree to rounding noise.
        mean = x.mean(1, keepdim=True)
        var = (x - mean).pow(2).mean(1, keepdim=True)
        x = (x - mean) / torch.sqrt(var + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


def check_keys(cfg: dict, allowed: List[str], where: str) -> None:
    """Reject config keys we do not implement instead of silently ignoring them."""
    unknown = sorted(k for k in cfg if k != "_target_" and k not in allowed)
    if unknown:
        raise ValueError(f"{where}: unsupported config keys {unknown}")
