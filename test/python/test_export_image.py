"""Exporter image-path tests: parity with the official SAM 2 fixtures, strict loading, batching.

Run from the repository root:
    /usr/bin/python3 -m unittest discover -s test/python -t .
Fixtures: see fixtures.py (skipped when absent).
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
from test.python.fixtures import FIXTURES, HAVE_FIXTURES, read_bin, rel_l2  # isort: skip
from sam2_export.__main__ import main as cli_main  # noqa: E402
from sam2_export.checkpoint import CheckpointMismatchError, load_strict, read_state_dict  # noqa: E402
from sam2_export.config import load_config  # noqa: E402
from sam2_export.export import export_model  # noqa: E402
from sam2_export.hiera import build_hiera  # noqa: E402
from sam2_export.model import Sam2  # noqa: E402

# The fixtures' own float32-vs-float64 spread is ~1e-6; these are the parity bars, not slack.
REL_L2_TOL = 1e-5
IOU_TOL = 1e-5
STABILITY_DELTA, STABILITY_THRESH = 0.05, 0.98


def official_selection(masks: torch.Tensor, iou: torch.Tensor, multimask: bool):
    """The official image predictor's choice among the 4 hypotheses of one prompt ([4,L,L], [4])."""
    if multimask:
        return masks[1:], iou[1:], None
    flat = masks[0].flatten()
    union = (flat > -STABILITY_DELTA).sum()
    stability = float((flat > STABILITY_DELTA).sum()) / float(union) if union > 0 else 1.0
    if stability >= STABILITY_THRESH:
        return masks[:1], iou[:1], False
    best = 1 + int(torch.argmax(iou[1:]))
    return masks[best : best + 1], iou[best : best + 1], True


def build_prompt(call: dict, orig_hw, size: int):
    """Coordinates in model pixels (x/W*S, y/H*S); a box becomes corners 2,3 before the clicks."""
    h, w = orig_hw
    points, labels = [], []
    if call["box"] is not None:
        x0, y0, x1, y1 = call["box"]
        points += [[x0, y0], [x1, y1]]
        labels += [2, 3]
    if call["point_coords"] is not None:
        points += call["point_coords"]
        labels += call["point_labels"]
    coords = torch.tensor(points, dtype=torch.float32)
    coords = coords / torch.tensor([w, h], dtype=torch.float32) * size
    return coords[None], torch.tensor(labels, dtype=torch.int64)[None]


