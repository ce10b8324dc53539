// Micro-batching of concurrent encodeImage calls: the queue's scheduling on its own, then batched encodes through the
// public API against the same images encoded one by one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, type ImageInput, type PredictOptions, type Sam2Model } from '../lib/index.js';
import { EncodeQueue } from '../lib/encode_queue.js';
import { expectSamePrediction } from './helpers/expect.js';
import { readImage } from './helpers/fixtures.js';
import { loadTestModel } from './helpers/model.js';

/** A queue whose "encoder" records each batch and returns the inputs doubled after `ms`. */
function recordingQueue(options: { maxSize: number; maxWaitMs: number; concurrency: number }, ms = 5) {
  const batches: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const queue = new EncodeQueue<number, number>(async (inputs) => {
    batches.push(inputs);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await new Promise((r) => setTimeout(r, ms));
    inFlight--;
    if (inputs.includes(-1)) throw new Error('bad batch');
    return inputs.map((x) => 2 * x);
  }, options);
  return { queue, batches, maxInFlight: () => maxInFlight };
}

describe('EncodeQueue', () => {
  it('fills a batch up to maxSize, and what waited for it goes at once', async () => {
    const { queue, batches } = recordingQueue({ maxSize: 3, maxWaitMs: 1000, concurrency: 1 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((x) => queue.push(x)));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('waits up to maxWaitMs on an idle model for calls to batch with', async () => {
    const { queue, batches } = recordingQueue({ maxSize: 8, maxWaitMs: 40, concurrency: 1 });
    const first = queue.push(1);
    await new Promise((r) => setTimeout(r, 5));
    const second = queue.push(2);
    expect(await Promise.all([first, second])).toEqual([2, 4]);
    expect(batches).toEqual([[1, 2]]);
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    const { queue, batches, maxInFlight } = recordingQueue({ maxSize: 1, maxWaitMs: 0, concurrency: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((x) => queue.push(x)));
    expect(batches).toEqual([[1], [2], [3], [4], [5]]);
    expect(maxInFlight()).toBe(2);
  });

  it('rejects every call of a failed batch and goes on with the next', async () => {
    const { queue, batches } = recordingQueue({ maxSize: 2, maxWaitMs: 1000, concurrency: 1 });
    const settled = await Promise.allSettled([1, -1, 3].map((x) => queue.push(x)));
    expect(batches).toEqual([[1, -1], [3]]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });
});

describe('encodeImage with batch options', () => {
  let single: Sam2Model;
  let batched: Sam2Model;
  let images: ImageInput[];
  const prompt: PredictOptions = { points: [[191.5, 128.25]], labels: [1] };

  beforeAll(async () => {
    single = await loadTestModel();
    batched = await loadTestModel({ batch: { maxSize: 4, maxWaitMs: 50 } });
    const square = readImage('square');
    const wide = readImage('wide');
    // Two sizes and a mirrored copy of each: four different images, resized separately before batching.
    const mirrored = (img: ImageInput): ImageInput => {
      const data = new Uint8Array(img.data.length);
      const row = img.width * img.channels;
      for (let y = 0; y < img.height; y++) data.set(img.data.subarray(y * row, (y + 1) * row), (img.height - 1 - y) * row);
      return { ...img, data };
    };
    images = [square, wide, mirrored(square), mirrored(wide)];
  });
  afterAll(() => {
    single?.dispose();
    batched?.dispose();
  });

  it('gives the same predictions as encoding each image alone', async () => {
    const embeddings = await Promise.all(images.map((image) => batched.encodeImage(image)));
    for (const [i, embedding] of embeddings.entries()) {
      expect([embedding.width, embedding.height]).toEqual([images[i].width, images[i].height]);
      const alone = await single.encodeImage(images[i]);
      expectSamePrediction(await batched.predict(embedding, prompt), await single.predict(alone, prompt));
      alone.dispose();
    }
    // Each embedding owns its memory: disposing one leaves the others usable.
    embeddings[0].dispose();
    expect((await batched.predict(embeddings[1], prompt)).count).toBe(3);
    embeddings.slice(1).forEach((e) => e.dispose());
  });

  it('rejects bad batch options', async () => {
    await expect(loadTestModel({ batch: { maxSize: 0 } })).rejects.toThrow(InvalidArgumentError);
    await expect(loadTestModel({ batch: { maxWaitMs: -1 } })).rejects.toThrow(InvalidArgumentError);
    await expect(loadTestModel({ batch: 4 as never })).rejects.toThrow(InvalidArgumentError);
  });
});
