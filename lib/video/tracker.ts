import { InvalidArgumentError, callNative } from '../errors.js';
import { checkImage } from '../image.js';
import type { ImageInput } from '../types.js';
import { invalidParameter, is } from '../validate.js';
import { callSync, type NativeTracker, type NativeVideoModel, type TrackingFlags } from './native.js';
import { checkMaxMemoryFrames, checkOutputOptions, checkTrackerOptions, toMaskCall, toPointsCall } from './options.js';
import { SerialQueue } from './serial.js';
import type { FrameResult, TrackerOptions, VideoMaskOptions, VideoPointsOptions } from './types.js';

const DEFAULT_CACHED_FRAMES = 1;

/**
 * SAM 2 tracking of an unbounded stream (a camera, a robot): frames are pushed one at a time with
 * {@link StreamingTracker.track} and numbered 0, 1, ... in that order. Memory stays bounded: per object it keeps the
 * conditioning frames (at most `maxMemoryFrames`), the memories of the last `num_maskmem - 1` frames and the
 * pointers of the last 15, as much as the official tracker ever attends to; everything older is dropped. As long as
 * nothing it attends to was dropped, its results equal a {@link VideoSession}'s forward propagation of the same
 * frames and prompts.
 *
 * Prompts may name the latest frame or one of the `maxCachedFrames` latest frames. Calls run one at a time in call
 * order.
 */
export class StreamingTracker {
  #native: NativeTracker;
  #queue: SerialQueue;
  #lowResSize: number;
  #frameCount = 0;
  #size: { width: number; height: number } | undefined;
  #objectIds: number[] = [];

  /** @internal Trackers come from `Sam2Model.createTracker`. */
  constructor(native: NativeTracker, lowResSize: number, isModelDisposed: () => boolean) {
    this.#native = native;
    this.#lowResSize = lowResSize;
    this.#queue = new SerialQueue(isModelDisposed, 'StreamingTracker');
  }

  /** Frames tracked so far; the next frame gets this index. */
  get frameCount(): number {
    return this.#frameCount;
  }

  /** The stream's frame size, fixed by its first frame (undefined before). */
  get width(): number | undefined {
    return this.#size?.width;
  }

  get height(): number | undefined {
    return this.#size?.height;
  }

  /** The tracked objects, in the order they were first prompted. */
  get objectIds(): number[] {
    return [...this.#objectIds];
  }

  get disposed(): boolean {
    return this.#queue.disposed;
  }

  /** Tracks every object on the next frame; resolves to their masks on it. */
  async track(image: ImageInput): Promise<FrameResult> {
    this.#queue.checkOpen();
    const pixels = checkImage(image);
    this.#size ??= { width: pixels.width, height: pixels.height };
    const { width, height } = this.#size;
    if (pixels.width !== width || pixels.height !== height) {
      throw new InvalidArgumentError('image', `is ${pixels.width}x${pixels.height}, but the stream is ${width}x${height}`);
    }
    return this.#queue.run(async () => {
      const result = await callNative(() => this.#native.track(pixels));
      this.#frameCount++;
      return this.#record(result);
    });
  }

  /**
   * Clicks and/or a box on the latest frame or one still cached: a new object starts there (a conditioning frame),
   * an object already tracked on that frame is corrected.
   */
  async addPoints(options: VideoPointsOptions): Promise<FrameResult> {
    this.#queue.checkOpen();
    // Checked when it runs: the frame count grows with the tracks queued before it.
    return this.#queue.run(async () => {
      const { width = 0, height = 0 } = this.#size ?? {};
      const call = toPointsCall(options, this.#frameCount, this.#lowResSize, { width, height });
      return this.#record(await callNative(() => this.#native.addPoints(call)));
    });
  }

  /** A mask prompt on the latest frame or one still cached, used as that frame's output as given. */
  async addMask(options: VideoMaskOptions): Promise<FrameResult> {
    this.#queue.checkOpen();
    return this.#queue.run(async () => {
      const { width = 0, height = 0 } = this.#size ?? {};
      const call = toMaskCall(options, this.#frameCount, width, height);
      return this.#record(await callNative(() => this.#native.addMask(call)));
    });
  }

  /** Forgets an object (an unknown id is ignored). */
  async removeObject(objectId: number): Promise<void> {
    this.#queue.checkOpen();
    if (!is.int32(objectId)) throw invalidParameter('objectId', 'an int32 integer', objectId);
    return this.#queue.run(() => {
      callSync(() => this.#native.removeObject(objectId));
      this.#objectIds = this.#objectIds.filter((id) => id !== objectId);
    });
  }

  /** Forgets every object; the frame count goes on. */
  async reset(): Promise<void> {
    this.#queue.checkOpen();
    return this.#queue.run(() => {
      callSync(() => this.#native.reset());
      this.#objectIds = [];
    });
  }

  dispose(): void {
    if (this.#queue.disposed) return;
    this.#queue.dispose('the StreamingTracker was disposed');
    callSync(() => this.#native.dispose());
  }

  #record(result: FrameResult): FrameResult {
    this.#objectIds = [...result.objectIds];
    return result;
  }
}

/** @internal `Sam2Model.createTracker`. */
export function createTracker(
  model: NativeVideoModel,
  tracking: TrackingFlags,
  lowResSize: number,
  isModelDisposed: () => boolean,
  options: TrackerOptions = {},
): StreamingTracker {
  const o = checkTrackerOptions(options);
  const nativeOptions = { ...checkOutputOptions(o, DEFAULT_CACHED_FRAMES), maxMemoryFrames: checkMaxMemoryFrames(o) };
  return new StreamingTracker(callSync(() => model.createTracker(tracking, nativeOptions)), lowResSize, isModelDisposed);
}
