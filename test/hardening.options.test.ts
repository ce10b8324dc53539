// Every options object of the public API rejects names it does not know, naming the key and the nearest valid one,
// so a typo such as `multiMask` fails instead of being silently ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  Sam2Model,
  renderOverlay,
  type ImageEmbedding,
  type ImageInput,
  type VideoSession,
} from '../lib/index.js';
import { checkKnownKeys } from '../lib/validate.js';
import { readImage } from './helpers/fixtures.js';
import { loadTestModel, testModelDir } from './helpers/model.js';
import { readVideoFrames } from './helpers/video_fixtures.js';

// Values of the wrong shape reach the API from untyped callers; the casts say so.
const untyped = <T>(v: unknown): T => v as T;

/** Asserts that `call` fails (throws or rejects) naming `key` and suggesting `nearest`. */
async function expectUnknownKey(call: () => unknown, key: string, nearest: string): Promise<void> {
  const err = await Promise.resolve()
    .then(call)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err, `expected ${key} to be refused`).toBeInstanceOf(InvalidArgumentError);
  expect((err as InvalidArgumentError).parameter).toBe(key);
  expect((err as Error).message).toBe(`${key}: unknown option; did you mean '${nearest}'?`);
}

describe('checkKnownKeys', () => {
  it('lists the known keys when none is close', () => {
    expect(() => checkKnownKeys({ zebra: 1 }, ['alpha', 'outline'])).toThrow(
      "zebra: unknown option; expected one of alpha, outline",
    );
  });

  it('rejects a very long key, listing the known ones (no name is near it)', () => {
    const key = 'x'.repeat(1_000_000);
    expect(() => checkKnownKeys({ [key]: 1 }, ['alpha'])).toThrow(/expected one of alpha/);
  });
});

describe('unknown option names', () => {
  let model: Sam2Model;
  let image: ImageInput;
  let embedding: ImageEmbedding;
  let session: VideoSession;
  const click = { frame: 0, objectId: 1, points: [[100, 100]] as [number, number][], labels: [1] };

  beforeAll(async () => {
    model = await loadTestModel();
    image = readImage('square');
    embedding = await model.encodeImage(image);
    session = await model.createVideoSession(readVideoFrames().slice(0, 2));
  });
  afterAll(() => {
    session?.dispose();
    model?.dispose();
  });

  const frames = () => readVideoFrames().slice(0, 1);
  it.each<[string, () => unknown, string, string]>([
    ['Sam2Model.load', () => Sam2Model.load(testModelDir(), untyped({ devcie: 'cpu' })), 'devcie', 'device'],
    ['LoadOptions.batch', () => Sam2Model.load(testModelDir(), untyped({ batch: { maxsize: 2 } })), 'batch.maxsize', 'maxSize'],
    ['predict', () => model.predict(embedding, untyped({ points: [[1, 2]], labels: [1], multiMask: false })), 'multiMask', 'multimask'],
    ['renderOverlay', () => renderOverlay(image, [], untyped({ colours: [] })), 'colours', 'colors'],
    ['createVideoSession', () => model.createVideoSession(frames(), untyped({ nonOverlapping: true })), 'nonOverlapping', 'nonOverlap'],
    ['createTracker', () => model.createTracker(untyped({ maxMemoryFrame: 4 })), 'maxMemoryFrame', 'maxMemoryFrames'],
    ['VideoSession.addPoints', () => session.addPoints(untyped({ ...click, clearOlds: true })), 'clearOlds', 'clearOld'],
    ['VideoSession.addMask', () => session.addMask(untyped({ frame: 0, objectId: 1, masks: [] })), 'masks', 'mask'],
    ['VideoSession.propagate', () => session.propagate(untyped({ revers: true })).next(), 'revers', 'reverse'],
  ])('%s', async (_, call, key, nearest) => {
    await expectUnknownKey(call, key, nearest);
  });
});
