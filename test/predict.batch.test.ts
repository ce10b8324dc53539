// predictBatch and predictMany: parity with the official predictor through one batched call, equality with
// predict prompt by prompt (to float rounding: a batch of 9 and a batch of 1 are different kernels' sums), and
// errors that name the prompt they are about.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DisposedError,
  InvalidArgumentError,
  MAX_BATCH_PROMPTS,
  type ImageEmbedding,
  type Prediction,
  type PredictOptions,
  type Sam2Model,
} from '../lib/index.js';
import { fromNative } from '../lib/errors.js';
import { upsampleBilinear } from './helpers/bilinear.js';
import { differingFraction, maxAbsDiff, relL2 } from './helpers/compare.js';
import { manifest, readBin, readImage, slice } from './helpers/fixtures.js';
import { loadTestModel, tolerance } from './helpers/model.js';
import { case1Of, expectLogits, expectMasks, expectScores, fixtureOptions } from './helpers/parity.js';

const IMAGES = Object.keys(manifest.image_predictor.images);

/** `actual` is `expected` within the image parity tolerances. */
function expectClose(actual: Prediction, expected: Prediction): void {
  expect([actual.count, actual.width, actual.height]).toEqual([expected.count, expected.width, expected.height]);
  expect(differingFraction(actual.masks, expected.masks)).toBeLessThanOrEqual(tolerance.maskFraction);
  expect(relL2(actual.lowResLogits, expected.lowResLogits)).toBeLessThanOrEqual(tolerance.relL2);
  expect(maxAbsDiff(actual.scores, expected.scores)).toBeLessThanOrEqual(tolerance.score);
  expect(actual.logits === undefined).toBe(expected.logits === undefined);
  if (actual.logits && expected.logits) expect(relL2(actual.logits, expected.logits)).toBeLessThanOrEqual(tolerance.relL2);
}

async function rejection(promise: Promise<unknown>): Promise<InvalidArgumentError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidArgumentError);
  return err as InvalidArgumentError;
}

let model: Sam2Model;
const embeddings: Record<string, ImageEmbedding> = {};

beforeAll(async () => {
  model = await loadTestModel();
  for (const name of IMAGES) embeddings[name] = await model.encodeImage(readImage(name));
});
afterAll(() => model?.dispose());

describe.each(IMAGES)('predictBatch parity with the official predictor: %s', (name) => {
  it('answers every fixture case and the hole-filled case in one call', async () => {
    const fixture = manifest.image_predictor.images[name];
    const cases = fixture.cases;
    const hf = fixture.holefill_case1;
    const prompts: PredictOptions[] = cases.map((c) => ({
      ...fixtureOptions(c.call, fixture),
      ...(c.masks_logits ? { returnLogits: true } : {}),
    }));
    prompts.push({
      ...fixtureOptions(case1Of(fixture).call, fixture),
      holeArea: hf.max_hole_area,
      sprinkleArea: hf.max_sprinkle_area,
      returnLogits: true,
    });
    const results = await model.predictBatch(embeddings[name], prompts);
    expect(results).toHaveLength(prompts.length);
    cases.forEach((c, i) => {
      const r = results[i];
      expect([r.count, r.height, r.width]).toEqual(c.masks.shape);
      expectMasks(r.masks, c.masks);
      expectLogits(r.lowResLogits, c.low_res_masks);
      expectScores(r.scores, c.iou_predictions);
      if (c.masks_logits) expectLogits(r.logits, c.masks_logits);
    });
    const filled = results[cases.length];
    expectMasks(filled.masks, hf.masks);
    const [count, L] = hf.postprocessed_low_res_logits.shape;
    const lowRes = upsampleBilinear(readBin(hf.postprocessed_low_res_logits, 'float32'), count, L, L, filled.height, filled.width);
    expect(relL2(filled.logits ?? new Float32Array(), lowRes)).toBeLessThanOrEqual(tolerance.relL2);
  });
});

