import { InvalidArgumentError, Sam2Error, callNative } from '../errors.js';
import { invalidParameter, is } from '../validate.js';
import { abortable, throwIfAborted } from './abort.js';
import { openFrameSource, type FrameSource } from './frame_source.js';
import { callSync, type NativeFrameImage, type NativeVideoModel, type NativeVideoState, type TrackingFlags } from './native.js';
import {
  checkSessionOptions,
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
// A streamed video has no known length. As for a StreamingTracker, the official pointer window then spans its
// full 16 frames and no memory look-up stops at an end.
const STREAM_FRAMES = 2 ** 31 - 1;

/**
 * SAM 2 video tracking over a clip (or a stream, see below), with the semantics of the official
 * `SAM2VideoPredictor`: prompt any objects on any frames, then {@link VideoSession.propagate} their masks through the
 * video.
 *
 * Calls run one at a time in call order (each changes the tracking state the next one reads); they may be issued
 * without awaiting. Frames are decoded and encoded when needed, and at most `maxCachedFrames` frames' features are
 * kept. Per object and tracked frame the session keeps the official state: a bfloat16 memory (`64 * (S/16)^2` values)
 * and the low-res logits.
 *
 * A streamed video (an async iterable or a video file) is read in order, only as far as a call needs: a prompt on
 * frame `n` reads up to `n`, and propagation reads one frame per step, until the source ends. Only its latest
 * `maxCachedFrames` frames are kept (pixels, features and the per-frame state beyond what tracking attends to), so an
 * endless source takes bounded memory. What it supports: prompts on any frame from the oldest kept one on (later
 * frames are read up to it), and forward propagation, as far as the caller iterates. A frame no longer kept cannot be
 * named again (an `InvalidArgumentError` naming the frame), and reverse propagation is refused. Opening reads the
 * first 16 frames (the official object-pointer window, `max_obj_ptrs_in_encoder`): a stream that ends within them is
 * a short video, kept whole and used like an array of frames; for any longer one forward tracking equals the
 * official's without knowing the video's length.
 */
export class VideoSession {
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
  // A stream's frames before this one are forgotten by the native state too.
  #forgotten = 0;

  /** @internal Sessions come from `Sam2Model.createVideoSession`. */
  constructor(native: NativeVideoState, source: FrameSource, lowResSize: number, isModelDisposed: () => boolean) {
    this.#native = native;
    this.#source = source;
    this.#lowResSize = lowResSize;
    this.#queue = new SerialQueue(isModelDisposed, 'VideoSession');
    this.width = source.width;
    this.height = source.height;
  }

  /** Number of frames; for a streamed video, the frames read so far (it grows as calls read further). */
  get frameCount(): number {
    return this.#source.count;
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
    const call = toPointsCall(options, this.#frameLimit(), this.#lowResSize, this);
    return this.#queue.run(async () => {
      const image = await this.#pixels(call.frame);
      this.#generation++;
      return this.#record(await callNative(() => this.#native.addPoints({ ...call, image })));
    });
  }

  /** A mask prompt for one object on one frame, used as that frame's output as given. */
  async addMask(options: VideoMaskOptions): Promise<FrameResult> {
    this.#queue.checkOpen();
    const call = toMaskCall(options, this.#frameLimit(), this.width, this.height);
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
    const plan = checkPropagateOptions(options, this.#frameLimit());
    if (plan.reverse && this.#source.streamed) {
      throw new InvalidArgumentError('reverse', 'a streamed video (async iterable or video file) propagates forward only');
    }
    return this.#propagate(plan);
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
    this.#source.close();
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
    const start = plan.start ?? earliest;
    const order = this.#source.streamed
      ? forwardFrom(start, plan.maxFrames ?? Infinity)
      : processingOrder(start, plan.maxFrames ?? this.frameCount, reverse, this.frameCount);
    for (const frame of order) {
      throwIfAborted(signal);
      const result = await abortable(
        this.#queue.run(async () => {
          if (this.#generation !== generation) {
            throw new Sam2Error(
              'propagate: the session changed since this propagation started (a prompt, removeObject, reset or ' +
                'another propagate); start a new one',
            );
          }
          // A stream's end is known only once read to it.
          if (!(await this.#source.has(frame))) return undefined;
          const image = await this.#pixels(frame);
          return this.#record(await callNative(() => this.#native.propagate({ frame, reverse, image })));
        }),
        signal,
      );
      if (result === undefined) return;
      yield result;
    }
  }

  /** The frames a call may name: a stream's are checked when the call runs, as it is read. */
  #frameLimit(): number {
    return this.#source.streamed ? STREAM_FRAMES : this.frameCount;
  }

  /**
   * The frame's pixels when the native side has no features for it. A stream is read up to the frame, and the native
   * state forgets what only the frames it no longer keeps could use.
   */
  async #pixels(frame: number): Promise<NativeFrameImage | null> {
    if (!(await this.#source.has(frame))) {
      throw new InvalidArgumentError('frame', `frame ${frame} is past the end of the video (${this.frameCount} frames)`);
    }
    const oldest = this.#source.oldest;
    if (oldest > this.#forgotten) {
      callSync(() => this.#native.forgetBefore(oldest));
      this.#forgotten = oldest;
    }
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
  const output = checkOutputOptions(checkSessionOptions(options), DEFAULT_CACHED_FRAMES);
  const pointerWindow = is.positiveInt32(tracking.max_obj_ptrs_in_encoder) ? tracking.max_obj_ptrs_in_encoder : 16;
  const source = await openFrameSource(frames, output.maxCachedFrames, pointerWindow);
  const numFrames = source.streamed ? STREAM_FRAMES : source.count;
  const geometry = { numFrames, width: source.width, height: source.height };
  try {
    const native = callSync(() => model.createVideoState(tracking, { ...output, ...geometry }));
    return new VideoSession(native, source, lowResSize, isModelDisposed);
  } catch (err) {
    source.close();
    throw err;
  }
}

/** Frame indices from `start` on, at most `count` of them. */
function* forwardFrom(start: number, count: number): Generator<number> {
  for (let frame = start; frame < start + count; frame++) yield frame;
}
