"""Exporter options for benchmarking (--random-weights, --onnx) and the blocked attention of the exported modules.

Run from the repository root:
    /usr/bin/python3 -m unittest discover -s test/python -t .
"""
import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest

import torch

# Imported first: it puts the exporter on sys.path.
from test.python.fixtures import FIXTURES  # isort: skip
from sam2_export.__main__ import main as cli_main  # noqa: E402
from sam2_export.layers import attention  # noqa: E402

CONFIG = os.path.join(FIXTURES, "config.json")


@unittest.skipUnless(os.path.isfile(CONFIG), f"parity fixtures not found at {FIXTURES}")
class RandomWeightsAndOnnxTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(2)
        cls.tmp = tempfile.mkdtemp(prefix="sam2_export_options_")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def export(self, name, *args):
        out = os.path.join(self.tmp, name)
        with contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(cli_main(["--config", CONFIG, "--out", out, *args]), 0)
        with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
            return out, json.load(f)

    def encode(self, out):
        encoder = torch.jit.load(os.path.join(out, "image_encoder.pt"))
        with torch.no_grad():
            return encoder(torch.linspace(-2, 2, 3 * 512 * 512).reshape(1, 3, 512, 512))[0]

    def test_random_weights_are_seeded_and_onnx_is_listed_apart(self):
        a, manifest = self.export("a", "--random-weights", "7", "--onnx")
        b, _ = self.export("b", "--random-weights", "7")
        c, _ = self.export("c", "--random-weights", "8")
        self.assertEqual(manifest["name"], "random-7")
        self.assertTrue(torch.equal(self.encode(a), self.encode(b)))
        self.assertFalse(torch.equal(self.encode(a), self.encode(c)))
        # The .onnx files are extras: listed with their sums under "onnx", never among the files sam2-node loads.
        self.assertEqual(set(manifest["onnx"]), {"image_encoder.onnx", "prompt_decoder.onnx"})
        self.assertFalse(any(name.endswith(".onnx") for name in manifest["files"]))
        for name, entry in manifest["onnx"].items():
            self.assertEqual(os.path.getsize(os.path.join(a, name)), entry["bytes"])

    def test_checkpoint_and_random_weights_are_exclusive(self):
        with contextlib.redirect_stderr(io.StringIO()), self.assertRaises(SystemExit):
            cli_main(["--config", CONFIG, "--out", os.path.join(self.tmp, "x"), "--random-weights", "1",
                      "--checkpoint", os.path.join(FIXTURES, "checkpoint.pt")])


class BlockedAttentionTest(unittest.TestCase):
    def test_scripted_blocks_match_the_plain_form(self):
        scripted = torch.jit.script(attention)
        torch.manual_seed(0)
        # Global attention at 1024 px (heads split into row bands), mini's (whole heads per block), many windows
        # (groups of windows per block), a memory-attention-like shape with more keys than queries.
        for q_shape, k_len in (((1, 4, 4096, 96), 4096), ((1, 8, 1024, 48), 1024), ((1024, 1, 64, 96), 64),
                               ((2, 1, 4096, 64), 5000)):
            q = torch.randn(q_shape)
            k = torch.randn(q_shape[:-2] + (k_len, q_shape[-1]))
            v = torch.randn(q_shape[:-2] + (k_len, 32))
            with self.subTest(q=q_shape, keys=k_len), torch.no_grad():
                plain = attention(q, k, v)
                self.assertEqual(plain.shape, q_shape[:-1] + (32,))
                self.assertLessEqual(float((scripted(q, k, v) - plain).norm() / plain.norm()), 1e-6)


if __name__ == "__main__":
    unittest.main()
