import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { EncodeQueue } from '../lib/encode_queue.js';
import { DisposedError, type Sam2Model } from '../lib/index.js';
import { readImage } from './helpers/fixtures.js';
import { loadTestModel } from './helpers/model.js';

describe('EncodeQueue', () => {
  it('rejects a call whose encoder throws synchronously, and runs later calls', async () => {
    let calls = 0;
    const queue = new EncodeQueue<number, number>(
      (inputs) => {
        calls++;
        if (inputs[0] < 0) throw new Error('refused at once');
        return Promise.resolve(inputs.map((x) => x * 2));
      },
      { maxSize: 1, maxWaitMs: 0, concurrency: 1 },
    );
    await expect(queue.push(-1)).rejects.toThrow('refused at once');
    await expect(queue.push(3)).resolves.toBe(6);
    expect(calls).toBe(2);
  });

  it('rejects a synchronous throw from a timer-started batch instead of throwing from the timer', async () => {
    const queue = new EncodeQueue<number, number>(
      () => {
        throw new Error('refused at once');
      },
      { maxSize: 4, maxWaitMs: 5, concurrency: 1 },
    );
    const results = await Promise.allSettled([queue.push(1), queue.push(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('close() settles every waiting call with its error and refuses later ones', async () => {
    const queue = new EncodeQueue<number, number>(() => new Promise<number[]>(() => {}), {
      maxSize: 1,
      maxWaitMs: 0,
      concurrency: 1,
    });
    void queue.push(0); // runs, never settles
    const waiting = [queue.push(1), queue.push(2)];
    queue.close(() => new DisposedError('closed'));
    for (const call of waiting) await expect(call).rejects.toThrow(DisposedError);
    await expect(queue.push(3)).rejects.toThrow(DisposedError);
  });
});

describe('Sam2Model.dispose with encodes queued', () => {
  let model: Sam2Model | undefined;
  afterEach(() => model?.dispose());

  it('settles encodes waiting for a batch with DisposedError, and its timer does not fire', async () => {
    model = await loadTestModel({ batch: { maxSize: 8, maxWaitMs: 50 } });
    const image = readImage('square');
    const calls = [model.encodeImage(image), model.encodeImage(image), model.encodeImage(image)];
    model.dispose();
    const results = await Promise.allSettled(calls);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(DisposedError);
    }
    // Past the batch timer: an uncaught error from it would fail this test file.
    await new Promise((resolve) => setTimeout(resolve, 100));
  });

  it('lets the running encode finish and settles the waiting ones with DisposedError', async () => {
    // Every core per call: one encode runs at a time and the others wait in the queue.
    model = await loadTestModel({ threads: availableParallelism() });
    const image = readImage('square');
    const [running, ...waiting] = [model.encodeImage(image), model.encodeImage(image), model.encodeImage(image)];
    model.dispose();
    for (const call of waiting) await expect(call).rejects.toThrow(DisposedError);
    const embedding = await running;
    expect(embedding.width).toBe(image.width);
    embedding.dispose();
  });
});
