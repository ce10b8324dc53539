"""Whether a checkpoint is one of the official SAM 2.1 files, for torch versions whose safe loading is not safe."""
import hashlib
import json
import os
import re
from typing import Optional

# Shared with `sam2-node download` (lib/commands/download.ts).
OFFICIAL_CHECKPOINTS = os.path.join(os.path.dirname(__file__), "official_checkpoints.json")

# CVE-2025-32434: before torch 2.6, torch.load(weights_only=True) can be made to run code by a crafted file.
SAFE_WEIGHTS_ONLY = (2, 6)


def official_sha256s() -> set:
    with open(OFFICIAL_CHECKPOINTS, encoding="utf-8") as f:
        return {entry["sha256"] for entry in json.load(f).values()}


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def torch_release(version: str) -> tuple:
    """(major, minor) of a torch version string such as '1.13.0a0+git' or '2.6.0+cu124'."""
    match = re.match(r"(\d+)\.(\d+)", version)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def unsafe_load_warning(path: str, torch_version: str) -> Optional[str]:
    """A warning when `path` is not an official checkpoint and this torch's weights_only loading is bypassable."""
    if torch_release(torch_version) >= SAFE_WEIGHTS_ONLY or file_sha256(path) in official_sha256s():
        return None
    return (f"warning: {path} is not an official SAM 2.1 checkpoint (unknown sha256), and torch {torch_version} "
            f"< 2.6 can run code hidden in a crafted checkpoint even with weights_only=True (CVE-2025-32434): "
            f"export only checkpoints you trust, or upgrade torch")
