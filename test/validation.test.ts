import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromNative } from '../lib/errors.js';
import {
  DisposedError,
  ImageEmbedding,
  InvalidArgumentError,
  ModelLoadError,
  NativeError,
  Sam2Error,
  Sam2Model,
  connectedComponents,
  type ImageInput,
  type LoadOptions,
  type PredictOptions,
} from '../lib/index.js';
import { readImage } from './helpers/fixtures.js';
import { expectInvalid } from './helpers/expect.js';
import { loadTestModel, testModelDir } from './helpers/model.js';

// Values of the wrong type reach the API from untyped callers; the casts say so.
const untyped = <T>(v: unknown): T => v as T;

describe('native error mapping', () => {
  it.each<[unknown, new (...args: never[]) => Sam2Error, string | undefined]>([
    [new TypeError('points: coordinates must be finite numbers'), InvalidArgumentError, 'points'],
    [new Error('maskInput: expected 16384 values (128x128)'), InvalidArgumentError, 'maskInput'],
    [new Error('model: missing /m/image_encoder.pt'), ModelLoadError, undefined],
    [new Error('disposed: the embedding has been disposed'), DisposedError, undefined],
    [new Error('internal: no typed array for tensor dtype'), NativeError, undefined],
    [new Error('CUDA error: out of memory'), NativeError, undefined],
    [new Error('std::bad_alloc'), NativeError, undefined],
    [new Error('The size of tensor a (3) must match the size of tensor b (4) at dimension 1'), NativeError, undefined],
    ['a thrown string', NativeError, undefined],
  ])('maps %s', (thrown, type, parameter) => {
    const err = fromNative(thrown);
    expect(err).toBeInstanceOf(type);
    expect(err.message).toBe(thrown instanceof Error ? thrown.message : String(thrown));
    expect(err.cause).toBe(thrown);
    if (parameter) expect((err as InvalidArgumentError).parameter).toBe(parameter);
  });

  it('passes typed errors through', () => {
    const err = new DisposedError('the Sam2Model was disposed');
    expect(fromNative(err)).toBe(err);
  });
});

describe('Sam2Model.load arguments', () => {
  it.each([
    ['', 'dir'],
    [42, 'dir'],
    [undefined, 'dir'],
  ])('rejects dir %j', async (dir, parameter) => {
    await expectInvalid(() => Sam2Model.load(untyped<string>(dir)), parameter);
  });

  it.each<[unknown, string]>([
    [null, 'options'],
    ['cpu', 'options'],
    [{ device: 'gpu' }, 'device'],
    [{ device: 'CPU' }, 'device'],
    [{ device: 'cuda:' }, 'device'],
    [{ device: 'cuda:x' }, 'device'],
    [{ device: 'cuda:-1' }, 'device'],
    [{ device: 0 }, 'device'],
    [{ dtype: 'float64' }, 'dtype'],
    [{ dtype: 'fp16' }, 'dtype'],
    [{ dtype: 32 }, 'dtype'],
    [{ threads: 0 }, 'threads'],
    [{ threads: -1 }, 'threads'],
    [{ threads: 1.5 }, 'threads'],
    [{ threads: '2' }, 'threads'],
    [{ threads: Number.NaN }, 'threads'],
  ])('rejects options %j', async (options, parameter) => {
    // The directory need not exist: options are checked first.
    await expectInvalid(() => Sam2Model.load('/nonexistent/model', untyped<LoadOptions>(options)), parameter);
  });

  it('rejects a CUDA device that is not there', async () => {
    await expectInvalid(() => Sam2Model.load(testModelDir(), { device: 'cuda:99' }), 'device');
  });
});

describe('connectedComponents arguments', () => {
  it.each<[unknown, unknown, unknown, string]>([
    [[1, 0, 1, 0], 2, 2, 'mask'],
    [new Float32Array(4), 2, 2, 'mask'],
    [new Int8Array(4), 2, 2, 'mask'],
    [null, 2, 2, 'mask'],
    [new Uint8Array(4), 0, 2, 'width'],
    [new Uint8Array(4), 2.5, 2, 'width'],
    [new Uint8Array(4), '2', 2, 'width'],
    [new Uint8Array(4), 2, -2, 'height'],
    [new Uint8Array(4), 2, Number.NaN, 'height'],
    [new Uint8Array(5), 2, 2, 'mask'],
    [new Uint8Array(3), 2, 2, 'mask'],
  ])('rejects (%o, %o, %o)', async (mask, width, height, parameter) => {
    await expectInvalid(
      () => connectedComponents(untyped<Uint8Array>(mask), untyped<number>(width), untyped<number>(height)),
      parameter,
    );
  });
});

