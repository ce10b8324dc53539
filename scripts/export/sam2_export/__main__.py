"""CLI: python -m sam2_export --checkpoint FILE.pt --config NAME|FILE --out DIR [--image-size N]"""
import argparse
import os
import sys

from .checkpoint import CheckpointMismatchError, load_strict, read_state_dict
from .config import NAMED_CONFIGS, load_config
from .export import export_model
from .model import Sam2


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sam2_export", description=__doc__)
    parser.add_argument("--checkpoint", required=True, help="official SAM 2 / 2.1 .pt checkpoint")
    parser.add_argument("--config", required=True,
                        help=f"{' | '.join(NAMED_CONFIGS)} (SAM 2.1) or a .json/.yaml file with a top-level 'model:'")
    parser.add_argument("--out", required=True, help="output model directory")
    parser.add_argument("--image-size", type=int, default=None,
                        help="export for this input size (multiple of 32) instead of the config's")
    parser.add_argument("--name", default=None, help="model name in the manifest (default: checkpoint file stem)")
    args = parser.parse_args(argv)

    try:
        cfg = load_config(args.config, args.image_size)
        model = Sam2(cfg)
        load_strict(model, read_state_dict(args.checkpoint))
    except (ValueError, OSError, CheckpointMismatchError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    name = args.name or os.path.splitext(os.path.basename(args.checkpoint))[0]
    manifest = export_model(model, args.out, name)
    for file_name, entry in manifest["files"].items():
        print(f"{file_name}  {entry['bytes']} bytes  sha256 {entry['sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
