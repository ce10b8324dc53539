import { InvalidArgumentError, callNative } from './errors.js';
import { native } from './native.js';
import type { ConnectedComponents } from './types.js';
import { asUint8Array, invalidParameter, is } from './validate.js';

/**
 * Labels the 8-connected components of a binary mask (nonzero = foreground), as the official SAM 2 CUDA kernel
 * does for hole filling. Runs off the event loop.
 *
 * @param mask - `width * height` bytes, row-major.
 */
export async function connectedComponents(
  mask: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): Promise<ConnectedComponents> {
  if (!is.byteArray(mask)) throw invalidParameter('mask', 'a Buffer, Uint8Array or Uint8ClampedArray', mask);
  if (!is.positiveInt32(width)) throw invalidParameter('width', 'a positive integer', width);
  if (!is.positiveInt32(height)) throw invalidParameter('height', 'a positive integer', height);
  if (mask.length !== width * height) {
    throw new InvalidArgumentError('mask', `expected ${width * height} bytes (${width}x${height}), got ${mask.length}`);
  }
  const bytes = asUint8Array(mask);
  const { labels, areas, count } = await callNative(() => native().connectedComponents(bytes, width, height));
  return { labels, areas, count };
}
