import { Sam2Error, callNative } from '../errors.js';
import { invalidParameter, is } from '../validate.js';
import { abortable, throwIfAborted } from './abort.js';
import { openFrameSource, type FrameSource } from './frame_source.js';
import { callSync, type NativeFrameImage, type NativeVideoModel, type NativeVideoState, type TrackingFlags } from './native.js';
import {
  checkOptionsObject,
  checkOutputOptions,
  checkPropagateOptions,
  processingOrder,
  toMaskCall,
  toPointsCall,
  type PropagationPlan,
} from './options.js';
import { SerialQueue } from './serial.js';
import type {
  FrameResult,
  PropagateOptions,
  VideoFrames,
  VideoMaskOptions,
  VideoPointsOptions,
  VideoSessionOptions,
} from './types.js';

const DEFAULT_CACHED_FRAMES = 8;

/**
 * SAM 2 video tracking over a finite clip, with the semantics of the official `SAM2VideoPredictor`: prompt any
 * objects on any frames, then {@link VideoSession.propagate} their masks through the video.
 *
 * Calls run one at a time in call order (each changes the tracking state the next one reads); they may be issued
 * without awaiting. Frames are decoded and encoded when needed, and at most `maxCachedFrames` frames' features are
 * kept. Per object and tracked frame the session keeps the official state: a bfloat16 memory (`64 * (S/16)^2` values)
 * and the low-res logits.
 */
export class VideoSession {
  /** Number of frames. */
  readonly frameCount: number;
  /** Frame width in pixels; prompts and masks use this size. */
  readonly width: number;
  /** Frame height in pixels. */
  readonly height: number;
  #native: NativeVideoState;
  #source: FrameSource;
  #queue: SerialQueue;
  #lowResSize: number;
  #objectIds: number[] = [];
  // Bumped by every call that changes the prompts or objects; a propagation started before one stops.
  #generation = 0;

  /** @internal Sessions come from `Sam2Model.createVideoSession`. */
  constructor(native: NativeVideoState, source: FrameSource, lowResSize: number, isModelDisposed: () => boolean) {
    this.#native = native;
    this.#source = source;
    this.#lowResSize = lowResSize;
    this.#queue = new SerialQueue(isModelDisposed, 'VideoSession');
    this.frameCount = source.count;
    this.width = source.width;
    this.height = source.height;
  }

  /** The tracked objects, in the order they were first prompted. */
  get objectIds(): number[] {
    return [...this.#objectIds];
  }

  /** Whether {@link VideoSession.dispose} was called. */
  get disposed(): boolean {
    return this.#queue.disposed;
  }

  /**
   * Clicks and/or a box for one object on one frame; returns every object's mask on that frame. On a frame the object
   * was never tracked on, the prompt makes a conditioning frame (segmented without memory); on a tracked frame it
   * corrects the tracked mask (its logits are the mask prompt, and the result is kept as a tracked frame).
   */
  async addPoints(options: VideoPointsOptions): Promise<FrameResult> {
    this.#queue.checkOpen();
    const call = toPointsCall(options, this.frameCount, this.#lowResSize);
    return this.#queue.run(async () => {
      const image = await this.#pixels(call.frame);
      this.#generation++;
      return this.#record(await callNative(() => this.#native.addPoints({ ...call, image })));
    });
  }

  /** A mask prompt for one object on one frame, used as that frame's output as given. */
  async addMask(options: VideoMaskOptions): Promise<FrameResult> {
    this.#queue.checkOpen();
    const call = toMaskCall(options, this.frameCount, this.width, this.height);
    return this.#queue.run(async () => {
      const image = await this.#pixels(call.frame);
      this.#generation++;
      return this.#record(await callNative(() => this.#native.addMask({ ...call, image })));
    });
  }

  /**
   * Tracks every object frame by frame from `start`, yielding each frame's result. A frame is computed only when the
   * iterator is asked for it. Prompted frames are returned as they are, every other frame is (re)tracked. A prompt,
   * removeObject, reset or another propagate() during a propagation ends it: its next step rejects with a Sam2Error.
   */
  propagate(options: PropagateOptions = {}): AsyncIterableIterator<FrameResult> {
    this.#queue.checkOpen();
    return this.#propagate(checkPropagateOptions(options, this.frameCount));
  }

  /** Forgets an object (an unknown id is ignored). */
  async removeObject(objectId: number): Promise<void> {
    this.#queue.checkOpen();
    if (!is.int32(objectId)) throw invalidParameter('objectId', 'an int32 integer', objectId);
    return this.#queue.run(() => {
      this.#generation++;
      callSync(() => this.#native.removeObject(objectId));
      this.#objectIds = this.#objectIds.filter((id) => id !== objectId);
    });
  }

  /** Forgets every object and prompt; cached frame features stay. */
  async reset(): Promise<void> {
    this.#queue.checkOpen();
    return this.#queue.run(() => {
      this.#generation++;
      callSync(() => this.#native.reset());
      this.#objectIds = [];
    });
  }

  /** Frees the session's memory now (after a running call). Later calls reject with `DisposedError`. */
  dispose(): void {
    if (this.#queue.disposed) return;
    this.#queue.dispose('the VideoSession was disposed');
    callSync(() => this.#native.dispose());
  }

  async *#propagate(plan: PropagationPlan): AsyncGenerator<FrameResult> {
    const { signal, reverse } = plan;
    throwIfAborted(signal);
    let generation = 0;
    const earliest = await abortable(
      this.#queue.run(() => {
        if (this.#objectIds.length === 0) throw new Sam2Error('propagate: no objects to track; add points or a mask');
        generation = ++this.#generation;
        return callNative(() => this.#native.startPropagation());
      }),
      signal,
    );
    const order = processingOrder(plan.start ?? earliest, plan.maxFrames ?? this.frameCount, reverse, this.frameCount);
    for (const frame of order) {
      throwIfAborted(signal);
      yield await abortable(
        this.#queue.run(async () => {
          if (this.#generation !== generation) {
            throw new Sam2Error(
              'propagate: the session changed since this propagation started (a prompt, removeObject, reset or ' +
                'another propagate); start a new one',
            );
          }
          const image = await this.#pixels(frame);
          return this.#record(await callNative(() => this.#native.propagate({ frame, reverse, image })));
        }),
        signal,
      );
    }
  }

  /** The frame's pixels when the native side has no features for it. */
  async #pixels(frame: number): Promise<NativeFrameImage | null> {
    return callSync(() => this.#native.hasFeatures(frame)) ? null : this.#source.read(frame);
  }

  #record(result: FrameResult): FrameResult {
    this.#objectIds = [...result.objectIds];
    return result;
  }
}

/** @internal `Sam2Model.createVideoSession`. */
export async function createVideoSession(
  model: NativeVideoModel,
  tracking: TrackingFlags,
  lowResSize: number,
  isModelDisposed: () => boolean,
  frames: VideoFrames,
  options: VideoSessionOptions = {},
): Promise<VideoSession> {
  const output = checkOutputOptions(checkOptionsObject(options), DEFAULT_CACHED_FRAMES);
  const source = await openFrameSource(frames);
  const geometry = { numFrames: source.count, width: source.width, height: source.height };
  const native = callSync(() => model.createVideoState(tracking, { ...output, ...geometry }));
  return new VideoSession(native, source, lowResSize, isModelDisposed);
}
