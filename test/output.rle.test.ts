import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, maskArea, maskBoundingBox, maskToRle, rleToMask } from '../lib/index.js';
import { randomMask } from './helpers/components.js';
import { manifest, readBin, slice } from './helpers/fixtures.js';

// Reference encodings. "hand" is worked out by hand in the test below. The others were made by cocoapi's own C
// code, the code pycocotools wraps (github.com/cocodataset/cocoapi, commit 8c9bcc3c, common/maskApi.c:
// rleEncode + rleToString, rleArea, rleToBbox, and rleFrString + rleDecode to check the round trip), compiled
// standalone with a driver that transposes each row-major mask below to the column-major order pycocotools'
// encode(np.asfortranarray(mask)) hands it. Strings too long to read are kept as their sha256.

/** A 3x4 mask (rows top to bottom). */
const HAND = { width: 4, height: 3, rows: [0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1] };

/** A 200x300 (h x w) block with a 20x20 hole: long runs and negative differences between runs. */
function blockMask(): Uint8Array {
  const m = new Uint8Array(200 * 300);
  for (let y = 20; y < 180; y++) for (let x = 50; x < 290; x++) m[y * 300 + x] = 1;
  for (let y = 90; y < 110; y++) for (let x = 100; x < 120; x++) m[y * 300 + x] = 0;
  return m;
}

interface Reference {
  name: string;
  width: number;
  height: number;
  mask: () => Uint8Array;
  counts?: string;
  countsSha256?: string;
  countsLength: number;
  area: number;
  bbox: [number, number, number, number];
}

