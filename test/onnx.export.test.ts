// The exporter's --onnx copies hold the same model as the TorchScript files: onnxruntime-node (the bench's
// baseline) predicts what sam2-node predicts. Skipped where the onnxruntime-node devDependency is not installed.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sam2Model } from '../lib/index.js';
import { relL2 } from './helpers/compare.js';
import { readImage } from './helpers/fixtures.js';
import { loadTestModel } from './helpers/model.js';
import { parityDir, repoRoot } from './helpers/paths.js';

type Ort = typeof import('onnxruntime-node');
const ort: Ort | undefined = await import('onnxruntime-node').then(
  (m) => (m.default ?? m) as Ort,
  () => undefined,
);

describe.skipIf(!ort)('ONNX export', () => {
  let dir: string;
  let model: Sam2Model;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sam2-node-onnx-'));
    const args = ['--checkpoint', join(parityDir, 'checkpoint.pt'), '--config', join(parityDir, 'config.json')];
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'python.mjs'), '-m', 'sam2_export', ...args,
      '--onnx', '--out', dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    model = await loadTestModel();
  });
  afterAll(async () => {
    model?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('predicts with onnxruntime what sam2-node predicts', async () => {
    const { Tensor, InferenceSession } = ort as Ort;
    const image = readImage('square'); // 512x512: the model size, so no resize on either side
    const size = 512;
    const L = size / 4;
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const x = new Float32Array(3 * size * size);
    for (let p = 0; p < size * size; p++) {
      for (let c = 0; c < 3; c++) x[c * size * size + p] = (image.data[p * 3 + c] / 255 - mean[c]) / std[c];
    }
    const encoder = await InferenceSession.create(join(dir, 'image_encoder.onnx'));
    const decoder = await InferenceSession.create(join(dir, 'prompt_decoder.onnx'));
    // The ONNX encoder returns the predictor's features (no_mem_embed added), ready for the decoder.
    const { embed, feat_s0, feat_s1 } = await encoder.run({ image: new Tensor('float32', x, [1, 3, size, size]) });
    const point = [154, 164];
    const { masks } = await decoder.run({
      embed,
      feat_s0,
      feat_s1,
      coords: new Tensor('float32', Float32Array.from(point), [1, 1, 2]),
      labels: new Tensor('int64', BigInt64Array.from([1n]), [1, 1]),
      mask_input: new Tensor('float32', new Float32Array(L * L), [1, 1, L, L]),
      has_mask: new Tensor('bool', new Uint8Array(1), [1]),
    });
    const embedding = await model.encodeImage(image);
    const native = await model.predict(embedding, { points: [point as [number, number]], labels: [1] });
    embedding.dispose();
    const multimask = (masks.data as Float32Array).subarray(L * L, 4 * L * L);
    expect(relL2(multimask, native.lowResLogits)).toBeLessThanOrEqual(1e-4);
  });
});
