import { checkSide } from '../image.js';
import { checkBytes, type ByteArray } from '../validate.js';

/** Checks a mask argument of the output helpers: `width * height` bytes, sides up to `MAX_IMAGE_SIDE`. */
export function checkMask(mask: unknown, width: unknown, height: unknown, name = 'mask'): asserts mask is ByteArray {
  const w = checkSide(width, 'width');
  const h = checkSide(height, 'height');
  checkBytes(mask, w * h, name, `${w}x${h}`);
}
