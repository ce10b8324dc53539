"""ONNX copies of the image path (`--onnx`): the same wrapper modules and weights as the TorchScript files, so
that onnxruntime can be benchmarked against the native core on identical models. Not read by sam2-node."""
import os
import warnings
from typing import List, Tuple

import torch
from torch import nn
from torch.onnx import symbolic_opset9

# torch 1.13 has no ONNX symbolic for aten::tile; with one entry per dimension it is aten::repeat.
torch.onnx.register_custom_op_symbolic("aten::tile", symbolic_opset9.repeat, 9)

OPSET = 17  # the newest torch 1.13 writes; onnxruntime-node reads it
ONNX_FILES = ("image_encoder.onnx", "prompt_decoder.onnx")


class _ImagePredictorEncoder(nn.Module):
    """The image predictor's features: the embedding with no_mem_embed added, as sam2-node's encode_image()
    returns them (the TorchScript encoder leaves it out: the video path conditions the raw embedding)."""

    def __init__(self, encoder: nn.Module, no_mem_embed: torch.Tensor):
        super().__init__()
        self.encoder = encoder
        self.register_buffer("no_mem_embed", no_mem_embed.detach().reshape(1, -1, 1, 1))

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        embed, feat_s0, feat_s1 = self.encoder(x)
        return embed + self.no_mem_embed, feat_s0, feat_s1


def export_onnx(encoder: nn.Module, decoder: nn.Module, no_mem_embed: torch.Tensor, image_size: int,
                out_dir: str) -> List[str]:
    """Traces the eager wrappers (scripted modules would export their control flow as ONNX loops) with the
    batch and point count left dynamic; returns the file names written."""
    encoder = _ImagePredictorEncoder(encoder, no_mem_embed)
    image = torch.zeros(1, 3, image_size, image_size)
    # The tracer warns about every shape it turns into a constant: the input size is fixed by design.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.simplefilter("ignore", UserWarning)
        torch.onnx.export(
            encoder, (image,), os.path.join(out_dir, ONNX_FILES[0]), opset_version=OPSET,
            input_names=["image"], output_names=["embed", "feat_s0", "feat_s1"],
            dynamic_axes={name: {0: "batch"} for name in ("image", "embed", "feat_s0", "feat_s1")},
        )
        embed, feat_s0, feat_s1 = encoder(image)
        low = image_size // 4
        prompt = (
            torch.tensor([[[10.0, 20.0], [30.0, 40.0]]]), torch.tensor([[1, 0]]),
            torch.zeros(1, 1, low, low), torch.tensor([False]),
        )
        inputs = ["embed", "feat_s0", "feat_s1", "coords", "labels", "mask_input", "has_mask"]
        outputs = ["masks", "iou", "obj_ptr", "object_score"]
        dynamic = {name: {0: "batch"} for name in inputs + outputs}
        dynamic["coords"] = dynamic["labels"] = {0: "batch", 1: "points"}
        torch.onnx.export(
            decoder, (embed, feat_s0, feat_s1, *prompt), os.path.join(out_dir, ONNX_FILES[1]), opset_version=OPSET,
            input_names=inputs, output_names=outputs, dynamic_axes=dynamic,
        )
    return list(ONNX_FILES)
