"""What the exporter tests share: the exporter on sys.path, the parity fixtures' location and readers.

Fixtures: $SAM2_PARITY_DIR, default <repo>/../shared/parity/mini (tests that need them skip when absent).
"""
import os
import sys

import numpy as np
import torch

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "scripts", "export"))

FIXTURES = os.environ.get("SAM2_PARITY_DIR", os.path.join(REPO, "..", "shared", "parity", "mini"))
HAVE_FIXTURES = os.path.isfile(os.path.join(FIXTURES, "manifest.json"))


def read_bin(entry: dict) -> torch.Tensor:
    """A fixture array described by its manifest entry ({"file", "dtype", "shape"})."""
    data = np.fromfile(os.path.join(FIXTURES, entry["file"]), dtype=np.dtype(entry["dtype"]))
    return torch.from_numpy(data.reshape(entry["shape"]).copy())


def rel_l2(actual: torch.Tensor, expected: torch.Tensor) -> float:
    return float((actual.double() - expected.double()).norm() / expected.double().norm())
