"""The Python baseline of bench/run.mjs: the same exported TorchScript files called the way a Python user would,
with the same preprocessing, selection and outputs as the Node API (masks, scores and low-res logits on the CPU).
Prints {"torch", "device", "dtype", "threads", "<row>": [ms, ...]} as JSON on stdout.
"""
import argparse
import json
import os
import time

import torch
import torch.nn.functional as F


def synthetic_image(width, height):
    # Same formula as bench/image.mjs: both sides encode identical pixels.
    x = torch.arange(width).view(1, width, 1)
    y = torch.arange(height).view(height, 1, 1)
    c = torch.arange(3).view(1, 1, 3)
    return ((x + 2 * y + 85 * c) % 256).to(torch.uint8)


class Predictor:
    def __init__(self, model_dir, device, dtype):
        with open(os.path.join(model_dir, "manifest.json")) as f:
            manifest = json.load(f)
        load = lambda name: torch.jit.load(os.path.join(model_dir, name), map_location=device).eval().to(dtype)
        self.encoder = load("image_encoder.pt")
        self.decoder = load("prompt_decoder.pt")
        self.no_mem_embed = load("tracking.pt").no_mem_embed.reshape(1, -1, 1, 1)
        self.size = manifest["imageSize"]
        self.device, self.dtype = device, dtype
        self.mean = torch.tensor(manifest["mean"], device=device).view(1, 3, 1, 1)
        self.std = torch.tensor(manifest["std"], device=device).view(1, 3, 1, 1)

    def encode(self, image):
        height, width = image.shape[:2]
        x = image.to(self.device).permute(2, 0, 1).unsqueeze(0).float().div_(255)
        if (height, width) != (self.size, self.size):
            x = F.interpolate(x, (self.size, self.size), mode="bilinear", align_corners=False, antialias=True)
        embed, s0, s1 = self.encoder(((x - self.mean) / self.std).to(self.dtype))
        return embed + self.no_mem_embed, s0, s1, width, height

    def predict(self, emb, points, labels):
        embed, s0, s1, width, height = emb
        low = self.size // 4
        coords = torch.tensor([points], dtype=torch.float32) / torch.tensor([width, height], dtype=torch.float32)
        coords = (coords * self.size).to(self.device, self.dtype)
        masks, iou, _, _ = self.decoder(
            embed, s0, s1, coords,
            torch.tensor([labels], dtype=torch.int64, device=self.device),
            torch.zeros(1, 1, low, low, device=self.device, dtype=self.dtype),
            torch.zeros(1, dtype=torch.bool, device=self.device))
        masks, iou = masks[:, 1:4].float(), iou[:, 1:4].float()  # multimask: hypotheses 1..3
        logits = F.interpolate(masks, (height, width), mode="bilinear", align_corners=False)
        return (logits[0] > 0).to(torch.uint8).cpu(), iou[0].cpu(), masks[0].clamp(-32, 32).cpu()


def timed(fn, warmup, iters):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(iters):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", default="float32", choices=["float32", "float16", "bfloat16"])
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--warmup", type=int, required=True)
    p.add_argument("--iters", type=int, required=True)
    p.add_argument("--predict-iters", type=int, required=True)
    p.add_argument("--size", type=int, required=True)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    model = Predictor(args.model, torch.device(args.device), getattr(torch, args.dtype))
    image = synthetic_image(args.size, args.size)
    center = [args.size / 2, args.size / 2]
    out = {"torch": torch.__version__, "device": args.device, "dtype": args.dtype, "threads": torch.get_num_threads()}
    with torch.inference_mode():
        out["encode"] = timed(lambda: model.encode(image), args.warmup, args.iters)
        emb = model.encode(image)
        out["predict"] = timed(lambda: model.predict(emb, [center], [1]), args.warmup, args.predict_iters)
        out["encode+predict"] = timed(lambda: model.predict(model.encode(image), [center], [1]), 0, args.iters)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