describe('predictBatch', () => {
  const prompts: PredictOptions[] = [
    { box: [100, 120, 300, 340], multimask: false },
    { points: [[154, 164]], labels: [1] },
    { box: [20, 30, 200, 260] },
    { points: [[154, 164], [300, 90]], labels: [1, 0], returnLogits: true },
    { box: [60, 60, 400, 420], points: [[250, 250]], labels: [1], multimask: false, holeArea: 20, sprinkleArea: 20 },
    { points: [[400, 380]], labels: [1], multimask: false },
    { box: [0, 0, 511, 511], multimask: false, returnLogits: true },
  ];

  it('gives each prompt of a mixed list what predict gives it alone', async () => {
    const embedding = embeddings.square;
    const withMask: PredictOptions = { maskInput: slice((await model.predict(embedding, prompts[1])).lowResLogits, 0, 3) };
    const list: PredictOptions[] = [...prompts, withMask, { ...withMask, box: [50, 50, 300, 300], multimask: false }];
    const batch = await model.predictBatch(embedding, list);
    expect(batch).toHaveLength(list.length);
    for (const [i, p] of list.entries()) expectClose(batch[i], await model.predict(embedding, p));
  });

  it('gives a grid of detector boxes their single predictions', async () => {
    const boxes = Array.from({ length: 16 }, (_, i): [number, number, number, number] => {
      const x = (i % 4) * 120;
      const y = Math.floor(i / 4) * 80;
      return [x, y, x + 160, y + 120];
    });
    const batch = await model.predictBatch(embeddings.wide, boxes.map((box) => ({ box, multimask: false })));
    expect(batch).toHaveLength(16);
    for (const i of [0, 9, 15]) expectClose(batch[i], await model.predict(embeddings.wide, { box: boxes[i], multimask: false }));
  });

  it('resolves an empty list to []', async () => {
    await expect(model.predictBatch(embeddings.square, [])).resolves.toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['a bad box', [prompts[0], prompts[1], prompts[2], { box: [5, 5, 1, 1] }], 'prompts[3].box'],
    ['labels missing', [prompts[0], { points: [[1, 2]] }], 'prompts[1].labels'],
    ['a label of 2', [{ points: [[1, 2]], labels: [2] }], 'prompts[0].labels'],
    ['a wrong maskInput', [prompts[0], { maskInput: new Float32Array(3) }], 'prompts[1].maskInput'],
    ['an empty prompt', [prompts[0], prompts[1], {}], 'prompts[2]'],
    ['a prompt that is not an object', [prompts[0], 7], 'prompts[1]'],
    ['a hole in a sparse list', [prompts[0], , prompts[1]], 'prompts[1]'],
    ['an unknown option', [prompts[0], { ...prompts[1], multiMask: false }], 'prompts[1].multiMask'],
    ['a negative holeArea', [{ ...prompts[1], holeArea: -1 }], 'prompts[0].holeArea'],
    ['not an array', { 0: prompts[0] }, 'prompts'],
    ['too many prompts', Array.from({ length: MAX_BATCH_PROMPTS + 1 }, () => prompts[0]), 'prompts'],
  ])('rejects %s with an InvalidArgumentError naming it', async (_, list, parameter) => {
    const err = await rejection(model.predictBatch(embeddings.square, list as PredictOptions[]));
    expect(err.parameter).toBe(parameter);
    expect(err.message.startsWith(`${parameter}: `)).toBe(true);
  });

  // Another model's embedding goes through the same check as predict's (test/validation.test.ts).
  it('rejects an embedding that is not one, or disposed', async () => {
    expect((await rejection(model.predictBatch({} as ImageEmbedding, [prompts[0]]))).parameter).toBe('embedding');
    const gone = await model.encodeImage(readImage('square'));
    gone.dispose();
    await expect(model.predictBatch(gone, [prompts[0]])).rejects.toBeInstanceOf(DisposedError);
  });

  it('maps the addon’s indexed re-checks onto the prompt they name', () => {
    const err = fromNative(new Error('prompts[3].labels: labels must be 0 (negative) or 1 (positive)'));
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).parameter).toBe('prompts[3].labels');
  });
});

describe('predictMany', () => {
  it('answers prompts across images in one call, each as predict would', async () => {
    const items = [
      { embedding: embeddings.square, box: [100, 120, 300, 340] as [number, number, number, number], multimask: false },
      { embedding: embeddings.wide, box: [40, 50, 500, 380] as [number, number, number, number], multimask: false },
      { embedding: embeddings.wide, points: [[448, 282]] as [number, number][], labels: [1] },
      { embedding: embeddings.square, points: [[154, 164]] as [number, number][], labels: [1], returnLogits: true },
    ];
    const results = await model.predictMany(items);
    expect(results.map((r) => r.width)).toEqual([512, 640, 640, 512]);
    for (const [i, { embedding, ...prompt }] of items.entries()) {
      expectClose(results[i], await model.predict(embedding, prompt));
    }
  });

  it('resolves an empty list to []', async () => {
    await expect(model.predictMany([])).resolves.toEqual([]);
  });

  it.each<[string, unknown[], string]>([
    ['an item without an embedding', [{ box: [1, 2, 3, 4] }], 'items[0].embedding'],
    ['a bad box', [{ embedding: 'square', box: [1, 2, 3] }], 'items[0].box'],
    ['an unknown key', [{ embedding: 'square', box: [1, 2, 3, 4], embeding: 1 }], 'items[0].embeding'],
    ['an item that is not an object', [null], 'items[0]'],
  ])('rejects %s naming it', async (_, raw, parameter) => {
    const items = raw.map((item) =>
      item && typeof item === 'object' && 'embedding' in item ? { ...item, embedding: embeddings.square } : item,
    );
    const err = await rejection(model.predictMany(items as never));
    expect(err.parameter).toBe(parameter);
  });
});
