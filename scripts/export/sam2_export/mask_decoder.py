"""SAM mask decoder: predicts all mask hypotheses, their IoU and the object score.

Hypothesis selection (multimask / stability fallback) is left to the caller so that one
exported graph serves the image and the video predictors.
"""
from typing import List, Optional, Tuple

import torch
from torch import nn

from .layers import MLP, LayerNorm2d
from .two_way_transformer import TwoWayTransformer


class MaskDecoder(nn.Module):
    def __init__(
        self,
        transformer_dim: int,
        transformer: TwoWayTransformer,
        num_multimask_outputs: int = 3,
        iou_head_depth: int = 3,
        iou_head_hidden_dim: int = 256,
        use_high_res_features: bool = False,
        iou_prediction_use_sigmoid: bool = False,
        pred_obj_scores: bool = False,
        pred_obj_scores_mlp: bool = False,
    ):
        super().__init__()
        d = transformer_dim
        self.transformer = transformer
        self.num_mask_tokens = num_multimask_outputs + 1
        self.iou_token = nn.Embedding(1, d)
        self.mask_tokens = nn.Embedding(self.num_mask_tokens, d)
        # None (not an Identity) so TorchScript drops the branches that use them.
        self.obj_score_token: Optional[nn.Embedding] = nn.Embedding(1, d) if pred_obj_scores else None
        self.output_upscaling = nn.Sequential(
            nn.ConvTranspose2d(d, d // 4, kernel_size=2, stride=2),
            LayerNorm2d(d // 4),
            nn.GELU(),
            nn.ConvTranspose2d(d // 4, d // 8, kernel_size=2, stride=2),
            nn.GELU(),
        )
        self.use_high_res_features = use_high_res_features
        if use_high_res_features:
            # Applied once per image by the image encoder export, not per prompt.
            self.conv_s0 = nn.Conv2d(d, d // 8, kernel_size=1)
            self.conv_s1 = nn.Conv2d(d, d // 4, kernel_size=1)
        self.output_hypernetworks_mlps = nn.ModuleList(MLP(d, d, d // 8, 3) for _ in range(self.num_mask_tokens))
        self.iou_prediction_head = MLP(
            d, iou_head_hidden_dim, self.num_mask_tokens, iou_head_depth, sigmoid_output=iou_prediction_use_sigmoid
        )
        self.pred_obj_score_head: Optional[nn.Module] = None
        if pred_obj_scores:
            self.pred_obj_score_head = MLP(d, d, 1, 3) if pred_obj_scores_mlp else nn.Linear(d, 1)

    def forward(
        self,
        image_embeddings: torch.Tensor,
        image_pe: torch.Tensor,
        sparse_prompt_embeddings: torch.Tensor,
        dense_prompt_embeddings: torch.Tensor,
        feat_s0: torch.Tensor,
        feat_s1: torch.Tensor,
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Returns (masks [B,M,4h,4w], iou [B,M], mask tokens [B,M,C], object score [B,1]), M = 4."""
        b = sparse_prompt_embeddings.shape[0]
        output_tokens = torch.cat([self.iou_token.weight, self.mask_tokens.weight], dim=0)
        first = 0
        if self.obj_score_token is not None:
            output_tokens = torch.cat([self.obj_score_token.weight, output_tokens], dim=0)
            first = 1
        tokens = torch.cat([output_tokens.unsqueeze(0).expand(b, -1, -1), sparse_prompt_embeddings], dim=1)

        src = image_embeddings + dense_prompt_embeddings
        pos = image_pe.expand(b, -1, -1, -1)
        _, c, h, w = src.shape
        hs, src = self.transformer(src, pos, tokens)
        iou_token_out = hs[:, first, :]
        mask_tokens_out = hs[:, first + 1 : first + 1 + self.num_mask_tokens, :]

        src = src.transpose(1, 2).reshape(b, c, h, w)
        up = self.output_upscaling
        if self.use_high_res_features:
            x = up[2](up[1](up[0](src) + feat_s1))
            x = up[4](up[3](x) + feat_s0)
        else:
            x = up(src)

        hyper: List[torch.Tensor] = []
        for i, mlp in enumerate(self.output_hypernetworks_mlps):
            hyper.append(mlp(mask_tokens_out[:, i, :]))
        hyper_in = torch.stack(hyper, dim=1)
        _, c, h, w = x.shape
        masks = (hyper_in @ x.reshape(b, c, h * w)).reshape(b, -1, h, w)

        iou_pred = self.iou_prediction_head(iou_token_out)
        if self.pred_obj_score_head is not None:
            object_score = self.pred_obj_score_head(hs[:, 0, :])
        else:
            # Without a score head the object is always present (logit 10, sigmoid ~ 1).
            object_score = torch.full((b, 1), 10.0, dtype=iou_pred.dtype, device=iou_pred.device)
        return masks, iou_pred, mask_tokens_out, object_score
