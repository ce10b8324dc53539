"""Single-object SAM 2 video tracking driven from Python over the exported modules.

Follows the official SAM2VideoPredictor / SAM2Base inference path step by step, so it is both
the parity reference for the exported memory modules and the "same modules, Python driver"
baseline for the native tracker. Scope: one object per tracker, clicks on frames never tracked
before (initial conditioning frames), then propagation forward or in reverse; no mask prompts,
no correction clicks on tracked frames.
"""

import json
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor

NO_OBJ_SCORE = -1024.0
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
MODULE_FILES = ("image_encoder", "prompt_decoder", "memory_attention", "memory_encoder", "tracking")
Features = Tuple[Tensor, Tensor, Tensor]  # image_encoder.pt output: raw embed, feat_s0, feat_s1


def load_video_frame(path: str, image_size: int) -> Tensor:
    """[1,3,S,S] float32 like the official video loader: PIL resize (bicubic), /255 in float64, normalise in float32."""
    rgb = Image.open(path).convert("RGB").resize((image_size, image_size))
    x = torch.from_numpy((np.asarray(rgb) / 255.0).astype(np.float32)).permute(2, 0, 1)
    mean = torch.tensor(MEAN, dtype=torch.float32)[:, None, None]
    std = torch.tensor(STD, dtype=torch.float32)[:, None, None]
    return ((x - mean) / std)[None]