describe('with a model', () => {
  let model: Sam2Model;
  let embedding: ImageEmbedding;
  let image: ImageInput;
  let L: number;

  beforeAll(async () => {
    model = await loadTestModel();
    image = readImage('square');
    embedding = await model.encodeImage(image);
    L = model.info.lowResSize;
  });
  afterAll(() => model?.dispose());

  describe('encodeImage', () => {
    const rgb = (patch: Record<string, unknown>): unknown => ({ ...readImage('wide'), ...patch });

    it.each<[string, () => unknown, string]>([
      ['null', () => null, 'image'],
      ['a string', () => 'square.png', 'image'],
      ['width 0', () => rgb({ width: 0 }), 'width'],
      ['width -640', () => rgb({ width: -640 }), 'width'],
      ['width 640.5', () => rgb({ width: 640.5 }), 'width'],
      ['width "640"', () => rgb({ width: '640' }), 'width'],
      ['height NaN', () => rgb({ height: Number.NaN }), 'height'],
      ['height missing', () => rgb({ height: undefined }), 'height'],
      ['channels 1', () => rgb({ channels: 1 }), 'channels'],
      ['channels 2', () => rgb({ channels: 2 }), 'channels'],
      ['channels 5', () => rgb({ channels: 5 }), 'channels'],
      ['channels "3"', () => rgb({ channels: '3' }), 'channels'],
      ['data as a plain array', () => rgb({ data: Array.from({ length: 640 * 400 * 3 }, () => 0) }), 'data'],
      ['data as a Float32Array', () => rgb({ data: new Float32Array(640 * 400 * 3) }), 'data'],
      ['data as an Int8Array', () => rgb({ data: new Int8Array(640 * 400 * 3) }), 'data'],
      ['data as an ArrayBuffer', () => rgb({ data: new ArrayBuffer(640 * 400 * 3) }), 'data'],
      ['data missing', () => rgb({ data: undefined }), 'data'],
      ['data one byte short', () => rgb({ data: new Uint8Array(640 * 400 * 3 - 1) }), 'data'],
      ['data one byte long', () => rgb({ data: new Uint8Array(640 * 400 * 3 + 1) }), 'data'],
      ['RGB data with channels 4', () => rgb({ channels: 4 }), 'data'],
    ])('rejects %s', async (_, make, parameter) => {
      await expectInvalid(() => model.encodeImage(untyped<ImageInput>(make())), parameter);
    });
  });

  describe('predict', () => {
    const point: PredictOptions = { points: [[154, 164]], labels: [1] };

    it.each<[string, unknown, string]>([
      ['null options', null, 'options'],
      ['options as an array', [[154, 164]], 'options'],
      ['no prompt', {}, 'options'],
      ['empty points and no other prompt', { points: [], labels: [] }, 'options'],
      ['only output options', { multimask: false, returnLogits: true }, 'options'],
      ['points as a string', { points: '154,164', labels: [1] }, 'points'],
      ['a flat points array', { points: [154, 164], labels: [1] }, 'points'],
      ['a point with one coordinate', { points: [[154]], labels: [1] }, 'points'],
      ['a point with three coordinates', { points: [[154, 164, 1]], labels: [1] }, 'points'],
      ['a NaN coordinate', { points: [[Number.NaN, 164]], labels: [1] }, 'points'],
      ['an infinite coordinate', { points: [[154, Number.POSITIVE_INFINITY]], labels: [1] }, 'points'],
      ['a string coordinate', { points: [[154, '164']], labels: [1] }, 'points'],
      ['a sparse points array', { points: new Array(1), labels: [1] }, 'points'],
      ['points without labels', { points: [[154, 164]] }, 'labels'],
      ['labels without points', { box: [0, 0, 10, 10], labels: [1] }, 'labels'],
      ['fewer labels than points', { points: [[1, 2], [3, 4]], labels: [1] }, 'labels'],
      ['more labels than points', { points: [[1, 2]], labels: [1, 0] }, 'labels'],
      ['label 2 (box corners come from box)', { points: [[1, 2]], labels: [2] }, 'labels'],
      ['label -1', { points: [[1, 2]], labels: [-1] }, 'labels'],
      ['label true', { points: [[1, 2]], labels: [true] }, 'labels'],
      ['labels as an Int32Array', { points: [[1, 2]], labels: Int32Array.of(1) }, 'labels'],
      ['a box of 3 numbers', { box: [0, 0, 10] }, 'box'],
      ['a box of 5 numbers', { box: [0, 0, 10, 10, 1] }, 'box'],
      ['a box with NaN', { box: [0, 0, Number.NaN, 10] }, 'box'],
      ['a box with x0 > x1', { box: [20, 0, 10, 10] }, 'box'],
      ['a box with y0 > y1', { box: [0, 20, 10, 10] }, 'box'],
      ['a box as an object', { box: { x0: 0, y0: 0, x1: 1, y1: 1 } }, 'box'],
      ['multimask "yes"', { ...point, multimask: 'yes' }, 'multimask'],
      ['multimask 1', { ...point, multimask: 1 }, 'multimask'],
      ['returnLogits "true"', { ...point, returnLogits: 'true' }, 'returnLogits'],
      ['holeArea -1', { ...point, holeArea: -1 }, 'holeArea'],
      ['holeArea 1.5', { ...point, holeArea: 1.5 }, 'holeArea'],
      ['holeArea NaN', { ...point, holeArea: Number.NaN }, 'holeArea'],
      ['holeArea "8"', { ...point, holeArea: '8' }, 'holeArea'],
      ['holeArea 2^31', { ...point, holeArea: 2 ** 31 }, 'holeArea'],
      ['sprinkleArea -8', { ...point, sprinkleArea: -8 }, 'sprinkleArea'],
      ['sprinkleArea Infinity', { ...point, sprinkleArea: Number.POSITIVE_INFINITY }, 'sprinkleArea'],
    ])('rejects %s', async (_, options, parameter) => {
      await expectInvalid(() => model.predict(embedding, untyped<PredictOptions>(options)), parameter);
    });

    it.each<[string, (L: number) => unknown]>([
      ['of the wrong length', (n) => new Float32Array(n * n - 1)],
      ['of the full image size', () => new Float32Array(512 * 512)],
      ['as a Float64Array', (n) => new Float64Array(n * n)],
      ['as a plain array', (n) => Array.from({ length: n * n }, () => 0)],
      ['with NaN', (n) => new Float32Array(n * n).fill(Number.NaN, 7, 8)],
      ['with -Infinity', (n) => new Float32Array(n * n).fill(Number.NEGATIVE_INFINITY, 0, 1)],
    ])('rejects maskInput %s', async (_, make) => {
      await expectInvalid(() => model.predict(embedding, untyped<PredictOptions>({ maskInput: make(L) })), 'maskInput');
    });

    it.each<[string, unknown]>([
      ['null', null],
      ['a plain object', { width: 512, height: 512 }],
      ['an image', readImage('square')],
    ])('rejects an embedding that is %s', async (_, value) => {
      await expectInvalid(() => model.predict(untyped<ImageEmbedding>(value), point), 'embedding');
    });

    it('rejects an embedding made by another model', async () => {
      const other = await loadTestModel();
      try {
        const foreign = await other.encodeImage(image);
        await expectInvalid(() => model.predict(foreign, point), 'embedding');
        foreign.dispose();
      } finally {
        other.dispose();
      }
    });

    it.each<[string, (L: number) => PredictOptions]>([
      ['points outside the image', () => ({ points: [[-50, 1e4], [513, -0.5]], labels: [1, 0] })],
      ['only negative points', () => ({ points: [[10, 10]], labels: [0] })],
      ['a box of zero size', () => ({ box: [100, 100, 100, 100] })],
      ['a box beyond the image', () => ({ box: [-100, -100, 1000, 1000] })],
      ['a box and empty points', () => ({ box: [10, 10, 100, 100], points: [], labels: [] })],
      ['only a maskInput', (n) => ({ maskInput: new Float32Array(n * n).fill(-40, 0, n * 8) })],
      ['areas of 0', () => ({ ...point, holeArea: 0, sprinkleArea: 0 })],
    ])('accepts %s', async (_, make) => {
      const r = await model.predict(embedding, make(L));
      expect(r.masks.length).toBe(r.count * image.width * image.height);
    });
  });
});
