"""CLI: python -m sam2_export (--checkpoint FILE.pt | --random-weights SEED) --config NAME|FILE --out DIR
[--image-size N] [--onnx]"""
import argparse
import os
import sys

import torch

from .checkpoint import CheckpointMismatchError, load_strict, read_state_dict
from .config import NAMED_CONFIGS, load_config
from .export import export_model
from .model import Sam2
from .provenance import unsafe_load_warning


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sam2_export", description=__doc__)
    weights = parser.add_mutually_exclusive_group(required=True)
    weights.add_argument("--checkpoint", help="official SAM 2 / 2.1 .pt checkpoint")
    weights.add_argument("--random-weights", type=int, metavar="SEED",
                         help="no checkpoint: the modules' own random initialisation, seeded (benchmark models)")
    parser.add_argument("--config", required=True,
                        help=f"{' | '.join(NAMED_CONFIGS)} (SAM 2.1) or a .json/.yaml file with a top-level 'model:'")
    parser.add_argument("--out", required=True, help="output model directory")
    parser.add_argument("--image-size", type=int, default=None,
                        help="export for this input size (multiple of 32) instead of the config's")
    parser.add_argument("--name", default=None,
                        help="model name in the manifest (default: checkpoint file stem, or random-SEED)")
    parser.add_argument("--onnx", action="store_true",
                        help="also write the image path as image_encoder.onnx and prompt_decoder.onnx (same weights)")
    args = parser.parse_args(argv)

    try:
        cfg = load_config(args.config, args.image_size)
        if args.checkpoint is None:
            torch.manual_seed(args.random_weights)
            model = Sam2(cfg)
            default_name = f"random-{args.random_weights}"
        else:
            model = Sam2(cfg)
            warning = unsafe_load_warning(args.checkpoint, torch.__version__)
            if warning:
                print(warning, file=sys.stderr)
            load_strict(model, read_state_dict(args.checkpoint))
            default_name = os.path.splitext(os.path.basename(args.checkpoint))[0]
    except (ValueError, OSError, CheckpointMismatchError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    manifest = export_model(model, args.out, args.name or default_name, onnx=args.onnx)
    for file_name, entry in {**manifest["files"], **manifest.get("onnx", {})}.items():
        print(f"{file_name}  {entry['bytes']} bytes  sha256 {entry['sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