class ReferenceTracker:
    def __init__(self, modules: Dict[str, torch.nn.Module], flags: Dict, image_size: int, num_frames: int):
        """`modules`: the five exported modules by file stem; `flags`: the manifest's `tracking` flags."""
        for flag, supported in [
            ("directly_add_no_mem_embed", True),
            ("max_cond_frames_in_attn", -1),
            ("memory_temporal_stride_for_eval", 1),
            ("non_overlap_masks_for_mem_enc", False),
        ]:
            if flags[flag] != supported:
                raise ValueError(f"reference tracker: {flag}={flags[flag]!r} is not supported")
        self.m = modules
        self.flags = flags
        self.size = image_size
        self.num_frames = num_frames
        self.num_maskmem = flags["num_maskmem"]
        self.max_ptrs = min(num_frames, flags["max_obj_ptrs_in_encoder"])
        self.cond: Dict[int, Dict[str, Tensor]] = {}
        self.non_cond: Dict[int, Dict[str, Tensor]] = {}
        self.memory_pos: Optional[Tensor] = None

    @classmethod
    def load(cls, model_dir: str, num_frames: int) -> "ReferenceTracker":
        root = Path(model_dir)
        manifest = json.loads((root / "manifest.json").read_text())
        modules = {name: torch.jit.load(str(root / f"{name}.pt")).eval() for name in MODULE_FILES}
        return cls(modules, manifest["tracking"], manifest["imageSize"], num_frames)

    # -- one frame -------------------------------------------------------------------------

    @torch.no_grad()
    def encode(self, image: Tensor) -> Features:
        """Backbone features of a [1,3,S,S] frame, shareable between the trackers of several objects."""
        return self.m["image_encoder"](image)

    @torch.no_grad()
    def add_points(self, frame_idx: int, features: Features, points: List[Tuple[float, float]], labels: List[int],
                   video_wh: Tuple[int, int]) -> Dict[str, Tensor]:
        """Clicks in video pixels (a box: its two corners first, labels 2 and 3) on a frame this object
        was never tracked on: segmented without memory and kept as a conditioning frame."""
        embed, s0, s1 = features
        coords = torch.tensor(points, dtype=torch.float32)[None] / torch.tensor(list(video_wh)) * self.size
        pix = embed + self.m["tracking"].no_mem_embed.reshape(1, -1, 1, 1)
        out = self._decode(pix, s0, s1, coords, torch.tensor([labels], dtype=torch.int64), initial=True)
        self._encode_memory(out, embed, from_clicks=True)
        self.cond[frame_idx] = out
        return out

    @torch.no_grad()
    def track(self, frame_idx: int, features: Features, reverse: bool = False) -> Dict[str, Tensor]:
        """Propagation step on a frame without clicks (stored as, or replacing, a tracked frame)."""
        embed, s0, s1 = features
        pix = self._condition_on_memory(frame_idx, embed, reverse)
        # No clicks: the official head still gets one explicit padding point (the decoder adds another).
        out = self._decode(pix, s0, s1, torch.zeros(1, 1, 2), -torch.ones(1, 1, dtype=torch.int64), initial=False)
        self._encode_memory(out, embed, from_clicks=False)
        self.non_cond[frame_idx] = out
        return out

    # -- steps -----------------------------------------------------------------------------

    def _decode(
        self, pix: Tensor, s0: Tensor, s1: Tensor, coords: Tensor, labels: Tensor, initial: bool
    ) -> Dict[str, Tensor]:
        f = self.flags
        lo = self.size // 4
        masks, iou, ptrs, score = self.m["prompt_decoder"](
            pix, s0, s1, coords, labels, torch.zeros(1, 1, lo, lo), torch.zeros(1, dtype=torch.bool)
        )
        num_pts = labels.size(1) if initial else 0
        multimask = (
            f["multimask_output_in_sam"]
            and (initial or f["multimask_output_for_tracking"])
            and f["multimask_min_pt_num"] <= num_pts <= f["multimask_max_pt_num"]
        )
        best = 1 + int(torch.argmax(iou[0, 1:]))
        if multimask:
            pick = best
            ptr_token = best if f["use_multimask_token_for_obj_ptr"] else 0
        else:
            # Single-mask output: token 0, unless its mask is unstable (then the best multimask
            # mask, but the pointer still comes from token 0).
            pick, ptr_token = 0, 0
            if f["dynamic_multimask_via_stability"]:
                delta = f["dynamic_multimask_stability_delta"]
                area_i = (masks[0, 0] > delta).sum().float()
                area_u = (masks[0, 0] > -delta).sum().float()
                if area_u > 0 and area_i / area_u < f["dynamic_multimask_stability_thresh"]:
                    pick = best
        logits = masks[:, pick : pick + 1]
        obj_ptr = ptrs[:, ptr_token]

        if f["pred_obj_scores"]:
            present = score > 0
            logits = torch.where(present[:, :, None, None], logits, torch.full_like(logits, NO_OBJ_SCORE))
            weight = torch.sigmoid(score) if f["soft_no_obj_ptr"] else present.float()
            if f["fixed_no_obj_ptr"]:
                obj_ptr = weight * obj_ptr
            obj_ptr = obj_ptr + (1 - weight) * self.m["tracking"].no_obj_ptr
        return {"logits": logits, "obj_ptr": obj_ptr, "score": score}

    def _encode_memory(self, out: Dict[str, Tensor], embed: Tensor, from_clicks: bool) -> None:
        f = self.flags
        high = F.interpolate(out["logits"], size=(self.size, self.size), mode="bilinear", align_corners=False)
        if from_clicks and f["binarize_mask_from_pts_for_mem_enc"]:
            mask = (high > 0).float()
        else:
            mask = torch.sigmoid(high)
        mask = mask * f["sigmoid_scale_for_mem_enc"] + f["sigmoid_bias_for_mem_enc"]
        features, pos = self.m["memory_encoder"](embed, mask)
        absent = (out["score"] <= 0).float()[:, :, None, None]
        features = features + absent * self.m["tracking"].no_obj_embed_spatial[:, :, None, None]
        # The official state keeps memories in bfloat16: this rounding is part of the reference.
        out["maskmem"] = features.to(torch.bfloat16)
        self.memory_pos = pos

    def _condition_on_memory(self, frame_idx: int, embed: Tensor, reverse: bool) -> Tensor:
        B, C, h, w = embed.shape
        tracking = self.m["tracking"]
        step = -1 if reverse else 1
        assert self.memory_pos is not None and self.cond, "track() needs a conditioning frame first"

        # Spatial memories: every conditioning frame (oldest temporal slot), then the previous
        # num_maskmem-1 tracked frames, the nearest in the newest slot.
        slots = [(0, out) for out in self.cond.values()]
        for t_pos in range(1, self.num_maskmem):
            prev = self.non_cond.get(frame_idx - step * (self.num_maskmem - t_pos))
            if prev is not None:
                slots.append((t_pos, prev))
        pos_seq = self.memory_pos.flatten(2).permute(2, 0, 1)
        memory = [out["maskmem"].float().flatten(2).permute(2, 0, 1) for _, out in slots]
        memory_pos = [pos_seq + tracking.maskmem_tpos_enc[self.num_maskmem - t_pos - 1] for t_pos, _ in slots]

        # Object pointers: conditioning frames not in the future, then up to max_ptrs-1 recent frames.
        signed = self.flags["use_signed_tpos_enc_to_obj_ptrs"]
        past_only = self.flags["only_obj_ptrs_in_the_past_for_eval"]
        ptrs: List[Tuple[int, Tensor]] = []
        for t, out in self.cond.items():
            if not past_only or (t - frame_idx) * step <= 0:
                ptrs.append(((frame_idx - t) * step if signed else abs(frame_idx - t), out["obj_ptr"]))
        for t_diff in range(1, self.max_ptrs):
            t = frame_idx - step * t_diff
            if t < 0 or t >= self.num_frames:
                break
            if t in self.non_cond:
                ptrs.append((t_diff, self.non_cond[t]["obj_ptr"]))
        num_ptr_tokens = 0
        if ptrs:
            mem_dim = memory[0].size(-1)
            split = C // mem_dim
            obj_ptrs = torch.stack([p for _, p in ptrs])  # [P,B,C]
            obj_pos = tracking.obj_ptr_tpos(torch.tensor([d for d, _ in ptrs], dtype=torch.float32), self.max_ptrs)
            # Each C-wide pointer becomes C/mem_dim memory tokens sharing one temporal encoding.
            memory.append(obj_ptrs.reshape(-1, B, split, mem_dim).permute(0, 2, 1, 3).flatten(0, 1))
            memory_pos.append(obj_pos[:, None].expand(-1, B, -1).repeat_interleave(split, dim=0))
            num_ptr_tokens = len(ptrs) * split

        curr = embed.flatten(2).permute(2, 0, 1)
        curr_pos = tracking.vision_pos_enc.expand(B, -1, -1, -1).flatten(2).permute(2, 0, 1)
        out = self.m["memory_attention"](curr, curr_pos, torch.cat(memory), torch.cat(memory_pos), num_ptr_tokens)
        return out.permute(1, 2, 0).reshape(B, C, h, w)
