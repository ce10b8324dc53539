// Per-mask numbers services return beside a mask, in COCO's conventions.
import type { ByteArray } from '../validate.js';
import { checkMask } from './mask.js';

/** A box as COCO writes it: `[x, y, width, height]` in pixels, `x`/`y` the top-left corner. */
export type CocoBox = [number, number, number, number];

/** Number of pixels inside a mask (nonzero bytes); COCO's `area` of a segmentation. */
export function maskArea(mask: ByteArray, width: number, height: number): number {
  checkMask(mask, width, height);
  let area = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) area++;
  return area;
}

/**
 * The tightest box around a mask's pixels, as pycocotools' `mask.toBbox` gives it: `[x, y, width, height]`,
 * `[0, 0, 0, 0]` for an empty mask.
 *
 * @param mask - `width * height` bytes, row-major; nonzero is inside.
 */
export function maskBoundingBox(mask: ByteArray, width: number, height: number): CocoBox {
  checkMask(mask, width, height);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (mask[row + x] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return x1 < 0 ? [0, 0, 0, 0] : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}
