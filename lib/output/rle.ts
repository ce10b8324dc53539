// COCO run-length encoding, byte for byte what pycocotools' mask.encode / mask.decode use (cocoapi's
// common/maskApi.c: rleEncode, rleToString, rleFrString), so masks can go to COCO tools and back.
import { InvalidArgumentError } from '../errors.js';
import { invalidParameter, is, type ByteArray } from '../validate.js';
import { checkSide } from '../image.js';
import { checkMask } from './mask.js';

/** A mask in COCO's compressed run-length encoding, as pycocotools' `mask.encode` returns it. */
export interface CocoRle {
  /** `[height, width]`, COCO's order. */
  size: [number, number];
  /** The runs, compressed into a string of ASCII characters 48..111. */
  counts: string;
}

/** COCO RLE as found in annotation files: compressed (`counts` a string) or uncompressed (`counts` numbers). */
export interface CocoRleInput {
  size: [number, number];
  counts: string | number[];
}

// Six bits per character: five of value, one "more follows" bit; offset by 48 so the string is printable.
const CHAR_OFFSET = 48;
const MORE = 0x20;
const SIGN = 0x10;
const VALUE = 0x1f;

/**
 * Encodes a binary mask as COCO compressed RLE (what `pycocotools.mask.encode(np.asfortranarray(mask))` gives).
 *
 * @param mask - `width * height` bytes, row-major (the layout of {@link Prediction.masks}); nonzero is inside.
 * @returns runs over the pixels in column-major order, starting with a (possibly empty) background run.
 */
export function maskToRle(mask: ByteArray, width: number, height: number): CocoRle {
  checkMask(mask, width, height);
  const runs: number[] = [];
  let inside = false;
  let run = 0;
  // COCO walks the mask column by column (Fortran order).
  for (let x = 0; x < width; x++) {
    for (let i = x; i < mask.length; i += width) {
      if ((mask[i] !== 0) !== inside) {
        runs.push(run);
        run = 0;
        inside = !inside;
      }
      run++;
    }
  }
  runs.push(run);
  return { size: [height, width], counts: compress(runs) };
}

/**
 * Decodes COCO RLE, compressed or uncompressed, into a mask.
 *
 * @returns `height * width` bytes, row-major, 1 inside and 0 outside.
 * @throws {@link InvalidArgumentError} when `size` or `counts` is malformed or the runs do not cover the mask.
 */
export function rleToMask(rle: CocoRleInput): Uint8Array {
  if (!is.object(rle)) throw invalidParameter('rle', 'an object { size: [height, width], counts }', rle);
  const { size, counts } = rle;
  if (!Array.isArray(size) || size.length !== 2) {
    throw invalidParameter('rle.size', '[height, width] with positive integers', size);
  }
  checkSide(size[0], 'rle.size');
  checkSide(size[1], 'rle.size');
  const [height, width] = size as [number, number];
  const runs = is.string(counts) ? decompress(counts) : checkRuns(counts);
  const total = runs.reduce((a, b) => a + b, 0);
  if (total !== width * height) {
    const expected = `${height}x${width} = ${width * height}`;
    throw new InvalidArgumentError('rle.counts', `the runs cover ${total} pixels, size says ${expected}`);
  }
  const mask = new Uint8Array(width * height);
  let pixel = 0;
  runs.forEach((run, k) => {
    if (k % 2 === 1) {
      for (let j = pixel; j < pixel + run; j++) {
        // j counts column-major: column j / height, row j % height.
        mask[(j % height) * width + Math.floor(j / height)] = 1;
      }
    }
    pixel += run;
  });
  return mask;
}

/** rleToString: each run (from the fourth on, as the difference to the run two before) as signed 5-bit groups. */
function compress(runs: number[]): string {
  const chars: number[] = [];
  runs.forEach((run, i) => {
    let x = i > 2 ? run - runs[i - 2] : run;
    for (;;) {
      // Plain arithmetic rather than bit operators: x may need more than 32 bits' worth of groups.
      const group = ((x % 32) + 32) % 32;
      x = (x - group) / 32;
      const more = group & SIGN ? x !== -1 : x !== 0;
      chars.push(CHAR_OFFSET + (more ? group | MORE : group));
      if (!more) break;
    }
  });
  // Through a Buffer: spreading millions of codes into String.fromCharCode would overflow the stack.
  return Buffer.from(chars).toString('latin1');
}

/** rleFrString, with the checks pycocotools leaves out. */
function decompress(counts: string): number[] {
  const runs: number[] = [];
  let p = 0;
  while (p < counts.length) {
    let x = 0;
    let scale = 1;
    for (;;) {
      if (p >= counts.length) throw new InvalidArgumentError('rle.counts', 'ends in the middle of a number');
      const c = counts.charCodeAt(p++) - CHAR_OFFSET;
      if (c < 0 || c > 63) throw new InvalidArgumentError('rle.counts', `invalid character at ${p - 1}`);
      x += (c & VALUE) * scale;
      scale *= 32;
      if (!(c & MORE)) {
        if (c & SIGN) x -= scale; // the last group's top bit is the sign: extend it
        break;
      }
    }
    if (runs.length > 2) x += runs[runs.length - 2];
    if (x < 0) throw new InvalidArgumentError('rle.counts', `run ${runs.length} is negative`);
    runs.push(x);
  }
  return runs;
}

function checkRuns(counts: unknown): number[] {
  if (!Array.isArray(counts) || !counts.every((c) => is.nonNegativeInt32(c))) {
    throw invalidParameter('rle.counts', 'a compressed RLE string or an array of non-negative integers', counts);
  }
  return counts as number[];
}