const REFERENCES: Reference[] = [
  { name: 'hand', ...HAND, mask: () => Uint8Array.from(HAND.rows), counts: '251L10', countsLength: 6, area: 7, bbox: [0, 0, 4, 3] },
  { name: 'empty 7x5', width: 7, height: 5, mask: () => new Uint8Array(35), counts: 'S1', countsLength: 2, area: 0, bbox: [0, 0, 0, 0] },
  { name: 'full 2x2', width: 2, height: 2, mask: () => new Uint8Array(4).fill(1), counts: '04', countsLength: 2, area: 4, bbox: [0, 0, 2, 2] },
  {
    name: 'random 37x23',
    width: 37,
    height: 23,
    mask: () => randomMask(37 * 23, 0.3, 7),
    countsSha256: '5b256cc4f75116fbac0ab09f431395f5f33ad38a04a4eff9b3ef57f4e38cf9e6',
    countsLength: 353,
    area: 233,
    bbox: [0, 0, 37, 23],
  },
  {
    name: 'block 300x200',
    width: 300,
    height: 200,
    mask: blockMask,
    countsSha256: '94fa31a3e0907b8f7d568e74f781c86a0bad903515ea0d6c1b003e6ccd79a994',
    countsLength: 569,
    area: 38000,
    bbox: [50, 20, 240, 160],
  },
  {
    name: 'parity fixture square case 1, mask 0',
    width: 512,
    height: 512,
    mask: () => slice(readBin(manifest.image_predictor.images.square.cases[0].masks, 'uint8'), 0, 3),
    countsSha256: 'a1efac5e164fd4c60ca302b96a016d73302073ec83bd7245d56f0375162cc7a5',
    countsLength: 12479,
    area: 13569,
    bbox: [0, 0, 512, 512],
  },
];

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('maskToRle / rleToMask', () => {
  it('encodes the hand-worked example', () => {
    // Column by column: 0 0 1 | 1 1 1 | 1 0 1 | 0 0 1 -> runs 2 (background first), 5, 1, 1, 2, 1.
    // Runs 0..2 are written as they are: '2' '5' '1' (48 + value). From the fourth on, the difference to the run
    // two before: 1-5 = -4 -> 5-bit group 28 with its sign bit (0x10) set and nothing left -> 48+28 = 'L';
    // 2-1 = 1 -> '1'; 1-1 = 0 -> '0'.
    expect(maskToRle(Uint8Array.from(HAND.rows), HAND.width, HAND.height)).toEqual({ size: [3, 4], counts: '251L10' });
  });

  it.each(REFERENCES)('matches cocoapi on $name', (ref) => {
    const mask = ref.mask();
    const rle = maskToRle(mask, ref.width, ref.height);
    expect(rle.size).toEqual([ref.height, ref.width]);
    expect(rle.counts.length).toBe(ref.countsLength);
    if (ref.counts !== undefined) expect(rle.counts).toBe(ref.counts);
    else expect(sha256(rle.counts)).toBe(ref.countsSha256);
    expect(maskArea(mask, ref.width, ref.height)).toBe(ref.area);
    expect(maskBoundingBox(mask, ref.width, ref.height)).toEqual(ref.bbox);
    expect(rleToMask(rle)).toEqual(mask);
  });

  it('treats any nonzero byte as inside, and decodes to 0/1', () => {
    const mask = Uint8Array.from([0, 255, 7, 0]);
    const rle = maskToRle(mask, 2, 2);
    expect(rle).toEqual(maskToRle(Uint8Array.from([0, 1, 1, 0]), 2, 2));
    expect(rleToMask(rle)).toEqual(Uint8Array.from([0, 1, 1, 0]));
  });

  it('round-trips random masks of many shapes', () => {
    for (const [w, h, density] of [[1, 1, 0.5], [1, 50, 0.5], [50, 1, 0.5], [64, 48, 0.02], [64, 48, 0.98], [129, 67, 0.5]]) {
      const mask = randomMask(w * h, density, w * 1000 + h);
      expect(rleToMask(maskToRle(mask, w, h))).toEqual(mask);
    }
  });

  it('decodes uncompressed RLE (counts as numbers), as in COCO crowd annotations', () => {
    // HAND's runs.
    expect(rleToMask({ size: [3, 4], counts: [2, 5, 1, 1, 2, 1] })).toEqual(Uint8Array.from(HAND.rows));
  });

  it.each<[string, unknown, string]>([
    ['a non-object', 'x', 'rle'],
    ['a bad size', { size: [0, 4], counts: '' }, 'rle.size'],
    ['a size of the wrong length', { size: [3], counts: '' }, 'rle.size'],
    ['runs that do not cover the mask', { size: [3, 4], counts: '251L1' }, 'rle.counts'],
    ['a character outside 48..111', { size: [3, 4], counts: '251L1~' }, 'rle.counts'],
    ['a string ending inside a number', { size: [5, 7], counts: 'S' }, 'rle.counts'],
    ['negative uncompressed runs', { size: [1, 2], counts: [3, -1] }, 'rle.counts'],
    ['counts of the wrong type', { size: [1, 2], counts: 2 }, 'rle.counts'],
  ])('rejects %s, naming %s', (_, rle, parameter) => {
    expect(() => rleToMask(rle as never)).toThrow(InvalidArgumentError);
    expect(() => rleToMask(rle as never)).toThrow(new RegExp(`^${parameter.replace('.', '\\.')}: `));
  });

  it('rejects a mask of the wrong size, naming it', () => {
    expect(() => maskToRle(new Uint8Array(11), 4, 3)).toThrow(/^mask: expected 12 bytes/);
    expect(() => maskToRle(new Uint8Array(12), 0, 3)).toThrow(/^width: /);
    expect(() => maskBoundingBox([1, 0] as never, 2, 1)).toThrow(/^mask: /);
  });
});

// pycocotools itself, where it is installed (not in this project's environment: PyPI is not reachable here).
const python = '/usr/bin/python3';
const hasPycocotools = (() => {
  try {
    execFileSync(python, ['-c', 'import pycocotools.mask'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasPycocotools)('against pycocotools', () => {
  it('gives the strings pycocotools gives, and decodes them', () => {
    const cases = REFERENCES.slice(0, 5).map((r) => ({ width: r.width, height: r.height, mask: Array.from(r.mask()) }));
    const script = [
      'import json, sys, numpy as np, pycocotools.mask as M',
      'out = []',
      'for c in json.load(sys.stdin):',
      '    m = np.asfortranarray(np.array(c["mask"], dtype=np.uint8).reshape(c["height"], c["width"]))',
      '    out.append(M.encode(m)["counts"].decode())',
      'print(json.dumps(out))',
    ].join('\n');
    const strings = JSON.parse(execFileSync(python, ['-c', script], { input: JSON.stringify(cases) }).toString()) as string[];
    cases.forEach((c, i) => {
      expect(maskToRle(Uint8Array.from(c.mask), c.width, c.height).counts).toBe(strings[i]);
      expect(Array.from(rleToMask({ size: [c.height, c.width], counts: strings[i] }))).toEqual(c.mask);
    });
  });
});
