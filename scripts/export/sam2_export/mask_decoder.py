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
        _, c, h, w = src.shape
        # The positional encoding broadcasts over the batch (scripted and frozen, it is one constant).
        hs, src = self.transformer(src, image_pe, tokens)
        iou_token_out = hs[:, first, :]
        mask_tokens_out = hs[:, first + 1 : first + 1 + self.num_mask_tokens, :]

        hyper: List[torch.Tensor] = []
        for i, mlp in enumerate(self.output_hypernetworks_mlps):
            hyper.append(mlp(mask_tokens_out[:, i, :]))
        hyper_in = torch.stack(hyper, dim=1)

        if torch.jit.is_scripting():
            x = self._upscale_in_block_order(src, h, w, feat_s0, feat_s1)
            masks = _from_block_order(hyper_in @ x.transpose(1, 2), h, w)
        else:
            # Traced graphs (the ONNX copies) keep the official NCHW form, which onnxruntime runs its own way.
            src = src.transpose(1, 2).reshape(b, c, h, w)
            up = self.output_upscaling
            if self.use_high_res_features:
                x = up[2](up[1](up[0](src) + feat_s1))
                x = up[4](up[3](x) + feat_s0)
            else:
                x = up(src)
            _, c, h, w = x.shape
            masks = (hyper_in @ x.reshape(b, c, h * w)).reshape(b, -1, h, w)

        iou_pred = self.iou_prediction_head(iou_token_out)
        if self.pred_obj_score_head is not None:
            object_score = self.pred_obj_score_head(hs[:, 0, :])
        else:
            # Without a score head the object is always present (logit 10, sigmoid ~ 1).
            object_score = torch.full((b, 1), 10.0, dtype=iou_pred.dtype, device=iou_pred.device)
        return masks, iou_pred, mask_tokens_out, object_score

    def _upscale_in_block_order(
        self, src: torch.Tensor, h: int, w: int, feat_s0: torch.Tensor, feat_s1: torch.Tensor
    ) -> torch.Tensor:
        """`output_upscaling` of the transformer's channels-last output [B, h*w, C] -> [B, 16*h*w, C/8], channels
        last, the 4x4 output pixels of each input pixel in consecutive rows ("block order", see _block_order_view).

        libtorch 1.13 runs a 2x2 stride-2 transposed convolution as a GEMM, a zero fill and a col2im pass, and the
        NCHW LayerNorm2d as seven elementwise passes, about a fifth of the decoder's time at 1024 px. Here each transposed
        convolution is one GEMM with its bias, the norm one layer_norm over contiguous channels, and the pixel
        shuffle is left to the 4-channel mask product at the end (the high-res features are read in block order
        instead): the big activations are written once per layer and never transposed.
        """
        up = self.output_upscaling
        b = src.shape[0]
        x = _conv_transpose_2x2(src, up[0].weight, up[0].bias)
        if self.use_high_res_features:
            x = (x.view(_block_shape(b, h, w, 1, x.shape[-1])) + _block_order_view(feat_s1, h, w, 1)).view(x.shape)
        norm = up[1]
        x = up[2](nn.functional.layer_norm(x, [x.shape[-1]], norm.weight, norm.bias, norm.eps))
        x = _conv_transpose_2x2(x, up[3].weight, up[3].bias)
        if self.use_high_res_features:
            x = (x.view(_block_shape(b, h, w, 2, x.shape[-1])) + _block_order_view(feat_s0, h, w, 2)).view(x.shape)
        return up[4](x)


def _conv_transpose_2x2(x: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor]) -> torch.Tensor:
    """ConvTranspose2d(kernel 2, stride 2) of channels-last rows x [B, R, Cin] -> [B, 4R, Cout], each input row
    followed by its 2x2 output pixels (row-major): every input pixel writes its own output block, so the layer is
    one product with the weight as [2*2*Cout, Cin]."""
    assert bias is not None  # the decoder's transposed convolutions have one
    b, c_in, c_out = x.shape[0], weight.shape[0], weight.shape[1]
    kernel = weight.permute(2, 3, 1, 0).reshape(4 * c_out, c_in)
    return nn.functional.linear(x.reshape(-1, c_in), kernel, bias.repeat(4)).view(b, -1, c_out)


def _block_shape(b: int, h: int, w: int, levels: int, c: int) -> List[int]:
    """Shape of block-order rows after `levels` 2x upscalings of an h x w grid: [B, h, w, (2, 2) * levels, C]."""
    return [b, h, w] + [2, 2] * levels + [c]


def _block_order_view(x: torch.Tensor, h: int, w: int, levels: int) -> torch.Tensor:
    """NCHW x [B, C, h*2^levels, w*2^levels] in block order, shaped as _block_shape (a view of a channels-last copy).

    Block order: pixel (y, x) with y = ((i*2 + dy1)*2 + dy2)..., x likewise, sits at row (i, j, dy1, dx1, dy2, dx2,
    ...), the coarsest level first, which is the order the transposed convolutions above write. Channels last
    first, so that the block-order read moves whole pixels (C contiguous floats), not single floats."""
    b, c = x.shape[0], x.shape[1]
    if b == 1:
        # A 2-D transpose takes ATen's blocked transpose copy; higher ranks an element-by-element one.
        nhwc = x.reshape(c, -1).t().contiguous()
    else:
        nhwc = x.flatten(2).transpose(1, 2).contiguous()
    split = nhwc.view([b, h] + [2] * levels + [w] + [2] * levels + [c])
    # (b, i, dy..., j, dx..., c) -> (b, i, j, dy1, dx1, dy2, dx2, ..., c)
    order = [0, 1, 2 + levels]
    for level in range(levels):
        order += [2 + level, 3 + levels + level]
    return split.permute(order + [3 + 2 * levels])


def _from_block_order(m: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """Masks in block order after two upscalings [B, M, 16*h*w] -> NCHW [B, M, 4h, 4w]."""
    b, k = m.shape[0], m.shape[1]
    # (b, k, i, j, dy1, dx1, dy2, dx2) -> (b, k, i, dy1, dy2, j, dx1, dx2)
    return m.view(b, k, h, w, 2, 2, 2, 2).permute(0, 1, 2, 4, 6, 3, 5, 7).reshape(b, k, 4 * h, 4 * w)
