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


# Two float32 code paths over the same maths (scripted vs eager, fused vs unfused kernels, AVX2 vs AVX-512
# dispatch) agree only to float32 rounding: ~1e-6 relative, seen as 1.6e-6 on an AVX2-only CPU. Never
# compare such outputs bit for bit; 1e-5 is the fixtures' image parity bar, ten times that floor.
FLOAT32_REL_TOL = 1e-5


def assert_float32_close(test, actual: torch.Tensor, expected: torch.Tensor, what: str = "") -> None:
    """`actual` equals `expected` up to float32 rounding: relative L2 and worst element, both scaled to `expected`."""
    test.assertEqual(tuple(actual.shape), tuple(expected.shape), what)
    scale = float(expected.abs().max())
    test.assertLessEqual(rel_l2(actual, expected), FLOAT32_REL_TOL, what)
    test.assertLessEqual(float((actual - expected).abs().max()), FLOAT32_REL_TOL * max(scale, 1.0), what)
