import { InvalidArgumentError } from '../errors.js';
import { invalidParameter, is, type ByteArray } from '../validate.js';

/** Checks a mask argument of the output helpers: `width * height` bytes. */
export function checkMask(mask: unknown, width: unknown, height: unknown, name = 'mask'): asserts mask is ByteArray {
  if (!is.positiveInt32(width)) throw invalidParameter('width', 'a positive integer', width);
  if (!is.positiveInt32(height)) throw invalidParameter('height', 'a positive integer', height);
  if (!is.byteArray(mask)) throw invalidParameter(name, 'a Buffer, Uint8Array or Uint8ClampedArray', mask);
  if (mask.length !== width * height) {
    throw new InvalidArgumentError(name, `expected ${width * height} bytes (${width}x${height}), got ${mask.length}`);
  }
}
