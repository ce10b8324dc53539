"""Writes the video-path modules: memory_attention.pt, memory_encoder.pt, tracking.pt."""

from pathlib import Path
from typing import Dict, List, Optional, Union

import torch
from torch import nn

from .config import flag
from .memory_attention import MemoryAttention
from .memory_encoder import MemoryEncoder
from .position import sine_position_encoding_2d
from .tracking import Tracking


def _prefixed(state: Dict[str, torch.Tensor], prefix: str) -> Dict[str, torch.Tensor]:
    return {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}


def build_memory_modules(state: Dict[str, torch.Tensor], cfg: Dict, image_size: int) -> Dict[str, nn.Module]:
    """Eval-mode float32 modules keyed by file name, filled strictly from an official-named state dict.

    `cfg` is the official `model:` config dict; flags absent from it take SAM2Base's defaults.
    """
    if not flag(cfg, "use_obj_ptrs_in_encoder"):
        raise ValueError("config: trackers without object pointers (use_obj_ptrs_in_encoder=false) are not supported")
    state = {k: v.detach().float() for k, v in state.items()}

    stride = flag(cfg, "backbone_stride")
    attention = MemoryAttention.from_config(cfg["memory_attention"], image_size, stride)
    attention.load_state_dict(_prefixed(state, "memory_attention."))
    encoder = MemoryEncoder.from_config(cfg["memory_encoder"], image_size, stride)
    encoder.load_state_dict(_prefixed(state, "memory_encoder."))

    feat_size = image_size // stride
    neck_pe = cfg["image_encoder"]["neck"]["position_encoding"]
    vision_pos_enc = sine_position_encoding_2d(
        1, feat_size, feat_size, neck_pe["num_pos_feats"], torch.device("cpu"), neck_pe.get("temperature", 10000.0)
    )
    tracking = Tracking(
        state,
        vision_pos_enc,
        flag(cfg, "add_tpos_enc_to_obj_ptrs"),
        flag(cfg, "proj_tpos_enc_in_obj_ptrs"),
    )
    return {
        "memory_attention.pt": attention.eval(),
        "memory_encoder.pt": encoder.eval(),
        "tracking.pt": tracking.eval(),
    }


def export_memory_modules(
    model: nn.Module, cfg: Dict, out_dir: Union[str, Path], image_size: Optional[int] = None
) -> List[str]:
    """Scripts (not traces: memory length, pointer count and batch vary per call) and saves the
    modules into `out_dir`; returns the file names written. `image_size` defaults to the config's."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    size = image_size if image_size is not None else flag(cfg, "image_size")
    modules = build_memory_modules(model.state_dict(), cfg, size)
    for name, module in modules.items():
        torch.jit.script(module).save(str(out / name))
    return list(modules)
