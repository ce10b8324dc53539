"""Export of a loaded `Sam2` to the model directory described in docs/ARCHITECTURE.md."""
import hashlib
import json
import os
from typing import Any, Dict, Tuple

import torch
from torch import nn

from .config import flag, tracking_flags
from .memory_export import export_memory_modules
from .model import Sam2
from .onnx_export import export_onnx

FORMAT_VERSION = 1
IMAGE_MEAN = [0.485, 0.456, 0.406]
IMAGE_STD = [0.229, 0.224, 0.225]
IMAGE_FILES = ("image_encoder.pt", "prompt_decoder.pt")


class ImageEncoderExport(nn.Module):
    """x [B,3,S,S] -> (raw stride-16 embedding, conv_s0(stride 4), conv_s1(stride 8))."""

    def __init__(self, model: Sam2):
        super().__init__()
        if model.image_encoder.num_levels != 3 or not hasattr(model.sam_mask_decoder, "conv_s0"):
            raise ValueError("export needs 3 FPN levels (scalp=1) and use_high_res_features_in_sam=true")
        self.image_encoder = model.image_encoder
        self.conv_s0 = model.sam_mask_decoder.conv_s0
        self.conv_s1 = model.sam_mask_decoder.conv_s1

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        feats = self.image_encoder(x)
        return feats[2], self.conv_s0(feats[0]), self.conv_s1(feats[1])


class PromptDecoderExport(nn.Module):
    """Prompt encoder + mask decoder + obj_ptr_proj, returning all four hypotheses."""

    def __init__(self, model: Sam2):
        super().__init__()
        self.prompt_encoder = model.sam_prompt_encoder
        self.mask_decoder = model.sam_mask_decoder
        self.obj_ptr_proj = model.obj_ptr_proj

    def forward(
        self,
        embed: torch.Tensor,
        feat_s0: torch.Tensor,
        feat_s1: torch.Tensor,
        coords: torch.Tensor,
        labels: torch.Tensor,
        mask_input: torch.Tensor,
        has_mask: torch.Tensor,
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        sparse, dense = self.prompt_encoder(coords, labels, mask_input, has_mask)
        masks, iou, tokens, object_score = self.mask_decoder(
            embed, self.prompt_encoder.dense_pe(), sparse, dense, feat_s0, feat_s1
        )
        return masks, iou, self.obj_ptr_proj(tokens), object_score


def _file_entry(path: str) -> Dict[str, Any]:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return {"sha256": digest.hexdigest(), "bytes": os.path.getsize(path)}


def export_model(model: Sam2, out_dir: str, name: str, onnx: bool = False) -> Dict[str, Any]:
    """Writes the five modules (and with `onnx` the image path as .onnx too), then manifest.json (last, so its
    presence means a complete export)."""
    model = model.float().eval()
    os.makedirs(out_dir, exist_ok=True)
    manifest_path = os.path.join(out_dir, "manifest.json")
    if os.path.exists(manifest_path):
        os.remove(manifest_path)
    image_size = flag(model.cfg, "image_size")
    model.image_encoder.trunk.fix_input_size(image_size)
    encoder, decoder = ImageEncoderExport(model), PromptDecoderExport(model)
    # Scripted rather than traced: batch size and point count stay dynamic.
    torch.jit.save(torch.jit.script(encoder), os.path.join(out_dir, IMAGE_FILES[0]))
    torch.jit.save(torch.jit.script(decoder), os.path.join(out_dir, IMAGE_FILES[1]))
    onnx_files = export_onnx(encoder, decoder, model.no_mem_embed, image_size, out_dir) if onnx else []
    video_files = export_memory_modules(model, model.cfg, out_dir, image_size)
    files = {f: _file_entry(os.path.join(out_dir, f)) for f in list(IMAGE_FILES) + list(video_files)}
    manifest = {
        "formatVersion": FORMAT_VERSION,
        "name": name,
        "config": model.cfg,
        "imageSize": image_size,
        "mean": IMAGE_MEAN,
        "std": IMAGE_STD,
        "torchVersion": torch.__version__,
        "tracking": tracking_flags(model.cfg),
        "files": files,
    }
    if onnx_files:
        # Apart from "files": sam2-node neither needs nor verifies them.
        manifest["onnx"] = {f: _file_entry(os.path.join(out_dir, f)) for f in onnx_files}
    tmp = manifest_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    os.replace(tmp, manifest_path)
    return manifest
