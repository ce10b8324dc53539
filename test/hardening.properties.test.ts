// Property-based checks over the public API's inputs (fast-check): random shapes and types, NaN and infinities,
// huge and negative numbers, unknown option names, detached and shared buffers. Every call either answers like a
// known-good call on the same data, or fails with an InvalidArgumentError naming one of its parameters; never
// another error, a crash or a hang. A fixed seed and few runs keep `npm test` short; `npm run test:fuzz` raises the
// run count (SAM2_FUZZ_RUNS) and draws a new seed each time (printed by fast-check on failure).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  ModelLoadError,
  Sam2Model,
  connectedComponents,
  maskToRle,
  renderOverlay,
  rleToMask,
  type ImageEmbedding,
  type ImageInput,
  type Prediction,
} from '../lib/index.js';
import { referenceAreas } from './helpers/components.js';
import { expectSamePrediction } from './helpers/expect.js';
import { readImage } from './helpers/fixtures.js';
import { loadTestModel } from './helpers/model.js';

const fuzzRuns = Number(process.env.SAM2_FUZZ_RUNS ?? 0);
/** `runs` in `npm test`, SAM2_FUZZ_RUNS (scaled the same) in a fuzzing run, with a fixed seed unless fuzzing. */
function params(runs: number): fc.Parameters<unknown> {
  return fuzzRuns > 0 ? { numRuns: Math.ceil((fuzzRuns * runs) / 100) } : { numRuns: runs, seed: 20261207 };
}

// --- generators -------------------------------------------------------------------------------------------------

/** Numbers a hostile caller sends: NaN, infinities, huge, negative, fractional, -0, and ordinary ones. */
const number = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 2 ** 31, 2 ** 53, 1e39, -1e39, Number.MAX_VALUE, 1e-300),
  fc.integer({ min: -5, max: 600 }),
  fc.double({ noNaN: false }),
);

/** A value of any type, numbers weighted towards the hostile ones. */
const anyValue = fc.oneof(number, fc.anything(), fc.constantFrom(undefined, null, true, '3', [], {}));

/** Uint8 bytes of `length` in every container a caller might use, most of them wrong. */
function bytes(length: number): fc.Arbitrary<unknown> {
  // Sides drawn from hostile numbers multiply to lengths no array can have: those calls fail on the sides anyway.
  const n = Number.isSafeInteger(length) && length >= 0 && length <= 1 << 16 ? length : 16;
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(null).map(() => new Uint8Array(n).fill(1)) },
    fc.constant(null).map(() => new Uint8ClampedArray(n)),
    fc.constant(null).map(() => shared(n)),
    fc.constant(null).map(() => detached(n)),
    fc.constant(null).map(() => new Uint8Array(n + 1)),
    fc.constant(null).map(() => new Float32Array(n)),
    fc.constant(null).map(() => new Int8Array(n)),
    fc.constant(null).map(() => Array.from({ length: Math.min(n, 64) }, () => 1)),
    fc.constant(null).map(() => new ArrayBuffer(n)),
    anyValue,
  );
}

function shared(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n)).fill(1);
}

function detached(n: number): Uint8Array {
  const view = new Uint8Array(n);
  structuredClone(view.buffer, { transfer: [view.buffer] });
  // fast-check prints counterexamples by iterating them, which a detached array refuses.
  Object.defineProperty(view, fc.toStringMethod, { value: () => `detached Uint8Array(${n})` });
  return view;
}

/** An options object: some known keys with good or hostile values, sometimes an unknown key. */
function options(known: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const record = fc.record(
    Object.fromEntries(
      Object.entries(known).map(([k, good]) => [k, fc.oneof({ weight: 3, arbitrary: good }, anyValue)]),
    ),
    { requiredKeys: [] },
  );
  const unknownKey = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('multiMask', 'Box', 'point'));
  return fc.oneof(
    { weight: 4, arbitrary: record },
    fc.tuple(record, unknownKey, anyValue).map(([r, k, v]) => (k in known ? r : { ...r, [k]: v })),
  ) as fc.Arbitrary<Record<string, unknown>>;
}

const coordinate = fc.oneof({ weight: 5, arbitrary: fc.double({ min: -50, max: 600, noNaN: true }) }, number);
const point = fc.oneof({ weight: 5, arbitrary: fc.tuple(coordinate, coordinate) }, anyValue);
const box = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(coordinate, coordinate, coordinate, coordinate)
      .map(([a, b, c, d]) => [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)]),
  },
  fc.array(coordinate, { maxLength: 5 }),
  anyValue,
);
const side = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 24 }) }, number, anyValue);

