"""Prompt encoder: points (incl. box corners) to sparse tokens, mask logits to a dense map."""
from typing import Tuple

import torch
from torch import nn

from .layers import LayerNorm2d
from .position import PositionEmbeddingRandom


class PromptEncoder(nn.Module):
    def __init__(self, embed_dim: int, image_embedding_size: int, input_image_size: int, mask_in_chans: int = 16):
        super().__init__()
        self.embed_dim = embed_dim
        self.image_embedding_size = image_embedding_size
        self.input_image_size = input_image_size
        self.pe_layer = PositionEmbeddingRandom(embed_dim // 2)
        # Indexed by label: 0 negative, 1 positive, 2 / 3 box top-left / bottom-right.
        self.point_embeddings = nn.ModuleList(nn.Embedding(1, embed_dim) for _ in range(4))
        self.not_a_point_embed = nn.Embedding(1, embed_dim)
        self.mask_downscaling = nn.Sequential(
            nn.Conv2d(1, mask_in_chans // 4, kernel_size=2, stride=2),
            LayerNorm2d(mask_in_chans // 4),
            nn.GELU(),
            nn.Conv2d(mask_in_chans // 4, mask_in_chans, kernel_size=2, stride=2),
            LayerNorm2d(mask_in_chans),
            nn.GELU(),
            nn.Conv2d(mask_in_chans, embed_dim, kernel_size=1),
        )
        self.no_mask_embed = nn.Embedding(1, embed_dim)

    def dense_pe(self) -> torch.Tensor:
        """Positional encoding of the image-embedding grid, [1, C, h, w]."""
        s = self.image_embedding_size
        return self.pe_layer.dense((s, s)).unsqueeze(0)

    def embed_points(self, coords: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """coords [B,N,2] in model pixels, labels [B,N] -> [B,N+1,C] with the padding point appended.

        The official predictors never pass boxes separately (they are corner points), so the
        prompt encoder always appends one (0,0)/-1 padding point; we do the same inside the graph.
        """
        b = coords.shape[0]
        coords = coords + 0.5  # pixel centres
        coords = torch.cat([coords, torch.zeros((b, 1, 2), dtype=coords.dtype, device=coords.device)], dim=1)
        labels = torch.cat([labels, torch.full((b, 1), -1, dtype=labels.dtype, device=labels.device)], dim=1)
        emb = self.pe_layer.encode(coords / self.input_image_size)

        lab = labels.unsqueeze(-1)
        emb = torch.where(lab == -1, torch.zeros_like(emb) + self.not_a_point_embed.weight, emb)
        emb = torch.where(lab == 0, emb + self.point_embeddings[0].weight, emb)
        emb = torch.where(lab == 1, emb + self.point_embeddings[1].weight, emb)
        emb = torch.where(lab == 2, emb + self.point_embeddings[2].weight, emb)
        emb = torch.where(lab == 3, emb + self.point_embeddings[3].weight, emb)
        return emb

    def embed_mask(self, mask_input: torch.Tensor, has_mask: torch.Tensor) -> torch.Tensor:
        """mask_input [B,1,4h,4w] logits, has_mask [B] bool -> dense embedding [B,C,h,w].

        Both branches are computed and selected per batch element, so one graph serves
        mixed batches; traced, without data-dependent control flow.
        """
        no_mask = self.no_mask_embed.weight.reshape(1, -1, 1, 1)
        if torch.jit.is_scripting() and not bool(has_mask.any()):
            # Without any mask prompt (the common click) the mask branch, ~4% of the decoder's CPU time at 1024 px,
            # would be computed only to be discarded: the same values without it (on CUDA the test is a sync, which
            # the caller's read-back of the results makes anyway). Traced graphs cannot branch on data.
            s = mask_input.shape[-1] // 4
            return no_mask.expand(mask_input.shape[0], no_mask.shape[1], s, s)
        from_mask = self.mask_downscaling(mask_input)
        no_mask = no_mask.expand_as(from_mask)
        return torch.where(has_mask.reshape(-1, 1, 1, 1), from_mask, no_mask)

    def forward(
        self, coords: torch.Tensor, labels: torch.Tensor, mask_input: torch.Tensor, has_mask: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        return self.embed_points(coords, labels), self.embed_mask(mask_input, has_mask)
