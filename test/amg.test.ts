// generateMasks: option validation, sources (pixels or embedding), output modes, progress; and the C++ unit tests
// of the generator's torch-free pieces (test/native/amg_test.cpp). Parity is test/amg.parity.test.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DisposedError,
  InvalidArgumentError,
  rleToMask,
  type GenerateMasksOptions,
  type ImageEmbedding,
  type Sam2Model,
  type UncompressedRle,
} from '../lib/index.js';
import { readImage } from './helpers/fixtures.js';
import { expectInvalid } from './helpers/expect.js';
import { loadTestModel } from './helpers/model.js';
import { repoRoot } from './helpers/paths.js';

const untyped = <T>(v: unknown): T => v as T;
// Small and unfiltered: 16 points, every mask kept, a fraction of a second.
const SMALL: GenerateMasksOptions = { pointsPerSide: 4, predIouThresh: 0, stabilityScoreThresh: 0, boxNmsThresh: 1 };

describe('generateMasks', () => {
  let model: Sam2Model;
  let embedding: ImageEmbedding;
  const image = readImage('wide');

  beforeAll(async () => {
    model = await loadTestModel();
    embedding = await model.encodeImage(image);
  });
  afterAll(() => model?.dispose());

  it.each<[string, unknown]>([
    ['pointsPerSide', 0],
    ['pointsPerSide', 2.5],
    ['pointsPerBatch', 0],
    ['predIouThresh', Number.NaN],
    ['stabilityScoreThresh', '0.9'],
    ['cropNLayers', -1],
    ['cropNLayers', 9],
    ['cropOverlapRatio', 1.5],
    ['cropNPointsDownscaleFactor', 0],
    ['minMaskRegionArea', -1],
    ['useM2m', 1],
    ['multimask', 'yes'],
    ['outputMode', 'binary_mask'],
    ['onProgress', 'log'],
    ['pointGrids', [[[0.5, 0.5]], [[0.5, 0.5]]]], // two grids for one layer
  ])('rejects %s = %j', async (key, value) => {
    await expectInvalid(() => model.generateMasks(image, untyped({ [key]: value })), key);
  });

  it('names the bad point of a grid, unknown options, and conflicting ones', async () => {
    await expectInvalid(() => model.generateMasks(image, { pointGrids: [[[0.5, 0.5], untyped([1])]] }), 'pointGrids[0][1]');
    await expectInvalid(() => model.generateMasks(image, untyped({ pointsPerSides: 8 })), 'pointsPerSides');
    await expectInvalid(() => model.generateMasks(image, { pointsPerSide: 4, pointGrids: [[[0.5, 0.5]]] }), 'pointGrids');
    await expectInvalid(
      () => model.generateMasks(image, { pointsPerSide: 2, cropNLayers: 1, cropNPointsDownscaleFactor: 4 }),
      'cropNPointsDownscaleFactor',
    );
    await expectInvalid(() => model.generateMasks(untyped({ width: 0 }), SMALL), 'width');
    await expectInvalid(() => model.generateMasks(image, untyped('all')), 'options');
  });

  it('allows crops only with pixels, since each crop is encoded', async () => {
    await expectInvalid(() => model.generateMasks(embedding, { ...SMALL, cropNLayers: 1 }), 'cropNLayers');
  });

  it('gives the same records from the pixels and from their embedding, in all three output modes', async () => {
    const fromPixels = await model.generateMasks(image, SMALL);
    const fromEmbedding = await model.generateMasks(embedding, { ...SMALL, outputMode: 'rle' });
    const coco = await model.generateMasks(embedding, { ...SMALL, outputMode: 'coco-rle' });
    expect(fromPixels.length).toBe(48); // 16 points x 3 hypotheses
    expect(fromEmbedding.length).toBe(48);
    fromPixels.forEach((r, i) => {
      const e = fromEmbedding[i];
      expect(e.bbox).toEqual(r.bbox);
      expect(e.predictedIou).toBeCloseTo(r.predictedIou, 5);
      expect(r.mask?.length).toBe(image.width * image.height);
      expect(r.rle).toBeUndefined();
      expect(e.mask).toBeUndefined();
      const runs = e.rle as UncompressedRle;
      expect(runs.counts).toBeInstanceOf(Uint32Array);
      expect(r.area).toBe(runs.counts.reduce((sum, v, k) => (k % 2 ? sum + v : sum), 0));
      // Buffer.equals: vitest's deep equality is far too slow for 256k-element arrays.
      const fromRuns = Buffer.from(rleToMask({ size: runs.size, counts: Array.from(runs.counts) }));
      expect(fromRuns.equals(r.mask ?? new Uint8Array())).toBe(true);
      expect(fromRuns.equals(rleToMask({ size: runs.size, counts: coco[i].rle?.counts as string }))).toBe(true);
    });
  });

  it('reports progress per decoder batch', async () => {
    const calls: [number, number][] = [];
    await model.generateMasks(embedding, { ...SMALL, pointsPerBatch: 5, onProgress: (d, t) => calls.push([d, t]) });
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every(([, total]) => total === 4)).toBe(true); // ceil(16 / 5)
    expect(calls.map(([done]) => done)).toEqual([...calls.map(([done]) => done)].sort((a, b) => a - b));
    expect(calls.at(-1)).toEqual([4, 4]);
    const count = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.length).toBe(count); // nothing after the promise resolved
  });

  it('keeps going when onProgress throws', async () => {
    const warned = new Promise((resolve) => process.once('warning', resolve));
    const records = await model.generateMasks(embedding, {
      ...SMALL,
      onProgress: () => {
        throw new Error('boom');
      },
    });
    expect(records.length).toBe(48);
    expect(String(await warned)).toContain('boom');
  });

  it('rejects a disposed embedding', async () => {
    const other = await model.encodeImage(image);
    other.dispose();
    await expect(model.generateMasks(other, SMALL)).rejects.toBeInstanceOf(DisposedError);
  });
});

// The torch-free C++ pieces on synthetic inputs, compiled on the spot (a few seconds) where a compiler exists.
const compiler = spawnSync('g++', ['--version']).status === 0;
describe.skipIf(!compiler)('amg C++ unit tests', () => {
  it('NMS, stability score, boxes, crop boxes and crop-edge filter, RLE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sam2-amg-'));
    try {
      const exe = join(dir, 'amg_test');
      const sources = ['geometry', 'nms', 'rle', 'mask_stats'].map((f) => join(repoRoot, 'cpp/core/amg', `${f}.cpp`));
      execFileSync('g++', ['-std=c++17', '-O1', `-I${join(repoRoot, 'cpp')}`, join(repoRoot, 'test/native/amg_test.cpp'), ...sources, '-o', exe]);
      const out = spawnSync(exe, { encoding: 'utf8' });
      expect(out.stdout).toContain('all passed');
      expect(out.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
