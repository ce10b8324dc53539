// Where a session's frames come from. Frames are decoded only when the native side needs their pixels; errors
// name the frame (and file), and leave the session usable.
import { readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { checkImage, type CheckedPixels } from '../image.js';
import { invalidParameter, is } from '../validate.js';

export interface FrameSource {
  readonly count: number;
  readonly width: number;
  readonly height: number;
  /** The frame's RGB(A) pixels, checked to have the video's size. */
  read(index: number): Promise<CheckedPixels>;
}

const FRAME_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);
// "2.jpg" before "10.jpg": numbers in names compare as numbers, which is the official int(name) order.
const byFrameNumber = new Intl.Collator('en', { numeric: true }).compare;

function badFrame(index: number, what: string, problem: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError('frames', `frame ${index} (${what}) ${problem}`, { cause });
}

function checkSize(pixels: CheckedPixels, index: number, what: string, width: number, height: number): CheckedPixels {
  if (pixels.width !== width || pixels.height !== height) {
    throw badFrame(index, what, `is ${pixels.width}x${pixels.height}, but the video is ${width}x${height}`);
  }
  return pixels;
}

function checkFrameImage(image: unknown, index: number): CheckedPixels {
  try {
    return checkImage(image);
  } catch (err) {
    throw badFrame(index, 'an image', `is not a valid image: ${(err as Error).message}`, err);
  }
}

async function decodeFile(path: string, index: number): Promise<CheckedPixels> {
  try {
    // Loaded on first use: only folder sources need an image decoder.
    const { default: sharp } = await import('sharp');
    // RGB like PIL's convert('RGB'): alpha dropped, grey expanded, ICC profiles and EXIF orientation ignored.
    const { data, info } = await sharp(path, { ignoreIcc: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { data: pixels, width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    throw badFrame(index, path, `cannot be read: ${(err as Error).message}`, err);
  }
}

async function directorySource(dir: string): Promise<FrameSource> {
  const path = resolve(dir);
  const names = await readdir(path).catch((err: Error) => {
    throw new InvalidArgumentError('frames', `cannot list the frame directory ${path}: ${err.message}`, { cause: err });
  });
  const files = names
    .filter((name) => FRAME_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort(byFrameNumber)
    .map((name) => join(path, name));
  if (files.length === 0) throw new InvalidArgumentError('frames', `no .jpg, .jpeg or .png frames in ${path}`);
  const first = await decodeFile(files[0], 0);
  return {
    count: files.length,
    width: first.width,
    height: first.height,
    read: async (index) => checkSize(await decodeFile(files[index], index), index, files[index], first.width, first.height),
  };
}

function arraySource(frames: readonly CheckedPixels[]): FrameSource {
  if (frames.length === 0) throw new InvalidArgumentError('frames', 'the video has no frames');
  const { width, height } = frames[0];
  frames.forEach((f, i) => checkSize(f, i, 'an image', width, height));
  return { count: frames.length, width, height, read: async (index) => frames[index] };
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
}

/** Opens `frames` (a {@link VideoFrames}). An async iterable is read to its end; its frames are copied. */
export async function openFrameSource(frames: unknown): Promise<FrameSource> {
  if (is.string(frames) && frames !== '') return directorySource(frames);
  if (Array.isArray(frames)) return arraySource(frames.map((f: unknown, i) => checkFrameImage(f, i)));
  if (isAsyncIterable(frames)) {
    const copies: CheckedPixels[] = [];
    // Producers such as camera readers often reuse one buffer for every frame.
    for await (const frame of frames) {
      const pixels = checkFrameImage(frame, copies.length);
      copies.push({ ...pixels, data: pixels.data.slice() });
    }
    return arraySource(copies);
  }
  throw invalidParameter('frames', 'a directory path, an array of images or an async iterable of images', frames);
}