@unittest.skipUnless(HAVE_FIXTURES, f"parity fixtures not found at {FIXTURES}")
class ExportedImagePathTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(2)
        with open(os.path.join(FIXTURES, "manifest.json"), encoding="utf-8") as f:
            cls.fixture = json.load(f)
        cls.out_dir = tempfile.mkdtemp(prefix="sam2_export_test_")
        cls.state_dict = read_state_dict(os.path.join(FIXTURES, "checkpoint.pt"))
        cls.config_path = os.path.join(FIXTURES, "config.json")
        model = Sam2(load_config(cls.config_path))
        load_strict(model, cls.state_dict)
        cls.manifest = export_model(model, cls.out_dir, "mini")
        cls.size = cls.manifest["imageSize"]
        cls.encoder = torch.jit.load(os.path.join(cls.out_dir, "image_encoder.pt"))
        cls.decoder = torch.jit.load(os.path.join(cls.out_dir, "prompt_decoder.pt"))
        cls.no_mem_embed = cls.state_dict["no_mem_embed"].float().reshape(1, -1, 1, 1)
        cls.features = {}
        with torch.no_grad():
            for name, img in cls.fixture["image_predictor"]["images"].items():
                x = read_bin(img["preprocessed_input"])[None]
                embed, s0, s1 = cls.encoder(x)
                cls.features[name] = (embed + cls.no_mem_embed, s0, s1)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out_dir, ignore_errors=True)

    def decode(self, feats, coords, labels, mask_input=None):
        embed, s0, s1 = feats
        b, low = coords.shape[0], self.size // 4
        has_mask = torch.tensor([mask_input is not None] * b)
        if mask_input is None:
            mask_input = torch.zeros(b, 1, low, low)
        with torch.no_grad():
            return self.decoder(embed, s0, s1, coords, labels, mask_input, has_mask)

    def test_manifest(self):
        m = self.manifest
        self.assertEqual(m["formatVersion"], 1)
        self.assertEqual(m["imageSize"], 512)
        self.assertEqual(
            set(m["files"]),
            {"image_encoder.pt", "prompt_decoder.pt", "memory_attention.pt", "memory_encoder.pt", "tracking.pt"},
        )
        with open(os.path.join(self.out_dir, "manifest.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f), m)
        for name, entry in m["files"].items():
            self.assertEqual(os.path.getsize(os.path.join(self.out_dir, name)), entry["bytes"])
        t = m["tracking"]
        self.assertTrue(t["dynamic_multimask_via_stability"])
        self.assertEqual((t["dynamic_multimask_stability_delta"], t["dynamic_multimask_stability_thresh"]), (0.05, 0.98))
        self.assertTrue(t["no_obj_embed_spatial"])
        self.assertEqual(t["num_maskmem"], 7)

    def test_image_features(self):
        for name, img in self.fixture["image_predictor"]["images"].items():
            expected = img["features"]
            for key, actual in zip(("image_embed", "high_res_feats_0", "high_res_feats_1"), self.features[name]):
                with self.subTest(image=name, feature=key):
                    err = rel_l2(actual, read_bin(expected[key]))
                    self.assertLessEqual(err, REL_L2_TOL, f"{name} {key}: rel L2 {err:.3g}")

    def test_prompt_cases(self):
        for name, img in self.fixture["image_predictor"]["images"].items():
            cases = {c["id"]: c for c in img["cases"]}
            case1_logits, case1_iou = read_bin(cases["case1"]["low_res_masks"]), read_bin(cases["case1"]["iou_predictions"])
            for case_id, case in cases.items():
                with self.subTest(image=name, case=case_id):
                    call = case["call"]
                    coords, labels = build_prompt(call, img["orig_hw"], self.size)
                    mask_input = None
                    if call["mask_input"] is not None:
                        mask_input = case1_logits[int(torch.argmax(case1_iou))][None, None]
                    masks, iou, obj_ptr, score = self.decode(self.features[name], coords, labels, mask_input)
                    self.assertEqual(tuple(masks.shape), (1, 4, self.size // 4, self.size // 4))
                    self.assertEqual(tuple(obj_ptr.shape), (1, 4, 256))
                    self.assertEqual(tuple(score.shape), (1, 1))
                    low, ious, fell_back = official_selection(masks[0], iou[0], call["multimask_output"])
                    low = low.clamp(-32.0, 32.0)
                    if not call["multimask_output"]:
                        self.assertEqual(fell_back, case["decoder"][0]["fallback_to_best_multimask"][0])
                    err = rel_l2(low, read_bin(case["low_res_masks"]))
                    iou_err = float((ious - read_bin(case["iou_predictions"])).abs().max())
                    self.assertLessEqual(err, REL_L2_TOL, f"{name} {case_id}: logits rel L2 {err:.3g}")
                    self.assertLessEqual(iou_err, IOU_TOL, f"{name} {case_id}: IoU abs err {iou_err:.3g}")

    def test_decoder_batch_and_point_count(self):
        embed, s0, s1 = self.features["square"]
        low = self.size // 4
        mask = torch.randn(1, 1, low, low, generator=torch.Generator().manual_seed(0)) * 4
        prompts = [
            (torch.tensor([[[100.0, 200.0], [300.0, 50.0], [400.0, 420.0]]]), torch.tensor([[1, 0, 1]]), None),
            (torch.tensor([[[20.0, 30.0], [200.0, 240.0], [250.0, 260.0]]]), torch.tensor([[2, 3, 1]]), mask),
        ]
        singles = [self.decode((embed, s0, s1), c, l, m) for c, l, m in prompts]
        # B=2 with a per-row mask flag; rows must match their single-prompt results.
        coords = torch.cat([p[0] for p in prompts])
        labels = torch.cat([p[1] for p in prompts])
        with torch.no_grad():
            batched = self.decoder(
                embed.expand(2, -1, -1, -1), s0.expand(2, -1, -1, -1), s1.expand(2, -1, -1, -1),
                coords, labels, torch.cat([torch.zeros(1, 1, low, low), mask]), torch.tensor([False, True]),
            )
        for row, single in enumerate(singles):
            for got, want in zip(batched, single):
                self.assertLessEqual(rel_l2(got[row : row + 1], want), 1e-6)
        for n in (0, 1, 5):
            coords = torch.rand(2, n, 2, generator=torch.Generator().manual_seed(n)) * self.size
            labels = torch.ones(2, n, dtype=torch.int64)
            masks, iou, obj_ptr, score = self.decode((embed.expand(2, -1, -1, -1), s0.expand(2, -1, -1, -1),
                                                      s1.expand(2, -1, -1, -1)), coords, labels)
            self.assertEqual(tuple(masks.shape), (2, 4, low, low))
            self.assertEqual((tuple(iou.shape), tuple(obj_ptr.shape), tuple(score.shape)), ((2, 4), (2, 4, 256), (2, 1)))

    def test_encoder_batch(self):
        x = torch.stack([read_bin(img["preprocessed_input"]) for img in self.fixture["image_predictor"]["images"].values()])
        with torch.no_grad():
            batched = self.encoder(x)
        for row, name in enumerate(self.fixture["image_predictor"]["images"]):
            for got, want in zip(batched[:1], self.features[name][:1]):
                self.assertLessEqual(rel_l2(got[row : row + 1] + self.no_mem_embed, want), 1e-6)
            for got, want in zip(batched[1:], self.features[name][1:]):
                self.assertLessEqual(rel_l2(got[row : row + 1], want), 1e-6)

    def test_strict_load_lists_missing_and_unexpected_keys(self):
        model = Sam2(load_config(self.config_path))
        bad = dict(self.state_dict)
        del bad["sam_mask_decoder.iou_token.weight"]
        bad["sam_mask_decoder.extra_head.weight"] = torch.zeros(1)
        with self.assertRaises(CheckpointMismatchError) as ctx:
            load_strict(model, bad)
        self.assertIn("sam_mask_decoder.iou_token.weight", str(ctx.exception))
        self.assertIn("sam_mask_decoder.extra_head.weight", str(ctx.exception))

        resized = dict(self.state_dict, no_mem_embed=torch.zeros(1, 1, 128))
        with self.assertRaises(CheckpointMismatchError) as ctx:
            load_strict(model, resized)
        self.assertIn("wrong-shape keys (1): no_mem_embed (1, 1, 128) vs (1, 1, 256)", str(ctx.exception))

        # Through the CLI: a checkpoint file lacking one key exits 2 and names it.
        short = {k: v for k, v in self.state_dict.items() if k != "no_mem_pos_enc"}
        path = os.path.join(self.out_dir, "short.pt")
        torch.save({"model": short}, path)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = cli_main(["--checkpoint", path, "--config", self.config_path, "--out", os.path.join(self.out_dir, "x")])
        self.assertEqual(code, 2)
        self.assertIn("missing keys (1): no_mem_pos_enc", err.getvalue())
        self.assertFalse(os.path.exists(os.path.join(self.out_dir, "x", "manifest.json")))

    def test_export_at_other_image_size(self):
        cfg = load_config(self.config_path, image_size=256)
        self.assertEqual(cfg["memory_attention"]["layer"]["cross_attention"]["feat_sizes"], [16, 16])
        model = Sam2(cfg)
        load_strict(model, self.state_dict)
        out = os.path.join(self.out_dir, "s256")
        manifest = export_model(model, out, "mini-256")
        self.assertEqual(manifest["imageSize"], 256)
        encoder = torch.jit.load(os.path.join(out, "image_encoder.pt"))
        decoder = torch.jit.load(os.path.join(out, "prompt_decoder.pt"))
        with torch.no_grad():
            embed, s0, s1 = encoder(torch.zeros(1, 3, 256, 256))
            self.assertEqual([tuple(t.shape) for t in (embed, s0, s1)], [(1, 256, 16, 16), (1, 32, 64, 64), (1, 64, 32, 32)])
            masks = decoder(embed, s0, s1, torch.tensor([[[10.0, 20.0]]]), torch.tensor([[1]]),
                            torch.zeros(1, 1, 64, 64), torch.tensor([False]))[0]
        self.assertEqual(tuple(masks.shape), (1, 4, 64, 64))


class ConfigTest(unittest.TestCase):
    def test_named_configs(self):
        for name, depth, dims in (("tiny", 12, 96), ("base_plus", 24, 112), ("large", 48, 144)):
            cfg = load_config(name)
            self.assertEqual(cfg["image_size"], 1024)
            # Only the trunk: building every large-model weight would make the test slow.
            hiera = build_hiera(cfg["image_encoder"]["trunk"])
            self.assertEqual(len(hiera.blocks), depth)
            self.assertEqual(hiera.channel_list, cfg["image_encoder"]["neck"]["backbone_channel_list"])
            self.assertEqual(hiera.channel_list[-1], dims)

    def test_image_size_override(self):
        cfg = load_config("small", image_size=512)
        self.assertEqual(cfg["image_size"], 512)
        self.assertEqual(cfg["memory_attention"]["layer"]["self_attention"]["feat_sizes"], [32, 32])
        with self.assertRaises(ValueError):
            load_config("small", image_size=1000)

    def test_sam2_v1_yaml(self):
        """A SAM 2 (v1) yaml lacks no_obj_embed_spatial and the pointer tpos projection."""
        import yaml

        cfg = load_config("tiny")
        for key in ("no_obj_embed_spatial", "proj_tpos_enc_in_obj_ptrs", "use_signed_tpos_enc_to_obj_ptrs"):
            del cfg[key]
        cfg["add_tpos_enc_to_obj_ptrs"] = False
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "sam2_hiera_t.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write("# @package _global_\n")
                yaml.safe_dump({"model": cfg}, f)
            keys = set(Sam2(load_config(path)).state_dict())
        self.assertNotIn("no_obj_embed_spatial", keys)
        self.assertNotIn("obj_ptr_tpos_proj.weight", keys)
        self.assertIn("no_obj_ptr", keys)


if __name__ == "__main__":
    unittest.main()
