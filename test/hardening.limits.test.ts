// Documented limits on the work one call may ask for: points per prompt, image and mask sides, boxes clipped to the
// image; and the clear messages of prompts that cannot apply yet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  MAX_IMAGE_SIDE,
  MAX_PROMPT_POINTS,
  connectedComponents,
  maskToRle,
  renderOverlay,
  rleToMask,
  type ImageEmbedding,
  type ImageInput,
  type Sam2Model,
} from '../lib/index.js';
import { expectSamePrediction } from './helpers/expect.js';
import { readImage } from './helpers/fixtures.js';
import { loadTestModel } from './helpers/model.js';

/** `count` clicks spread over a `width` x `height` image, alternately positive and negative. */
function clicks(count: number, width: number, height: number) {
  const points = Array.from({ length: count }, (_, i): [number, number] => [
    (i * 37) % width,
    (i * 53) % height,
  ]);
  return { points, labels: points.map((_, i) => i % 2) };
}

async function failure(call: () => unknown): Promise<InvalidArgumentError> {
  const err = await Promise.resolve()
    .then(call)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(InvalidArgumentError);
  return err as InvalidArgumentError;
}

describe('limits with a model', () => {
  let model: Sam2Model;
  let image: ImageInput;
  let embedding: ImageEmbedding;

  beforeAll(async () => {
    model = await loadTestModel();
    image = readImage('square');
    embedding = await model.encodeImage(image);
  });
  afterAll(() => model?.dispose());

  it(`predicts a prompt of MAX_PROMPT_POINTS (${MAX_PROMPT_POINTS}) points`, async () => {
    const prompt = clicks(MAX_PROMPT_POINTS, image.width, image.height);
    const r = await model.predict(embedding, prompt);
    expect(r.count).toBe(3);
  });

  it('refuses one point more, naming points and the limit', async () => {
    const err = await failure(() => model.predict(embedding, clicks(MAX_PROMPT_POINTS + 1, image.width, image.height)));
    expect(err.parameter).toBe('points');
    expect(err.message).toContain(`at most ${MAX_PROMPT_POINTS} points`);
  });

  it('refuses a point beyond float32 range as points', async () => {
    const err = await failure(() => model.predict(embedding, { points: [[1e39, 10]], labels: [1] }));
    expect(err.parameter).toBe('points');
  });

  it.each<[string, [number, number, number, number]]>([
    ['far beyond the image', [0, 0, 1e12, 1e12]],
    ['beyond float32 range', [-1e39, -1e39, 1e39, 1e39]],
  ])('clips a box %s to the image', async (_, box) => {
    const whole = await model.predict(embedding, { box: [0, 0, image.width, image.height] });
    expectSamePrediction(await model.predict(embedding, { box }), whole);
  });

  it('refuses a box that lies wholly outside the image, naming box', async () => {
    const err = await failure(() => model.predict(embedding, { box: [image.width + 1, 0, image.width + 50, 50] }));
    expect(err.parameter).toBe('box');
    expect(err.message).toContain('outside');
  });

  it('refuses an image side over MAX_IMAGE_SIDE before reading its data', async () => {
    const err = await failure(() =>
      model.encodeImage({ data: new Uint8Array(3), width: MAX_IMAGE_SIDE + 1, height: 1, channels: 3 }),
    );
    expect(err.parameter).toBe('width');
    expect(err.message).toContain(String(MAX_IMAGE_SIDE));
  });

  it('asks a tracker for a frame before taking prompts', async () => {
    const tracker = model.createTracker();
    try {
      const err = await failure(() => tracker.addPoints({ frame: 0, objectId: 1, points: [[1, 1]], labels: [1] }));
      expect(err.parameter).toBe('frame');
      expect(err.message).toContain('track(image) first');
    } finally {
      tracker.dispose();
    }
  });
});

describe('limits without a model', () => {
  it('renderOverlay clips a box of 1e8 px to a 2x2 image, as a box of the whole image', () => {
    const image = { data: new Uint8Array(2 * 2 * 3), width: 2, height: 2, channels: 3 as const };
    // Unclipped, the outline alone was 4e8 pixels drawn one by one (seconds); clipped, it is the image's border.
    const huge = renderOverlay(image, [], { box: [0, 0, 1e8, 1e8] });
    expect(huge.data).toEqual(renderOverlay(image, [], { box: [0, 0, 2, 2] }).data);
  });

  it.each<[string, () => unknown, string]>([
    ['connectedComponents', () => connectedComponents(new Uint8Array(1), MAX_IMAGE_SIDE + 1, 1), 'width'],
    ['maskToRle', () => maskToRle(new Uint8Array(1), 1, MAX_IMAGE_SIDE + 1), 'height'],
    ['rleToMask', () => rleToMask({ size: [2 ** 30, 2 ** 30], counts: [2 ** 60] }), 'rle.size'],
  ])('%s refuses a side over MAX_IMAGE_SIDE', async (_, call, parameter) => {
    expect((await failure(call)).parameter).toBe(parameter);
  });
});
