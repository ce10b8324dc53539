import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DisposedError,
  type ImageEmbedding,
  type ImageInput,
  type Prediction,
  type PredictOptions,
  type Sam2Model,
} from '../lib/index.js';
import { relL2 } from './helpers/compare.js';
import { expectSamePrediction } from './helpers/expect.js';
import { readImage, slice } from './helpers/fixtures.js';
import { loadTestModel } from './helpers/model.js';

const click: PredictOptions = { points: [[154, 164]], labels: [1] };

describe('predict', () => {
  let model: Sam2Model;
  let image: ImageInput;
  let embedding: ImageEmbedding;
  let L: number;

  beforeAll(async () => {
    model = await loadTestModel();
    image = readImage('square');
    embedding = await model.encodeImage(image);
    L = model.info.lowResSize;
  });
  afterAll(() => model?.dispose());

  it('returns three candidate masks by default', async () => {
    const r = await model.predict(embedding, click);
    const pixels = image.width * image.height;
    expect(r).toMatchObject({ count: 3, width: image.width, height: image.height, lowResSize: L });
    expect(r.masks).toBeInstanceOf(Uint8Array);
    expect(r.masks.length).toBe(3 * pixels);
    expect(r.masks.every((v) => v === 0 || v === 1)).toBe(true);
    expect(r.scores).toBeInstanceOf(Float32Array);
    expect(r.scores.length).toBe(3);
    expect(r.lowResLogits).toBeInstanceOf(Float32Array);
    expect(r.lowResLogits.length).toBe(3 * L * L);
    expect(r.logits).toBeUndefined();
    // Three different hypotheses, none empty: the mini model's masks cover 5-40% of the image.
    const areas = [0, 1, 2].map((k) => slice(r.masks, k, 3).reduce((a, v) => a + v, 0));
    expect(new Set(areas).size).toBe(3);
    expect(Math.min(...areas)).toBeGreaterThan(0);
  });

  it('returns one mask with multimask: false', async () => {
    const r = await model.predict(embedding, { ...click, multimask: false });
    const sizes = [r.count, r.masks.length, r.scores.length, r.lowResLogits.length];
    expect(sizes).toEqual([1, image.width * image.height, 1, L * L]);
  });

  it('returns full-size logits whose sign is the mask', async () => {
    const r = await model.predict(embedding, { ...click, returnLogits: true });
    expect(r.logits).toBeInstanceOf(Float32Array);
    const logits = r.logits ?? new Float32Array();
    expect(logits.length).toBe(r.masks.length);
    expect(r.masks.every((m, i) => m === (logits[i] > 0 ? 1 : 0))).toBe(true);
  });

  it('takes a previous low-res mask as maskInput, also as a subarray view', async () => {
    const first = await model.predict(embedding, click);
    const view = slice(first.lowResLogits, 2, 3);
    const [fromView, fromCopy] = await Promise.all([
      model.predict(embedding, { ...click, maskInput: view, multimask: false }),
      model.predict(embedding, { ...click, maskInput: Float32Array.from(view), multimask: false }),
    ]);
    expectSamePrediction(fromView, fromCopy);
    const withoutMask = await model.predict(embedding, { ...click, multimask: false });
    expect(relL2(fromView.lowResLogits, withoutMask.lowResLogits)).toBeGreaterThan(1e-3);
  });

  it('fills every hole with a large holeArea and removes every speck with a large sprinkleArea', async () => {
    const plain = await model.predict(embedding, click);
    const [filled, cleared] = await Promise.all([
      model.predict(embedding, { ...click, holeArea: L * L }),
      model.predict(embedding, { ...click, sprinkleArea: L * L }),
    ]);
    // Every background component is a "hole" of at most L*L pixels, every foreground one a "sprinkle".
    expect(filled.masks.every((v) => v === 1)).toBe(true);
    expect(cleared.masks.every((v) => v === 0)).toBe(true);
    // Low-res logits are returned as predicted, before the filling (as the official predictor does).
    expect(relL2(filled.lowResLogits, plain.lowResLogits)).toBeLessThanOrEqual(1e-6);
    expect(relL2(cleared.lowResLogits, plain.lowResLogits)).toBeLessThanOrEqual(1e-6);
  });

  it('gives 32 concurrent predictions on one embedding the results of sequential ones', async () => {
    const prompts: PredictOptions[] = Array.from({ length: 32 }, (_, i) => ({
      points: [[20 + i * 15, 500 - i * 14]],
      labels: [1],
      multimask: i % 2 === 0,
      box: i % 4 === 1 ? [10, 10, 30 + i * 10, 40 + i * 9] : undefined,
    }));
    const sequential: Prediction[] = [];
    for (const p of prompts) sequential.push(await model.predict(embedding, p));
    const concurrent = await Promise.all(prompts.map((p) => model.predict(embedding, p)));
    concurrent.forEach((r, i) => expectSamePrediction(r, sequential[i]));
  });
});

describe('disposal', () => {
  let model: Sam2Model;
  let image: ImageInput;

  beforeAll(async () => {
    model = await loadTestModel();
    image = readImage('square');
  });
  afterAll(() => model?.dispose());

  it('disposes an embedding once; a second dispose does nothing', async () => {
    const embedding = await model.encodeImage(image);
    embedding.dispose();
    expect(embedding.disposed).toBe(true);
    expect(() => embedding.dispose()).not.toThrow();
    expect(embedding.disposed).toBe(true);
  });

  it('rejects predictions with a disposed embedding', async () => {
    const embedding = await model.encodeImage(image);
    embedding.dispose();
    await expect(model.predict(embedding, click)).rejects.toThrow(DisposedError);
  });

  it('settles a prediction whose embedding is disposed while it runs', async () => {
    const embedding = await model.encodeImage(image);
    const pending = model.predict(embedding, click);
    embedding.dispose();
    // Either outcome is fine; a crash or any other error is not.
    const outcome = await pending.then(
      (r): Prediction | Error => r,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    if (outcome instanceof Error) expect(outcome).toBeInstanceOf(DisposedError);
    else expect(outcome.masks.length).toBe(3 * image.width * image.height);
  });

  it('rejects every call on a disposed model; a second dispose does nothing', async () => {
    const doomed = await loadTestModel();
    const embedding = await doomed.encodeImage(image);
    doomed.dispose();
    expect(doomed.disposed).toBe(true);
    expect(() => doomed.dispose()).not.toThrow();
    await expect(doomed.encodeImage(image)).rejects.toThrow(DisposedError);
    await expect(doomed.predict(embedding, click)).rejects.toThrow(DisposedError);
    expect(doomed.info.imageSize).toBe(model.info.imageSize);
    embedding.dispose();
  });

  it('keeps other models and their embeddings working when one model is disposed', async () => {
    const other = await loadTestModel();
    const embedding = await model.encodeImage(image);
    const before = await model.predict(embedding, click);
    other.dispose();
    expectSamePrediction(await model.predict(embedding, click), before);
    embedding.dispose();
  });
});
