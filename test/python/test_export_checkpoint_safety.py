"""The exporter on checkpoints it must not trust: a one-line error for a file torch refuses, and a warning for an
unofficial file on a torch whose weights_only loading is bypassable (CVE-2025-32434).

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
from unittest import mock

import torch

# Imported first: it puts the exporter on sys.path.
from test.python.fixtures import FIXTURES  # isort: skip
from sam2_export import provenance  # noqa: E402
from sam2_export.__main__ import main as cli_main  # noqa: E402

CONFIG = os.path.join(FIXTURES, "config.json")


class NotTensors:
    """A class weights_only loading refuses to build, as it refuses any code a pickle names."""


@unittest.skipUnless(os.path.isfile(CONFIG), f"parity fixtures not found at {FIXTURES}")
class RejectedCheckpointTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sam2_export_safety_")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def export(self, checkpoint):
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            code = cli_main(["--checkpoint", checkpoint, "--config", CONFIG, "--out", os.path.join(self.tmp, "out")])
        return code, stderr.getvalue()

    def test_a_pickle_naming_code_is_one_error_line_without_a_traceback(self):
        path = os.path.join(self.tmp, "code.pt")
        torch.save({"model": NotTensors()}, path)
        code, stderr = self.export(path)
        self.assertEqual(code, 2)
        errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
        self.assertEqual(len(errors), 1, stderr)
        self.assertIn("not a loadable checkpoint", errors[0])
        self.assertIn("NotTensors", errors[0])
        self.assertNotIn("Traceback", stderr)
        # torch's own message advises weights_only=False: the one thing not to do with such a file.
        self.assertNotIn("weights_only", errors[0])

    def test_a_file_that_is_not_a_checkpoint_is_one_error_line(self):
        path = os.path.join(self.tmp, "text.pt")
        with open(path, "w", encoding="utf-8") as f:
            f.write("not a checkpoint\n")
        code, stderr = self.export(path)
        self.assertEqual(code, 2)
        self.assertNotIn("Traceback", stderr)
        self.assertRegex(stderr, r"(?m)^error: .*text\.pt: not a loadable checkpoint")


class UnofficialCheckpointWarningTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sam2_export_provenance_")
        self.path = os.path.join(self.tmp, "some.pt")
        with open(self.path, "wb") as f:
            f.write(b"weights")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_warns_for_an_unofficial_file_before_torch_2_6(self):
        for version in ("1.13.0a0+git", "2.5.1+cu124"):
            with self.subTest(version=version):
                warning = provenance.unsafe_load_warning(self.path, version)
                self.assertIsNotNone(warning)
                self.assertIn("CVE-2025-32434", warning)
                self.assertIn(self.path, warning)

    def test_is_silent_from_torch_2_6_on(self):
        for version in ("2.6.0", "2.10.1+cpu", "3.0.0"):
            with self.subTest(version=version):
                self.assertIsNone(provenance.unsafe_load_warning(self.path, version))

    def test_is_silent_for_an_official_file(self):
        digest = provenance.file_sha256(self.path)
        with mock.patch.object(provenance, "official_sha256s", return_value={digest}):
            self.assertIsNone(provenance.unsafe_load_warning(self.path, "1.13.0"))

    def test_the_official_list_is_the_one_sam2_node_download_checks(self):
        with open(provenance.OFFICIAL_CHECKPOINTS, encoding="utf-8") as f:
            table = json.load(f)
        self.assertEqual(set(table), {"tiny", "small", "base_plus", "large"})
        for entry in table.values():
            self.assertRegex(entry["sha256"], r"^[0-9a-f]{64}$")
            self.assertGreater(entry["bytes"], 0)


if __name__ == "__main__":
    unittest.main()
