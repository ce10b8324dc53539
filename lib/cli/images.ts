import sharp from 'sharp';
import { Sam2Error } from '../errors.js';
import { readRegularFile } from '../regular_file.js';
import type { ImageInput } from '../types.js';

/** Decoded pixels of an image file: RGB, 8 bits per channel. */
export interface RgbImage extends ImageInput {
  data: Uint8Array;
  channels: 3;
}

/**
 * Decodes an image file (JPEG, PNG, WebP, or anything else sharp reads) to RGB.
 *
 * @param what - names the file in errors, e.g. 'IMAGE' or 'frame'.
 * @param options.orient - turn the image upright by its EXIF orientation, so that pixel coordinates match what image
 *   viewers show (default true); false decodes the pixels as stored, as the official video loader does.
 */
export async function readRgbImage(path: string, what: string, { orient = true } = {}): Promise<RgbImage> {
  // Read here rather than by sharp, which would wait forever on a FIFO or device.
  const bytes = await readRegularFile(path).catch((err: NodeJS.ErrnoException) => {
    const problem = err.code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${err.message}`;
    throw new Sam2Error(`${what}: ${problem}`, { cause: err });
  });
  try {
    const image = sharp(bytes);
    const { data, info: out } = await (orient ? image.autoOrient() : image)
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (out.channels !== 3) throw new Error(`decoded to ${out.channels} channels`);
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
    return { data: pixels, width: out.width, height: out.height, channels: 3 };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Sam2Error(`${what}: cannot read ${path} as an image (${reason})`, { cause: err });
  }
}
