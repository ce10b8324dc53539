"""The Python side of bench/video.mjs: the exported modules driven from Python by the reference tracker
(scripts/export/sam2_export/reference_tracker.py, the official SAM2VideoPredictor path step by step), the way the
official predictor runs several objects: one tracker per object on shared frame features.

  latency: per-frame ms of tracking 1..N objects on synthetic frames at the model's size (bench/video.mjs draws
           the same ones), outputs as the Node API returns them (masks at the video's size, low-res logits, scores).
  memory:  the official approach to a folder of frames: every frame decoded, resized and held as float32 at the
           model's size before tracking starts (the official load_video_frames), then one object tracked through
           all of them. Reports RSS after loading the modules and the process's peak RSS.

Prints JSON on stdout.
"""
import argparse
import json
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "export"))
from sam2_export.reference_tracker import MEAN, STD, ReferenceTracker, load_video_frame  # noqa: E402


def synthetic_frame(t, size):
    """Frame t of bench/video.mjs's synthetic clip as uint8 [S,S,3]: a texture with three discs moving right,
    disc k pure in channel k. Integer arithmetic, so both sides draw identical pixels."""
    y = torch.arange(size).view(size, 1, 1)
    x = torch.arange(size).view(1, size, 1)
    c = torch.arange(3).view(1, 1, 3)
    frame = (x + 2 * y + 85 * c) % 256
    r = size // 12
    for k, (cx, cy) in enumerate(disc_centers(t, size)):
        inside = (x - cx) ** 2 + (y - cy) ** 2 <= r * r
        frame = torch.where(inside, torch.where(c == k, 255, 30), frame)
    return frame.to(torch.uint8)


def disc_centers(t, size):
    return [((k + 1) * size // 4 + (t % 16) * size // 64, size // 2) for k in range(3)]


def normalise(frame):
    x = frame.permute(2, 0, 1).float().div(255)
    mean = torch.tensor(MEAN).view(3, 1, 1)
    std = torch.tensor(STD).view(3, 1, 1)
    return ((x - mean) / std)[None]


def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_modules(model_dir):
    shared = ReferenceTracker.load(model_dir, num_frames=1)
    return shared.m, shared.flags, shared.size


def user_outputs(out, width, height):
    """What the Node API hands back per object: mask at the video's size, low-res logits, score."""
    mask = F.interpolate(out["logits"], (height, width), mode="bilinear", align_corners=False)[0, 0] > 0
    return mask.to(torch.uint8), out["logits"][0, 0], out["score"].reshape(())


def latency(args):
    modules, flags, size = load_modules(args.model)
    frames = [synthetic_frame(t, size) for t in range(args.frames)]
    result = {}
    for objects in args.objects:
        trackers = [ReferenceTracker(modules, flags, size, args.frames) for _ in range(objects)]
        samples = []
        with torch.inference_mode():
            features = trackers[0].encode(normalise(frames[0]))
            for k, tracker in enumerate(trackers):
                tracker.add_points(0, features, [disc_centers(0, size)[k]], [1], (size, size))
            for t in range(1, args.frames):
                start = time.perf_counter()
                features = trackers[0].encode(normalise(frames[t]))
                for tracker in trackers:
                    user_outputs(tracker.track(t, features), size, size)
                samples.append((time.perf_counter() - start) * 1000)
        result[str(objects)] = samples[args.warmup:]
    return result


def memory(args):
    modules, flags, size = load_modules(args.model)
    loaded = rss_mib()
    names = sorted((n for n in os.listdir(args.frames_dir) if n.endswith(".jpg")), key=lambda n: int(n[:-4]))
    width, height = Image.open(os.path.join(args.frames_dir, names[0])).size
    # Timed from here, like the Node side, whose session decodes each frame when it gets to it.
    start = time.perf_counter()
    # The official loader: one float32 [N,3,S,S] tensor of every frame, filled before tracking starts.
    images = torch.zeros(len(names), 3, size, size)
    for i, name in enumerate(names):
        images[i] = load_video_frame(os.path.join(args.frames_dir, name), size)[0]
    tracker = ReferenceTracker(modules, flags, size, len(names))
    with torch.inference_mode():
        tracker.add_points(0, tracker.encode(images[:1]), [(width / 4, height / 2)], [1], (width, height))
        for t in range(1, len(names)):
            user_outputs(tracker.track(t, tracker.encode(images[t : t + 1])), width, height)
    return {
        "frames": len(names),
        "loadedRssMiB": loaded,
        "peakRssMiB": peak_rss_mib(),
        "msPerFrame": (time.perf_counter() - start) * 1000 / len(names),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["latency", "memory"])
    p.add_argument("--model", required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--frames", type=int, default=0)
    p.add_argument("--warmup", type=int, default=0)
    p.add_argument("--objects", type=int, nargs="*", default=[1])
    p.add_argument("--frames-dir")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    out.update(latency(args) if args.mode == "latency" else memory(args))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
