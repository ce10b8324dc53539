"""The Python baseline of bench/amg.mjs: the official SAM2AutomaticMaskGenerator's algorithm (sam2/utils/amg.py and
automatic_mask_generator.py, which cannot be vendored) over the same exported TorchScript files, written the way the
official code does it: whole batches of masks upsampled to the crop at once, torch ops for the filters, boxes and
stability, RLE through torch's nonzero, records as Python dicts. torchvision's batched_nms is replaced by an
equivalent greedy NMS over a torch IoU matrix (torchvision is not installed here). min_mask_region_area and m2m
are not implemented: the bench runs neither.
Prints {"torch", "threads", "seconds", "masks"} as JSON on stdout.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from python_image import Predictor, synthetic_image


def grid(n):
    offset = 1 / (2 * n)
    side = np.linspace(offset, 1 - offset, n)
    xs = np.tile(side[None, :], (n, 1))
    ys = np.tile(side[:, None], (1, n))
    return np.stack([xs, ys], axis=-1).reshape(-1, 2)


def crop_boxes(h, w, layers, overlap_ratio):
    boxes, idx = [[0, 0, w, h]], [0]
    for i in range(layers):
        per_side = 2 ** (i + 1)
        overlap = int(overlap_ratio * min(h, w) * (2 / per_side))
        cw = int(math.ceil((overlap * (per_side - 1) + w) / per_side))
        ch = int(math.ceil((overlap * (per_side - 1) + h) / per_side))
        for x0 in [int((cw - overlap) * k) for k in range(per_side)]:
            for y0 in [int((ch - overlap) * k) for k in range(per_side)]:
                boxes.append([x0, y0, min(x0 + cw, w), min(y0 + ch, h)])
                idx.append(i + 1)
    return boxes, idx


def stability(masks, threshold, offset):
    inter = (masks > threshold + offset).sum(-1, dtype=torch.int16).sum(-1, dtype=torch.int32)
    union = (masks > threshold - offset).sum(-1, dtype=torch.int16).sum(-1, dtype=torch.int32)
    return inter / union


def mask_boxes(masks):
    if masks.numel() == 0:
        return torch.zeros(0, 4, dtype=torch.long)
    h, w = masks.shape[-2:]
    rows, _ = masks.max(dim=-1)
    row_idx = rows * torch.arange(h)[None, :]
    bottom, _ = row_idx.max(dim=-1)
    top, _ = (row_idx + h * (~rows)).min(dim=-1)
    cols, _ = masks.max(dim=-2)
    col_idx = cols * torch.arange(w)[None, :]
    right, _ = col_idx.max(dim=-1)
    left, _ = (col_idx + w * (~cols)).min(dim=-1)
    empty = (right < left) | (bottom < top)
    return torch.stack([left, top, right, bottom], dim=-1) * (~empty).unsqueeze(-1)


def near_crop_edge(boxes, crop, orig, atol=20.0):
    crop_t = torch.as_tensor(crop, dtype=torch.float)
    orig_t = torch.as_tensor(orig, dtype=torch.float)
    b = (boxes + torch.tensor([[crop[0], crop[1], crop[0], crop[1]]])).float()
    at_crop = torch.isclose(b, crop_t[None, :], atol=atol, rtol=0)
    at_image = torch.isclose(b, orig_t[None, :], atol=atol, rtol=0)
    return torch.any(at_crop & ~at_image, dim=1)


def nms(boxes, scores, thresh):
    """torchvision.ops.nms semantics: kept indices by descending score, IoU > thresh suppresses."""
    if len(boxes) == 0:
        return torch.zeros(0, dtype=torch.long)
    order = torch.sort(scores, descending=True, stable=True)[1]
    b = boxes.float()[order]
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    lt = torch.max(b[:, None, :2], b[None, :, :2])
    rb = torch.min(b[:, None, 2:], b[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    iou = inter / (area[:, None] + area[None, :] - inter)
    suppressed = torch.zeros(len(b), dtype=torch.bool)
    keep = []
    for i in range(len(b)):
        if suppressed[i]:
            continue
        keep.append(i)
        suppressed |= iou[i] > thresh
    return order[torch.tensor(keep, dtype=torch.long)]


def to_rle(masks):
    b, h, w = masks.shape
    flat = masks.permute(0, 2, 1).flatten(1)
    change = (flat[:, 1:] ^ flat[:, :-1]).nonzero()
    out = []
    for i in range(b):
        idx = change[change[:, 0] == i, 1]
        idx = torch.cat([torch.tensor([0]), idx + 1, torch.tensor([h * w])])
        counts = [] if flat[i, 0] == 0 else [0]
        counts.extend((idx[1:] - idx[:-1]).tolist())
        out.append({"size": [h, w], "counts": counts})
    return out


def from_rle(rle):
    h, w = rle["size"]
    mask = np.empty(h * w, dtype=bool)
    pos, value = 0, False
    for c in rle["counts"]:
        mask[pos:pos + c] = value
        pos += c
        value = not value
    return mask.reshape(w, h).transpose()


class Generator:
    def __init__(self, predictor, points_per_side=32, points_per_batch=64, pred_iou_thresh=0.8,
                 stability_score_thresh=0.95, stability_score_offset=1.0, mask_threshold=0.0, box_nms_thresh=0.7,
                 crop_n_layers=0, crop_nms_thresh=0.7, crop_overlap_ratio=512 / 1500, crop_n_points_downscale_factor=1,
                 output_mode="binary_mask"):
        self.p = predictor
        self.grids = [grid(int(points_per_side / crop_n_points_downscale_factor ** i)) for i in range(crop_n_layers + 1)]
        self.ppb, self.iou_t, self.stab_t = points_per_batch, pred_iou_thresh, stability_score_thresh
        self.stab_off, self.mask_t, self.nms_t = stability_score_offset, mask_threshold, box_nms_thresh
        self.layers, self.crop_nms_t, self.overlap = crop_n_layers, crop_nms_thresh, crop_overlap_ratio
        self.output_mode = output_mode

    def decode(self, emb, points, crop_w, crop_h):
        embed, s0, s1, _, _ = emb
        n = len(points)
        low = self.p.size // 4
        coords = points.clone()
        coords[:, 0] = coords[:, 0] / crop_w
        coords[:, 1] = coords[:, 1] / crop_h
        coords = (coords * self.p.size)[:, None, :]
        masks, iou, _, _ = self.p.decoder(embed, s0, s1, coords, torch.ones(n, 1, dtype=torch.int64),
                                          torch.zeros(n, 1, low, low), torch.zeros(n, dtype=torch.bool))
        masks, iou = masks[:, 1:4], iou[:, 1:4]  # multimask output
        return F.interpolate(masks, (crop_h, crop_w), mode="bilinear", align_corners=False), iou

    def batch(self, emb, points, crop, orig_h, orig_w):
        x0, y0, x1, y1 = crop
        masks, iou = self.decode(emb, points, x1 - x0, y1 - y0)
        k = masks.shape[1]
        masks, iou, pts = masks.flatten(0, 1), iou.flatten(0, 1), points.repeat_interleave(k, dim=0)
        if self.iou_t > 0:
            keep = iou > self.iou_t
            masks, iou, pts = masks[keep], iou[keep], pts[keep]
        stab = stability(masks, self.mask_t, self.stab_off)
        if self.stab_t > 0:
            keep = stab >= self.stab_t
            masks, iou, pts, stab = masks[keep], iou[keep], pts[keep], stab[keep]
        masks = masks > self.mask_t
        boxes = mask_boxes(masks)
        keep = ~near_crop_edge(boxes, crop, [0, 0, orig_w, orig_h])
        masks, iou, pts, stab, boxes = masks[keep], iou[keep], pts[keep], stab[keep], boxes[keep]
        if crop != [0, 0, orig_w, orig_h]:
            masks = F.pad(masks, (x0, orig_w - x1, y0, orig_h - y1), value=0)
        return {"rles": to_rle(masks), "iou": iou, "points": pts, "stab": stab, "boxes": boxes}

    def crop(self, image, crop, layer, orig_h, orig_w):
        x0, y0, x1, y1 = crop
        emb = self.p.encode(image[y0:y1, x0:x1].contiguous())
        points = torch.as_tensor(self.grids[layer] * np.array([[x1 - x0, y1 - y0]]), dtype=torch.float32)
        parts = [self.batch(emb, points[i:i + self.ppb], crop, orig_h, orig_w) for i in range(0, len(points), self.ppb)]
        data = {"rles": sum((d["rles"] for d in parts), [])}
        for key in ("iou", "points", "stab", "boxes"):
            data[key] = torch.cat([d[key] for d in parts])
        keep = nms(data["boxes"], data["iou"], self.nms_t)
        data = {k: ([v[i] for i in keep] if k == "rles" else v[keep]) for k, v in data.items()}
        data["boxes"] = data["boxes"] + torch.tensor([[x0, y0, x0, y0]])
        data["points"] = data["points"] + torch.tensor([[x0, y0]])
        data["crops"] = torch.tensor([crop] * len(data["rles"]), dtype=torch.long).reshape(-1, 4)
        return data

    def generate(self, image):
        h, w = image.shape[:2]
        boxes, layers = crop_boxes(h, w, self.layers, self.overlap)
        parts = [self.crop(image, b, l, h, w) for b, l in zip(boxes, layers)]
        data = {"rles": sum((d["rles"] for d in parts), [])}
        for key in ("iou", "points", "stab", "boxes", "crops"):
            data[key] = torch.cat([d[key] for d in parts])
        if len(boxes) > 1:
            c = data["crops"]
            keep = nms(data["boxes"], 1 / ((c[:, 2] - c[:, 0]) * (c[:, 3] - c[:, 1])), self.crop_nms_t)
            data = {k: ([v[i] for i in keep] if k == "rles" else v[keep]) for k, v in data.items()}
        records = []
        for i, rle in enumerate(data["rles"]):
            b, c = data["boxes"][i].tolist(), data["crops"][i].tolist()
            records.append({
                "segmentation": from_rle(rle) if self.output_mode == "binary_mask" else rle,
                "area": sum(rle["counts"][1::2]),
                "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]],
                "predicted_iou": data["iou"][i].item(),
                "point_coords": [data["points"][i].tolist()],
                "stability_score": data["stab"][i].item(),
                "crop_box": [c[0], c[1], c[2] - c[0], c[3] - c[1]],
            })
        return records


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--width", type=int, required=True)
    p.add_argument("--height", type=int, required=True)
    p.add_argument("--options", default="{}", help="generator options as JSON, official names")
    p.add_argument("--warmup", default='{"points_per_side": 8}', help="options of an untimed first run")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    predictor = Predictor(args.model, torch.device("cpu"), torch.float32)
    image = synthetic_image(args.width, args.height)
    generator = Generator(predictor, **json.loads(args.options))
    with torch.inference_mode():
        Generator(predictor, **json.loads(args.warmup)).generate(image)
        start = time.perf_counter()
        records = generator.generate(image)
        seconds = time.perf_counter() - start
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds,
                      "masks": len(records)}))


if __name__ == "__main__":
    main()
