"""Small building blocks shared by several SAM 2 modules."""
import math
from typing import List, Type

import torch
from torch import nn


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Scaled dot-product attention over the last two dims.

    Written out instead of F.scaled_dot_product_attention so the exported graph
    only uses operators that libtorch 1.13 knows and stays deterministic on CPU.
    """
    scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    return torch.matmul(torch.softmax(scores, dim=-1), v)


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
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims_in, dims_out))
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
