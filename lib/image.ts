import { asUint8Array, checkBytes, invalidParameter, is } from './validate.js';

/**
 * Longest image or mask side accepted, in pixels (the native core's kMaxImageSide). The model sees every image
 * resized to its input size (1024), and the float copy made to resize a 16384 x 16384 image already takes 3 GiB.
 */
export const MAX_IMAGE_SIDE = 16384;

/** Checks an image or mask side: an integer from 1 to {@link MAX_IMAGE_SIDE}. */
export function checkSide(value: unknown, name: string): number {
  if (!is.positiveInt32(value) || value > MAX_IMAGE_SIDE) {
    throw invalidParameter(name, `an integer from 1 to ${MAX_IMAGE_SIDE}`, value);
  }
  return value;
}

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
  const { data, channels } = image;
  const width = checkSide(image.width, 'width');
  const height = checkSide(image.height, 'height');
  if (channels !== 3 && channels !== 4) throw invalidParameter('channels', '3 (RGB) or 4 (RGBA)', channels);
  const bytes = checkBytes(data, width * height * channels, 'data', `${width}x${height}x${channels}`);
  return { data: asUint8Array(bytes), width, height, channels };
}