/** `[width, height, channels]` of a valid image with sides up to `max`. */
const imageShape = (max: number) =>
  fc.tuple(fc.integer({ min: 1, max }), fc.integer({ min: 1, max }), fc.constantFrom(3 as const, 4 as const));

/** Mostly `value`, sometimes one of `other`. */
const mostly = (value: unknown, other: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(value) }, other);

// --- the property -----------------------------------------------------------------------------------------------

const NO_ANSWER = Symbol('no answer');

/**
 * Runs `call`; a failure must be an InvalidArgumentError whose parameter is one of `parameters` (or an unknown
 * key of `given`), named first in its message. Resolves to the result, or NO_ANSWER after an accepted failure.
 */
async function typedOutcome<T>(
  call: () => T | Promise<T>,
  parameters: readonly string[],
  given: object[] = [],
): Promise<T | typeof NO_ANSWER> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the call neither answered nor failed in 60 s')), 60_000);
  });
  try {
    return await Promise.race([Promise.resolve().then(call), hang]);
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    const unknownKeys = given.flatMap((o) => (o && typeof o === 'object' ? Object.keys(o) : []));
    const names = [...parameters, ...unknownKeys, ...unknownKeys.map((k) => `batch.${k}`)];
    expect(names, err.message).toContain(err.parameter);
    expect(err.message.startsWith(`${err.parameter}: `)).toBe(true);
    return NO_ANSWER;
  } finally {
    clearTimeout(timer);
  }
}

const IMAGE_PARAMETERS = ['image', 'data', 'width', 'height', 'channels'];

describe('properties without a model', () => {
  it('connectedComponents: labels as the flood-fill reference, or names mask, width or height', async () => {
    const input = side.chain((w) =>
      side.chain((h) => fc.tuple(fc.constant(w), fc.constant(h), bytes(Number(w) * Number(h) || 0))),
    );
    await fc.assert(
      fc.asyncProperty(input, fc.integer(), async ([w, h, mask], seed) => {
        if (mask instanceof Uint8Array) for (let i = 0; i < mask.length; i++) mask[i] = (seed >> (i % 31)) & 1;
        const call = () => connectedComponents(mask as Uint8Array, w as number, h as number);
        const r = await typedOutcome(call, ['mask', 'width', 'height']);
        if (r === NO_ANSWER) return;
        const bytesIn = mask as Uint8Array;
        const { areas } = referenceAreas(Uint8Array.from(bytesIn, (v) => (v ? 1 : 0)), w as number, h as number);
        expect(Array.from(r.areas)).toEqual(Array.from(areas));
      }),
      params(60),
    );
  });

  it('maskToRle and rleToMask: a round trip gives the mask back, or names the parameter', async () => {
    const input = side.chain((w) =>
      side.chain((h) => fc.tuple(fc.constant(w), fc.constant(h), bytes(Number(w) * Number(h) || 0))),
    );
    await fc.assert(
      fc.asyncProperty(input, async ([w, h, mask]) => {
        const call = () => maskToRle(mask as Uint8Array, w as number, h as number);
        const rle = await typedOutcome(call, ['mask', 'width', 'height']);
        if (rle === NO_ANSWER) return;
        const back = rleToMask(rle);
        expect(Array.from(back)).toEqual(Array.from(mask as Uint8Array, (v) => (v ? 1 : 0)));
      }),
      params(60),
    );
  });

  it('rleToMask: a mask of size[0] * size[1] bytes, or names rle, rle.size or rle.counts', async () => {
    const counts = fc.oneof(fc.string({ maxLength: 20 }), fc.array(number, { maxLength: 8 }), anyValue);
    const rle = fc.oneof(fc.record({ size: fc.oneof(fc.tuple(side, side), anyValue), counts }), anyValue);
    await fc.assert(
      fc.asyncProperty(rle, async (value) => {
        const parameters = ['rle', 'rle.size', 'rle.counts'];
        const r = await typedOutcome(() => rleToMask(value as never), parameters);
        if (r === NO_ANSWER) return;
        const [height, width] = (value as { size: [number, number] }).size;
        expect(r.length).toBe(height * width);
      }),
      params(100),
    );
  });

  it('renderOverlay: an image of the input size that leaves the input alone, or names the parameter', async () => {
    const overlay = options({
      points: fc.array(point, { maxLength: 4 }),
      labels: fc.array(fc.constantFrom(0, 1), { maxLength: 4 }),
      box,
      colors: fc.array(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)), { maxLength: 2 }),
      alpha: fc.double({ min: 0, max: 1, noNaN: true }),
      outline: fc.boolean(),
    });
    const input = imageShape(12).chain(([w, h, c]) =>
      fc.tuple(
        fc.record({ data: bytes(w * h * c), width: mostly(w, side), height: fc.constant(h), channels: fc.constant(c) }),
        fc.array(bytes(w * h), { maxLength: 2 }),
        overlay,
      ),
    );
    await fc.assert(
      fc.asyncProperty(input, async ([image, masks, opts]) => {
        const before = image.data instanceof Uint8Array && image.data.byteLength > 0 ? image.data.slice() : undefined;
        const parameters = [
          ...IMAGE_PARAMETERS,
          ...['masks', 'masks[0]', 'masks[1]', 'options', 'points', 'labels', 'box', 'colors', 'alpha', 'outline'],
        ];
        const call = () => renderOverlay(image as ImageInput, masks as Uint8Array[], opts);
        const r = await typedOutcome(call, parameters, [opts]);
        if (r === NO_ANSWER) return;
        const { width, height, channels } = image as ImageInput;
        expect([r.width, r.height, r.channels]).toEqual([width, height, channels]);
        expect(r.data.length).toBe(width * height * channels);
        if (before) expect(image.data).toEqual(before);
      }),
      params(100),
    );
  });

  it('Sam2Model.load: names an option, or reaches the directory (ModelLoadError)', async () => {
    const load = options({
      device: fc.constantFrom('cpu', 'cuda', 'cuda:1', 'gpu'),
      dtype: fc.constantFrom('float32', 'float16', 'bfloat16', 'fp8'),
      threads: fc.integer({ min: -1, max: 8 }),
      batch: options({ maxSize: fc.integer({ min: -1, max: 8 }), maxWaitMs: fc.double({ min: -1, max: 50 }) }),
    });
    await fc.assert(
      fc.asyncProperty(load, async (opts) => {
        const parameters = ['options', 'device', 'dtype', 'threads', 'batch', 'batch.maxSize', 'batch.maxWaitMs'];
        const given = [opts, opts.batch as object];
        const call = () =>
          Sam2Model.load('/nonexistent/sam2-model', opts).then(
            () => expect.unreachable('loaded a directory that does not exist'),
            (err: unknown) => {
              if (!(err instanceof ModelLoadError)) throw err;
            },
          );
        await typedOutcome(call, parameters, given);
      }),
      params(100),
    );
  });
});

