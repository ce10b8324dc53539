import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageInput, Prediction, PredictOptions, Sam2Model } from '../lib/index.js';
import type { DecodedImage } from './helpers/png.js';
import { expectSamePrediction } from './helpers/expect.js';
import { readImage } from './helpers/fixtures.js';
import { loadTestModel } from './helpers/model.js';

describe('encodeImage', () => {
  let model: Sam2Model;
  let wide: DecodedImage;
  const prompt: PredictOptions = { points: [[191.5, 128.25]], labels: [1] };

  beforeAll(async () => {
    model = await loadTestModel();
    wide = readImage('wide');
  });
  afterAll(() => model?.dispose());

  /** Encodes `image` and predicts `prompt` on it. */
  async function segment(image: ImageInput): Promise<Prediction> {
    const embedding = await model.encodeImage(image);
    try {
      return await model.predict(embedding, prompt);
    } finally {
      embedding.dispose();
    }
  }

  it('returns an embedding that knows its image size', async () => {
    const embedding = await model.encodeImage(wide);
    expect([embedding.width, embedding.height, embedding.disposed]).toEqual([640, 400, false]);
    embedding.dispose();
  });

  it('ignores the alpha channel of RGBA images', async () => {
    const rgba = new Uint8Array(wide.width * wide.height * 4);
    for (let p = 0; p < wide.width * wide.height; p++) {
      rgba.set(wide.data.subarray(p * 3, p * 3 + 3), p * 4);
      rgba[p * 4 + 3] = (p * 37) & 0xff;
    }
    const [fromRgb, fromRgba] = await Promise.all([segment(wide), segment({ ...wide, data: rgba, channels: 4 })]);
    expectSamePrediction(fromRgba, fromRgb);
  });

  it('takes a Buffer, a Uint8ClampedArray, and a view at an offset into a larger buffer', async () => {
    const reference = await segment(wide);
    const bytes = wide.data;
    const backing = new Uint8Array(bytes.length + 7);
    backing.set(bytes, 3);
    const variants = [
      Buffer.from(bytes),
      new Uint8ClampedArray(bytes),
      backing.subarray(3, 3 + bytes.length),
      new Uint8ClampedArray(backing.buffer, 3, bytes.length),
    ];
    for (const data of variants) {
      expectSamePrediction(await segment({ ...wide, data }), reference);
    }
  });

  it('leaves the caller’s pixels unchanged', async () => {
    const data = Uint8Array.from(wide.data);
    await segment({ ...wide, data });
    expect(Buffer.from(data).equals(wide.data)).toBe(true);
  });

  it('encodes a 1x1 image', async () => {
    const r = await segment({ data: Uint8Array.of(200, 30, 90), width: 1, height: 1, channels: 3 });
    expect([r.width, r.height, r.masks.length]).toEqual([1, 1, r.count]);
  });

  it('keeps the event loop responsive while it encodes', async () => {
    let last = performance.now();
    let maxGap = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 1);
    const start = performance.now();
    const embeddings = await Promise.all([model.encodeImage(wide), model.encodeImage(wide), model.encodeImage(wide)]);
    const elapsed = performance.now() - start;
    clearInterval(timer);
    maxGap = Math.max(maxGap, performance.now() - last);
    for (const e of embeddings) e.dispose();

    // Encoding on the main thread would stall the timer for the whole encode; off it, ticks keep coming.
    // The bound is relative to the encode time (plus scheduling slack), so it holds on slow and busy machines.
    expect(ticks).toBeGreaterThan(0);
    expect(maxGap).toBeLessThan(Math.max(50, elapsed / 4));
  });
});
