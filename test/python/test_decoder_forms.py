"""The scripted mask decoder's CPU forms (factored cross-attention, channels-last upscaling in block order, the
skipped mask branch) against the plain form the same modules run eagerly (and traced, for ONNX).

Run from the repository root:
    /usr/bin/python3 -m unittest test.python.test_decoder_forms
No fixtures needed: small random modules; the official-parity side is test_export_image.
"""
import unittest

import torch

# Imported first: it puts the exporter on sys.path.
from test.python.fixtures import assert_float32_close  # isort: skip
from sam2_export.mask_decoder import MaskDecoder  # noqa: E402
from sam2_export.prompt_encoder import PromptEncoder  # noqa: E402
from sam2_export.two_way_transformer import Attention, TwoWayTransformer  # noqa: E402

DIM, HEADS, GRID = 64, 4, 8  # internal width 32 with downsample 2: the factored forms take fewer than 8 tokens


def _randomise(module: torch.nn.Module) -> torch.nn.Module:
    """Non-trivial values everywhere, biases and norms included (their defaults are 0 and 1)."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn_like(p) * 0.3)
    return module.eval()


class AttentionFormsTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.attn = _randomise(Attention(DIM, HEADS, downsample_rate=2))
        self.scripted = torch.jit.script(self.attn)

    def check(self, n_q: int, n_k: int, batch: int = 1):
        q, k, v = (torch.randn(batch, n, DIM) for n in (n_q, n_k, n_k))
        with torch.no_grad():
            assert_float32_close(self, self.scripted(q, k, v), self.attn(q, k, v), f"{n_q} queries, {n_k} keys")

    def test_few_tokens_to_image(self):
        self.check(3, GRID * GRID)
        self.check(7, GRID * GRID, batch=2)

    def test_image_to_few_tokens(self):
        self.check(GRID * GRID, 3)
        self.check(GRID * GRID, 7, batch=2)

    def test_many_tokens_take_the_plain_form(self):
        self.check(9, GRID * GRID)
        self.check(GRID * GRID, 9)


class MaskDecoderFormsTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(1)
        transformer = TwoWayTransformer(depth=2, embedding_dim=DIM, num_heads=HEADS, mlp_dim=128)
        self.decoder = _randomise(
            MaskDecoder(DIM, transformer, use_high_res_features=True, pred_obj_scores=True, pred_obj_scores_mlp=True)
        )
        self.scripted = torch.jit.script(self.decoder)

    def test_upscaling_and_masks(self):
        # (prompts, points, images): one image's features serve a batch of prompts as they do in the predictor.
        for batch, points, images in ((1, 1, 1), (2, 1, 2), (2, 1, 1), (2, 3, 2), (1, 12, 1)):
            with self.subTest(batch=batch, points=points, images=images), torch.no_grad():
                args = (
                    torch.randn(batch, DIM, GRID, GRID),
                    torch.randn(1, DIM, GRID, GRID),
                    torch.randn(batch, points + 1, DIM),
                    torch.randn(batch, DIM, GRID, GRID),
                    torch.randn(images, DIM // 8, 4 * GRID, 4 * GRID),
                    torch.randn(images, DIM // 4, 2 * GRID, 2 * GRID),
                )
                for got, want, what in zip(self.scripted(*args), self.decoder(*args), ("masks", "iou", "tokens", "obj")):
                    assert_float32_close(self, got, want, what)


class MaskPromptSkipTest(unittest.TestCase):
    def test_no_mask_prompt_gives_the_no_mask_embedding(self):
        torch.manual_seed(2)
        encoder = _randomise(PromptEncoder(DIM, GRID, 16 * GRID))
        scripted = torch.jit.script(encoder)
        coords, labels = torch.rand(2, 2, 2) * 16 * GRID, torch.tensor([[1, 0], [2, 3]])
        masks = torch.randn(2, 1, 4 * GRID, 4 * GRID)
        for has_mask in ([False, False], [True, False]):
            with self.subTest(has_mask=has_mask), torch.no_grad():
                flags = torch.tensor(has_mask)
                _, got = scripted(coords, labels, masks, flags)
                _, want = encoder(coords, labels, masks, flags)
                self.assertTrue(torch.equal(got, want))


if __name__ == "__main__":
    unittest.main()
