import sharp from 'sharp';
import type { ByteArray } from '../validate.js';
import { checkMask } from './mask.js';

/** Encodes raw interleaved 8-bit pixels (1 to 4 channels) as a PNG file's bytes. */
export async function encodePng(
  data: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
): Promise<Buffer> {
  const image = sharp(data, { raw: { width, height, channels } });
  // Without it, sharp writes one- and two-channel pixels as RGB.
  return (channels <= 2 ? image.toColourspace('b-w') : image).png().toBuffer();
}

/**
 * A mask as a grayscale PNG, 255 inside and 0 outside: what image viewers show and image tools read as a mask.
 *
 * @param mask - `width * height` bytes, row-major; nonzero is inside.
 */
export async function maskToPng(mask: ByteArray, width: number, height: number): Promise<Buffer> {
  checkMask(mask, width, height);
  const gray = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) gray[i] = mask[i] ? 255 : 0;
  return encodePng(gray, width, height, 1);
}
