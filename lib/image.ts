import { InvalidArgumentError } from './errors.js';
import { asUint8Array, invalidParameter, is } from './validate.js';

/** Width, height and a byte array of exactly `width * height * channels` bytes, checked for the addon. */
export interface CheckedPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Checks the image argument of `encodeImage` (an `ImageInput`). */
export function checkImage(image: unknown): CheckedPixels {
  if (!is.object(image)) throw invalidParameter('image', 'an object { data, width, height, channels }', image);
  const { data, width, height, channels } = image;
  if (!is.positiveInt32(width)) throw invalidParameter('width', 'a positive integer', width);
  if (!is.positiveInt32(height)) throw invalidParameter('height', 'a positive integer', height);
  if (channels !== 3 && channels !== 4) throw invalidParameter('channels', '3 (RGB) or 4 (RGBA)', channels);
  if (!is.byteArray(data)) throw invalidParameter('data', 'a Buffer, Uint8Array or Uint8ClampedArray', data);
  const expected = width * height * channels;
  if (data.length !== expected) {
    throw new InvalidArgumentError(
      'data',
      `expected ${expected} bytes (${width}x${height}x${channels}), got ${data.length}`,
    );
  }
  return { data: asUint8Array(data), width, height, channels };
}
