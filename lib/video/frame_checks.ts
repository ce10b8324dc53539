// Checks of a video's frames, whatever their source: errors name the frame (and its file).
import { InvalidArgumentError } from '../errors.js';
import { checkImage, type CheckedPixels } from '../image.js';

export function badFrame(index: number, what: string, problem: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError('frames', `frame ${index} (${what}) ${problem}`, { cause });
}

export function checkSize(pixels: CheckedPixels, index: number, what: string, width: number, height: number): CheckedPixels {
  if (pixels.width !== width || pixels.height !== height) {
    throw badFrame(index, what, `is ${pixels.width}x${pixels.height}, but the video is ${width}x${height}`);
  }
  return pixels;
}

export function checkFrameImage(image: unknown, index: number): CheckedPixels {
  try {
    return checkImage(image);
  } catch (err) {
    throw badFrame(index, 'an image', `is not a valid image: ${(err as Error).message}`, err);
  }
}
