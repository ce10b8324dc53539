// Parity with the official SAM2AutomaticMaskGenerator (shared/parity/mini/amg): every record, in order, for nine
// option sets, through the public API. Tolerances are the fixtures' README values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rleToMask, type GenerateMasksOptions, type MaskRecord, type Sam2Model } from '../lib/index.js';
import { maskIou } from './helpers/compare.js';
import { decodePng, type DecodedImage } from './helpers/png.js';
import { loadTestModel, testDtype } from './helpers/model.js';
import { parityDir } from './helpers/paths.js';

const TOL = { iou: 1e-3, stability: 5e-3, areaFraction: 0.01, box: 2, maskIou: 0.99 };

interface OfficialRecord {
  area: number;
  bbox: number[];
  predicted_iou: number;
  stability_score: number;
  point_coords: number[][];
  crop_box: number[];
}

interface OfficialCase {
  image: string;
  image_hw: [number, number];
  options: Record<string, number | boolean>;
  masks_file?: string;
  masks_stored?: number;
  records: OfficialRecord[];
}

const index = JSON.parse(readFileSync(join(parityDir, 'amg', 'index.json'), 'utf8')) as {
  cases: { case: string; file: string }[];
};

const camel = (key: string): string =>
  key === 'multimask_output' ? 'multimask' : key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function optionsOf(c: OfficialCase): GenerateMasksOptions {
  return Object.fromEntries(Object.entries(c.options).map(([k, v]) => [camel(k), v])) as GenerateMasksOptions;
}

/** The stored masks: np.packbits of uint8 H x W masks, concatenated, MSB first. */
function storedMask(bits: Buffer, index: number, plane: number): Uint8Array {
  const mask = new Uint8Array(plane);
  const start = index * plane;
  for (let p = 0; p < plane; p++) mask[p] = (bits[(start + p) >> 3] >> (7 - ((start + p) & 7))) & 1;
  return mask;
}

function matches(actual: MaskRecord, expected: OfficialRecord): boolean {
  const [px, py] = actual.pointCoords[0];
  return (
    Math.abs(actual.predictedIou - expected.predicted_iou) <= TOL.iou &&
    Math.abs(actual.stabilityScore - expected.stability_score) <= TOL.stability &&
    Math.abs(actual.area - expected.area) <= TOL.areaFraction * Math.max(expected.area, 1) &&
    actual.bbox.every((v, k) => Math.abs(v - expected.bbox[k]) <= TOL.box) &&
    actual.cropBox.every((v, k) => v === expected.crop_box[k]) &&
    Math.abs(px - expected.point_coords[0][0]) <= 1e-3 &&
    Math.abs(py - expected.point_coords[0][1]) <= 1e-3
  );
}

/**
 * The actual index of each expected record. NMS sorts by predicted IoU, so records whose official scores lie within
 * the IoU tolerance of each other may come in either order; everything else must be at its own index.
 */
function pairRecords(actual: MaskRecord[], expected: OfficialRecord[]): number[] {
  const used = new Set<number>();
  return expected.map((e, i) => {
    for (let k = 0; k < actual.length; k++) {
      if (used.has(k)) continue;
      const tied = k === i || (k < expected.length && Math.abs(expected[k].predicted_iou - e.predicted_iou) <= TOL.iou);
      if (tied && matches(actual[k], e)) {
        used.add(k);
        return k;
      }
    }
    return -1;
  });
}

function maskOf(r: MaskRecord): Uint8Array {
  if (r.mask) return r.mask;
  if (!r.rle) throw new Error('record without mask or rle');
  return rleToMask({ size: r.rle.size, counts: typeof r.rle.counts === 'string' ? r.rle.counts : Array.from(r.rle.counts) });
}

// Two cases also check the other output modes: the same records, the masks as runs or COCO strings.
const MODES: Record<string, GenerateMasksOptions['outputMode']> = { iou_filter: 'rle', single_mask: 'coco-rle' };

describe.skipIf(testDtype !== 'float32')('generateMasks parity with the official generator', () => {
  let model: Sam2Model;
  const images = new Map<string, DecodedImage>();

  beforeAll(async () => {
    model = await loadTestModel();
  });
  afterAll(() => model?.dispose());

  it.each(index.cases.map((c) => [c.case, c.file]))('%s', async (_name, file) => {
    const official = JSON.parse(readFileSync(join(parityDir, file), 'utf8')) as OfficialCase;
    const image = images.get(official.image) ?? decodePng(readFileSync(join(parityDir, official.image)));
    images.set(official.image, image);
    expect([image.height, image.width]).toEqual(official.image_hw);

    const outputMode = MODES[_name] ?? 'binary';
    const records = await model.generateMasks(image, { ...optionsOf(official), outputMode });
    expect(records.length).toBe(official.records.length);
    const pairs = pairRecords(records, official.records);
    const unmatched = pairs.flatMap((k, i) => (k < 0 ? [i] : []));
    expect(unmatched, `official records without a match: ${unmatched.slice(0, 5).join(', ')}`).toEqual([]);

    if (!official.masks_file || !official.masks_stored) return;
    const bits = readFileSync(join(parityDir, official.masks_file));
    const plane = image.width * image.height;
    for (let i = 0; i < official.masks_stored; i++) {
      const r = records[pairs[i]];
      if (outputMode === 'binary') expect(r.mask?.length).toBe(plane);
      else expect(r.rle?.size).toEqual([image.height, image.width]);
      expect(maskIou(maskOf(r), storedMask(bits, i, plane))).toBeGreaterThanOrEqual(TOL.maskIou);
    }
  });
});
