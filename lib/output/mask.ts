import { checkSide } from '../image.js';
import { checkBytes, type ByteArray } from '../validate.js';

/** Checks a mask argument of the output helpers: `width * height` bytes, sides up to `MAX_IMAGE_SIDE`. */
export function checkMask(mask: unknown, width: unknown, height: unknown, name = 'mask'): asserts mask is ByteArray {
  checkSide(width, 'width');
  checkSide(height, 'height');
  checkBytes(mask, (width as number) * (height as number), name, `${width as number}x${height as number}`);
}