describe('properties with a model', () => {
  let model: Sam2Model;
  let image: ImageInput;
  let embedding: ImageEmbedding;

  beforeAll(async () => {
    model = await loadTestModel();
    image = readImage('square');
    embedding = await model.encodeImage(image);
  });
  afterAll(() => model?.dispose());

  it('encodeImage: the same embedding as the bytes in a plain Uint8Array, or names the parameter', async () => {
    const input = imageShape(40).chain(([w, h, c]) =>
      fc.oneof(
        {
          weight: 5,
          arbitrary: fc.record({
            data: bytes(w * h * c),
            width: mostly(w, side),
            height: mostly(h, side),
            channels: mostly(c, anyValue),
          }),
        },
        anyValue,
      ),
    );
    const prompt = { points: [[3, 2]] as [number, number][], labels: [1] };
    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        const e = await typedOutcome(() => model.encodeImage(value as ImageInput), IMAGE_PARAMETERS);
        if (e === NO_ANSWER) return;
        const { data, width, height, channels } = value as ImageInput;
        const reference = await model.encodeImage({ data: Uint8Array.from(data), width, height, channels });
        expectSamePrediction(await model.predict(e, prompt), await model.predict(reference, prompt));
        e.dispose();
        reference.dispose();
      }),
      params(12),
    );
  });

  it('predict: the same as a deep copy of the prompt, or names the parameter', async () => {
    const L = model.info.lowResSize;
    const predict = options({
      points: fc.array(point, { maxLength: 5 }),
      labels: fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(0, 1) }, anyValue), { maxLength: 5 }),
      box,
      maskInput: fc.oneof(
        fc.constant(null).map(() => new Float32Array(L * L)),
        fc.constant(null).map(() => new Float32Array(L * L).fill(Number.NaN)),
        bytes(L * L),
      ),
      multimask: fc.boolean(),
      returnLogits: fc.boolean(),
      holeArea: fc.integer({ min: -1, max: 50 }),
      sprinkleArea: fc.integer({ min: -1, max: 50 }),
    });
    const parameters = [
      ...['embedding', 'options', 'points', 'labels', 'box', 'maskInput'],
      ...['multimask', 'returnLogits', 'holeArea', 'sprinkleArea'],
    ];
    await fc.assert(
      fc.asyncProperty(predict, async (opts) => {
        const r = await typedOutcome(() => model.predict(embedding, opts as never), parameters, [opts]);
        if (r === NO_ANSWER) return;
        const copy = { ...opts } as Record<string, unknown>;
        for (const k of ['points', 'labels', 'box']) if (Array.isArray(copy[k])) copy[k] = structuredClone(copy[k]);
        expectSamePrediction(r, await model.predict(embedding, copy as never));
        expectShape(r, image);
      }),
      params(40),
    );
  });

  it('createTracker and addPoints: a tracker, or names the option', async () => {
    const tracker = options({
      fillHoleArea: fc.integer({ min: -1, max: 20 }),
      nonOverlap: fc.boolean(),
      maxCachedFrames: fc.integer({ min: 0, max: 4 }),
      maxMemoryFrames: fc.integer({ min: 0, max: 4 }),
    });
    const prompt = options({
      frame: fc.integer({ min: -1, max: 2 }),
      objectId: fc.integer({ min: -2, max: 3 }),
      points: fc.array(point, { maxLength: 3 }),
      labels: fc.array(fc.constantFrom(0, 1), { maxLength: 3 }),
      box,
      clearOld: fc.boolean(),
    });
    const trackerParameters = ['options', 'fillHoleArea', 'nonOverlap', 'maxCachedFrames', 'maxMemoryFrames'];
    const promptParameters = ['options', 'frame', 'objectId', 'points', 'labels', 'box', 'clearOld'];
    const frame = { ...image, data: Uint8Array.from(image.data) };
    await fc.assert(
      fc.asyncProperty(tracker, prompt, async (trackerOptions, promptOptions) => {
        const t = await typedOutcome(() => model.createTracker(trackerOptions), trackerParameters, [trackerOptions]);
        if (t === NO_ANSWER) return;
        try {
          await t.track(frame);
          const r = await typedOutcome(() => t.addPoints(promptOptions as never), promptParameters, [promptOptions]);
          if (r !== NO_ANSWER) expect(r.objectIds).toContain(promptOptions.objectId);
        } finally {
          t.dispose();
        }
      }),
      params(12),
    );
  });

  it('createVideoSession and propagate: frames, or names the option', async () => {
    const session = options({
      fillHoleArea: fc.integer({ min: -1, max: 20 }),
      nonOverlap: fc.boolean(),
      maxCachedFrames: fc.integer({ min: 0, max: 4 }),
    });
    const propagate = options({
      start: fc.integer({ min: -1, max: 2 }),
      maxFrames: fc.integer({ min: -1, max: 2 }),
      reverse: fc.boolean(),
      signal: fc.constant(new AbortController().signal),
    });
    const sessionParameters = ['options', 'fillHoleArea', 'nonOverlap', 'maxCachedFrames'];
    const propagateParameters = ['options', 'start', 'maxFrames', 'reverse', 'signal'];
    const frames = [image, image].map((f) => ({ ...f, data: Uint8Array.from(f.data) }));
    await fc.assert(
      fc.asyncProperty(session, propagate, async (sessionOptions, propagateOptions) => {
        const s = await typedOutcome(() => model.createVideoSession(frames, sessionOptions), sessionParameters, [
          sessionOptions,
        ]);
        if (s === NO_ANSWER) return;
        try {
          await s.addPoints({ frame: 0, objectId: 1, points: [[4, 4]], labels: [1] });
          const seen = await typedOutcome(async () => {
            const out: number[] = [];
            for await (const r of s.propagate(propagateOptions as never)) out.push(r.frame);
            return out;
          }, propagateParameters, [propagateOptions]);
          if (seen !== NO_ANSWER) for (const f of seen) expect([0, 1]).toContain(f);
        } finally {
          s.dispose();
        }
      }),
      params(10),
    );
  });
});

function expectShape(r: Prediction, image: ImageInput): void {
  expect(r.masks.length).toBe(r.count * image.width * image.height);
  expect(r.scores.length).toBe(r.count);
}
