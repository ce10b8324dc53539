// Where a session's frames come from. Frames are decoded only when the native side needs their pixels; errors
// name the frame (and file), and leave the session usable.
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { CheckedPixels } from '../image.js';
import { readRegularFile } from '../regular_file.js';
import { invalidParameter, is } from '../validate.js';
import { videoFrames } from './ffmpeg.js';
import { badFrame, checkFrameImage, checkSize } from './frame_checks.js';
import { StreamSource } from './stream_source.js';

/**
 * A video's frames. A finite source (a folder, an array) knows its frames up front and reads any of them; a streamed
 * one (an async iterable, a video file) reads its frames in order as they are asked for and keeps only the latest.
 */
export interface FrameSource {
  readonly width: number;
  readonly height: number;
  /** Frames known so far: all of them for a finite source, those read so far for a stream. */
  readonly count: number;
  readonly streamed: boolean;
  /** The first frame still readable: 0 for a finite source. */
  readonly oldest: number;
  /**
   * Whether the video has frame `index`, reading a stream up to it; false past the end.
   * Throws an InvalidArgumentError naming the frame when a stream no longer keeps it.
   */
  has(index: number): Promise<boolean>;
  /** The frame's RGB(A) pixels, checked to have the video's size; `has(index)` must have been true. */
  read(index: number): Promise<CheckedPixels>;
  /** Stops a stream's producer (e.g. ffmpeg); nothing to do for a finite source. */
  close(): void;
}

const FRAME_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);
// "2.jpg" before "10.jpg": numbers in names compare as numbers, which is the official int(name) order.
const byFrameNumber = new Intl.Collator('en', { numeric: true }).compare;

async function decodeFile(path: string, index: number): Promise<CheckedPixels> {
  try {
    // Read here rather than by sharp, which would open a FIFO or device named like a frame and wait on it forever.
    const bytes = await readRegularFile(path);
    // Loaded on first use: only folder sources need an image decoder.
    const { default: sharp } = await import('sharp');
    // RGB like PIL's convert('RGB'): alpha dropped, grey expanded, ICC profiles and EXIF orientation ignored.
    const { data, info } = await sharp(bytes, { ignoreIcc: true })
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

/** The frame files of a folder, in frame order: .jpg, .jpeg and .png names compared with their numbers as numbers. */
export async function listFrameFiles(dir: string): Promise<string[]> {
  const path = resolve(dir);
  const names = await readdir(path).catch((err: Error) => {
    throw new InvalidArgumentError('frames', `cannot list the frame directory ${path}: ${err.message}`, { cause: err });
  });
  return names
    .filter((name) => FRAME_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort(byFrameNumber)
    .map((name) => join(path, name));
}

function finite(count: number, width: number, height: number, read: (index: number) => Promise<CheckedPixels>): FrameSource {
  return { count, width, height, streamed: false, oldest: 0, has: async (index) => index < count, read, close() {} };
}

async function directorySource(path: string): Promise<FrameSource> {
  const files = await listFrameFiles(path);
  if (files.length === 0) throw new InvalidArgumentError('frames', `no .jpg, .jpeg or .png frames in ${path}`);
  const { width, height } = await decodeFile(files[0], 0);
  return finite(files.length, width, height, async (index) =>
    checkSize(await decodeFile(files[index], index), index, files[index], width, height),
  );
}

function arraySource(frames: readonly CheckedPixels[]): FrameSource {
  if (frames.length === 0) throw new InvalidArgumentError('frames', 'the video has no frames');
  const { width, height } = frames[0];
  frames.forEach((f, i) => checkSize(f, i, 'an image', width, height));
  return finite(frames.length, width, height, async (index) => frames[index]);
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
}

/** A path: a folder of frames, or a video file decoded by ffmpeg. */
async function pathSource(path: string, retained: number, lookahead: number): Promise<FrameSource> {
  const full = resolve(path);
  const info = await stat(full).catch((err: Error) => {
    throw new InvalidArgumentError('frames', `${full}: ${err.message}`, { cause: err });
  });
  if (info.isDirectory()) return directorySource(full);
  if (!info.isFile()) throw new InvalidArgumentError('frames', `${full} is neither a folder of frames nor a video file`);
  return StreamSource.open(videoFrames(full), retained, lookahead);
}

/**
 * Opens `frames` (a {@link VideoFrames}). A stream (an async iterable or a video file) keeps its latest `retained`
 * frames, and its first `lookahead` frames are read at once (see StreamSource).
 */
export async function openFrameSource(frames: unknown, retained: number, lookahead: number): Promise<FrameSource> {
  if (is.string(frames) && frames !== '') return pathSource(frames, retained, lookahead);
  if (Array.isArray(frames)) return arraySource(frames.map((f: unknown, i) => checkFrameImage(f, i)));
  if (isAsyncIterable(frames)) return StreamSource.open(frames, retained, lookahead);
  throw invalidParameter(
    'frames',
    'a folder of frames, a video file, an array of images or an async iterable of images',
    frames,
  );
}
