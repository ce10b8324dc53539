import { callNative } from './errors.js';
import { checkSide } from './image.js';
import { native } from './native.js';
import type { ConnectedComponents } from './types.js';
import { asUint8Array, checkBytes } from './validate.js';

/**
 * Labels the 8-connected components of a binary mask (nonzero = foreground), as the official SAM 2 CUDA kernel
 * does for hole filling. Runs off the event loop.
 *
 * @param mask - `width * height` bytes, row-major; sides up to `MAX_IMAGE_SIDE` (16384).
 * @throws {@link InvalidArgumentError} naming `mask`, `width` or `height`.
 */
export async function connectedComponents(
  mask: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): Promise<ConnectedComponents> {
  checkSide(width, 'width');
  checkSide(height, 'height');
  const bytes = asUint8Array(checkBytes(mask, width * height, 'mask', `${width}x${height}`));
  const { labels, areas, count } = await callNative(() => native().connectedComponents(bytes, width, height));
  return { labels, areas, count };
}
